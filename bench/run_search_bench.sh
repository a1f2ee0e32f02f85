#!/usr/bin/env bash
# Wall time of a whole `axbnn search` on the VGG3 3x3 exact sample model
# (docs/performance.md, "Per-layer search"): budget 1 point, the default
# space and strategy, 1000 proxy images, verification on the 10k test
# images. Fresh each round (no journal). Needs a build (bash scripts/setup.sh).
# THREADS (2), ROUNDS (1), STRATEGY (greedy), EVALUATIONS (300),
# MODEL (sample_models/fmnist_vgg3_k3_exact.h5).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=build/bench/search
mkdir -p "$out"
threads=${THREADS:-2}
rounds=${ROUNDS:-1}
strategy=${STRATEGY:-greedy}
evaluations=${EVALUATIONS:-300}
model=${MODEL:-sample_models/fmnist_vgg3_k3_exact.h5}
for round in $(seq "$rounds"); do
  start=$(date +%s.%N)
  build/bin/axbnn search --model "$model" --budget 1 --strategy "$strategy" --evaluations "$evaluations" \
    --threads "$threads" --out "$out/result.json" --front "$out/front.csv" > "$out/search_$round.txt" 2> /dev/null
  end=$(date +%s.%N)
  printf 'round %d: %.1f s wall (%s, %s threads); %s\n' "$round" "$(python3 -c "print($end - $start)")" "$strategy" \
    "$threads" "$(grep -m1 '^[0-9]* evaluations' "$out/search_$round.txt")"
done
