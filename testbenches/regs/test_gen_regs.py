# SPDX-License-Identifier: MIT
"""ctest regs_generator_validation: scripts/regs/gen_regs.py accepts the real map and rejects
broken ones with a message that names the register (or block) and the YAML line; the register
file's port structs (nic_regs_pkg::<blk>_reg2hw_t / _hw2reg_t) have the documented members,
and the generated package and register file of a map with every register-file option pass
Verilator's lint and Yosys' elaboration."""
import os
import shutil
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


# GOOD with every register-file option, in a plain and in an array block: strobes, hardware
# writes, clear_on, w1 registers, fields (one and several, on a register array too).
RICH = GOOD.replace("""\
      - {name: KEY, offset: 0x20, count: 4, access: rw, doc: key words}
""", """\
      - {name: KEY, offset: 0x20, count: 4, access: rw, hw_write: true, doc: key words}
      - {name: CMD, offset: 0x30, access: w1, doc: a command}
      - name: STATUS
        offset: 0x34
        access: ro
        fields:
          - {name: CODE, bits: "7:0", doc: result}
          - {name: BUSY, bits: "31", doc: busy}
      - {name: DOORBELL, offset: 0x38, access: rw, strobe: true, doc: a doorbell}
""").replace("""\
      - {name: PROD, offset: 0x08, access: rw, doc: producer}
""", """\
      - {name: PROD, offset: 0x08, access: rw, strobe: true, clear_on: QCTRL.EN,
         fields: [{name: INDEX, bits: "15:0", doc: index}], doc: producer}
      - name: QCTRL
        offset: 0x0C
        access: rw
        strobe: true
        fields:
          - {name: EN, bits: "0", doc: enable}
          - {name: VPORT, bits: "15:8", doc: owner}
      - {name: CONS, offset: 0x10, access: ro, fields: [{name: INDEX, bits: "15:0", doc: i}],
         doc: consumer}
      - {name: ARM, offset: 0x14, access: w1, doc: re-arm}
      - name: PRIO
        offset: 0x18
        count: 2
        access: rw
        hw_write: true
        fields:
          - {name: LO, bits: "7:0", doc: low}
          - {name: HI, bits: "23:16", doc: high}
""")
assert RICH.count("DOORBELL") == 1 and RICH.count("PRIO") == 1


def generate(text, outs):
    """Runs the generator on `text` with output options {option: file name} in a temp dir;
    returns (returncode, stderr, {option: file contents}, dir)."""
    d = tempfile.mkdtemp()
    path = os.path.join(d, "regs.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    args = []
    for opt, name in outs.items():
        args += [opt, os.path.join(d, name)]
    p = subprocess.run([sys.executable, GENERATOR, *args, path], capture_output=True, text=True,
                       check=False)
    got = {}
    for opt, name in outs.items():
        if os.path.exists(os.path.join(d, name)):
            with open(os.path.join(d, name), encoding="utf-8") as f:
                got[opt] = f.read()
    return p.returncode, p.stderr, got, d


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


class PortStructs(unittest.TestCase):
    """nic_regs_pkg::<blk>_reg2hw_t / <blk>_hw2reg_t: one member per register, q/qe towards
    the hardware, d/de back; fields as members; array blocks: a port per leaf, sized by
    NUM_<BLK>."""

    def setUp(self):
        rc, err, got, self.dir = generate(RICH, {"--sv": "nic_regs_pkg.sv",
                                                 "--regfile": "nic_regfile.sv"})
        self.assertEqual(rc, 0, err)
        self.pkg = got["--sv"]
        self.regfile = got["--regfile"]

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def typedef(self, name):
        """The lines of `typedef struct packed { ... } name;`, whitespace-normalised."""
        lines = self.pkg.splitlines()
        end = next(i for i, l in enumerate(lines) if l.strip() == f"}} {name};")
        start = max(i for i in range(end) if lines[i].strip() == "typedef struct packed {")
        return [" ".join(l.split("//")[0].split()) for l in lines[start:end + 1]]

    def test_plain_block(self):
        r2h = self.typedef("top_reg2hw_t")
        self.assertEqual(r2h, [
            "typedef struct packed {",
            "struct packed {", "struct packed {", "logic [1:0] mode;", "logic en;", "} q;",
            "} ctrl;",
            "struct packed { logic [127:0] q; } key;",
            "struct packed { logic [31:0] q; logic qe; } cmd;",
            "struct packed { logic [31:0] q; logic qe; } doorbell;",
            "} top_reg2hw_t;"])
        h2r = self.typedef("top_hw2reg_t")
        self.assertEqual(h2r, [
            "typedef struct packed {",
            "struct packed { logic [63:0] d; } count;",
            "struct packed { logic [127:0] d; logic [3:0] de; } key;",
            "struct packed {", "struct packed {", "logic busy;", "logic [7:0] code;", "} d;",
            "} status;",
            "} top_hw2reg_t;"])

    def ports(self):
        """The register file's port declarations, whitespace-normalised."""
        return [" ".join(l.strip().rstrip(",").split()) for l in self.regfile.splitlines()
                if l.strip().startswith(("output ", "input "))]

    def test_array_block(self):
        # No struct: a port per leaf, NUM_QUEUES elements wide, the element width in the package.
        self.assertNotIn("queues_reg2hw_t", self.pkg)
        self.assertNotIn("queues_hw2reg_t", self.pkg)
        ports = self.ports()
        self.assertIn("output logic [NUM_QUEUES*64-1:0] queues_reg2hw_base_q", ports)
        self.assertIn("localparam int QUEUES_REG2HW_BASE_Q_W = 64;", self.pkg)
        # One field: the field's bits; a strobe: one bit per element.
        self.assertIn("output logic [NUM_QUEUES*16-1:0] queues_reg2hw_prod_q", ports)
        self.assertIn("output logic [NUM_QUEUES-1:0] queues_reg2hw_prod_qe", ports)
        self.assertIn("output logic [NUM_QUEUES*8-1:0] queues_reg2hw_qctrl_q_vport", ports)
        self.assertIn("output logic [NUM_QUEUES-1:0] queues_reg2hw_qctrl_q_en", ports)
        # w1: the written word once, the strobe per element.
        self.assertIn("output logic [31:0] queues_reg2hw_arm_q", ports)
        self.assertIn("localparam int QUEUES_REG2HW_ARM_Q_W = 32;", self.pkg)
        self.assertIn("output logic [NUM_QUEUES-1:0] queues_reg2hw_arm_qe", ports)
        # A register array with fields: element e, word i is entry e*2+i (2 x 8 bits each).
        self.assertIn("output logic [NUM_QUEUES*16-1:0] queues_reg2hw_prio_q_hi", ports)
        self.assertIn("input wire [NUM_QUEUES*16-1:0] queues_hw2reg_cons_d", ports)
        self.assertIn("input wire [NUM_QUEUES*2-1:0] queues_hw2reg_prio_de", ports)
        # A whole register goes out as its storage (no copy, no zero-extension).
        self.assertIn("assign queues_reg2hw_base_q = queues_base_q;", self.regfile)

    def test_regfile_ports(self):
        for port in ("output nic_regs_pkg::top_reg2hw_t top_reg2hw",
                     "input  nic_regs_pkg::top_hw2reg_t top_hw2reg"):
            self.assertIn(port, self.regfile)

    def tool(self, name):
        exe = shutil.which(name)
        if not exe:
            self.skipTest(f"{name} not installed")
        return exe

    def test_verilator_lint(self):
        verilator = self.tool("verilator")
        for n in (1, 3, 4):
            with self.subTest(NUM_QUEUES=n):
                p = subprocess.run([verilator, "--lint-only", "-Wall", "--top-module",
                                    "nic_regfile", f"-GNUM_QUEUES={n}", "nic_regs_pkg.sv",
                                    "nic_regfile.sv"], cwd=self.dir, capture_output=True,
                                   text=True, check=False)
                self.assertEqual(p.returncode, 0, p.stderr)

    def test_yosys_elaboration(self):
        yosys = self.tool("yosys")
        p = subprocess.run([yosys, "-q", "-p", "read_verilog -sv nic_regs_pkg.sv nic_regfile.sv; "
                            "chparam -set NUM_QUEUES 3 nic_regfile; "
                            "hierarchy -check -top nic_regfile; proc; check -assert"],
                           cwd=self.dir, capture_output=True, text=True, check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertNotIn("Warning", p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
