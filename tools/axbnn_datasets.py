#!/usr/bin/python3
"""Datasets for the Python tools (docs/dataset-format.md): Fashion-MNIST IDX
files, directories of IDX files and HDF5 dataset files.
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
from axbnn_model_file import *  # noqa: F401,F403
from axbnn_model_file import _Where, _as_str, _attr_int, _attr_ints, _attr_shape, _attr_str, _attr_strs, _attr_value  # noqa: F401

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


