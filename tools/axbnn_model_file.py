#!/usr/bin/python3
"""Reading and writing AxBNN model files (docs/model-format.md) with h5py.
"""
import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field

from axbnn_model import np  # noqa: F401  (numpy, with its clear import error)




from axbnn_model import *  # noqa: F401,F403
from axbnn_model import _layer_problem, _shape_text  # noqa: F401

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


def fixed_str(value):
    """`value` as a fixed-length UTF-8 string attribute value (NUL padded).

    Variable-length strings (h5py's default for a str) live in the file's
    global heap, which libhdf5 1.10 can crash on when it is corrupt; the
    format's writers store fixed-length strings (docs/model-format.md).
    """
    import h5py
    b = str(value).encode("utf-8")
    return np.array(b, dtype=h5py.string_dtype("utf-8", max(len(b), 1)))


def fixed_strs(values):
    """A 1-D array of fixed-length UTF-8 strings, as long as the longest."""
    import h5py
    bs = [str(v).encode("utf-8") for v in values]
    return np.array(bs, dtype=h5py.string_dtype("utf-8", max([len(b) for b in bs] + [1])))


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
            f.attrs["format"] = fixed_str(MODEL_FORMAT)
            f.attrs["format_version"] = np.int32(MODEL_FORMAT_VERSION)
            f.attrs["input_shape"] = np.array(model.input_shape, dtype=np.int32)
            f.attrs["input_encoding"] = fixed_str(INPUT_ENCODING)
            meta = f.create_group("meta")
            for key, value in model.meta.items():
                if key == "class_names":
                    meta.attrs[key] = fixed_strs(value)
                elif key == "accuracy_at_save":
                    meta.attrs[key] = float(value)
                else:
                    meta.attrs[key] = fixed_str(value)
            layers = f.create_group("layers")
            for i, l in enumerate(model.layers):
                g = layers.create_group(f"{i:02d}_{l.name}")
                g.attrs["kind"] = fixed_str(l.kind)
                g.attrs["name"] = fixed_str(l.name)
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


