#!/usr/bin/env python3
"""Golden values for LogisticRegression and GaussianNaiveBayes, from scikit-learn.

Writes Tests/AlmagestLearnTests/Resources/linear_reference.json (about 60 KB). The Swift tests
(Tests/AlmagestLearnTests/Classify/LinearReferenceTests.swift) read it without Python; this
script is only for regenerating it (the versions used are written into the file).

Run from the package root, with the shared data beside the checkout (../shared):

    python3 Tests/Reference/make_linear_reference.py [--shared ../shared]

Data sets:
  * `magic`: MAGIC gamma telescope (shared/datasets/magic-gamma/magic04.data), every 95th row
    (rows 0, 95, ..., 18905: 200 rows, both classes; the file lists all g rows before the h rows),
    the 10 features standardised by scikit-learn's StandardScaler fitted on those 200 rows, class
    h = 1, g = 0. `x` and `y` are stored in full.
  * `digits`: the embedded digits (shared/datasets/digits/digits.csv.gz), rows 0..<300, pixels
    divided by 16, labels 0..9. Not stored: the Swift test reads the same rows itself.

Cases (`cases[]`, each with `data`, `estimator`, `params` and scikit-learn's fitted values):
  * LogisticRegression, L2 (lbfgs) and L1 / elastic net (saga), binary on `magic` and multinomial
    on `digits`, at tol 1e-10 (saga: max_iter 200000) so that both sides reach the optimum:
    `coef_`, `intercept_`, `predict_proba` of the first 20 rows (`proba_rows_0_19`),
    and the objective value `objective` = mean log-loss + (1-r)/(2 C n) ||W||^2 + r/(C n) ||W||_1.
  * GaussianNB (var_smoothing 1e-9) on both: `theta_`, `var_`, `class_prior_`, `epsilon_`,
    `predict_proba` of every row (`proba`).
Suggested tolerances: L2 coefficients 1e-4 relative (1e-6 absolute), L1 coefficients 1e-3
relative (1e-5 absolute: saga's own accuracy), probabilities 1e-6 absolute (naive Bayes),
1e-5 (logistic).
"""
import argparse, gzip, json, os, platform, warnings
import numpy as np
import scipy
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.preprocessing import StandardScaler


def floats(a):
    return [float(v) for v in np.ravel(a)] if np.ndim(a) <= 1 else [floats(r) for r in a]


def objective(model, x, y, c, ratio):
    p = np.clip(model.predict_proba(x), 1e-300, 1)
    loss = -np.mean(np.log(p[np.arange(len(y)), np.searchsorted(model.classes_, y)]))
    w = model.coef_
    return float(loss + (1 - ratio) / (2 * c * len(y)) * np.sum(w * w) + ratio / (c * len(y)) * np.sum(np.abs(w)))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))
    args = parser.parse_args()
    raw = np.loadtxt(os.path.join(args.shared, "datasets/magic-gamma/magic04.data"), delimiter=",", dtype=str)
    rows = np.arange(0, 19020, 95)[:200]
    magic_x = StandardScaler().fit_transform(raw[rows, :10].astype(np.float64))
    magic_y = (raw[rows, 10] == "h").astype(int)
    digits = np.loadtxt(gzip.open(os.path.join(args.shared, "datasets/digits/digits.csv.gz")), delimiter=",")
    digits_x, digits_y = digits[:300, :64] / 16, digits[:300, 64].astype(int)
    data = {"magic": (magic_x, magic_y), "digits": (digits_x, digits_y)}

    cases = []
    lr_cases = [
        ("lr_l2_magic", "magic", dict(penalty="l2", C=1.0, solver="lbfgs", tol=1e-10, max_iter=10000), 0.0),
        ("lr_l2_strong_magic", "magic", dict(penalty="l2", C=0.01, solver="lbfgs", tol=1e-10, max_iter=10000), 0.0),
        ("lr_l1_magic", "magic", dict(penalty="l1", C=0.05, solver="saga", tol=1e-10, max_iter=200000), 1.0),
        ("lr_elasticnet_magic", "magic",
         dict(penalty="elasticnet", C=0.05, l1_ratio=0.5, solver="saga", tol=1e-10, max_iter=200000), 0.5),
        ("lr_l2_digits", "digits", dict(penalty="l2", C=1.0, solver="lbfgs", tol=1e-10, max_iter=10000), 0.0),
        ("lr_l1_digits", "digits", dict(penalty="l1", C=0.5, solver="saga", tol=1e-10, max_iter=200000), 1.0),
    ]
    for name, source, params, ratio in lr_cases:
        x, y = data[source]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = LogisticRegression(**params, random_state=0).fit(x, y)
        cases.append({
            "name": name, "data": source, "estimator": "LogisticRegression", "params": params, "l1_ratio": ratio,
            "coef_": floats(model.coef_), "intercept_": floats(model.intercept_), "n_iter_": int(model.n_iter_[0]),
            "proba_rows_0_19": floats(model.predict_proba(x[:20])),
            "objective": objective(model, x, y, params["C"], ratio),
        })
    for source in ("magic", "digits"):
        x, y = data[source]
        model = GaussianNB(var_smoothing=1e-9).fit(x, y)
        cases.append({
            "name": f"gnb_{source}", "data": source, "estimator": "GaussianNB", "params": {"var_smoothing": 1e-9},
            "theta_": floats(model.theta_), "var_": floats(model.var_), "class_prior_": floats(model.class_prior_),
            "epsilon_": float(model.epsilon_), "proba": floats(model.predict_proba(x)),
        })
    out = {
        "fixture": "linear_reference", "format_version": 1,
        "reference": {"library": "scikit-learn (LogisticRegression, GaussianNB)",
                      "versions": {"python": platform.python_version(), "numpy": np.__version__,
                                   "scipy": scipy.__version__, "scikit-learn": sklearn.__version__}},
        "data": {
            "magic": {"file": "datasets/magic-gamma/magic04.data", "rows": "0, 95, ..., 18905 (200 rows)",
                      "preprocessing": "StandardScaler on these rows; class h = 1",
                      "x": floats(magic_x), "y": [int(v) for v in magic_y]},
            "digits": {"file": "datasets/digits/digits.csv.gz", "rows": [0, 300], "preprocessing": "pixels / 16"},
        },
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(__file__), "..", "AlmagestLearnTests", "Resources", "linear_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(path, os.path.getsize(path), "bytes")
    for case in cases:
        print(case["name"], case.get("n_iter_"), case.get("objective"))


if __name__ == "__main__":
    main()
