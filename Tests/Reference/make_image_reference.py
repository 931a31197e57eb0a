#!/usr/bin/env python3
"""Image codec and resize fixtures for Tests/AlmagestDataTests/Images, made with Pillow.

Writes small image files under Tests/AlmagestDataTests/Resources/images/ and
`images_reference.json` beside them holding, for each file, the pixel values Pillow decodes
(HWC, integers as stored: 0-255, or 0-65535 for 16-bit PNG) and its mode. Also the values of
Pillow's `Image.resize(..., Image.BOX)` and `Image.BILINEAR` (antialiased triangle filter when
downscaling) on a 12 x 12 8-bit grey ramp, as float images (mode "F") so no rounding is involved.
Only for regenerating the fixtures; the Swift tests read the files without Python.

    python3 Tests/Reference/make_image_reference.py
"""
import json
import os

import numpy as np
import PIL
from PIL import Image

OUT = os.path.join(os.path.dirname(__file__), "..", "AlmagestDataTests", "Resources", "images")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(12)
    h, w = 7, 9
    rgb = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    # smooth content for JPEG (so the test is not only about noise)
    yy, xx = np.mgrid[0:16, 0:16]
    smooth = np.stack([(xx * 16) % 256, (yy * 16) % 256, ((xx + yy) * 8) % 256], axis=-1).astype(np.uint8)
    images = {
        "grey8.png": (Image.fromarray(rgb[..., 0], "L"), {}),
        "rgb8.png": (Image.fromarray(rgb, "RGB"), {}),
        "rgba8.png": (Image.fromarray(np.concatenate([rgb, rgb[..., :1]], axis=-1), "RGBA"), {}),
        "grey16.png": (Image.fromarray(rng.integers(0, 65536, size=(h, w)).astype(np.uint16)), {}),
        "palette.png": (Image.fromarray(rgb, "RGB").quantize(colors=5), {}),
        "interlaced.png": (Image.fromarray(rgb, "RGB"), {"interlace": 1}),
        "grey.jpg": (Image.fromarray(smooth[..., 0], "L"), {"quality": 90}),
        "rgb.jpg": (Image.fromarray(smooth, "RGB"), {"quality": 90}),
        "progressive.jpg": (Image.fromarray(smooth, "RGB"), {"quality": 85, "progressive": True}),
        "grey8.bmp": (Image.fromarray(rgb[..., 0], "L"), {}),
        "rgb24.bmp": (Image.fromarray(rgb, "RGB"), {}),
        "rgba32.bmp": (Image.fromarray(np.concatenate([rgb, rgb[..., 1:2]], axis=-1), "RGBA"), {}),
    }
    expected = {"pillow": PIL.__version__, "files": {}}
    for name, (image, options) in images.items():
        path = os.path.join(OUT, name)
        image.save(path, **options)
        back = Image.open(path)
        back.load()
        if back.mode == "P":
            back = back.convert("RGBA" if "transparency" in back.info else "RGB")
        if back.mode in ("I;16", "I"):
            array = np.asarray(back).astype(np.int64)
            depth = 16
        else:
            array = np.asarray(back).astype(np.int64)
            depth = 8
        if array.ndim == 2:
            array = array[..., None]
        expected["files"][name] = {
            "mode": back.mode, "height": int(array.shape[0]), "width": int(array.shape[1]),
            "channels": int(array.shape[2]), "depth": depth, "values": array.reshape(-1).tolist(),
        }
    ramp = (np.arange(144).reshape(12, 12) * 1.7 % 256).astype(np.float32)
    source = Image.fromarray(ramp, "F")
    expected["resize"] = {
        "source": ramp.reshape(-1).tolist(),
        "box_5x4": np.asarray(source.resize((5, 4), Image.BOX)).reshape(-1).tolist(),
        "bilinear_5x4": np.asarray(source.resize((5, 4), Image.BILINEAR)).reshape(-1).tolist(),
        "bilinear_18x18": np.asarray(source.resize((18, 18), Image.BILINEAR)).reshape(-1).tolist(),
    }
    with open(os.path.join(OUT, "images_reference.json"), "w") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    main()
