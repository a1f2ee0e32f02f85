#!/usr/bin/env bash
# Installs what is missing, builds everything, and runs the whole test suite:
# a check that the scripts call only what the set-up installs, the main job
# (scripts/run.sh, headless) with only those programs on PATH, the normal
# build's tests, then the engine and its tests under AddressSanitizer and
# UndefinedBehaviorSanitizer (clang), and a short run of every fuzz harness.
set -euo pipefail
# Each stage's line gives the time since the start (installs included), so a
# slow stage shows in any log, CI's too.
stage() { printf '== %s  [%dm%02ds]\n' "$1" $((SECONDS / 60)) $((SECONDS % 60)); }
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
stage "build (Release)"
configure build
build build

# From here on PATH holds only the programs of Debian's essential set and of
# scripts/packages.txt (with their dependencies), as on a fresh machine after
# the set-up: a script or test that calls anything else fails here too.
stage "scripts call only programs that the set-up installs"
/usr/bin/python3 scripts/check_commands.py --path-dir build/fresh-path
export PATH="$PWD/build/fresh-path"
stage "the main job (scripts/run.sh, headless) on that PATH"
env -u DISPLAY -u WAYLAND_DISPLAY bash scripts/run.sh > build/main-job.log 2>&1 ||
  { tail -40 build/main-job.log; echo "the main job failed (log: build/main-job.log)"; exit 1; }
grep -E "^(topology|adder-tree +576) " build/main-job.log

export QT_QPA_PLATFORM=offscreen
stage "test suite (Release)"
ctest --test-dir build --output-on-failure -j "$jobs"

# Left out under the sanitizers: the Icarus/Yosys cross-checks and the two
# PyTorch comparisons, whose time is spent in the external tools (their C++
# side, axbnn eval/train, is exercised by the CLI suites that do run).
# One clang build serves the sanitizer suite and the fuzz harnesses (fuzz/).
stage "engine tests under AddressSanitizer + UndefinedBehaviorSanitizer"
configure_sanitized build-asan
build build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs" -E '^test_(verilog|verilog_file|torch_reference|torch_train)$'
# 20 s per loader (13 harnesses, two at a time: 2.3 min), a smoke run that
# keeps the whole command near 20 minutes on 2 cores; docs/fuzzing.md has the
# one-minute and ten-minute runs.
stage "fuzz harnesses"
bash scripts/fuzz.sh 20
stage "all passed"
