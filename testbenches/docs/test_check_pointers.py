# SPDX-License-Identifier: MIT
"""Self-test of scripts/docs/check-pointers.py on a temporary page and source file."""

import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.environ.get(
    "NICSIM_CHECK_POINTERS",
    os.path.join(HERE, "..", "..", "scripts", "docs", "check-pointers.py"))

SOURCE = [
    "module demo;",       # 1
    "  logic cpl_c;",     # 2
    "  logic ev_kind_d;",  # 3
    "endmodule",          # 4
]


class CheckPointers(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = self.tmp.name
        os.makedirs(os.path.join(self.root, "rtl"))
        self.write_source(SOURCE)
        self.page = os.path.join(self.root, "page.md")

    def tearDown(self):
        self.tmp.cleanup()

    def write_source(self, lines):
        with open(os.path.join(self.root, "rtl", "demo.sv"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")

    def write_page(self, text):
        with open(self.page, "w", encoding="utf-8") as f:
            f.write(text)

    def read_page(self):
        with open(self.page, encoding="utf-8") as f:
            return f.read()

    def run_check(self, *extra):
        return subprocess.run([sys.executable, SCRIPT, "--root", self.root, *extra, self.page],
                              capture_output=True, text=True, check=False)

    def test_good_pointer_passes(self):
        self.write_page("The event: `rtl/demo.sv:3` (`ev_kind_d`).\n")
        r = self.run_check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("1 pointers, 0 bad", r.stdout)

    def test_pointer_across_a_line_break(self):
        self.write_page("The event: `rtl/demo.sv:3`\n(`ev_kind_d`).\n")
        r = self.run_check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("1 pointers, 0 bad", r.stdout)

    def test_moved_symbol_fails_and_fix_repairs_it(self):
        self.write_page("The event: `rtl/demo.sv:3` (`ev_kind_d`), again `rtl/demo.sv:3` "
                        "(`ev_kind_d`).\n")
        self.write_source(SOURCE[:1] + ["  // filler"] * 20 + SOURCE[1:])  # now at line 23
        r = self.run_check()
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("page.md:1:", r.stdout)
        self.assertIn("nearest occurrence at rtl/demo.sv:23", r.stdout)
        r = self.run_check("--fix")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(self.read_page(), "The event: `rtl/demo.sv:23` (`ev_kind_d`), again "
                                           "`rtl/demo.sv:23` (`ev_kind_d`).\n")
        self.assertEqual(self.run_check().returncode, 0)

    def test_small_shift_passes_and_fix_snaps_it(self):
        self.write_page("`rtl/demo.sv:3` (`ev_kind_d`)\n")
        self.write_source(SOURCE[:1] + ["  // filler"] * 4 + SOURCE[1:])  # now at line 7
        r = self.run_check()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("1 within 10 lines but not on their symbol", r.stdout)
        self.assertEqual(self.run_check("--fix").returncode, 0)
        self.assertEqual(self.read_page(), "`rtl/demo.sv:7` (`ev_kind_d`)\n")

    def test_nearest_of_several_occurrences(self):
        self.write_source(["x"] * 30 + ["ev_kind_d"] + ["x"] * 30 + ["ev_kind_d"])  # 31, 62
        self.write_page("`rtl/demo.sv:50` (`ev_kind_d`)\n")
        r = self.run_check()
        self.assertEqual(r.returncode, 1)
        self.assertIn("nearest occurrence at rtl/demo.sv:62", r.stdout)

    def test_missing_file_fails(self):
        self.write_page("`rtl/gone.sv:3` (`ev_kind_d`)\n")
        r = self.run_check()
        self.assertEqual(r.returncode, 1)
        self.assertIn("no such file", r.stdout)
        self.assertEqual(self.run_check("--fix").returncode, 1)

    def test_missing_symbol_fails_and_fix_cannot_repair_it(self):
        text = "`rtl/demo.sv:3` (`ev_kind_q`) and `rtl/demo.sv:30` (`ev_kind_d`)\n"
        self.write_page(text)
        r = self.run_check()
        self.assertEqual(r.returncode, 1)
        self.assertIn("`ev_kind_q` does not occur in rtl/demo.sv", r.stdout)
        r = self.run_check("--fix")
        self.assertEqual(r.returncode, 1, r.stdout)
        # The repairable pointer is repaired, the other one left as it was.
        self.assertEqual(self.read_page(),
                         "`rtl/demo.sv:3` (`ev_kind_q`) and `rtl/demo.sv:3` (`ev_kind_d`)\n")

    def test_symbol_inside_a_longer_identifier_does_not_count(self):
        self.write_page("`rtl/demo.sv:2` (`cpl`)\n")
        r = self.run_check()
        self.assertEqual(r.returncode, 1)
        self.assertIn("does not occur", r.stdout)

    def test_page_without_pointers_fails(self):
        self.write_page("No pointers here, only `code` and rtl/demo.sv:3.\n")
        r = self.run_check()
        self.assertEqual(r.returncode, 1)
        self.assertIn("no pointers", r.stdout)


if __name__ == "__main__":
    unittest.main()
