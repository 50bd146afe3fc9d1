#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_regs.py: the register-map generator of nicsim.

Reads rtl/regs.yaml (the single source of the register map; its header comment defines the
schema), validates it strictly and writes any of:

  --sv  FILE   SystemVerilog package nic_regs_pkg (offsets, tags, field positions, resets, and
               the register file's port structs <blk>_reg2hw_t / <blk>_hw2reg_t)
  --hpp FILE   C++20 header nicsim/regs/nic_regs.hpp (namespace nicsim::regs)
  --md  FILE   docs/registers.md
  --regfile FILE      SystemVerilog module nic_regfile: the register file of the whole map
                      behind an AXI4-Lite slave, a reg2hw / hw2reg struct pair per block
                      (conventions in its header comment and in docs/rtl.md "Register
                      blocks"; committed as rtl/nic_regfile.sv)
  --regfile-cpp FILE  C++ table of nic_regfile's registers and where they sit in its port
                      structs (namespace nicsim::regs::regfile) for Verilated benches
                      (testbenches/rtl_regs)

usage: gen_regs.py [--strict] [--sv FILE] [--hpp FILE] [--md FILE] [--regfile FILE]
                   [--regfile-cpp FILE] REGS_YAML
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
Register-file options of a rw register (YAML keys; the other outputs ignore them): strobe
(a bus write also pulses the strobe qe in <blk>_reg2hw), hw_write (the NIC writes it too: d
and de in <blk>_hw2reg), clear_on "REG.FIELD" (a bus write setting that 1-bit field of the
same block or element from 0 to 1 resets the register). --regfile needs power-of-two array
strides and 32-bit w1/wo registers without count. Register and field names name struct
members, so in lower case they must not be SystemVerilog keywords.
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
REG_KEYS = {"name", "offset", "access", "width", "count", "reset", "fields", "doc", "strobe",
            "hw_write", "clear_on"}
FIELD_KEYS = {"name", "bits", "doc"}
NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# SystemVerilog reserved words (IEEE 1800-2017 Annex B): register and field names, in lower
# case, name the members of the register file's port structs.
SV_KEYWORDS = frozenset("""
    accept_on alias always always_comb always_ff always_latch and assert assign assume automatic
    before begin bind bins binsof bit break buf bufif0 bufif1 byte case casex casez cell chandle
    checker class clocking cmos config const constraint context continue cover covergroup
    coverpoint cross deassign default defparam design disable dist do edge else end endcase
    endchecker endclass endclocking endconfig endfunction endgenerate endgroup endinterface
    endmodule endpackage endprimitive endprogram endproperty endspecify endsequence endtable
    endtask enum event eventually expect export extends extern final first_match for force
    foreach forever fork forkjoin function generate genvar global highz0 highz1 if iff ifnone
    ignore_bins illegal_bins implements implies import incdir include initial inout input
    inside instance int integer interconnect interface intersect join join_any join_none large
    let liblist library local localparam logic longint macromodule matches medium modport
    module nand negedge nettype new nexttime nmos nor noshowcancelled not notif0 notif1 null or
    output package packed parameter pmos posedge primitive priority program property protected
    pull0 pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent pure rand randc randcase
    randsequence rcmos real realtime ref reg reject_on release repeat restrict return rnmos
    rpmos rtran rtranif0 rtranif1 s_always s_eventually s_nexttime s_until s_until_with
    scalared sequence shortint shortreal showcancelled signed small soft solve specify
    specparam static string strong strong0 strong1 struct super supply0 supply1
    sync_accept_on sync_reject_on table tagged task this throughout time timeprecision
    timeunit tran tranif0 tranif1 tri tri0 tri1 triand trior trireg type typedef union unique
    unique0 unsigned until until_with untyped use uwire var vectored virtual void wait
    wait_order wand weak weak0 weak1 while wildcard wire with within wor xnor xor
    """.split())


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


def _name(ctx, where, line, name, member=False):
    if not NAME_RE.match(name or ""):
        ctx.err(where, line, f"name {name!r} is not an identifier ([A-Za-z][A-Za-z0-9_]*)")
    elif member and name.lower() in SV_KEYWORDS:
        ctx.err(where, line, f"name {name!r} is a SystemVerilog keyword in lower case (it names "
                "a member of the register file's port structs)")


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
            _name(ctx, rw, rl, rname, member=True)
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
                _name(ctx, fw, fl, fname, member=True)
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
            # Register-file options (rw registers only): strobe (a bus write also pulses a
            # strobe), hw_write (the NIC writes it too), clear_on ("REG.FIELD": a bus write
            # that sets that 1-bit field of REG, in the same block or element, from 0 to 1
            # resets this register).
            opts = {}
            for key in ("strobe", "hw_write"):
                if key in r:
                    if not isinstance(r[key], bool):
                        ctx.err(rw, rl, f"'{key}' must be true or false, not {r[key]!r}")
                    elif r[key] and access != "rw":
                        ctx.err(rw, rl, f"'{key}' applies to rw registers only")
                    opts[key] = bool(r[key])
            if opts.get("strobe") and count:
                ctx.err(rw, rl, "'strobe' is not supported on a register array ('count')")
            clear_on = None
            if "clear_on" in r:
                co = r["clear_on"]
                if access != "rw":
                    ctx.err(rw, rl, "'clear_on' applies to rw registers only")
                elif not isinstance(co, str) or not re.fullmatch(r"[A-Za-z]\w*\.[A-Za-z]\w*", co):
                    ctx.err(rw, rl, f"'clear_on' {co!r} must be \"REGISTER.FIELD\"")
                elif count or width != 32:
                    ctx.err(rw, rl, "'clear_on' needs a 32-bit register without 'count'")
                else:
                    clear_on = tuple(co.split("."))
            regs.append({"name": rname, "offset": off, "access": access, "width": width,
                         "count": count, "reset": reset, "fields": fields, "doc": rdoc,
                         "line": rl, "strobe": opts.get("strobe", False),
                         "hw_write": opts.get("hw_write", False), "clear_on": clear_on})
        for r in regs:
            if not r["clear_on"]:
                continue
            cr, cf = r["clear_on"]
            tgt = next((x for x in regs if x["name"] == cr), None)
            fld = next((f for f in tgt["fields"] if f["name"] == cf), None) if tgt else None
            if tgt is None or fld is None:
                ctx.err(f"{where} register {r['name']}", r["line"],
                        f"clear_on {cr}.{cf}: no such register field in this block")
            elif tgt["access"] != "rw" or fld["width"] != 1 or tgt["count"] or tgt["width"] != 32:
                ctx.err(f"{where} register {r['name']}", r["line"],
                        f"clear_on {cr}.{cf} must name a 1-bit field of a 32-bit rw register")
            else:
                r["clear_mask"] = 1 << fld["lsb"]
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
    a("// that rtl/ lints clean on its own, e.g. `verilator --lint-only -Wall -F rtl/sources.f`).")
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
    a("  // " + "=" * 87)
    a("  // The register file's ports (nic_regfile; docs/rtl.md \"Register blocks\"), per block:")
    a("  // <blk>_reg2hw_t, what the register file drives to the hardware: q, the stored value of")
    a("  // a rw register (its kept bits: one member per field when it has several, the field's")
    a("  // bits when it has one) or the written word of a w1/wo register, and qe, the write")
    a("  // strobe of w1/wo and `strobe` registers, one bit per element, high the clock after the")
    a("  // bus write (q already shows the new value); <blk>_hw2reg_t, what the hardware drives")
    a("  // back: d, the value of a ro register (read live) or of a `hw_write` register, and de,")
    a("  // its write enable (one bit per word or 64-bit register; a hardware write wins over a")
    a("  // bus write in the same clock). Array blocks have no struct: each leaf of the struct")
    a("  // they would have is a port of its own, <blk>_reg2hw_<reg>_<member> (rxq_reg2hw_irq_q_vector,")
    a("  // rxq_hw2reg_cons_d), holding the NUM_<BLK> elements the register file builds, element")
    a("  // e of a leaf of E bits per element at [e*E +: E] (register arrays: word i of element e")
    a("  // is entry e*COUNT+i); <BLK>_<KIND>_<REG>_<MEMBER>_W below gives E (the written word of")
    a("  // a w1/wo register, q: its 32 bits, not per element).")
    a("  // " + "=" * 87)
    a("  // Members are named as the map names registers and fields (IRQ.VECTOR: `vector`, a C++")
    a("  // word that Verilator renames in its C++).")
    a("  /* verilator lint_off SYMRSVDWORD */")
    for blk in m["blocks"]:
        r2h, h2r = _rf_members(blk)
        for kind, mem in (("reg2hw", r2h), ("hw2reg", h2r)):
            if not mem:
                continue
            a("")
            if not _rf_flat(blk):
                L.extend(_rf_struct_sv(blk, mem, kind))
                continue
            a(f"  // Block {blk['name']}, {kind}: bits per element of each port of nic_regfile")
            for r, lfs in mem:
                for lf in lfs:
                    port = _rf_leaf_name(blk, kind, r, lf)
                    per = _rf_leaf_elem_bits(blk, lf)
                    note = "bits of the written word" if per is None else "bits per element"
                    a(f"  localparam int {port.upper()}_W = {per or lf['n'] * lf['ew']};  "
                      f"// {note}")
    a("  /* verilator lint_on SYMRSVDWORD */")
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
    a("  // Array blocks: elements at base + array_offset + i * stride, i < count; other blocks:")
    a("  // count 0 (their registers are at base + offset).")
    a("  std::uint32_t array_offset, stride, count;")
    a("};")
    a("")
    a("// Every block, in address (chain) order.")
    a(f"inline constexpr std::array<BlockInfo, {len(m['blocks'])}> kBlocks{{{{")
    for blk in m["blocks"]:
        ns = blk["name"].lower()
        geom = (f"{ns}::kArrayOffset, {ns}::kStride, {ns}::kCount" if blk.get("array")
                else "0, 0, 0")
        a(f"    {{\"{ns}\", {ns}::kTag, {ns}::kVersion, {ns}::kBase, {ns}::kSize, {geom}}},")
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
            plain = (r["access"] == "rw" and not r.get("strobe") and not r.get("hw_write")
                     and not r.get("clear_on"))
            for wname, off, rst in parts:
                words.append((bi, wname, off, r["access"], rst, fmask, plain))
    a("enum class Access : std::uint8_t { kRo, kRw, kWo, kW1 };")
    a("")
    a("// One 32-bit register word: block index into kBlocks, name, offset (block-relative;")
    a("// element-relative in array blocks), access, reset value, and the mask of its fields")
    a("// (0 when the register has no fields); plain: a rw register that only the host writes and")
    a("// that reads back what was written (no strobe, hw_write or clear_on, docs/rtl.md).")
    a("struct RegisterInfo {")
    a("  std::uint8_t block;")
    a("  const char* name;")
    a("  std::uint32_t offset;")
    a("  Access access;")
    a("  std::uint32_t reset;")
    a("  std::uint32_t field_mask;")
    a("  bool plain;")
    a("};")
    a("")
    acc = {"ro": "kRo", "rw": "kRw", "wo": "kWo", "w1": "kW1"}
    a(f"inline constexpr std::array<RegisterInfo, {len(words)}> kRegisters{{{{")
    for bi, wname, off, access, rst, fmask, plain in words:
        a(f"    {{{bi}, \"{wname}\", {h(off)}, Access::{acc[access]}, {h(rst, 8)}, {h(fmask, 8)}, "
          f"{'true' if plain else 'false'}}},")
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
    a("In the RTL, the register file `nic_regfile` gives each block a pair of packed structs "
      "(`nic_regs_pkg::<block>_reg2hw_t`, what it drives to the hardware, and "
      "`<block>_hw2reg_t`, what the hardware drives back; docs/rtl.md \"Register blocks\"), "
      "with one member per register, named in lower case; column *RTL* gives its parts: `q` "
      "the stored value (rw) or the written word (w1/wo), `qe` the write strobe, `d` the "
      "value the hardware drives (ro, or a hardware write with its enable `de`). A register "
      "with several fields has one member per field (`q.<field>`), one with a single field "
      "just that field's bits. An array block has no struct: each part is a port of its own, "
      "`<block>_reg2hw_<reg>_<part>` or `<block>_hw2reg_<reg>_<part>` (`rxq_reg2hw_irq_q_vector`), "
      "holding the elements the register file builds.")
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
        a("| offset | name | access | reset | description | RTL |")
        a("|---|---|---|---|---|---|")
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
            rtl = {"ro": "`d`", "w1": "`q`, `qe`", "wo": "`q`, `qe`"}.get(r["access"], "`q`")
            if r["strobe"]:
                rtl += ", `qe`"
            if r["hw_write"]:
                rtl += "; `d`, `de`"
            a(f"| {off} | {name} | {r['access']} | {reset} | {_md_cell(r['doc'])} | {rtl} |")
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


# ------------------------------------------------------------------------------------------
# Register file (SystemVerilog module nic_regfile) and its C++ bench table
# ------------------------------------------------------------------------------------------
def _rf_check(m):
    """Constraints of the register-file generator beyond the schema; raises RegsError."""
    errs = []
    for blk in m["blocks"]:
        arr = blk["array"]
        if arr and arr["stride"] & (arr["stride"] - 1):
            errs.append(f"block {blk['name']}: array stride {arr['stride']:#x} must be a power "
                        "of two for --regfile")
        for r in blk["regs"]:
            if r["access"] in ("w1", "wo") and (r["width"] != 32 or r["count"]):
                errs.append(f"block {blk['name']} register {r['name']}: {r['access']} registers "
                            "must be 32-bit without 'count' for --regfile")
    if errs:
        raise RegsError("\n".join(errs))


def _rf_keep(r):
    if r["width"] == 64:
        return (1 << 64) - 1
    if r["fields"]:
        mask = 0
        for f in r["fields"]:
            mask |= ((1 << f["width"]) - 1) << f["lsb"]
        return mask
    return 0xFFFFFFFF


def _rf_geom(blk):
    """(param, map count, shift, idx width, first address) of an array block, or None."""
    arr = blk["array"]
    if not arr:
        return None
    shift = arr["stride"].bit_length() - 1
    idx_w = max(1, (arr["count"] - 1).bit_length())
    return (f"NUM_{blk['name'].upper()}", arr["count"], shift, idx_w,
            blk["base"] + arr["offset"])


def _rf_port(blk, r):
    return f"{blk['name'].lower()}_{r['name'].lower()}"


def _rf_has_strobe(r):
    return r["access"] in ("w1", "wo") or r["strobe"]


# Port structs of the register file, in the style of OpenTitan's reggen: per block,
# nic_regs_pkg::<blk>_reg2hw_t (what the register file drives to the hardware) and
# <blk>_hw2reg_t (what the hardware drives back). Yosys 0.23 cannot select a member of an
# element of a packed array of structs, so an array block's struct holds every element of the
# map in each member vector ("struct of arrays"): element e of a member of E bits per element
# at [e*E +: E].
def _rf_value(r):
    """How a register's value appears in the structs, msb first: [(member, lsb, width)].
    member None: one vector (the register, or its only field); else one member per field."""
    if not r["fields"]:
        return [(None, 0, r["width"])]
    fs = sorted(r["fields"], key=lambda f: -f["lsb"])
    if len(fs) == 1:
        return [(None, fs[0]["lsb"], fs[0]["width"])]
    return [(f["name"].lower(), f["lsb"], f["width"]) for f in fs]


def _rf_members(blk):
    """The leaves of a block's two structs: (reg2hw, hw2reg), each a list of
    (register, [leaf]) in register order (the first one in the most significant bits). A leaf
    is a dict: path (member names below the register: ("q",), ("q", "enable"), ("qe",)),
    n (entries: map elements x words, or 1), per_elem (n counts per element), ew (bits per
    entry), lsb (where an entry's bits sit in the register word), doc."""
    M = blk["array"]["count"] if blk["array"] else 1
    r2h, h2r = [], []
    for r in blk["regs"]:
        C = r["count"] or 1

        def value(role):
            out = []
            for name, lsb, w in _rf_value(r):
                bits = (f"bits {lsb + w - 1}:{lsb}" if w > 1 else f"bit {lsb}")
                doc = (f"{name.upper()}, {bits}" if name else (bits if r["fields"] else ""))
                out.append({"path": (role,) + ((name,) if name else ()), "n": M * C,
                            "per_elem": True, "ew": w, "lsb": lsb, "doc": doc})
            return out

        def leaf(name, n, ew, per_elem=True):
            return {"path": (name,), "n": n, "per_elem": per_elem, "ew": ew, "lsb": 0,
                    "doc": ""}

        a, b = [], []
        if r["access"] == "rw":
            a += value("q")
            if r["strobe"]:
                a.append(leaf("qe", M, 1))
            if r["hw_write"]:
                b += value("d")
                b.append(leaf("de", M * C, 1))
        elif r["access"] == "ro":
            b += value("d")
        else:  # w1 / wo
            a.append(leaf("q", 1, 32, per_elem=False))
            a.append(leaf("qe", M, 1))
        if a:
            r2h.append((r, a))
        if b:
            h2r.append((r, b))
    return r2h, h2r


def _rf_range(blk, lf):
    """The SystemVerilog packed range of a leaf ("" for one bit): a struct member of a
    non-array block, or an array block's leaf port, sized by NUM_<BLK> when per element."""
    per = _rf_leaf_elem_bits(blk, lf) if blk["array"] else None
    if per is None:
        w = lf["n"] * lf["ew"]
        return "" if w == 1 else f"[{w - 1}:0] "
    return f"[{_rf_geom(blk)[0]}{'' if per == 1 else f'*{per}'}-1:0] "


def _rf_flat(blk):
    """An array block's ports are its struct's leaves, each a port of its own sized by
    NUM_<BLK> (a packed struct's members have fixed widths: the map's element count, which a
    simulator then rebuilds every clock; docs/perf-rtl.md)."""
    return bool(blk["array"])


def _rf_leaf_name(blk, kind, r, lf):
    """The port of a leaf of an array block: <blk>_<kind>_<reg>_<path>
    (vnic_reg2hw.rss_key.q -> vnic_reg2hw_rss_key_q)."""
    return "_".join([blk["name"].lower(), kind, r["name"].lower()] + list(lf["path"]))


def _rf_leaf_elem_bits(blk, lf):
    """Bits per element of an array block's leaf (None: not per element, one word)."""
    if not lf["per_elem"]:
        return None
    return lf["n"] // blk["array"]["count"] * lf["ew"]


def _rf_positions(members):
    """[(register, leaf, pos)]: the bit position of every leaf in its (flattened) struct, and
    the struct's width."""
    flat = [(r, lf) for r, lfs in members for lf in lfs]
    out, pos = [], 0
    for r, lf in reversed(flat):
        out.append((r, lf, pos))
        pos += lf["n"] * lf["ew"]
    return list(reversed(out)), pos


def _rf_struct_sv(blk, members, kind):
    """Lines of the typedef of nic_regs_pkg::<blk>_<kind>_t (kind reg2hw or hw2reg)."""
    L = ["  typedef struct packed {"]
    for r, lfs in members:
        note = next((lf["doc"] for lf in lfs if len(lf["path"]) == 1 and lf["doc"]
                     and lf["path"][0] in ("q", "d")), "")
        tail = f"  // {r['name']} ({r['access']})" + (f": {note}" if note else "")
        name = r["name"].lower()
        if all(len(lf["path"]) == 1 for lf in lfs):
            decls = " ".join(f"logic {_rf_range(blk, lf)}{lf['path'][0]};" for lf in lfs)
            line = f"    struct packed {{ {decls} }} {name};" + tail
            if len(line) <= 100:
                L.append(line)
                continue
        L.append("    struct packed {")
        i = 0
        while i < len(lfs):
            lf = lfs[i]
            if len(lf["path"]) == 1:
                L.append(f"      logic {_rf_range(blk, lf)}{lf['path'][0]};")
                i += 1
                continue
            L.append("      struct packed {")
            top = lf["path"][0]
            while i < len(lfs) and lfs[i]["path"][0] == top and len(lfs[i]["path"]) == 2:
                f = lfs[i]
                L.append(f"        logic {_rf_range(blk, f)}{f['path'][1]};  // {f['doc']}")
                i += 1
            L.append(f"      }} {top};")
        L.append(f"    }} {name};" + tail)
    L.append(f"  }} {blk['name'].lower()}_{kind}_t;")
    return L


def emit_regfile_cpp(m):
    """C++ table of nic_regfile's registers and their ports, for Verilated benches."""
    _rf_check(m)
    blocks = m["blocks"]
    arrays = [b for b in blocks if b["array"]]
    L = []
    a = L.append
    a("// SPDX-License-Identifier: MIT")
    a(f"// nic_regfile's registers and ports, for Verilated benches. Generated by")
    a(f"// scripts/regs/gen_regs.py --regfile-cpp from {_src_rel(m['path'])}: do not edit.")
    a("#pragma once")
    a("")
    a("#include <cstdint>")
    a("#include <type_traits>")
    a("#include <vector>")
    a("")
    a("namespace nicsim::regs::regfile {")
    a("")
    a("// A port of the Verilated model (an integer of 1..8 bytes or a VlWide of 32-bit words),")
    a("// accessed by bit ranges of up to 64 bits; bits at or beyond `width` read 0 and ignore")
    a("// writes (an array block's port holds the built elements only).")
    a("struct PortRef {")
    a("  void* p = nullptr;")
    a("  unsigned bytes = 0;  // 1, 2, 4, 8; 0: 32-bit words")
    a("  unsigned width = 0;  // bits")
    a("  explicit operator bool() const { return p != nullptr; }")
    a("  bool bit(unsigned i) const { return ((get(i, 1)) & 1u) != 0; }")
    a("  std::uint64_t get(unsigned lsb, unsigned w) const {")
    a("    std::uint64_t v = 0;")
    a("    for (unsigned i = 0; i < w; ++i) v |= std::uint64_t{raw(lsb + i)} << i;")
    a("    return v;")
    a("  }")
    a("  void set(unsigned lsb, unsigned w, std::uint64_t v) const {")
    a("    for (unsigned i = 0; i < w; ++i) put(lsb + i, ((v >> i) & 1u) != 0);")
    a("  }")
    a("  void clear() const {")
    a("    for (unsigned i = 0; i < width; ++i) put(i, false);")
    a("  }")
    a(" private:")
    a("  unsigned raw(unsigned i) const {")
    a("    if (i >= width) return 0;")
    a("    switch (bytes) {")
    a("      case 1: return (*static_cast<std::uint8_t*>(p) >> i) & 1u;")
    a("      case 2: return (*static_cast<std::uint16_t*>(p) >> i) & 1u;")
    a("      case 4: return (*static_cast<std::uint32_t*>(p) >> i) & 1u;")
    a("      case 8: return static_cast<unsigned>((*static_cast<std::uint64_t*>(p) >> i) & 1u);")
    a("      default: return (static_cast<std::uint32_t*>(p)[i / 32] >> (i % 32)) & 1u;")
    a("    }")
    a("  }")
    a("  template <class T>")
    a("  static void put_int(void* p, unsigned i, bool b) {")
    a("    T& r = *static_cast<T*>(p);")
    a("    r = static_cast<T>(b ? (r | (T{1} << i)) : (r & ~(T{1} << i)));")
    a("  }")
    a("  void put(unsigned i, bool b) const {")
    a("    if (i >= width) return;")
    a("    switch (bytes) {")
    a("      case 1: put_int<std::uint8_t>(p, i, b); break;")
    a("      case 2: put_int<std::uint16_t>(p, i, b); break;")
    a("      case 4: put_int<std::uint32_t>(p, i, b); break;")
    a("      case 8: put_int<std::uint64_t>(p, i, b); break;")
    a("      default: {")
    a("        auto* w = static_cast<std::uint32_t*>(p) + i / 32;")
    a("        *w = b ? (*w | (1u << (i % 32))) : (*w & ~(1u << (i % 32)));")
    a("      }")
    a("    }")
    a("  }")
    a("};")
    a("")
    a("template <class T>")
    a("PortRef port(T& v, unsigned width) {")
    a("  if constexpr (std::is_integral_v<T>) {")
    a("    return PortRef{&v, static_cast<unsigned>(sizeof(T)), width};")
    a("  } else {")
    a("    return PortRef{&v[0], 0, width};")
    a("  }")
    a("}")
    a("")
    a("enum class Access : std::uint8_t { kRo, kRw, kWo, kW1 };")
    a("")
    a("// Elements of the array blocks the model was built with (its NUM_<BLK> parameters).")
    a("struct Counts {")
    for b in arrays:
        a(f"  unsigned {b['name'].lower()} = {b['array']['count']};")
    a("};")
    a("")
    a("// A register's value in the ports: piece j holds `width` bits of entry k (element e,")
    a("// word i: k = e * words + i; a 64-bit register is one entry per element) at bit")
    a("// `pos + k * width` of its port (a block's struct, or an array block's leaf port, pos 0),")
    a("// and they sit at bit `lsb` of the register (a register with fields: one piece per field).")
    a("struct Piece {")
    a("  PortRef port;")
    a("  unsigned pos, width, lsb;")
    a("};")
    a("struct Value {")
    a("  std::vector<Piece> pieces;")
    a("  explicit operator bool() const { return !pieces.empty(); }")
    a("  std::uint64_t get(unsigned k) const {")
    a("    std::uint64_t v = 0;")
    a("    for (const Piece& p : pieces) v |= p.port.get(p.pos + k * p.width, p.width) << p.lsb;")
    a("    return v;")
    a("  }")
    a("  void set(unsigned k, std::uint64_t v) const {")
    a("    for (const Piece& p : pieces) p.port.set(p.pos + k * p.width, p.width, v >> p.lsb);")
    a("  }")
    a("};")
    a("// `width` bits per entry at port bit `pos + k * width` (qe, de: one bit per element or")
    a("// entry; the written word of a w1/wo register: one entry).")
    a("struct Bits {")
    a("  PortRef port;")
    a("  unsigned pos = 0, width = 0;")
    a("  explicit operator bool() const { return static_cast<bool>(port); }")
    a("  std::uint64_t get(unsigned k) const { return port.get(pos + k * width, width); }")
    a("  void set(unsigned k, std::uint64_t v) const { port.set(pos + k * width, width, v); }")
    a("};")
    a("")
    a("// One register of the map (a register array counts once: `words`), and where it is in")
    a("// the block's ports (<blk>_reg2hw / <blk>_hw2reg, or an array block's leaf ports, which")
    a("// hold the built elements).")
    a("struct Register {")
    a("  const char* block;")
    a("  const char* name;")
    a("  std::uint32_t addr;       // absolute address (array blocks: of element 0)")
    a("  std::uint32_t stride;     // array blocks: element stride; else 0")
    a("  unsigned elements;        // built elements (1 for non-array blocks)")
    a("  unsigned map_elements;    // elements of the map (1 for non-array blocks)")
    a("  unsigned words;           // 32-bit words (register arrays: count; else 1)")
    a("  unsigned width;           // 32 or 64")
    a("  Access access;")
    a("  std::uint64_t keep;       // bits kept by a write (per word or 64-bit register)")
    a("  std::uint64_t reset;")
    a("  bool strobe;              // qe (w1/wo and `strobe` registers)")
    a("  bool hw_write;            // d/de in hw2reg")
    a("  const char* clear_reg;    // clear_on: register (same block) and field mask, or nullptr")
    a("  std::uint32_t clear_mask;")
    a("  Value value;              // rw: q in reg2hw; ro: d in hw2reg")
    a("  Bits qe;                  // reg2hw: the write strobe, one bit per element")
    a("  Bits wdata;               // reg2hw, w1/wo: q, the word written")
    a("  Value hw_wdata;           // hw2reg, hw_write: d")
    a("  Bits hw_we;               // hw2reg, hw_write: de, one bit per entry")
    a("};")
    a("")
    a("template <class V>")
    a("std::vector<Register> registers(V& m, const Counts& n) {")
    a("  std::vector<Register> r;")
    acc = {"ro": "kRo", "rw": "kRw", "wo": "kWo", "w1": "kW1"}
    for blk in blocks:
        g = _rf_geom(blk)
        b = blk["name"].lower()
        ne = f"n.{b}" if g else "1u"
        r2h, h2r = _rf_members(blk)
        where = {}  # (register name, kind, role) -> [(leaf, port, pos)]
        for kind, mem in (("reg2hw", r2h), ("hw2reg", h2r)):
            if not mem:
                continue
            pos, total = _rf_positions(mem)
            for reg, lf, at in pos:
                if _rf_flat(blk):
                    per = _rf_leaf_elem_bits(blk, lf)
                    w = f"n.{b} * {per}u" if per is not None else f"{lf['n'] * lf['ew']}u"
                    port, at = f"port(m.{_rf_leaf_name(blk, kind, reg, lf)}, {w})", 0
                else:
                    port = f"port(m.{b}_{kind}, {total})"
                where.setdefault((reg["name"], kind, lf["path"][0]), []).append((lf, port, at))

        def value(reg, kind, role):
            lfs = where.get((reg["name"], kind, role))
            if not lfs:
                return "Value{}"
            pieces = ", ".join(f"{{{port}, {at}, {lf['ew']}, {lf['lsb']}}}"
                               for lf, port, at in lfs)
            return f"Value{{{{{pieces}}}}}"

        def bits(reg, kind, role):
            lfs = where.get((reg["name"], kind, role))
            if not lfs:
                return "Bits{}"
            lf, port, at = lfs[0]
            return f"Bits{{{port}, {at}, {lf['ew']}}}"

        for reg in blk["regs"]:
            C = reg["count"] or 1
            W = reg["width"]
            addr = blk["base"] + (blk["array"]["offset"] if g else 0) + reg["offset"]
            stride = blk["array"]["stride"] if g else 0
            mapn = g[1] if g else 1
            st = _rf_has_strobe(reg)
            cmd = reg["access"] in ("w1", "wo")
            val = value(reg, "reg2hw" if reg["access"] == "rw" else "hw2reg",
                        "q" if reg["access"] == "rw" else "d")
            if cmd:
                val = "Value{}"
            qe = bits(reg, "reg2hw", "qe")
            wd = bits(reg, "reg2hw", "q") if cmd else "Bits{}"
            hwd = value(reg, "hw2reg", "d") if reg["hw_write"] else "Value{}"
            hwe = bits(reg, "hw2reg", "de")
            cr = f"\"{reg['clear_on'][0]}\"" if reg["clear_on"] else "nullptr"
            cm = reg.get("clear_mask", 0)
            a(f"  r.push_back({{\"{b}\", \"{reg['name']}\", 0x{addr:X}, 0x{stride:X}, {ne}, {mapn}, "
              f"{C}, {W}, Access::{acc[reg['access']]}, 0x{_rf_keep(reg):X}ull, "
              f"0x{reg['reset']:X}ull, {str(st).lower()}, {str(reg['hw_write']).lower()}, {cr}, "
              f"0x{cm:X}, {val}, {qe}, {wd}, {hwd}, {hwe}}});")
    a("  return r;")
    a("}")
    a("")
    a("// Block headers: base, tag, version, next.")
    a("struct Block {")
    a("  const char* name;")
    a("  std::uint32_t base, tag, version, next;")
    a("};")
    a(f"inline const std::vector<Block> kBlocks = {{")
    for blk in blocks:
        a(f"    {{\"{blk['name'].lower()}\", 0x{blk['base']:X}, 0x{blk['tag_val']:08X}, "
          f"0x{blk['version']:08X}, 0x{blk['next']:X}}},")
    a("};")
    a("")
    a("}  // namespace nicsim::regs::regfile")
    return "\n".join(L) + "\n"


def emit_regfile(m):
    _rf_check(m)
    aw = m["address_width"]
    ad = (aw + 3) // 4

    def A(v, w=aw):
        return f"{w}'h{v:0{(w + 3) // 4}X}"

    def H32(v):
        return f"32'h{_hex(v, 8)}"

    blocks = m["blocks"]
    L = []
    a = L.append
    a("// SPDX-License-Identifier: MIT")
    a("// nic_regfile: the register file of the whole nicsim register map behind an AXI4-Lite")
    a(f"// slave. Generated by scripts/regs/gen_regs.py --regfile from {_src_rel(m['path'])}: do")
    a("// not edit. Ports (docs/rtl.md \"Register blocks\"): per block <blk>, <blk>_reg2hw of type")
    a("// nic_regs_pkg::<blk>_reg2hw_t, what the register file drives to the hardware, and")
    a("// <blk>_hw2reg of type nic_regs_pkg::<blk>_hw2reg_t, what the hardware drives back (the")
    a("// package describes the members); member <reg> of them:")
    a("// - rw: q, the stored value (the kept bits: its fields), reset from the map.")
    a("// - ro: d, read live; 64-bit: reading _LO returns the low word and latches the high word")
    a("//   in the one latch of the map; a read of that _HI returns the latch until the next _LO")
    a("//   read of any 64-bit register.")
    a("// - w1/wo, and rw with `strobe`: qe, one bit per element, high for the one clock after the")
    a("//   write's handshake (registered; rw q already shows the new value); w1/wo: q, the")
    a("//   written word (disabled byte lanes 0).")
    a("// - rw with `hw_write`: d and de (one enable per word or 64-bit register); a hardware")
    a("//   write wins over a bus write in the same clock.")
    a("// - rw with `clear_on: REG.FIELD`: a bus write that sets FIELD of REG (same block or")
    a("//   element) from 0 to 1 resets the register.")
    a("// Array blocks build NUM_<BLK> of the map's <BLK>_COUNT elements and have no structs:")
    a("// each leaf of the struct is a port of its own, named by its path (vnic_reg2hw.rss_key.q:")
    a("// vnic_reg2hw_rss_key_q), NUM_<BLK> elements wide.")
    a("// Array elements at or beyond NUM_<BLK> and unmapped addresses read 0 and ignore writes;")
    a("// every response is OKAY; wstrb is honoured; one transaction per direction at a time,")
    a("// AW and W taken together; read data one clock after the AR handshake.")
    a("`resetall")
    a("`timescale 1ns/1ps")
    a("`default_nettype none")
    a("")
    a("module nic_regfile #(")
    params = [b for b in blocks if b["array"]]
    for i, blk in enumerate(params):
        g = _rf_geom(blk)
        sep = "," if i + 1 < len(params) else ""
        a(f"  parameter int {g[0]} = 1{sep}  // elements of block {blk['name']} built (1..{g[1]})")
    a(") (")
    ports = [
        "input  wire                             clk",
        "input  wire                             rst",
        "",
        "input  wire [nic_regs_pkg::ADDR_W-1:0]  s_axil_awaddr",
        "input  wire [2:0]                       s_axil_awprot",
        "input  wire                             s_axil_awvalid",
        "output wire                             s_axil_awready",
        "input  wire [nic_regs_pkg::DATA_W-1:0]  s_axil_wdata",
        "input  wire [nic_regs_pkg::DATA_W/8-1:0] s_axil_wstrb",
        "input  wire                             s_axil_wvalid",
        "output wire                             s_axil_wready",
        "output wire [1:0]                       s_axil_bresp",
        "output wire                             s_axil_bvalid",
        "input  wire                             s_axil_bready",
        "input  wire [nic_regs_pkg::ADDR_W-1:0]  s_axil_araddr",
        "input  wire [2:0]                       s_axil_arprot",
        "input  wire                             s_axil_arvalid",
        "output wire                             s_axil_arready",
        "output wire [nic_regs_pkg::DATA_W-1:0]  s_axil_rdata",
        "output wire [1:0]                       s_axil_rresp",
        "output wire                             s_axil_rvalid",
        "input  wire                             s_axil_rready",
    ]

    def total(blk, r, per=None):
        """The MSB of a packed port or register: "NUM_X*n-1" or the number."""
        per = per if per is not None else (r["count"] or 1) * r["width"]
        g = _rf_geom(blk)
        return f"{g[0]}*{per}-1" if g else f"{per - 1}"

    members = {blk["name"]: _rf_members(blk) for blk in blocks}
    for blk in blocks:
        g = _rf_geom(blk)
        b = blk["name"].lower()
        r2h, h2r = members[blk["name"]]
        ports.append("")
        ports.append(f"// Block {blk['name']} (\"{blk['tag']}\")"
                     + (f": {g[0]} elements" if g else ""))
        if _rf_flat(blk):
            for kind, mem, d in (("reg2hw", r2h, "output logic"), ("hw2reg", h2r, "input  wire ")):
                for r, lfs in mem:
                    for lf in lfs:
                        ports.append(f"{d} {_rf_range(blk, lf)}"
                                     f"{_rf_leaf_name(blk, kind, r, lf)}")
            continue
        if r2h:
            ports.append(f"output nic_regs_pkg::{b}_reg2hw_t {b}_reg2hw")
        if h2r:
            ports.append(f"input  nic_regs_pkg::{b}_hw2reg_t {b}_hw2reg")
    real = [i for i, x in enumerate(ports) if x and not x.startswith("//")]
    for i, x in enumerate(ports):
        if not x:
            a("")
        elif x.startswith("//"):
            a("  " + x)
        else:
            a("  " + x + ("," if i != real[-1] else ""))
    a(");")
    a("")
    a("  initial begin")
    for blk in params:
        g = _rf_geom(blk)
        a(f"    if ({g[0]} < 1 || {g[0]} > {g[1]}) begin")
        a(f"      $error(\"nic_regfile (%m): {g[0]} (%0d) must be in 1..{g[1]}\", {g[0]});")
        a("    end")
    a("  end")
    a("")
    # A bus write keeps the byte lanes wstrb does not enable: (old & ~wr_bytes) |
    # wr_strb_data, written out per register. (A function call per register, as this was, took
    # Yosys 38 s to elaborate at 8 VNICs, 1 s like this: docs/benches.md.)
    a("  // The byte lanes a bus write replaces (s_axil_wstrb, a byte per bit).")
    a("  logic [31:0] wr_bytes;")
    a("  assign wr_bytes = {{8{s_axil_wstrb[3]}}, {8{s_axil_wstrb[2]}}, {8{s_axil_wstrb[1]}},")
    a("                     {8{s_axil_wstrb[0]}}};")
    a("")
    a("  // AXI4-Lite handshakes: a write is taken when AW and W are both offered and no B")
    a("  // response is pending, a read when AR is offered and no R response is pending.")
    a("  logic awready_q, awready_d;  // also drives wready")
    a("  logic bvalid_q, bvalid_d;")
    a("  logic arready_q, arready_d;")
    a("  logic rvalid_q, rvalid_d;")
    a("  logic [31:0] rdata_q, rdata_d;")
    a("  logic wr_fire, rd_fire;")
    a(f"  logic [{aw - 1}:0] wr_addr, rd_addr;  // word addresses (bits 1:0 zero)")
    a("  logic [31:0] wr_strb_data;  // wdata with the disabled byte lanes 0")
    a("  logic [31:0] wr_word_q;  // the last word written (w1/wo: their q)")
    a("  // The 64-bit read latch: the _HI word address captured by the last _LO read, and the value.")
    a("  logic latch_valid_q, latch_valid_d;")
    a(f"  logic [{aw - 1}:0] latch_addr_q, latch_addr_d;")
    a("  logic [31:0] latch_q, latch_d;")
    a("  logic [31:0] rd_val, rd_hi;")
    a("  logic rd_lo;")
    unused = ["s_axil_awprot", "s_axil_arprot", "s_axil_awaddr[1:0]", "s_axil_araddr[1:0]"]
    for blk in params:
        g = _rf_geom(blk)
        b = blk["name"].lower()
        top = g[2] + g[3]
        a(f"  // Block {blk['name']}: element decode")
        for d in ("wr", "rd"):
            a(f"  logic [{aw - 1}:0] {d}_{b}_rel;")
            a(f"  logic {d}_{b}_hit;")
            a(f"  logic [{g[3] - 1}:0] {d}_{b}_idx;")
            a(f"  logic [{g[2] - 1}:0] {d}_{b}_off;")
            if top < aw:
                unused.append(f"{d}_{b}_rel[{aw - 1}:{top}]")
        if g[1] > 1 and any(_rf_has_strobe(r) for r in blk["regs"]):
            a(f"  logic [{g[3] - 1}:0] wr_{b}_idx_q;")
    a("  // Registers, and the hardware's values (from the hw2reg structs) packed as the registers")
    a("  // (element e of a register of C words of W bits at [e*C*W +: C*W]).")
    for blk in blocks:
        for r in blk["regs"]:
            p = _rf_port(blk, r)
            if r["access"] == "rw":
                a(f"  logic [{total(blk, r)}:0] {p}_q;")
                if r["hw_write"]:
                    a(f"  logic [{total(blk, r, r['count'] or 1)}:0] {p}_hw_we;")
                    a(f"  logic [{total(blk, r)}:0] {p}_hw_wdata;")
                    if _rf_keep(r) != (1 << r["width"]) - 1:
                        unused.append(f"{p}_hw_wdata")
            elif r["access"] == "ro":
                a(f"  logic [{total(blk, r)}:0] {p};")
            if _rf_has_strobe(r):
                a(f"  logic {p}_wr_q;")
    a("")
    a("  // AxPROT carries no meaning here; registers are word aligned (addr[1:0] ignored); the")
    a("  // element decode keeps only the bits it needs; hardware-write bits outside a register's")
    a("  // kept bits are dropped; hw2reg elements beyond NUM_<BLK> are not built.")
    a("  logic unused_bits;")
    a("  assign unused_bits = ^{" + ", ".join(unused) + "};")
    a("")
    a("  always_comb begin")
    a("    wr_fire  = awready_q && s_axil_awvalid && s_axil_wvalid;")
    a(f"    wr_addr  = {{s_axil_awaddr[{aw - 1}:2], 2'b00}};")
    a("    rd_fire  = arready_q && s_axil_arvalid;")
    a(f"    rd_addr  = {{s_axil_araddr[{aw - 1}:2], 2'b00}};")
    a("    wr_strb_data = s_axil_wdata & wr_bytes;")
    a("    // Accept a write when both AW and W are offered and no response is outstanding.")
    a("    awready_d = !awready_q && s_axil_awvalid && s_axil_wvalid && !bvalid_q;")
    a("    bvalid_d  = bvalid_q ? !s_axil_bready : wr_fire;")
    a("    arready_d = !arready_q && s_axil_arvalid && !rvalid_q;")
    a("    rvalid_d  = rvalid_q ? !s_axil_rready : rd_fire;")
    for blk in params:
        g = _rf_geom(blk)
        b = blk["name"].lower()
        end = g[4] + g[1] * blk["array"]["stride"]
        for d in ("wr", "rd"):
            a(f"    {d}_{b}_rel = {d}_addr - {A(g[4])};")
            a(f"    {d}_{b}_hit = {d}_addr >= {A(g[4])} && {{1'b0, {d}_addr}} < {A(end, aw + 1)};")
            a(f"    {d}_{b}_idx = {d}_{b}_rel[{g[2] + g[3] - 1}:{g[2]}];")
            a(f"    {d}_{b}_off = {d}_{b}_rel[{g[2] - 1}:0];")
    a("  end")
    a("")

    # ---------------- write path ----------------
    def wr_word(blk, r, lo, word_off, ind, mode, ctrl_regs):
        """Statements for a bus write of one 32-bit word of r at [lo +: 32]."""
        p = _rf_port(blk, r)
        keep = _rf_keep(r)
        wkeep = (keep >> (32 if (r["width"] == 64 and word_off == 4) else 0)) & 0xFFFFFFFF
        out = []
        if r["access"] == "rw":
            expr = f"(({p}_q[{lo} +: 32] & ~wr_bytes) | wr_strb_data)"
            if wkeep != 0xFFFFFFFF:
                expr += f" & {H32(wkeep)}"
            out.append(f"{p}_q[{lo} +: 32] <= {expr};")
            if r["strobe"]:
                out.append(f"{p}_wr_q <= 1'b1;")
            # registers cleared by a 0 -> 1 of a field of this one
            for c, cp, clo in ctrl_regs.get(r["name"], []):
                bit = c["clear_mask"].bit_length() - 1
                out.append(f"if (!{p}_q[{lo} + {bit}] && (({expr}) & {H32(c['clear_mask'])}) != '0) begin")
                out.append(f"  {cp}_q[{clo} +: 32] <= {H32(c['reset'])};")
                out.append("end")
        else:  # w1 / wo
            out.append(f"{_rf_port(blk, r)}_wr_q <= 1'b1;")
        return out

    a("  // Write path: bus writes, then hardware writes (which win: the later nonblocking")
    a("  // assignment). The registers are written in place, in the clocks that write them: no")
    a("  // per-clock copy of every register into a next-state twin (docs/perf-rtl.md).")
    a("  always_ff @(posedge clk) begin")
    a("    if (rst) begin")
    for blk in blocks:
        g = _rf_geom(blk)
        for r in blk["regs"]:
            p = _rf_port(blk, r)
            if r["access"] == "rw":
                W = r["width"]
                rst = r["reset"] & _rf_keep(r)
                n = (r["count"] or 1)
                rep_ = f"{g[0]}*{n}" if g else f"{n}"
                a(f"      {p}_q <= {{{rep_}{{{W}'h{rst:X}}}}};")
            if _rf_has_strobe(r):
                a(f"      {p}_wr_q <= 1'b0;")
    a("    end else begin")
    body_start = len(L)
    for blk in blocks:
        for r in blk["regs"]:
            p = _rf_port(blk, r)
            if _rf_has_strobe(r):
                a(f"    {p}_wr_q <= 1'b0;")
    for blk in blocks:
        g = _rf_geom(blk)
        b = blk["name"].lower()
        ctrl = {}
        for r in blk["regs"]:
            if r["clear_on"]:
                ctrl.setdefault(r["clear_on"][0], []).append(r)
        a(f"    // Block {blk['name']}")
        if not g:
            a("    if (wr_fire) begin")
            a("      case (wr_addr)")
            for r in blk["regs"]:
                if r["access"] == "ro":
                    continue
                cregs = {k: [(c, _rf_port(blk, c), "0") for c in v] for k, v in ctrl.items()}
                words = ([(0, 0), (32, 4)] if r["width"] == 64 else
                         [(32 * i, 4 * i) for i in range(r["count"] or 1)])
                for lo, wo in words:
                    a(f"        {A(blk['base'] + r['offset'] + wo)}: begin  // {r['name']}"
                      + (f"[{lo // 32}]" if r["count"] else ("_HI" if wo and r["width"] == 64 else
                                                             ("_LO" if r["width"] == 64 else ""))))
                    for s in wr_word(blk, r, str(lo), wo, "", "", cregs):
                        a("          " + s)
                    a("        end")
            a("        default: ;")
            a("      endcase")
            a("    end")
        else:
            a(f"    for (int e = 0; e < {g[0]}; e++) begin")
            a(f"      if (wr_fire && wr_{b}_hit && wr_{b}_idx == {g[3]}'(e)) begin")
            a(f"        case (wr_{b}_off)")
            for r in blk["regs"]:
                if r["access"] == "ro":
                    continue
                C = r["count"] or 1
                per = C * r["width"]
                cregs = {k: [(c, _rf_port(blk, c), f"e*{(c['count'] or 1) * c['width']}")
                             for c in v] for k, v in ctrl.items()}
                words = ([(0, 0), (32, 4)] if r["width"] == 64 else
                         [(32 * i, 4 * i) for i in range(C)])
                for lo, wo in words:
                    a(f"          {g[2]}'h{r['offset'] + wo:X}: begin  // {r['name']}"
                      + (f"[{lo // 32}]" if r["count"] else ("_HI" if wo and r["width"] == 64 else
                                                             ("_LO" if r["width"] == 64 else ""))))
                    for s in wr_word(blk, r, f"e*{per} + {lo}", wo, "", "", cregs):
                        a("            " + s)
                    a("          end")
            a("          default: ;")
            a("        endcase")
            a("      end")
            a("    end")
    for blk in blocks:
        g = _rf_geom(blk)
        for r in blk["regs"]:
            if not r["hw_write"]:
                continue
            p = _rf_port(blk, r)
            W = r["width"]
            keep = _rf_keep(r)
            n = f"{g[0]}*{r['count'] or 1}" if g else f"{r['count'] or 1}"
            mask = "" if keep == (1 << W) - 1 else f" & {W}'h{keep:X}"
            a(f"    for (int k = 0; k < {n}; k++) begin")
            a(f"      if ({p}_hw_we[k]) begin")
            a(f"        {p}_q[k*{W} +: {W}] <= {p}_hw_wdata[k*{W} +: {W}]{mask};")
            a("      end")
            a("    end")
    L[body_start:] = ["  " + x if x else x for x in L[body_start:]]
    a("    end")
    a("  end")
    a("")

    # ---------------- read path ----------------
    a("  // Read path: the addressed word; a _LO read of a 64-bit register also gives its _HI.")
    a("  // Decoded only in a clock that takes a read (the same multiplexer into rdata_q; a")
    a("  // simulator does not walk the map every clock: docs/perf-rtl.md).")
    a("  always_comb begin")
    a("    rd_val = '0;")
    a("    rd_hi  = '0;")
    a("    rd_lo  = 1'b0;")
    a("    if (rd_fire) begin")
    rd_start = len(L)
    a("    case (rd_addr)")
    for bi, blk in enumerate(blocks):
        B = blk["name"].upper()
        a(f"      // Block {blk['name']}")
        a(f"      {A(blk['base'] + 0x0)}: rd_val = nic_regs_pkg::{B}_TAG;")
        a(f"      {A(blk['base'] + 0x4)}: rd_val = nic_regs_pkg::{B}_VERSION;")
        a(f"      {A(blk['base'] + 0x8)}: rd_val = {H32(blk['next'])};")
        if blk["array"]:
            continue
        for r in blk["regs"]:
            if r["access"] not in ("rw", "ro"):
                continue
            p = _rf_port(blk, r)
            src = f"{p}_q" if r["access"] == "rw" else p
            base = blk["base"] + r["offset"]
            if r["width"] == 64:
                a(f"      {A(base)}: begin  // {r['name']}_LO")
                a(f"        rd_val = {src}[31:0];")
                a(f"        rd_hi  = {src}[63:32];")
                a("        rd_lo  = 1'b1;")
                a("      end")
                a(f"      {A(base + 4)}: rd_val = {src}[63:32];  // {r['name']}_HI")
            else:
                for i in range(r["count"] or 1):
                    a(f"      {A(base + 4 * i)}: rd_val = {src}[{32 * i + 31}:{32 * i}];"
                      f"  // {r['name']}" + (f"[{i}]" if r["count"] else ""))
    a("      default: ;")
    a("    endcase")
    for blk in params:
        g = _rf_geom(blk)
        b = blk["name"].lower()
        a(f"    // Block {blk['name']}: elements below {g[0]}")
        a(f"    for (int e = 0; e < {g[0]}; e++) begin")
        a(f"      if (rd_{b}_hit && rd_{b}_idx == {g[3]}'(e)) begin")
        a(f"        case (rd_{b}_off)")
        for r in blk["regs"]:
            if r["access"] not in ("rw", "ro"):
                continue
            p = _rf_port(blk, r)
            src = f"{p}_q" if r["access"] == "rw" else p
            C = r["count"] or 1
            per = C * r["width"]
            if r["width"] == 64:
                a(f"          {g[2]}'h{r['offset']:X}: begin  // {r['name']}_LO")
                a(f"            rd_val = {src}[e*64 +: 32];")
                a(f"            rd_hi  = {src}[e*64 + 32 +: 32];")
                a("          end")
                a(f"          {g[2]}'h{r['offset'] + 4:X}: rd_val = {src}[e*64 + 32 +: 32];"
                  f"  // {r['name']}_HI")
            else:
                for i in range(C):
                    a(f"          {g[2]}'h{r['offset'] + 4 * i:X}: rd_val = {src}[e*{per} + {32 * i} +: 32];"
                      f"  // {r['name']}" + (f"[{i}]" if r["count"] else ""))
        a("          default: ;")
        a("        endcase")
        a("      end")
        a("    end")
        los = [r for r in blk["regs"] if r["width"] == 64]
        if los:
            a(f"    // Any element of the map (even at or beyond {g[0]}: it latches 0), as the model.")
            cond = " || ".join(f"rd_{b}_off == {g[2]}'h{r['offset']:X}" for r in los)
            a(f"    if (rd_{b}_hit && ({cond})) begin")
            a("      rd_lo = 1'b1;")
            a("    end")
    a("    if (latch_valid_q && rd_addr == latch_addr_q) begin")
    a("      rd_val = latch_q;")
    a("    end")
    L[rd_start:] = ["  " + x if x else x for x in L[rd_start:]]
    a("    end")
    a("    rdata_d       = rd_fire ? rd_val : rdata_q;")
    a("    latch_valid_d = latch_valid_q || (rd_fire && rd_lo);")
    a(f"    latch_addr_d  = (rd_fire && rd_lo) ? rd_addr + {aw}'d4 : latch_addr_q;")
    a("    latch_d       = (rd_fire && rd_lo) ? rd_hi : latch_q;")
    a("  end")
    a("")

    # ---------------- registers ----------------
    a("  always_ff @(posedge clk) begin")
    a("    rdata_q      <= rdata_d;")
    a("    latch_addr_q <= latch_addr_d;")
    a("    latch_q      <= latch_d;")
    a("    wr_word_q    <= wr_fire ? wr_strb_data : wr_word_q;")
    for blk in params:
        g = _rf_geom(blk)
        b = blk["name"].lower()
        if g[1] > 1 and any(_rf_has_strobe(r) for r in blk["regs"]):
            a(f"    wr_{b}_idx_q <= wr_fire ? wr_{b}_idx : wr_{b}_idx_q;")
    a("    if (rst) begin")
    a("      awready_q     <= 1'b0;")
    a("      bvalid_q      <= 1'b0;")
    a("      arready_q     <= 1'b0;")
    a("      rvalid_q      <= 1'b0;")
    a("      latch_valid_q <= 1'b0;")
    a("    end else begin")
    a("      awready_q     <= awready_d;")
    a("      bvalid_q      <= bvalid_d;")
    a("      arready_q     <= arready_d;")
    a("      rvalid_q      <= rvalid_d;")
    a("      latch_valid_q <= latch_valid_d;")
    a("    end")
    a("  end")
    a("")
    a("  assign s_axil_awready = awready_q;")
    a("  assign s_axil_wready  = awready_q;")
    a("  assign s_axil_bresp   = 2'b00;  // OKAY")
    a("  assign s_axil_bvalid  = bvalid_q;")
    a("  assign s_axil_arready = arready_q;")
    a("  assign s_axil_rdata   = rdata_q;")
    a("  assign s_axil_rresp   = 2'b00;  // OKAY")
    a("  assign s_axil_rvalid  = rvalid_q;")

    # ---------------- the port structs ----------------
    def sel(k, stride, w, off=0):
        """The part-select of w bits at entry k (an expression or "0") of `stride` bits, + off."""
        if k == "0":
            return f"[{off}]" if w == 1 else f"[{off + w - 1}:{off}]"
        base = (k if stride == 1 else f"{k}*{stride}") + (f" + {off}" if off else "")
        return f"[{base}]" if w == 1 else f"[{base} +: {w}]"

    def entries(blk, r, lf, reg, member, to_struct):
        """Statements copying a value leaf between a flat register vector `reg` (32-bit words or
        64-bit registers) and the struct member, per element e (array blocks) or once."""
        g = _rf_geom(blk)
        C = r["count"] or 1
        W = r["width"]
        if lf["lsb"] == 0 and lf["ew"] == W:  # the whole register: the same packing
            if not g:
                return "outer", [f"{member} = {reg};" if to_struct else f"{reg} = {member};"]
            # an array block's port: the same vector (an alias, no copy per clock)
            return "assign", [f"assign {member} = {reg};" if to_struct else
                              f"assign {reg} = {member};"]
        k = ("e" if g else "0") if C == 1 else ("(e*" + str(C) + " + i)" if g else "i")
        ew = lf["ew"]
        msel = "" if k == "0" else sel(k, ew, ew)  # a non-array member is one entry wide
        rsel = sel(k, W, ew, lf["lsb"])
        stmt = (f"{member}{msel} = {reg}{rsel};" if to_struct else
                f"{reg}{rsel} = {member}{msel};")
        if C > 1:
            return ("inner" if g else "outer"), [f"for (int i = 0; i < {C}; i++) begin",
                                                 "  " + stmt, "end"]
        return ("inner" if g else "outer"), [stmt]

    a("")
    a("  // The ports: registers and strobes out, the hardware's values in (non-array blocks: the")
    a("  // structs nic_regs_pkg::<blk>_reg2hw_t, <blk>_hw2reg_t; array blocks: a port per leaf).")
    for blk in blocks:
        g = _rf_geom(blk)
        b = blk["name"].lower()
        r2h, h2r = members[blk["name"]]
        for kind, mem in (("reg2hw", r2h), ("hw2reg", h2r)):
            if not mem:
                continue
            port = f"{b}_{kind}"
            outer, inner, defaults, assigns = [], [], [], []
            for r, lfs in mem:
                p = _rf_port(blk, r)
                for lf in lfs:
                    member = (_rf_leaf_name(blk, kind, r, lf) if _rf_flat(blk) else
                              f"{port}.{r['name'].lower()}." + ".".join(lf["path"]))
                    role = lf["path"][0]
                    if role == "qe":
                        if g:
                            cond = (f"{p}_wr_q && wr_{b}_idx_q == {g[3]}'(e)" if g[1] > 1
                                    else f"{p}_wr_q")
                            inner.append(f"{member}[e] = {cond};")
                        else:
                            outer.append(f"{member} = {p}_wr_q;")
                    elif role == "q" and not lf["per_elem"]:
                        outer.append(f"{member} = wr_word_q;")
                    elif role == "de":
                        if g:
                            assigns.append(f"assign {p}_hw_we = {member};")
                        else:
                            outer.append(f"{p}_hw_we = {member};")
                    else:
                        reg = (f"{p}_q" if kind == "reg2hw" else
                               (f"{p}_hw_wdata" if r["access"] == "rw" else p))
                        where, stmts = entries(blk, r, lf, reg, member, kind == "reg2hw")
                        {"inner": inner, "outer": outer, "assign": assigns}[where].extend(stmts)
                        if kind == "hw2reg" and not (lf["lsb"] == 0 and lf["ew"] == r["width"]):
                            if f"{reg} = '0;" not in defaults:
                                defaults.append(f"{reg} = '0;")
            a(f"  // Block {blk['name']}: " + ("registers -> " if kind == "reg2hw" else "")
              + (f"{port}_*" if _rf_flat(blk) else port)
              + (" -> the registers' values" if kind == "hw2reg" else ""))
            for x in assigns:
                a(f"  {x}")
            if not (defaults or outer or inner):
                continue
            a("  always_comb begin")
            for x in defaults:
                a(f"    {x}")
            for x in outer:
                a(f"    {x}")
            if inner:
                a(f"    for (int e = 0; e < {g[0]}; e++) begin")
                for x in inner:
                    a(f"      {x}")
                a("    end")
            a("  end")
    a("")
    a("endmodule")
    a("")
    a("`default_nettype wire")
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
    p.add_argument("--regfile", help="write the SystemVerilog register file nic_regfile here")
    p.add_argument("--regfile-cpp", help="write the C++ table of the register file's ports "
                   "(for Verilated benches) here")
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
    try:
        if args.regfile:
            _write(args.regfile, emit_regfile(model))
        if args.regfile_cpp:
            _write(args.regfile_cpp, emit_regfile_cpp(model))
    except RegsError as e:
        sys.stderr.write(f"gen_regs.py: error: {args.yaml}:\n{e}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
