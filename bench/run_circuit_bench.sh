#!/usr/bin/env bash
# Circuit engine benchmark on one core, with Icarus Verilog simulating the
# same exported netlist as the peer (docs/performance.md). Needs a build
# (bash scripts/setup.sh) and iverilog.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=build/bin
out=build/bench
mkdir -p "$out"

taskset -c 0 "$bin/bench_circuit" --benchmark_min_time=0.5 \
  --benchmark_out="$out/circuit.json" --benchmark_out_format=json

# Peer: iverilog runs V random vectors through the N-input approximate netlist
# (MAJ-FA, 2 LSB columns) and counts the vectors whose output differs from
# $countones, i.e. the same work as one Monte Carlo error estimate.
peer() { # N V
  local n=$1 v=$2 w
  w=$(python3 -c "import math; print(math.ceil(math.log2($n + 1)))")
  "$bin/axbnn" circuit -n "$n" --approx-lsb 2 --verilog "$out/peer_$n.v" > /dev/null
  cat > "$out/tb_$n.v" <<TB
module tb;
  reg [$((n - 1)):0] x; wire [$((w - 1)):0] y; integer i, j, errs;
  popcount dut(.x(x), .y(y));
  initial begin
    errs = 0;
    for (i = 0; i < $v; i = i + 1) begin
      for (j = 0; j < $n; j = j + 32) x[j +: 32] = \$random;
      #1;
      if (y != \$countones(x)) errs = errs + 1;
    end
    \$display("peer N=$n vectors=$v errors=%0d", errs);
    \$finish;
  end
endmodule
TB
  iverilog -g2012 -o "$out/sim_$n" "$out/peer_$n.v" "$out/tb_$n.v"
  local t0 t1
  t0=$(date +%s.%N)
  taskset -c 0 vvp -n "$out/sim_$n" > "$out/peer_$n.txt"
  t1=$(date +%s.%N)
  echo "$n $v $(python3 -c "print($t1 - $t0)")" >> "$out/peer.txt"
  cat "$out/peer_$n.txt"
}
rm -f "$out/peer.txt"
peer 576 20000
peer 4608 2000

python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
bench = {b["name"]: b for b in json.load(open(f"{out}/circuit.json"))["benchmarks"]}
def ms(name):
    b = bench[name]
    scale = {"ms": 1.0, "us": 1e-3, "ns": 1e-6}[b["time_unit"]]
    return b["real_time"] * scale
print("\n| N | metrics + error statistics (ms, target) | propagation (ms) | our Monte Carlo (vectors/s) | Icarus Verilog (vectors/s) | ratio |")
print("|---|---|---|---|---|---|")
for line in open(f"{out}/peer.txt"):
    n, v, secs = line.split()
    target = 20 if n == "576" else 200
    ours = bench[f"monteCarlo/{n}"]["vectors_per_s"]
    peer = int(v) / float(secs)
    print(f"| {n} | {ms(f'metricsAndErrors/{n}/2'):.1f} (< {target}) | {ms(f'propagation/{n}'):.2f} | {ours:,.0f} | {peer:,.0f} | {ours / peer:,.0f}x |")
PY
