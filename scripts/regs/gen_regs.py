#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_regs.py: the register-map generator of nicsim.

Reads rtl/regs.yaml (the single source of the register map; its header comment defines the
schema), validates it strictly and writes any of:

  --sv  FILE   SystemVerilog package nic_regs_pkg (offsets, tags, field positions, resets)
  --hpp FILE   C++20 header nicsim/regs/nic_regs.hpp (namespace nicsim::regs)
  --md  FILE   docs/registers.md

usage: gen_regs.py [--strict] [--sv FILE] [--hpp FILE] [--md FILE] REGS_YAML
       (no output option: validate only; --strict: warnings are errors)

Every error names the block, the register (and field) and the YAML line, and the script exits
with status 1 (2 for usage errors). Needs python3 and PyYAML (Debian: python3-yaml).

Naming (block BLK, register REG, field FLD; SystemVerilog upper case, C++ inside namespace
nicsim::regs::<blk>):
  block:     BLK_BASE BLK_SIZE BLK_TAG BLK_VERSION BLK_NEXT       (C++ kBase kSize kTag kVersion kNext)
  array:     BLK_ARRAY_OFFSET BLK_STRIDE BLK_COUNT                (C++ kArrayOffset kStride kCount,
                                                                   element(i))
  register:  BLK_REG (offset in the block, or in the element for array blocks), BLK_REG_ADDR
             (absolute, non-array blocks only); 64-bit: BLK_REG_LO / BLK_REG_HI (and _ADDR);
             register arrays: BLK_REG_COUNT; reset: BLK_REG_RESET; fields: BLK_REG_FLD_LSB,
             BLK_REG_FLD_W (C++: REG, REG_LO, REG_HI, REG_ADDR, REG_COUNT, REG_RESET,
             Field REG_FLD{lsb, width})
BLOCK_NEXT (offset 0x8 of every block) reads the absolute byte address of the next block in
the chain (its offset from address 0), 0 for the last block.
"""

import argparse
import os
import re
import sys

try:
    import yaml
except ImportError:  # pragma: no cover - exercised by cmake's configure check
    sys.stderr.write("gen_regs.py: PyYAML is required (Debian: apt install python3-yaml)\n")
    sys.exit(1)

HEADER_REGS = [("BLOCK_ID", 0x0, "ASCII tag of the block, first character in bits 31:24"),
               ("BLOCK_VERSION", 0x4, "block version (major in bits 31:16, minor in 15:0)"),
               ("BLOCK_NEXT", 0x8, "absolute byte address of the next block, 0 = last block")]
HEADER_END = 0xC
ACCESS = {"ro": "read-only", "rw": "read/write", "wo": "write-only",
          "w1": "write triggers an action, reads 0"}
TOP_KEYS = {"address_width", "data_width", "blocks"}
BLOCK_KEYS = {"name", "tag", "version", "base", "size", "doc", "array", "registers"}
ARRAY_KEYS = {"count", "offset", "stride"}
REG_KEYS = {"name", "offset", "access", "width", "count", "reset", "fields", "doc"}
FIELD_KEYS = {"name", "bits", "doc"}
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class RegsError(Exception):
    """A register-map error with its location."""


# ------------------------------------------------------------------------------------------
# Loading with line numbers
# ------------------------------------------------------------------------------------------
class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    keys = [loader.construct_object(k, deep=True) for k, _ in node.value]
    dups = {k for k in keys if keys.count(k) > 1}
    if dups:
        raise RegsError(f"line {node.start_mark.line + 1}: duplicate key(s) "
                        f"{', '.join(sorted(map(str, dups)))}")
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.load(f, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as e:
        raise RegsError(f"{path}: not valid YAML: {e}") from e
    except OSError as e:
        raise RegsError(f"{path}: {e.strerror}") from e


# ------------------------------------------------------------------------------------------
# Validation into a normalised model
# ------------------------------------------------------------------------------------------
class Ctx:
    def __init__(self, path, strict):
        self.path = path
        self.strict = strict
        self.errors = []
        self.warnings = []

    def _fmt(self, where, line, msg):
        loc = f"{os.path.basename(self.path)}:{line}" if line else os.path.basename(self.path)
        return f"{loc}: {where}: {msg}" if where else f"{loc}: {msg}"

    def err(self, where, line, msg):
        self.errors.append(self._fmt(where, line, msg))

    def warn(self, where, line, msg):
        """A defect that does not change any address (an error with --strict)."""
        (self.errors if self.strict else self.warnings).append(self._fmt(where, line, msg))


def _int(ctx, where, line, d, key, default=None, lo=0, hi=None):
    if key not in d:
        if default is None:
            ctx.err(where, line, f"missing '{key}'")
        return default
    v = d[key]
    if isinstance(v, bool) or not isinstance(v, int):
        ctx.err(where, line, f"'{key}' must be an integer, not {v!r}")
        return default if default is not None else 0
    if v < lo or (hi is not None and v > hi):
        rng = f"{lo}..{hi:#x}" if hi is not None else f">= {lo}"
        ctx.err(where, line, f"'{key}' = {v:#x} out of range ({rng})")
    return v


def _str(ctx, where, line, d, key, required=True):
    if key not in d:
        if required:
            ctx.err(where, line, f"missing '{key}'")
        return ""
    v = d[key]
    if not isinstance(v, str):
        ctx.err(where, line, f"'{key}' must be a string, not {v!r}")
        return str(v)
    return v


def _keys(ctx, where, line, d, allowed):
    extra = [k for k in d if k not in allowed and k != "__line__"]
    # In a flow mapping ({name: X, doc: a, b}) an unquoted comma ends the doc and turns the
    # rest into a key without a value: the doc is cut short.
    cut = [k for k in extra if d[k] is None]
    bad = [k for k in extra if d[k] is not None]
    if cut:
        ctx.warn(where, line, f"text {', '.join(repr(str(k)) for k in cut)} became a key "
                 "without value: an unquoted comma in a flow-style {...} value (quote the doc)")
    if bad:
        ctx.err(where, line, f"unknown key(s): {', '.join(sorted(map(str, bad)))}")


def _name(ctx, where, line, name):
    if not NAME_RE.match(name or ""):
        ctx.err(where, line, f"name {name!r} is not an identifier ([A-Za-z][A-Za-z0-9_]*)")


def _parse_bits(ctx, where, line, bits):
    s = str(bits)
    m = re.fullmatch(r"\s*(\d+)\s*(?::\s*(\d+)\s*)?", s)
    if not m:
        ctx.err(where, line, f"bits {s!r} must be \"msb:lsb\" or \"bit\"")
        return None
    msb = int(m.group(1))
    lsb = int(m.group(2)) if m.group(2) is not None else msb
    if msb < lsb:
        ctx.err(where, line, f"bits {s!r}: msb < lsb")
        return None
    if msb > 31:
        ctx.err(where, line, f"bits {s!r} beyond bit 31")
        return None
    return lsb, msb - lsb + 1


def validate(raw, path, strict=False, warn_out=None):
    """Returns the normalised model or raises RegsError with every problem found.

    Warnings (defects that change no address or value, such as a doc cut short) go to
    warn_out (a list) unless strict, where they are errors."""
    ctx = Ctx(path, strict)
    if not isinstance(raw, dict):
        raise RegsError(f"{path}: the top level must be a mapping")
    _keys(ctx, "", raw.get("__line__"), raw, TOP_KEYS)
    aw = _int(ctx, "", 1, raw, "address_width", lo=8, hi=32)
    dw = _int(ctx, "", 1, raw, "data_width", lo=32, hi=32)
    space = 1 << (aw or 16)
    blocks_raw = raw.get("blocks")
    if not isinstance(blocks_raw, list) or not blocks_raw:
        ctx.err("", None, "'blocks' must be a non-empty list")
        raise RegsError("\n".join(ctx.errors))

    blocks = []
    block_names = {}
    for b in blocks_raw:
        if not isinstance(b, dict):
            ctx.err("", None, f"block entry {b!r} is not a mapping")
            continue
        bl = b["__line__"]
        bname = _str(ctx, "block", bl, b, "name")
        where = f"block {bname}"
        _name(ctx, where, bl, bname)
        _keys(ctx, where, bl, b, BLOCK_KEYS)
        if bname.lower() in block_names:
            ctx.err(where, bl, f"duplicate block name (first at line {block_names[bname.lower()]})")
        block_names[bname.lower()] = bl
        tag = _str(ctx, where, bl, b, "tag")
        if len(tag) != 4 or not all(0x20 < ord(c) < 0x7F for c in tag):
            ctx.err(where, bl, f"tag {tag!r} must be exactly 4 printable ASCII characters")
            tag_val = 0
        else:
            tag_val = int.from_bytes(tag.encode("ascii"), "big")
        version = _int(ctx, where, bl, b, "version", lo=0, hi=0xFFFFFFFF)
        base = _int(ctx, where, bl, b, "base", lo=0, hi=space - 1)
        size = _int(ctx, where, bl, b, "size", lo=HEADER_END, hi=space)
        if base % 4:
            ctx.err(where, bl, f"base {base:#x} is not 4-byte aligned")
        if size % 4:
            ctx.err(where, bl, f"size {size:#x} is not a multiple of 4")
        if base + size > space:
            ctx.err(where, bl, f"base {base:#x} + size {size:#x} beyond the "
                    f"{aw}-bit address space")
        doc = " ".join(_str(ctx, where, bl, b, "doc", required=False).split())

        array = None
        if "array" in b:
            a = b["array"]
            if not isinstance(a, dict):
                ctx.err(where, bl, "'array' must be a mapping {count, offset, stride}")
            else:
                al = a["__line__"]
                _keys(ctx, where + " array", al, a, ARRAY_KEYS)
                count = _int(ctx, where + " array", al, a, "count", lo=1)
                offset = _int(ctx, where + " array", al, a, "offset", lo=0)
                stride = _int(ctx, where + " array", al, a, "stride", lo=4)
                if offset % 4 or stride % 4:
                    ctx.err(where + " array", al, "offset and stride must be multiples of 4")
                if offset < HEADER_END:
                    ctx.err(where + " array", al, f"offset {offset:#x} overlaps the block "
                            f"header (BLOCK_ID/VERSION/NEXT, 0x0..{HEADER_END - 1:#x})")
                if offset + count * stride > size:
                    ctx.err(where + " array", al, f"elements end at {offset + count * stride:#x}"
                            f", beyond the block size {size:#x}")
                array = {"count": count, "offset": offset, "stride": stride, "line": al}

        regs_raw = b.get("registers", [])
        if not isinstance(regs_raw, list):
            ctx.err(where, bl, "'registers' must be a list")
            regs_raw = []
        limit = array["stride"] if array else size
        span_name = "element (stride)" if array else "block"
        regs = []
        words = {}  # word offset -> register name occupying it
        if not array:
            for hname, hoff, _ in HEADER_REGS:
                words[hoff] = hname
        reg_names = {}
        for r in regs_raw:
            if not isinstance(r, dict):
                ctx.err(where, bl, f"register entry {r!r} is not a mapping")
                continue
            rl = r["__line__"]
            rname = _str(ctx, where + " register", rl, r, "name")
            rw = f"{where} register {rname}"
            _name(ctx, rw, rl, rname)
            _keys(ctx, rw, rl, r, REG_KEYS)
            if rname in reg_names:
                ctx.err(rw, rl, f"duplicate register name (first at line {reg_names[rname]})")
            reg_names[rname] = rl
            if rname in {h[0] for h in HEADER_REGS}:
                ctx.err(rw, rl, "name reserved for the implicit block header")
            off = _int(ctx, rw, rl, r, "offset", lo=0)
            access = _str(ctx, rw, rl, r, "access")
            if access not in ACCESS:
                ctx.err(rw, rl, f"access {access!r} must be one of {', '.join(ACCESS)}")
            width = _int(ctx, rw, rl, r, "width", default=32)
            if width not in (32, 64):
                ctx.err(rw, rl, f"width {width} must be 32 or 64")
                width = 32
            count = _int(ctx, rw, rl, r, "count", default=0, lo=1) if "count" in r else 0
            if count and width == 64:
                ctx.err(rw, rl, "a register array ('count') must have width 32")
            reset = _int(ctx, rw, rl, r, "reset", default=0, lo=0)
            if reset >= (1 << width):
                ctx.err(rw, rl, f"reset {reset:#x} does not fit in {width} bits")
            rdoc = " ".join(_str(ctx, rw, rl, r, "doc", required=False).split())
            if off % 4:
                ctx.err(rw, rl, f"offset {off:#x} is not 4-byte aligned")
            if width == 64 and off % 8:
                ctx.err(rw, rl, f"64-bit register at offset {off:#x} is not 8-byte aligned")
            nbytes = (count or 1) * 4 if width == 32 else 8
            if off + nbytes > limit:
                ctx.err(rw, rl, f"offset {off:#x} + {nbytes} bytes lies outside the "
                        f"{span_name} of {limit:#x} bytes")
            for w in range(off - off % 4, off + nbytes, 4):
                if w in words:
                    ctx.err(rw, rl, f"overlaps {words[w]} at offset {w:#x}")
                    break
            for w in range(off - off % 4, off + nbytes, 4):
                words.setdefault(w, rname)

            fields = []
            fnames = {}
            used = 0
            for fd in r.get("fields", []) or []:
                if not isinstance(fd, dict):
                    ctx.err(rw, rl, f"field entry {fd!r} is not a mapping")
                    continue
                fl = fd["__line__"]
                fname = _str(ctx, rw + " field", fl, fd, "name")
                fw = f"{rw} field {fname}"
                _name(ctx, fw, fl, fname)
                _keys(ctx, fw, fl, fd, FIELD_KEYS)
                if fname in fnames:
                    ctx.err(fw, fl, f"duplicate field name (first at line {fnames[fname]})")
                fnames[fname] = fl
                if width == 64:
                    ctx.err(fw, fl, "fields are only supported on 32-bit registers")
                if "bits" not in fd:
                    ctx.err(fw, fl, "missing 'bits'")
                    continue
                pb = _parse_bits(ctx, fw, fl, fd["bits"])
                if pb is None:
                    continue
                lsb, fwid = pb
                fmask = ((1 << fwid) - 1) << lsb
                if used & fmask:
                    ctx.err(fw, fl, f"bits {fd['bits']} overlap another field")
                used |= fmask
                fields.append({"name": fname, "lsb": lsb, "width": fwid,
                               "doc": " ".join(str(fd.get("doc", "")).split()), "line": fl})
            if fields and reset & ~used:
                ctx.err(rw, rl, f"reset {reset:#x} sets bits outside the fields "
                        f"(mask {used:#010x})")
            regs.append({"name": rname, "offset": off, "access": access, "width": width,
                         "count": count, "reset": reset, "fields": fields, "doc": rdoc,
                         "line": rl})
        blocks.append({"name": bname, "tag": tag, "tag_val": tag_val, "version": version,
                       "base": base, "size": size, "doc": doc, "array": array,
                       "regs": sorted(regs, key=lambda x: x["offset"]), "line": bl})

    # Blocks: in address order, starting at 0, not overlapping.
    if blocks and blocks[0]["base"] != 0:
        ctx.err(f"block {blocks[0]['name']}", blocks[0]["line"],
                "the first block must be at address 0 (the driver walks the chain from 0)")
    for prev, cur in zip(blocks, blocks[1:]):
        if cur["base"] < prev["base"]:
            ctx.err(f"block {cur['name']}", cur["line"],
                    f"base {cur['base']:#x} is below the previous block {prev['name']} "
                    f"({prev['base']:#x}): blocks must be listed in address order")
        elif cur["base"] < prev["base"] + prev["size"]:
            ctx.err(f"block {cur['name']}", cur["line"],
                    f"base {cur['base']:#x} overlaps block {prev['name']} "
                    f"({prev['base']:#x}..{prev['base'] + prev['size'] - 1:#x})")
    for i, blk in enumerate(blocks):
        blk["next"] = blocks[i + 1]["base"] if i + 1 < len(blocks) else 0

    # Generated identifiers must be unique.
    if not ctx.errors:
        seen = {}
        for blk in blocks:
            for ident, line in sv_names(blk):
                if ident in seen:
                    ctx.err(f"block {blk['name']}", line,
                            f"generated name {ident} collides with the one from line "
                            f"{seen[ident]}")
                seen.setdefault(ident, line)

    if warn_out is not None:
        warn_out.extend(ctx.warnings)
    if ctx.errors:
        raise RegsError("\n".join(ctx.errors))
    return {"address_width": aw, "data_width": dw, "blocks": blocks, "path": path}


def sv_names(blk):
    """Every identifier the SystemVerilog package defines for a block, with its YAML line."""
    B = blk["name"].upper()
    out = [(f"{B}_{s}", blk["line"]) for s in ("BASE", "SIZE", "TAG", "VERSION", "NEXT")]
    if blk["array"]:
        out += [(f"{B}_{s}", blk["line"]) for s in ("ARRAY_OFFSET", "STRIDE", "COUNT")]
    for r in blk["regs"]:
        n = f"{B}_{r['name']}"
        words = [n + "_LO", n + "_HI"] if r["width"] == 64 else [n]
        for w in words:
            out.append((w, r["line"]))
            if not blk["array"]:
                out.append((w + "_ADDR", r["line"]))
        out.append((n + "_RESET", r["line"]))
        if r["count"]:
            out.append((n + "_COUNT", r["line"]))
        for f in r["fields"]:
            out += [(f"{n}_{f['name']}_LSB", f["line"]), (f"{n}_{f['name']}_W", f["line"])]
    return out


# ------------------------------------------------------------------------------------------
# Emitters
# ------------------------------------------------------------------------------------------
def _hex(v, digits):
    s = f"{v:0{digits}X}"
    return "_".join(s[max(0, i - 4):i] for i in range(len(s), 0, -4)[::-1])


def _src_rel(path):
    return "rtl/" + os.path.basename(path)


def emit_sv(m):
    aw = m["address_width"]
    ad = (aw + 3) // 4

    def addr(v):
        return f"{aw}'h{_hex(v, ad)}"

    def d32(v):
        return f"32'h{_hex(v, 8)}"

    L = []
    a = L.append
    a("// SPDX-License-Identifier: MIT")
    a(f"// nic_regs_pkg: the nicsim register map. Generated by scripts/regs/gen_regs.py from")
    a(f"// {_src_rel(m['path'])}: do not edit. Reference items as nic_regs_pkg::NAME.")
    a("//")
    a("// <BLK>_<REG>: offset within the block (array blocks: within an element);")
    a("// <BLK>_<REG>_ADDR: absolute address (non-array blocks); 64-bit registers as _LO/_HI;")
    a("// <BLK>_NEXT: what BLOCK_NEXT reads, the absolute address of the next block (0: last).")
    a("`resetall")
    a("`timescale 1ns/1ps")
    a("`default_nettype none")
    a("")
    a("// A register map: each block's RTL uses only the constants it needs (waiver inline so")
    a("// that rtl/ lints clean on its own, e.g. `verilator --lint-only -Wall rtl/*.sv`).")
    a("/* verilator lint_off UNUSEDPARAM */")
    a("package nic_regs_pkg;")
    a("")
    a(f"  localparam int ADDR_W = {aw};  // AXI4-Lite byte address width")
    a(f"  localparam int DATA_W = {m['data_width']};  // AXI4-Lite data width")
    a("")
    a("  // Implicit header of every block.")
    for hname, hoff, hdoc in HEADER_REGS:
        a(f"  localparam logic [ADDR_W-1:0] {hname} = {addr(hoff)};  // {hdoc}")
    for blk in m["blocks"]:
        B = blk["name"].upper()
        a("")
        a("  // " + "-" * 87)
        a(f"  // Block {blk['name']} (\"{blk['tag']}\")")
        a("  // " + "-" * 87)
        a(f"  localparam logic [ADDR_W-1:0] {B}_BASE = {addr(blk['base'])};")
        a(f"  localparam int {B}_SIZE = {blk['size']};")
        a(f"  localparam logic [31:0] {B}_TAG = {d32(blk['tag_val'])};  // \"{blk['tag']}\"")
        a(f"  localparam logic [31:0] {B}_VERSION = {d32(blk['version'])};")
        a(f"  localparam logic [ADDR_W-1:0] {B}_NEXT = {addr(blk['next'])};")
        arr = blk["array"]
        if arr:
            a(f"  localparam logic [ADDR_W-1:0] {B}_ARRAY_OFFSET = {addr(arr['offset'])};")
            a(f"  localparam logic [ADDR_W-1:0] {B}_STRIDE = {addr(arr['stride'])};")
            a(f"  localparam int {B}_COUNT = {arr['count']};")
        for r in blk["regs"]:
            n = f"{B}_{r['name']}"
            a(f"  // {r['name']} ({r['access']}): {r['doc']}" if r["doc"]
              else f"  // {r['name']} ({r['access']})")
            words = ([(n + "_LO", r["offset"]), (n + "_HI", r["offset"] + 4)]
                     if r["width"] == 64 else [(n, r["offset"])])
            for w, off in words:
                a(f"  localparam logic [ADDR_W-1:0] {w} = {addr(off)};")
                if not arr:
                    a(f"  localparam logic [ADDR_W-1:0] {w}_ADDR = {addr(blk['base'] + off)};")
            if r["count"]:
                a(f"  localparam int {n}_COUNT = {r['count']};")
            if r["width"] == 64:
                a(f"  localparam logic [63:0] {n}_RESET = 64'h{_hex(r['reset'], 16)};")
            else:
                a(f"  localparam logic [31:0] {n}_RESET = {d32(r['reset'])};")
            for f in r["fields"]:
                a(f"  localparam int {n}_{f['name']}_LSB = {f['lsb']};")
                a(f"  localparam int {n}_{f['name']}_W = {f['width']};")
    a("")
    a("endpackage")
    a("/* verilator lint_on UNUSEDPARAM */")
    a("")
    a("`default_nettype wire")
    return "\n".join(L) + "\n"


def emit_hpp(m):
    def h(v, digits=4):
        return f"0x{v:0{digits}X}"

    L = []
    a = L.append
    a("// SPDX-License-Identifier: MIT")
    a(f"// nicsim register map. Generated by scripts/regs/gen_regs.py from {_src_rel(m['path'])}:")
    a("// do not edit. Offsets are block-relative (array blocks: element-relative); *_ADDR are")
    a("// absolute (non-array blocks); kNext / BLOCK_NEXT is the absolute address of the next")
    a("// block, 0 for the last one.")
    a("#pragma once")
    a("")
    a("#include <array>")
    a("#include <cstdint>")
    a("")
    a("namespace nicsim::regs {")
    a("")
    a("// A bit field of a 32-bit register.")
    a("struct Field {")
    a("  unsigned lsb;")
    a("  unsigned width;")
    a("  constexpr std::uint32_t mask() const {")
    a("    return (width >= 32 ? 0xFFFF'FFFFu : ((std::uint32_t{1} << width) - 1u)) << lsb;")
    a("  }")
    a("  constexpr std::uint32_t get(std::uint32_t reg) const { return (reg & mask()) >> lsb; }")
    a("  constexpr std::uint32_t put(std::uint32_t reg, std::uint32_t value) const {")
    a("    return (reg & ~mask()) | ((value << lsb) & mask());")
    a("  }")
    a("};")
    a("")
    a(f"inline constexpr std::uint32_t kAddressWidth = {m['address_width']};")
    a(f"inline constexpr std::uint32_t kDataWidth = {m['data_width']};")
    a("// Implicit header of every block (offsets within the block).")
    for hname, hoff, hdoc in HEADER_REGS:
        a(f"inline constexpr std::uint32_t {hname} = {h(hoff, 1)};  // {hdoc}")
    for blk in m["blocks"]:
        arr = blk["array"]
        a("")
        a(f"// {blk['name']} (\"{blk['tag']}\"): {blk['doc']}")
        a(f"namespace {blk['name'].lower()} {{")
        a(f"inline constexpr std::uint32_t kBase = {h(blk['base'])};")
        a(f"inline constexpr std::uint32_t kSize = {h(blk['size'])};")
        a(f"inline constexpr std::uint32_t kTag = {h(blk['tag_val'], 8)};  // \"{blk['tag']}\"")
        a(f"inline constexpr std::uint32_t kVersion = {h(blk['version'], 8)};")
        a(f"inline constexpr std::uint32_t kNext = {h(blk['next'])};")
        if arr:
            a(f"inline constexpr std::uint32_t kArrayOffset = {h(arr['offset'])};")
            a(f"inline constexpr std::uint32_t kStride = {h(arr['stride'])};")
            a(f"inline constexpr std::uint32_t kCount = {arr['count']};")
            a("// Absolute address of element i (0..kCount-1).")
            a("constexpr std::uint32_t element(unsigned i) {")
            a("  return kBase + kArrayOffset + static_cast<std::uint32_t>(i) * kStride;")
            a("}")
        for r in blk["regs"]:
            n = r["name"]
            a(f"// {n} ({r['access']}): {r['doc']}" if r["doc"] else f"// {n} ({r['access']})")
            words = ([(n + "_LO", r["offset"]), (n + "_HI", r["offset"] + 4)]
                     if r["width"] == 64 else [(n, r["offset"])])
            for w, off in words:
                a(f"inline constexpr std::uint32_t {w} = {h(off)};")
                if not arr:
                    a(f"inline constexpr std::uint32_t {w}_ADDR = {h(blk['base'] + off)};")
            if r["count"]:
                a(f"inline constexpr std::uint32_t {n}_COUNT = {r['count']};")
            if r["width"] == 64:
                a(f"inline constexpr std::uint64_t {n}_RESET = {h(r['reset'], 16)};")
            else:
                a(f"inline constexpr std::uint32_t {n}_RESET = {h(r['reset'], 8)};")
            for f in r["fields"]:
                a(f"inline constexpr Field {n}_{f['name']}{{{f['lsb']}, {f['width']}}};")
        a(f"}}  // namespace {blk['name'].lower()}")
    a("")
    a("struct BlockInfo {")
    a("  const char* name;")
    a("  std::uint32_t tag, version, base, size;")
    a("};")
    a("")
    a("// Every block, in address (chain) order.")
    a(f"inline constexpr std::array<BlockInfo, {len(m['blocks'])}> kBlocks{{{{")
    for blk in m["blocks"]:
        ns = blk["name"].lower()
        a(f"    {{\"{ns}\", {ns}::kTag, {ns}::kVersion, {ns}::kBase, {ns}::kSize}},")
    a("}};")
    a("")
    # Every 32-bit register word, for generic checks of an implementation against the map.
    words = []
    for bi, blk in enumerate(m["blocks"]):
        for r in blk["regs"]:
            fmask = 0
            for f in r["fields"]:
                fmask |= ((1 << f["width"]) - 1) << f["lsb"]
            if r["width"] == 64:
                parts = [(r["name"] + "_LO", r["offset"], r["reset"] & 0xFFFFFFFF),
                         (r["name"] + "_HI", r["offset"] + 4, r["reset"] >> 32)]
            elif r["count"]:
                parts = [(f"{r['name']}[{i}]", r["offset"] + 4 * i, r["reset"])
                         for i in range(r["count"])]
            else:
                parts = [(r["name"], r["offset"], r["reset"])]
            for wname, off, rst in parts:
                words.append((bi, wname, off, r["access"], rst, fmask))
    a("enum class Access : std::uint8_t { kRo, kRw, kWo, kW1 };")
    a("")
    a("// One 32-bit register word: block index into kBlocks, name, offset (block-relative;")
    a("// element-relative in array blocks), access, reset value, and the mask of its fields")
    a("// (0 when the register has no fields).")
    a("struct RegisterInfo {")
    a("  std::uint8_t block;")
    a("  const char* name;")
    a("  std::uint32_t offset;")
    a("  Access access;")
    a("  std::uint32_t reset;")
    a("  std::uint32_t field_mask;")
    a("};")
    a("")
    acc = {"ro": "kRo", "rw": "kRw", "wo": "kWo", "w1": "kW1"}
    a(f"inline constexpr std::array<RegisterInfo, {len(words)}> kRegisters{{{{")
    for bi, wname, off, access, rst, fmask in words:
        a(f"    {{{bi}, \"{wname}\", {h(off)}, Access::{acc[access]}, {h(rst, 8)}, {h(fmask, 8)}}},")
    a("}};")
    a("")
    a("// kBlockNext[i]: what BLOCK_NEXT of kBlocks[i] reads (kBlocks[i + 1].base, 0 for last).")
    a(f"inline constexpr std::array<std::uint32_t, {len(m['blocks'])}> kBlockNext{{{{")
    for blk in m["blocks"]:
        a(f"    {blk['name'].lower()}::kNext,")
    a("}};")
    a("")
    a("}  // namespace nicsim::regs")
    return "\n".join(L) + "\n"


def _md_cell(s):
    return str(s).replace("|", "\\|")


def emit_md(m):
    aw = m["address_width"]
    ad = (aw + 3) // 4

    def h(v):
        return f"0x{v:0{ad}X}"

    L = []
    a = L.append
    a("# nicsim register map")
    a("")
    a(f"Generated by `scripts/regs/gen_regs.py` from `{_src_rel(m['path'])}`: do not edit; "
      "regenerate with `cmake --build build --target regs-doc`.")
    a("")
    a(f"AXI4-Lite, {aw}-bit byte addresses, {m['data_width']}-bit data. The map is a chain of "
      "self-describing blocks: every block starts with three read-only registers, and the "
      "driver discovers the blocks by walking the chain from address 0.")
    a("")
    a("| offset | name | description |")
    a("|---|---|---|")
    for hname, hoff, hdoc in HEADER_REGS:
        a(f"| 0x{hoff:X} | {hname} | {hdoc} |")
    a("")
    a("64-bit registers are two words, `_LO` at the offset and `_HI` at offset + 4: reading "
      "`_LO` latches the high word, which a following read of `_HI` returns. Access: "
      + "; ".join(f"`{k}` {v}" for k, v in ACCESS.items()) + ". Unmapped addresses read 0 "
      "and ignore writes.")
    a("")
    a("| block | tag | version | base | size | next |")
    a("|---|---|---|---|---|---|")
    for blk in m["blocks"]:
        a(f"| [{blk['name']}](#{blk['name'].lower()}) | `{blk['tag']}` | "
          f"0x{blk['version']:08X} | {h(blk['base'])} | 0x{blk['size']:X} | "
          f"{h(blk['next'])} |")
    for blk in m["blocks"]:
        arr = blk["array"]
        a("")
        a(f"## {blk['name']}")
        a("")
        a(f"Tag `{blk['tag']}` (0x{blk['tag_val']:08X}), version 0x{blk['version']:08X}, "
          f"base {h(blk['base'])}, size 0x{blk['size']:X}, next {h(blk['next'])}.")
        a("")
        if blk["doc"]:
            a(blk["doc"])
            a("")
        if arr:
            last = blk["base"] + arr["offset"] + (arr["count"] - 1) * arr["stride"]
            a(f"Array: {arr['count']} element(s) of 0x{arr['stride']:X} bytes from "
              f"{h(blk['base'] + arr['offset'])} (element i at base + 0x{arr['offset']:X} + "
              f"i × 0x{arr['stride']:X}; the last at {h(last)}). Offsets below are within an "
              "element.")
            a("")
        a("| offset | name | access | reset | description |")
        a("|---|---|---|---|---|")
        for r in blk["regs"]:
            off = f"0x{r['offset']:02X}"
            if r["count"]:
                off += f"..0x{r['offset'] + 4 * r['count'] - 1:02X}"
            name = r["name"]
            if r["width"] == 64:
                name = f"{name}_LO / _HI (64-bit)"
            elif r["count"]:
                name = f"{name}[{r['count']}]"
            reset = (f"0x{r['reset']:X}" if r["reset"] > 9 else str(r["reset"]))
            a(f"| {off} | {name} | {r['access']} | {reset} | {_md_cell(r['doc'])} |")
        for r in blk["regs"]:
            if not r["fields"]:
                continue
            a("")
            a(f"{r['name']} fields:")
            a("")
            a("| bits | field | description |")
            a("|---|---|---|")
            for f in sorted(r["fields"], key=lambda x: -x["lsb"]):
                msb = f["lsb"] + f["width"] - 1
                bits = str(msb) if f["width"] == 1 else f"{msb}:{f['lsb']}"
                a(f"| {bits} | {f['name']} | {_md_cell(f['doc'])} |")
    return "\n".join(L) + "\n"


def _write(path, text):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    # Leave an unchanged file alone so dependent targets do not rebuild.
    try:
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    except OSError:
        pass
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("yaml", help="the register map (rtl/regs.yaml)")
    p.add_argument("--sv", help="write the SystemVerilog package here")
    p.add_argument("--hpp", help="write the C++ header here")
    p.add_argument("--md", help="write the Markdown documentation here")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    args = p.parse_args(argv)
    warnings = []
    try:
        model = validate(load(args.yaml), args.yaml, args.strict, warnings)
    except RegsError as e:
        sys.stderr.write(f"gen_regs.py: error: {args.yaml}:\n{e}\n")
        return 1
    for w in warnings:
        sys.stderr.write(f"gen_regs.py: warning: {w}\n")
    if args.sv:
        _write(args.sv, emit_sv(model))
    if args.hpp:
        _write(args.hpp, emit_hpp(model))
    if args.md:
        _write(args.md, emit_md(model))
    return 0


if __name__ == "__main__":
    sys.exit(main())
