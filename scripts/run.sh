#!/usr/bin/env bash
# Installs what is missing, builds the command line and the workbench (only
# those: tests and benchmarks are scripts/test.sh's), and runs the main job:
# the workbench when a display is available, otherwise the headless demo,
# which starts as soon as the command line is built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
configure build

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  build build axbnn-workbench axbnn axbnn-export
  exec build/bin/axbnn-workbench "$@"
fi
# Headless: the command line first (it needs only the engine), so that the
# first result comes early; the plots and the report need axbnn-export (Qt).
build build axbnn
axbnn=build/bin/axbnn
echo "== headless demo: the popcount of a VGG3 second-layer kernel (N = 3*3*64 = 576)"
echo "-- exact adder tree"
"$axbnn" circuit --inputs 576
echo "-- MAJ-FA in the 2 least significant columns of every adder"
"$axbnn" circuit --inputs 576 --approx-lsb 2 --cell maj-fa
echo "-- cost against kernel size, every topology: exact, and what MAJ-FA in 2 LSB columns saves"
echo "   (every column in build/cost-vs-n.csv; docs/cost-vs-n.md)"
"$axbnn" cost-table --inputs 9,25,49,147,576,1152,3136,4608 --out build/cost-vs-n.csv --summary
# "accuracy  0.8925 (8925 of 10000)" -> "89.25%", with bash arithmetic only.
accuracy() {
  local line correct total
  line=$("$axbnn" eval "$@" | grep '^accuracy')
  read -r correct total < <(echo "$line" | sed -E 's/.*\(([0-9]+) of ([0-9]+)\).*/\1 \2/')
  local hundredths=$((correct * 10000 / total))
  printf '%d.%02d%%' $((hundredths / 100)) $((hundredths % 100))
}
if compgen -G "sample_models/fmnist_vgg3_k3_*.h5" > /dev/null; then
  echo "== the sample VGG3 3x3 models on the 10k Fashion-MNIST test images: accuracy with exact"
  echo "   popcounts, with MAJ-FA in 2 LSB columns, and with per-neuron threshold tuning"
  printf '%-26s %8s %14s %12s\n' model exact "MAJ-FA LSB 2" "+ tuning"
  for m in sample_models/fmnist_vgg3_k3_exact.h5 sample_models/fmnist_vgg3_k3_approx.h5; do
    approx=(--approx-lsb 2 --cell maj-fa)
    printf '%-26s %8s %14s %12s\n' "$(basename "$m" .h5)" "$(accuracy --model "$m")" \
      "$(accuracy --model "$m" "${approx[@]}")" "$(accuracy --model "$m" "${approx[@]}" --mitigation tune)"
  done
fi
build build axbnn-export axbnn-workbench
if [ -f sample_models/fmnist_vgg3_k3_exact.h5 ]; then
  echo "== a report of the demo session (docs/examples/demo_session.json: the exact VGG3 sample model,"
  echo "   MAJ-FA in 2 LSB columns, threshold tuning), accuracy on the first 1000 test images"
  "$axbnn" report --session docs/examples/demo_session.json --limit 1000 --sweep-images 300 \
    --out build/report.html
  "$axbnn" plot --session docs/examples/demo_session.json --plot error --out build/error.svg
  echo "-- written: build/report.html, build/error.svg, build/cost-vs-n.csv"
fi
