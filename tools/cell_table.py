#!/usr/bin/python3
"""Every cell family and knob setting of a popcount of N inputs, under both
built-in libraries: area, energy, delay and the error statistics from
`axbnn circuit --json`, the Pareto front of area against MAE per library,
topology and N, and what dominates pure MAJ-FA (docs/cell-library.md).

    /usr/bin/python3 tools/cell_table.py build/bin/axbnn [-n 576 1600] > table.md
"""
import argparse
import json
import os
import subprocess
import sys

LIBRARIES = ("sky130", "cmos45")
TOPOLOGIES = ("adder-tree", "wallace")
# One list of designs: a label and the options that build it (N-independent,
# or a function of N for the pairs and the leaves).
FULL_ADDER_CELLS = ("maj-fa", "maj", "ama1", "ama3", "ama4", "ama5")  # ama2 = maj-fa
# The approximate 4:2 compressors (engine/circuit/compressors.cpp), Wallace and Dadda only.
COMPRESSORS = ("c42-hl", "c42-yin")


def designs(n, topology):
    out = [("exact", [])]
    for cell in FULL_ADDER_CELLS:
        for lsb in (1, 2, 3):
            out.append((f"{cell} LSB {lsb}", ["--cell", cell, "--approx-lsb", str(lsb)]))
    out.append(("maj-fa + or-ha LSB 2", ["--cell", "maj-fa", "--ha-cell", "or-ha", "--approx-lsb", "2"]))
    out.append(("maj-fa levels 1", ["--cell", "maj-fa", "--approx-levels", "1"]))
    for pairs in (n // 8, n // 4, n // 2):  # a quarter, half and all of the inputs paired
        out.append((f"pairs {pairs}", ["--approx-pairs", str(pairs)]))
    # Mixed popcounts: a cheaper cell where the weight is lowest.
    out.append(("mixed maj 0, maj-fa 1-2", ["--column-cells", "0:maj,1:maj-fa,2:maj-fa"]))
    out.append(("mixed ama5 0, maj-fa 1", ["--column-cells", "0:ama5,1:maj-fa"]))
    out.append(("mixed pairs n/4 + maj-fa LSB 1", ["--approx-pairs", str(n // 4), "--approx-lsb", "1"]))
    # Hierarchical: generated 16-input leaves, their first two levels approximate.
    out.append(("leaves 16, maj-fa levels 2", ["--leaf-width", "16", "--approx-levels", "2"]))
    if topology in ("wallace", "dadda"):
        for name in COMPRESSORS:
            for columns in (1, 2, 3):
                out.append((f"{name} columns {columns}", ["--compressor", name, "--approx-compressors", str(columns)]))
    return out


def run(axbnn, n, library, topology, options):
    cmd = [axbnn, "circuit", "-n", str(n), "--topology", topology, "--library", library, "--json",
           "--samples", "65536"] + options
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "failed"
    return json.loads(r.stdout), None


def pareto(rows):
    """Rows not dominated in (area, MAE): no other row is at most as large in both and smaller in one."""
    front = set()
    for i, a in enumerate(rows):
        if not any(b["area"] <= a["area"] and b["mae"] <= a["mae"] and (b["area"] < a["area"] or b["mae"] < a["mae"])
                   for j, b in enumerate(rows) if j != i):
            front.add(i)
    return front


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("axbnn")
    ap.add_argument("-n", type=int, nargs="+", default=[576, 1600])
    args = ap.parse_args()
    if not os.access(args.axbnn, os.X_OK):
        sys.exit(f"cell_table.py: {args.axbnn} is not an executable axbnn")
    for n in args.n:
        for library in LIBRARIES:
            for topology in TOPOLOGIES:
                rows = []
                for label, options in designs(n, topology):
                    j, err = run(args.axbnn, n, library, topology, options)
                    if j is None:
                        print(f"cell_table.py: N {n} {library} {topology} {label}: {err}", file=sys.stderr)
                        continue
                    e = j["error"]
                    rows.append({"label": label, "area": j["area_um2"], "energy": j["energy_fj"],
                                 "delay": j["delay_ps"], "mae": e["mae"], "mean": e["mean_error"],
                                 "rate": e["error_rate"], "method": e["method"]})
                front = pareto(rows)
                print(f"\n#### N = {n}, {library}, {topology}\n")
                print("| design | area um^2 | energy fJ | delay ps | MAE | mean error | error rate | analysis | front |")
                print("|---|---|---|---|---|---|---|---|---|")
                for i, r in enumerate(rows):
                    print(f"| {r['label']} | {r['area']:.1f} | {r['energy']:.1f} | {r['delay']:.0f} | {r['mae']:.3g} | "
                          f"{r['mean']:.3g} | {r['rate']:.3g} | {r['method']} | {'yes' if i in front else ''} |")
                # Who dominates pure MAJ-FA (each LSB setting), and by how much.
                notes = []
                for ref in (r for r in rows if r["label"].startswith("maj-fa LSB")):
                    better = [r for r in rows if r is not ref and r["area"] <= ref["area"] and r["mae"] <= ref["mae"]
                              and (r["area"] < ref["area"] or r["mae"] < ref["mae"])]
                    if better:
                        best = min(better, key=lambda r: r["area"])
                        notes.append(f"{ref['label']} is dominated by {len(better)} design(s); the cheapest, "
                                     f"{best['label']}, has {100 * (1 - best['area'] / ref['area']):.1f}% less area "
                                     f"and {100 * (1 - best['mae'] / ref['mae']):.1f}% less MAE")
                    else:
                        notes.append(f"{ref['label']}: nothing here dominates it")
                print()
                for note in notes:
                    print(f"* {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
