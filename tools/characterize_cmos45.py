#!/usr/bin/env python3
"""Characterises the transistor-level cells of the built-in `cmos45` library
(docs/cell-library.md, "The cmos45 library") by transient simulation with
ngspice and the open 45 nm BSIM4 predictive model card of tools/cmos45/, and
writes the table as a cell library file:

    python3 tools/characterize_cmos45.py > tools/cmos45/cmos45_cells.json

Needs ngspice (Debian package `ngspice`; scripts/packages-characterize.txt).
Method, for every cell (static CMOS, every nMOS W = 120 nm, every pMOS
W = 240 nm, L = 45 nm, VDD = 1.0 V, 27 C, 1 fF on every output):
  * one transient run steps the inputs through every ordered pair of distinct
    input combinations (an Euler circuit of the complete directed graph, so
    each of the 2^n (2^n - 1) transitions occurs once), 1 ns per step,
    20 ps input ramps from ideal sources;
  * delay of an output: the largest 50%-to-50% delay over the transitions
    that toggle it;
  * energy of a transition: VDD times the charge drawn from the supply in its
    1 ns step (the output loads included, the ideal input sources not);
    reported as the mean over all transitions, and split into energy per
    sum / carry transition and per input-pin transition by a least-squares
    fit with non-negative coefficients (the cost model's form,
    docs/cell-library.md);
  * area: transistor count x 0.25 um^2, a uniform layout estimate, so area
    ratios are transistor-count ratios.
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "cmos45", "45nm_MGK_car2_gidlgisl.pm")
VDD = 1.0
STEP = 1e-9  # seconds per input combination
RAMP = 20e-12
EDGE = 100e-12  # inputs switch this long after a step starts
LOAD = 1e-15
AREA_PER_TRANSISTOR = 0.25
WN, WP, L = "120n", "240n", "45n"

# Subcircuits: ports are inputs, then outputs, then vdd gnd. Each transistor
# line is "M<name> drain gate source bulk nmos|pmos".
GATES = {
    "inv": ("a y", ["P1 y a vdd vdd pmos", "N1 y a vss vss nmos"]),
    "nand2": ("a b y", ["P1 y a vdd vdd pmos", "P2 y b vdd vdd pmos", "N1 y a n1 vss nmos", "N2 n1 b vss vss nmos"]),
    "nor2": ("a b y", ["P1 p1 a vdd vdd pmos", "P2 y b p1 vdd pmos", "N1 y a vss vss nmos", "N2 y b vss vss nmos"]),
    # XOR: input inverters and an AOI22 computing NOT(a b + a' b').
    "xor2": (
        "a b y",
        [
            "P1 an a vdd vdd pmos", "N1 an a vss vss nmos", "P2 bn b vdd vdd pmos", "N2 bn b vss vss nmos",
            "P3 p1 a vdd vdd pmos", "P4 p1 b vdd vdd pmos", "P5 y an p1 vdd pmos", "P6 y bn p1 vdd pmos",
            "N3 y a n1 vss nmos", "N4 n1 b vss vss nmos", "N5 y an n2 vss nmos", "N6 n2 bn vss vss nmos",
        ],
    ),
    # Mirror carry stage: cb = NOT MAJ(a, b, c).
    "majb": (
        "a b c cb",
        [
            "N1 cb a n1 vss nmos", "N2 n1 b vss vss nmos", "N3 n2 a vss vss nmos", "N4 n2 b vss vss nmos",
            "N5 cb c n2 vss nmos", "P1 cb a p1 vdd pmos", "P2 p1 b vdd vdd pmos", "P3 p2 a vdd vdd pmos",
            "P4 p2 b vdd vdd pmos", "P5 cb c p2 vdd pmos",
        ],
    ),
    # y = NOT(a b + c) and y = NOT((a + b) c).
    "aoi21": (
        "a b c y",
        [
            "P1 p1 a vdd vdd pmos", "P2 p1 b vdd vdd pmos", "P3 y c p1 vdd pmos", "N1 y a n1 vss nmos",
            "N2 n1 b vss vss nmos", "N3 y c vss vss nmos",
        ],
    ),
    "oai21": (
        "a b c y",
        [
            "N1 y c n1 vss nmos", "N2 n1 a vss vss nmos", "N3 n1 b vss vss nmos", "P1 p1 a vdd vdd pmos",
            "P2 y b p1 vdd pmos", "P3 y c vdd vdd pmos",
        ],
    ),
    # AMA1's sum stage: y = NOT(c (a b + an cb)), an = NOT a, cb = NOT carry.
    "ama1sb": (
        "a b c an cb y",
        [
            "N1 y c n1 vss nmos", "N2 n1 a n2 vss nmos", "N3 n2 b vss vss nmos", "N4 n1 an n3 vss nmos",
            "N5 n3 cb vss vss nmos", "P1 y c vdd vdd pmos", "P2 p1 a vdd vdd pmos", "P3 p1 b vdd vdd pmos",
            "P4 y an p1 vdd pmos", "P5 y cb p1 vdd pmos",
        ],
    ),
    # Mirror sum stage: sb = NOT(abc + (a + b + c) cb).
    "sumb": (
        "a b c cb sb",
        [
            "N1 sb a n1 vss nmos", "N2 n1 b n2 vss nmos", "N3 n2 c vss vss nmos", "N4 sb cb n3 vss nmos",
            "N5 n3 a vss vss nmos", "N6 n3 b vss vss nmos", "N7 n3 c vss vss nmos", "P1 sb a p1 vdd pmos",
            "P2 p1 b p2 vdd pmos", "P3 p2 c vdd vdd pmos", "P4 sb cb p3 vdd pmos", "P5 p3 a vdd vdd pmos",
            "P6 p3 b vdd vdd pmos", "P7 p3 c vdd vdd pmos",
        ],
    ),
}

# Library cells: name, description, inputs, sum table, carry table (None:
# sum-only), instances "gate port...", sum node, carry node (a node "0" is a
# constant-0 output, built from no transistors).
CELLS = [
    ("fa", "exact full adder (28T mirror adder)", 3, "01101001", "00010111",
     ["majb a b c cb", "sumb a b c cb sb", "inv sb s", "inv cb co"], "s", "co"),
    ("ha", "exact half adder (XOR + NAND2 + inverter, 18T)", 2, "0110", "0001",
     ["xor2 a b s", "nand2 a b cn", "inv cn co"], "s", "co"),
    ("xor2", "sum-only half adder, top column (12T XOR)", 2, "0110", None, ["xor2 a b s"], "s", None),
    ("xor3", "sum-only full adder, top column (two 12T XORs)", 3, "01101001", None,
     ["xor2 a b t", "xor2 t c s"], "s", None),
    ("maj-fa", "MAJ-FA: mirror majority gate (S = NOT C) with output inverter (C), 12T", 3, "11101000", "00010111",
     ["majb a b c s", "inv s co"], "s", "co"),
    ("maj", "carry-only: mirror majority gate with output inverter, S = 0, 12T", 3, "00000000", "00010111",
     ["majb a b c cb", "inv cb co"], "0", "co"),
    ("or-ha", "OR half adder: NOR2 + inverter (S = a OR b), C = 0, 6T", 2, "0111", "0000",
     ["nor2 a b sn", "inv sn s"], "s", "0"),
    # The approximate mirror adders of Gupta et al., IEEE TCAD 32(1), 2013
    # (AMA1..AMA5; docs/cell-library.md): the published truth tables as
    # static CMOS gates of this file, not the paper's transistor netlists.
    ("ama1", "AMA1: C = b + a c, S = c (a XNOR b); AOI21 + sum gate + inverters, 22T", 3, "00001001", "00110111",
     ["aoi21 a c b cb", "inv cb co", "inv a an", "ama1sb a b c an cb sb", "inv sb s"], "s", "co"),
    ("ama2", "AMA2: C = MAJ(a,b,c), S = NOT C; mirror majority gate + output inverter, 12T", 3, "11101000",
     "00010111", ["majb a b c s", "inv s co"], "s", "co"),
    ("ama3", "AMA3: C = b + a c, S = NOT C; AOI21 + output inverter, 8T", 3, "11001000", "00110111",
     ["aoi21 a c b s", "inv s co"], "s", "co"),
    ("ama4", "AMA4: C = a (buffered), S = c (b + NOT a); OAI21 + inverters, 12T", 3, "00001011", "01010101",
     ["inv a an", "inv an co", "oai21 an b c sb", "inv sb s"], "s", "co"),
    ("ama5", "AMA5: S = b, C = a, two buffers, 8T", 3, "00110011", "01010101",
     ["inv b bn", "inv bn s", "inv a an", "inv an co"], "s", "co"),
    # Weighted AND/OR pair compression: one weight-2 bit, S = 0.
    ("and-pair", "AND pair: C = a AND b (weight 2), S = 0; NAND2 + inverter, 6T", 2, "0000", "0001",
     ["nand2 a b cn", "inv cn co"], "0", "co"),
    ("or-pair", "OR pair: C = a OR b (weight 2), S = 0; NOR2 + inverter, 6T", 2, "0000", "0111",
     ["nor2 a b cn", "inv cn co"], "0", "co"),
]
PINS = "abc"


def transistor_count(instances):
    return sum(len(GATES[i.split()[0]][1]) for i in instances)


def euler_sequence(n):
    """Input combinations visiting every ordered pair (u, v), u != v, once."""
    nodes = 1 << n
    unused = {u: [v for v in range(nodes) if v != u] for u in range(nodes)}
    stack, path = [0], []
    while stack:  # Hierholzer
        u = stack[-1]
        if unused[u]:
            stack.append(unused[u].pop())
        else:
            path.append(stack.pop())
    return path[::-1]


def netlist(cell, sequence, data_file):
    name, _, n, _, _, instances, sum_node, carry_node = cell
    lines = ["* %s" % name, ".include %s" % MODEL, ".option numdgt=10"]
    for gate, (ports, devices) in GATES.items():
        lines.append(".subckt %s %s vdd vss" % (gate, ports))
        for d in devices:
            parts = d.split()
            width = WP if parts[-1] == "pmos" else WN
            lines.append("M%s W=%s L=%s" % (d, width, L))
        lines.append(".ends")
    lines.append("vdd vdd 0 %g" % VDD)
    lines.append("vgnd vss 0 0")
    for pin in range(n):
        points = []
        for k, comb in enumerate(sequence):
            level = VDD * ((comb >> pin) & 1)
            t = k * STEP + EDGE
            if k == 0:
                points.append((0.0, level))
            else:
                prev = VDD * ((sequence[k - 1] >> pin) & 1)
                points += [(t, prev), (t + RAMP, level)]
        pwl = " ".join("%.6g %.6g" % p for p in points)
        lines.append("v%s %s 0 PWL(%s)" % (PINS[pin], PINS[pin], pwl))
    for k, inst in enumerate(instances):
        lines.append("x%d %s vdd vss %s" % (k, " ".join(inst.split()[1:]), inst.split()[0]))
    outputs = [o for o in (sum_node, carry_node) if o not in (None, "0")]
    for o in outputs:
        lines.append("cload_%s %s 0 %g" % (o, o, LOAD))
    stop = len(sequence) * STEP
    probes = " ".join(["v(%s)" % PINS[p] for p in range(n)] + ["v(%s)" % o for o in outputs] + ["i(vdd)"])
    lines += [
        ".control",
        "set wr_singlescale",
        "set wr_vecnames",
        "tran 1p %g 0 1p" % stop,
        "wrdata %s %s" % (data_file, probes),
        "quit",
        ".endc",
        ".end",
    ]
    return "\n".join(lines) + "\n", outputs


def simulate(cell):
    n = cell[2]
    sequence = euler_sequence(n)
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "out.txt")
        text, outputs = netlist(cell, sequence, data)
        deck = os.path.join(work, "cell.cir")
        with open(deck, "w") as f:
            f.write(text)
        run = subprocess.run(["ngspice", "-b", deck], capture_output=True, text=True)
        if run.returncode != 0 or not os.path.exists(data):
            sys.exit("ngspice failed on %s:\n%s%s" % (cell[0], run.stdout[-2000:], run.stderr[-2000:]))
        table = np.loadtxt(data, skiprows=1)
    time = table[:, 0]
    columns = {name: table[:, 1 + k] for k, name in enumerate([PINS[p] for p in range(n)] + outputs + ["i"])}
    return sequence, outputs, time, columns


def crossing(time, wave, start, stop, rising):
    """First time in [start, stop) where the wave crosses VDD/2 in the given direction."""
    mask = (time >= start) & (time < stop)
    t, v = time[mask], wave[mask]
    half = VDD / 2
    for k in range(1, len(v)):
        if (v[k - 1] < half <= v[k]) if rising else (v[k - 1] > half >= v[k]):
            return t[k - 1] + (half - v[k - 1]) * (t[k] - t[k - 1]) / (v[k] - v[k - 1])
    return None


def characterize(cell):
    name, description, n, sum_table, carry_table, instances, sum_node, carry_node = cell
    sequence, outputs, time, col = simulate(cell)
    tables = {"sum": sum_table, "carry": carry_table}
    nodes = {"sum": sum_node, "carry": carry_node}
    delays = {"sum": 0.0, "carry": 0.0}
    rows, energies = [], []
    for k in range(1, len(sequence)):
        u, v = sequence[k - 1], sequence[k]
        start, stop = k * STEP, (k + 1) * STEP
        mask = (time >= start) & (time < stop)
        charge = -np.trapz(col["i"][mask], time[mask])  # i(vdd) < 0 when the supply sources current
        energies.append(VDD * charge * 1e15)  # fJ
        toggles = []
        for out in ("sum", "carry"):
            table = tables[out]
            flips = table is not None and table[u] != table[v]
            toggles.append(1.0 if flips else 0.0)
            if flips and nodes[out] != "0":
                edge = crossing(time, col[nodes[out]], start, stop, table[v] == "1")
                if edge is None:
                    sys.exit("%s: output %s did not switch on %d -> %d" % (name, out, u, v))
                delays[out] = max(delays[out], (edge - (start + EDGE + RAMP / 2)) * 1e12)
        pins = [1.0 if ((u ^ v) >> p) & 1 else 0.0 for p in range(n)]
        rows.append(toggles + pins)
    a, e = np.array(rows), np.array(energies)
    # Non-negative least squares by elimination of negative coefficients.
    active = [j for j in range(a.shape[1]) if a[:, j].any()]
    while True:
        coef, *_ = np.linalg.lstsq(a[:, active], e, rcond=None)
        if (coef >= 0).all():
            break
        active = [j for j, c in zip(active, coef) if c >= 0]
    fit = np.zeros(a.shape[1])
    fit[active] = coef
    result = {
        "name": name,
        "description": description,
        "inputs": n,
        "sum": sum_table,
        "area_um2": round(transistor_count(instances) * AREA_PER_TRANSISTOR, 4),
        "transistors": transistor_count(instances),
        "delay_ps": {"sum": round(delays["sum"], 1), "carry": round(delays["carry"], 1)},
        "energy_fj": {"sum": round(fit[0], 3), "carry": round(fit[1], 3)},
        "input_energy_fj": [round(x, 3) for x in fit[2:]],
        "mean_energy_per_transition_fj": round(float(e.mean()), 3),
        "fit_rms_fj": round(float(np.sqrt(np.mean((a @ fit - e) ** 2))), 3),
        "transitions": len(e),
    }
    if carry_table is not None:
        result["carry"] = carry_table
    return result


def main():
    if not os.path.exists(MODEL):
        sys.exit("%s: model card missing" % MODEL)
    cells = [characterize(c) for c in CELLS]
    print(json.dumps({"source": "cmos45: ngspice, 45nm_MGK_car2_gidlgisl.pm, VDD 1.0 V, 1 fF loads "
                                "(tools/characterize_cmos45.py)", "cells": cells}, indent=1))


if __name__ == "__main__":
    main()
