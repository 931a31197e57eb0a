"""Reference logits for Almagest's VGG import (Tests/AlmagestNeuralTests/Models/VGGTests.swift).

Builds small torchvision-layout VGG-11 networks (widths divided by 8, head 16-16-3, 32x32 input),
with and without batch norm, with seeded random weights and running statistics; writes them as
safetensors under torchvision's state_dict names and the eval-mode logits of two fixed inputs.

With torch, torchvision and safetensors installed (pip install torch torchvision safetensors,
from PyPI) the nets are torchvision.models.VGG built by torchvision's make_layers, the file is
safetensors.torch.save_file(model.state_dict()) (so it holds the int64 num_batches_tracked
counters too) and the logits are model.eval()'s; a float64 NumPy forward of the same layout is
computed as well and must agree to 1e-5. Without torch only the NumPy forward is used.

Run: python3 Tests/Reference/vgg/make_vgg_reference.py   (writes next to this file)
Committed fixtures: torch 2.15.0, torchvision 0.29.2, safetensors 0.8.0.
"""
import json, os, struct, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CFG = [8, "M", 16, "M", 32, 32, "M", 64, 64, "M", 64, 64, "M"]  # vgg11 / 8
HIDDEN, CLASSES, SIZE, CHANNELS = [16, 16], 3, 32, 3


def build(bn, rng):
    state, c = {}, CHANNELS
    i = 0
    for v in CFG:
        if v == "M":
            i += 1
            continue
        state[f"features.{i}.weight"] = rng.normal(0, np.sqrt(2 / (c * 9)), (v, c, 3, 3))
        state[f"features.{i}.bias"] = rng.normal(0, 0.05, v)
        if bn:
            state[f"features.{i+1}.weight"] = rng.uniform(0.5, 1.5, v)
            state[f"features.{i+1}.bias"] = rng.normal(0, 0.1, v)
            state[f"features.{i+1}.running_mean"] = rng.normal(0, 0.1, v)
            state[f"features.{i+1}.running_var"] = rng.uniform(0.5, 2.0, v)
            state[f"features.{i+1}.num_batches_tracked"] = None  # torchvision has it; we drop it
            i += 3
        else:
            i += 2
        c = v
    width = c * 49
    for j, h in enumerate(HIDDEN + [CLASSES]):
        state[f"classifier.{3*j}.weight"] = rng.normal(0, np.sqrt(1 / width), (h, width))
        state[f"classifier.{3*j}.bias"] = rng.normal(0, 0.05, h)
        width = h
    state = {k: v for k, v in state.items() if v is not None}
    return {k: v.astype(np.float32) for k, v in state.items()}


def conv3x3(x, w, b):
    n, c, h, wd = x.shape
    p = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    cols = np.lib.stride_tricks.sliding_window_view(p, (3, 3), axis=(2, 3))  # n c h w 3 3
    return np.einsum("nchwij,ocij->nohw", cols, w) + b[None, :, None, None]


def adaptive_avg(x, out):
    n, c, h, w = x.shape
    y = np.zeros((n, c, out, out))
    for i in range(out):
        for j in range(out):
            ys = slice(i * h // out, -(-(i + 1) * h // out))
            xs = slice(j * w // out, -(-(j + 1) * w // out))
            y[:, :, i, j] = x[:, :, ys, xs].mean(axis=(2, 3))
    return y


def forward(state, bn, x):
    x = x.astype(np.float64)
    s = {k: v.astype(np.float64) for k, v in state.items()}
    i = 0
    for v in CFG:
        if v == "M":
            n, c, h, w = x.shape
            x = x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
            i += 1
            continue
        x = conv3x3(x, s[f"features.{i}.weight"], s[f"features.{i}.bias"])
        if bn:
            g, b = s[f"features.{i+1}.weight"], s[f"features.{i+1}.bias"]
            m, var = s[f"features.{i+1}.running_mean"], s[f"features.{i+1}.running_var"]
            x = (x - m[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5) * g[None, :, None, None] + b[None, :, None, None]
            i += 3
        else:
            i += 2
        x = np.maximum(x, 0)
    x = adaptive_avg(x, 7).reshape(x.shape[0], -1)
    for j in range(len(HIDDEN) + 1):
        x = x @ s[f"classifier.{3*j}.weight"].T + s[f"classifier.{3*j}.bias"]
        if j < len(HIDDEN):
            x = np.maximum(x, 0)
    return x


def save_safetensors(path, state):
    header, offset, blobs = {}, 0, []
    for k in sorted(state):
        b = np.ascontiguousarray(state[k], dtype="<f4").tobytes()
        header[k] = {"dtype": "F32", "shape": list(state[k].shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main():
    rng = np.random.default_rng(20261205)
    inputs = rng.normal(0, 1, (2, CHANNELS, SIZE, SIZE)).astype(np.float32)
    out = {"inputShape": list(inputs.shape), "inputs": inputs.ravel().tolist(), "nets": []}
    for bn in (False, True):
        state = build(bn, rng)
        name = f"vgg11_div8_{'bn' if bn else 'plain'}.safetensors"
        logits = forward(state, bn, inputs)
        try:
            import torch, torchvision, safetensors.torch
        except ImportError:
            torch = None
        if torch is None:
            save_safetensors(os.path.join(HERE, name), state)
            source = "numpy"
        else:
            m = torchvision.models.VGG(torchvision.models.vgg.make_layers(CFG, batch_norm=bn), num_classes=CLASSES)
            m.classifier = torch.nn.Sequential(*[l for j, h in enumerate(HIDDEN) for l in
                                                 (torch.nn.Linear(CFG[-2] * 49 if j == 0 else HIDDEN[j - 1], h),
                                                  torch.nn.ReLU(True), torch.nn.Dropout())],
                                               torch.nn.Linear(HIDDEN[-1], CLASSES))
            missing = m.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=False)
            assert not missing.unexpected_keys and all(k.endswith("num_batches_tracked") for k in missing.missing_keys)
            m.eval()
            with torch.no_grad():
                torch_logits = m(torch.from_numpy(inputs)).double().numpy()
            assert np.abs(torch_logits - logits).max() < 1e-5, np.abs(torch_logits - logits).max()
            safetensors.torch.save_file(m.state_dict(), os.path.join(HERE, name))
            logits, source = torch_logits, "pytorch " + torch.__version__ + ", torchvision " + torchvision.__version__
        out["nets"].append({"file": name, "batchNorm": bn, "source": source, "logits": logits.ravel().tolist()})
        print(name, source)
    with open(os.path.join(HERE, "vgg_logits.json"), "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
