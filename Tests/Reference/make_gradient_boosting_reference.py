#!/usr/bin/env python3
"""Golden values for GradientBoostingClassifier, from XGBoost (`tree_method="hist"`) and
scikit-learn's HistGradientBoostingClassifier.

Writes Tests/AlmagestLearnTests/Resources/gradient_boosting_reference.json (some tens of KB). The
Swift tests (Tests/AlmagestLearnTests/Classify/GradientBoostingReferenceTests.swift) read it
without Python; this script is only for regenerating it (the versions used are written into it).

Run from the package root:

    pip install xgboost scikit-learn
    python3 Tests/Reference/make_gradient_boosting_reference.py

Data: 200 rows of 4 features (numpy default_rng(3)), each value rounded to one decimal so that a
feature has far fewer than 255 distinct values: then XGBoost's hist cuts, scikit-learn's bins and
Almagest's bins all put every distinct value in its own bin, so all three search the same
partitions of the training rows (only the thresholds between two neighbouring values differ:
XGBoost tests x < value, the others x <= midpoint). Binary labels from a noisy rule; three-class
labels from another (its noise from default_rng(5): in the first round every hessian is the same,
so two splits whose sides hold mirrored class counts tie exactly and float rounding picks either;
this labelling has no such tie). Some cases put NaN in 10% of the values.

Cases (`cases[]`), each with the per-row probabilities of the training rows after every tree and
the first tree's value per training row (`first_tree`, the margin after one round minus the base
margin):
  * xgb-*: XGBoost binary:logistic with base_score set to the share of class 1 (so the first
    margin is the prior's logit, as Almagest starts), eta, max_depth, lambda, alpha, gamma
    (min_split_loss), min_child_weight as listed, depthwise or lossguide growth, nthread 1.
  * sklearn-multiclass: HistGradientBoostingClassifier on three classes, leaf-wise with
    max_leaf_nodes 8, min_samples_leaf 1, l2_regularization 1, learning_rate 0.3, 10 iterations,
    no early stopping (its hessian is p(1-p) like Almagest's; its min_hessian_to_split is 1e-3).
Suggested tolerance: 1e-5 absolute on probabilities (both libraries sum float32 gradients).
"""
import json, os, platform
import numpy as np
import sklearn
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier

rng = np.random.default_rng(3)
n = 200
x = np.round(rng.normal(size=(n, 4)), 1)
score = 1.2 * x[:, 0] - x[:, 1] * x[:, 2] + 0.5 * np.sin(3 * x[:, 3]) + 0.6 * rng.normal(size=n)
y = (score > 0).astype(int)
y3 = np.digitize(x[:, 0] + 0.7 * x[:, 1] - 0.4 * x[:, 2] * x[:, 3] + 0.5 * np.random.default_rng(5).normal(size=n), [-0.5, 0.6])
x_missing = x.copy()
x_missing[rng.random(size=x.shape) < 0.1] = np.nan


def xgb_case(name, data, params, rounds):
    base = float(y.mean())
    full = dict(objective="binary:logistic", tree_method="hist", max_bin=256, base_score=base, nthread=1, seed=0)
    full.update(params)
    d = xgb.DMatrix(data, label=y, missing=np.nan)
    bst = xgb.train(full, d, num_boost_round=rounds)
    margin0 = np.log(base / (1 - base))
    first = bst.predict(d, iteration_range=(0, 1), output_margin=True) - margin0
    p = bst.predict(d)
    return {"name": name, "missing": bool(np.isnan(data).any()), "rounds": rounds, "params": params,
            "first_tree": first.astype(float).tolist(), "proba": np.stack([1 - p, p], axis=1).astype(float).tolist()}


cases = [
    xgb_case("xgb-depthwise", x, dict(eta=0.3, max_depth=3, reg_lambda=1.0, reg_alpha=0.0, gamma=0.0,
                                      min_child_weight=1.0, grow_policy="depthwise"), 10),
    xgb_case("xgb-regularised", x, dict(eta=0.2, max_depth=4, reg_lambda=2.0, reg_alpha=0.5, gamma=0.3,
                                        min_child_weight=3.0, grow_policy="depthwise"), 8),
    xgb_case("xgb-lossguide", x, dict(eta=0.3, max_depth=0, max_leaves=6, reg_lambda=1.0, reg_alpha=0.0,
                                      gamma=0.0, min_child_weight=1.0, grow_policy="lossguide"), 8),
    xgb_case("xgb-missing", x_missing, dict(eta=0.3, max_depth=3, reg_lambda=1.0, reg_alpha=0.0, gamma=0.0,
                                            min_child_weight=1.0, grow_policy="depthwise"), 6),
]

hgb = HistGradientBoostingClassifier(max_iter=10, learning_rate=0.3, max_leaf_nodes=8, max_depth=None,
                                     min_samples_leaf=1, l2_regularization=1.0, early_stopping=False,
                                     max_bins=255).fit(x, y3)
staged = list(hgb.staged_predict_proba(x))
cases.append({"name": "sklearn-multiclass", "missing": False, "rounds": 10,
              "params": dict(eta=0.3, max_leaves=8, reg_lambda=1.0, min_child_weight=1e-3, grow_policy="lossguide"),
              "first_round_proba": staged[0].astype(float).tolist(), "proba": staged[-1].astype(float).tolist()})

out = {"versions": {"xgboost": xgb.__version__, "scikit-learn": sklearn.__version__, "numpy": np.__version__,
                    "python": platform.python_version()},
       "x": [[None if np.isnan(v) else float(v) for v in row] for row in x],
       "x_missing": [[None if np.isnan(v) else float(v) for v in row] for row in x_missing],
       "y": y.tolist(), "y3": y3.tolist(), "cases": cases}
path = os.path.join("Tests", "AlmagestLearnTests", "Resources", "gradient_boosting_reference.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes")
