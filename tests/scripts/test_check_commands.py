#!/usr/bin/env python3
"""scripts/check_commands.py: the project's scripts call only programs that a
fresh Debian 12 machine has after the set-up, and the checker finds a
program that is missing wherever a script calls it."""

import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECKER = os.path.join(ROOT, "scripts", "check_commands.py")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import check_commands  # noqa: E402

# Outside Debian's essential set and scripts/packages.txt: the programs that
# broke a fresh machine or could (bsdextrautils, xxd, bc, jq).
MISSING = ("column", "xxd", "bc", "jq")


def run_checker(*args):
    return subprocess.run([sys.executable, CHECKER, *args], capture_output=True, text=True)


class CheckCommands(unittest.TestCase):
    def test_every_project_script_passes(self):
        r = run_checker()
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(" 0 problems", r.stdout)
        scripts = check_commands.shell_scripts(ROOT)
        for s in ("scripts/run.sh", "scripts/setup.sh", "scripts/test.sh", ".ci/run",
                  "bench/run_inference_bench.sh", "sample_models/accuracy_table.sh"):
            self.assertIn(s, scripts)

    def test_missing_programs_are_found_wherever_they_are_called(self):
        script = """#!/usr/bin/env bash
set -euo pipefail
helper() { echo "$1"; }
column -s, -t < a.csv | cut -c1-150
x=$(xxd -p file)
if [ -n "$(echo 1 | bc)" ]; then env -u A B=1 jq . f.json; fi
helper ";" column
build/bin/axbnn circuit -n 9
python3 - <<'PY'
import column
xxd = 1
PY
echo "column xxd bc jq"
# a comment's apostrophe doesn't open a quote
y="$(jq -n 1)"
"""
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.sh")
            with open(path, "w") as f:
                f.write(script)
            r = run_checker(path)
        self.assertEqual(r.returncode, 1)
        lines = r.stderr.splitlines()
        found = sorted((line.split(":")[1], line.split("'")[1]) for line in lines)
        # One problem per call, with its line; nothing from strings, here-documents,
        # the function, builtins or project paths.
        self.assertEqual(found, [("15", "jq"), ("4", "column"), ("5", "xxd"), ("6", "bc"), ("6", "jq")])

    def test_a_script_may_name_what_it_installs_itself(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "tool.sh")
            with open(path, "w") as f:
                f.write("# check_commands: installs jq\napt-get install -y jq\njq . a.json\nbc < x\n")
            r = run_checker(path)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.splitlines()), 1)
        self.assertIn("'bc'", r.stderr)

    def test_the_path_folder_holds_exactly_the_allowed_programs(self):
        with tempfile.TemporaryDirectory() as d:
            folder = os.path.join(d, "bin")
            r = run_checker("--path-dir", folder, os.path.join(ROOT, "scripts", "run.sh"))
            self.assertEqual(r.returncode, 0, r.stderr)
            names = set(os.listdir(folder))
            for needed in ("bash", "cmake", "ninja", "g++", "python3", "yosys", "iverilog", "vvp", "pdftoppm",
                           "dpkg-query", "apt-get", "grep", "taskset"):
                self.assertIn(needed, names)
            for absent in MISSING:
                self.assertNotIn(absent, names)
            self.assertTrue(os.access(os.path.join(folder, "cmake"), os.X_OK))


if __name__ == "__main__":
    unittest.main(verbosity=2)
