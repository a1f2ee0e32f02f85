#!/usr/bin/env python3
"""Transistor counts of whole popcount circuits: the cost model (a static-CMOS
mapping of the whole netlist, engine/circuit/tech_map.h) against Yosys.

For every row it runs `axbnn circuit ... --yosys --json` (Yosys's area-only
mapping of the hashed netlist, the script of docs/verilog.md) and, where the
two differ by more than 10%, Yosys's full synthesis (`synth -flatten` +
`abc -g cmos`) on the exported Verilog. Prints the markdown table of
docs/verilog.md, "Whole circuits".

    python3 tools/yosys_table.py build/bin/axbnn > table.md
"""
import json
import os
import subprocess
import sys
import tempfile

FULL = ("read_verilog popcount.v; synth -flatten -top popcount; abc -g cmos; "
        "opt_clean; tee -q -o stat.txt stat -tech cmos")

VARIANTS = {
    "exact": [],
    "maj-fa": ["--approx-lsb", "2"],
    "maj": ["--approx-lsb", "2", "--cell", "maj"],
    "or-ha": ["--approx-lsb", "2", "--cell", "fa", "--ha-cell", "or-ha"],
    "maj-fa + or-ha": ["--approx-lsb", "2", "--ha-cell", "or-ha"],
    "ama1": ["--approx-lsb", "2", "--cell", "ama1"],
    "ama3": ["--approx-lsb", "2", "--cell", "ama3"],
    "ama4": ["--approx-lsb", "2", "--cell", "ama4"],
    "ama5": ["--approx-lsb", "2", "--cell", "ama5"],
    "pairs N/4": None,  # filled per N
    "c42-hl": ["--approx-compressors", "2", "--compressor", "c42-hl"],
    "c42-yin": ["--approx-compressors", "2", "--compressor", "c42-yin"],
}

ROWS = (
    [(t, n, "exact") for t in ("adder-tree", "wallace", "dadda", "chain") for n in (9, 64, 576)]
    + [(t, n, "maj-fa") for t in ("adder-tree", "wallace", "dadda") for n in (9, 64, 576)]
    + [(t, 64, v) for t in ("adder-tree", "wallace", "dadda", "chain")
       for v in ("maj", "or-ha", "maj-fa + or-ha", "pairs N/4")]
    + [(t, 64, v) for t in ("adder-tree", "wallace", "dadda") for v in ("ama1", "ama3", "ama4", "ama5")]
    + [(t, 64, v) for t in ("wallace", "dadda") for v in ("c42-hl", "c42-yin")]
    + [("adder-tree", 576, "maj"), ("adder-tree", 576, "maj-fa + or-ha")]
)


def full_synthesis(axbnn, args):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([axbnn, "circuit", *args, "--method", "monte-carlo", "--samples", "64",
                        "--verilog", os.path.join(d, "popcount.v")],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["yosys", "-q", "-p", FULL], cwd=d, check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(d, "stat.txt")) as f:
            for line in f:
                if "Estimated number of transistors" in line:
                    return int(line.split()[-1].rstrip("+"))
    raise RuntimeError("no transistor count from Yosys")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: yosys_table.py PATH/TO/axbnn")
    axbnn = sys.argv[1]
    print("| topology | N | approximation | cells | ours | Yosys (map) | Yosys / ours | full synthesis |")
    print("|---|---|---|---|---|---|---|---|")
    for topology, n, variant in ROWS:
        extra = VARIANTS[variant] if variant != "pairs N/4" else ["--approx-pairs", str(n // 4)]
        args = ["-n", str(n), "--topology", topology, *extra]
        out = subprocess.run([axbnn, "circuit", *args, "--yosys", "--json", "--method", "monte-carlo",
                              "--samples", "64"], check=True, capture_output=True, text=True).stdout
        j = json.loads(out)
        ours, yosys = j["transistors"], j["yosys"]["transistors"]
        cells = ", ".join(f"{c} {k}" for k, c in sorted(j["counts"].items()) if c)
        ratio = yosys / ours
        full = f"{full_synthesis(axbnn, args)}" if abs(ratio - 1) > 0.10 else ""
        print(f"| {topology} | {n} | {variant} | {cells} | {ours} | {yosys} | {ratio:.3f} | {full} |")


if __name__ == "__main__":
    main()
