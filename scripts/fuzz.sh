#!/usr/bin/env bash
# Runs every libFuzzer harness of fuzz/ (one per loader of a user file) for
# SECONDS_PER_LOADER seconds each (default 60), two at a time, under
# AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan (configured
# and built here when needed). Each run starts from a scratch copy of
# fuzz/corpus/LOADER (the repository's corpus never grows) and stops at the
# first crash, leak, input slower than 5 s or above 1 GB; the reproducer is
# left in build-asan/fuzz-findings/LOADER/. One line per harness; the exit
# status is 1 if any harness found something. docs/fuzzing.md explains it.
#   scripts/fuzz.sh [SECONDS_PER_LOADER]
#   FUZZ_PARALLEL=N (default 2) harnesses at a time; FUZZ_ONLY="model verilog" a subset.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
seconds=${1:-60}
parallel=${FUZZ_PARALLEL:-2}
dir=build-asan

loaders=()
for f in fuzz/fuzz_*.cpp; do
  name=${f#fuzz/fuzz_}
  loaders+=("${name%.cpp}")
done
if [ -n "${FUZZ_ONLY:-}" ]; then
  read -r -a loaders <<< "$FUZZ_ONLY"
fi

configure_sanitized "$dir"
build "$dir" "${loaders[@]/#/fuzz_}" > /dev/null

# Longest input per format: a few times the largest seed, so that mutations
# can grow an input without the run spending its time on huge ones.
max_len() {
  case $1 in
    model | dataset_h5) echo 65536 ;;
    yosys_json) echo 32768 ;;
    verilog | sweep_results) echo 16384 ;;
    dataset_idx) echo 4096 ;;
    *) echo 8192 ;;
  esac
}

export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
work="$dir/fuzz-work"
findings="$dir/fuzz-findings"
mkdir -p "$work" "$findings"

# One harness: prints "LOADER runs exec/s coverage result" and leaves its log
# in build-asan/fuzz-work/LOADER.log; returns 1 on a finding.
run_one() {
  local loader=$1
  local corpus="$work/$loader/corpus" artifacts="$findings/$loader" log="$work/$loader.log"
  rm -rf "${work:?}/$loader" "${artifacts:?}"
  mkdir -p "$corpus" "$artifacts"
  cp -R "fuzz/corpus/$loader/." "$corpus/"
  local options=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=1024 -malloc_limit_mb=1024
    -max_len="$(max_len "$loader")" -print_final_stats=1 -artifact_prefix="$artifacts/")
  [ -f "fuzz/dict/$loader.dict" ] && options+=(-dict="fuzz/dict/$loader.dict")
  local status=0
  "$dir/bin/fuzz_$loader" "${options[@]}" "$corpus" > "$log" 2>&1 &
  local pid=$!
  wait "$pid" || status=$?
  rm -rf "/dev/shm/axbnn-fuzz-$pid" "/tmp/axbnn-fuzz-$pid"
  local runs rate cov result
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | sed 's/cov: //')
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result=$(grep -m1 -oE 'ERROR: (libFuzzer|AddressSanitizer|LeakSanitizer): [a-z-]+|runtime error: .*|fuzz invariant broken: .*' "$log" || true)
    result="FOUND ${result:-exit status $status} (log $log, reproducer in $artifacts/)"
  fi
  printf '%-18s %10s runs %7s exec/s  cov %6s  %s\n' "$loader" "${runs:-?}" "${rate:-?}" "${cov:-?}" "$result"
  [ "$status" -eq 0 ]
}

echo "== fuzzing ${#loaders[@]} loaders, ${seconds} s each, $parallel at a time"
failed=0
running=0
for loader in "${loaders[@]}"; do
  if [ "$running" -ge "$parallel" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  run_one "$loader" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
if [ "$failed" -ne 0 ]; then
  echo "fuzzing found a defect: the reproducers are in $findings/ (docs/fuzzing.md says how to replay one)"
  exit 1
fi
