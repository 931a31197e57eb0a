#!/usr/bin/env python3
"""Golden values for SupportVectorClassifier, from scikit-learn's SVC (libsvm) and SciPy.

Writes Tests/AlmagestLearnTests/Resources/svm_reference.json. The Swift tests
(Tests/AlmagestLearnTests/Classify/SVMReferenceTests.swift) read it without Python; this script
is only for regenerating it (the versions used are written into the file).

Run from the package root, with the shared data beside the checkout (../shared):

    python3 Tests/Reference/make_svm_reference.py [--shared ../shared]

Data sets:
  * `magic`: MAGIC gamma telescope, every 95th row (200 rows), standardised on those rows, class
    h = 1, g = 0 -- the rows of linear_reference.json (make_linear_reference.py). Stored in full.
  * `digits3`: the embedded digits, rows 0..<300 whose label is 0, 1 or 2 (89 rows), pixels / 16.
    Not stored: the Swift test selects the same rows itself.

Cases (`cases[]`): SVC(kernel, C, gamma, degree, coef0, class_weight, tol=1e-3, shrinking=True,
cache_size=200) fitted on a data set: `support_`, `n_support_`, `dual_coef_`, `intercept_`,
`_gamma`, `n_iter_`, `decision_function` of every training row (shape 'ovo' for more than two
classes) and `predict`. Cases with `probability` were fitted with probability=True,
random_state=0 (deprecated in scikit-learn 1.9, still libsvm's Platt scaling) and add `probA_`,
`probB_` and `predict_proba` of every row.

`platt`: the sigmoid fit on its own -- the decision values of the `magic_rbf` case with labels
y == 1 -- minimised by SciPy (BFGS on Platt's regularised-target cross-entropy, gradient tolerance
1e-12): `a`, `b` with P(y = 1 | f) = 1 / (1 + exp(a f + b)).

Suggested tolerances: dual coefficients, intercepts and decision values 1e-6 relative (the same
algorithm, Float kernel cache as libsvm); probabilities from given decision values and sigmoids
1e-9; the Platt fit 1e-5 (libsvm's Newton stops at a gradient of 1e-5); end-to-end probabilities
loosely (the internal cross-validation folds differ).
"""
import argparse, gzip, json, os, platform, warnings
import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


def floats(a):
    return [float(v) for v in np.ravel(a)] if np.ndim(a) <= 1 else [floats(r) for r in a]


def platt(f, positive):
    """Platt's sigmoid (Lin, Lin & Weng's targets) by SciPy's BFGS."""
    n1 = positive.sum()
    n0 = len(positive) - n1
    t = np.where(positive, (n1 + 1) / (n1 + 2), 1 / (n0 + 2))

    def objective(theta):
        z = theta[0] * f + theta[1]
        value = np.sum(np.where(z >= 0, t * z + np.log1p(np.exp(-np.abs(z))), (t - 1) * z + np.log1p(np.exp(-np.abs(z)))))
        p = np.where(z >= 0, np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))), 1 / (1 + np.exp(-np.abs(z))))
        d = t - p
        return value, np.array([np.sum(f * d), np.sum(d)])

    start = np.array([0.0, np.log((n0 + 1) / (n1 + 1))])
    result = minimize(objective, start, jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 10000})
    return float(result.x[0]), float(result.x[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared"))
    args = parser.parse_args()
    raw = np.loadtxt(os.path.join(args.shared, "datasets/magic-gamma/magic04.data"), delimiter=",", dtype=str)
    rows = np.arange(0, 19020, 95)[:200]
    magic_x = StandardScaler().fit_transform(raw[rows, :10].astype(np.float64))
    magic_y = (raw[rows, 10] == "h").astype(int)
    digits = np.loadtxt(gzip.open(os.path.join(args.shared, "datasets/digits/digits.csv.gz")), delimiter=",")
    keep = np.flatnonzero(digits[:300, 64] < 3)
    digits_x, digits_y = digits[keep, :64] / 16, digits[keep, 64].astype(int)
    data = {"magic": (magic_x, magic_y), "digits3": (digits_x, digits_y)}

    specs = [
        ("magic_rbf", "magic", dict(kernel="rbf", C=1.0, gamma="scale"), False),
        ("magic_rbf_c10_balanced", "magic", dict(kernel="rbf", C=10.0, gamma=0.05, class_weight="balanced"), False),
        ("magic_linear", "magic", dict(kernel="linear", C=0.5), False),
        ("magic_poly", "magic", dict(kernel="poly", C=1.0, gamma="scale", degree=3, coef0=1.0), False),
        ("magic_sigmoid", "magic", dict(kernel="sigmoid", C=1.0, gamma=0.02, coef0=0.0), False),
        ("magic_rbf_probability", "magic", dict(kernel="rbf", C=1.0, gamma="scale"), True),
        ("digits3_rbf", "digits3", dict(kernel="rbf", C=1.0, gamma="scale"), False),
        ("digits3_linear", "digits3", dict(kernel="linear", C=0.1), False),
        ("digits3_poly", "digits3", dict(kernel="poly", C=1.0, gamma="auto", degree=2, coef0=0.5), False),
        ("digits3_sigmoid", "digits3", dict(kernel="sigmoid", C=2.0, gamma=0.01, coef0=-0.5), False),
        ("digits3_rbf_probability", "digits3", dict(kernel="rbf", C=1.0, gamma="scale"), True),
    ]
    cases = []
    for name, source, params, probability in specs:
        x, y = data[source]
        multiclass = len(np.unique(y)) > 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            extra = dict(probability=True, random_state=0) if probability else {}
            model = SVC(**params, tol=1e-3, shrinking=True, cache_size=200,
                        decision_function_shape="ovo" if multiclass else "ovr", **extra).fit(x, y)
            case = {
                "name": name, "data": source, "params": params, "probability": probability,
                "support_": [int(v) for v in model.support_], "n_support_": [int(v) for v in model.n_support_],
                "dual_coef_": floats(model.dual_coef_), "intercept_": floats(model.intercept_),
                "gamma": float(model._gamma), "n_iter_": [int(v) for v in model.n_iter_],
                "decision_function": floats(model.decision_function(x)), "predict": [int(v) for v in model.predict(x)],
            }
            if probability:
                case.update({"probA_": floats(model.probA_), "probB_": floats(model.probB_),
                             "predict_proba": floats(model.predict_proba(x))})
        cases.append(case)
    f = np.array(cases[0]["decision_function"])
    a, b = platt(f, magic_y == 1)
    out = {
        "fixture": "svm_reference", "format_version": 1,
        "reference": {"library": "scikit-learn SVC (libsvm); SciPy BFGS for the Platt fit",
                      "versions": {"python": platform.python_version(), "numpy": np.__version__,
                                   "scipy": scipy.__version__, "scikit-learn": sklearn.__version__}},
        "data": {
            "magic": {"file": "datasets/magic-gamma/magic04.data", "rows": "0, 95, ..., 18905 (200 rows)",
                      "preprocessing": "StandardScaler on these rows; class h = 1",
                      "x": floats(magic_x), "y": [int(v) for v in magic_y]},
            "digits3": {"file": "datasets/digits/digits.csv.gz", "rows": "0..<300 with label 0, 1 or 2",
                        "count": int(len(keep)), "preprocessing": "pixels / 16"},
        },
        "platt": {"decision_values": "magic_rbf decision_function", "positive": "y == 1", "a": a, "b": b},
        "cases": cases,
    }
    path = os.path.join(os.path.dirname(__file__), "..", "AlmagestLearnTests", "Resources", "svm_reference.json")
    with open(path, "w") as fh:
        json.dump(out, fh, separators=(",", ":"))
    print(path, os.path.getsize(path), "bytes; platt", a, b)
    for case in cases:
        print(case["name"], case["n_support_"], case["n_iter_"], case["gamma"])


if __name__ == "__main__":
    main()
