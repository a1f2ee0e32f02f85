#!/usr/bin/python3
"""Reference forward pass of an AxBNN model in PyTorch (float32 tensor ops).

An independent check on the engine's inference: it reads the model file of
docs/model-format.md with h5py and the data of docs/dataset-format.md with
gzip/numpy/h5py, and evaluates the network with ordinary float32 tensor
operations (F.conv2d, F.pad, F.max_pool2d, F.linear), so that it shares no
code and no bit tricks with the engine. Layer semantics (engine/bnn/model.h,
DOMAIN.md section 1):

  inputconv  value = integer dot product of pixels 0..255 with +1/-1 weights,
             zero padding
  conv       value = popcount of XNOR = (dot + fanIn) / 2 over +1/-1
             activations; padded positions read -1 (bit 0)
  dense      value = popcount over all inputs in H, W, C order
  threshold  a = +1 iff value >= T (direction +1) or value <= T (direction -1)
  maxpool    OR of the window (direction +1), AND (direction -1). Both equal
             "max-pool the values, then threshold":
               OR_i (v_i >= T) <=> max_i v_i >= T
               AND_i (v_i <= T) <=> max_i v_i <= T
             so the torch path max-pools the values for every channel.
  scores     score_j = scale_j * (2 * popcount_j - fanIn) + offset_j in
             float32; prediction = first index of the largest score

Every value is an integer well below 2**24, so float32 convolutions and
matrix products are exact; the loader refuses models where that would fail.

Usage (Debian's python3 with python3-torch, python3-h5py, python3-numpy):

  tools/torch_reference.py --model M.h5 [--data fashion-mnist|SPEC] [--limit N]
      [--batch B] [--threads T] [--predictions FILE] [--json]
  tools/torch_reference.py --self-check [--threads T]

--data takes the dataset specs of docs/dataset-format.md: fashion-mnist,
fashion-mnist:train, a directory of IDX files (DIR, DIR:test, DIR:train) or
an HDF5 dataset file. "seconds" is the wall time of the forward passes
(conversion of the pixels to float, the network, the argmax), not of loading
files. --predictions writes one predicted class per line in data order.

--self-check runs the torch path against a plain numpy integer
implementation (literal XNOR counting, OR/AND pooling, explicit loops) on
small in-memory models and 50 random images per model, round-trips the
models through the file format (int8 and packed weights) and exits 1 on
any difference.

The module is also imported by tools/make_test_model.py (reader, writer,
torch forward); torch is imported only when a forward pass is needed.
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


# ---- reading and writing model files -------------------------------------------

class _Where:
    """Formats one-line errors naming the file and the HDF5 object."""

    def __init__(self, path):
        self.path = path

    def fail(self, obj, message):
        name = obj if isinstance(obj, str) else obj.name
        raise ToolError(f"{self.path}: {name}: {message}" if name else f"{self.path}: {message}")


def _attr_value(obj, name, where):
    try:
        return obj.attrs[name]
    except KeyError:
        where.fail(obj, f"missing attribute '{name}'")
    except Exception as e:  # unreadable attribute types
        where.fail(obj, f"attribute '{name}' cannot be read ({e})")


def _as_str(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, str):
        return v
    a = np.asarray(v)
    if a.size == 1 and a.dtype.kind in "OSU":
        return _as_str(a.reshape(-1)[0])
    return None


def _attr_str(obj, name, where):
    s = _as_str(_attr_value(obj, name, where))
    if s is None:
        where.fail(obj, f"attribute '{name}': expected a string")
    return s


def _attr_strs(obj, name, where):
    a = np.asarray(_attr_value(obj, name, where))
    out = [_as_str(v) for v in a.reshape(-1)] if a.dtype.kind in "OSU" else [None]
    if any(s is None for s in out):
        where.fail(obj, f"attribute '{name}': expected strings")
    return out


def _attr_ints(obj, name, where):
    a = np.asarray(_attr_value(obj, name, where))
    if a.dtype.kind not in "iu":
        where.fail(obj, f"attribute '{name}': expected integers, found {a.dtype}")
    return [int(v) for v in a.reshape(-1)]


def _attr_int(obj, name, where, default=None, lo=0, hi=MAX_DIM):
    if name not in obj.attrs:
        if default is None:
            where.fail(obj, f"missing attribute '{name}'")
        return default
    v = _attr_ints(obj, name, where)
    if len(v) != 1:
        where.fail(obj, f"attribute '{name}': expected one integer, found {len(v)}")
    if not lo <= v[0] <= hi:
        where.fail(obj, f"attribute '{name}': {v[0]} is out of range {lo}..{hi}")
    return v[0]


def _attr_shape(obj, name, where):
    v = _attr_ints(obj, name, where)
    if len(v) != 3 or any(x < 1 or x > MAX_DIM for x in v):
        where.fail(obj, f"attribute '{name}': expected [height, width, channels], 3 integers "
                        f"1..{MAX_DIM}, found {v}")
    return tuple(v)


def _read_int_dataset(d, shape, what, where):
    if d.dtype.kind not in "iu":
        hint = " (convert with numpy's .astype())" if d.dtype.kind == "f" else ""
        where.fail(d, f"expected {what}, found {d.dtype}{hint}")
    if tuple(d.shape) != tuple(shape):
        where.fail(d, f"expected shape {list(shape)}, found {list(d.shape)}")
    return np.asarray(d[()]).astype(np.int64)


def _read_float_dataset(d, n, finite, where):
    if d.dtype.kind != "f":
        where.fail(d, f"expected float32 values, found {d.dtype}")
    if tuple(d.shape) != (n,):
        where.fail(d, f"expected shape [{n}] (one per output channel), found {list(d.shape)}")
    v = np.asarray(d[()]).astype(np.float32)
    if finite and not np.all(np.isfinite(v)):
        where.fail(d, f"value at index {int(np.flatnonzero(~np.isfinite(v))[0])} is not finite")
    return v


def _read_weights(g, l, where):
    plain, packed = "weights" in g, "weights_packed" in g
    if l.kind == "maxpool":
        if plain or packed:
            where.fail(g, "a maxpool layer has no weights")
        return None
    if plain and packed:
        where.fail(g, "has both 'weights' and 'weights_packed'; keep one")
    if not plain and not packed:
        where.fail(g, "missing dataset 'weights' (or 'weights_packed')")
    shape = l.weight_shape()
    count = int(np.prod(shape))
    if count > MAX_COUNT:
        where.fail(g, "too many weights")
    if plain:
        d = g["weights"]
        w = _read_int_dataset(d, shape, f"{count} int8 values of +1/-1", where)
        bad = np.flatnonzero((w != 1) & (w != -1))
        if bad.size:
            where.fail(d, f"expected {count} int8 values of +1/-1, found value "
                          f"{w.reshape(-1)[bad[0]]} at index {bad[0]}")
        return w.astype(np.int8)
    d = g["weights_packed"]
    if d.dtype != np.uint8:
        where.fail(d, f"expected uint8 bytes of packed weight bits, found {d.dtype}")
    nbytes = (count + 7) // 8
    if tuple(d.shape) != (nbytes,):
        where.fail(d, f"expected shape [{nbytes}] ({count} weights, 8 per byte), found {list(d.shape)}")
    raw = np.asarray(d[()], dtype=np.uint8)
    bits = np.unpackbits(raw, bitorder="little")
    if bits[count:].any():
        where.fail(d, f"the unused high bits of the last byte must be 0 ({count} weights)")
    return np.where(bits[:count] == 1, 1, -1).astype(np.int8).reshape(shape)


def _read_layer(g, name, where):
    kind = _attr_str(g, "kind", where)
    if kind not in KINDS:
        where.fail(g, f"attribute 'kind': unknown layer kind '{kind}' "
                      "(expected inputconv, conv, dense, maxpool or scores)")
    if "name" in g.attrs and _attr_str(g, "name", where) != name:
        where.fail(g, f"attribute 'name' is '{_attr_str(g, 'name', where)}' but the group name says '{name}'")
    conv = kind in CONVS
    l = Layer(kind=kind, name=name, in_shape=_attr_shape(g, "in_shape", where),
              out_shape=_attr_shape(g, "out_shape", where))
    l.kernel = _attr_int(g, "kernel", where, None if conv else 0)
    l.stride = _attr_int(g, "stride", where, None if conv else 1)
    l.padding = _attr_int(g, "padding", where, None if conv else 0)
    l.pool = _attr_int(g, "pool", where, None if kind == "maxpool" else 2)
    n = l.out_shape[2]
    if conv and (l.kernel < 1 or l.stride < 1):
        where.fail(g, "kernel and stride must be at least 1")
    l.weights = _read_weights(g, l, where)
    if kind in THRESHOLDED:
        for key in ("threshold", "direction"):
            if key not in g:
                where.fail(g, f"missing dataset '{key}'")
        d = g["threshold"]
        t = _read_int_dataset(d, (n,), "int32 thresholds", where)
        lo, hi = l.threshold_range()
        bad = np.flatnonzero((t < lo) | (t > hi))
        if bad.size:
            where.fail(d, f"value {t[bad[0]]} at index {bad[0]} is out of range {lo}..{hi} "
                          f"(fan-in {l.fan_in()})")
        l.threshold = t
        d = g["direction"]
        dr = _read_int_dataset(d, (n,), "int8 directions +1/-1", where)
        bad = np.flatnonzero((dr != 1) & (dr != -1))
        if bad.size:
            where.fail(d, f"expected +1/-1, found {dr[bad[0]]} at index {bad[0]}")
        l.direction = dr.astype(np.int8)
    else:
        for key in ("threshold", "direction"):
            if key in g:
                where.fail(g, f"a {kind} layer has no '{key}'")
    for key in ("score_scale", "score_offset"):
        if key in g:
            if kind != "scores":
                where.fail(g, f"only a scores layer has '{key}'")
            setattr(l, key, _read_float_dataset(g[key], n, True, where))
    for key in g:
        obj = g[key]
        if not hasattr(obj, "dtype"):
            where.fail(g, f"unexpected group '{key}' (a layer group holds only datasets)")
        if key in LAYER_DATASETS:
            continue
        if obj.dtype.kind != "f" or tuple(obj.shape) != (n,):
            where.fail(obj, f"unknown dataset; extra layer datasets are float parameters with one value "
                            f"per output channel ({n}), found {obj.dtype} {list(obj.shape)}")
        l.floats[key] = _read_float_dataset(obj, n, False, where)
    return l


def read_model(path, for_reference=True):
    """Loads and checks a model file; raises ToolError with a one-line message."""
    import h5py
    where = _Where(path)
    if not os.path.exists(path):
        raise ToolError(f"{path}: no such file")
    if os.path.isdir(path):
        raise ToolError(f"{path}: is a directory, not a model file")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ToolError(f"{path}: not a readable HDF5 file ({str(e).splitlines()[0]})") from None
    with f:
        if "format" not in f.attrs:
            where.fail("", f"no 'format' attribute; not an AxBNN model file "
                           f"(expected format = \"{MODEL_FORMAT}\")")
        fmt = _attr_str(f, "format", where)
        if fmt != MODEL_FORMAT:
            where.fail("", f"format is '{fmt}', not '{MODEL_FORMAT}'; not an AxBNN model file")
        version = _attr_int(f, "format_version", where, None, -2**63, 2**63 - 1)
        if version != MODEL_FORMAT_VERSION:
            newer = "; the file is newer" if version > MODEL_FORMAT_VERSION else ""
            where.fail("", f"format_version {version} is not supported "
                           f"(this program reads version {MODEL_FORMAT_VERSION}{newer})")
        input_shape = _attr_shape(f, "input_shape", where)
        if "input_encoding" in f.attrs and _attr_str(f, "input_encoding", where) != INPUT_ENCODING:
            where.fail("", f"input_encoding '{_attr_str(f, 'input_encoding', where)}' is not supported "
                           f"(expected '{INPUT_ENCODING}')")
        meta = {}
        if "meta" in f:
            g = f["meta"]
            for a in g.attrs:
                if a == "class_names":
                    meta[a] = _attr_strs(g, a, where)
                elif a == "accuracy_at_save":
                    v = np.asarray(_attr_value(g, a, where))
                    if v.dtype.kind not in "iuf" or v.size != 1 or not np.isfinite(v).all():
                        where.fail(g, "attribute 'accuracy_at_save': expected a finite number")
                    meta[a] = float(v.reshape(-1)[0])
                else:
                    s = _as_str(_attr_value(g, a, where))
                    if s is None:
                        where.fail(g, f"attribute '{a}': extra metadata must be strings")
                    if a == "approximation_config" and s:
                        try:
                            json.loads(s)
                        except ValueError:
                            where.fail(g, "attribute 'approximation_config' is not valid JSON")
                    meta[a] = s
        if "layers" not in f:
            where.fail("", "missing group '/layers'")
        layers_group = f["layers"]
        if hasattr(layers_group, "dtype"):
            where.fail(layers_group, "expected a group of layers, found a dataset")
        order = []
        for key in layers_group:
            if hasattr(layers_group[key], "dtype"):
                where.fail(layers_group, f"unexpected dataset '{key}'; /layers holds only layer groups")
            idx, sep, name = key.partition("_")
            if not sep or not idx.isdigit() or len(idx) > 6 or not name:
                where.fail(layers_group, f"group '{key}' is not named <index>_<name> (e.g. 02_conv2)")
            order.append((int(idx), key, name))
        if not order:
            where.fail(layers_group, "no layers")
        order.sort()
        layers, paths = [], []
        for i, (idx, key, name) in enumerate(order):
            if idx != i:
                if i > 0 and order[i - 1][0] == idx:
                    where.fail(layers_group, f"groups '{order[i - 1][1]}' and '{key}' have the same "
                                             "layer index")
                where.fail(layers_group, f"layer {i} is missing (groups must be numbered 00, 01, 02, ... "
                                         f"without gaps; the next group is '{key}')")
            layers.append(_read_layer(layers_group[key], name, where))
            paths.append(layers_group[key].name)
    model = Model(input_shape=input_shape, layers=layers, meta=meta)
    for check in (model_problem, reference_problem) if for_reference else (model_problem,):
        p = check(model)
        if p:
            where.fail(paths[p[0]] if p[0] >= 0 else "", p[1])
    return model


def write_model(model, path, packed=False):
    """Writes `model` in the format of docs/model-format.md, atomically."""
    import h5py
    p = model_problem(model)
    if p:
        raise ToolError(f"{path}: not written: " + (f"layer {p[0]} '{model.layers[p[0]].name}': "
                                                    if p[0] >= 0 else "") + p[1])
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".h5", dir=directory)
    except OSError as e:
        raise ToolError(f"{path}: cannot write in {directory} ({e.strerror})") from None
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["format"] = MODEL_FORMAT
            f.attrs["format_version"] = np.int32(MODEL_FORMAT_VERSION)
            f.attrs["input_shape"] = np.array(model.input_shape, dtype=np.int32)
            f.attrs["input_encoding"] = INPUT_ENCODING
            meta = f.create_group("meta")
            for key, value in model.meta.items():
                if key == "class_names":
                    meta.attrs[key] = np.array(value, dtype=h5py.string_dtype())
                elif key == "accuracy_at_save":
                    meta.attrs[key] = float(value)
                else:
                    meta.attrs[key] = str(value)
            layers = f.create_group("layers")
            for i, l in enumerate(model.layers):
                g = layers.create_group(f"{i:02d}_{l.name}")
                g.attrs["kind"] = l.kind
                g.attrs["name"] = l.name
                g.attrs["in_shape"] = np.array(l.in_shape, dtype=np.int32)
                g.attrs["out_shape"] = np.array(l.out_shape, dtype=np.int32)
                for key in ("kernel", "stride", "padding", "pool"):
                    g.attrs[key] = np.int32(getattr(l, key))
                if l.weights is not None:
                    w = np.asarray(l.weights, dtype=np.int8)
                    if packed:
                        g["weights_packed"] = np.packbits(w.reshape(-1) > 0, bitorder="little")
                    else:
                        g.create_dataset("weights", data=w, compression="gzip")
                if l.threshold is not None:
                    g["threshold"] = np.asarray(l.threshold, dtype=np.int32)
                    g["direction"] = np.asarray(l.direction, dtype=np.int8)
                if l.score_scale is not None:
                    g["score_scale"] = np.asarray(l.score_scale, dtype=np.float32)
                if l.score_offset is not None:
                    g["score_offset"] = np.asarray(l.score_offset, dtype=np.float32)
                for key, v in l.floats.items():
                    g[key] = np.asarray(v, dtype=np.float32)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def model_difference(a, b):
    """First difference between two models (for read-back checks), or None."""
    if tuple(a.input_shape) != tuple(b.input_shape):
        return "input shape"
    if len(a.layers) != len(b.layers):
        return "layer count"
    for key in set(a.meta) | set(b.meta):
        if a.meta.get(key) != b.meta.get(key):
            return f"meta '{key}'"
    for i, (x, y) in enumerate(zip(a.layers, b.layers)):
        for key in ("kind", "name", "kernel", "stride", "padding", "pool"):
            if getattr(x, key) != getattr(y, key):
                return f"layer {i} {key}"
        for key in ("in_shape", "out_shape"):
            if tuple(getattr(x, key)) != tuple(getattr(y, key)):
                return f"layer {i} {key}"
        for key in ("weights", "threshold", "direction", "score_scale", "score_offset"):
            u, v = getattr(x, key), getattr(y, key)
            if (u is None) != (v is None) or (u is not None and (u.shape != v.shape or not np.array_equal(u, v))):
                return f"layer {i} {key}"
        if set(x.floats) != set(y.floats) or any(not np.array_equal(x.floats[k], y.floats[k]) for k in x.floats):
            return f"layer {i} float parameters"
    return None


# ---- datasets -----------------------------------------------------------------

@dataclass
class Dataset:
    images: np.ndarray   # uint8 [n, height, width, channels]
    labels: np.ndarray   # int64 [n]
    class_names: list
    source: str


def read_idx(path):
    """An IDX file (gzip-compressed or plain, told apart by content) as a uint8 array."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise ToolError(f"{path}: {e.strerror}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise ToolError(f"{path}: corrupt gzip stream ({e})") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise ToolError(f"{path}: not an IDX file (bad magic number)")
    if raw[2] != 0x08:
        raise ToolError(f"{path}: element type 0x{raw[2]:02x} is not supported (expected 0x08, unsigned byte)")
    ndim = raw[3]
    if not 1 <= ndim <= 4 or len(raw) < 4 + 4 * ndim:
        raise ToolError(f"{path}: bad IDX header ({ndim} dimensions)")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    count = int(np.prod(dims))
    data = raw[4 + 4 * ndim:]
    if len(data) < count:
        raise ToolError(f"{path}: truncated: the header promises {' x '.join(map(str, dims))} = {count} "
                        f"bytes of data, found {len(data)}")
    if len(data) > count:
        raise ToolError(f"{path}: {len(data) - count} bytes of data after the promised end")
    return np.frombuffer(data, dtype=np.uint8).reshape(dims).copy()


def _load_idx_dir(directory, test, package):
    prefix = "t10k" if test else "train"
    found = []
    for kind in ("images-idx3-ubyte", "labels-idx1-ubyte"):
        base = os.path.join(directory, f"{prefix}-{kind}")
        path = base if os.path.isfile(base) else base + ".gz"
        if not os.path.isfile(path):
            hint = " (install the Debian package dataset-fashion-mnist)" if package else ""
            raise ToolError(f"{path}: no such file{hint}")
        found.append(path)
    images, labels = read_idx(found[0]), read_idx(found[1])
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise ToolError(f"{found[0]}: expected images of 3 or 4 dimensions, found {images.ndim}")
    if labels.ndim != 1:
        raise ToolError(f"{found[1]}: expected labels of 1 dimension, found {labels.ndim}")
    if len(images) != len(labels):
        raise ToolError(f"{found[0]} has {len(images)} images but {found[1]} has {len(labels)} labels")
    names_file = os.path.join(directory, "class_names.txt")
    if os.path.isfile(names_file):
        with open(names_file, encoding="utf-8") as f:
            names = [line.rstrip("\r\n") for line in f if line.strip()]
    elif package or "fashion" in os.path.basename(os.path.normpath(directory)).lower():
        names = list(FASHION_CLASSES)
    else:
        names = [str(i) for i in range(int(labels.max()) + 1 if len(labels) else 1)]
    labels = labels.astype(np.int64)
    bad = np.flatnonzero(labels >= len(names))
    if bad.size:
        raise ToolError(f"{found[1]}: label {labels[bad[0]]} at index {bad[0]} is not below the class "
                        f"count {len(names)}")
    return Dataset(np.ascontiguousarray(images), labels, names, f"{directory} ({prefix})")


def _load_h5_dataset(path):
    import h5py
    where = _Where(path)
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise ToolError(f"{path}: not a readable HDF5 file ({str(e).splitlines()[0]})") from None
    with f:
        for key in ("images", "labels"):
            if key not in f or not hasattr(f[key], "dtype"):
                where.fail("", f"no dataset '/{key}' (an HDF5 dataset file holds /images and /labels)")
        d = f["images"]
        if d.dtype.kind != "u" or d.dtype.itemsize != 1:
            hint = " (scale to 0..255 and convert to uint8)" if d.dtype.kind == "f" else ""
            where.fail(d, f"expected uint8 pixels 0..255, found {d.dtype}{hint}")
        if d.ndim not in (3, 4):
            where.fail(d, f"expected shape [n, height, width, channels] or [n, height, width], "
                          f"found {list(d.shape)}")
        images = np.asarray(d[()], dtype=np.uint8)
        if images.ndim == 3:
            images = images[..., None]
        d = f["labels"]
        if d.dtype.kind not in "iu":
            where.fail(d, "expected integer class labels")
        if tuple(d.shape) != (len(images),):
            where.fail(d, f"expected shape [{len(images)}] (one label per image), found {list(d.shape)}")
        labels = np.asarray(d[()]).astype(np.int64)
        names = _attr_strs(f, "class_names", where) if "class_names" in f.attrs else \
            [str(i) for i in range(int(labels.max()) + 1 if len(labels) else 1)]
        bad = np.flatnonzero((labels < 0) | (labels >= len(names)))
        if bad.size:
            where.fail(d, f"label {labels[bad[0]]} at index {bad[0]} is not a class index "
                          f"0..{len(names) - 1}")
    return Dataset(np.ascontiguousarray(images), labels, names, path)


def load_dataset(spec):
    """The dataset specs of docs/dataset-format.md."""
    base, test, split = spec, True, False
    if not os.path.exists(spec):
        for suffix, is_test in ((":test", True), (":train", False)):
            if spec.endswith(suffix):
                base, test, split = spec[:-len(suffix)], is_test, True
    if base == "fashion-mnist":
        return _load_idx_dir(FASHION_DIR, test, True)
    if os.path.isdir(base):
        return _load_idx_dir(base, test, False)
    if os.path.isfile(base):
        if split:
            raise ToolError(f"{spec}: an HDF5 dataset file has no train/test split; "
                            f"drop the '{spec[len(base):]}'")
        return _load_h5_dataset(base)
    raise ToolError(f"{spec}: no such dataset (expected fashion-mnist, fashion-mnist:train, "
                    "a directory of IDX files or an HDF5 dataset file)")


# ---- the torch forward pass ---------------------------------------------------------

class TorchNet:
    """The model as float32 torch tensors; forward() evaluates batches of uint8 NHWC images."""

    def __init__(self, model):
        import torch
        self.torch = torch
        self.model = model
        self.params = []
        for l in model.layers:
            p = {}
            if l.kind in CONVS:
                # [out, ky, kx, in] -> torch's [out, in, ky, kx]
                p["w"] = torch.from_numpy(l.weights.astype(np.float32)).permute(0, 3, 1, 2).contiguous()
            elif l.kind in ("dense", "scores"):
                # [out, in] with the inputs in H, W, C order; forward() flattens NCHW activations
                # back to H, W, C order before F.linear.
                p["w"] = torch.from_numpy(l.weights.astype(np.float32)).contiguous()
            if l.kind in THRESHOLDED:
                d = torch.from_numpy(l.direction.astype(np.float32)).view(1, -1, 1, 1)
                t = torch.from_numpy(l.threshold.astype(np.float32)).view(1, -1, 1, 1)
                # value >= T (d = +1) or value <= T (d = -1)  <=>  d * value >= d * T (exact: d = +-1)
                p["d"], p["dt"] = d, d * t
            if l.kind == "scores":
                n = l.out_shape[2]
                scale = l.score_scale if l.score_scale is not None else np.ones(n, np.float32)
                offset = l.score_offset if l.score_offset is not None else np.zeros(n, np.float32)
                p["scale"] = torch.from_numpy(scale.astype(np.float32)).view(1, -1)
                p["offset"] = torch.from_numpy(offset.astype(np.float32)).view(1, -1)
            self.params.append(p)

    def _threshold(self, value, p):
        return self.torch.where(value * p["d"] >= p["dt"], 1.0, -1.0)

    def forward(self, images, record=False):
        """images: uint8 [n, H, W, C] (numpy). Returns (predictions int64 [n], scores float32 [n, classes],
        trace); with record, trace["acts"][i] is layer i's +1/-1 output as int8 [n, H, W, C] (scores: None)
        and trace["values"][i] the integer values its thresholds were applied to (maxpool: the pooled
        values of the layer before), else trace is None."""
        torch = self.torch
        import torch.nn.functional as F
        layers = self.model.layers
        images = np.ascontiguousarray(images)
        if not images.flags.writeable:
            images = images.copy()
        x = torch.from_numpy(images).permute(0, 3, 1, 2).to(torch.float32)
        n = x.shape[0]
        acts, values = [], []
        value = None
        scores = None
        for i, (l, p) in enumerate(zip(layers, self.params)):
            pooled_next = i + 1 < len(layers) and layers[i + 1].kind == "maxpool"
            if l.kind == "inputconv":
                value = F.conv2d(x, p["w"], stride=l.stride, padding=l.padding)   # zero padding
            elif l.kind == "conv":
                xp = F.pad(x, (l.padding,) * 4, value=-1.0) if l.padding else x  # padding reads -1
                dot = F.conv2d(xp, p["w"], stride=l.stride)
                value = (dot + l.fan_in()) * 0.5                                 # popcount
            elif l.kind == "dense":
                flat = x.permute(0, 2, 3, 1).reshape(n, -1)                      # H, W, C order
                value = ((F.linear(flat, p["w"]) + l.fan_in()) * 0.5).view(n, -1, 1, 1)
            elif l.kind == "maxpool":
                # OR (direction +1) / AND (direction -1) of thresholded values = threshold of the max.
                value = F.max_pool2d(value, l.pool, l.pool)
                p = self.params[i - 1]
            elif l.kind == "scores":
                flat = x.permute(0, 2, 3, 1).reshape(n, -1)
                dot = F.linear(flat, p["w"])                    # = 2 * popcount - fanIn
                scores = dot * p["scale"] + p["offset"]         # float32, rounded after * and after +
            if l.kind == "scores":
                break
            if not pooled_next or record:
                x = self._threshold(value, p)
            if record:
                acts.append(x.permute(0, 2, 3, 1).to(torch.int8).numpy())
                values.append(value.permute(0, 2, 3, 1).to(torch.int32).numpy())
        # The first index of the largest score (not relying on argmax's tie rule).
        best = scores.max(dim=1, keepdim=True).values
        index = torch.arange(scores.shape[1]).view(1, -1).expand_as(scores)
        pred = torch.where(scores == best, index, scores.shape[1]).min(dim=1).values
        trace = {"acts": acts + [None], "values": values + [None]} if record else None
        return pred.numpy().astype(np.int64), scores.numpy(), trace


# ---- an independent numpy integer implementation (for --self-check) ------------

def numpy_reference(model, images):
    """Plain integer forward pass: literal XNOR counting with padded positions as bit 0, OR/AND pooling on
    binary activations, explicit loops over output positions. Slow; meant to be obviously right.
    Returns (predictions, scores float32, activations per layer as int8 [n, H, W, C])."""
    x = images.astype(np.int64)
    n = x.shape[0]
    acts = []
    scores = None
    for i, l in enumerate(model.layers):
        if l.kind in CONVS:
            k, s, pad = l.kernel, l.stride, l.padding
            h, w, c = l.in_shape
            ho, wo, co = l.out_shape
            if l.kind == "inputconv":
                src = np.zeros((n, h + 2 * pad, w + 2 * pad, c), np.int64)          # pixel 0
                src[:, pad:pad + h, pad:pad + w, :] = x
            else:
                src = np.zeros((n, h + 2 * pad, w + 2 * pad, c), bool)              # bit 0 = -1
                src[:, pad:pad + h, pad:pad + w, :] = x == 1
            wbits = l.weights == 1
            value = np.zeros((n, ho, wo, co), np.int64)
            for oy in range(ho):
                for ox in range(wo):
                    patch = src[:, oy * s:oy * s + k, ox * s:ox * s + k, :]         # [n, k, k, c]
                    if l.kind == "inputconv":
                        prod = patch[:, None] * l.weights[None].astype(np.int64)    # [n, co, k, k, c]
                        value[:, oy, ox, :] = prod.sum(axis=(2, 3, 4))
                    else:
                        xnor = patch[:, None] == wbits[None]
                        value[:, oy, ox, :] = xnor.sum(axis=(2, 3, 4))                # popcount
        elif l.kind in ("dense", "scores"):
            bits = (x == 1).reshape(n, -1)                                            # H, W, C order
            xnor = bits[:, None, :] == (l.weights == 1)[None]
            pop = xnor.sum(axis=2)                                                     # [n, out]
            value = pop.reshape(n, 1, 1, -1)
        if l.kind in THRESHOLDED:
            t = l.threshold.reshape(1, 1, 1, -1)
            on = np.where(l.direction.reshape(1, 1, 1, -1) > 0, value >= t, value <= t)
            x = np.where(on, 1, -1)
        elif l.kind == "maxpool":
            prev = model.layers[i - 1]
            q = l.pool
            ho, wo, co = l.out_shape
            out = np.zeros((n, ho, wo, co), np.int64)
            for oy in range(ho):
                for ox in range(wo):
                    win = x[:, oy * q:(oy + 1) * q, ox * q:(ox + 1) * q, :] == 1
                    for ch in range(co):
                        if prev.direction[ch] > 0:
                            on = win[:, :, :, ch].any(axis=(1, 2))     # OR
                        else:
                            on = win[:, :, :, ch].all(axis=(1, 2))     # AND
                        out[:, oy, ox, ch] = np.where(on, 1, -1)
            x = out
        elif l.kind == "scores":
            classes = l.out_shape[2]
            scale = l.score_scale if l.score_scale is not None else np.ones(classes, np.float32)
            offset = l.score_offset if l.score_offset is not None else np.zeros(classes, np.float32)
            scores = np.zeros((n, classes), np.float32)
            for j in range(classes):
                term = np.float32(scale[j]) * (2 * pop[:, j] - l.fan_in()).astype(np.float32)
                scores[:, j] = (term.astype(np.float32) + np.float32(offset[j])).astype(np.float32)
            break
        acts.append(x.astype(np.int8))
    preds = np.zeros(n, np.int64)
    for m in range(n):
        best = 0
        for j in range(1, scores.shape[1]):
            if scores[m, j] > scores[m, best]:
                best = j
        preds[m] = best
    return preds, scores, acts + [None]


# ---- self-check --------------------------------------------------------------

def calibrate_thresholds(model, rng, images):
    """Sets every thresholded layer's thresholds so that about 30..70 % of its (pooled) values fire on
    `images` (random directions); never a constant neuron unless its values are all equal."""
    for l in model.layers:
        if l.kind not in THRESHOLDED:
            continue
        l.direction = rng.choice(np.array([1, -1], np.int8), size=l.out_shape[2])
        l.threshold = np.zeros(l.out_shape[2], np.int64)
    for i, l in enumerate(model.layers):
        if l.kind not in THRESHOLDED:
            continue
        _, _, trace = TorchNet(model).forward(images, record=True)
        at = i + 1 if i + 1 < len(model.layers) and model.layers[i + 1].kind == "maxpool" else i
        values = trace["values"][at]
        for c in range(l.out_shape[2]):
            v = values[..., c].reshape(-1)
            u, counts = np.unique(v, return_counts=True)
            target = rng.uniform(0.3, 0.7)
            if l.direction[c] > 0:
                frac = np.cumsum(counts[::-1])[::-1] / v.size      # fraction of values >= u[j]
                choices = range(1, len(u)) if len(u) > 1 else range(1)
            else:
                frac = np.cumsum(counts) / v.size                   # fraction of values <= u[j]
                choices = range(0, len(u) - 1) if len(u) > 1 else range(1)
            j = min(choices, key=lambda j: abs(frac[j] - target))
            l.threshold[c] = int(u[j])
        lo, hi = l.threshold_range()
        l.threshold = np.clip(l.threshold, lo, hi)
    return model


def tiny_model(rng, with_scale=True):
    """A small model that exercises every layer kind, 2 input channels, padding beyond k//2, stride 2,
    a kernel of 2 and pools that drop a partial border window."""
    spec = [
        # kind, name, in, out, kernel, stride, padding, pool
        ("inputconv", "conv1", (12, 12, 2), (12, 12, 6), 3, 1, 1, 2),
        ("maxpool", "pool1", (12, 12, 6), (6, 6, 6), 0, 1, 0, 2),
        ("conv", "conv2", (6, 6, 6), (3, 3, 7), 3, 2, 1, 2),
        ("conv", "conv3", (3, 3, 7), (4, 4, 8), 2, 1, 1, 2),
        ("maxpool", "pool3", (4, 4, 8), (1, 1, 8), 0, 1, 0, 3),
        ("conv", "conv4", (1, 1, 8), (3, 3, 5), 3, 1, 2, 2),
        ("dense", "fc1", (3, 3, 5), (1, 1, 9), 0, 1, 0, 2),
        ("maxpool", "pool_fc1", (1, 1, 9), (1, 1, 9), 0, 1, 0, 1),
        ("dense", "fc2", (1, 1, 9), (1, 1, 11), 0, 1, 0, 2),
        ("scores", "scores", (1, 1, 11), (1, 1, 4), 0, 1, 0, 2),
    ]
    layers = []
    for kind, name, i, o, k, s, pad, pool in spec:
        l = Layer(kind, name, i, o, kernel=k, stride=s, padding=pad, pool=pool)
        if kind != "maxpool":
            l.weights = rng.choice(np.array([1, -1], np.int8), size=l.weight_shape())
        if kind == "scores" and with_scale:
            l.score_scale = rng.uniform(0.25, 2.0, size=o[2]).astype(np.float32)
            l.score_offset = rng.normal(0.0, 1.5, size=o[2]).astype(np.float32)
        if kind == "dense":
            l.floats["bn_gamma"] = rng.normal(size=o[2]).astype(np.float32)
        layers.append(l)
    model = Model((12, 12, 2), layers, {"dataset": "self-check", "class_names": ["a", "b", "c", "d"],
                                       "training_recipe": "torch_reference.py --self-check",
                                       "accuracy_at_save": -1.0, "approximation_config": ""})
    return model


def _compare(label, model, images, failures):
    """Torch path vs numpy reference on one model; appends problems to `failures`."""
    net = TorchNet(model)
    t_pred, t_scores, trace = net.forward(images, record=True)
    n_pred, n_scores, n_acts = numpy_reference(model, images)
    lines = []
    for i, l in enumerate(model.layers[:-1]):
        a, b = trace["acts"][i], n_acts[i]
        if a.shape != b.shape or not np.array_equal(a, b):
            diff = "shape" if a.shape != b.shape else f"{int((a != b).sum())} of {a.size} values"
            failures.append(f"{label}: layer {i} '{l.name}' ({l.kind}) activations differ ({diff})")
        else:
            lines.append(f"{l.name} {100.0 * (a == 1).mean():.0f}%")
        if (b == 1).all() or (b == -1).all():
            failures.append(f"{label}: layer {i} '{l.name}' activations are constant: the check is weak")
    if not np.array_equal(t_scores, n_scores):
        failures.append(f"{label}: scores differ in {int((t_scores != n_scores).sum())} values")
    if not np.array_equal(t_pred, n_pred):
        failures.append(f"{label}: predictions differ for {int((t_pred != n_pred).sum())} images")
    top = np.sort(n_scores, axis=1)
    ties = int((top[:, -1] == top[:, -2]).sum())
    print(f"  {label}: {len(images)} images, {len(model.layers)} layers, predictions "
          f"{np.bincount(n_pred, minlength=model.classes()).tolist()}, {ties} top-score ties; "
          f"+1 fractions: {', '.join(lines)}")


def _expect_error(label, path, text, failures):
    try:
        read_model(path)
    except ToolError as e:
        if text not in str(e):
            failures.append(f"{label}: expected an error mentioning '{text}', got: {e}")
        return
    failures.append(f"{label}: the broken file was accepted")


def self_check():
    import h5py
    failures = []
    rng = np.random.default_rng(20240607)
    print("self-check: torch float32 path vs numpy integer reference")

    cases = []
    images12 = rng.integers(0, 256, size=(50, 12, 12, 2), dtype=np.uint8)
    images12[:, :3] = 0                       # some zero background, as in real images
    for with_scale in (True, False):
        m = calibrate_thresholds(tiny_model(rng, with_scale), rng, images12)
        cases.append((f"tiny model ({'score scale/offset' if with_scale else 'plain scores'})", m, images12))
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_test_model
    images28 = rng.integers(0, 256, size=(50, 28, 28, 1), dtype=np.uint8)
    images28[images28 < 110] = 0               # about 40 % background
    for arch, kernel in (("vgg3", 3), ("vgg3", 5), ("vgg3", 7), ("mlp", 3)):
        m = make_test_model.build_model(arch, kernel, channels=4, hidden=24, seed=kernel,
                                        calibration=images28, plain_scores=(kernel == 5))
        cases.append((f"make_test_model {arch} k{kernel} C4 H24" if arch == "vgg3"
                      else "make_test_model mlp H24", m, images28))
    for label, m, images in cases:
        _compare(label, m, images, failures)

    with tempfile.TemporaryDirectory() as tmp:
        model = cases[0][1]
        for packed in (False, True):
            path = os.path.join(tmp, f"tiny{'-packed' if packed else ''}.h5")
            write_model(model, path, packed=packed)
            back = read_model(path)
            diff = model_difference(model, back)
            if diff:
                failures.append(f"file round trip ({'packed' if packed else 'int8'} weights): {diff} differs")
            a = TorchNet(model).forward(images12)[0]
            b = TorchNet(back).forward(images12)[0]
            if not np.array_equal(a, b):
                failures.append("predictions differ after the file round trip")
        print("  file round trip: int8 and packed weights read back identically")

        broken = os.path.join(tmp, "broken.h5")
        source = os.path.join(tmp, "tiny.h5")
        edits = [
            ("format_version 2", lambda f: f.attrs.__setitem__("format_version", 2), "format_version 2"),
            ("weight value 3", lambda f: f["layers/02_conv2/weights"].__setitem__((0, 0, 0, 0), 3), "found value 3"),
            ("direction 0", lambda f: f["layers/06_fc1/direction"].__setitem__(0, 0), "expected +1/-1"),
            ("missing layer", lambda f: f["layers"].__delitem__("03_conv3"), "layer 3 is missing"),
        ]
        import shutil
        for label, edit, text in edits:
            shutil.copy(source, broken)
            with h5py.File(broken, "r+") as f:
                edit(f)
            _expect_error(label, broken, text, failures)
        _expect_error("missing file", os.path.join(tmp, "nope.h5"), "no such file", failures)
        print("  reader refuses: bad format_version, weight 3, direction 0, missing layer, missing file")

        # The data readers: IDX (gzip) and HDF5 give the same images.
        imgs = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
        labels = rng.integers(0, 3, size=7).astype(np.uint8)
        d = os.path.join(tmp, "idx")
        os.mkdir(d)
        for name, arr, magic in (("t10k-images-idx3-ubyte.gz", imgs, 3), ("t10k-labels-idx1-ubyte", labels, 1)):
            header = bytes([0, 0, 8, magic]) + b"".join(int(v).to_bytes(4, "big") for v in arr.shape)
            data = header + arr.tobytes()
            with open(os.path.join(d, name), "wb") as f:
                f.write(gzip.compress(data) if name.endswith(".gz") else data)
        with h5py.File(os.path.join(tmp, "set.h5"), "w") as f:
            f["images"], f["labels"] = imgs, labels
        a, b = load_dataset(d), load_dataset(os.path.join(tmp, "set.h5"))
        if not (np.array_equal(a.images, imgs[..., None]) and np.array_equal(b.images, a.images)
                and np.array_equal(a.labels, labels) and np.array_equal(b.labels, labels)):
            failures.append("IDX and HDF5 dataset readers disagree")
        print("  dataset readers: IDX (gzip and plain) and HDF5 agree")

    if failures:
        for f in failures:
            print(f"FAIL: {f}", file=sys.stderr)
        print(f"self-check: FAILED ({len(failures)} problems)", file=sys.stderr)
        return 1
    print(f"self-check: OK ({len(cases)} models x 50 images: every activation, score and prediction agrees)")
    return 0


# ---- command line -------------------------------------------------------------

def evaluate(model, data, batch):
    import torch
    net = TorchNet(model)
    preds = np.zeros(len(data.images), np.int64)
    start = time.perf_counter()
    with torch.inference_mode():
        for b in range(0, len(data.images), batch):
            preds[b:b + batch] = net.forward(data.images[b:b + batch])[0]
    seconds = time.perf_counter() - start
    return preds, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog=PROG, description="Reference forward pass of an AxBNN model in PyTorch (float32).",
        epilog="See the module docstring (head of this file) for the semantics.")
    parser.add_argument("--model", help="model file (docs/model-format.md)")
    parser.add_argument("--data", default="fashion-mnist",
                        help="fashion-mnist[:train|:test], DIR[:train|:test] of IDX files, or an HDF5 "
                             "dataset file (default: fashion-mnist, the test split)")
    parser.add_argument("--limit", type=int, help="use only the first N images")
    parser.add_argument("--batch", type=int, default=256, help="images per forward pass (default 256)")
    parser.add_argument("--threads", type=int, help="torch.set_num_threads (default: torch's choice)")
    parser.add_argument("--predictions", help="write one predicted class per line to FILE")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    parser.add_argument("--self-check", action="store_true",
                        help="compare the torch path with a numpy integer implementation; exit 1 on any "
                             "difference")
    args = parser.parse_args(argv)
    try:
        if args.threads is not None and args.threads < 1:
            raise ToolError("--threads must be at least 1")
        if args.batch < 1:
            raise ToolError("--batch must be at least 1")
        if args.limit is not None and args.limit < 0:
            raise ToolError("--limit must not be negative")
        try:
            import torch
        except ImportError as e:
            raise ToolError(f"cannot import torch ({e}); run with /usr/bin/python3 and install python3-torch") \
                from None
        if args.threads is not None:
            torch.set_num_threads(args.threads)
        if args.self_check:
            with torch.inference_mode():
                return self_check()
        if not args.model:
            raise ToolError("--model is required (or --self-check)")
        model = read_model(args.model)
        data = load_dataset(args.data)
        if tuple(data.images.shape[1:]) != tuple(model.input_shape):
            raise ToolError(f"{args.data}: images are {_shape_text(data.images.shape[1:])} but the model "
                            f"expects {_shape_text(model.input_shape)}")
        if args.limit is not None:
            data.images, data.labels = data.images[:args.limit], data.labels[:args.limit]
        if len(data.labels) and data.labels.max() >= model.classes():
            raise ToolError(f"{args.data}: label {int(data.labels.max())} is not below the model's "
                            f"{model.classes()} classes")
        preds, seconds = evaluate(model, data, args.batch)
        if args.predictions:
            try:
                with open(args.predictions, "w") as f:
                    f.write("".join(f"{p}\n" for p in preds))
            except OSError as e:
                raise ToolError(f"{args.predictions}: {e.strerror}") from None
        n = len(preds)
        correct = int((preds == data.labels).sum())
        accuracy = correct / n if n else 0.0
        rate = n / seconds if seconds > 0 else 0.0
        threads = torch.get_num_threads()
        if args.json:
            print(json.dumps({"accuracy": accuracy, "images": n, "seconds": round(seconds, 6),
                              "images_per_second": round(rate, 3), "threads": threads}))
        else:
            print(f"model: {args.model} ({len(model.layers)} layers, {model.classes()} classes)")
            print(f"data: {data.source}")
            print(f"accuracy: {accuracy:.4f} ({correct}/{n})")
            print(f"images: {n}")
            print(f"seconds: {seconds:.3f}")
            print(f"images/s: {rate:.1f}")
            print(f"threads: {threads}")
        return 0
    except ToolError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError, TypeError) as e:  # e.g. h5py on an odd file
        message = " ".join(str(e).split())
        print(f"{PROG}: error: {type(e).__name__}: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
