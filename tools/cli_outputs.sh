#!/usr/bin/env bash
# Prints what a fixed set of axbnn commands prints (JSON and text, circuit,
# cost-table, eval with every mitigation, sweep, merge), with the fields that
# measure time removed, so that two builds can be compared byte for byte:
#
#   bash tools/cli_outputs.sh OLD/build/bin/axbnn > old.txt
#   bash tools/cli_outputs.sh build/bin/axbnn > new.txt && cmp old.txt new.txt
#
# A refactoring that must not change results (docs/architecture.md) is
# checked this way. Needs the sample models and Fashion-MNIST; about a minute.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 PATH/TO/axbnn" >&2; exit 2; }
axbnn=$(realpath "$1")
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
m=sample_models/fmnist_vgg3_k3_exact.h5
a=sample_models/fmnist_vgg3_k3_approx.h5
# JSON without the timing fields, keys in their order.
untimed() {
  python3 -c 'import json, sys
j = json.load(sys.stdin)
for k in ("seconds", "images_per_second", "pass_seconds"):
    j.pop(k, None)
print(json.dumps(j, indent=1))'
}
# Standard output and error, less timing lines, \r progress (terminals
# only) and the temporary folder's name.
run() { # label command...
  echo "== $1"
  shift
  local status=0
  "$@" > "$work/out" 2>&1 || status=$?
  tr '\r' '\n' < "$work/out" | grep -v -e '^time ' -e ' N=[0-9]* \(exact\|approximate\) *$' -e '^ *$' |
    sed "s|$work|WORK|g" || true
  [ "$status" -eq 0 ] || echo "(exit status $status)"
}
run "circuit 576 exact json" "$axbnn" circuit -n 576 --json
run "circuit 576 lsb 2" "$axbnn" circuit -n 576 --approx-lsb 2
run "circuit 49 wallace conditional" "$axbnn" circuit -n 49 --topology wallace --approx-lsb 1 --json --conditional
run "circuit 300 dadda levels" "$axbnn" circuit -n 300 --topology dadda --approx-levels 2 --json
run "circuit 64 chain or-ha" "$axbnn" circuit -n 64 --topology chain --approx-lsb 2 --ha-cell or-ha --json
run "cost-table" "$axbnn" cost-table -n 9,49,576 --out "$work/cost.csv"
cat "$work/cost.csv"
for model in "$m" "$a"; do
  for mitigation in none bias tune bias-tune; do
    echo "== eval $model lsb 2 $mitigation"
    "$axbnn" eval --model "$model" --approx-lsb 2 --mitigation "$mitigation" --limit 500 \
      --calibration-limit 200 --json --stats | untimed
    "$axbnn" eval --model "$model" --approx-lsb 2 --mitigation "$mitigation" --limit 500 \
      --calibration-limit 200 | grep -v '^time '
  done
done
echo "== eval exact"
"$axbnn" eval --model "$m" --limit 1000 --json | untimed
run "sweep" "$axbnn" sweep --spec docs/examples/sweep_kernel_sizes.json --out "$work/sweep.csv"
cat "$work/sweep.csv"
"$axbnn" sweep --spec docs/examples/sweep_kernel_sizes.json --shard 0/2 --out "$work/s0.csv" > /dev/null
"$axbnn" sweep --spec docs/examples/sweep_kernel_sizes.json --shard 1/2 --out "$work/s1.csv" > /dev/null
run "merge" "$axbnn" merge "$work/s0.csv" "$work/s1.csv" --out "$work/merged.csv"
cmp "$work/merged.csv" "$work/sweep.csv" && echo "merged shards equal the whole sweep"
