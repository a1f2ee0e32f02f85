#!/usr/bin/env bash
# Installs the Debian 12 packages AxBNN Workbench needs (only those missing),
# then configures and builds into build/. Sourced by run.sh and test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Build: compiler, CMake, git. Libraries: Qt 6, QCustomPlot, Eigen, HDF5, zlib,
# nlohmann-json, CLI11, Google Benchmark. Data: Fashion-MNIST. Peers for tests
# and benchmarks: Yosys, Icarus Verilog, PyTorch (with h5py and OpenBLAS).
packages=(
  build-essential cmake git pkg-config ninja-build
  qt6-base-dev qt6-qpa-plugins libgl-dev libqcustomplot-dev qt6-svg-dev
  libeigen3-dev libhdf5-dev zlib1g-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev
  dataset-fashion-mnist
  poppler-utils yosys iverilog python3-torch python3-h5py python3-numpy libopenblas0-pthread
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

jobs=$(nproc)
configure_and_build() { # <build dir> [cmake options...]
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
}
configure_and_build build
