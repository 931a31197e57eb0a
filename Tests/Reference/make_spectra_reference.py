#!/usr/bin/env python3
"""Golden values for the spectra utilities (Sources/AlmagestData/Spectra) from NumPy, astropy and
SpectRes (Carnall 2017, the flux-conserving resampler).

Writes Tests/AlmagestDataTests/Resources/spectra_reference.json (about 150 KB), read by
Tests/AlmagestDataTests/Spectra/SpectraTests.swift without Python; this script is only for
regenerating it. Produced with Python 3.11, NumPy 2.4.6, astropy 8.0.2 and spectres 2.2.2 (the
versions are also written into the file).

Run from the package root, with the shared data beside the checkout (../shared):

    python3 Tests/Reference/make_spectra_reference.py [--shared ../shared]

For each of the 8 SDSS spectra in shared/datasets/sdss-spectra/ (sorted by name), with
wavelengths 10**loglam (float32 widened to float64) divided by 1 + Z (SPECOBJ) and the pixels
with ivar == 0 dropped:
  * `linear`: np.interp onto the grid below, NaN (JSON null) outside the spectrum;
  * `flux_conserving`: spectres onto the grid, NaN outside;
  * `median`: np.median of the flux-conserving row (its finite values); the prepared row of the
    Swift loader (flux-conserving, median-normalised, missing values kept) is flux_conserving / median;
  every 6th value of each row is stored (`stride` = 6).
The grid: 1200 points log-spaced from 3800 to 8600 Angstrom, point i = 3800 * (8600/3800)**(i/1199).
`common_grid`: the grid the loader derives when none is given (step 1e-4 dex): start = max of the
rest-frame first wavelengths times 10**(step/2), end = min of the last ones divided by
10**(step/2), count = floor(log10(end/start)/step + 1e-9) + 1, last point start * 10**((count-1) step).
"""
import argparse
import json
import math
import os
import sys

import astropy
import numpy as np
import spectres as spectres_module
from astropy.io import fits
from spectres import spectres

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "AlmagestDataTests", "Resources", "spectra_reference.json")
STRIDE = 6


def listed(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=np.float64)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared"))
    args = parser.parse_args()
    folder = os.path.join(args.shared, "datasets", "sdss-spectra")
    n = 1200
    grid = 3800.0 * (8600.0 / 3800.0) ** (np.arange(n) / (n - 1))
    grid[-1] = 8600.0
    spectra = []
    firsts, lasts = [], []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".fits"):
            continue
        with fits.open(os.path.join(folder, name)) as f:
            coadd = f["COADD"].data
            z = float(f["SPECOBJ"].data["Z"][0])
            wavs = 10.0 ** np.asarray(coadd["loglam"], dtype=np.float64) / (1.0 + z)
            flux = np.asarray(coadd["flux"], dtype=np.float64)
            ivar = np.asarray(coadd["ivar"], dtype=np.float64)
        firsts.append(wavs[0])
        lasts.append(wavs[-1])
        keep = ivar > 0
        linear = np.interp(grid, wavs[keep], flux[keep], left=np.nan, right=np.nan)
        conserving = spectres(grid, wavs[keep], flux[keep], fill=np.nan, verbose=False)
        median = float(np.median(conserving[np.isfinite(conserving)]))
        spectra.append({
            "file": name,
            "z": z,
            "linear": listed(linear[::STRIDE]),
            "flux_conserving": listed(conserving[::STRIDE]),
            "median": median,
        })
    step = 1e-4
    half = 10 ** (step / 2)
    start, end = max(firsts) * half, min(lasts) / half
    count = int(math.floor(math.log10(end / start) / step + 1e-9)) + 1
    reference = {
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "astropy": astropy.__version__,
                     "spectres": getattr(spectres_module, "__version__", "2.2.2")},
        "grid": {"start": 3800.0, "end": 8600.0, "count": n},
        "stride": STRIDE,
        "spectra": spectra,
        "common_grid": {"start": start, "end": start * 10 ** ((count - 1) * step), "count": count},
    }
    with open(OUT, "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
