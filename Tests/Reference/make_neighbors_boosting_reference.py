#!/usr/bin/env python3
"""Golden values for KNeighborsClassifier and AdaBoostClassifier (SAMME), from scikit-learn.

Writes Tests/AlmagestLearnTests/Resources/neighbors_boosting_reference.json (a few KB). The Swift
tests (Tests/AlmagestLearnTests/Classify/NeighborsBoostingReferenceTests.swift) read it without
Python; this script is only for regenerating it (the versions used are written into the file).

Run from the package root:

    python3 Tests/Reference/make_neighbors_boosting_reference.py

Data: 90 training and 30 test rows of 3 continuous features (numpy default_rng(0), three shifted
normal groups, labels 0, 1, 2; no ties in distance or split value), stored in full.
Cases (`cases[]`):
  * KNeighborsClassifier(n_neighbors=7, weights=uniform|distance, algorithm=brute):
    `kneighbors` indices of the test rows and `predict_proba` of the test rows.
  * AdaBoostClassifier(algorithm="SAMME", n_estimators=10, max_depth 1 and 2):
    `estimator_weights_`, `estimator_errors_`, `predict_proba` of the test rows.
Suggested tolerances: neighbour indices exact, probabilities 1e-9 absolute, weights 1e-9 relative.
"""
import json, os, platform, warnings
import numpy as np
import sklearn
from sklearn.ensemble import AdaBoostClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

rng = np.random.default_rng(0)
y_all = np.arange(120) % 3
x_all = rng.normal(size=(120, 3)) + y_all[:, None] * np.array([1.0, 0.5, -0.7])
x, y, x_test = x_all[:90], y_all[:90], x_all[90:]

cases = []
for weights in ["uniform", "distance"]:
    m = KNeighborsClassifier(n_neighbors=7, weights=weights, algorithm="brute").fit(x, y)
    cases.append({"name": f"knn-{weights}", "weights": weights, "neighbors": 7,
                  "kneighbors": m.kneighbors(x_test, return_distance=False).tolist(),
                  "proba": m.predict_proba(x_test).tolist()})
for depth in [1, 2]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # SAMME is the only algorithm from scikit-learn 1.6 on (the `algorithm` argument is gone in 1.8).
        extra = {"algorithm": "SAMME"} if "algorithm" in AdaBoostClassifier().get_params() else {}
        m = AdaBoostClassifier(DecisionTreeClassifier(max_depth=depth), n_estimators=10, random_state=0,
                               **extra).fit(x, y)
    cases.append({"name": f"adaboost-depth-{depth}", "max_depth": depth, "estimators": 10,
                  "estimator_weights_": m.estimator_weights_.tolist(),
                  "estimator_errors_": m.estimator_errors_.tolist(),
                  "proba": m.predict_proba(x_test).tolist()})

out = {"versions": {"python": platform.python_version(), "numpy": np.__version__, "sklearn": sklearn.__version__},
       "x": x.tolist(), "y": y.tolist(), "x_test": x_test.tolist(), "cases": cases}
path = os.path.join("Tests", "AlmagestLearnTests", "Resources", "neighbors_boosting_reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", path)
