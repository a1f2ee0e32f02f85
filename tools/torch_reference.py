#!/usr/bin/python3
"""Reference forward pass of an AxBNN model in PyTorch (float32 tensor ops).

An independent check on the engine's inference: it reads the model file of
docs/model-format.md with h5py and the data of docs/dataset-format.md with
gzip/numpy/h5py, and evaluates the network with ordinary float32 tensor
operations (F.conv2d, F.pad, F.max_pool2d, F.linear), so that it shares no
code and no bit tricks with the engine. Layer semantics (engine/bnn/model.h,
docs/domain.md section 1):

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




sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from axbnn_model import *  # noqa: E402,F401,F403
from axbnn_model import _layer_problem, _shape_text  # noqa: E402,F401
from axbnn_model_file import *  # noqa: E402,F401,F403
from axbnn_model_file import _Where, _as_str, _attr_int, _attr_ints, _attr_shape, _attr_str, _attr_strs, _attr_value, _read_float_dataset, _read_int_dataset, _read_layer, _read_weights  # noqa: E402,F401
from axbnn_datasets import *  # noqa: E402,F401,F403
from axbnn_datasets import _load_h5_dataset, _load_idx_dir  # noqa: E402,F401
from numpy_reference import numpy_reference  # noqa: E402,F401

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
