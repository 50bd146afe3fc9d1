# SPDX-License-Identifier: MIT
"""ctest fmt_generator_validation: scripts/regs/gen_formats.py accepts the real formats and
rejects broken descriptions with a message that names the format (or enum), the field and the
YAML line."""
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
GENERATOR = (os.environ.get("NICSIM_FMT_GENERATOR")
             or os.path.join(ROOT, "scripts", "regs", "gen_formats.py"))
REAL_YAML = os.environ.get("NICSIM_FMT_YAML") or os.path.join(ROOT, "rtl", "formats.yaml")

# A small valid description; each case below changes one thing in it.
GOOD = textwrap.dedent("""\
    enums:
      - name: color
        width: 2
        doc: a color
        values:
          - {name: RED, value: 0, doc: red}
          - {name: BLUE, value: 2, doc: blue}
    formats:
      - name: desc
        title: A descriptor
        size: 16
        order: host
        doc: a host-order record
        fields:
          - {name: addr, bytes: "0:7", doc: address}
          - {name: len, bytes: "8:9", default: 64, doc: length}
          - name: flags
            bytes: "10:11"
            doc: flags
            bits:
              - {name: en, bits: "0", doc: enable}
              - {name: hue, bits: "3:2", enum: color, doc: hue}
          - {name: mac, bytes: "12:15", type: bytes, doc: bytes}
      - name: key
        title: A key
        size: 6
        order: network
        doc: a network-order key
        fields:
          - {name: port, bytes: "0:1", doc: port}
          - {name: ip, bytes: "2:5", doc: address}
    """)


def run(text, *outs):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "formats.yaml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        args = [sys.executable, GENERATOR, path]
        files = {}
        for kind in outs:
            files[kind] = os.path.join(d, "out." + kind)
            args += [f"--{kind}", files[kind]]
        p = subprocess.run(args, capture_output=True, text=True, check=False)
        texts = {}
        for kind, fp in files.items():
            if os.path.exists(fp):
                with open(fp, encoding="utf-8") as f:
                    texts[kind] = f.read()
        return p.returncode, p.stderr, texts


class Accepts(unittest.TestCase):
    def test_real_formats(self):
        with open(REAL_YAML, encoding="utf-8") as f:
            real = f.read()
        rc, err, out = run(real, "sv", "hpp", "md")
        self.assertEqual(rc, 0, err)
        self.assertIn("package nic_fmt_pkg;", out["sv"])
        self.assertIn("namespace nicsim::fmt {", out["hpp"])
        self.assertIn("## rx_cpl", out["md"])

    def test_good_layouts(self):
        rc, err, out = run(GOOD, "sv", "hpp", "md")
        self.assertEqual(rc, 0, err)
        sv = out["sv"]
        # host order: byte i at bits 8i+7..8i; network order: byte 0 most significant
        self.assertIn("localparam int DESC_LEN_LSB = 64;", sv)
        self.assertIn("localparam int DESC_HUE_LSB = 82;", sv)
        self.assertIn("localparam int KEY_PORT_LSB = 32;", sv)
        self.assertIn("localparam int KEY_IP_LSB = 0;", sv)
        self.assertIn("localparam logic [1:0] COLOR_BLUE = 2'd2;", sv)
        # an enum's width for the ports and registers that carry it (nic_top's phy_speed)
        self.assertIn("localparam int COLOR_WIDTH = 2;", sv)
        # the bits a decode keeps (flags: only en and hue) and a new record's vector
        self.assertIn("localparam logic [127:0] DESC_DEFINED = "
                      "128'hFFFFFFFF000DFFFFFFFFFFFFFFFFFFFF;", sv)
        self.assertIn("localparam logic [127:0] DESC_DEFAULT = 128'h400000000000000000;", sv)
        self.assertIn("localparam logic [47:0] KEY_DEFINED = 48'hFFFFFFFFFFFF;", sv)
        self.assertNotIn("KEY_DEFAULT", sv)
        # members from the most significant: host order lists the last byte first
        self.assertLess(sv.index("logic [31:0] mac;"), sv.index("logic [63:0] addr;"))
        self.assertLess(sv.index("logic [15:0] port;"), sv.index("logic [31:0] ip;"))
        hpp = out["hpp"]
        self.assertIn("inline constexpr IntField PORT{0, 2, true};", hpp)
        self.assertIn("inline constexpr IntField LEN{8, 2, false};", hpp)
        self.assertIn("static constexpr std::uint16_t kEn = 0x1u;", hpp)
        self.assertIn("static constexpr std::uint16_t kHueMask = 0xCu;", hpp)
        self.assertIn("[[nodiscard]] constexpr Color hue() const noexcept", hpp)

    def test_host_only_format(self):
        # sv: false keeps a format out of nic_fmt_pkg; C++ and the documentation still have it.
        text = GOOD.replace("order: network\n", "order: network\n    sv: false\n")
        rc, err, out = run(text, "sv", "hpp", "md")
        self.assertEqual(rc, 0, err)
        self.assertIn("DESC_LEN_LSB", out["sv"])
        self.assertNotIn("KEY_", out["sv"])
        self.assertNotIn("key_t", out["sv"])
        self.assertIn("namespace key {", out["hpp"])
        self.assertIn("struct Key {", out["hpp"])
        self.assertIn("## key", out["md"])
        self.assertIn("Host software only: not in `nic_fmt_pkg`.", out["md"])
        self.assertEqual(out["md"].count("Host software only"), 1)


class Rejects(unittest.TestCase):
    def assertRejects(self, text, *needles):
        rc, err, _ = run(text)
        self.assertEqual(rc, 1, f"accepted:\n{text}")
        for n in needles:
            self.assertIn(n, err)

    def test_overlapping_fields(self):
        self.assertRejects(GOOD.replace('bytes: "8:9"', 'bytes: "7:9"'),
                           "format desc.len", "byte 7 also belongs to field addr", "formats.yaml:")

    def test_beyond_size(self):
        self.assertRejects(GOOD.replace('bytes: "12:15"', 'bytes: "12:16"'),
                           "format desc.mac", "beyond the format's 16 bytes")

    def test_int_too_wide(self):
        self.assertRejects(GOOD.replace('{name: addr, bytes: "0:7"', '{name: addr, bytes: "0:8"')
                           .replace('"8:9"', '"9:9"'), "at most 8 bytes")

    def test_bits_overlap(self):
        self.assertRejects(GOOD.replace('bits: "3:2"', 'bits: "1:0"'), "desc.flags.hue",
                           "overlap another sub-field")

    def test_bits_beyond_field(self):
        self.assertRejects(GOOD.replace('bits: "3:2"', 'bits: "17:16"'),
                           "beyond the field's 16 bits")

    def test_unknown_enum(self):
        self.assertRejects(GOOD.replace("enum: color", "enum: colour"), "unknown enum 'colour'")

    def test_enum_value_too_wide(self):
        self.assertRejects(GOOD.replace("value: 2", "value: 4"), "enum color.BLUE",
                           "out of range")

    def test_enum_needs_more_bits(self):
        self.assertRejects(GOOD.replace('bits: "3:2"', 'bits: "2"'), "enum color needs 2 bits")

    def test_duplicate_value(self):
        self.assertRejects(GOOD.replace("value: 2", "value: 0"), "value 0 used twice")

    def test_duplicate_name(self):
        self.assertRejects(GOOD.replace("name: en,", "name: len,"),
                           "desc.flags.len", "name used twice in the format")

    def test_keyword(self):
        self.assertRejects(GOOD.replace("name: len,", "name: priority,"),
                           "SystemVerilog or C++ keyword")

    def test_bad_order(self):
        self.assertRejects(GOOD.replace("order: network", "order: big"), "'order' must be")

    def test_endian_in_network_order(self):
        self.assertRejects(GOOD.replace('{name: port, bytes: "0:1",',
                                        '{name: port, bytes: "0:1", endian: le,'),
                           "'endian' applies to int fields of host-order formats")

    def test_sv_not_bool(self):
        self.assertRejects(GOOD.replace("order: network\n", "order: network\n    sv: no_rtl\n"),
                           "format key", "'sv' must be true or false")

    def test_unknown_key(self):
        self.assertRejects(GOOD.replace("doc: length}", "doc: length, colour: red}"),
                           "unknown key(s): colour")

    def test_unquoted_comma(self):
        self.assertRejects(GOOD.replace("doc: length}", "doc: length, in bytes}"),
                           "became a key without value")


if __name__ == "__main__":
    unittest.main()
