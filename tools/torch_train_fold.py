"""Folding a network trained by tools/torch_train.py into an AxBNN model (binary
weights, integer thresholds with directions, batch-norm floats kept) and the
script's own bit-level forward pass of the trained network (docs/torch-train.md)."""
import os
import sys

sys.dont_write_bytecode = True  # no tools/__pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as ref  # noqa: E402  (exits with a clear message without numpy)

np = ref.np
BN_EPS = 1e-5


def bn_params(norm):
    g = norm.weight.detach().double().numpy()
    b = norm.bias.detach().double().numpy()
    m = norm.running_mean.detach().double().numpy()
    v = norm.running_var.detach().double().numpy()
    return g, b, m, v


def fold(net, layers, meta):
    """The trained network as an ref.Model: binary weights, integer thresholds with directions."""
    out = []
    for i, l in enumerate(layers):
        f = ref.Layer(l.kind, l.name, l.in_shape, l.out_shape, kernel=l.kernel, stride=l.stride,
                      padding=l.padding, pool=l.pool)
        if l.kind != "maxpool":
            w = net.weight(i).detach().numpy()
            f.weights = np.where(w >= 0, 1, -1).astype(np.int8).reshape(l.weight_shape())
            g, b, m, v = bn_params(net.norms[net.slot[i]])
            sd = np.sqrt(v + BN_EPS)
            if l.kind == "scores":
                scale = g / sd
                f.score_scale = scale.astype(np.float32)
                f.score_offset = (b - scale * m).astype(np.float32)
            else:
                unit = 255.0 if l.kind == "inputconv" else 1.0   # inputconv trains on pixels / 255
                lo, hi = f.threshold_range()
                with np.errstate(divide="ignore", invalid="ignore"):
                    t = unit * (m - b * sd / g)
                d = np.where(g >= 0, 1, -1).astype(np.int8)
                thr = np.where(g > 0, np.ceil(t), np.floor(t))
                # gamma = 0: the output is the constant sign of beta
                thr = np.where(g == 0, np.where(b >= 0, lo, hi), thr)
                f.threshold = np.clip(np.nan_to_num(thr, nan=0.0, posinf=hi, neginf=lo), lo, hi).astype(np.int64)
                f.direction = d
            for key, arr in zip(("bn_gamma", "bn_beta", "bn_mean", "bn_var"), (g, b, m, v)):
                f.floats[key] = arr.astype(np.float32)
        out.append(f)
    return ref.Model((28, 28, 1), out, meta)


def binarized_predict(net, layers, images, batch=500):
    """This script's own bit-level forward pass: integer values, batch-norm sign in float64."""
    import torch
    import torch.nn.functional as F
    preds = []
    with torch.inference_mode():
        for start in range(0, len(images), batch):
            x = torch.from_numpy(np.ascontiguousarray(images[start:start + batch])).permute(0, 3, 1, 2).float()
            n = x.shape[0]
            for i, l in enumerate(layers):
                if l.kind == "maxpool":
                    continue
                wb = torch.where(net.weight(i) >= 0, 1.0, -1.0)
                if l.kind == "inputconv":   # the integer dot product (exact in float32), / 255 as in training
                    if l.kernel == 28 and l.padding == 0 and l.out_shape[:2] == (1, 1):
                        d = F.linear(x.permute(0, 2, 3, 1).reshape(n, -1), wb.reshape(wb.shape[0], -1))
                        d = d.view(n, -1, 1, 1)
                    else:
                        d = F.conv2d(x, wb.permute(0, 3, 1, 2), padding=l.padding)
                    v = d.double() / 255.0
                elif l.kind == "conv":
                    xp = F.pad(x, (l.padding,) * 4, value=-1.0) if l.padding else x
                    v = ((F.conv2d(xp, wb.permute(0, 3, 1, 2)) + l.fan_in()) * 0.5).double()
                else:
                    flat = x.permute(0, 2, 3, 1).reshape(n, -1)
                    v = ((F.linear(flat, wb) + l.fan_in()) * 0.5).double()
                    if l.kind == "scores":
                        g, b, m, var = bn_params(net.norms[net.slot[i]])
                        scale = torch.from_numpy((g / np.sqrt(var + BN_EPS)).astype(np.float32))
                        offset = torch.from_numpy((b - (g / np.sqrt(var + BN_EPS)) * m).astype(np.float32))
                        scores = (2.0 * v - l.fan_in()).float() * scale + offset
                        best = scores.max(dim=1, keepdim=True).values
                        index = torch.arange(scores.shape[1]).view(1, -1).expand_as(scores)
                        preds.append(torch.where(scores == best, index, scores.shape[1]).min(dim=1).values.numpy())
                        break
                    v = v.view(n, -1, 1, 1)
                if i + 1 < len(layers) and layers[i + 1].kind == "maxpool":
                    v = F.max_pool2d(v, layers[i + 1].pool)
                g, b, m, var = (torch.from_numpy(a).view(1, -1, 1, 1) for a in bn_params(net.norms[net.slot[i]]))
                y = g * (v - m) / torch.sqrt(var + BN_EPS) + b
                x = torch.where(y >= 0, 1.0, -1.0).float()
    return np.concatenate(preds)
