#!/usr/bin/env python3
"""Write a tiny AxBNN model file with nothing but h5py and numpy.

This is the h5py example of docs/model-format.md. To export your own
network (for instance from PyTorch), keep write_layer() and feed it
weights = sign(w) as int8 +1/-1, and per-neuron integer thresholds and
directions from the folded batch norm. The test suite
(tests/engine/io/test_model_file.cpp) loads this script's output and
checks every value, so the two stay in step.

    python3 tools/write_example_model.py example.h5 [--packed]

The model: 6x6x1 pixels -> inputconv 3x3, 4 channels, padding 1 ->
maxpool 2 -> dense 36 -> 8 -> scores 8 -> 3 classes.
"""
import argparse
import json

import h5py
import numpy as np


def text(value):
    """A fixed-length UTF-8 string attribute. h5py writes a plain str as a
    variable-length string, which the workbench also reads, but through a
    slower checked path (docs/model-format.md section 2)."""
    b = value.encode("utf-8")
    return np.array(b, dtype=h5py.string_dtype("utf-8", max(len(b), 1)))


def texts(values):
    """A 1-D array of fixed-length UTF-8 strings, as long as the longest."""
    bs = [v.encode("utf-8") for v in values]
    return np.array(bs, dtype=h5py.string_dtype("utf-8", max([len(b) for b in bs] + [1])))


def pattern(n, a, b):
    """Deterministic +1/-1 weights: element i is +1 iff (a*i + b) mod 5 < 2."""
    i = np.arange(n)
    return np.where((a * i + b) % 5 < 2, 1, -1).astype(np.int8)


def write_layer(layers, index, kind, name, in_shape, out_shape, *, weights=None,
                threshold=None, direction=None, kernel=0, stride=1, padding=0,
                pool=2, packed=False, floats=None):
    """One layer group /layers/<index>_<name>; see docs/model-format.md."""
    g = layers.create_group(f"{index:02d}_{name}")
    g.attrs["kind"] = text(kind)                      # inputconv, conv, dense, maxpool, scores
    g.attrs["name"] = text(name)
    g.attrs["in_shape"] = np.array(in_shape, dtype=np.int32)    # [H, W, C]
    g.attrs["out_shape"] = np.array(out_shape, dtype=np.int32)
    g.attrs["kernel"] = np.int32(kernel)
    g.attrs["stride"] = np.int32(stride)
    g.attrs["padding"] = np.int32(padding)
    g.attrs["pool"] = np.int32(pool)
    if weights is not None:
        # [out, ky, kx, in] for convolutions, [out, in] (in in H, W, C order) for dense.
        weights = np.asarray(weights, dtype=np.int8)
        if packed:
            # Bit j of byte b holds element 8b + j of the flattened weights; 1 = +1.
            g["weights_packed"] = np.packbits(weights.reshape(-1) > 0, bitorder="little")
        else:
            g["weights"] = weights
    if threshold is not None:
        g["threshold"] = np.asarray(threshold, dtype=np.int32)   # one per output channel
        g["direction"] = np.asarray(direction, dtype=np.int8)    # +1: fires iff value >= T; -1: iff value <= T
    for key, values in (floats or {}).items():
        g[key] = np.asarray(values, dtype=np.float32)            # e.g. bn_gamma, score_scale
    return g


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--packed", action="store_true", help="store weights as packed bits")
    args = parser.parse_args()

    with h5py.File(args.output, "w") as f:
        f.attrs["format"] = text("axbnn-bnn")
        f.attrs["format_version"] = np.int32(1)
        f.attrs["input_shape"] = np.array([6, 6, 1], dtype=np.int32)
        f.attrs["input_encoding"] = text("uint8 pixels 0..255")

        meta = f.create_group("meta")
        meta.attrs["dataset"] = text("example")
        meta.attrs["class_names"] = texts(["circle", "square", "triangle"])
        meta.attrs["training_recipe"] = text("written by tools/write_example_model.py")
        meta.attrs["accuracy_at_save"] = -1.0
        meta.attrs["approximation_config"] = text(json.dumps({"cell": "maj-fa", "approx_lsb": 2}))
        meta.attrs["author"] = text("h5py example")   # any other string attribute is kept as extra metadata

        layers = f.create_group("layers")
        c = np.arange(4)
        write_layer(layers, 0, "inputconv", "conv1", [6, 6, 1], [6, 6, 4],
                    weights=pattern(4 * 3 * 3 * 1, 7, 3).reshape(4, 3, 3, 1),
                    threshold=(c * 37) % 50 - 25, direction=np.where(c % 3 == 0, -1, 1),
                    kernel=3, padding=1, packed=args.packed)
        write_layer(layers, 1, "maxpool", "pool1", [6, 6, 4], [3, 3, 4], pool=2)
        n = np.arange(8)
        write_layer(layers, 2, "dense", "fc1", [3, 3, 4], [1, 1, 8],
                    weights=pattern(8 * 36, 3, 1).reshape(8, 36),
                    threshold=(n * 4) % 37, direction=np.where(n % 2 == 0, 1, -1),
                    floats={"bn_gamma": 0.5 + 0.25 * n}, packed=args.packed)
        j = np.arange(3)
        write_layer(layers, 3, "scores", "scores", [1, 1, 8], [1, 1, 3],
                    weights=pattern(3 * 8, 2, 4).reshape(3, 8),
                    floats={"score_scale": 1.0 + 0.5 * j, "score_offset": j - 1.0},
                    packed=args.packed)


if __name__ == "__main__":
    main()
