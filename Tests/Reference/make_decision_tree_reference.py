#!/usr/bin/env python3
"""Golden values for DecisionTreeClassifier: scikit-learn's trees on a small deterministic data set.

Writes Tests/AlmagestLearnTests/Resources/decision_tree_reference.json (about 50 KB). The Swift
tests (Tests/AlmagestLearnTests/Classify/DecisionTreeGoldenTests.swift) read it without Python;
this script is only for regenerating it. Produced with Python 3.11.7, NumPy 2.4.6, scikit-learn
1.9.1 (the versions are also written into the file).

    python3 Tests/Reference/make_decision_tree_reference.py

Data (stored in full): 3 classes of 150 training rows and 20 test rows each, 4 features, from
NumPy's default_rng(20261204): class c has mean (c, -c/2, c/3, 0) plus standard normal noise in
every feature (the last feature is noise only). Every value is rounded to float32 and stored as
that float64, because scikit-learn grows its trees on float32 copies of X: on float32-exact data
its thresholds (the midpoint f32(a)/2 + f32(b)/2 in float64) and its comparisons at predict time
are those of a float64 implementation.

Cases: scikit-learn's DecisionTreeClassifier with the given parameters (max_features=None). For
each: the tree (`feature`, `threshold`, children, `n_node_samples`, `impurity`, leaf class
frequencies `value`; node order depth first, left child first), `feature_importances_`,
`predict_proba` of the test rows, and for the pruning cases `cost_complexity_pruning_path` of the
unpruned tree. scikit-learn visits features in a random order and keeps the first of equally good
splits, so a tie between two features would make the tree depend on random_state: each case is
refitted with random_state 0..19 and refused unless every fit is the same tree, so that the tree
is the unique CART tree for those parameters (which Almagest, visiting features in index order,
must then reproduce).
"""

import json
import os
import platform

import numpy as np
import sklearn
from sklearn.tree import DecisionTreeClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(os.path.dirname(HERE))
OUTPUT = os.path.join(PACKAGE, "Tests", "AlmagestLearnTests", "Resources", "decision_tree_reference.json")

CASES = [
    {"name": "gini_depth3", "criterion": "gini", "max_depth": 3},
    {"name": "entropy_depth4_leaf5", "criterion": "entropy", "max_depth": 4, "min_samples_leaf": 5},
    {"name": "gini_split40_decrease", "criterion": "gini", "min_samples_split": 40, "min_impurity_decrease": 0.005},
    {"name": "gini_depth4_ccp", "criterion": "gini", "max_depth": 4, "ccp_alpha": 0.01},
    {"name": "log_loss_depth5_leaf6_ccp", "criterion": "log_loss", "max_depth": 5, "min_samples_leaf": 6, "ccp_alpha": 0.02},
]


def data(rng, per_class):
    x, y = [], []
    for c in range(3):
        mean = np.array([c, -c / 2, c / 3, 0.0])
        x.append(mean + rng.standard_normal((per_class, 4)))
        y += [c] * per_class
    return np.vstack(x).astype(np.float32).astype(np.float64), np.array(y)


def tree_dict(model):
    t = model.tree_
    return {
        "feature": [int(f) if f >= 0 else -1 for f in t.feature],
        "threshold": [float(v) if f >= 0 else 0.0 for f, v in zip(t.feature, t.threshold)],
        "children_left": [int(v) for v in t.children_left],
        "children_right": [int(v) for v in t.children_right],
        "n_node_samples": [int(v) for v in t.n_node_samples],
        "impurity": [float(v) for v in t.impurity],
        "value": [[float(p) for p in row[0]] for row in t.value],
    }


def main():
    rng = np.random.default_rng(20261204)
    x_train, y_train = data(rng, 150)
    x_test, _ = data(rng, 20)
    cases = []
    for case in CASES:
        params = {k: v for k, v in case.items() if k != "name"}
        fits = [DecisionTreeClassifier(random_state=s, **params).fit(x_train, y_train) for s in range(20)]
        trees = [tree_dict(m) for m in fits]
        if any(t != trees[0] for t in trees):
            raise SystemExit(f"case {case['name']}: the tree depends on random_state (tied splits); change it")
        model = fits[0]
        out = {"name": case["name"], "params": params, "tree": trees[0],
               "feature_importances": [float(v) for v in model.feature_importances_],
               "predict_proba": model.predict_proba(x_test).tolist()}
        if params.get("ccp_alpha", 0) > 0:
            unpruned = {k: v for k, v in params.items() if k != "ccp_alpha"}
            path = DecisionTreeClassifier(random_state=0, **unpruned).cost_complexity_pruning_path(x_train, y_train)
            out["ccp_path"] = {"ccp_alphas": path.ccp_alphas.tolist(), "impurities": path.impurities.tolist()}
        cases.append(out)
        print(case["name"], "nodes", model.tree_.node_count, "depth", model.get_depth())
    fixture = {
        "fixture": "decision_tree_reference", "format_version": 1,
        "reference": {"library": "scikit-learn DecisionTreeClassifier",
                      "versions": {"python": platform.python_version(), "numpy": np.__version__,
                                   "scikit-learn": sklearn.__version__},
                      "script": "Tests/Reference/make_decision_tree_reference.py"},
        "x_train": x_train.tolist(), "y_train": y_train.tolist(), "x_test": x_test.tolist(), "cases": cases,
    }
    with open(OUTPUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print("wrote", OUTPUT, os.path.getsize(OUTPUT), "bytes")


if __name__ == "__main__":
    main()
