#!/usr/bin/env bash
# Inference speed on the 10k Fashion-MNIST test images with a VGG3-shaped
# model: engine exact and bit-exact approximate modes against the PyTorch
# float reference, all in the same run on the same machine
# (docs/performance.md). Needs a build (bash scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=build/bench
mkdir -p "$out"
threads=${THREADS:-2}
model="$out/vgg3_random.h5"
[ -f "$model" ] || /usr/bin/python3 tools/make_test_model.py --out "$model" --kernel 3 \
  --channels 64 --hidden 2048 > /dev/null

run() { # name command...
  local name=$1; shift
  "$@" > "$out/$name.json"
  echo "$name: $(python3 -c "import json; j = json.load(open('$out/$name.json')); print(f\"{j['images_per_second']:.0f} images/s, accuracy {j['accuracy']:.4f}\")")"
}
for round in 1 2; do # interleaved, the better of two rounds counts
  run "engine_exact_$round" build/bin/axbnn eval --model "$model" --threads "$threads" --json
  run "engine_approx_$round" build/bin/axbnn eval --model "$model" --threads "$threads" \
    --approx-lsb 2 --cell maj-fa --json
  run "torch_$round" /usr/bin/python3 tools/torch_reference.py --model "$model" \
    --threads "$threads" --json
done
python3 - "$out" "$threads" <<'PY'
import json, sys
out, threads = sys.argv[1], sys.argv[2]
best = lambda name: max(json.load(open(f"{out}/{name}_{r}.json"))["images_per_second"] for r in (1, 2))
exact, approx, torch = best("engine_exact"), best("engine_approx"), best("torch")
print(f"\n| threads | engine exact (images/s) | engine approximate (images/s) | PyTorch float (images/s) | exact / PyTorch | exact / approximate |")
print("|---|---|---|---|---|---|")
print(f"| {threads} | {exact:,.0f} | {approx:,.0f} | {torch:,.0f} | {exact / torch:.1f}x | {exact / approx:.2f}x |")
PY
