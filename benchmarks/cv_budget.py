"""Cost of SynthOverSampler inside cross-validation: default budget against a cheap one.

    OMP_NUM_THREADS=1 /usr/bin/time -f "%e s" python benchmarks/cv_budget.py iris cheap

prints the 3-fold scores of scale + logistic regression after oversampling every class to the
largest, and the wall seconds cross_val_score took. The scores repeat exactly; the times are wall
times and grow with the shared machine's load (README's table was measured at load 1-3). The total
also holds starting Python and the imports: 3.4-4.1 s wall, 3.2-3.3 s user + sys for this file's
imports plus torch alone, at 4af449a, load average 2.8-3.0 on the shared two-core machine, three runs of

    OMP_NUM_THREADS=1 /usr/bin/time -f "wall %e s user %U s sys %S s" python -c "
    import imblearn.pipeline, sklearn.datasets, sklearn.linear_model, sklearn.model_selection, sklearn.preprocessing
    from synthaug import SynthOverSampler, TabularCGAN
    import torch"

Results (README's table; scores repeat exactly, wall times are total and, in brackets, cross_val_score):

    at a3c0fa4, load 1-3 (the README's times):
      iris cheap 0.98 0.96 0.96, 4.6 s (1.1 s)     iris default 0.98 0.96 0.94, 41 s (38 s)
      breast_cancer cheap 0.963 0.974 0.952, 5.4 s (2.0 s)     breast_cancer default 0.979 0.968 0.968, 68 s (64 s)
    at 3eb349f, after 3a5957a (a row out of the filters' tries keeps a candidate the privacy filter passed,
    if any) changed the cheap budget's scores:
      iris cheap 0.98 0.96 0.98: 6.65 s (1.5 s) at load 1.0, 7.74 s (1.5 s) at 4.0, 10.25 s (2.7 s) at 2.0
      breast_cancer cheap 0.968 0.968 0.947: 7.67 s (2.7 s) at load 1.1, 15.0 s (7.1 s) at 3.9, 10.7 s (3.4 s) at 2.3
      iris default 0.98 0.96 0.94 (unchanged): 170 s (161 s) at load 5.4, 60.7 s (56.0 s) at 2.2
      breast_cancer default 0.979 0.968 0.968 (unchanged): 175 s (166 s) at load 4-5
"""

import sys
import time
import warnings

from imblearn.pipeline import Pipeline
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.preprocessing import StandardScaler

from synthaug import SynthOverSampler, TabularCGAN

BUDGETS = {"cheap": {"epochs": 1, "min_steps": 50}, "default": {}}

if __name__ == "__main__":
    warnings.filterwarnings("ignore")
    data, budget = sys.argv[1], sys.argv[2]
    X, y = {"iris": load_iris, "breast_cancer": load_breast_cancer}[data](return_X_y=True)
    pipe = Pipeline([("aug", SynthOverSampler("all", TabularCGAN(**BUDGETS[budget]), random_state=0)),
                     ("scale", StandardScaler()), ("clf", LogisticRegression(max_iter=1000))])
    started = time.perf_counter()
    scores = cross_val_score(pipe, X, y, cv=3)
    print(data, budget, scores.round(3), f"cross_val_score {time.perf_counter() - started:.1f} s")
