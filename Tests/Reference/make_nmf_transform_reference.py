#!/usr/bin/env python3
"""Golden values for NMFModel.transform and for the Kullback-Leibler multiplicative updates.

Writes Tests/AlmagestLearnTests/Resources/nmf_transform_kl.json (about 140 KB). The Swift tests
(Tests/AlmagestLearnTests/Factorize/NMFTransformGoldenTests.swift) read it without Python; this
script is only for regenerating it. Produced with Python 3.11.7, NumPy 2.4.6, scikit-learn 1.9.1
(the versions are also written into the file; other versions may change the last bits).

Run from the package root, with the shared data beside the checkout (../shared):

    python3 Tests/Reference/make_nmf_transform_reference.py [--shared ../shared]

Section `transform` (scikit-learn's NMF.transform, solver='mu', Frobenius loss):
  * data: MNIST test images (t10k-images-idx3-ubyte.gz), 784 pixels each, float64, divided by 255;
    rows 0..<200 are fitted, rows 200..<300 are transformed. Neither is stored: both are read
    from the shared file (`sum_of_squares` of the transformed rows is stored as a check).
  * `H`: components_ of NMF(n_components=6, init='nndsvda', solver='mu', max_iter=400, tol=1e-4,
    random_state=0) fitted on rows 0..<200, stored in full (the Swift test uses this H as is, so
    scikit-learn's randomized SVD inside 'nndsvda' does not matter).
  * `cases[]`: scikit-learn's transform of rows 200..<300 against that H with the given
    `max_iter` and `tol`: `W` (100 x 6), `n_iter` (from NMF._fit_transform(X, H=H,
    update_H=False), the very call transform makes; W from both is checked equal here), and
    `error` = ||X - W H||_F. The algorithm (scikit-learn 1.9 `_fit_transform` with update_H=False
    and `_fit_multiplicative_update`): W starts at sqrt(X.mean() / r) everywhere; per iteration
    W <- W * (X H^T) / (W (H H^T)) with X H^T and H H^T computed once and any denominator entry
    exactly 0 replaced by float32 epsilon; if tol > 0, every 10 iterations the error
    ||X - W H||_F is compared with the previous one and the loop stops when
    (previous - error) / error_at_start < tol.

Section `kl` (an independent NumPy implementation of KLMultiplicativeSolver's documented update):
  * data: rows 0..<60 of the 8x8 digits (shared datasets/digits/digits.csv.gz, the 64 pixel
    columns, values 0..16 as float64), rank 4.
  * `W0`, `H0`: a fixed positive start (NumPy default_rng(20261122), uniform in [0.05, 1) times
    sqrt(A.mean() / 4)).
  * 30 iterations of, with Q = A / (W H + 1e-10):
        H <- H * (W^T Q) / (W^T 1 + 1e-10);  then, with the new H and a new Q,
        W <- W * (Q H^T) / (1 H^T + 1e-10);
    after each half-step, entries below the smallest normal float64 are set to 0.
  * `divergence[i]`: the generalised Kullback-Leibler divergence
    D(A || WH) = sum(a log(a / wh) - a + wh), with 0 log 0 = 0, after i iterations (i = 0..30);
    `relative_squared_error[i]` = ||A - WH||_F^2 / ||A||_F^2 likewise.
  * `W_final`, `H_final`: the factors after 30 iterations.
  * `sklearn_beta_divergence_final`: scikit-learn's `_beta_divergence(A, W_final, H_final,
    beta=1)`, which pins the objective's formula (it only differs where A or WH fall below float32
    epsilon, which does not happen here).
"""

import argparse
import gzip
import json
import os
import platform
import warnings

import numpy as np
import sklearn
from sklearn.decomposition import NMF
from sklearn.decomposition._nmf import _beta_divergence

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.dirname(os.path.dirname(HERE))
OUTPUT = os.path.join(PACKAGE, "Tests", "AlmagestLearnTests", "Resources", "nmf_transform_kl.json")

FIT_ROWS = (0, 200)
NEW_ROWS = (200, 300)
RANK = 6
# (max_iter, tol): the defaults, no early stop, a stricter tolerance, a small iteration budget.
CASES = [(200, 1e-4), (200, 0.0), (500, 1e-6), (25, 1e-4)]

KL_ROWS = 60
KL_RANK = 4
KL_ITERATIONS = 30
KL_SEED = 20261122
GUARD = 1e-10


def read_mnist(path, start, stop):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count, height, width = np.frombuffer(data[:16], dtype=">u4")
    assert magic == 0x00000803, hex(magic)
    assert 0 <= start < stop <= count
    pixels = np.frombuffer(data[16:], dtype=np.uint8).reshape(count, height * width)
    return pixels[start:stop].astype(np.float64) / 255.0


def read_digits(path, rows):
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",", max_rows=rows)
    return table[:, :64].astype(np.float64)


def rows(m):
    return [[float(v) for v in row] for row in np.asarray(m)]


def transform_section(shared):
    mnist = os.path.join(shared, "datasets", "mnist", "t10k-images-idx3-ubyte.gz")
    x_fit = read_mnist(mnist, *FIT_ROWS)
    x_new = read_mnist(mnist, *NEW_ROWS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = NMF(n_components=RANK, init="nndsvda", solver="mu", max_iter=400, tol=1e-4, random_state=0)
        model.fit(x_fit)
    h = model.components_
    cases = []
    for max_iter, tol in CASES:
        model.max_iter, model.tol = max_iter, tol
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = model.transform(x_new)
            w_private, _, n_iter = model._fit_transform(x_new, H=h, update_H=False)
        assert np.array_equal(w, w_private)
        assert np.all(w >= 0)
        cases.append({
            "max_iter": max_iter,
            "tol": tol,
            "n_iter": int(n_iter),
            "error": float(np.linalg.norm(x_new - w @ h)),
            "W": rows(w),
        })
    return {
        "data": {
            "file": "datasets/mnist/t10k-images-idx3-ubyte.gz",
            "fit_rows": list(FIT_ROWS),
            "transform_rows": list(NEW_ROWS),
            "preprocessing": "flattened row-major to 784 values, float64, divided by 255",
            "sum_of_squares": float(np.sum(x_new * x_new)),
            "mean": float(x_new.mean()),
        },
        "fit": {"n_components": RANK, "init": "nndsvda", "solver": "mu", "max_iter": 400, "tol": 1e-4,
                "random_state": 0, "n_iter_": int(model.n_iter_)},
        "start_value": float(np.sqrt(x_new.mean() / RANK)),
        "H": rows(h),
        "cases": cases,
    }


def kl_divergence(a, w, h):
    wh = w @ h
    positive = a > 0
    log_term = np.zeros_like(a)
    log_term[positive] = a[positive] * np.log(a[positive] / wh[positive])
    return float(np.sum(log_term - a + wh))


def kl_section(shared):
    a = read_digits(os.path.join(shared, "datasets", "digits", "digits.csv.gz"), KL_ROWS)
    rng = np.random.default_rng(KL_SEED)
    scale = np.sqrt(a.mean() / KL_RANK)
    w0 = rng.uniform(0.05, 1.0, (KL_ROWS, KL_RANK)) * scale
    h0 = rng.uniform(0.05, 1.0, (KL_RANK, a.shape[1])) * scale
    tiny = np.finfo(np.float64).tiny
    norm2 = float(np.sum(a * a))
    w, h = w0.copy(), h0.copy()
    divergence = [kl_divergence(a, w, h)]
    relative = [float(np.sum((a - w @ h) ** 2)) / norm2]
    for _ in range(KL_ITERATIONS):
        q = a / (w @ h + GUARD)
        h = h * (w.T @ q) / (w.sum(axis=0)[:, None] + GUARD)
        h[h < tiny] = 0.0
        q = a / (w @ h + GUARD)
        w = w * (q @ h.T) / (h.sum(axis=1)[None, :] + GUARD)
        w[w < tiny] = 0.0
        divergence.append(kl_divergence(a, w, h))
        relative.append(float(np.sum((a - w @ h) ** 2)) / norm2)
    return {
        "data": {
            "file": "datasets/digits/digits.csv.gz",
            "rows": [0, KL_ROWS],
            "preprocessing": "the first 64 columns (pixels 0..16) as float64, label column dropped",
            "sum": float(a.sum()),
            "sum_of_squares": norm2,
        },
        "rank": KL_RANK,
        "iterations": KL_ITERATIONS,
        "guard": GUARD,
        "seed": KL_SEED,
        "W0": rows(w0),
        "H0": rows(h0),
        "divergence": divergence,
        "relative_squared_error": relative,
        "W_final": rows(w),
        "H_final": rows(h),
        "sklearn_beta_divergence_final": float(_beta_divergence(a, w, h, beta=1)),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(PACKAGE), "shared"),
                        help="the shared folder holding datasets/ (default: ../shared beside the package)")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()
    fixture = {
        "fixture": "nmf_transform_kl",
        "format_version": 1,
        "reference": {
            "library": "scikit-learn (transform), NumPy (Kullback-Leibler updates)",
            "versions": {"python": platform.python_version(), "numpy": np.__version__,
                         "scikit-learn": sklearn.__version__},
            "script": "Tests/Reference/make_nmf_transform_reference.py",
        },
        "transform": transform_section(args.shared),
        "kl": kl_section(args.shared),
    }
    with open(args.output, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {args.output}: {os.path.getsize(args.output)} bytes")
    for case in fixture["transform"]["cases"]:
        print(f"transform max_iter={case['max_iter']} tol={case['tol']}: n_iter={case['n_iter']} error={case['error']}")
    kl = fixture["kl"]
    print(f"kl divergence {kl['divergence'][0]} -> {kl['divergence'][-1]}; sklearn {kl['sklearn_beta_divergence_final']}")


if __name__ == "__main__":
    main()
