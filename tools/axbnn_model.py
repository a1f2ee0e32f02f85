#!/usr/bin/python3
"""AxBNN models in memory for the Python tools: layers, checks and the constants
of docs/model-format.md (used by torch_reference.py and make_test_model.py).
"""
import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field

try:
    import numpy as np
except ImportError as _e:
    sys.exit(f"torch_reference.py: error: {_e}; run with Debian's /usr/bin/python3 "
             "(python3-numpy, python3-h5py, python3-torch)")

PROG = "torch_reference.py"
MODEL_FORMAT = "axbnn-bnn"
MODEL_FORMAT_VERSION = 1
INPUT_ENCODING = "uint8 pixels 0..255"
FASHION_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
KINDS = ("inputconv", "conv", "dense", "maxpool", "scores")
THRESHOLDED = ("inputconv", "conv", "dense")
CONVS = ("inputconv", "conv")
LAYER_DATASETS = {"weights", "weights_packed", "threshold", "direction", "score_scale", "score_offset"}
META_KEYS = ("dataset", "class_names", "training_recipe", "accuracy_at_save", "approximation_config")
MAX_DIM = 65535
MAX_COUNT = 2**31 - 1
EXACT_FLOAT32 = 2**24  # integers up to this magnitude are exact in float32


class ToolError(Exception):
    """A one-line, user-facing error (printed to stderr, exit status 1)."""



# ---- the model in memory ------------------------------------------------------

@dataclass
class Layer:
    kind: str
    name: str
    in_shape: tuple          # (height, width, channels)
    out_shape: tuple
    kernel: int = 0
    stride: int = 1
    padding: int = 0
    pool: int = 2
    weights: np.ndarray = None     # int8 +1/-1: [out, ky, kx, in] (convs), [out, in] (dense, scores)
    threshold: np.ndarray = None   # int64 [out_channels]
    direction: np.ndarray = None   # int8 +1/-1 [out_channels]
    score_scale: np.ndarray = None  # float32 [classes] or None (= 1)
    score_offset: np.ndarray = None  # float32 [classes] or None (= 0)
    floats: dict = field(default_factory=dict)  # other float32 [out_channels] parameters

    def fan_in(self):
        if self.kind in CONVS:
            return self.kernel * self.kernel * self.in_shape[2]
        if self.kind in ("dense", "scores"):
            return int(np.prod(self.in_shape))
        return 0

    def weight_shape(self):
        if self.kind in CONVS:
            return (self.out_shape[2], self.kernel, self.kernel, self.in_shape[2])
        if self.kind in ("dense", "scores"):
            return (self.out_shape[2], int(np.prod(self.in_shape)))
        return None

    def threshold_range(self):
        n = self.fan_in()
        if self.kind == "inputconv":
            return -(255 * n + 1), 255 * n + 1
        return -1, n + 1


@dataclass
class Model:
    input_shape: tuple
    layers: list
    meta: dict = field(default_factory=dict)  # dataset, class_names, training_recipe, ... and extras

    def classes(self):
        return self.layers[-1].out_shape[2] if self.layers else 0


def _shape_text(s):
    return "x".join(str(v) for v in s)


def _layer_problem(model, i):
    """What is wrong with layer i (mirrors engine/bnn/model.cpp), or None."""
    l = model.layers[i]
    if not l.name or "/" in l.name or any(ord(c) < 0x20 or ord(c) == 0x7f for c in l.name):
        return "layer name must be non-empty, without '/' or control characters"
    if l.kind not in KINDS:
        return f"unknown layer kind '{l.kind}'"
    for what, s in (("in", l.in_shape), ("out", l.out_shape)):
        if len(s) != 3 or any(v < 1 or v > MAX_DIM for v in s):
            return f"{what} shape {_shape_text(s)} must have dimensions 1..{MAX_DIM}"
    prev = model.input_shape if i == 0 else model.layers[i - 1].out_shape
    if tuple(l.in_shape) != tuple(prev):
        return (f"in shape {_shape_text(l.in_shape)} does not match "
                f"{'the model input' if i == 0 else 'the previous layer output'} {_shape_text(prev)}")
    if l.kind == "inputconv" and i != 0:
        return "an inputconv layer (integer pixel inputs) must be the first layer"
    if l.kind == "maxpool" and (i == 0 or model.layers[i - 1].kind not in THRESHOLDED):
        return "a maxpool layer must follow a layer with thresholds (inputconv, conv or dense)"
    if l.kind == "scores" and i + 1 != len(model.layers):
        return "a scores layer must be the last layer"
    if l.kind != "scores" and i + 1 == len(model.layers):
        return f"the last layer must be a scores layer, not {l.kind}"
    h, w, c = l.in_shape
    if l.kind in CONVS:
        if not 1 <= l.kernel <= MAX_DIM:
            return f"kernel {l.kernel} must be 1..{MAX_DIM}"
        if not 1 <= l.stride <= MAX_DIM:
            return f"stride {l.stride} must be 1..{MAX_DIM}"
        if not 0 <= l.padding < l.kernel:
            return f"padding {l.padding} must be 0..{l.kernel - 1} (less than the kernel)"
        if h + 2 * l.padding < l.kernel or w + 2 * l.padding < l.kernel:
            return f"kernel {l.kernel} does not fit the padded input {_shape_text(l.in_shape)}"
        expect = ((h + 2 * l.padding - l.kernel) // l.stride + 1,
                  (w + 2 * l.padding - l.kernel) // l.stride + 1, l.out_shape[2])
        if tuple(l.out_shape) != expect:
            return (f"out shape {_shape_text(l.out_shape)} does not match kernel {l.kernel}, stride "
                    f"{l.stride}, padding {l.padding} (expected {_shape_text(expect)})")
    elif l.kind == "maxpool":
        if not 1 <= l.pool <= min(h, w):
            return f"pool {l.pool} must be 1..{min(h, w)}"
        expect = (h // l.pool, w // l.pool, c)
        if tuple(l.out_shape) != expect:
            return (f"out shape {_shape_text(l.out_shape)} does not match pool {l.pool} "
                    f"(expected {_shape_text(expect)})")
    elif l.out_shape[0] != 1 or l.out_shape[1] != 1:
        return f"out shape {_shape_text(l.out_shape)} of a {l.kind} layer must be 1x1xN"
    n_out = l.out_shape[2]
    if l.kind == "maxpool":
        if l.weights is not None or l.threshold is not None or l.direction is not None:
            return "a maxpool layer has no weights or thresholds"
    else:
        if l.weights is None or tuple(l.weights.shape) != l.weight_shape():
            found = None if l.weights is None else list(l.weights.shape)
            return f"weights must have shape {list(l.weight_shape())}, found {found}"
        bad = np.flatnonzero((l.weights != 1) & (l.weights != -1))
        if bad.size:
            return f"weight {bad[0]} is {l.weights.reshape(-1)[bad[0]]}, expected +1 or -1"
    if l.kind in THRESHOLDED:
        if l.threshold is None or l.direction is None or l.threshold.shape != (n_out,) \
                or l.direction.shape != (n_out,):
            return f"needs {n_out} thresholds and directions (one per output channel)"
        lo, hi = l.threshold_range()
        bad = np.flatnonzero((l.threshold < lo) | (l.threshold > hi))
        if bad.size:
            return (f"threshold {bad[0]} is {l.threshold[bad[0]]}, out of range {lo}..{hi} "
                    f"(fan-in {l.fan_in()})")
        bad = np.flatnonzero((l.direction != 1) & (l.direction != -1))
        if bad.size:
            return f"direction {bad[0]} is {l.direction[bad[0]]}, expected +1 or -1"
    elif l.threshold is not None or l.direction is not None:
        return f"a {l.kind} layer has no thresholds or directions"
    for what, v in (("score scale", l.score_scale), ("score offset", l.score_offset)):
        if v is None:
            continue
        if l.kind != "scores":
            return "only a scores layer has score scales and offsets"
        if v.shape != (n_out,):
            return f"needs {n_out} {what} values (one per class), found {v.size}"
        if not np.all(np.isfinite(v)):
            return f"{what} {int(np.flatnonzero(~np.isfinite(v))[0])} is not finite"
    for key, v in l.floats.items():
        if not key or "/" in key or key in LAYER_DATASETS:
            return f"float parameter name '{key}' is empty, contains '/' or is reserved"
        if np.asarray(v).shape != (n_out,):
            return f"float parameter '{key}' needs {n_out} values (one per output channel)"
    return None


def model_problem(model):
    """(layer index or -1, message) for the first problem the engine would refuse, or None."""
    if len(model.input_shape) != 3 or any(v < 1 or v > MAX_DIM for v in model.input_shape):
        return -1, f"input shape {_shape_text(model.input_shape)} must have dimensions 1..{MAX_DIM}"
    if not model.layers:
        return -1, "no layers"
    for i in range(len(model.layers)):
        p = _layer_problem(model, i)
        if p:
            return i, p
    names = model.meta.get("class_names")
    if names and len(names) != model.classes():
        return -1, f"{len(names)} class names for {model.classes()} classes"
    return None


def reference_problem(model):
    """Models the engine accepts but this reference cannot evaluate exactly, or None."""
    first = model.layers[0]
    if first.kind != "inputconv":
        return 0, (f"the first layer is a {first.kind} layer; this reference evaluates pixel inputs only "
                   "through an inputconv layer (express a dense first layer as an inputconv whose "
                   "kernel covers the image, padding 0)")
    for i, l in enumerate(model.layers):
        bound = 255 * l.fan_in() + 1 if l.kind == "inputconv" else l.fan_in() + 1
        if l.kind != "maxpool" and bound >= EXACT_FLOAT32:
            return i, f"fan-in {l.fan_in()} is too large for exact float32 arithmetic"
    return None


