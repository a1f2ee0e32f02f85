#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite: the normal
# build, then the engine and its tests under AddressSanitizer and
# UndefinedBehaviorSanitizer.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

export QT_QPA_PLATFORM=offscreen
echo "== test suite (Release)"
ctest --test-dir build --output-on-failure -j "$jobs"

# Left out under the sanitizers: the Icarus/Yosys cross-checks and the two
# PyTorch comparisons, whose time is spent in the external tools (their C++
# side, axbnn eval/train, is exercised by the CLI suites that do run).
echo "== engine tests under AddressSanitizer + UndefinedBehaviorSanitizer"
configure_and_build build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAXBNN_SANITIZE=ON \
  -DAXBNN_GUI=OFF -DAXBNN_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -E '^test_(verilog|verilog_file|torch_reference|torch_train)$'
