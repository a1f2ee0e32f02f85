#!/usr/bin/python3
"""Error-model files (docs/error-model.md) for the Python tools: reading with the checks of
loadErrorModel, the fit check against a layer list, and error injection with torch.searchsorted
(used by tools/torch_train.py).
"""
import json

from axbnn_model import np, ToolError  # noqa: F401  (numpy, with its clear import error)

ERROR_FORMAT = "axbnn-error-model"
# The file's "statistic" (docs/error-model.md; engine/bnn/error_model.h kErrorStatistics).
ERROR_STATISTICS = ("iid", "measured", "data")


def neuron_shift(ns, fan_in, where):
    """The optional per-neuron shifts of a data error model (docs/error-model.md), checked as
    engine/io/error_model_json.cpp does: None, or (bins, float64 array [neurons, bins])."""
    if ns is None:
        return None
    if not isinstance(ns, dict):
        raise ToolError(f"{where} must be an object with \"bins\" and \"values\"")
    bins, values = ns.get("bins"), ns.get("values")
    if not isinstance(bins, int) or isinstance(bins, bool) or not 1 <= bins <= 64:
        raise ToolError(f"{where}.bins must be a whole number in 1..64")
    v = np.asarray(values if isinstance(values, list) else [], dtype=np.float64)
    if v.ndim != 1 or v.size == 0 or v.size % bins:
        raise ToolError(f"{where}.values must be a non-empty array of neurons x {bins} numbers")
    bad = np.flatnonzero(~np.isfinite(v) | (np.abs(v) > fan_in))
    if bad.size:
        raise ToolError(f"{where}.values[{int(bad[0])}] is {v[bad[0]]}, outside +-{fan_in}")
    return bins, v.reshape(-1, bins)


def load_error_model(path):
    """The error-model JSON, checked as loadErrorModel does (one-line ToolError otherwise)."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise ToolError(f"{path}: {e.strerror}") from None
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise ToolError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(doc, dict) or doc.get("format") != ERROR_FORMAT:
        raise ToolError(f"{path}: format is {json.dumps(doc.get('format') if isinstance(doc, dict) else None)}, "
                        f"not \"{ERROR_FORMAT}\"; not an error-model file")
    if doc.get("version") != 1:
        raise ToolError(f"{path}: version {doc.get('version')} is not supported (this program reads version 1)")
    layers = doc.get("layers")
    if not isinstance(layers, list):
        raise ToolError(f"{path}: missing \"layers\"")
    out = []
    for k, l in enumerate(layers):
        where = f"{path}: layers[{k}]"
        n = l.get("fan_in") if isinstance(l, dict) else None
        if not isinstance(n, int) or n < 1:
            raise ToolError(f"{where}.fan_in must be a whole number from 1")
        rows = l.get("conditional")
        if not isinstance(rows, list) or len(rows) != n + 1:
            raise ToolError(f"{where}.conditional has {len(rows) if isinstance(rows, list) else 0} rows but "
                            f"fan-in {n} needs {n + 1} (s = 0..{n})")
        e_min, probs, samples = [], [], []
        for s, r in enumerate(rows):
            if not isinstance(r, dict) or r.get("s") != s:
                raise ToolError(f"{where}.conditional[{s}] has s = {r.get('s') if isinstance(r, dict) else None}; "
                                f"rows must list s = 0..{n} in order")
            p = np.asarray(r.get("p"), dtype=np.float64)
            if p.ndim != 1 or p.size == 0 or not np.all(np.isfinite(p)):
                raise ToolError(f"{where}.conditional[{s}].p must be a non-empty array of finite numbers")
            if (p < 0).any():
                raise ToolError(f"{where}.conditional[{s}].p[{int(np.flatnonzero(p < 0)[0])}] is negative")
            if abs(p.sum() - 1.0) > 1e-9:
                raise ToolError(f"{where}.conditional[{s}].p sums to {p.sum()}, not 1")
            if not isinstance(r.get("e_min"), int):
                raise ToolError(f"{where}.conditional[{s}].e_min must be a whole number")
            n_s = r.get("n", 0)   # statistic "data": samples the row was counted from
            if not isinstance(n_s, int) or isinstance(n_s, bool) or n_s < 0:
                raise ToolError(f"{where}.conditional[{s}].n must be a whole number from 0")
            e_min.append(r["e_min"])
            probs.append(p)
            samples.append(n_s)
        if not isinstance(l.get("layer", -1), int) or l.get("kind") not in ("conv", "dense", "scores", "unit"):
            raise ToolError(f"{where}: \"layer\" must be a whole number and \"kind\" conv, dense, scores or unit")
        out.append({"layer": l.get("layer", -1), "kind": l.get("kind"), "fan_in": n,
                    "e_min": e_min, "probs": probs, "mean_error": l.get("mean_error"),
                    "bit_flip_probability": l.get("bit_flip_probability"), "row_samples": samples,
                    "neuron_shift": neuron_shift(l.get("neuron_shift"), n, where + ".neuron_shift")})
    statistic = doc.get("statistic", "iid")
    if statistic not in ERROR_STATISTICS:
        raise ToolError(f"{path}: statistic must be one of {', '.join(ERROR_STATISTICS)}, not {json.dumps(statistic)}")
    return {"circuit": doc.get("circuit", {}), "layers": out, "path": path, "statistic": statistic}


class ErrorInjector:
    """Draws e ~ P(e | s) for a tensor of popcounts s with torch.searchsorted (float64 tables)."""

    def __init__(self, layer):
        import torch
        n = layer["fan_in"]
        width = max(len(p) for p in layer["probs"])
        cum = np.ones((n + 1, width), np.float64)
        for s, p in enumerate(layer["probs"]):
            c = np.cumsum(p) / p.sum()
            c[-1] = 1.0                       # exact 1: a uniform number in [0, 1) never passes the row
            cum[s, :len(c)] = c
        # Row s occupies [2 s, 2 s + 1]: one sorted vector for all rows.
        self.flat = torch.from_numpy((cum + 2.0 * np.arange(n + 1)[:, None]).reshape(-1))
        self.e_min = torch.tensor(layer["e_min"], dtype=torch.int64)
        self.width = width
        self.fan_in = n
        shifts = layer.get("neuron_shift")
        self.shift_bins = shifts[0] if shifts else 0
        self.shift = torch.from_numpy(shifts[1]) if shifts else None   # [neurons, bins]

    def sample(self, s, generator=None):
        """s: integer-valued tensor (any shape, values 0..fan_in; with per-neuron shifts
        [batch, neurons, ...]) -> int64 errors of the same shape."""
        import torch
        si = s.detach().round().to(torch.int64).clamp_(0, self.fan_in).contiguous()
        u = torch.rand(si.shape, dtype=torch.float64, generator=generator)
        idx = torch.searchsorted(self.flat, (2 * si).to(torch.float64) + u, right=True)
        e = self.e_min[si] + (idx - si * self.width)
        if self.shift is None:
            return e
        # The neuron's own shift in its s-bin, as the native injector adds it: its floor,
        # plus 1 with the probability of its fraction; a count never goes below 0.
        if si.dim() < 2 or si.shape[1] != self.shift.shape[0]:
            raise ToolError(f"per-neuron shifts for {self.shift.shape[0]} neurons but the layer's output "
                            f"has shape {tuple(si.shape)}")
        neuron = torch.arange(si.shape[1]).view([1, -1] + [1] * (si.dim() - 2)).expand_as(si)
        shift = self.shift[neuron, si * self.shift_bins // (self.fan_in + 1)]
        whole = torch.floor(shift)
        up = torch.rand(si.shape, dtype=torch.float64, generator=generator) < shift - whole
        return torch.maximum(e + whole.to(torch.int64) + up.to(torch.int64), -si)


def check_fits(errors, layers):
    """Refuses entries that are not binary layers of this network with the same kind and fan-in."""
    for k, e in enumerate(errors["layers"]):
        if e["layer"] < 0:
            raise ToolError(f"{errors['path']}: entry {k} describes a bare popcount unit of fan-in {e['fan_in']}, "
                            "not a model layer; make the error model for a model of this architecture "
                            "(axbnn error-model --model FILE)")
        where = f"error model layer {e['layer']}"
        if e["layer"] >= len(layers):
            raise ToolError(f"{where} does not exist: the model has {len(layers)} layers")
        l = layers[e["layer"]]
        if l.kind not in ("conv", "dense", "scores"):
            raise ToolError(f"{where} is a {e['kind']} layer but model layer {e['layer']} is a {l.kind} layer, "
                            "which has no popcount")
        if e["kind"] != l.kind:
            raise ToolError(f"{where} is a {e['kind']} layer but model layer {e['layer']} is a {l.kind} layer")
        if e["fan_in"] != l.fan_in():
            raise ToolError(f"{where} has fan-in {e['fan_in']} but model layer {e['layer']} has fan-in {l.fan_in()}")
        if e["neuron_shift"] is not None and e["neuron_shift"][1].shape[0] != l.out_shape[2]:
            raise ToolError(f"{where} has per-neuron shifts for {e['neuron_shift'][1].shape[0]} neurons but model "
                            f"layer {e['layer']} has {l.out_shape[2]}")
