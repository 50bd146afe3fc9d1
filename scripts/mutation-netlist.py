#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Makes the mutants of a design: one netlist holding all of them, a drop-in for its top.

Yosys elaborates TOP from SOURCES with the given parameters (read_verilog -sv, chparam,
hierarchy, proc, opt -full, memory -nomap), samples N mutations spread over its modules and source lines (`mutate -list
N -seed S`: a bit of a cell's port inverted, stuck at 0 or 1, or replaced by its XOR with
another bit of the same signal) and applies all of them to one design, mutant ID active when
`mutsel` equals ID (`mutate -ctrl mutsel 16 ID ...`; 0: none), written by `write_verilog`.
Two things keep that netlist from standing in for TOP as it is, fixed here:

- Yosys makes `mutsel` an input port of every module on the way from a mutated cell up to
  the top and connects it down the hierarchy; at the top it becomes a wire driven by an
  instance of `nicsim_mutsel`, which asks the simulator once, at time 0, which mutant runs
  (the DPI-C function nicsim_mutant_id(), sim/src/mutant_select.cpp: the environment variable
  NICSIM_MUTANT).
- The top keeps its name but has lost its parameters, which its parent sets: the parameter
  list of TOP's source is put back, and an elaboration-time check fails the build when the
  instantiating parameters differ from the ones the netlist was elaborated with.

With --keep MODULE (repeatable), MODULE is a blackbox before `hierarchy` (its instances keep
their parameters), no mutant is sampled in it, and its source is appended to the netlist as it
is: for leaf blocks whose netlist Verilator evaluates bit by bit (docs/mutation.md). DIR/kept
lists them.

usage: mutation-netlist.py --top TOP --top-sv FILE [--param NAME=VALUE ...] [--keep MODULE ...]
                           --sample N [--seed S] --out DIR SOURCE...
Writes DIR/mutations.ys (line 1 `mutate -mode none`, then mutant ID on line ID+1, source
paths relative to --rel), DIR/mutants.v, DIR/design.il (the design before the mutations, for
scripts/mutation-equiv.py), DIR/unobservable (the IDs, one a line, of the mutants from whose
mutated bit no path leads to an output of TOP in the flattened design: equivalent by
structure, which scripts/mutation.sh does not run) and Yosys' logs; prints the number of modules that
carry mutants. scripts/mutation.sh runs it on nic_top (docs/mutation.md), the test suite on a
small block (testbenches/mutation).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

MUTSEL_W = 16

MUTSEL_MODULE = f"""
// The mutant that runs (0: none), read once at time 0 (scripts/mutation-netlist.py).
module nicsim_mutsel (id);
  output wire [{MUTSEL_W - 1}:0] id;
  import "DPI-C" function int nicsim_mutant_id();
  reg [{MUTSEL_W - 1}:0] id_q;
  initial id_q = {MUTSEL_W}'(nicsim_mutant_id());
  assign id = id_q;
endmodule
"""


def parameter_block(top_sv: str, name: str) -> str:
    """The text between `module NAME #(` and its closing parenthesis."""
    m = re.search(r"^module\s+" + re.escape(name) + r"\s*#\s*\(", top_sv, re.M)
    if not m:
        raise SystemExit(f"mutation-netlist: no `module {name} #(` in the top's source")
    depth, i = 1, m.end()
    while depth and i < len(top_sv):
        c = top_sv[i]
        depth += c == "("
        depth -= c == ")"
        i += 1
    if depth:
        raise SystemExit(f"mutation-netlist: unbalanced parameter list of {name}")
    body = top_sv[m.end():i - 1]
    return "\n".join(l.split("//")[0].rstrip() for l in body.splitlines() if l.split("//")[0].strip())


def postprocess(text: str, top: str, top_sv: str, params: list) -> tuple:
    """(netlist for Verilator, number of modules with mutants)."""
    out, mutated = [], 0
    # write_verilog: `module NAME(port, ...);` up to the first `;`, then declarations.
    for chunk in re.split(r"(?m)^(?=module )", text):
        if not chunk.startswith("module "):
            out.append(chunk)
            continue
        head_end = chunk.index(";") + 1
        head, body = chunk[:head_end], chunk[head_end:]
        mutated += bool(re.search(r"\bmutsel\b", head))
        m = re.match(r"module\s+" + re.escape(top) + r"\s*\(", head)
        if m:
            head = re.sub(r",\s*mutsel\s*\)", ")", head)
            if re.search(r"\bmutsel\b", head):
                raise SystemExit(f"mutation-netlist: mutsel is not the last port of {top}")
            body, n = re.subn(rf"(?m)^\s*input \[{MUTSEL_W - 1}:0\] mutsel;\n", "", body)
            if n != 1:
                raise SystemExit(f"mutation-netlist: {top} has no mutsel input (no mutants?)")
            body = f"\n  nicsim_mutsel u_nicsim_mutsel (.id(mutsel));{body}"
            block = parameter_block(open(top_sv, encoding="utf-8").read(), top)
            head = f"module {top} #(\n{block}\n) " + head[m.end() - 1:]
            checks = [f"{p.split('=', 1)[0]} != {p.split('=', 1)[1]}" for p in params]
            if checks:
                body = ("\n  // Elaborated by Yosys with these parameters only.\n"
                        f"  if ({' || '.join(checks)}) begin : g_param_check\n"
                        f"    $fatal(1, \"{top}: this netlist has {' '.join(params)}\");\n"
                        "  end" + body)
        out.append(head + body)
    if not any(re.match(r"module\s+" + re.escape(top) + r"\s*#", c) for c in out):
        raise SystemExit(f"mutation-netlist: Yosys wrote no module {top}")
    out.append(MUTSEL_MODULE)
    # Verilator reads at most 40,000 tokens a line; Yosys writes a wide concatenation on one
    # (67,004 characters in crc32_key after opt). A space after a comma becomes a newline:
    # whitespace for whitespace, so no token changes (an escaped identifier ends at either).
    lines = []
    for line in "".join(out).split("\n"):
        lines.append(line.replace(", ", ",\n") if len(line) > 4000 else line)
    return "\n".join(lines), mutated


# Words that begin a line followed by `(` or a name and `(` without being a module instance.
NOT_A_MODULE = set("""if for foreach while case casez casex unique unique0 priority assign always
always_ff always_comb always_latch initial final function task return else begin end endcase
endfunction endtask endgenerate endmodule generate module
import localparam parameter logic wire reg bit int integer typedef input output inout genvar
automatic static assert assume cover property""".split())


def kept_sources(sources: list, keep: list) -> list:
    """The source files that declare the --keep modules; each may declare only kept modules
    (it is appended to the netlist whole), and each kept module must be a leaf (Yosys read it
    as a blackbox: a module it instantiates is not in the netlist as RTL would need it)."""
    files = []
    for name in keep:
        decl = re.compile(r"^module\s+" + re.escape(name) + r"\b", re.M)
        found = [f for f in sources if decl.search(open(f, encoding="utf-8").read())]
        if len(found) != 1:
            raise SystemExit(f"mutation-netlist: --keep {name}: declared in {len(found)} "
                             "sources, not 1")
        text = open(found[0], encoding="utf-8").read()
        others = set(re.findall(r"^module\s+(\w+)", text, re.M)) - set(keep)
        if others:
            raise SystemExit(f"mutation-netlist: --keep {name}: {found[0]} also declares "
                             f"{', '.join(sorted(others))}")
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
        inst = [m.group(1) for m in re.finditer(
            r"^[ \t]*([A-Za-z_]\w*)(?:[ \t]*#[ \t]*\(|[ \t]+[A-Za-z_]\w*[ \t]*\()", code, re.M)
            if m.group(1) not in NOT_A_MODULE | set(keep)]
        if inst:
            raise SystemExit(f"mutation-netlist: --keep {name}: not a leaf ({found[0]} "
                             f"instantiates {', '.join(sorted(set(inst)))})")
        if found[0] not in files:
            files.append(found[0])
    return files


def mutant_selects(dump: str) -> list:
    """The mutant IDs of the `mutsel == ID` cells (mutate -ctrl's mutate_ctrl $eq cells) in a
    Yosys `dump` of $eq cells, one entry per cell."""
    ids = []
    for block in open(dump, encoding="utf-8").read().split("\n  cell ")[1:]:
        if not block.startswith("$eq ") or "mutate_ctrl" not in block.split("\n", 1)[0]:
            continue
        b = re.search(r"connect \\B (\d+)'([01]+)", block)
        if not b or int(b.group(1)) != MUTSEL_W:
            raise SystemExit("mutation-netlist: a mutant select without a constant ID:\n" + block)
        ids.append(int(b.group(2), 2))
    return ids


def yosys(script: str, log: str) -> None:
    r = subprocess.run(["yosys", "-q", "-l", log, "-s", script], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
    if r.returncode != 0:
        tail = open(log, encoding="utf-8", errors="replace").read().splitlines()[-5:]
        raise SystemExit("mutation-netlist: Yosys failed (" + log + "):\n" + "\n".join(tail))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sources", nargs="+")
    ap.add_argument("--top", required=True)
    ap.add_argument("--top-sv", required=True)
    ap.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    ap.add_argument("--sample", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--keep", action="append", default=[], metavar="MODULE",
                    help="a leaf module kept as RTL: no mutants, its source appended (repeatable)")
    ap.add_argument("--rel", action="append", default=[], metavar="PATH=NAME",
                    help="source paths in mutations.ys: PATH/ written as NAME/ (repeatable)")
    a = ap.parse_args()
    if not 1 <= a.sample < 1 << MUTSEL_W:
        raise SystemExit(f"mutation-netlist: --sample must be 1..{(1 << MUTSEL_W) - 1}")
    for p in a.param:
        if not re.fullmatch(r"[A-Za-z_]\w*=\d+", p):
            raise SystemExit(f"mutation-netlist: --param {p}: not NAME=INTEGER")
    if a.top in a.keep:
        raise SystemExit(f"mutation-netlist: --keep {a.top}: the top is what is mutated")
    kept = kept_sources(a.sources, a.keep)
    os.makedirs(a.out, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        il, ys = os.path.join(a.out, "design.il"), os.path.join(a.out, "mutations.ys")
        chparam = " ".join(f"-set {p.split('=')[0]} {p.split('=')[1]}" for p in a.param)
        script = os.path.join(tmp, "list.ys")
        with open(script, "w", encoding="utf-8") as f:
            f.write(f"read_verilog -sv {' '.join(a.sources)}\n")
            if chparam:
                f.write(f"chparam {chparam} {a.top}\n")
            if a.keep:
                f.write(f"blackbox {' '.join(a.keep)}\n")
            # opt -full and memory -nomap before the sample: nic_top's netlist half the cells
            # (15,418 of 31,898) and a third of the Verilog, and memories written back as
            # arrays with word writes instead of one conditional write per bit.
            f.write(f"hierarchy -check -top {a.top}\nproc\nopt -full -nodffe -nosdff\nmemory -nomap\n"
                    f"opt_clean\nwrite_rtlil {il}\n"
                    f"mutate -list {a.sample + 1} -seed {a.seed} -none -o {ys}\n")
        yosys(script, os.path.join(a.out, "list.log"))
        lines = open(ys, encoding="utf-8").read().splitlines()
        if not lines or "-mode none" not in lines[0]:
            raise SystemExit(f"mutation-netlist: {ys} does not start with the none mutation")
        if len(lines) != a.sample + 1:  # `-list` counts the none mutation
            raise SystemExit(f"mutation-netlist: Yosys listed {len(lines) - 1} mutants, not "
                             f"{a.sample} (a design this small has no more places to mutate)")
        mutated_v = os.path.join(tmp, "mutated.v")
        script = os.path.join(tmp, "apply.ys")
        with open(script, "w", encoding="utf-8") as f:
            f.write(f"read_rtlil {il}\n")
            for i, line in enumerate(lines[1:], start=1):
                f.write(line.replace("mutate ", f"mutate -ctrl mutsel {MUTSEL_W} {i} ", 1) + "\n")
            f.write(f"tee -q -o {tmp}/eq-before.txt dump t:$eq\n"
                    f"opt_clean\nwrite_verilog -norename -noattr {mutated_v}\n")
            # Which mutants can reach an output of the top at all: each mutant has one select
            # (`mutsel == ID`, a $eq cell mutate names mutate_ctrl), listed above before any
            # clean-up; after `flatten` and opt_clean, which removes every cell from which no
            # path leads to an output port, a kept blackbox or a `keep` cell, a mutant's select
            # is left only where the mutated bit still drives something that can (in any one
            # instance of its module).
            f.write(f"hierarchy -top {a.top}\nflatten\n"
                    "memory_map\ntechmap t:* c:*mutate_ctrl* %d\nopt_clean\n"
                    f"tee -q -o {tmp}/eq-after.txt dump t:$eq\n")
        yosys(script, os.path.join(a.out, "apply.log"))
        before = mutant_selects(os.path.join(tmp, "eq-before.txt"))
        if sorted(before) != list(range(1, a.sample + 1)):
            raise SystemExit("mutation-netlist: the netlist does not have one select per mutant "
                             f"(found {len(before)} of {a.sample}): Yosys' mutate changed?")
        live = set(mutant_selects(os.path.join(tmp, "eq-after.txt")))
        with open(os.path.join(a.out, "unobservable"), "w", encoding="utf-8") as f:
            f.write("".join(f"{i}\n" for i in range(1, a.sample + 1) if i not in live))
        text, mutated = postprocess(open(mutated_v, encoding="utf-8").read(), a.top, a.top_sv,
                                    a.param)
    with open(os.path.join(a.out, "kept"), "w", encoding="utf-8") as f:
        f.write("".join(k + "\n" for k in a.keep))
    with open(os.path.join(a.out, "mutants.v"), "w", encoding="utf-8") as f:
        # The kept sources set a time scale: the netlist's modules get the same (a simulator
        # refuses a design where some modules have one and others not).
        scale = re.compile(r"(?m)^`timescale\s+\S+\s*/\s*\S+")
        scales = [m.group(0) for p in kept
                  for m in [scale.search(open(p, encoding="utf-8").read())] if m]
        if scales:
            f.write(scales[0] + "\n")
        f.write(text)
        for path in kept:
            f.write(f"\n// --- kept as RTL (--keep): {path}\n")
            f.write(open(path, encoding="utf-8").read())
    # The list's -src arguments name the sources as the repository does (Yosys ignores them
    # when it applies a mutation); cell names, which hold paths too, stay as the design has them.
    def rel(m):
        v = m.group(1)
        for r in a.rel:
            path, name = r.split("=", 1)
            v = v.replace(path.rstrip("/") + "/", name.rstrip("/") + "/" if name else "")
        return "-src " + v
    listing = "\n".join(re.sub(r"-src (\S+)", rel, l) for l in lines) + "\n"
    with open(ys, "w", encoding="utf-8") as f:
        f.write(listing)
    print(mutated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
