#!/usr/bin/env python3
"""The SKY130 figures of the built-in cell table (docs/cell-library.md, "Where
the numbers come from"), recomputed from the per-cell Liberty JSON files of
google/skywater-pdk-libs-sky130_fd_sc_hd:

    git clone https://github.com/google/skywater-pdk-libs-sky130_fd_sc_hd
    python3 tools/sky130_liberty_table.py skywater-pdk-libs-sky130_fd_sc_hd

For each output pin: the slowest input pin's arc, mean of cell_rise and
cell_fall (per edge the worse of several arcs of that pin) at the 3rd input
transition and the 3rd load index, in ps; the output's internal energy, mean
of rise_power and fall_power of that pin's internal_power entries at the same
point, in fJ. For each input pin with internal_power: the mean of its
rise_power and fall_power at the 3rd input transition, in fJ per input
transition. Prints the Markdown tables of docs/cell-library.md."""

import argparse
import json
import os
import sys

CELLS = ["fa", "ha", "maj3", "inv", "xor2", "xor3", "or2"]
POINT = 2  # 3rd index_1 entry (0.0531 ns) and 3rd index_2 entry (about 3.4 fF)


def table_value(group, prefix, point2=True):
    """The value at the chosen point of the first table whose key starts with prefix."""
    for key, table in group.items():
        if key.split(",")[0] == prefix:
            values = table["values"]
            return (values[POINT][POINT] if point2 else values[POINT]), table
    return None, None


def as_list(x):
    return x if isinstance(x, list) else [x]


def load(pdk, cell):
    path = os.path.join(pdk, "cells", cell, "sky130_fd_sc_hd__%s_1__tt_025C_1v80.lib.json" % cell)
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("%s: %s" % (path, e))


def output_rows(cell, lib):
    rows = []
    for key, pin in sorted(lib.items()):
        if not key.startswith("pin,") or pin.get("direction") != "output":
            continue
        arcs = {}  # related pin -> {edge: worst delay}
        load_pf = None
        for arc in as_list(pin.get("timing", [])):
            for edge in ("cell_rise", "cell_fall"):
                value, table = table_value(arc, edge)
                if value is None:
                    continue
                load_pf = table["index_2"][POINT]
                worst = arcs.setdefault(arc["related_pin"], {})
                worst[edge] = max(worst.get(edge, 0.0), value)
        delays = {p: (e.get("cell_rise", 0.0) + e.get("cell_fall", 0.0)) / 2 for p, e in arcs.items()}
        slowest = max(delays, key=delays.get)
        energies = []
        for entry in as_list(pin.get("internal_power", [])):
            if entry.get("related_pin") != slowest:
                continue
            rise, _ = table_value(entry, "rise_power")
            fall, _ = table_value(entry, "fall_power")
            energies.append((rise + fall) / 2)
        energy = sum(energies) / len(energies) if energies else 0.0
        rows.append((cell + "_1", key[4:], slowest, load_pf, delays[slowest] * 1000, energy * 1000))
    return rows


def input_rows(cell, lib):
    rows = []
    for key, pin in sorted(lib.items()):
        if not key.startswith("pin,") or pin.get("direction") != "input" or "internal_power" not in pin:
            continue
        for entry in as_list(pin["internal_power"]):
            rise, _ = table_value(entry, "rise_power", point2=False)
            fall, _ = table_value(entry, "fall_power", point2=False)
            rows.append((cell + "_1", key[4:], fall * 1000, rise * 1000, (rise + fall) / 2 * 1000))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdk", help="checkout of google/skywater-pdk-libs-sky130_fd_sc_hd")
    parser.add_argument("--cells", default=",".join(CELLS), help="comma-separated cell names (default: %(default)s)")
    args = parser.parse_args()
    outputs, inputs = [], []
    for cell in args.cells.split(","):
        lib = load(args.pdk, cell)
        outputs += output_rows(cell, lib)
        inputs += input_rows(cell, lib)
    print("| liberty cell | output | slowest pin | load (pF) | delay (ps) | internal energy (fJ) |")
    print("|---|---|---|---|---|---|")
    for c, o, p, load_pf, d, e in outputs:
        print("| %s | %s | %s | %g | %.1f | %.2f |" % (c, o, p, load_pf, d, e))
    print()
    print("| liberty cell | input pin | fall (fJ) | rise (fJ) | energy per transition (fJ) |")
    print("|---|---|---|---|---|")
    for c, p, fall, rise, mean in inputs:
        print("| %s | %s | %.4f | %.4f | %.4f |" % (c, p, fall, rise, mean))


if __name__ == "__main__":
    main()
