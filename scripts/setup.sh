#!/usr/bin/env bash
# Installs the Debian 12 packages AxBNN Workbench needs (only those missing)
# and defines configure/build. Sourced by run.sh and test.sh, which build what
# they run; run by itself, it builds everything into build/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The package list, with why each is needed, is scripts/packages.txt.
packages=()
while read -r line; do
  line=${line%%#*}
  for p in $line; do packages+=("$p"); done
done < scripts/packages.txt
# --characterize: also what regenerating the cmos45 cell table needs.
if [ "${1:-}" = --characterize ]; then
  while read -r line; do
    line=${line%%#*}
    for p in $line; do packages+=("$p"); done
  done < scripts/packages-characterize.txt
fi
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
# A unity build (the sources of each target compiled in batches): on 2 cores
# the Release build takes about 40% less CPU time than file by file
# (docs/performance.md); the sanitizer build below is one too.
configure() { # <build dir> [cmake options...]
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_UNITY_BUILD=ON "$@" >/dev/null
}
build() { # <build dir> [targets...]: all targets when none are named
  local dir=$1; shift
  local targets=()
  (($#)) && targets=(--target "$@")
  cmake --build "$dir" -j "$jobs" "${targets[@]}"
}
# The sanitizer build of test.sh and fuzz.sh (docs/fuzzing.md): clang with
# AddressSanitizer + UndefinedBehaviorSanitizer and the fuzz harnesses, no GUI.
# -O1 with line tables only: what the sanitizers' reports need, a fifth less
# compile time than -O2 -g.
# A unity build (the engine's sources compiled in batches): measured 5.0 min
# against 6.4 min from scratch on 2 cores, tests alike (docs/performance.md).
configure_sanitized() { # <build dir>
  configure "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
    -DAXBNN_SANITIZE=ON -DAXBNN_FUZZ=ON -DAXBNN_GUI=OFF -DAXBNN_BENCH=OFF -DCMAKE_UNITY_BUILD=ON
}
# Run by itself (not sourced by run.sh or test.sh): build everything.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  configure build
  build build
fi
