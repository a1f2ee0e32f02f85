#!/usr/bin/env bash
# Training speed of the native trainer (axbnn train) against the PyTorch
# trainer (tools/torch_train.py), in the same run on the same machine
# (docs/performance.md): VGG3 3x3 (64 channels, 2048 hidden units), one epoch
# on the first LIMIT Fashion-MNIST training images, batch 64 for both, for
# exact training, approximation-aware training (both inject the errors of the
# same error-model file: MAJ-FA in 2 LSB columns) and fine-tuning (both start
# from the same exact model and inject those errors). Compares the epoch
# times each trainer reports in its --json output (the training steps, not
# loading data or importing torch). Native only, the same fine-tuning through
# the bit-exact circuits (--hardware-in-the-loop; PyTorch has no such mode),
# against native fine-tuning with injected errors. Needs a build and /usr/bin/python3 with
# torch (bash scripts/setup.sh). THREADS (1), LIMIT (6000), ROUNDS (1; the
# best round counts), INIT (sample_models/fmnist_vgg3_k3_exact.h5).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=build/bench/train
mkdir -p "$out"
threads=${THREADS:-1}
limit=${LIMIT:-6000}
rounds=${ROUNDS:-1}
init=${INIT:-sample_models/fmnist_vgg3_k3_exact.h5}
errors="$out/vgg3_k3_lsb2.json"
[ -f "$errors" ] || build/bin/axbnn error-model --model "$init" --approx-lsb 2 --cell maj-fa \
  --out "$errors" > /dev/null
common=(--arch vgg3 --kernel 3 --channels 64 --hidden 2048 --epochs 1 --limit "$limit" --test-limit 100
        --batch 64 --threads "$threads" --json)
declare -A extra=(
  [exact]=""
  [aware]="--error-model $errors"
  [finetune]="--init $init --error-model $errors"
  [hil]="--init $init --approx-lsb 2 --cell maj-fa --hardware-in-the-loop"
)
for round in $(seq "$rounds"); do
  for run in exact aware finetune; do
    # shellcheck disable=SC2086
    build/bin/axbnn train "${common[@]}" ${extra[$run]} --out "$out/native_$run.h5" 2> /dev/null \
      > "$out/native_${run}_$round.json"
    # shellcheck disable=SC2086
    /usr/bin/python3 tools/torch_train.py "${common[@]}" ${extra[$run]} --out "$out/torch_$run.h5" \
      | tail -n 1 > "$out/torch_${run}_$round.json"
  done
  # shellcheck disable=SC2086
  build/bin/axbnn train "${common[@]}" ${extra[hil]} --out "$out/native_hil.h5" 2> /dev/null \
    > "$out/native_hil_$round.json"
done
python3 - "$out" "$rounds" "$threads" "$limit" <<'PY'
import json, sys
out, rounds, threads, limit = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def best(trainer, run):
    rows = [json.load(open(f"{out}/{trainer}_{run}_{r}.json")) for r in range(1, rounds + 1)]
    return min(sum(e["seconds"] for e in j["epochs"]) for j in rows)
print(f"\n| run ({limit} images, 1 epoch, {threads} thread(s)) | native (s) | PyTorch (s) | PyTorch / native |")
print("|---|---|---|---|")
for run, label in (("exact", "exact"), ("aware", "approximation-aware"), ("finetune", "fine-tuning, aware")):
    n, t = best("native", run), best("torch", run)
    print(f"| {label} | {n:.1f} | {t:.1f} | {t / n:.2f}x |")
hil, aware = best("native", "hil"), best("native", "finetune")
print(f"| fine-tuning, hardware in the loop | {hil:.1f} | - | {hil / aware:.2f}x the aware fine-tuning |")
PY
