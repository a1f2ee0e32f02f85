#!/usr/bin/python3
"""An independent numpy integer implementation of the AxBNN forward pass
(literal XNOR counting, OR/AND pooling, explicit loops) for torch_reference.py --self-check.
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


