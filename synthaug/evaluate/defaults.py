"""Defaults of :func:`synthaug.evaluate.evaluate` that ``synthaug evaluate --help`` quotes.

In a module that imports nothing, so the help shows them without loading scikit-learn, pandas
and torch (which :mod:`synthaug.evaluate.core` imports); the signature uses these names.
"""

N_SEEDS = 3
RATIOS = (1.0,)
N_JOBS = 1
MAX_SYNTHETIC = 50_000
BASELINES = ("smote", "ros")  # the oversampling baselines run beside the synthetic records
REPORT_FILES = ("report.json", "report.html")  # what an evaluation writes to its output folder
