#!/usr/bin/env python3
"""tools/evolve_popcount.py: the seed counts exactly, evolution keeps its
error bounds and never grows the area, a seed gives the same block, and the
written Verilog, read by `axbnn import-netlist` (path as the first argument,
when given), has the area and errors the script reports."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import evolve_popcount as ev  # noqa: E402

AXBNN = sys.argv.pop(1) if len(sys.argv) > 1 else None


class Evolve(unittest.TestCase):
    def test_seed_is_an_exact_count(self):
        for w in (3, 7, 9):
            gates, outputs = ev.exact_seed(w)
            self.assertEqual(ev.Evaluator(w).errors(gates, outputs), (0.0, 0.0, 0))

    def test_evolution_keeps_bounds_and_is_deterministic(self):
        quiet = lambda *_: None  # noqa: E731
        w = 8
        seed_gates, seed_outputs = ev.exact_seed(w)
        runs = [ev.evolve(w, 0.6, 0.05, 300, 4, 5, max_wce=2, log=quiet) for _ in range(2)]
        gates, outputs, (a, (mae, mean, wce)) = runs[0]
        self.assertEqual(runs[0], runs[1])
        self.assertLessEqual(mae, 0.6)
        self.assertLessEqual(abs(mean), 0.05)
        self.assertLessEqual(wce, 2)
        self.assertLess(a, ev.area(seed_gates, seed_outputs, w))  # 300 generations find something cheaper
        self.assertEqual(ev.Evaluator(w).errors(gates, outputs), (mae, mean, wce))

    @unittest.skipUnless(AXBNN, "pass the axbnn executable as the first argument")
    def test_axbnn_reads_the_same_block(self):
        gates, outputs, (a, (mae, mean, wce)) = ev.evolve(8, 0.6, 0.05, 300, 4, 5, log=lambda *_: None)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "pc8.v")
            ev.write_atomically(path, ev.verilog(gates, outputs, 8, "pc8"))
            out = subprocess.run([AXBNN, "import-netlist", path, "--json"], check=True, capture_output=True, text=True)
        j = json.loads(out.stdout)
        self.assertEqual(j["inputs"], 8)
        self.assertAlmostEqual(j["area_um2"], a, places=6)
        self.assertAlmostEqual(j["error"]["mae"], mae, places=12)
        self.assertAlmostEqual(j["error"]["mean_error"], mean, places=12)
        self.assertEqual(j["error"]["wce"], wce)


if __name__ == "__main__":
    unittest.main()
