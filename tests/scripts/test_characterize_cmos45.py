#!/usr/bin/env python3
"""tools/characterize_cmos45.py: every input transition is simulated once,
the cells have the transistor counts docs/cell-library.md states, and (when
ngspice is installed) re-simulating a cell reproduces the committed
tools/cmos45/cmos45_cells.json row."""

import itertools
import json
import os
import shutil
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import characterize_cmos45 as cz  # noqa: E402

TABLE = os.path.join(ROOT, "tools", "cmos45", "cmos45_cells.json")


def cell(name):
    return next(c for c in cz.CELLS if c[0] == name)


class Characterize(unittest.TestCase):
    def test_every_ordered_pair_of_input_combinations_once(self):
        for n in (2, 3):
            seq = cz.euler_sequence(n)
            pairs = list(zip(seq, seq[1:]))
            expected = [(u, v) for u, v in itertools.product(range(1 << n), repeat=2) if u != v]
            self.assertEqual(sorted(pairs), expected)

    def test_transistor_counts(self):
        counts = {c[0]: cz.transistor_count(c[5]) for c in cz.CELLS}
        # The AMA cells as the script builds them in static CMOS (docs/cell-library.md):
        # AMA5 is two buffers, AMA2 the MAJ-FA netlist.
        self.assertEqual(counts, {"fa": 28, "ha": 18, "xor2": 12, "xor3": 24, "maj-fa": 12, "maj": 12, "or-ha": 6,
                                  "ama1": 22, "ama2": 12, "ama3": 8, "ama4": 12, "ama5": 8,
                                  "and-pair": 6, "or-pair": 6})

    def test_committed_table_matches_the_cells(self):
        with open(TABLE) as f:
            rows = {c["name"]: c for c in json.load(f)["cells"]}
        for name, _, n, sum_table, carry_table, instances, _, _ in cz.CELLS:
            self.assertEqual(rows[name]["inputs"], n)
            self.assertEqual(rows[name]["sum"], sum_table)
            self.assertEqual(rows[name].get("carry"), carry_table)
            self.assertEqual(rows[name]["transistors"], cz.transistor_count(instances))

    @unittest.skipUnless(shutil.which("ngspice"), "ngspice is not installed (scripts/setup.sh --characterize)")
    def test_resimulation_reproduces_the_table(self):
        with open(TABLE) as f:
            committed = next(c for c in json.load(f)["cells"] if c["name"] == "or-ha")
        self.assertEqual(cz.characterize(cell("or-ha")), committed)


if __name__ == "__main__":
    unittest.main()
