"""Fine-tuning and multi-level training for tools/torch_train.py, with the semantics of the native
trainer (docs/training.md, "Fine-tuning" and "Multi-level training"):

* --init FILE: the architecture comes from the model file (options that disagree are refused);
  latent weights start at sign(w) * min(1, latent / sqrt(fan-in)); batch-norm comes from the file's
  bn_gamma, bn_beta, bn_mean, bn_var (converted from the native trainer's units: pixels instead of
  pixels / 255, 2 s - N instead of s) for every layer where they fold to exactly the file's
  thresholds (score scales and offsets), else it is rebuilt from the thresholds with the
  pre-activation statistics of the first 256 training images (gamma = d, beta = d (mu - t) / sigma,
  t half a step beyond the threshold).
* levels: one per batch, the same draw as the native trainer (levelOfStep: every cycle of n batches
  visits each level once, shuffled by splitmix64 of the seed and the cycle), or with --level-mix
  image one per image (levelsOfImages: perm[i] mod n for a permutation of the batch's positions).
"""
import math

import numpy as np

from axbnn_model import ToolError

NATIVE_TRAINER = "axbnn native trainer"
EXACT_LEVEL = "exact"
BN_KEYS = ("bn_gamma", "bn_beta", "bn_mean", "bn_var")
_M64 = (1 << 64) - 1


# ---- level per batch (engine/train/train_config.cpp, levelOfStep) ---------------------------

def mix64(x):
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def stream_key(a, b, c=0):
    return mix64(mix64(mix64(a & _M64) ^ b) ^ (c & _M64))


def level_of_step(seed, n, step):
    """The level (0..n-1) of training step `step` (1-based)."""
    if n <= 1:
        return 0
    cycle = (step - 1) // n
    order = list(range(n))
    key = stream_key(seed, 0x1E7E15, cycle)
    for i in range(n - 1, 0, -1):
        j = mix64((key + i) & _M64) % (i + 1)
        order[i], order[j] = order[j], order[i]
    return order[(step - 1) % n]


def levels_of_images(seed, n, step, count):
    """--level-mix image: the level of each image of step `step` (levelsOfImages)."""
    perm = list(range(count))
    key = stream_key(seed, 0x1E7E16, step)
    for i in range(count - 1, 0, -1):
        j = mix64((key + i) & _M64) % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return [p % max(1, n) for p in perm]


def split_levels(text):
    """--error-model's list: entries (file names or 'exact'), each at most once."""
    entries = [e for e in text.split(",")] if text else []
    for i, e in enumerate(entries):
        if not e:
            raise ToolError("--error-model has an empty entry in its list")
        if e in entries[:i]:
            raise ToolError(f"--error-model lists '{e}' twice")
    return entries


# ---- the architecture of an init model ------------------------------------------------------

def spec_of_model(model, architecture):
    """(arch, kernel, channels, hidden) of a model file; `architecture` builds the layer list."""
    prefix = "the init model is not an fc or vgg3 network of this trainer: "
    layers = model.layers
    if len(layers) == 3:
        spec = ("fc", 3, 64, layers[0].out_shape[2])
    elif len(layers) == 6:
        spec = ("vgg3", layers[0].kernel, layers[0].out_shape[2], layers[4].out_shape[2])
    else:
        raise ToolError(f"{prefix}it has {len(layers)} layers (fc has 3, vgg3 6)")
    try:
        expected = architecture(*spec)
    except ToolError as e:
        raise ToolError(prefix + str(e)) from None
    for i, (a, b) in enumerate(zip(layers, expected)):
        same = (a.kind == b.kind and tuple(a.in_shape) == tuple(b.in_shape)
                and tuple(a.out_shape) == tuple(b.out_shape)
                and (a.kind not in ("inputconv", "conv") or (a.kernel, a.padding, a.stride) == (b.kernel, b.padding, 1))
                and (a.kind != "maxpool" or a.pool == b.pool))
        if not same:
            raise ToolError(f"{prefix}layer {i} '{a.name}' is not the {b.kind} layer {b.in_shape} -> "
                            f"{b.out_shape} of {spec[0]}")
    return spec


def architecture_mismatch(args, spec, given):
    """The first option in `given` that disagrees with the init model's spec, as a message, or ''."""
    arch, kernel, channels, hidden = spec
    if "arch" in given and args.arch != arch:
        return f"--arch {args.arch} but the init model is {arch}"
    if arch == "vgg3" and "kernel" in given and args.kernel != kernel:
        return f"--kernel {args.kernel} but the init model has kernel {kernel}"
    if arch == "vgg3" and "channels" in given and args.channels != channels:
        return f"--channels {args.channels} but the init model has {channels} channels"
    if "hidden" in given and args.hidden != hidden:
        return f"--hidden {args.hidden} but the init model has hidden width {hidden}"
    return ""


# ---- weights and batch-norm from the file ---------------------------------------------------

def _converted_bn(ml, l, trainer):
    """The file's batch-norm in this trainer's units, or None."""
    if not all(k in ml.floats for k in BN_KEYS):
        return None
    g, b, m, v = (np.asarray(ml.floats[k], dtype=np.float64) for k in BN_KEYS)
    if trainer == NATIVE_TRAINER and l.kind != "scores":   # native: pixels and 2 s - N
        if l.kind == "inputconv":
            m, v = m / 255.0, v / 255.0 ** 2
        else:
            n = l.fan_in()
            m, v = (m + n) / 2.0, v / 4.0
    return g, b, m, v


def _set_bn(norm, g, b, m, v):
    import torch
    with torch.no_grad():
        for t, a in ((norm.weight, g), (norm.bias, b), (norm.running_mean, m), (norm.running_var, v)):
            t.copy_(torch.from_numpy(np.asarray(a, dtype=np.float32)))


def _same_layer(a, b):
    if a.kind == "maxpool":
        return True
    if a.kind == "scores":
        one = np.ones(b.out_shape[2], np.float32)
        sa = a.score_scale if a.score_scale is not None else one
        sb = b.score_scale if b.score_scale is not None else one
        oa = a.score_offset if a.score_offset is not None else 0 * one
        ob = b.score_offset if b.score_offset is not None else 0 * one
        return np.array_equal(sa, sb) and np.array_equal(oa, ob)
    return np.array_equal(a.threshold, b.threshold) and np.array_equal(a.direction, b.direction)


def init_from_model(net, layers, model, latent, images, fold, bn_eps, count=256):
    """Sets `net` from `model`; returns (layers with batch-norm from the file, layers rebuilt)."""
    import torch
    trainer = str(model.meta.get("trainer", ""))
    with torch.no_grad():
        for i, l in enumerate(layers):
            if l.kind == "maxpool":
                continue
            mag = min(1.0, latent / math.sqrt(l.fan_in()))
            w = np.where(np.asarray(model.layers[i].weights).reshape(l.weight_shape()) > 0, mag, -mag)
            net.weight(i).copy_(torch.from_numpy(w.astype(np.float32)))
            bn = _converted_bn(model.layers[i], l, trainer)
            if bn is not None:
                _set_bn(net.norms[net.slot[i]], *bn)
    folded = fold(net, layers, {})
    rebuild = [i for i, l in enumerate(layers) if l.kind != "maxpool"
               and (_converted_bn(model.layers[i], l, trainer) is None or not _same_layer(folded.layers[i], model.layers[i]))]
    kept = sum(1 for l in layers if l.kind != "maxpool") - len(rebuild)
    if rebuild:
        x = images[:count]
        net.eval()
        for i in rebuild:   # in layer order: each sees the layers below as already rebuilt
            norm = net.norms[net.slot[i]]
            seen = []
            hook = norm.register_forward_hook(lambda mod, inp, out: seen.append(inp[0].detach().double()))
            with torch.no_grad():
                net(x, inject=False)
            hook.remove()
            v = seen[0]
            dims = [0] + list(range(2, v.dim()))
            mu = v.mean(dim=dims).numpy()
            var = v.var(dim=dims, unbiased=False).numpy()
            sigma = np.sqrt(var.astype(np.float32).astype(np.float64) + bn_eps)
            ml = model.layers[i]
            if layers[i].kind == "scores":
                n = layers[i].out_shape[2]
                scale = ml.score_scale.astype(np.float64) if ml.score_scale is not None else np.ones(n)
                offset = ml.score_offset.astype(np.float64) if ml.score_offset is not None else np.zeros(n)
                _set_bn(norm, scale * sigma, offset + mu * scale, mu, var)
                continue
            d = np.where(np.asarray(ml.direction) < 0, -1.0, 1.0)
            cut = np.asarray(ml.threshold, dtype=np.float64) - 0.5 * d   # in values (pixels or popcounts)
            if layers[i].kind == "inputconv":
                cut = cut / 255.0
            _set_bn(norm, d, d * (mu - cut) / sigma, mu, var)
    return kept, len(rebuild)


def training_record(mode, init_name, levels, level_mix="image"):
    """The "training" metadata record (engine/bnn/training_record.h)."""
    import json
    record = {"mode": mode}
    if init_name:
        record["init"] = init_name
    if levels:
        record["levels"] = [{"label": label, "circuit": (errors or {}).get("circuit")} for label, errors in levels]
        record["level_mix"] = level_mix
    return json.dumps(record)
