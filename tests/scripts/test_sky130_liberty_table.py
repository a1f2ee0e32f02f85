#!/usr/bin/env python3
"""tools/sky130_liberty_table.py on a small Liberty JSON of known values: the
point it reads, the slowest pin, the worse of two arcs per edge and the
input-pin energy."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "sky130_liberty_table.py")


def grid(center):
    """A 7x7 table whose entry [2][2] is center and every other entry 1.0."""
    values = [[1.0] * 7 for _ in range(7)]
    values[2][2] = center
    return {"index_1": [0.01] * 7, "index_2": [0.0005, 0.0013, 0.0034, 0.0088, 0.023, 0.06, 0.156], "values": values}


def row(center):
    values = [1.0] * 7
    values[2] = center
    return {"index_1": [0.01] * 7, "values": values}


CELL = {
    "pin,A": {"direction": "input", "internal_power": {"fall_power,power_inputs_1": row(0.004),
                                                       "rise_power,power_inputs_1": row(-0.003)}},
    "pin,B": {"direction": "input"},
    "pin,X": {
        "direction": "output",
        "timing": [
            {"related_pin": "A", "cell_rise,del_1_7_7": grid(0.2), "cell_fall,del_1_7_7": grid(0.1)},
            {"related_pin": "B", "cell_rise,del_1_7_7": grid(0.3), "cell_fall,del_1_7_7": grid(0.1)},
            {"related_pin": "B", "cell_rise,del_1_7_7": grid(0.1), "cell_fall,del_1_7_7": grid(0.5)},
        ],
        "internal_power": [
            {"related_pin": "A", "rise_power,power_outputs_1": grid(0.9), "fall_power,power_outputs_1": grid(0.9)},
            {"related_pin": "B", "rise_power,power_outputs_1": grid(0.012), "fall_power,power_outputs_1": grid(0.002)},
        ],
    },
}


class Sky130LibertyTable(unittest.TestCase):
    def test_reads_the_documented_point(self):
        with tempfile.TemporaryDirectory() as pdk:
            os.makedirs(os.path.join(pdk, "cells", "toy"))
            with open(os.path.join(pdk, "cells", "toy", "sky130_fd_sc_hd__toy_1__tt_025C_1v80.lib.json"), "w") as f:
                json.dump(CELL, f)
            out = subprocess.run([sys.executable, TOOL, pdk, "--cells", "toy"], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        # B is slowest: worst rise 0.3, worst fall 0.5 -> 400 ps; its energy (12 + 2) / 2 fJ.
        self.assertIn("| toy_1 | X | B | 0.0034 | 400.0 | 7.00 |", out.stdout)
        # Input pin A: (4 - 3) / 2 fJ per transition; B has no table.
        self.assertIn("| toy_1 | A | 4.0000 | -3.0000 | 0.5000 |", out.stdout)
        self.assertNotIn("| toy_1 | B |", out.stdout)

    def test_missing_file_is_named(self):
        with tempfile.TemporaryDirectory() as pdk:
            out = subprocess.run([sys.executable, TOOL, pdk, "--cells", "toy"], capture_output=True, text=True)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("sky130_fd_sc_hd__toy_1__tt_025C_1v80.lib.json", out.stderr)


if __name__ == "__main__":
    unittest.main()
