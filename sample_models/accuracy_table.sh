#!/usr/bin/env bash
# The accuracy table of sample_models/README.md and docs/approximation-aware.md:
# every sample model on the 10k Fashion-MNIST test images, exact and at each
# approximation level of the reference configuration (adder tree, MAJ-FA in
# the K least significant columns of every adder, K = 1, 2, 3), under every
# mitigation mode that `axbnn eval --mitigation` offers (calibrated on the
# first 1000 training images). The last column is the worst mitigation mode
# minus `none`: a mode that hurts shows as a negative number. Prints a
# Markdown table; missing models are skipped.
#   bash sample_models/accuracy_table.sh [MODEL.h5...]
# Environment: AXBNN (the binary), LEVELS (default "1 2 3"), LIMIT (test
# images, default all), THREADS (default all cores).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
axbnn=${AXBNN:-build/bin/axbnn}
levels=${LEVELS:-"1 2 3"}
common=(--threads "${THREADS:-0}")
[ -n "${LIMIT:-}" ] && common+=(--limit "$LIMIT")
# The mode names as the CLI spells them (bnn/mitigation.h's table).
read -r -a modes <<< "$("$axbnn" eval --help | sed -n 's/.*--mitigation TEXT:{\([^}]*\)}.*/\1/p' | tr ',' ' ')"
[ ${#modes[@]} -gt 1 ] || { echo "could not read the mitigation modes from '$axbnn eval --help'" >&2; exit 1; }
accuracy() { "$axbnn" eval --json "${common[@]}" "$@" | python3 -c 'import json, sys; print(json.load(sys.stdin)["accuracy"])'; }
# How a model was trained, from its training record (axbnn model info).
trained() { "$axbnn" model info "$1" | sed -n 's/^trained: //p' | sed 's/approximation-aware/aware/; s/, fine-tuned from.*//'; }
header="| model | trained | exact | LSB |"
rule="|---|---|---|---|"
for m in "${modes[@]}"; do header+=" $m |"; rule+="---|"; done
echo "$header worst - none |"
echo "$rule---|"
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(sample_models/fmnist_*.h5)
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  name=$(basename "$f" .h5)
  exact=$(accuracy --model "$f")
  for k in $levels; do
    row=() values=()
    for m in "${modes[@]}"; do
      a=$(accuracy --model "$f" --approx-lsb "$k" --cell maj-fa --mitigation "$m")
      values+=("$a")
      row+=("$(python3 -c "print(f'{100 * $a:.2f}')")")
    done
    worst=$(python3 -c "v = [$(IFS=,; echo "${values[*]}")]; print(f'{100 * (min(v[1:]) - v[0]):+.2f}')")
    line="| ${name#fmnist_} | $(trained "$f") | $(python3 -c "print(f'{100 * $exact:.2f}')") | $k |"
    for r in "${row[@]}"; do line+=" $r |"; done
    echo "$line $worst |"
  done
done
