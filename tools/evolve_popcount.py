#!/usr/bin/env python3
"""Evolves a cheaper approximate W-input popcount block of logic gates.

A small (1 + lambda) evolution strategy in the style of Cartesian genetic
programming: the genome is a list of two-input gates over the inputs and
earlier gates plus the output bits' signals, seeded with an exact adder tree
of gates. A mutation rewires a gate input, changes a gate's function or
re-points an output; an offspring replaces its parent when its area (SKY130
gate areas of docs/cell-library.md "Logic gates", active gates only) is not
larger and its errors, computed exhaustively over all 2^W input vectors
(inputs uniform, p = 0.5), stay within --max-mae, --max-bias and --max-wce
(without the last, rare errors of 10 and more appear at MAE 0.8).

The result is written as gate-level Verilog that `axbnn import-netlist` and
`--leaf` read (docs/hierarchical-popcounts.md):

    /usr/bin/python3 tools/evolve_popcount.py --inputs 16 --max-mae 0.5 \\
        --generations 4000 --seed 1 --out pc16_evo.v

Deterministic for a seed. Prints the seed's and the result's area, MAE, mean
error and worst-case error.
"""

import argparse
import os
import random
import sys
import tempfile

import numpy as np

# Gate functions over packed uint64 words, and their SKY130 areas (um^2,
# engine/circuit/gate_cells.cpp).
GATES = {
    "and": (lambda a, b: a & b, "&", 6.256),
    "or": (lambda a, b: a | b, "|", 6.256),
    "xor": (lambda a, b: a ^ b, "^", 8.7584),
    "nand": (lambda a, b: ~(a & b), "~&", 3.7536),
    "nor": (lambda a, b: ~(a | b), "~|", 3.7536),
    "xnor": (lambda a, b: ~(a ^ b), "~^", 8.7584),
}
NAMES = sorted(GATES)


def input_words(w):
    """Signal i < w over all 2^w vectors, 64 vectors per word (vector v has bit i of v)."""
    v = np.arange(1 << w, dtype=np.uint64)
    words = []
    for i in range(w):
        bits = ((v >> np.uint64(i)) & np.uint64(1)).astype(np.uint8)
        words.append(np.packbits(bits.reshape(-1, 8)[:, ::-1]).view(np.uint64) if w >= 6 else bits)
    return words


def exact_seed(w):
    """An exact popcount of gates: full adders (2 xor, 2 and, 1 or) in an adder tree."""
    gates = []

    def gate(op, a, b):
        gates.append([op, a, b])
        return w + len(gates) - 1

    def full(a, b, c):
        t = gate("xor", a, b)
        return gate("xor", t, c), gate("or", gate("and", a, b), gate("and", t, c))

    def half(a, b):
        return gate("xor", a, b), gate("and", a, b)

    def add(x, y):  # ripple-carry addition of bit lists, least significant first
        out, carry = [], None
        for j in range(max(len(x), len(y))):
            bits = [b for b in (x[j] if j < len(x) else None, y[j] if j < len(y) else None, carry) if b is not None]
            if len(bits) == 1:
                out.append(bits[0])
                carry = None
            elif len(bits) == 2:
                s, carry = half(*bits)
                out.append(s)
            else:
                s, carry = full(*bits)
                out.append(s)
        if carry is not None:
            out.append(carry)
        return out

    operands = [[i] for i in range(w)]
    while len(operands) > 1:
        operands = [add(operands[k], operands[k + 1]) if k + 1 < len(operands) else operands[k]
                    for k in range(0, len(operands), 2)]
    return gates, operands[0]


class Evaluator:
    def __init__(self, w):
        self.w = w
        self.inputs = input_words(w)
        n = 1 << w
        self.count = np.array([bin(v).count("1") for v in range(n)], dtype=np.int64)
        self.n = n

    def values(self, gates, outputs):
        sig = list(self.inputs)
        for op, a, b in gates:
            sig.append(GATES[op][0](sig[a], sig[b]))
        value = np.zeros(self.n, dtype=np.int64)
        for j, s in enumerate(outputs):
            word = sig[s]
            if self.w >= 6:
                bits = np.unpackbits(word.view(np.uint8)).reshape(-1, 8)[:, ::-1].reshape(-1)
            else:
                bits = word & 1
            value += bits.astype(np.int64) << j
        return value

    def errors(self, gates, outputs):
        e = self.values(gates, outputs) - self.count
        return float(np.abs(e).mean()), float(e.mean()), int(np.abs(e).max())


def active(gates, outputs, w):
    """Indices of the gates some output depends on."""
    used, stack = set(), [s for s in outputs if s >= w]
    while stack:
        s = stack.pop()
        if s in used:
            continue
        used.add(s)
        _, a, b = gates[s - w]
        stack.extend(x for x in (a, b) if x >= w)
    return used


def area(gates, outputs, w):
    return sum(GATES[gates[s - w][0]][2] for s in active(gates, outputs, w))


def mutate(gates, outputs, w, rng):
    gates = [list(g) for g in gates]
    outputs = list(outputs)
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.1:
            j = rng.randrange(len(outputs))
            outputs[j] = rng.randrange(w + len(gates))
            continue
        k = rng.randrange(len(gates))
        what = rng.randrange(3)
        if what == 0:
            gates[k][0] = rng.choice(NAMES)
        else:
            gates[k][what] = rng.randrange(w + k)  # an input or an earlier gate: no loops
    return gates, outputs


def verilog(gates, outputs, w, module, note=""):
    keep = active(gates, outputs, w)

    def name(s):
        return "x[%d]" % s if s < w else "n%d" % s

    lines = ["// Evolved by tools/evolve_popcount.py (docs/hierarchical-popcounts.md)%s." % note,
             "module %s(input wire [%d:0] x, output wire [%d:0] y);" % (module, w - 1, len(outputs) - 1)]
    for s in sorted(keep):
        lines.append("  wire n%d;" % s)
    for s in sorted(keep):
        op, a, b = gates[s - w]
        sym = GATES[op][1]
        if sym.startswith("~"):
            lines.append("  assign n%d = ~(%s %s %s);" % (s, name(a), sym[1:], name(b)))
        else:
            lines.append("  assign n%d = %s %s %s;" % (s, name(a), sym, name(b)))
    for j, s in enumerate(outputs):
        lines.append("  assign y[%d] = %s;" % (j, name(s)))
    lines.append("endmodule")
    return "\n".join(lines) + "\n"


def write_atomically(path, text):
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".evolve-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def evolve(w, max_mae, max_bias, generations, offspring, seed, max_wce=None, log=print):
    rng = random.Random(seed)
    ev = Evaluator(w)
    gates, outputs = exact_seed(w)
    best = (area(gates, outputs, w), ev.errors(gates, outputs))
    log("seed:   area %.1f um^2, MAE %.4f, mean error %+.4f, WCE %d" % (best[0], *best[1]))
    for g in range(generations):
        for _ in range(offspring):
            cg, co = mutate(gates, outputs, w, rng)
            a = area(cg, co, w)
            if a > best[0]:
                continue
            mae, mean, wce = ev.errors(cg, co)
            if mae <= max_mae and abs(mean) <= max_bias and (max_wce is None or wce <= max_wce):
                gates, outputs, best = cg, co, (a, (mae, mean, wce))
        if (g + 1) % 1000 == 0:
            log("gen %d: area %.1f um^2, MAE %.4f, mean error %+.4f, WCE %d" % (g + 1, best[0], *best[1]))
    return gates, outputs, best


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--inputs", type=int, default=16, help="block inputs W, 2..20 (default 16)")
    p.add_argument("--max-mae", type=float, default=0.5, help="largest accepted MAE (default 0.5)")
    p.add_argument("--max-bias", type=float, default=0.05, help="largest accepted |mean error| (default 0.05)")
    p.add_argument("--max-wce", type=int, default=4, help="largest accepted worst-case error (default 4)")
    p.add_argument("--generations", type=int, default=4000)
    p.add_argument("--offspring", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--module", default="popcount")
    p.add_argument("--out", required=True, help="Verilog file to write (atomically)")
    a = p.parse_args(argv)
    if not 2 <= a.inputs <= 20:
        p.error("--inputs must be from 2 to 20, got %d" % a.inputs)
    if a.generations < 0 or a.offspring < 1 or a.max_mae < 0 or a.max_bias < 0 or a.max_wce < 0:
        p.error("--generations, --max-mae, --max-bias and --max-wce must be >= 0 and --offspring >= 1")
    gates, outputs, best = evolve(a.inputs, a.max_mae, a.max_bias, a.generations, a.offspring, a.seed, a.max_wce)
    note = ": --inputs %d --max-mae %g --max-bias %g --max-wce %d --generations %d --offspring %d --seed %d" % (
        a.inputs, a.max_mae, a.max_bias, a.max_wce, a.generations, a.offspring, a.seed)
    note += "\n// area %.1f um^2 (SKY130 gates), MAE %.4f, mean error %+.4f, WCE %d (all inputs, p = 0.5)" % (
        best[0], *best[1])
    write_atomically(a.out, verilog(gates, outputs, a.inputs, a.module, note))
    print("result: area %.1f um^2, MAE %.4f, mean error %+.4f, WCE %d -> %s" % (best[0], *best[1], a.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
