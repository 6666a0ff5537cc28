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
