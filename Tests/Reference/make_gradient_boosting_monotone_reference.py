#!/usr/bin/env python3
"""Golden values for GradientBoostingClassifier's monotone constraints, from XGBoost
(`tree_method="hist"`, `monotone_constraints`).

Writes Tests/AlmagestLearnTests/Resources/gradient_boosting_monotone_reference.json (some tens of
KB), read by Tests/AlmagestLearnTests/Classify/GradientBoostingMonotoneTests.swift without
Python; this script is only for regenerating it (the versions used are written into it).

Run from the package root:

    pip install xgboost
    python3 Tests/Reference/make_gradient_boosting_monotone_reference.py

Data: the same 200 rows of 4 features rounded to one decimal, binary labels and 10% NaN version
as make_gradient_boosting_reference.py (numpy default_rng(3), drawn in the same order), so that
XGBoost's hist cuts and Almagest's bins search the same partitions of the training rows. The
labels follow 1.2 x0 - x1 x2 + 0.5 sin(3 x3) plus noise: increasing in x0, not monotone in x3,
so the constraints below bind.

Cases (`cases[]`), like the unconstrained reference: XGBoost binary:logistic with base_score the
share of class 1, nthread 1, the listed parameters and `monotone_constraints` (one per feature),
with the first tree's value per training row (`first_tree`) and the probabilities of the training
rows after all rounds (`proba`). `grid` holds, for every case, XGBoost's probabilities of class 1
on 4 training rows with the constrained features swept one at a time over 25 values from -3 to 3
(`grid_rows`, `grid_values`): a check that XGBoost itself is monotone there, and values between
training values where the thresholds of both libraries may differ (not compared exactly).
Suggested tolerance: 1e-5 absolute on training-row probabilities (float32 gradients).
"""
import json, os, platform
import numpy as np
import xgboost as xgb

rng = np.random.default_rng(3)
n = 200
x = np.round(rng.normal(size=(n, 4)), 1)
score = 1.2 * x[:, 0] - x[:, 1] * x[:, 2] + 0.5 * np.sin(3 * x[:, 3]) + 0.6 * rng.normal(size=n)
y = (score > 0).astype(int)
# The same draws as the unconstrained reference, in the same order, before x_missing.
np.digitize(x[:, 0] + 0.7 * x[:, 1] - 0.4 * x[:, 2] * x[:, 3] + 0.5 * np.random.default_rng(5).normal(size=n), [-0.5, 0.6])
x_missing = x.copy()
x_missing[rng.random(size=x.shape) < 0.1] = np.nan

grid_rows = [0, 3, 8, 21]
grid_values = np.linspace(-3, 3, 25)


def xgb_case(name, data, params, constraints, rounds):
    base = float(y.mean())
    full = dict(objective="binary:logistic", tree_method="hist", max_bin=256, base_score=base, nthread=1, seed=0,
                monotone_constraints="(" + ",".join(str(c) for c in constraints) + ")")
    full.update(params)
    d = xgb.DMatrix(data, label=y, missing=np.nan)
    bst = xgb.train(full, d, num_boost_round=rounds)
    margin0 = np.log(base / (1 - base))
    first = bst.predict(d, iteration_range=(0, 1), output_margin=True) - margin0
    p = bst.predict(d)
    grid = {}
    for j, c in enumerate(constraints):
        if c == 0:
            continue
        sweeps = []
        for i in grid_rows:
            rows = np.repeat(data[i:i + 1], len(grid_values), axis=0)
            rows[:, j] = grid_values
            q = bst.predict(xgb.DMatrix(rows, missing=np.nan))
            assert np.all(np.diff(q) * c >= -1e-7), (name, j, i)
            sweeps.append(q.astype(float).tolist())
        grid[str(j)] = sweeps
    return {"name": name, "missing": bool(np.isnan(data).any()), "rounds": rounds, "params": params,
            "monotone_constraints": constraints, "first_tree": first.astype(float).tolist(),
            "proba": np.stack([1 - p, p], axis=1).astype(float).tolist(), "grid": grid}


cases = [
    xgb_case("xgb-monotone-depthwise", x, dict(eta=0.3, max_depth=3, reg_lambda=1.0, reg_alpha=0.0, gamma=0.0,
                                               min_child_weight=1.0, grow_policy="depthwise"), [1, 0, 0, -1], 10),
    xgb_case("xgb-monotone-deep", x, dict(eta=0.3, max_depth=5, reg_lambda=1.0, reg_alpha=0.0, gamma=0.0,
                                          min_child_weight=1.0, grow_policy="depthwise"), [1, -1, 1, 1], 10),
    xgb_case("xgb-monotone-lossguide", x, dict(eta=0.3, max_depth=0, max_leaves=6, reg_lambda=1.0, reg_alpha=0.0,
                                               gamma=0.0, min_child_weight=1.0, grow_policy="lossguide"), [0, 1, -1, 1], 8),
    xgb_case("xgb-monotone-missing", x_missing, dict(eta=0.3, max_depth=3, reg_lambda=1.0, reg_alpha=0.0, gamma=0.0,
                                                     min_child_weight=1.0, grow_policy="depthwise"), [1, 0, 0, -1], 6),
    xgb_case("xgb-monotone-regularised", x, dict(eta=0.2, max_depth=4, reg_lambda=2.0, reg_alpha=0.5, gamma=0.3,
                                                 min_child_weight=3.0, grow_policy="depthwise"), [1, 0, 0, -1], 8),
]

out = {"versions": {"xgboost": xgb.__version__, "numpy": np.__version__, "python": platform.python_version()},
       "x": [[None if np.isnan(v) else float(v) for v in row] for row in x],
       "x_missing": [[None if np.isnan(v) else float(v) for v in row] for row in x_missing],
       "y": y.tolist(), "grid_rows": grid_rows, "grid_values": grid_values.tolist(), "cases": cases}
path = os.path.join("Tests", "AlmagestLearnTests", "Resources", "gradient_boosting_monotone_reference.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes")
