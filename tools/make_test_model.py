#!/usr/bin/python3
"""Write a small random but well-formed AxBNN model (docs/model-format.md).

For tests and benchmarks before trained models exist. The weights are random
+1/-1; the thresholds are calibrated so that activations are not constant:
directions are random, and each neuron's threshold is set where 30..70 %
(random per neuron) of its values fire on calibration images, layer by layer
(the values a threshold sees: popcounts, inputconv dot products, or their
max-pooled values when a maxpool follows). Accuracy is chance level (~10 %).

  vgg3: inputconv k x k 1->C pad k//2, maxpool 2, conv k x k C->C pad k//2,
        maxpool 2, dense 7*7*C -> H, scores H -> 10    (input 28x28x1)
  mlp:  inputconv 28 x 28 (a dense layer on the pixels, padding 0) 784 -> H,
        dense H -> H, scores H -> 10                   (--kernel is ignored)

The scores layer gets random score_scale / score_offset unless --plain-scores
(then ties between class scores are common: the first index wins).

  /usr/bin/python3 tools/make_test_model.py --out vgg3.h5 [--arch vgg3|mlp]
      [--kernel 3|5|7] [--channels 64] [--hidden 2048] [--seed 1] [--packed]
      [--plain-scores] [--calibration fashion-mnist|random] [--calibration-images 512]

The file is written with tools/torch_reference.py's writer (h5py), read back
with its reader and compared value by value; the same seed and options give
the same model.
"""
import argparse
import os
import sys

sys.dont_write_bytecode = True  # no tools/__pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as ref  # noqa: E402  (exits with a clear message without numpy)

np = ref.np

PROG = "make_test_model.py"


def _layer(kind, name, in_shape, out_shape, rng, kernel=0, stride=1, padding=0, pool=2):
    l = ref.Layer(kind, name, tuple(in_shape), tuple(out_shape), kernel=kernel, stride=stride,
                  padding=padding, pool=pool)
    if kind != "maxpool":
        l.weights = rng.choice(np.array([1, -1], np.int8), size=l.weight_shape())
    return l


def build_model(arch, kernel, channels, hidden, seed, calibration, plain_scores=False, recipe=""):
    """The model in memory. `calibration`: uint8 images [n, 28, 28, 1] the thresholds are fitted to."""
    rng = np.random.default_rng([seed, 0])        # weights and scores
    cal_rng = np.random.default_rng([seed, 1])    # directions and threshold targets
    if arch == "vgg3":
        c, k, p = channels, kernel, kernel // 2
        layers = [
            _layer("inputconv", "conv1", (28, 28, 1), (28, 28, c), rng, kernel=k, padding=p),
            _layer("maxpool", "pool1", (28, 28, c), (14, 14, c), rng, pool=2),
            _layer("conv", "conv2", (14, 14, c), (14, 14, c), rng, kernel=k, padding=p),
            _layer("maxpool", "pool2", (14, 14, c), (7, 7, c), rng, pool=2),
            _layer("dense", "fc1", (7, 7, c), (1, 1, hidden), rng),
            _layer("scores", "scores", (1, 1, hidden), (1, 1, 10), rng),
        ]
    elif arch == "mlp":
        layers = [
            _layer("inputconv", "fc1", (28, 28, 1), (1, 1, hidden), rng, kernel=28, padding=0),
            _layer("dense", "fc2", (1, 1, hidden), (1, 1, hidden), rng),
            _layer("scores", "scores", (1, 1, hidden), (1, 1, 10), rng),
        ]
    else:
        raise ref.ToolError(f"unknown architecture '{arch}' (expected vgg3 or mlp)")
    if not plain_scores:
        layers[-1].score_scale = rng.uniform(0.5, 1.5, size=10).astype(np.float32)
        layers[-1].score_offset = rng.normal(0.0, 2.0, size=10).astype(np.float32)
    model = ref.Model((28, 28, 1), layers, {
        "dataset": "fashion-mnist",
        "class_names": list(ref.FASHION_CLASSES),
        "training_recipe": recipe or f"untrained random test model (make_test_model.py, seed {seed})",
        "accuracy_at_save": -1.0,
        "approximation_config": "",
        "generator": "tools/make_test_model.py",
    })
    import torch
    with torch.inference_mode():
        ref.calibrate_thresholds(model, cal_rng, calibration)
    problem = ref.model_problem(model)
    if problem:
        raise ref.ToolError(f"internal error: generated model is invalid: layer {problem[0]}: {problem[1]}")
    return model


def calibration_images(source, count, seed):
    if source == "random":
        rng = np.random.default_rng([seed, 2])
        images = rng.integers(0, 256, size=(count, 28, 28, 1), dtype=np.uint8)
        images[images < 110] = 0          # about 40 % zero background, as in real images
        return images
    if source != "fashion-mnist":
        raise ref.ToolError(f"--calibration must be fashion-mnist or random, not '{source}'")
    try:
        data = ref.load_dataset("fashion-mnist:train")
    except ref.ToolError as e:
        raise ref.ToolError(f"{e}; or use --calibration random") from None
    return data.images[:count]


def main(argv=None):
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=("vgg3", "mlp"), default="vgg3")
    parser.add_argument("--kernel", type=int, choices=(3, 5, 7), default=3, help="vgg3 kernel size")
    parser.add_argument("--channels", type=int, default=64, help="vgg3 conv channels C (default 64)")
    parser.add_argument("--hidden", type=int, default=2048, help="hidden dense width H (default 2048)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="model file to write")
    parser.add_argument("--packed", action="store_true", help="store weights as weights_packed bits")
    parser.add_argument("--plain-scores", action="store_true", help="no score_scale / score_offset")
    parser.add_argument("--calibration", default="fashion-mnist",
                        help="fashion-mnist (first images of the training split, default) or random")
    parser.add_argument("--calibration-images", type=int, default=512)
    args = parser.parse_args(argv)
    try:
        if args.channels < 1 or args.hidden < 1 or args.calibration_images < 1:
            raise ref.ToolError("--channels, --hidden and --calibration-images must be at least 1")
        if args.seed < 0:
            raise ref.ToolError("--seed must not be negative")
        images = calibration_images(args.calibration, args.calibration_images, args.seed)
        shape = f"--kernel {args.kernel} --channels {args.channels} " if args.arch == "vgg3" else ""
        recipe = (f"untrained random test model: tools/make_test_model.py --arch {args.arch} {shape}"
                  f"--hidden {args.hidden} --seed {args.seed}{' --plain-scores' if args.plain_scores else ''}; "
                  f"thresholds calibrated on {len(images)} {args.calibration} images")
        model = build_model(args.arch, args.kernel, args.channels, args.hidden, args.seed, images,
                            args.plain_scores, recipe)
        ref.write_model(model, args.out, packed=args.packed)
        back = ref.read_model(args.out)
        diff = ref.model_difference(model, back)
        if diff:
            raise ref.ToolError(f"{args.out}: read back differently ({diff})")
        import torch
        with torch.inference_mode():
            _, _, trace = ref.TorchNet(back).forward(images, record=True)
        print(f"wrote {args.out}: {args.arch}, {len(back.layers)} layers, "
              f"{'packed' if args.packed else 'int8'} weights, seed {args.seed}")
        for i, l in enumerate(back.layers):
            extra = f"fan-in {l.fan_in()}" if l.kind != "maxpool" else f"pool {l.pool}"
            fires = "" if trace["acts"][i] is None else \
                f", {100.0 * (trace['acts'][i] == 1).mean():.0f}% +1 on calibration images"
            print(f"  {i:02d}_{l.name:8s} {l.kind:9s} {ref._shape_text(l.in_shape):>9s} -> "
                  f"{ref._shape_text(l.out_shape):<9s} {extra}{fires}")
        return 0
    except ref.ToolError as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
