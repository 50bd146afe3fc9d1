#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The mutation campaign's report (scripts/mutation.sh, docs/mutation.md).

Reads OUT/netlist/mutations.ys (Yosys' sample: line 1 `mutate -mode none`, then mutant ID on
line ID+1), OUT/netlist/unobservable (scripts/mutation-netlist.py: mutants no output of the top
depends on) and OUT/mutants/ID/result (line 1: the binary's hash; line 2: `killed<TAB>run<TAB>
message`, `survived` or `unobservable` (not run)), writes OUT/report/summary.json, mutants.tsv,
survivors.txt and unobservable.txt, and prints the score per module and per kind, the runs
that killed most, every survivor with its source line (and, when scripts/mutation-equiv.py has
checked it, OUT/report/equiv.tsv: whether it differs at its module's ports or is equivalent
there for a bounded number of cycles), and last `rtl_mutation_score_pct VALUE` (killed /
(killed + survived): the unobservable mutants, equivalent by structure, are not scored).
Exit status 1 when a mutant listed unobservable was run and killed (the structural analysis
would be wrong).

Kinds (from Yosys' mode and the mutated cell):
  connection  a port bit of a submodule instance changed, or any bit replaced by its XOR with
              another bit of the same signal (cnot0/cnot1): a miswired bit
  constant    a bit of a cell's port stuck at 0 or 1 (const0/const1)
  condition   a comparison's, logic operator's or reduction's bit, or a multiplexer's select,
              inverted (inv)
  operator    any other cell's bit inverted (inv): arithmetic, bitwise, shifts, registers

usage: mutation-report.py OUT [--quiet]
"""
import argparse
import json
import os
import re
import sys

CONDITION_CELLS = {"eq", "ne", "eqx", "nex", "lt", "le", "gt", "ge", "logic_not", "logic_and",
                   "logic_or", "reduce_and", "reduce_or", "reduce_xor", "reduce_xnor",
                   "reduce_bool"}
MUX_CELLS = {"procmux", "mux", "pmux", "ternary"}


def parse_mutation(line: str) -> dict:
    toks = line.split()
    m = {"srcs": []}
    i = 1
    while i < len(toks):
        k = toks[i]
        if k.startswith("-") and i + 1 < len(toks):
            v = toks[i + 1]
            if k == "-src":
                m["srcs"].append(v)
            elif k != "-ctrl":
                m[k[1:]] = v
            i += 2
        else:
            i += 1
    mod = m.get("module", "")
    # \NAME, $paramod$HASH\NAME, or $paramod\NAME\P=V\Q=W (short parameter lists): NAME.
    parts = [p for p in mod.split("\\") if p]
    m["module"] = (parts[1] if mod.startswith("$paramod") and len(parts) > 1
                   else parts[0] if parts else mod)
    # The most precise source location: the last -src with a line other than 0.
    src = ""
    for s in m["srcs"]:
        f, _, pos = s.rpartition(":")
        line_no = pos.split(".")[0]
        if f and line_no not in ("", "0"):
            src = f"{f}:{line_no}"
    m["src"] = src
    return m


def kind(m: dict) -> str:
    mode, cell = m.get("mode", ""), m.get("cell", "")
    if mode in ("cnot0", "cnot1") or not cell.startswith("$"):
        return "connection"
    if mode in ("const0", "const1"):
        return "constant"
    t = re.match(r"\$([a-z_]+)", cell)
    t = t.group(1) if t else ""
    if t in CONDITION_CELLS or (t in MUX_CELLS and m.get("port") == "S"):
        return "condition"
    return "operator"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--quiet", action="store_true", help="only the figure line")
    a = ap.parse_args()
    ys = os.path.join(a.out, "netlist", "mutations.ys")
    if not os.path.isfile(ys):
        print(f"mutation-report: no {ys} (run scripts/mutation.sh first)", file=sys.stderr)
        return 1
    lines = [l for l in open(ys, encoding="utf-8").read().splitlines() if l.strip()]
    if not lines or "-mode none" not in lines[0]:
        print(f"mutation-report: {ys} does not start with the `none` mutation", file=sys.stderr)
        return 1
    mutants = []
    for mid, line in enumerate(lines[1:], start=1):
        m = parse_mutation(line)
        m["id"] = mid
        m["kind"] = kind(m)
        res = os.path.join(a.out, "mutants", str(mid), "result")
        m["result"], m["run"], m["message"] = "not run", "", ""
        if os.path.isfile(res):
            r = open(res, encoding="utf-8").read().splitlines()
            if len(r) >= 2:
                f = (r[1].split("\t") + ["", ""])[:3]
                m["result"], m["run"], m["message"] = f[0], f[1], f[2]
        mutants.append(m)

    def tally(key):
        t = {}
        for m in mutants:
            e = t.setdefault(m[key], {"killed": 0, "survived": 0, "unobservable": 0,
                                      "not_run": 0})
            e[m["result"] if m["result"] in e else "not_run"] += 1
        return t

    killed = sum(m["result"] == "killed" for m in mutants)
    survived = sum(m["result"] == "survived" for m in mutants)
    unobservable = sum(m["result"] == "unobservable" for m in mutants)
    not_run = len(mutants) - killed - survived - unobservable
    scored = killed + survived
    score = 100.0 * killed / scored if scored else 0.0
    killers = {}
    for m in mutants:
        if m["result"] == "killed":
            killers[m["run"]] = killers.get(m["run"], 0) + 1
    survivors = [m for m in mutants if m["result"] == "survived"]
    equiv_tsv = os.path.join(a.out, "report", "equiv.tsv")
    if os.path.isfile(equiv_tsv):
        verdicts = {}
        for row in open(equiv_tsv, encoding="utf-8").read().splitlines()[1:]:
            f = (row.split("\t") + ["", "", ""])[:4]
            verdicts[int(f[0])] = (f[1], f[3])
        for m in survivors:
            m["equiv"], m["equiv_detail"] = verdicts.get(m["id"], ("", ""))

    unobs_file = os.path.join(a.out, "netlist", "unobservable")
    listed = set()
    if os.path.isfile(unobs_file):
        listed = {int(l) for l in open(unobs_file, encoding="utf-8").read().split()}
    for m in mutants:
        m["unobservable"] = "yes" if m["id"] in listed else ""
    wrong = [m for m in mutants if m["id"] in listed and m["result"] == "killed"]

    rep = os.path.join(a.out, "report")
    os.makedirs(rep, exist_ok=True)
    keep = ("id", "kind", "mode", "module", "cell", "port", "portbit", "ctrlbit", "src",
            "result", "run", "message", "unobservable", "equiv", "equiv_detail")
    with open(os.path.join(rep, "mutants.tsv"), "w", encoding="utf-8") as f:
        f.write("\t".join(keep) + "\n")
        for m in mutants:
            f.write("\t".join(str(m.get(k, "")) for k in keep) + "\n")
    with open(os.path.join(rep, "survivors.txt"), "w", encoding="utf-8") as f:
        for m in survivors:
            f.write(f"{m['src'] or '?'}\t{m['module']}\t{m['kind']}\t{m['mode']} "
                    f"{m.get('cell', '')} port {m.get('port', '')} bit {m.get('portbit', '')}"
                    f"\tmutant {m['id']}\t{m.get('equiv', '')}\n")
    with open(os.path.join(rep, "unobservable.txt"), "w", encoding="utf-8") as f:
        for m in mutants:
            if m["id"] in listed:
                f.write(f"{m['src'] or '?'}\t{m['module']}\t{m['kind']}\t{m['mode']} "
                        f"{m.get('cell', '')} port {m.get('port', '')} bit "
                        f"{m.get('portbit', '')}\tmutant {m['id']}\t{m['result']}\n")
    equivalent = sum(m.get("equiv") == "equivalent" for m in survivors)
    kept_file = os.path.join(a.out, "netlist", "kept")
    kept = open(kept_file, encoding="utf-8").read().split() if os.path.exists(kept_file) else []
    summary = {"kept_as_rtl": kept, "mutants": len(mutants), "killed": killed, "survived": survived,
               "unobservable": unobservable, "listed_unobservable": len(listed),
               "unobservable_killed": [m["id"] for m in wrong],
               "not_run": not_run, "score_pct": round(score, 2),
               "survivors_checked": sum(bool(m.get("equiv")) for m in survivors),
               "survivors_equivalent": equivalent,
               "survivors_differ": sum(m.get("equiv") == "differs" for m in survivors),
               "per_module": tally("module"), "per_kind": tally("kind"), "killed_by": killers,
               "survivors": [{k: m.get(k, "") for k in keep} for m in survivors]}
    with open(os.path.join(rep, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)

    if not a.quiet:
        def table(title, t):
            print(f"{title:<24} {'mutants':>8} {'killed':>7} {'survived':>9} {'unobs.':>7} "
                  f"{'score':>7}")
            for k in sorted(t, key=lambda k: (-sum(t[k].values()), k)):
                e = t[k]
                n = e["killed"] + e["survived"]
                pct = f"{100.0 * e['killed'] / n:6.1f}%" if n else "     -"
                print(f"{k:<24} {sum(e.values()):>8} {e['killed']:>7} {e['survived']:>9} "
                      f"{e['unobservable']:>7} {pct:>7}")
            print()
        table("module", summary["per_module"])
        table("kind", summary["per_kind"])
        print("killed by (first failing run of the subset):")
        for r, n in sorted(killers.items(), key=lambda x: -x[1]):
            print(f"  {n:4d}  {r}")
        print(f"\nsurvivors ({len(survivors)}; {os.path.join(rep, 'survivors.txt')}):")
        for m in survivors:
            print(f"  {m['src'] or '?':<36} {m['module']:<20} {m['kind']:<10} {m['mode']} "
                  f"{m.get('cell', '')} {m.get('port', '')}[{m.get('portbit', '')}] "
                  f"(mutant {m['id']})" + (f": {m['equiv']}, {m['equiv_detail']}"
                                           if m.get("equiv") else ""))
        if not_run:
            print(f"\n{not_run} of {len(mutants)} mutants have no result yet: the score is over "
                  f"the {scored} that have one")
        print(f"\nmutants {len(mutants)}, killed {killed}, survived {survived}, "
              f"unobservable {unobservable} (not scored: no path from the mutated bit to an "
              f"output of the top; {os.path.join(rep, 'unobservable.txt')}), not run {not_run}")
        if unobservable:
            print(f"score counting the unobservable ones as survivors: "
                  f"{100.0 * killed / max(1, scored + unobservable):.2f}%")
        if kept:
            print(f"kept as RTL in the netlist, not mutated: {', '.join(kept)}")
        if summary["survivors_checked"]:
            print(f"survivors checked formally (scripts/mutation-equiv.py): "
                  f"{summary['survivors_checked']}; differ at their module's ports: "
                  f"{summary['survivors_differ']}; equivalent there (bounded): {equivalent}; "
                  f"score without the equivalent ones: "
                  f"{100.0 * killed / max(1, scored - equivalent):.2f}%")
    if wrong:
        print("mutation-report: mutants listed unobservable were killed (the structural "
              f"analysis is wrong): {', '.join(str(m['id']) for m in wrong)}", file=sys.stderr)
    print(f"rtl_mutation_score_pct {score:.2f}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
