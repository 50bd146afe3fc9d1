#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks the survivors of a mutation campaign formally, one module at a time (docs/mutation.md).

A mutant that no run of the subset kills is either a gap of the tests or equivalent: a change
nothing can observe. For each survivor, Yosys builds a miter of its module (flattened) without
and with the mutation (`miter -equiv -ignore_gold_x`), both reset in the first cycle, every
register without a reset starting at zero, and asks the SAT solver whether any input sequence
of up to --seq cycles makes an output of the module differ (`sat -seq N -prove trigger 0`):

  differs     a sequence of inputs makes the module's ports differ within N cycles: the
              mutant is observable at its block's boundary, so a test could kill it (whether
              nic_top's traffic can make those inputs is another question: the block's parent
              may never drive them so)
  equivalent  no sequence of up to N cycles from reset makes them differ (bounded: a
              difference that takes longer to show is not excluded)
  unknown     the solver did not finish within --timeout seconds, or Yosys failed (log kept)

Writes OUT/report/equiv.tsv (id, verdict, cycles, detail) and the logs in OUT/equiv/;
scripts/mutation-report.py shows the verdicts beside the survivors.

usage: mutation-equiv.py OUT [--ids ID,...] [--seq N] [--timeout SEC] [-j N]
  OUT: a campaign's output directory (scripts/mutation.sh: build-mut/mutation) with
  netlist/design.il, netlist/mutations.ys and report/summary.json (its survivors).
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys


def has_rst(design: str, module: str) -> bool:
    """Whether MODULE in the RTLIL file DESIGN has an input port `rst`."""
    text = open(design, encoding="utf-8").read()
    m = re.search(r"(?m)^module " + re.escape(module) + r"\n(.*?)^end\n", text, re.S)
    return bool(m and re.search(r"(?m)^\s*wire .*\binput \d+ \\rst$", m.group(1)))


def script_for(design: str, mutation: str, seq: int) -> str:
    toks = mutation.split()
    args, module = [], None
    i = 1
    while i < len(toks):
        k = toks[i]
        if k == "-src":
            i += 2
            continue
        if k == "-module":
            module = toks[i + 1]
            args += [k, "gate"]
        else:
            args += [k, toks[i + 1]]
        i += 2
    if module is None:
        raise ValueError(f"no -module in: {mutation}")
    return "\n".join([
        f"read_rtlil {design}",
        f"hierarchy -top {module}",
        "flatten",
        "opt_clean",
        # Blocks kept as RTL (mutation-netlist.py --keep) are blackboxes here: each instance
        # is removed, its outputs become inputs of the module (the same in gold and gate, as
        # the miter joins inputs by name), its inputs outputs. Their function is left free.
        f"expose -evert {module}/t:* {module}/t:$* %d",
        f"rename {module} gold",
        "copy gold gate",
        "mutate " + " ".join(args),
        "miter -equiv -flatten -make_outputs -ignore_gold_x gold gate miter",
        "hierarchy -top miter",
        "memory_map",
        "opt_clean",
        # Reset in the first cycle (the NIC's reset is synchronous, active high), registers
        # without one at zero in both; a module without `rst` (a RAM) starts from zero.
        f"sat -verify -seq {seq} {'-set-at 1 in_rst 1 ' if has_rst(design, module) else ''}"
        "-set-init-zero -prove trigger 0 "
        "-show-inputs -show trigger miter",
    ]) + "\n"


def check(out: str, mid: int, mutation: str, seq: int, timeout: int) -> tuple:
    d = os.path.join(out, "equiv")
    ys, log = os.path.join(d, f"{mid}.ys"), os.path.join(d, f"{mid}.log")
    with open(ys, "w", encoding="utf-8") as f:
        f.write(script_for(os.path.join(out, "netlist", "design.il"), mutation, seq))
    try:
        r = subprocess.run(["yosys", "-q", "-l", log, "-s", ys], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return mid, "unknown", "", f"no answer within {timeout} s"
    text = open(log, encoding="utf-8", errors="replace").read()
    if "SAT proof finished - no model found: SUCCESS!" in text:
        return mid, "equivalent", str(seq), f"no difference within {seq} cycles from reset"
    if "SAT proof finished - model found: FAIL!" in text:
        # The counterexample's table: "  TIME \\signal DEC HEX BIN"; the first step with the
        # trigger (an output differs) set.
        steps = [int(t) for t in re.findall(r"^\s+(\d+)\s+\\trigger\s+1\b", text, re.M)]
        step = min(steps) if steps else 0
        return mid, "differs", str(step) if step else "", "the module's ports differ" + (
            f" at cycle {step} of a counterexample (cycle 1 in reset)" if step else "")
    last = [l for l in text.splitlines() if "ERROR" in l][-1:] or ["Yosys failed"]
    return mid, "unknown", "", last[0].strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--ids", help="mutant IDs (default: the report's survivors)")
    ap.add_argument("--seq", type=int, default=20)
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("-j", type=int, default=1)
    a = ap.parse_args()
    for f in ("netlist/design.il", "netlist/mutations.ys", "report/summary.json"):
        if not os.path.isfile(os.path.join(a.out, f)):
            print(f"mutation-equiv: no {os.path.join(a.out, f)} (scripts/mutation.sh, then "
                  "scripts/mutation-report.py)", file=sys.stderr)
            return 1
    lines = open(os.path.join(a.out, "netlist/mutations.ys"), encoding="utf-8").read().splitlines()
    if a.ids:
        ids = [int(x) for x in a.ids.split(",") if x.strip()]
    else:
        s = json.load(open(os.path.join(a.out, "report/summary.json"), encoding="utf-8"))
        ids = [int(m["id"]) for m in s["survivors"]]
    bad = [i for i in ids if not 1 <= i < len(lines)]
    if bad:
        print(f"mutation-equiv: no mutant {bad[0]} in the sample (1..{len(lines) - 1})",
              file=sys.stderr)
        return 2
    os.makedirs(os.path.join(a.out, "equiv"), exist_ok=True)
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.j)) as ex:
        futs = [ex.submit(check, a.out, i, lines[i], a.seq, a.timeout) for i in ids]
        for f in concurrent.futures.as_completed(futs):
            r = f.result()
            results.append(r)
            print(f"mutant {r[0]}: {r[1]}{' (' + r[3] + ')' if r[3] else ''}", flush=True)
    results.sort()
    os.makedirs(os.path.join(a.out, "report"), exist_ok=True)
    with open(os.path.join(a.out, "report", "equiv.tsv"), "w", encoding="utf-8") as f:
        f.write(f"id\tverdict\tcycles\tdetail\n")
        for r in results:
            f.write("\t".join(str(x) for x in r) + "\n")
    n = {v: sum(r[1] == v for r in results) for v in ("differs", "equivalent", "unknown")}
    print(f"survivors checked: {len(results)}; differ at their module's ports: "
          f"{n['differs']}; equivalent for {a.seq} cycles: {n['equivalent']}; unknown: "
          f"{n['unknown']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
