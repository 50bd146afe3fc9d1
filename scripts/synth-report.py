#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Resource report and logic depth of a Yosys synth_xilinx netlist (write_json).

usage: scripts/synth-report.py NETLIST.json LABEL TOP [--path] [--max-lut-levels=N]
                              [--by-module=N] [--path-to=PLACE]

Prints `NAME VALUE UNIT` lines: synth_luts, synth_ffs, synth_bram36, synth_uram, synth_dsp
(synth_srl, synth_lutram when present), synth_lut_levels, synth_logic_levels. Called by
scripts/synth-block.sh on the netlist it writes; run it by hand on a kept netlist
(SYNTH_OUT=DIR) to re-read it without synthesizing again.

Logic depth: Yosys has no timing model for Xilinx cells, so the longest combinational path
between sequential cells (FD*, block/ultra/distributed RAM, DSP, SRL) and core ports is found
by a walk over the netlist:
  synth_lut_levels   = most LUTs (LUT1..LUT6, INV) on one path; CARRY/MUXF cells count 0
  synth_logic_levels = most LUT + CARRY + MUXF cells on one path (Vivado's "logic levels")
Carry cells are taken as one node (any input to any output), a slight overestimate.

--path prints the deepest path in LUT levels (then the deepest in logic levels), one line per
cell from its start to its end, with the cell type and the RTL source lines Yosys recorded
for it (`src` attribute) and the RTL net it drives, so a deep path can be traced to the code
that builds it.

--max-lut-levels=N fails (exit 1, with the path) when the LUT levels exceed N: the synthesis
suite's guard against a block's logic depth growing back (scripts/synth.sh --suite).

--by-module=N lists, per RTL file of the sequential cells that end paths (the register's
always block, from its `src` attribute; a core output port counts as the top's), the deepest
path ending there when it has more than N LUT levels: which blocks of a flattened design are
still over a target, not only the deepest one. --path-to=PLACE prints (as --path) the
deepest path that ends in a place of that list whose name contains PLACE (rtl/axi_dma.sv,
u_dp.u_rq).
"""
import json
import os
import sys

# The repository root, stripped from the source paths --path prints.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + "/"


def kind(t):
    if t.startswith("LUT") or t == "INV":
        return "lut"
    if t.startswith("CARRY") or t.startswith("MUXF"):
        return "logic"
    if t in ("BUF",):
        return "wire"
    return "seq"   # FD*, RAMB*, URAM*, DSP*, SRL*: path start/end points


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    show_path = "--path" in argv[1:]
    max_levels = None
    by_module = None
    path_to = None
    for a in argv[1:]:
        if a.startswith("--max-lut-levels=") and a.split("=", 1)[1].isdigit():
            max_levels = int(a.split("=", 1)[1])
        elif a.startswith("--by-module=") and a.split("=", 1)[1].isdigit():
            by_module = int(a.split("=", 1)[1])
        elif a.startswith("--path-to=") and a.split("=", 1)[1]:
            path_to = a.split("=", 1)[1]
        elif a.startswith("--") and a != "--path":
            print(f"synth-report.py: unknown option {a}", file=sys.stderr)
            return 2
    if len(args) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    path, label, topname = args
    modules = json.load(open(path))["modules"]
    # A top that instantiates a vendor cell of Yosys's library (sdp_ram's URAM288_BASE) is
    # elaborated again once synth_xilinx reads that library, under its derived name
    # (`$paramod\TOP\NAME=VALUE`): then the module Yosys marks as the top is the one.
    if topname not in modules:
        marked = [m for m in modules.values() if m.get("attributes", {}).get("hdlname") ==
                  "\\" + topname and int(m["attributes"].get("top", "0"), 2)]
        if len(marked) != 1:
            print(f"synth-report.py: no module {topname} in {path}", file=sys.stderr)
            return 1
        modules[topname] = marked[0]
    top = modules[topname]
    cells = top["cells"]

    count = {}
    for c in cells.values():
        count[c["type"]] = count.get(c["type"], 0) + 1

    def total(pred):
        return sum(n for t, n in count.items() if pred(t))

    luts = total(lambda t: t.startswith("LUT") or t == "INV")
    ffs = total(lambda t: t.startswith("FD"))
    bram36 = total(lambda t: t.startswith("RAMB36")) + total(lambda t: t.startswith("RAMB18")) / 2
    uram = total(lambda t: t.startswith("URAM"))
    dsp = total(lambda t: t.startswith("DSP"))
    srl = total(lambda t: t.startswith("SRL"))
    lutram = total(lambda t: t.startswith("RAM") and not t.startswith("RAMB"))

    # bit -> combinational cells driving it: (kind, input bits, cell name)
    drivers = {}
    for name, c in cells.items():
        k = kind(c["type"])
        if k == "seq":
            continue
        ins = [b for p, bits in c["connections"].items()
               if c["port_directions"][p] == "input" for b in bits if isinstance(b, int)]
        for p, bits in c["connections"].items():
            if c["port_directions"][p] == "output":
                for b in bits:
                    if isinstance(b, int):
                        drivers.setdefault(b, []).append((k, ins, name))

    # Depth of every driven bit, iteratively (a netlist of 10^6 cells is deeper than Python's
    # recursion): memo[bit] = (lut levels, logic levels, predecessor for each measure).
    memo = {}
    visiting = set()   # bits whose inputs are being measured (a loop through them is cut)

    def depth(bit):
        stack = [bit]
        while stack:
            b = stack[-1]
            if b in memo:
                stack.pop()
                continue
            if b not in visiting:
                visiting.add(b)
                pending = [i for _, ins, _ in drivers.get(b, ())
                           for i in ins if i not in memo and i not in visiting]
                if pending:
                    stack.extend(pending)
                    continue
            best_l = best_g = (0, None)
            for k, ins, name in drivers.get(b, ()):
                for i in ins:
                    li, gi = memo[i][:2] if i in memo else (0, 0)
                    l = li + (k == "lut")
                    g = gi + (k in ("lut", "logic"))
                    if best_l[1] is None or l > best_l[0]:
                        best_l = (l, (i, name))
                    if best_g[1] is None or g > best_g[0]:
                        best_g = (g, (i, name))
            memo[b] = (best_l[0], best_g[0], best_l[1], best_g[1])
            visiting.discard(b)
            stack.pop()
        return memo[bit]

    # Path ends: the inputs of sequential cells and the output ports (a bit that drives
    # nothing, e.g. the unused carry out of an adder's last CARRY4, ends no path). Of those,
    # the deepest by LUT levels, ties broken by logic levels (a path's LUT count does not grow
    # through carry and MUXF cells).
    ends = set()
    for c in cells.values():
        if kind(c["type"]) == "seq":
            for p, bits in c["connections"].items():
                if c["port_directions"][p] == "input":
                    ends.update(b for b in bits if isinstance(b, int))
    for p in top.get("ports", {}).values():
        if p.get("direction") == "output":
            ends.update(b for b in p["bits"] if isinstance(b, int))
    def deepest(keep=lambda b: True):
        """(end bit deepest in LUT levels, its LUT levels, end bit deepest in logic levels,
        its logic levels) over the path ends that `keep` accepts; (None, 0, None, 0) if none."""
        end_l = end_g = None
        best_l, best_g = (0, 0), 0
        for b in drivers:
            if b not in ends or not keep(b):
                continue
            l, g, _, _ = depth(b)
            if end_l is None or (l, g) > best_l:
                best_l, end_l = (l, g), b
            if end_g is None or g > best_g:
                best_g, end_g = g, b
        return end_l, best_l[0], end_g, best_g

    end_l, lut_levels, end_g, logic_levels = deepest()

    print(f"# {label} (Yosys synth_xilinx -family xcup)")
    print(f"synth_luts {luts} count")
    print(f"synth_ffs {ffs} count")
    print(f"synth_bram36 {bram36:g} count")
    print(f"synth_uram {uram} count")
    print(f"synth_dsp {dsp} count")
    if srl:
        print(f"synth_srl {srl} count")
    if lutram:
        print(f"synth_lutram {lutram} count")
    print(f"synth_lut_levels {lut_levels} levels")
    print(f"synth_logic_levels {logic_levels} levels")

    if by_module is not None or path_to is not None:
        # The RTL file of each path end: the sequential cells it feeds (their always block's
        # src), or the top for an output port.
        end_files = {}
        for cname, c in cells.items():
            if kind(c["type"]) != "seq":
                continue
            src = [x.split(":")[0] for x in c.get("attributes", {}).get("src", "").split("|")
                   if x and "/share/yosys/" not in x]
            # the innermost place (the last of a flattened list); a cell without one (a RAM
            # Yosys mapped from a memory) by its instance name
            f = src[-1] if src else f"{c['type']} {cname.lstrip(chr(92)).rsplit('.', 1)[0]}"
            f = f[len(ROOT):] if f.startswith(ROOT) else f
            for p, bits in c["connections"].items():
                if c["port_directions"][p] == "input":
                    for b in bits:
                        if isinstance(b, int):
                            end_files.setdefault(b, set()).add(f)
        for p in top.get("ports", {}).values():
            if p.get("direction") == "output":
                for b in p["bits"]:
                    if isinstance(b, int):
                        end_files.setdefault(b, set()).add(f"(output port of {topname})")
        worst = {}   # file -> (lut levels, logic levels)
        for b in drivers:
            if b not in ends:
                continue
            l, g, _, _ = depth(b)
            for f in end_files.get(b, {"?"}):
                if (l, g) > worst.get(f, (-1, -1)):
                    worst[f] = (l, g)
        if by_module is not None:
            over = sorted(((lv, f) for f, lv in worst.items() if lv[0] > by_module),
                          reverse=True)
            print(f"# path ends by RTL file, over {by_module} LUT levels: {len(over)}")
            for (l, g), f in over:
                print(f"#   {l:3d} LUT levels ({g} logic levels)  {f}")
        if path_to is not None:
            # The paths printed below: the deepest ending in a matching place.
            end_l, _, end_g, _ = deepest(
                lambda b: any(path_to in f for f in end_files.get(b, ())))
            if end_l is None:
                print(f"synth-report.py: no path ends in a place matching {path_to}",
                      file=sys.stderr)
                return 1
            show_path = True

    too_deep = max_levels is not None and lut_levels > max_levels
    if too_deep:
        print(f"synth-report.py: {label}: {lut_levels} LUT levels, more than the "
              f"{max_levels} allowed", file=sys.stderr)
    if show_path or too_deep:
        # A bit's RTL name: of the public nets (not `$...`) that carry it, the deepest in the
        # hierarchy (most often the driving module's own name for it, e.g. a register).
        bit_name = {}
        for net, n in top.get("netnames", {}).items():
            if n.get("hide_name", 0):
                continue
            for idx, bb in enumerate(n["bits"]):
                if not isinstance(bb, int):
                    continue
                name = f"{net}[{idx}]" if len(n["bits"]) > 1 else net
                if bb not in bit_name or name.count(".") > bit_name[bb].count("."):
                    bit_name[bb] = name

        def where(name, out_bit):
            c = cells[name]
            src = [x for x in c.get("attributes", {}).get("src", "").split("|")
                   if x and "/share/yosys/" not in x]
            src = [x[len(ROOT):] if x.startswith(ROOT) else x for x in src]
            return ", ".join(src) or "?", bit_name.get(out_bit, "")

        for title, end, slot in (("LUT levels", end_l, 2), ("logic levels", end_g, 3)):
            chain = []   # (cell, the bit it drives on the path), start to end
            b = end
            while b is not None and b in memo and memo[b][slot] is not None:
                prev, name = memo[b][slot]
                chain.append((name, b))
                b = prev
            chain.reverse()
            print(f"# deepest path by {title}: {len(chain)} cells, start to end "
                  "(consecutive cells of one place folded)")
            print(f"#   from {bit_name.get(b, '?')}")
            rows = []   # [type, source, count, last public net]
            for name, out_bit in chain:
                src, net = where(name, out_bit)
                if rows and rows[-1][1] == src and src != "?":  # no source: not one place
                    rows[-1][2] += 1
                    if rows[-1][0] != cells[name]["type"]:
                        rows[-1][0] = "mixed"
                    rows[-1][3] = net or rows[-1][3]
                else:
                    rows.append([cells[name]["type"], src, 1, net])
            for t, src, n, net in rows:
                print(f"#   {n:4d} x {t:7s} {src}{', net ' + net if net else ''}")
            # The end point: the named net the last cell drives, else the sequential cell it
            # feeds.
            end_name = bit_name.get(end, "")
            if not end_name:
                for cname, c in cells.items():
                    if kind(c["type"]) == "seq" and any(
                            end in bits for p, bits in c["connections"].items()
                            if c["port_directions"][p] == "input"):
                        end_name = f"{c['type']} {cname}"
                        break
            print(f"#   to {end_name or '?'}")
    return 1 if too_deep else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
