# SPDX-License-Identifier: MIT
"""ctest regs_generator_validation: scripts/regs/gen_regs.py accepts the real map and rejects
broken ones with a message that names the register (or block) and the YAML line."""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
GENERATOR = (os.environ.get("NICSIM_REGS_GENERATOR")
             or os.path.join(ROOT, "scripts", "regs", "gen_regs.py"))
REAL_YAML = os.environ.get("NICSIM_REGS_YAML") or os.path.join(ROOT, "rtl", "regs.yaml")

# A small valid map; each case below changes one thing in it.
GOOD = textwrap.dedent("""\
    address_width: 16
    data_width: 32
    blocks:
      - name: top
        tag: TOPB
        version: 0x00010000
        base: 0x0000
        size: 0x0100
        doc: first block
        registers:
          - name: CTRL
            offset: 0x10
            access: rw
            reset: 0x3
            fields:
              - {name: EN, bits: "0", doc: enable}
              - {name: MODE, bits: "2:1", doc: mode}
          - {name: COUNT, offset: 0x18, width: 64, access: ro, doc: a counter}
          - {name: KEY, offset: 0x20, count: 4, access: rw, doc: key words}
      - name: queues
        tag: QUES
        version: 0x00010000
        base: 0x0100
        size: 0x0200
        doc: second block
        array: {count: 4, offset: 0x40, stride: 0x40}
        registers:
          - {name: BASE, offset: 0x00, width: 64, access: rw, doc: ring base}
          - {name: PROD, offset: 0x08, access: rw, doc: producer}
    """)


def run(text, *extra):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "regs.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        outs = ["--sv", os.path.join(d, "p.sv"), "--hpp", os.path.join(d, "r.hpp"),
                "--md", os.path.join(d, "r.md")]
        p = subprocess.run([sys.executable, GENERATOR, *extra, *outs, path],
                           capture_output=True, text=True, check=False)
        made = all(os.path.exists(os.path.join(d, n)) for n in ("p.sv", "r.hpp", "r.md"))
        return p.returncode, p.stderr, made


def line_of(text, needle):
    return text.splitlines().index(next(l for l in text.splitlines() if needle in l)) + 1


class Generator(unittest.TestCase):
    def assert_rejected(self, text, *needles):
        rc, err, made = run(text)
        self.assertEqual(rc, 1, f"accepted a broken map; stderr:\n{err}")
        self.assertFalse(made, "wrote outputs for a broken map")
        for n in needles:
            self.assertIn(n, err)

    def test_good_map_accepted(self):
        rc, err, made = run(GOOD, "--strict")
        self.assertEqual(rc, 0, err)
        self.assertTrue(made)
        self.assertEqual(err, "")

    def test_real_map_accepted(self):
        with open(REAL_YAML, encoding="utf-8") as f:
            rc, err, made = run(f.read())
        self.assertEqual(rc, 0, err)
        self.assertTrue(made)

    def test_overlapping_registers(self):
        bad = GOOD.replace("{name: KEY, offset: 0x20", "{name: KEY, offset: 0x1C")
        self.assert_rejected(bad, "register KEY", "overlaps COUNT",
                             f"regs.yaml:{line_of(bad, 'name: KEY')}")

    def test_register_over_block_header(self):
        bad = GOOD.replace("offset: 0x10\n", "offset: 0x08\n", 1)
        self.assert_rejected(bad, "register CTRL", "overlaps BLOCK_NEXT")

    def test_misaligned_offset(self):
        bad = GOOD.replace("offset: 0x20, count", "offset: 0x22, count")
        self.assert_rejected(bad, "register KEY", "not 4-byte aligned")

    def test_misaligned_64bit(self):
        bad = GOOD.replace("offset: 0x18, width: 64", "offset: 0x2C, width: 64")
        self.assert_rejected(bad, "register COUNT", "not 8-byte aligned")

    def test_register_outside_block(self):
        bad = GOOD.replace("offset: 0x20, count: 4", "offset: 0xF8, count: 4")
        self.assert_rejected(bad, "register KEY", "outside the block")

    def test_register_outside_element(self):
        bad = GOOD.replace("{name: PROD, offset: 0x08", "{name: PROD, offset: 0x40")
        self.assert_rejected(bad, "register PROD", "outside the element")

    def test_array_outside_block(self):
        bad = GOOD.replace("array: {count: 4,", "array: {count: 8,")
        self.assert_rejected(bad, "block queues array", "beyond the block size")

    def test_duplicate_register(self):
        bad = GOOD.replace("{name: KEY,", "{name: COUNT,")
        self.assert_rejected(bad, "register COUNT", "duplicate register name")

    def test_duplicate_block(self):
        bad = GOOD.replace("name: queues", "name: top")
        self.assert_rejected(bad, "block top", "duplicate block name")

    def test_bad_tag(self):
        for tag in ("TOP", "TOPBX", "TÖPB", "TO B"):
            with self.subTest(tag=tag):
                self.assert_rejected(GOOD.replace("tag: TOPB", f"tag: \"{tag}\""),
                                     "block top", "4 printable ASCII")

    def test_field_beyond_31(self):
        bad = GOOD.replace('bits: "2:1"', 'bits: "32:1"')
        self.assert_rejected(bad, "register CTRL field MODE", "beyond bit 31")

    def test_fields_overlap(self):
        bad = GOOD.replace('bits: "2:1"', 'bits: "1:0"')
        self.assert_rejected(bad, "register CTRL field MODE", "overlap another field")

    def test_reset_too_wide(self):
        bad = GOOD.replace("{name: PROD, offset: 0x08,", "{name: PROD, offset: 0x08, "
                           "reset: 0x100000000,")
        self.assert_rejected(bad, "register PROD", "does not fit in 32 bits")

    def test_reset_outside_fields(self):
        bad = GOOD.replace("reset: 0x3", "reset: 0x9")
        self.assert_rejected(bad, "register CTRL", "outside the fields")

    def test_blocks_overlap(self):
        bad = GOOD.replace("base: 0x0100", "base: 0x0080")
        self.assert_rejected(bad, "block queues", "overlaps block top")

    def test_unknown_key(self):
        bad = GOOD.replace("access: ro, doc: a counter", "acess: ro, doc: a counter")
        self.assert_rejected(bad, "register COUNT", "missing 'access'", "unknown key(s): acess")

    def test_unquoted_comma_in_doc(self):
        bad = GOOD.replace("doc: producer}", "doc: producer, free-running}")
        rc, err, _ = run(bad)
        self.assertEqual(rc, 0, err)
        self.assertIn("warning", err)
        rc, err, made = run(bad, "--strict")
        self.assertEqual(rc, 1)
        self.assertFalse(made)
        self.assertIn("register PROD", err)
        self.assertIn("quote the doc", err)


    def test_sv_keyword_names_rejected(self):
        bad = GOOD.replace("{name: MODE,", "{name: TYPE,")
        self.assert_rejected(bad, "register CTRL field TYPE", "SystemVerilog keyword")
        bad = GOOD.replace("{name: KEY,", "{name: INPUT,")
        self.assert_rejected(bad, "register INPUT", "SystemVerilog keyword")


if __name__ == "__main__":
    unittest.main()
