#!/usr/bin/env bash
# Trains the sample models of sample_models/README.md with the native
# trainer (axbnn train) on the Fashion-MNIST training images; each line is
# the exact command that reproduces one file. Reference approximate
# configuration: adder tree, MAJ-FA in the 2 least significant columns of
# every adder (--approx-lsb 2 --cell maj-fa). The exact models train from
# scratch; the approximate ones are fine-tuned from them with the forward
# pass through the bit-exact circuits (--hardware-in-the-loop,
# docs/training.md), the multi-level one at LSB 0, 1, 2 and 3 (a level per
# image), so the exact model of a kernel is made first. Usage:
#   bash sample_models/make_sample_models.sh [NAME...]   (default: all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
axbnn=build/bin/axbnn
hil=(--cell maj-fa --hardware-in-the-loop --lr 1e-3)
from() { echo "--init sample_models/fmnist_$1_exact.h5"; }
declare -A recipe=(
  [fmnist_mlp_exact]="--arch fc --epochs 3"
  [fmnist_mlp_approx]="$(from mlp) --epochs 1 --approx-lsb 2 ${hil[*]}"
  [fmnist_vgg3_k3_exact]="--arch vgg3 --kernel 3 --epochs 2"
  [fmnist_vgg3_k3_approx]="$(from vgg3_k3) --epochs 2 --approx-lsb 2 ${hil[*]}"
  [fmnist_vgg3_k3_multilevel]="$(from vgg3_k3) --epochs 1 --approx-lsb 0,1,2,3 ${hil[*]}"
  [fmnist_vgg3_k5_exact]="--arch vgg3 --kernel 5 --epochs 1"
  [fmnist_vgg3_k5_approx]="$(from vgg3_k5) --epochs 1 --approx-lsb 2 ${hil[*]}"
  [fmnist_vgg3_k7_exact]="--arch vgg3 --kernel 7 --epochs 1"
  [fmnist_vgg3_k7_approx]="$(from vgg3_k7) --epochs 1 --approx-lsb 2 ${hil[*]}"
)
order=(fmnist_mlp_exact fmnist_mlp_approx fmnist_vgg3_k3_exact fmnist_vgg3_k3_approx fmnist_vgg3_k3_multilevel
       fmnist_vgg3_k5_exact fmnist_vgg3_k5_approx fmnist_vgg3_k7_exact fmnist_vgg3_k7_approx)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${order[@]}")
for name in "${names[@]}"; do
  [ -n "${recipe[$name]:-}" ] || { echo "unknown sample model '$name'" >&2; exit 1; }
  echo "== $name: axbnn train ${recipe[$name]} --seed 1 --out sample_models/$name.h5"
  # shellcheck disable=SC2086
  "$axbnn" train ${recipe[$name]} --seed 1 --out "sample_models/$name.h5"
done
