#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_formats.py: the format generator of nicsim.

Reads rtl/formats.yaml (the single source of every descriptor, completion, flow-command slot,
table record and key, and of their enumerations; its header comment defines the schema),
validates it strictly and writes any of:

  --sv  FILE   SystemVerilog package nic_fmt_pkg (committed as rtl/nic_fmt_pkg.sv; without the
               formats marked `sv: false`, which only host software reads and writes)
  --hpp FILE   C++20 header nicsim/regs/nic_formats.hpp (namespace nicsim::fmt)
  --md  FILE   docs/formats.md

usage: gen_formats.py [--sv FILE] [--hpp FILE] [--md FILE] FORMATS_YAML
       (no output option: validate only)

Every error names the format or enum, the field and the YAML line; the script exits with
status 1 (2 for usage errors). Shares the YAML loader, the checks and the file writer of
gen_regs.py (the register-map generator beside it).

Naming (format FMT with field FLD and sub-field SUB, enum ENM with value VAL):
  SystemVerilog (package nic_fmt_pkg, names upper case):
    FMT_BYTES, FMT_W                       size in bytes and bits
    FMT_DEFINED                            the bits of the vector that belong to a field (to a
                                           sub-field, for a field with sub-fields): what the
                                           C++ encode(decode(x)) keeps; reserved bits are 0
    FMT_DEFAULT                            the vector of a new record (the C++ Fmt{}.encode():
                                           the fields' defaults), for formats with defaults
    FMT_FLD_OFF, FMT_FLD_BYTES             byte offset and size of a field
    FMT_FLD_LSB, FMT_FLD_W                 its bit position and width in the format's vector
    FMT_SUB_LSB, FMT_SUB_W                 a sub-field's bit position (in the vector) and width
    fmt_t                                  packed struct of the whole format (reserved bytes
                                           as rsvd_<offset> members), fmt_fld_t for a field
                                           with sub-fields
    ENM_VAL                                enum value, logic [width-1:0]
    ENM_WIDTH                              the enum's width (ports and registers that carry it)
  Vector layout: order `host`: byte i at bits [8i+7:8i] (a little-endian integer field is its
  value; a `bytes` field has its first byte in its low bits); order `network`: byte 0 is the
  most significant byte (big-endian integers are their value; a `bytes` field has its first
  byte in its high bits).
  C++ (namespace nicsim::fmt):
    enum class Enm { kVal = ... }; to_string(Enm); kEnmWidth
    namespace fmt_ { kBytes; IntField FLD{offset, size, big_endian}; BytesField FLD{offset,
                     size}; BitField SUB{FLD, lsb, width} }   in-place access to raw bytes
    struct Fmt { kBytes; one member per field (the smallest unsigned integer, the enum, or
                 std::array<std::uint8_t, N>); per sub-field a getter sub() and a setter
                 set_sub(v) returning *this, and the constant kSub (1-bit: its mask in the
                 field) or kSubShift / kSubMask; encode(span), encode(), decode(span) }
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_regs  # noqa: E402  (the loader, checks and writer are shared)
from gen_regs import Ctx, RegsError, _int, _keys, _md_cell, _name, _parse_bits, _src_rel  # noqa: E402,E501

TOP_KEYS = {"enums", "formats"}
ENUM_KEYS = {"name", "width", "doc", "values"}
VALUE_KEYS = {"name", "value", "doc"}
FORMAT_KEYS = {"name", "title", "size", "order", "doc", "fields", "cpp_name", "sv"}
FIELD_KEYS = {"name", "bytes", "doc", "type", "endian", "enum", "bits", "default"}
SUB_KEYS = {"name", "bits", "enum", "doc"}
LOWER_RE = re.compile(r"^[a-z][a-z0-9_]*$")
UPPER_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
ORDERS = ("host", "network")
# Names that would be keywords in SystemVerilog or C++ once generated.
RESERVED = {"priority", "unique", "type", "bit", "byte", "int", "logic", "reg", "wire", "input",
            "output", "module", "begin", "end", "case", "default", "const", "do", "for", "if",
            "else", "while", "struct", "union", "enum", "class", "new", "delete", "and", "or",
            "not", "xor", "final", "static", "void", "string", "small", "medium", "large",
            "time", "real", "table", "event", "signed", "unsigned", "assert", "cover", "property",
            "sequence", "package", "interface", "return", "break", "continue", "this", "super",
            "inside", "dist", "with", "matches", "tagged", "wait", "force", "release", "fork",
            "join", "task", "function", "config", "cell", "design", "library", "use"}


def camel(name):
    return "".join(p[:1].upper() + p[1:] for p in name.lower().split("_"))


def _text(ctx, where, line, d, key, required=True):
    v = d.get(key)
    if v is None:
        if required:
            ctx.err(where, line, f"missing '{key}'")
        return ""
    if not isinstance(v, str):
        ctx.err(where, line, f"'{key}' must be a string, not {v!r}")
        return str(v)
    return " ".join(v.split())


def _lname(ctx, where, line, name, regex=LOWER_RE, what="lower_snake_case", member=True):
    _name(ctx, where, line, name)
    if member and isinstance(name, str) and name.lower() in RESERVED:
        ctx.err(where, line, f"name {name!r} is a SystemVerilog or C++ keyword")
    if isinstance(name, str) and not regex.match(name):
        ctx.err(where, line, f"name {name!r} must be {what}")


def _entries(ctx, items, where, line, what, keys):
    """Yields (mapping, line, name, where) for each mapping of a YAML list; non-mappings and
    unknown keys are errors."""
    for d in items or []:
        dline = d.get("__line__") if isinstance(d, dict) else line
        if not isinstance(d, dict):
            ctx.err(where, dline, f"each {what} must be a mapping")
            continue
        name = d.get("name", "")
        dwhere = f"{where}.{name}" if where else f"{what} {name}"
        _keys(ctx, dwhere, dline, d, keys)
        yield d, dline, name, dwhere


def _byte_range(ctx, where, line, spec, size):
    s = str(spec)
    m = re.fullmatch(r"\s*(\d+)\s*(?::\s*(\d+)\s*)?", s)
    if not m:
        ctx.err(where, line, f"bytes {s!r} must be \"first:last\" or \"n\"")
        return None
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) is not None else first
    if last < first:
        ctx.err(where, line, f"bytes {s!r}: last < first")
        return None
    if last >= size:
        ctx.err(where, line, f"bytes {s!r} beyond the format's {size} bytes")
        return None
    return first, last - first + 1


def validate(raw, path):
    """Returns the normalised model or raises RegsError with every problem found."""
    ctx = Ctx(path, strict=True)
    if not isinstance(raw, dict):
        raise RegsError(f"{os.path.basename(path)}: the top level must be a mapping")
    _keys(ctx, "", raw.get("__line__"), raw, TOP_KEYS)
    enums = {}
    enum_list = []
    for e, line, name, where in _entries(ctx, raw.get("enums"), "", None, "enum", ENUM_KEYS):
        _lname(ctx, where, line, name, member=False)
        if name in enums:
            ctx.err(where, line, "defined twice")
        width = _int(ctx, where, line, e, "width", lo=1, hi=32)
        doc = _text(ctx, where, line, e, "doc")
        values = []
        seen_n, seen_v = set(), set()
        for v, vline, vn, vwhere in _entries(ctx, e.get("values"), where, line, "value",
                                             VALUE_KEYS):
            _lname(ctx, vwhere, vline, vn, UPPER_RE, "UPPER_SNAKE_CASE", member=False)
            val = _int(ctx, vwhere, vline, v, "value", lo=0,
                       hi=(1 << width) - 1 if isinstance(width, int) else None)
            if vn in seen_n:
                ctx.err(vwhere, vline, "name used twice")
            if val in seen_v:
                ctx.err(vwhere, vline, f"value {val} used twice")
            seen_n.add(vn)
            seen_v.add(val)
            values.append({"name": vn, "value": val, "doc": _text(ctx, vwhere, vline, v, "doc")})
        if not values:
            ctx.err(where, line, "no values")
        enums[name] = {"name": name, "width": width, "doc": doc, "values": values}
        enum_list.append(enums[name])

    formats = []
    fnames = set()
    for f, line, name, where in _entries(ctx, raw.get("formats"), "", None, "format",
                                         FORMAT_KEYS):
        _lname(ctx, where, line, name)
        if name in fnames:
            ctx.err(where, line, "defined twice")
        fnames.add(name)
        size = _int(ctx, where, line, f, "size", lo=1, hi=4096) or 1
        order = f.get("order")
        if order not in ORDERS:
            ctx.err(where, line, f"'order' must be one of {', '.join(ORDERS)}, not {order!r}")
            order = "host"
        in_sv = f.get("sv", True)
        if not isinstance(in_sv, bool):
            ctx.err(where, line, f"'sv' must be true or false, not {in_sv!r}")
            in_sv = True
        fmt = {"name": name, "title": _text(ctx, where, line, f, "title"), "size": size,
               "order": order, "doc": _text(ctx, where, line, f, "doc"),
               "cpp": f.get("cpp_name") or camel(name), "sv": in_sv, "fields": []}
        used = [None] * size
        names = set()
        for fd, fline, fn, fwhere in _entries(ctx, f.get("fields"), where, line, "field",
                                              FIELD_KEYS):
            _lname(ctx, fwhere, fline, fn)
            if fn in names:
                ctx.err(fwhere, fline, "name used twice in the format")
            names.add(fn)
            rng = _byte_range(ctx, fwhere, fline, fd.get("bytes", ""), size)
            if rng is None:
                continue
            off, n = rng
            for b in range(off, off + n):
                if used[b] is not None:
                    ctx.err(fwhere, fline, f"byte {b} also belongs to field {used[b]}")
                used[b] = fn
            typ = fd.get("type", "int")
            if typ not in ("int", "bytes"):
                ctx.err(fwhere, fline, f"'type' must be int or bytes, not {typ!r}")
            endian = fd.get("endian")
            if endian is not None and endian not in ("le", "be"):
                ctx.err(fwhere, fline, f"'endian' must be le or be, not {endian!r}")
            if endian is not None and (order == "network" or typ == "bytes"):
                ctx.err(fwhere, fline, "'endian' applies to int fields of host-order formats")
            be = order == "network" or endian == "be"
            if typ == "int" and n > 8:
                ctx.err(fwhere, fline, f"an int field has at most 8 bytes, not {n}: use type bytes")
            enum = fd.get("enum")
            if enum is not None and enum not in enums:
                ctx.err(fwhere, fline, f"unknown enum {enum!r}")
            if enum is not None and typ != "int":
                ctx.err(fwhere, fline, "'enum' needs an int field")
            default = None
            if "default" in fd:
                if typ != "int" or enum is not None or "bits" in fd:
                    ctx.err(fwhere, fline, "'default' applies to plain int fields")
                default = _int(ctx, fwhere, fline, fd, "default", lo=0,
                               hi=(1 << (8 * min(n, 8))) - 1)
            field = {"name": fn, "off": off, "n": n, "type": typ, "be": be, "enum": enum,
                     "doc": _text(ctx, fwhere, fline, fd, "doc"), "bits": [], "default": default}
            if "bits" in fd and (typ != "int" or enum is not None):
                ctx.err(fwhere, fline, "'bits' needs an int field without enum")
            if "bits" in fd and order == "host" and be and n > 1:
                ctx.err(fwhere, fline, "'bits' of a big-endian field in a host-order format")
            covered = 0
            for sb, sline, sn, swhere in _entries(ctx, fd.get("bits"), fwhere, fline,
                                                  "sub-field", SUB_KEYS):
                _lname(ctx, swhere, sline, sn)
                if sn in names:
                    ctx.err(swhere, sline, "name used twice in the format")
                names.add(sn)
                pb = _parse_bits(ctx, swhere, sline, sb.get("bits", ""))
                if pb is None:
                    continue
                lsb, width = pb
                if lsb + width > 8 * n:
                    ctx.err(swhere, sline, f"bits beyond the field's {8 * n} bits")
                    continue
                mask = ((1 << width) - 1) << lsb
                if covered & mask:
                    ctx.err(swhere, sline, "bits overlap another sub-field")
                covered |= mask
                senum = sb.get("enum")
                if senum is not None and senum not in enums:
                    ctx.err(swhere, sline, f"unknown enum {senum!r}")
                elif senum is not None and enums[senum]["width"] > width:
                    ctx.err(swhere, sline, f"enum {senum} needs {enums[senum]['width']} bits")
                field["bits"].append({"name": sn, "lsb": lsb, "width": width, "enum": senum,
                                      "doc": _text(ctx, swhere, sline, sb, "doc")})
            if enum is not None and enums[enum]["width"] > 8 * n:
                ctx.err(fwhere, fline, f"enum {enum} needs {enums[enum]['width']} bits")
            fmt["fields"].append(field)
        if not fmt["fields"]:
            ctx.err(where, line, "no fields")
        formats.append(fmt)
    if ctx.errors:
        raise RegsError("\n".join(ctx.errors))
    for fmt in formats:
        fmt["fields"].sort(key=lambda x: x["off"])
    return {"path": path, "enums": enum_list, "enum_map": enums, "formats": formats}


# ------------------------------------------------------------------------------------------
# Layout helpers
# ------------------------------------------------------------------------------------------
def field_lsb(fmt, fld):
    """Bit position of the field's lowest bit in the format's vector."""
    if fmt["order"] == "host":
        return 8 * fld["off"]
    return 8 * (fmt["size"] - fld["off"] - fld["n"])


def segments(fmt):
    """The format's bytes as fields and reserved gaps, in byte order."""
    out = []
    pos = 0
    for fld in fmt["fields"]:
        if fld["off"] > pos:
            out.append({"name": f"rsvd_{pos}", "off": pos, "n": fld["off"] - pos, "rsvd": True})
        out.append(dict(fld, rsvd=False))
        pos = fld["off"] + fld["n"]
    if pos < fmt["size"]:
        out.append({"name": f"rsvd_{pos}", "off": pos, "n": fmt["size"] - pos, "rsvd": True})
    return out


def _put_int(fmt, fld, rec, value):
    """Stores an int field's value into rec (the format's bytes, a list), in its byte order."""
    for i in range(fld["n"]):
        b = (value >> (8 * i)) & 0xFF
        rec[fld["off"] + (fld["n"] - 1 - i if fld["be"] else i)] = b


def vector_of(fmt, rec):
    """The format's SystemVerilog vector (an int) holding the bytes rec."""
    v = 0
    for i, b in enumerate(rec):
        v |= b << (8 * i if fmt["order"] == "host" else 8 * (fmt["size"] - 1 - i))
    return v


def defined_vector(fmt):
    """The bits of the vector that belong to a field (of a field with sub-fields, to a
    sub-field): what encode(decode(x)) keeps; reserved bytes and bits are 0."""
    rec = [0] * fmt["size"]
    for fld in fmt["fields"]:
        _put_int(fmt, fld, rec, _defined(fld) if fld["bits"] else (1 << (8 * fld["n"])) - 1)
    return vector_of(fmt, rec)


def default_vector(fmt):
    """The vector of a new record (the fields' defaults, else zero), or None when no field
    has a default."""
    if all(fld.get("default") is None for fld in fmt["fields"]):
        return None
    rec = [0] * fmt["size"]
    for fld in fmt["fields"]:
        if fld.get("default") is not None:
            _put_int(fmt, fld, rec, fld["default"])
    return vector_of(fmt, rec)


def cpp_uint(nbytes):
    for n, t in ((1, "std::uint8_t"), (2, "std::uint16_t"), (4, "std::uint32_t")):
        if nbytes <= n:
            return t
    return "std::uint64_t"


def cpp_uint_bits(nbits):
    return cpp_uint((nbits + 7) // 8)


# ------------------------------------------------------------------------------------------
# SystemVerilog
# ------------------------------------------------------------------------------------------
def _sv_logic(width):
    return "logic" if width == 1 else f"logic [{width - 1}:0]"


def emit_sv(m):
    L = []
    a = L.append
    a("// SPDX-License-Identifier: MIT")
    a(f"// nic_fmt_pkg: ring, command and record formats. Generated by scripts/regs/gen_formats.py")
    a(f"// from {_src_rel(m['path'])}: do not edit (docs/formats.md describes every field).")
    a("//")
    a("// Vector layout: a host-order format (descriptors, completions, flow-command slots, action")
    a("// record, encap template) has byte i at bits [8i+7:8i], as on an AXI data bus, so its")
    a("// little-endian integer fields read as their value and a byte-array field has its first")
    a("// byte in its low bits. A network-order format (flow and TCAM keys) has byte 0 as the most")
    a("// significant byte. Reference items as nic_fmt_pkg::NAME.")
    a("`resetall")
    a("`timescale 1ns/1ps")
    a("`default_nettype none")
    a("")
    a("// A package of constants and types: a given module uses only some of them.")
    a("/* verilator lint_off UNUSEDPARAM */")
    a("package nic_fmt_pkg;")
    for e in m["enums"]:
        a("")
        a(f"  // ---- enum {e['name']}: {e['doc']}")
        w = e["width"]
        a(f"  localparam int {e['name'].upper()}_WIDTH = {w};")
        for v in e["values"]:
            a(f"  localparam logic [{w - 1}:0] {e['name'].upper()}_{v['name']} = {w}'d{v['value']};"
              f"  // {v['doc']}")
    for fmt in (f for f in m["formats"] if f["sv"]):
        up = fmt["name"].upper()
        a("")
        a(f"  // ---- {fmt['title']} ({fmt['name']}, {fmt['size']} bytes, {fmt['order']} order):"
          f" {fmt['doc']}")
        a(f"  localparam int {up}_BYTES = {fmt['size']};")
        a(f"  localparam int {up}_W = {8 * fmt['size']};")
        w = 8 * fmt["size"]
        a(f"  localparam logic [{w - 1}:0] {up}_DEFINED = {w}'h{defined_vector(fmt):X};")
        dv = default_vector(fmt)
        if dv is not None:
            a(f"  localparam logic [{w - 1}:0] {up}_DEFAULT = {w}'h{dv:X};")
        for fld in fmt["fields"]:
            fu = f"{up}_{fld['name'].upper()}"
            a(f"  localparam int {fu}_OFF = {fld['off']};")
            a(f"  localparam int {fu}_BYTES = {fld['n']};")
            a(f"  localparam int {fu}_LSB = {field_lsb(fmt, fld)};")
            a(f"  localparam int {fu}_W = {8 * fld['n']};")
            for sb in fld["bits"]:
                su = f"{up}_{sb['name'].upper()}"
                a(f"  localparam int {su}_LSB = {field_lsb(fmt, fld) + sb['lsb']};")
                a(f"  localparam int {su}_W = {sb['width']};")
        # Sub-field structs, then the format's struct (members from the most significant).
        for fld in fmt["fields"]:
            if not fld["bits"]:
                continue
            a(f"  typedef struct packed {{  // {fld['name']}, {8 * fld['n']} bits")
            pos = 8 * fld["n"]
            for sb in sorted(fld["bits"], key=lambda s: -s["lsb"]):
                top = sb["lsb"] + sb["width"]
                if top < pos:
                    a(f"    {_sv_logic(pos - top)} rsvd_{top};")
                a(f"    {_sv_logic(sb['width'])} {sb['name']};  // {sb['doc']}")
                pos = sb["lsb"]
            if pos > 0:
                a(f"    {_sv_logic(pos)} rsvd_0;")
            a(f"  }} {fmt['name']}_{fld['name']}_t;")
        a(f"  typedef struct packed {{")
        segs = segments(fmt)
        if fmt["order"] == "host":
            segs = list(reversed(segs))
        for s in segs:
            if s["rsvd"]:
                a(f"    logic [{8 * s['n'] - 1}:0] {s['name']};  // bytes {s['off']}.."
                  f"{s['off'] + s['n'] - 1}, zero")
            elif s["bits"]:
                a(f"    {fmt['name']}_{s['name']}_t {s['name']};  // byte {s['off']}")
            else:
                note = ""
                if s["type"] == "bytes" or (fmt["order"] == "host" and s["be"] and s["n"] > 1):
                    note = (" (bytes in format order, first byte in the low bits)"
                            if fmt["order"] == "host" else "")
                a(f"    logic [{8 * s['n'] - 1}:0] {s['name']};  // byte {s['off']}"
                  f"{'..' + str(s['off'] + s['n'] - 1) if s['n'] > 1 else ''}{note}")
        a(f"  }} {fmt['name']}_t;")
    a("")
    a("endpackage")
    a("/* verilator lint_on UNUSEDPARAM */")
    a("")
    a("`default_nettype wire")
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------------------------------
# C++
# ------------------------------------------------------------------------------------------
def _cpp_type(m, fld):
    if fld["type"] == "bytes":
        return f"std::array<std::uint8_t, {fld['n']}>"
    if fld["enum"]:
        return camel(fld["enum"])
    return cpp_uint(fld["n"])


def _defined(fld):
    """Mask of the bits of a field that belong to its sub-fields (the rest are reserved)."""
    mask = 0
    for sb in fld["bits"]:
        mask |= ((1 << sb["width"]) - 1) << sb["lsb"]
    return mask


def emit_hpp(m):
    L = []
    a = L.append
    a("// SPDX-License-Identifier: MIT")
    a(f"// nicsim formats. Generated by scripts/regs/gen_formats.py from {_src_rel(m['path'])}:")
    a("// do not edit. docs/formats.md describes every field.")
    a("//")
    a("// Per format: a struct with one member per field, encode/decode of the raw bytes, and a")
    a("// namespace of field locations (IntField, BytesField, BitField) for in-place access. The")
    a("// byte helpers below are the project's one little-/big-endian helper.")
    a("#pragma once")
    a("")
    a("#include <array>")
    a("#include <cstddef>")
    a("#include <cstdint>")
    a("#include <cstring>")
    a("#include <span>")
    a("#include <stdexcept>")
    a("#include <string>")
    a("")
    a("namespace nicsim::fmt {")
    a("")
    a("// ---- byte helpers: p must hold n bytes (n <= 8) ----")
    a("[[nodiscard]] constexpr std::uint64_t load_le(const std::uint8_t* p, std::size_t n) noexcept {")
    a("  std::uint64_t v = 0;")
    a("  for (std::size_t i = n; i-- > 0;) v = (v << 8) | p[i];")
    a("  return v;")
    a("}")
    a("constexpr void store_le(std::uint8_t* p, std::uint64_t v, std::size_t n) noexcept {")
    a("  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));")
    a("}")
    a("[[nodiscard]] constexpr std::uint64_t load_be(const std::uint8_t* p, std::size_t n) noexcept {")
    a("  std::uint64_t v = 0;")
    a("  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[i];")
    a("  return v;")
    a("}")
    a("constexpr void store_be(std::uint8_t* p, std::uint64_t v, std::size_t n) noexcept {")
    a("  for (std::size_t i = 0; i < n; ++i) p[n - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));")
    a("}")
    a("")
    a("/// Throws std::length_error unless `have` bytes hold a `need`-byte record.")
    a("inline void check_size(const char* what, std::size_t have, std::size_t need) {")
    a("  if (have < need) {")
    a("    throw std::length_error(std::string(what) + \": \" + std::to_string(have) +")
    a("                            \" bytes, the format has \" + std::to_string(need));")
    a("  }")
    a("}")
    a("")
    a("/// An integer field of a format: `size` bytes at `offset`, little- or big-endian.")
    a("struct IntField {")
    a("  std::size_t offset;")
    a("  std::size_t size;")
    a("  bool big_endian;")
    a("  [[nodiscard]] constexpr std::uint64_t load(const std::uint8_t* rec) const noexcept {")
    a("    return big_endian ? load_be(rec + offset, size) : load_le(rec + offset, size);")
    a("  }")
    a("  constexpr void store(std::uint8_t* rec, std::uint64_t v) const noexcept {")
    a("    if (big_endian) {")
    a("      store_be(rec + offset, v, size);")
    a("    } else {")
    a("      store_le(rec + offset, v, size);")
    a("    }")
    a("  }")
    a("  /// Bounds-checked: throws std::length_error when rec ends before the field.")
    a("  [[nodiscard]] std::uint64_t get(std::span<const std::uint8_t> rec) const {")
    a("    check_size(\"field\", rec.size(), offset + size);")
    a("    return load(rec.data());")
    a("  }")
    a("  void put(std::span<std::uint8_t> rec, std::uint64_t v) const {")
    a("    check_size(\"field\", rec.size(), offset + size);")
    a("    store(rec.data(), v);")
    a("  }")
    a("};")
    a("")
    a("/// A byte-array field of a format: `size` bytes at `offset`, in format order.")
    a("struct BytesField {")
    a("  std::size_t offset;")
    a("  std::size_t size;")
    a("  [[nodiscard]] std::span<const std::uint8_t> view(std::span<const std::uint8_t> rec) const {")
    a("    check_size(\"field\", rec.size(), offset + size);")
    a("    return rec.subspan(offset, size);")
    a("  }")
    a("  /// The field's bytes, writable.")
    a("  [[nodiscard]] std::span<std::uint8_t> edit(std::span<std::uint8_t> rec) const {")
    a("    check_size(\"field\", rec.size(), offset + size);")
    a("    return rec.subspan(offset, size);")
    a("  }")
    a("};")
    a("")
    a("/// Bits lsb..lsb+width-1 of an integer field's value.")
    a("struct BitField {")
    a("  IntField field;")
    a("  unsigned lsb;")
    a("  unsigned width;")
    a("  [[nodiscard]] constexpr std::uint64_t mask() const noexcept {")
    a("    return (width >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << width) - 1)) << lsb;")
    a("  }")
    a("  /// The sub-field of a field value, and a field value with the sub-field replaced.")
    a("  [[nodiscard]] constexpr std::uint64_t of(std::uint64_t value) const noexcept {")
    a("    return (value & mask()) >> lsb;")
    a("  }")
    a("  [[nodiscard]] constexpr std::uint64_t with(std::uint64_t value, std::uint64_t v) const noexcept {")
    a("    return (value & ~mask()) | ((v << lsb) & mask());")
    a("  }")
    a("  [[nodiscard]] constexpr std::uint64_t load(const std::uint8_t* rec) const noexcept {")
    a("    return of(field.load(rec));")
    a("  }")
    a("  constexpr void store(std::uint8_t* rec, std::uint64_t v) const noexcept {")
    a("    field.store(rec, with(field.load(rec), v));")
    a("  }")
    a("  [[nodiscard]] std::uint64_t get(std::span<const std::uint8_t> rec) const {")
    a("    return of(field.get(rec));")
    a("  }")
    a("  void put(std::span<std::uint8_t> rec, std::uint64_t v) const {")
    a("    field.put(rec, with(field.get(rec), v));")
    a("  }")
    a("};")
    for e in m["enums"]:
        cn = camel(e["name"])
        ut = cpp_uint_bits(max(e["width"], 8))
        a("")
        a(f"// {e['name']}: {e['doc']}")
        a(f"enum class {cn} : {ut} {{")
        for v in e["values"]:
            a(f"  k{camel(v['name'])} = {v['value']},  // {v['doc']}")
        a("};")
        a(f"inline constexpr unsigned k{cn}Width = {e['width']};  // bits in the RTL")
        a(f"/// The value's name in lower case (\"?\" for a value the format does not define).")
        a(f"[[nodiscard]] constexpr const char* to_string({cn} v) noexcept {{")
        a("  switch (v) {")
        for v in e["values"]:
            a(f"    case {cn}::k{camel(v['name'])}:")
            a(f"      return \"{v['name'].lower()}\";")
        a("  }")
        a("  return \"?\";")
        a("}")
    for fmt in m["formats"]:
        ns = fmt["name"]
        sn = fmt["cpp"]
        a("")
        a(f"// ---- {fmt['title']} ({fmt['size']} bytes, {fmt['order']} order): {fmt['doc']}")
        a(f"namespace {ns} {{")
        a(f"inline constexpr std::size_t kBytes = {fmt['size']};")
        for fld in fmt["fields"]:
            up = fld["name"].upper()
            if fld["type"] == "bytes":
                a(f"inline constexpr BytesField {up}{{{fld['off']}, {fld['n']}}};  // {fld['doc']}")
            else:
                a(f"inline constexpr IntField {up}{{{fld['off']}, {fld['n']}, "
                  f"{'true' if fld['be'] else 'false'}}};  // {fld['doc']}")
            for sb in fld["bits"]:
                a(f"inline constexpr BitField {sb['name'].upper()}{{{up}, {sb['lsb']}, "
                  f"{sb['width']}}};  // {sb['doc']}")
        a(f"}}  // namespace {ns}")
        a("")
        a(f"struct {sn} {{")
        a(f"  static constexpr std::size_t kBytes = {fmt['size']};")
        for fld in fmt["fields"]:
            t = _cpp_type(m, fld)
            init = "{}" if fld.get("default") is None else f" = {fld['default']}"
            a(f"  {t} {fld['name']}{init};  // {fld['doc']}")
        for fld in fmt["fields"]:
            if not fld["bits"]:
                continue
            ft = cpp_uint(fld["n"])
            a("")
            a(f"  // Sub-fields of {fld['name']}.")
            for sb in fld["bits"]:
                cs = camel(sb["name"])
                mask = ((1 << sb["width"]) - 1) << sb["lsb"]
                if sb["width"] == 1:
                    a(f"  static constexpr {ft} k{cs} = 0x{mask:X}u;")
                else:
                    a(f"  static constexpr unsigned k{cs}Shift = {sb['lsb']};")
                    a(f"  static constexpr {ft} k{cs}Mask = 0x{mask:X}u;")
                bf = f"{ns}::{sb['name'].upper()}"
                if sb["width"] == 1:
                    rt, conv_in = "bool", "v ? 1u : 0u"
                    conv_out = f"{bf}.of({fld['name']}) != 0"
                elif sb["enum"]:
                    rt = camel(sb["enum"])
                    conv_in = "static_cast<std::uint64_t>(v)"
                    conv_out = f"static_cast<{rt}>({bf}.of({fld['name']}))"
                else:
                    rt = cpp_uint_bits(sb["width"])
                    conv_in = "v"
                    conv_out = f"static_cast<{rt}>({bf}.of({fld['name']}))"
                a(f"  [[nodiscard]] constexpr {rt} {sb['name']}() const noexcept {{ return {conv_out}; }}")
                a(f"  constexpr {sn}& set_{sb['name']}({rt} v) noexcept {{")
                a(f"    {fld['name']} = static_cast<{ft}>({bf}.with({fld['name']}, {conv_in}));")
                a("    return *this;")
                a("  }")
        a("")
        a("  /// Writes the record (reserved bytes and bits zero).")
        a("  void encode(std::span<std::uint8_t> out) const {")
        a(f"    check_size(\"{ns}\", out.size(), kBytes);")
        a("    std::uint8_t* p = out.data();")
        a("    std::memset(p, 0, kBytes);")
        for fld in fmt["fields"]:
            up = fld["name"].upper()
            if fld["type"] == "bytes":
                a(f"    std::memcpy(p + {ns}::{up}.offset, {fld['name']}.data(), {fld['n']});")
            elif fld["enum"]:
                a(f"    {ns}::{up}.store(p, static_cast<std::uint64_t>({fld['name']}));")
            elif fld["bits"]:
                a(f"    {ns}::{up}.store(p, {fld['name']} & 0x{_defined(fld):X}u);  // sub-fields only")
            else:
                a(f"    {ns}::{up}.store(p, {fld['name']});")
        a("  }")
        a(f"  [[nodiscard]] std::array<std::uint8_t, kBytes> encode() const {{")
        a(f"    std::array<std::uint8_t, kBytes> b{{}};")
        a("    encode(b);")
        a("    return b;")
        a("  }")
        a("  /// Reads a record (reserved bytes and bits ignored); throws std::length_error when `in`")
        a("  /// is short.")
        a(f"  [[nodiscard]] static {sn} decode(std::span<const std::uint8_t> in) {{")
        a(f"    check_size(\"{ns}\", in.size(), kBytes);")
        a("    const std::uint8_t* p = in.data();")
        a(f"    {sn} r;")
        for fld in fmt["fields"]:
            up = fld["name"].upper()
            if fld["type"] == "bytes":
                a(f"    std::memcpy(r.{fld['name']}.data(), p + {ns}::{up}.offset, {fld['n']});")
            else:
                t = _cpp_type(m, fld)
                mask = f" & 0x{_defined(fld):X}u" if fld["bits"] else ""
                a(f"    r.{fld['name']} = static_cast<{t}>({ns}::{up}.load(p){mask});")
        a("    return r;")
        a("  }")
        a(f"  friend bool operator==(const {sn}&, const {sn}&) = default;")
        a("};")
    a("")
    a("}  // namespace nicsim::fmt")
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------------------------------
# Markdown
# ------------------------------------------------------------------------------------------
def emit_md(m):
    L = []
    a = L.append
    a("# nicsim formats")
    a("")
    a(f"Generated by `scripts/regs/gen_formats.py` from `{_src_rel(m['path'])}`: do not edit; "
      "regenerate with `cmake --build build --target regs-doc`.")
    a("")
    a("Every structure the NIC and the host exchange in memory, every record the NIC's tables "
      "hold and their enumerations, described once. The same description generates the "
      "SystemVerilog package `nic_fmt_pkg` (packed structs and field positions) and the C++ "
      "header `nicsim/regs/nic_formats.hpp` (namespace `nicsim::fmt`: a struct per format "
      "with encode/decode, field locations and the enums). docs/spec.md says how the NIC uses "
      "them.")
    a("")
    a("Byte order: in a *host-order* format (everything in host memory and the table records) "
      "integer fields are little-endian unless marked *big-endian*; in a *network-order* format "
      "(the keys) they are big-endian. *bytes* fields are copied as they are (MAC and IP "
      "addresses in network order). Bytes no field names are zero: the writer writes zero, "
      "the reader ignores them.")
    a("")
    a("| format | bytes | order | what |")
    a("|---|---|---|---|")
    for fmt in m["formats"]:
        a(f"| [{fmt['title']}](#{fmt['name']}) (`{fmt['name']}`) | "
          f"{fmt['size']} | {fmt['order']} | {_md_cell(fmt['doc'])} |")
    for fmt in m["formats"]:
        a("")
        a(f"## {fmt['name']}")
        a("")
        host_only = "" if fmt["sv"] else " Host software only: not in `nic_fmt_pkg`."
        a(f"**{fmt['title']}**, {fmt['size']} bytes, {fmt['order']} order. {fmt['doc']}"
          f"{host_only}")
        a("")
        a("| bytes | field | bits | type | description |")
        a("|---|---|---|---|---|")
        for s in segments(fmt):
            rng = f"{s['off']}" if s["n"] == 1 else f"{s['off']}–{s['off'] + s['n'] - 1}"
            if s["rsvd"]:
                a(f"| {rng} | | | | zero |")
                continue
            if s["type"] == "bytes":
                t = "bytes"
            else:
                t = f"{8 * s['n']}-bit" + (" big-endian" if s["be"] and s["n"] > 1 and
                                           fmt["order"] == "host" else "")
                if s["enum"]:
                    t += f", [{s['enum']}](#enum-{s['enum']})"
            dflt = (f" (C++ default {s['default']})" if s.get("default") is not None else "")
            a(f"| {rng} | `{s['name']}` | | {t} | {_md_cell(s['doc'])}{dflt} |")
            for sb in s["bits"]:
                br = (f"{sb['lsb']}" if sb["width"] == 1
                      else f"{sb['lsb'] + sb['width'] - 1}:{sb['lsb']}")
                t = (f"[{sb['enum']}](#enum-{sb['enum']})" if sb["enum"]
                     else ("flag" if sb["width"] == 1 else f"{sb['width']}-bit"))
                a(f"| | `{sb['name']}` | {br} | {t} | {_md_cell(sb['doc'])} |")
    a("")
    a("## Enumerations")
    for e in m["enums"]:
        a("")
        a(f"### enum {e['name']}")
        a("")
        a(f"{e['doc']} ({e['width']} bits in the RTL.)")
        a("")
        a("| value | name | meaning |")
        a("|---|---|---|")
        for v in e["values"]:
            a(f"| {v['value']} | `{v['name']}` | {_md_cell(v['doc'])} |")
    return "\n".join(L) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("yaml", help="the formats (rtl/formats.yaml)")
    p.add_argument("--sv", help="write the SystemVerilog package here")
    p.add_argument("--hpp", help="write the C++ header here")
    p.add_argument("--md", help="write the Markdown documentation here")
    args = p.parse_args(argv)
    try:
        model = validate(gen_regs.load(args.yaml), args.yaml)
    except RegsError as e:
        sys.stderr.write(f"gen_formats.py: error: {args.yaml}:\n{e}\n")
        return 1
    if args.sv:
        gen_regs._write(args.sv, emit_sv(model))
    if args.hpp:
        gen_regs._write(args.hpp, emit_hpp(model))
    if args.md:
        gen_regs._write(args.md, emit_md(model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
