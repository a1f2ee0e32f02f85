#!/usr/bin/env bash
# Trains the sample models of sample_models/README.md with the native
# trainer (axbnn train) on the Fashion-MNIST training images; each line is
# the exact command that reproduces one file. Reference approximate
# configuration: adder tree, MAJ-FA in the 2 least significant columns of
# every adder (--approx-lsb 2 --cell maj-fa). Usage:
#   bash sample_models/make_sample_models.sh [NAME...]   (default: all)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
axbnn=build/bin/axbnn
approx=(--approx-lsb 2 --cell maj-fa)
declare -A recipe=(
  [fmnist_mlp_exact]="--arch fc --epochs 3"
  [fmnist_mlp_approx]="--arch fc --epochs 3 ${approx[*]}"
  [fmnist_vgg3_k3_exact]="--arch vgg3 --kernel 3 --epochs 2"
  [fmnist_vgg3_k3_approx]="--arch vgg3 --kernel 3 --epochs 2 ${approx[*]}"
  [fmnist_vgg3_k5_exact]="--arch vgg3 --kernel 5 --epochs 1"
  [fmnist_vgg3_k5_approx]="--arch vgg3 --kernel 5 --epochs 1 ${approx[*]}"
  [fmnist_vgg3_k7_exact]="--arch vgg3 --kernel 7 --epochs 1"
  [fmnist_vgg3_k7_approx]="--arch vgg3 --kernel 7 --epochs 1 ${approx[*]}"
)
order=(fmnist_mlp_exact fmnist_mlp_approx fmnist_vgg3_k3_exact fmnist_vgg3_k3_approx
       fmnist_vgg3_k5_exact fmnist_vgg3_k5_approx fmnist_vgg3_k7_exact fmnist_vgg3_k7_approx)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${order[@]}")
for name in "${names[@]}"; do
  [ -n "${recipe[$name]:-}" ] || { echo "unknown sample model '$name'" >&2; exit 1; }
  echo "== $name: axbnn train ${recipe[$name]} --seed 1 --out sample_models/$name.h5"
  # shellcheck disable=SC2086
  "$axbnn" train ${recipe[$name]} --seed 1 --out "sample_models/$name.h5"
done
