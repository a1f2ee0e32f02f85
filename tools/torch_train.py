#!/usr/bin/python3
"""Approximation-aware training of AxBNN models in PyTorch (docs/domain.md sections 7 and 8).

Trains the binarized networks of the workbench with ordinary tensor operations and writes the
model file of docs/model-format.md, which `axbnn eval` runs bit-exactly:

  fc:    inputconv 28 x 28 (a dense layer on the pixels) 784 -> H, dense H -> H, scores H -> 10
  vgg3:  inputconv K x K 1 -> C pad K//2, max-pool 2, conv K x K C -> C pad K//2, max-pool 2,
         dense 7*7*C -> H, scores H -> 10

Every hidden layer is conv/dense -> (max-pool) -> batch-norm -> sign, without biases. The first
layer multiplies the 8-bit pixels by binary weights; the others count XNORs (popcount s = (dot + N)/2).
Weights and activations are binarized with the straight-through estimator (gradient passed where
|x| <= 1, latent weights clipped to [-1, 1]); Adam with a cosine learning-rate decay; the last
layer's batch-norm becomes the per-class score scale and offset.

Error injection (--error-model FILE.json, docs/error-model.md): in every training forward pass
each popcount s of a layer listed in the file gets an error e drawn from P(e | s) before the
max-pool and batch-norm; the gradient passes straight through (s + e with e a constant). The draw
is one torch.searchsorted of uniform numbers on the layer's cumulative table, flattened so that
row s occupies [2 s, 2 s + 1] of one sorted vector.

Folding (docs/model-format.md): sign(BN(v)) = +1 iff gamma (v - mean) / sqrt(var + eps) + beta >= 0,
i.e. v >= t (gamma > 0: direction +1, T = ceil(t)) or v <= t (gamma < 0: direction -1,
T = floor(t)) with t = mean - beta sqrt(var + eps) / gamma; the inputconv trains on pixels / 255, so
its integer threshold is taken at 255 t. The reported accuracy comes from this script's own
binarized forward pass (integer counts, batch-norm in float64, no injection); the written file is
read back and evaluated with tools/torch_reference.py, which must predict the same classes.

  /usr/bin/python3 tools/torch_train.py --arch fc|vgg3 [--kernel 3|5|7] [--channels 64]
      [--hidden 2048] [--epochs E] [--error-model FILE.json] --out FILE.h5 [--seed S] [--batch B]
      [--lr LR] [--warmup F] [--threads T] [--limit N] [--test-limit N] [--json]
      [--init MODEL.h5 [--init-latent S]] [--error-model A.json,exact,B.json]
  /usr/bin/python3 tools/torch_train.py --self-check --error-model FILE.json [--samples N]

--init fine-tunes a model file (the architecture comes from it; --lr defaults to 0.0005) and a
comma-separated --error-model list trains at one level per batch ('exact' for the exact level), as
the native trainer does (tools/torch_train_init.py, docs/torch-train.md).

--self-check draws errors with the training injection for several s of every layer of the file
and compares their frequencies with the table (5 standard errors); exit 1 on a mismatch.
"""
import argparse
import json
import math
import os
import sys
import time

sys.dont_write_bytecode = True  # no tools/__pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as ref  # noqa: E402  (exits with a clear message without numpy)
from axbnn_error_model import ErrorInjector, check_fits, load_error_model  # noqa: E402
import torch_train_init as ft  # noqa: E402
from torch_train_fold import BN_EPS, binarized_predict, fold  # noqa: E402

np = ref.np
ToolError = ref.ToolError
PROG = "torch_train.py"
FINE_TUNE_LR = 0.0005   # --lr's default with --init (a tenth of the default, as in the native trainer)


# ---- the network --------------------------------------------------------------------------

def architecture(arch, kernel, channels, hidden):
    """The layer list of the file (weights unset)."""
    L = ref.Layer
    if arch == "vgg3":
        if kernel < 1 or kernel % 2 == 0 or kernel > 27:
            raise ToolError(f"--kernel {kernel} does not fit a 28 x 28 image with 'same' padding (use 3, 5 or 7)")
        c, k, p = channels, kernel, kernel // 2
        return [L("inputconv", "conv1", (28, 28, 1), (28, 28, c), kernel=k, padding=p),
                L("maxpool", "pool1", (28, 28, c), (14, 14, c), pool=2),
                L("conv", "conv2", (14, 14, c), (14, 14, c), kernel=k, padding=p),
                L("maxpool", "pool2", (14, 14, c), (7, 7, c), pool=2),
                L("dense", "fc1", (7, 7, c), (1, 1, hidden)),
                L("scores", "scores", (1, 1, hidden), (1, 1, 10))]
    if arch == "fc":
        return [L("inputconv", "fc1", (28, 28, 1), (1, 1, hidden), kernel=28, padding=0),
                L("dense", "fc2", (1, 1, hidden), (1, 1, hidden)),
                L("scores", "scores", (1, 1, hidden), (1, 1, 10))]
    raise ToolError(f"unknown architecture '{arch}' (expected fc or vgg3)")


def build_net(layers, errors):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class SignSTE(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return torch.where(x >= 0, 1.0, -1.0).to(x.dtype)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * (x.abs() <= 1).to(g.dtype)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = layers
            self.weights = nn.ParameterList()
            self.norms = nn.ModuleList()
            self.slot = {}
            self.injectors = {}
            self.image_levels = None   # (injector dicts per level, level per image) for --level-mix image
            for i, l in enumerate(layers):
                if l.kind == "maxpool":
                    continue
                shape = l.weight_shape()
                fan = l.fan_in()
                w = torch.empty(shape).uniform_(-1.0, 1.0) * min(1.0, 3.0 / math.sqrt(fan))
                self.slot[i] = len(self.weights)
                self.weights.append(nn.Parameter(w))
                n = l.out_shape[2]
                self.norms.append(nn.BatchNorm2d(n, eps=BN_EPS) if l.kind in ref.CONVS else
                                  nn.BatchNorm1d(n, eps=BN_EPS))
            for e in (errors["layers"] if errors else []):
                self.injectors[e["layer"]] = ErrorInjector(e)

        def weight(self, i):
            return self.weights[self.slot[i]]

        def forward(self, images, inject=True, generator=None):
            """images: float32 [n, 1, 28, 28] pixels 0..255. Returns class scores [n, 10] (training form)."""
            x = images / 255.0
            n = x.shape[0]
            for i, l in enumerate(self.layers):
                if l.kind == "maxpool":
                    continue
                wb = SignSTE.apply(self.weight(i))
                norm = self.norms[self.slot[i]]
                fan = l.fan_in()
                if l.kind == "inputconv":
                    if l.kernel == 28 and l.padding == 0 and l.out_shape[:2] == (1, 1):   # the fc net
                        v = F.linear(x.permute(0, 2, 3, 1).reshape(n, -1), wb.reshape(wb.shape[0], -1))
                        v = v.view(n, -1, 1, 1)
                    else:
                        v = F.conv2d(x, wb.permute(0, 3, 1, 2), padding=l.padding)
                elif l.kind == "conv":
                    xp = F.pad(x, (l.padding,) * 4, value=-1.0) if l.padding else x
                    v = (F.conv2d(xp, wb.permute(0, 3, 1, 2)) + fan) * 0.5          # popcount s
                else:   # dense, scores: inputs in H, W, C order
                    flat = x.permute(0, 2, 3, 1).reshape(n, -1)
                    v = (F.linear(flat, wb) + fan) * 0.5
                if inject and self.image_levels is not None:
                    dicts, per_image = self.image_levels
                    e = torch.zeros_like(v)
                    for k, d in enumerate(dicts):
                        mask = per_image == k
                        if i in d and bool(mask.any()):
                            e[mask] = d[i].sample(v[mask], generator).to(v.dtype)
                    v = v + e                                                       # straight through
                elif inject and i in self.injectors:
                    e = self.injectors[i].sample(v, generator).to(v.dtype)
                    v = v + e                                                       # straight through
                if l.kind == "scores":
                    return norm(2.0 * v - fan)                                      # scale/offset per class
                if l.kind == "dense":
                    y = norm(v).view(n, -1, 1, 1)
                else:
                    if i + 1 < len(self.layers) and self.layers[i + 1].kind == "maxpool":
                        v = F.max_pool2d(v, self.layers[i + 1].pool)
                    y = norm(v)
                x = SignSTE.apply(y)
            raise AssertionError("no scores layer")

    return Net()


# ---- training -----------------------------------------------------------------------------

def set_level(net, levels, mix, seed, step, count):
    """Points the injection at step `step`'s level (mix batch) or levels per image (mix image);
    returns the level of each image."""
    import torch
    if mix == "image":
        per_image = ft.levels_of_images(seed, len(levels), step, count)
        net.image_levels = (levels, torch.tensor(per_image))
        return per_image
    k = ft.level_of_step(seed, len(levels), step)
    net.injectors = levels[k]
    return [k] * count


def recalibrate(net, images, batch, inject, generator, count=10000, levels=None, seed=1, mix="image"):
    """Batch-norm statistics as plain averages over up to `count` training images (the running
    averages of a short run still remember their initial values, which would misplace thresholds).
    With levels, batch k runs at level_of_step(seed, len(levels), k)."""
    import torch
    for norm in net.norms:
        norm.reset_running_stats()
        norm.momentum = None
    net.train()
    with torch.no_grad():
        for k, b in enumerate(range(0, min(count, len(images)), batch)):
            if levels:
                set_level(net, levels, mix, seed, k + 1, min(b + batch, len(images)) - b)
            if min(b + batch, len(images)) - b >= 2:
                net(images[b:b + batch], inject=inject, generator=generator)

def train(args, given):
    init_model = None
    if args.init:
        init_model = ref.read_model(args.init)
        spec = ft.spec_of_model(init_model, architecture)
        mismatch = ft.architecture_mismatch(args, spec, given)
        if mismatch:
            raise ToolError(f"{mismatch} (--init {args.init}); the architecture comes from the init model: "
                            "leave the option out")
        args.arch, args.kernel, args.channels, args.hidden = spec
    layers = architecture(args.arch, args.kernel, args.channels, args.hidden)
    entries = ft.split_levels(args.error_model)
    levels = []   # (label, error model or None) per level
    for e in entries:
        em = None if e == ft.EXACT_LEVEL else load_error_model(e)
        if em:
            check_fits(em, layers)
        levels.append((ft.EXACT_LEVEL if em is None else os.path.basename(e), em))
    errors = levels[0][1] if len(levels) == 1 else None
    if len(levels) <= 1:
        levels = []
    import torch
    import torch.nn.functional as F
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    train_data = ref.load_dataset("fashion-mnist:train")
    test_data = ref.load_dataset("fashion-mnist:test")
    n_train = min(args.limit, len(train_data.labels)) if args.limit else len(train_data.labels)
    n_test = min(args.test_limit, len(test_data.labels)) if args.test_limit else len(test_data.labels)
    images = torch.from_numpy(np.ascontiguousarray(train_data.images[:n_train])).permute(0, 3, 1, 2).float()
    labels = torch.from_numpy(train_data.labels[:n_train].astype(np.int64))
    net = build_net(layers, errors)
    level_injectors = [{e["layer"]: ErrorInjector(e) for e in em["layers"]} if em else {} for _, em in levels]
    kept = rebuilt = 0
    if init_model is not None:
        kept, rebuilt = ft.init_from_model(net, layers, init_model, args.init_latent, images, fold, BN_EPS)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    steps = args.epochs * math.ceil(n_train / args.batch)
    warm = round(args.warmup * steps)

    def schedule(k):   # linear warm-up over `warm` steps, then the cosine to 0
        if k < warm:
            return (k + 1) / warm
        return 0.5 * (1 + math.cos(math.pi * min(k - warm, steps - warm) / max(1, steps - warm)))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    level_batches = [0] * len(levels)
    level_images = [0] * len(levels)
    step = 0
    gen = torch.Generator().manual_seed(args.seed)
    noise = torch.Generator().manual_seed(args.seed + 1)
    start = time.time()
    log = []
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(n_train, generator=gen)
        total, correct, loss_sum = 0, 0, 0.0
        t0 = time.time()
        for b in range(0, n_train, args.batch):
            idx = order[b:b + args.batch]
            if len(idx) < 2:
                continue   # batch-norm needs two samples
            step += 1
            if levels:
                for k in set_level(net, level_injectors, args.level_mix, args.seed, step, len(idx)):
                    level_images[k] += 1
                if args.level_mix == "batch":
                    level_batches[k] += 1
            out = net(images[idx], inject=True, generator=noise)
            loss = F.cross_entropy(out, labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            with torch.no_grad():
                for w in net.weights:
                    w.clamp_(-1.0, 1.0)
            total += len(idx)
            correct += int((out.argmax(1) == labels[idx]).sum())
            loss_sum += float(loss) * len(idx)
        seconds = time.time() - t0
        line = {"epoch": epoch + 1, "loss": loss_sum / max(1, total), "train_accuracy": correct / max(1, total),
                "seconds": seconds}
        log.append(line)
        if not args.json:
            print(f"epoch {epoch + 1}/{args.epochs}: loss {line['loss']:.4f}, train accuracy "
                  f"{line['train_accuracy']:.4f}{' (errors injected)' if errors else ''}, {seconds:.1f} s", flush=True)
    if args.epochs > 0 or init_model is None:   # --epochs 0 --init: the init model as it is
        recalibrate(net, images, args.batch, errors is not None or bool(levels), noise,
                    levels=level_injectors, seed=args.seed, mix=args.level_mix)
    net.eval()
    test_images = test_data.images[:n_test]
    pred = binarized_predict(net, layers, test_images)
    correct = int((pred == test_data.labels[:n_test]).sum())
    accuracy = correct / n_test
    injected = None
    if errors:   # the accuracy with injected errors, one draw per neuron (an estimate of the approximate one)
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(test_images)).permute(0, 3, 1, 2).float()
            hits = 0
            for b in range(0, n_test, 500):
                hits += int((net(x[b:b + 500], inject=True, generator=noise).argmax(1) ==
                             torch.from_numpy(test_data.labels[b:min(b + 500, n_test)].astype(np.int64))).sum())
            injected = hits / n_test
    shape = f" --kernel {args.kernel} --channels {args.channels}" if args.arch == "vgg3" else ""
    recipe = (f"tools/torch_train.py --arch {args.arch}{shape} --hidden {args.hidden} --epochs {args.epochs} "
              f"--batch {args.batch} --lr {args.lr} --seed {args.seed}"
              + (f" --limit {args.limit}" if args.limit else "")
              + (f" --warmup {args.warmup}" if args.warmup else "")
              + (f" --init {os.path.basename(args.init)} --init-latent {args.init_latent}" if args.init else "")
              + (f" --error-model {os.path.basename(args.error_model)}" if errors else "")
              + (" --error-model " + ",".join(label for label, _ in levels) + f" --level-mix {args.level_mix}"
                 if levels else "")
              + f"; {n_train} Fashion-MNIST training images; binary weights and activations with the "
                "straight-through estimator, Adam with cosine decay, batch-norm folded into thresholds"
              + ("; popcount errors injected from P(e | s)" if errors else ""))
    circuit = errors
    for _, em in levels:   # several levels: the last approximate one (the record lists them all)
        circuit = em or circuit
    mode = "multi-level" if levels else "aware" if errors else "exact"
    meta = {"dataset": "fashion-mnist", "class_names": list(ref.FASHION_CLASSES), "training_recipe": recipe,
            "accuracy_at_save": float(accuracy),
            "approximation_config": json.dumps(circuit["circuit"], sort_keys=True) if circuit else "",
            "trainer": "tools/torch_train.py", "accuracy_test_images": str(n_test),
            "training": ft.training_record(mode, os.path.basename(args.init) if args.init else "", levels,
                                           args.level_mix)}
    if errors:
        meta["error_model"] = os.path.basename(args.error_model)
    model = fold(net, layers, meta)
    ref.write_model(model, args.out)
    back = ref.read_model(args.out)
    with torch.inference_mode():
        ref_pred, _, _ = ref.TorchNet(back).forward(test_images)
    if not np.array_equal(ref_pred, pred):
        raise ToolError(f"{args.out}: the folded model predicts differently from the trained network on "
                        f"{int((ref_pred != pred).sum())} of {n_test} images (internal error)")
    result = {"out": args.out, "arch": args.arch, "accuracy": accuracy, "correct": correct, "test_images": n_test,
              "accuracy_injected": injected, "train_images": n_train, "epochs": log,
              "seconds": time.time() - start, "learning_rate": args.lr}
    if levels:
        result["levels"] = [{"label": label, "batches": n, "images": m}
                            for (label, _), n, m in zip(levels, level_batches, level_images)]
    if init_model is not None:
        result["init"] = {"model": args.init, "layers_from_batch_norm": kept, "layers_from_thresholds": rebuilt}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"test accuracy {accuracy:.4f} ({correct} of {n_test}), binarized forward pass"
              + (f"; with injected errors {injected:.4f}" if injected is not None else ""))
        print(f"wrote {args.out} (read back: the reference forward pass predicts the same classes)")
    return 0


def check_shifts(e, inj, samples, gen):
    """Per-neuron mean draws against the exact mean of max(row + shift, -s), the shift rounded at
    random: the neurons' squared z-scores pooled (chi-square with one degree per neuron)."""
    import torch
    bins, shift = e["neuron_shift"]
    n, neurons, failures = e["fan_in"], shift.shape[0], []
    count = max(200, samples // neurons)
    for s in sorted({n // 4, n // 2, (3 * n) // 4}):
        draws = inj.sample(torch.full((count, neurons), float(s)), gen).numpy().astype(np.float64)
        row, lo = e["probs"][s], e["e_min"][s]
        errors = lo + np.arange(len(row))
        sh = shift[:, s * bins // (n + 1)]
        whole, frac = np.floor(sh), sh - np.floor(sh)
        values = np.concatenate([np.maximum(errors[None, :] + whole[:, None], -s),
                                 np.maximum(errors[None, :] + whole[:, None] + 1, -s)], axis=1)
        probs = np.concatenate([row[None, :] * (1 - frac[:, None]), row[None, :] * frac[:, None]], axis=1)
        mean = (probs * values).sum(axis=1)
        var = np.maximum((probs * (values - mean[:, None]) ** 2).sum(axis=1), 1e-12)
        z2 = (draws.mean(axis=0) - mean) ** 2 / (var / count)
        pooled = (z2.sum() - neurons) / np.sqrt(2 * neurons)   # about N(0, 1) when the draws are right
        print(f"  layer {e['layer']} s {s}: {count} draws for each of {neurons} neurons with their shifts, "
              f"pooled deviation {pooled:.2f} standard errors")
        if pooled > 6:
            o = int(np.argmax(z2))
            failures.append(f"layer {e['layer']} s {s}: neuron means off by {pooled:.1f} pooled standard errors "
                            f"(neuron {o}: mean draw {draws[:, o].mean():.4f}, expected {mean[o]:.4f} with "
                            f"its shift {sh[o]:.4f})")
    return failures


def self_check(args):
    """Injected errors against the table for several s of every layer."""
    import torch
    torch.set_num_threads(args.threads)
    errors = load_error_model(args.error_model)
    gen = torch.Generator().manual_seed(args.seed)
    failures = []
    for e in errors["layers"]:
        inj = ErrorInjector({**e, "neuron_shift": None})   # the rows alone (shifts need a neuron axis)
        n = e["fan_in"]
        for s in sorted({0, n // 4, n // 2, (3 * n) // 4, n}):
            draws = inj.sample(torch.full((args.samples,), float(s)), gen).numpy()
            row, lo = e["probs"][s], e["e_min"][s]
            freq = np.bincount(draws - lo, minlength=len(row)) / args.samples if (draws >= lo).all() else None
            if freq is None or len(freq) > len(row):
                failures.append(f"layer {e['layer']} s {s}: drew an error outside the table")
                continue
            tol = 5 * np.sqrt(row * (1 - row) / args.samples) + 1e-12
            bad = np.flatnonzero(np.abs(freq - row) > tol)
            if bad.size:
                j = int(bad[0])
                failures.append(f"layer {e['layer']} s {s}: P(e = {lo + j}) drawn {freq[j]:.5f}, table {row[j]:.5f}")
            print(f"  layer {e['layer']} s {s}: {args.samples} draws, {len(row)} errors, max deviation "
                  f"{np.max(np.abs(freq - row)):.2e}")
        if e["neuron_shift"] is not None:
            failures += check_shifts(e, ErrorInjector(e), args.samples, gen)
    if failures:
        for f in failures:
            print(f"{PROG}: self-check FAILED: {f}", file=sys.stderr)
        return 1
    print("self-check passed: injected errors follow the tables")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--arch", help="fc or vgg3 (default vgg3; with --init: the init model's)")
    parser.add_argument("--kernel", type=int, help="vgg3 kernel size (3, 5 or 7; default 3)")
    parser.add_argument("--channels", type=int, help="vgg3 conv channels (default 64)")
    parser.add_argument("--hidden", type=int, help="hidden dense width (default 2048)")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--error-model", help="inject errors from this error-model JSON (docs/error-model.md); a "
                        "comma-separated list (with 'exact') trains at one level per batch")
    parser.add_argument("--init", help="fine-tune this model file (the architecture comes from it)")
    parser.add_argument("--init-latent", type=float, default=1.0,
                        help="fine-tuning: latent weights start at sign(w) * this / sqrt(fan-in) (default 1)")
    parser.add_argument("--level-mix", choices=("batch", "image"), default="image",
                        help="multi-level training: one level per batch or per image (default image)")
    parser.add_argument("--warmup", type=float, default=0.0,
                        help="linear learning-rate warm-up over this fraction of the steps (default 0)")
    parser.add_argument("--out", help="model file to write (HDF5, docs/model-format.md)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, help="Adam learning rate (default 0.005; 0.0005 with --init)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="train on the first N training images (0: all)")
    parser.add_argument("--test-limit", type=int, default=0, help="evaluate on the first N test images (0: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    parser.add_argument("--self-check", action="store_true", help="check the injection against --error-model")
    parser.add_argument("--samples", type=int, default=200000, help="draws per s for --self-check")
    args = parser.parse_args(argv)
    given = {k for k in ("arch", "kernel", "channels", "hidden", "lr") if getattr(args, k) is not None}
    for k, default in (("arch", "vgg3"), ("kernel", 3), ("channels", 64), ("hidden", 2048)):
        if getattr(args, k) is None:
            setattr(args, k, default)
    if args.lr is None:
        args.lr = FINE_TUNE_LR if args.init else 0.005
    try:
        if args.threads < 1 or args.batch < 2 or args.epochs < 0 or args.limit < 0 or args.test_limit < 0 \
                or args.channels < 1 or args.hidden < 1 or args.samples < 1 or not args.lr > 0:
            raise ToolError("--threads and --channels/--hidden must be at least 1, --batch at least 2, --lr "
                            "positive, --epochs/--limit/--test-limit not negative")
        if not 0 <= args.warmup < 1 or not 1e-3 <= args.init_latent <= 64:
            raise ToolError("--warmup must be in [0, 1) and --init-latent in [0.001, 64]")
        if args.init and not os.path.isfile(args.init):
            raise ToolError(f"--init {args.init}: no such file")
        if args.self_check:
            if not args.error_model:
                raise ToolError("--self-check needs --error-model FILE.json")
            return self_check(args)
        if not args.out:
            raise ToolError("--out FILE.h5 is required")
        return train(args, given)
    except ToolError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
