#!/usr/bin/env python3
"""Golden values for the samplers (IQR and z-score outlier filters, SMOTE) and the one-hot encoder,
from NumPy, scikit-learn and imbalanced-learn.

Writes Tests/AlmagestLearnTests/Resources/sampling_reference.json. The Swift tests
(Tests/AlmagestLearnTests/Sampling/SamplingReferenceTests.swift) read it without Python; this
script is only for regenerating it (the versions used are written into the file).

Run from the package root, with the shared data beside the checkout (../shared):

    python3 Tests/Reference/make_sampling_reference.py [--shared ../shared]

Data: MAGIC gamma telescope (shared/datasets/magic-gamma/magic04.data), every 95th row (rows 0, 95,
..., 19000: 201 rows; 130 g = 0, 71 h = 1), raw features (`x`, stored in full) and labels (`y`).
  * `iqr`: per-column fences Q1 - 1.5 IQR, Q3 + 1.5 IQR with numpy.percentile (linear) at 25 and
    75, and the 0-based rows inside every fence (`kept`).
  * `zscore`: the rows whose |x - mean| <= 3 std in every column (numpy std, ddof 0).
  * `smote`: the features standardised by scikit-learn's StandardScaler (`x_scaled`), imbalanced-
    learn's SMOTE(k_neighbors=5, random_state=0) on them: how many rows it adds to class 1
    (`added`), and the 5 nearest other class-1 rows of each class-1 row (`neighbours`, by position
    among the class-1 rows, from NearestNeighbors(6) less the first column, the row itself). The
    random draws are not compared (another generator), only what does not depend on them.
  * `one_hot`: column 0 replaced by the codes floor(fLength / 40) clipped to 0..4 (`codes`) and
    encoded by scikit-learn's OneHotEncoder in place of that column (`encoded`, 201 x 14).
"""
import argparse
import json
from pathlib import Path

import imblearn
import numpy as np
import sklearn
from imblearn.over_sampling import SMOTE
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default="../shared")
    args = parser.parse_args()
    rows = [line.strip().split(",") for line in open(Path(args.shared) / "datasets/magic-gamma/magic04.data") if line.strip()]
    picked = rows[::95]
    x = np.array([[float(v) for v in r[:-1]] for r in picked])
    y = np.array([0 if r[-1] == "g" else 1 for r in picked])

    q1, q3 = np.percentile(x, 25, axis=0), np.percentile(x, 75, axis=0)
    low, high = q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1)
    iqr_kept = np.where(np.all((x >= low) & (x <= high), axis=1))[0]

    mean, std = x.mean(axis=0), x.std(axis=0)
    z_kept = np.where(np.all(np.abs(x - mean) <= 3 * std, axis=1))[0]

    scaled = StandardScaler().fit_transform(x)
    xs, ys = SMOTE(k_neighbors=5, random_state=0).fit_resample(scaled, y)
    minority = scaled[y == 1]
    neighbours = NearestNeighbors(n_neighbors=6).fit(minority).kneighbors(minority)[1][:, 1:]

    codes = np.clip(np.floor(x[:, 0] / 40), 0, 4)
    with_codes = x.copy()
    with_codes[:, 0] = codes
    encoded = OneHotEncoder(sparse_output=False).fit_transform(codes.reshape(-1, 1))
    expected = np.hstack([encoded, x[:, 1:]])

    out = {
        "versions": {"numpy": np.__version__, "sklearn": sklearn.__version__, "imblearn": imblearn.__version__},
        "x": x.tolist(), "y": y.tolist(),
        "iqr": {"low": low.tolist(), "high": high.tolist(), "kept": iqr_kept.tolist()},
        "zscore": {"kept": z_kept.tolist()},
        "smote": {"x_scaled": scaled.tolist(), "added": int(len(ys) - len(y)), "neighbours": neighbours.tolist()},
        "one_hot": {"codes": codes.tolist(), "encoded": expected.tolist()},
    }
    path = Path("Tests/AlmagestLearnTests/Resources/sampling_reference.json")
    path.write_text(json.dumps(out, separators=(",", ":")))
    print(f"wrote {path} ({path.stat().st_size} bytes): iqr keeps {len(iqr_kept)}, zscore keeps {len(z_kept)}, "
          f"smote adds {len(ys) - len(y)}")


if __name__ == "__main__":
    main()
