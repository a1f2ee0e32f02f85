#!/usr/bin/env bash
# The accuracy table of sample_models/README.md and docs/approximation-aware.md:
# every sample model on the 10k Fashion-MNIST test images, exact and under
# the reference approximate configuration (adder tree, MAJ-FA in the 2 least
# significant columns of every adder) without mitigation, with bias
# compensation and with per-neuron threshold tuning (calibrated on the first
# 1000 training images). Prints a Markdown table; missing models are skipped.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
axbnn=${AXBNN:-build/bin/axbnn}
accuracy() { "$axbnn" eval --json "$@" | python3 -c 'import json, sys; print(json.load(sys.stdin)["accuracy"])'; }
pct() { python3 -c "print(f'{100 * $1:.2f}')"; }
echo "| model | trained | size | exact | approximate | loss | + bias | loss | + tune | loss |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for f in sample_models/fmnist_*.h5; do
  [ -f "$f" ] || continue
  name=$(basename "$f" .h5)
  trained=exactly; [[ $name == *_approx ]] && trained="approximation-aware"
  exact=$(accuracy --model "$f")
  approx=$(accuracy --model "$f" --approx-lsb 2 --cell maj-fa)
  bias=$(accuracy --model "$f" --approx-lsb 2 --cell maj-fa --mitigation bias)
  tune=$(accuracy --model "$f" --approx-lsb 2 --cell maj-fa --mitigation tune)
  size=$(du -k "$f" | cut -f1)
  loss() { python3 -c "print(f'{100 * ($exact - $1):.2f}')"; }
  echo "| ${name#fmnist_} | $trained | ${size} KiB | $(pct "$exact") | $(pct "$approx") | $(loss "$approx") | $(pct "$bias") | $(loss "$bias") | $(pct "$tune") | $(loss "$tune") |"
done
