#!/usr/bin/env python3
"""tools/engine_include_graph.py: the engine's folders include each other
without a cycle and never include Qt; the check finds both when they
appear."""

import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools", "engine_include_graph.py")


def run(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)


def tree(files):
    d = tempfile.TemporaryDirectory()
    for path, text in files.items():
        full = os.path.join(d.name, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write(text)
    return d


class EngineIncludeGraph(unittest.TestCase):
    def test_the_engine_is_layered_and_qt_free(self):
        r = run()
        self.assertEqual(r.returncode, 0, r.stderr)
        edges = set(line.split(" (")[0] for line in r.stdout.splitlines())
        self.assertIn("io -> bnn", edges)  # readers and writers of models
        self.assertNotIn("bnn -> io", edges)  # ... and never the other way round

    def test_a_cycle_is_found_with_the_includes_that_make_it(self):
        with tree({"a/x.h": '#include "b/y.h"\n', "b/y.h": '#include "c/z.h"\n',
                   "c/z.cpp": '#include "a/x.h"\n', "c/w.h": '#include <vector>\n'}) as d:
            r = run(d)
        self.assertEqual(r.returncode, 1)
        self.assertIn("cycle: a -> b -> c -> a", r.stderr)
        self.assertIn("c/z.cpp -> a/x.h", r.stderr)

    def test_a_qt_include_is_found(self):
        with tree({"a/x.cpp": "#include <QString>\n", "b/y.h": "#include <vector>\n"}) as d:
            r = run(d)
        self.assertEqual(r.returncode, 1)
        self.assertIn("a/x.cpp: includes <QString>", r.stderr)

    def test_dot_output(self):
        r = run("--dot")
        self.assertTrue(r.stdout.startswith("digraph engine {"))
        self.assertIn('"train" -> "bnn";', r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
