#!/usr/bin/env python3
"""Golden values for the FITS reader (Sources/AlmagestData/Formats/FITS) from astropy.

Writes two files under Tests/AlmagestDataTests/Resources/ that the Swift tests
(Tests/AlmagestDataTests/FITS/FITSReaderTests.swift) read without Python; this script is only for
regenerating them. Produced with Python 3.11, NumPy 2.4.6 and astropy 8.0.2 (the versions are also
written into the JSON).

Run from the package root, with the shared data beside the checkout (../shared):

    python3 Tests/Reference/make_fits_reference.py [--shared ../shared]

1. `fits_types.fits` (written here by astropy, about 40 KB) holds one HDU per storage convention:
   images of BITPIX 8, 16, 32, 64, -32, -64; scaled (BSCALE/BZERO) 16-bit integers; the unsigned
   conventions uint16 / uint32 / uint64 (BZERO = 2^15, 2^31, 2^63) and signed bytes (BZERO = -128);
   an int16 image with BLANK; a binary table with columns of TFORM L, X, B, I, J, K, E, D, A, a
   repeat count (3E, 2K), TNULL, TSCAL/TZERO and the unsigned TZERO; and a long string keyword
   that astropy splits into CONTINUE cards; and an ASCII table (TFORM A8, I6, E14.6, F8.3, D25.16).
   `fits_reference.json["types"]` holds what astropy reads back from that file: the physical
   values of every image (NaN as null; uint64 as decimal strings, exact) and every table column
   (`table` binary, `ascii` ASCII).

2. `fits_reference.json["sdss"]`: for each of the 8 SDSS spectra in shared/datasets/sdss-spectra/,
   astropy's values of HDU names, COADD row count, every 17th row of flux, loglam and ivar
   (float32 widened to float64, exactly), float64 sums of each of these columns over all rows, the
   number of ivar == 0 pixels, and from SPECOBJ: Z, CLASS, SUBCLASS, PLUG_RA (D), OBJID (5J),
   SPECPRIMARY (B), NSPECOBS (I), SPECIAL_TARGET1 (K); and the primary header's MJD, PLATEID,
   TELESCOP, RADEG and VACUUM.
"""
import argparse
import json
import os
import sys

import astropy
import numpy as np
from astropy.io import fits

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "AlmagestDataTests", "Resources")


def listed(a):
    """Floats as a JSON list with NaN as null."""
    return [None if (isinstance(v, float) and np.isnan(v)) else v for v in np.asarray(a, dtype=np.float64).ravel().tolist()]


def write_types(path):
    rng = np.random.default_rng(20261204)
    primary = fits.PrimaryHDU(data=np.arange(12, dtype=np.uint8).reshape(3, 4))
    primary.header["LONGSTR"] = ("A long string value that does not fit on one eighty-character card, "
                                 "so astropy continues it with CONTINUE cards & keeps going to the end.")
    primary.header["DVALUE"] = 1.25e-3
    primary.header["LOGIC"] = False
    primary.header["QUOTE"] = "it's"
    hdus = [primary]

    def image(name, data, **kw):
        hdu = fits.ImageHDU(data=data, name=name, **kw)
        hdus.append(hdu)
        return hdu

    image("INT16", rng.integers(-32768, 32767, size=(4, 5), dtype=np.int16))
    image("INT32", rng.integers(-2**31, 2**31 - 1, size=(4, 5), dtype=np.int32))
    image("INT64", rng.integers(-2**62, 2**62, size=(2, 3), dtype=np.int64))
    image("FLOAT32", rng.normal(size=(3, 4, 2)).astype(np.float32))
    image("FLOAT64", rng.normal(size=(2, 7)))
    image("UINT16", rng.integers(0, 65535, size=(3, 3), dtype=np.uint16), uint=True)
    image("UINT32", rng.integers(0, 2**32 - 1, size=(3, 3), dtype=np.uint32), uint=True)
    image("UINT64", np.array([[0, 1, 2**63 + 12345], [2**64 - 1, 2**53 + 1, 77]], dtype=np.uint64), uint=True)
    image("INT8", np.array([[-128, -1, 0], [1, 64, 127]], dtype=np.int8))
    scaled = image("SCALED", rng.uniform(-100, 100, size=(3, 4)))
    scaled.scale("int16", bscale=0.01, bzero=5.0)
    blank = fits.ImageHDU(data=np.array([[1, -32768, 3], [4, 5, -32768]], dtype=np.int16), name="BLANK")
    blank.header["BLANK"] = -32768
    hdus.append(blank)

    n = 6
    columns = [
        fits.Column(name="LOGIC", format="L", array=np.array([True, False, True, True, False, False])),
        fits.Column(name="BITS", format="10X", array=rng.integers(0, 2, size=(n, 10)).astype(bool)),
        fits.Column(name="BYTE", format="B", array=rng.integers(0, 255, size=n, dtype=np.uint8)),
        fits.Column(name="SHORT", format="I", null=-999, array=np.array([1, -999, 3, 32767, -32768, 0], dtype=np.int16)),
        fits.Column(name="INT", format="J", array=rng.integers(-2**31, 2**31 - 1, size=n, dtype=np.int32)),
        fits.Column(name="LONG", format="K", array=rng.integers(-2**62, 2**62, size=n, dtype=np.int64)),
        fits.Column(name="FLOAT", format="E", array=rng.normal(size=n).astype(np.float32)),
        fits.Column(name="DOUBLE", format="D", array=rng.normal(size=n)),
        fits.Column(name="TEXT", format="10A", array=np.array(["GALAXY", "QSO", "STAR", "", "ten chars!", "a b"])),
        fits.Column(name="VEC", format="3E", array=rng.normal(size=(n, 3)).astype(np.float32)),
        fits.Column(name="PAIR", format="2K", array=rng.integers(-1000, 1000, size=(n, 2), dtype=np.int64)),
        fits.Column(name="USHORT", format="I", bzero=32768, array=np.array([0, 1, 40000, 65535, 32768, 7], dtype=np.uint16)),
        fits.Column(name="SCALEDI", format="I", array=np.array([0, 11, -82, 50, -50, 5], dtype=np.int16)),
    ]
    table = fits.BinTableHDU.from_columns(columns, name="TABLE")
    # Stored integers with a linear scale: physical = 5 + 0.1 * stored.
    table.header["TSCAL13"] = 0.1
    table.header["TZERO13"] = 5.0
    hdus.append(table)
    ascii_columns = [
        fits.Column(name="NAME", format="A8", array=np.array(["alpha", "beta", "gamma", "delta"])),
        fits.Column(name="COUNT", format="I6", array=np.array([1, -20, 300, 4000])),
        fits.Column(name="FLUX", format="E14.6", array=np.array([1.5e-17, -2.25, 3.0e10, 0.0])),
        fits.Column(name="RATIO", format="F8.3", array=np.array([0.125, -1.5, 99.999, 2.0])),
        fits.Column(name="PRECISE", format="D25.16", array=np.array([np.pi, -np.e, 1e-300, 12345.678901234567])),
    ]
    hdus.append(fits.TableHDU.from_columns(ascii_columns, name="ASCII"))
    fits.HDUList(hdus).writeto(path, overwrite=True)


def read_types(path):
    out = {"images": [], "table": {}}
    with fits.open(path, uint=True) as f:
        h = f[0].header
        out["header"] = {"LONGSTR": h["LONGSTR"], "DVALUE": h["DVALUE"], "LOGIC": bool(h["LOGIC"]), "QUOTE": h["QUOTE"]}
        for hdu in f:
            if isinstance(hdu, (fits.BinTableHDU, fits.TableHDU)):
                continue
            bitpix = hdu.header["BITPIX"]  # as stored: reading scaled data changes the header
            data = hdu.data
            entry = {"name": hdu.name, "bitpix": bitpix, "axes": list(reversed(data.shape))}
            if data.dtype == np.uint64:
                entry["exact"] = [str(v) for v in data.ravel().tolist()]
            elif data.dtype.kind in "iu":
                entry["exact"] = [str(v) for v in data.ravel().tolist()]
                entry["values"] = listed(data)
            else:
                entry["values"] = listed(data)
            out["images"].append(entry)
        t = f["TABLE"].data
        cols = f["TABLE"].columns
        for c in cols:
            v = t[c.name]
            if c.format.endswith("A"):
                out["table"][c.name] = {"strings": [s for s in v.tolist()]}
            elif c.format.endswith("L"):
                out["table"][c.name] = {"logicals": [bool(x) for x in v.tolist()]}
            elif c.format.endswith("X"):
                out["table"][c.name] = {"bits": [bool(x) for x in np.asarray(v).ravel().tolist()]}
            else:
                entry = {"values": listed(np.asarray(v, dtype=np.float64))}
                if np.asarray(v).dtype.kind in "iu":
                    entry["exact"] = [str(x) for x in np.asarray(v).ravel().tolist()]
                out["table"][c.name] = entry
        a = f["ASCII"].data
        out["ascii"] = {"NAME": [x for x in a["NAME"].tolist()]}
        for name in ("COUNT", "FLUX", "RATIO", "PRECISE"):
            out["ascii"][name] = [float(x) for x in a[name].tolist()]
        # TNULL: astropy keeps the stored integer; the reader's doubles give NaN there.
        out["table"]["SHORT"]["null"] = -999
    return out


def sdss(shared):
    folder = os.path.join(shared, "datasets", "sdss-spectra")
    result = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".fits"):
            continue
        with fits.open(os.path.join(folder, name)) as f:
            coadd = f["COADD"].data
            spec = f["SPECOBJ"].data
            h = f[0].header
            rows = len(coadd)
            picks = list(range(0, rows, 17))
            entry = {
                "file": name,
                "hdus": [hdu.name for hdu in f],
                "rows": rows,
                "picks": picks,
                "sample": {c: np.asarray(coadd[c][picks], dtype=np.float64).tolist() for c in ("flux", "loglam", "ivar")},
                "sums": {c: float(np.asarray(coadd[c], dtype=np.float64).sum()) for c in ("flux", "loglam", "ivar")},
                "zero_ivar": int((coadd["ivar"] == 0).sum()),
                "Z": float(spec["Z"][0]),
                "CLASS": spec["CLASS"][0].strip(),
                "SUBCLASS": spec["SUBCLASS"][0].strip(),
                "PLUG_RA": float(spec["PLUG_RA"][0]),
                "OBJID": [int(x) for x in spec["OBJID"][0]],
                "SPECPRIMARY": int(spec["SPECPRIMARY"][0]),
                "NSPECOBS": int(spec["NSPECOBS"][0]),
                "SPECIAL_TARGET1": str(int(spec["SPECIAL_TARGET1"][0])),
                "header": {"MJD": h["MJD"], "PLATEID": h["PLATEID"], "TELESCOP": h["TELESCOP"], "RADEG": h["RADEG"],
                           "VACUUM": bool(h["VACUUM"])},
            }
            result.append(entry)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared"))
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    types_path = os.path.join(OUT, "fits_types.fits")
    write_types(types_path)
    reference = {
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__, "astropy": astropy.__version__},
        "types": read_types(types_path),
        "sdss": sdss(args.shared),
    }
    with open(os.path.join(OUT, "fits_reference.json"), "w") as f:
        json.dump(reference, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
