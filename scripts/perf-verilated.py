#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Where a Verilated model spends its time, per design instance and per generated statement.

    scripts/perf-verilated.py perf.data BINARY --model Vnic_cosim_top_w64 [--top N]
                              [--under u_top.u_dp.u_em] [--chains-out FILE]
    scripts/perf-verilated.py --chains FILE --model ... (attribute saved chains again)

Input: a `perf record` of BINARY (built as the project builds its Verilated models, with line
tables: -g1). Each sampled address in BINARY is resolved with `addr2line -i`, so a sample in
an inlined helper of verilated_funcs.h (a wide copy, a concatenation) counts for the
generated line that called it; the samples whose outermost frame is a generated file of the
model (`<model>___024root__DepSet_*.cpp`) are attributed by that line: the statement it
ends (the lines back to the statement's start) and the first design signal the statement
names (`<top>__DOT__a__DOT__b__DOT__sig`: instance a.b, signal sig). A statement naming no
design signal (a Verilator temporary, a loop) is listed as "(temporaries)" by itself.

Prints the share of the model's samples per instance, per signal, and the leading statements
(all of them, or only those of instances under --under). Unlike Verilator's --prof-cfuncs,
the model measured is the one the benches run (no function per always block, no call cost).
docs/perf-rtl.md ("How to profile") shows it in use.
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

STMT_START = re.compile(r"\s*(vlSelf->|if |if\(|for |while |__V|VL_|[A-Za-z_][\w]* = |\}|else|"
                        r"[A-Z]Data|VlWide|const |return)")
SIGNAL = re.compile(r"(?:vlSelf->)?(?:__Vdly__|__Vdlyvset__|__Vdlyvval__)?"
                    r"([A-Za-z]\w*?)__DOT__(\w+)")


def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def sample_chains(perf_data, binary):
    """[(count, [frame, ...])]: per sampled address in `binary`, the addr2line -i frames
    (innermost first, as "file:line")."""
    out = run(["perf", "script", "--no-demangle", "-i", perf_data, "-F", "ip,sym,symoff,dso"])
    name = os.path.basename(binary)
    counts = collections.Counter()
    for line in out.splitlines():  # [ip] sym+0xoff (dso)
        m = re.search(r"(\S+\+0x[0-9a-f]+)\s+\((.*)\)\s*$", line)
        if m and (m.group(2) == binary or os.path.basename(m.group(2)) == name):
            counts[m.group(1)] += 1
    syms = {}
    for line in run(["nm", "--defined-only", binary]).splitlines():
        p = line.split()
        if len(p) == 3:
            syms[p[2]] = int(p[0], 16)
    addrs, ns = [], []
    for symoff, n in counts.items():
        m = re.match(r"(.+)\+0x([0-9a-f]+)$", symoff)
        if m and m.group(1) in syms:
            addrs.append(hex(syms[m.group(1)] + int(m.group(2), 16)))
            ns.append(n)
    res = subprocess.run(["addr2line", "-i", "-a", "-e", binary], input="\n".join(addrs) + "\n",
                         check=True, capture_output=True, text=True).stdout
    chains, cur = [], None
    for line in res.splitlines():
        if line.startswith("0x"):
            cur = []
            chains.append(cur)
        elif cur is not None:
            cur.append(line.split(" (discriminator")[0].strip())
    return list(zip(ns, chains))


class Sources:
    def __init__(self):
        self.files = {}

    def lines(self, path):
        if path not in self.files:
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    self.files[path] = f.read().split("\n")
            except OSError:
                self.files[path] = []
        return self.files[path]


def statement(lines, n):
    """The statement ending on 1-based line n: the lines back to its first."""
    if not 1 <= n <= len(lines):
        return ""
    j = n - 1
    while j > 0 and not STMT_START.match(lines[j]):
        j -= 1
    return re.sub(r"\s+", " ", " ".join(lines[j:n]).strip())


def attribute(chains, model, sources):
    """(total, per instance, per signal, per statement) counters over the model's samples."""
    pat = re.compile(re.escape(model) + r"___024root__DepSet_\w+\.cpp$")
    inst, sig, stmts = collections.Counter(), collections.Counter(), collections.Counter()
    total = 0
    for count, frames in chains:
        gen = [f for f in frames if pat.match(os.path.basename(f.rsplit(":", 1)[0]))]
        if not gen:
            continue
        path, line = gen[-1].rsplit(":", 1)
        try:
            n = int(line)
        except ValueError:
            continue
        total += count
        text = statement(sources.lines(path), n)
        m = SIGNAL.search(text)
        if m:
            parts = (m.group(1) + "__DOT__" + m.group(2)).split("__DOT__")[1:]
            where = ".".join(parts[:-1]) or "(top)"
            name = ".".join(parts)
        else:
            where = name = "(temporaries)"
        inst[where] += count
        sig[name] += count
        stmts[(where, os.path.basename(path), n, text[:160])] += count
    return total, inst, sig, stmts


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("perf_data", nargs="?")
    ap.add_argument("binary", nargs="?")
    ap.add_argument("--model", required=True, help="the model class, e.g. Vnic_cosim_top_w64")
    ap.add_argument("--top", type=int, default=30, help="rows per table (default 30)")
    ap.add_argument("--under", default="", help="statements of instances under this path only")
    ap.add_argument("--chains", help="read the resolved samples from this JSON file")
    ap.add_argument("--chains-out", help="write the resolved samples to this JSON file")
    a = ap.parse_args(argv)
    if a.chains:
        with open(a.chains, encoding="utf-8") as f:
            chains = [(c, fr) for c, fr in json.load(f)]
    elif a.perf_data and a.binary:
        chains = sample_chains(a.perf_data, a.binary)
    else:
        ap.error("give perf.data and the binary, or --chains FILE")
    if a.chains_out:
        with open(a.chains_out, "w", encoding="utf-8") as f:
            json.dump(chains, f)
    total, inst, sig, stmts = attribute(chains, a.model, Sources())
    if total == 0:
        print(f"perf-verilated: no samples in generated files of {a.model}", file=sys.stderr)
        return 1
    print(f"# {a.model}: {total} samples in its generated code")
    print("# share per instance")
    for k, v in inst.most_common(a.top):
        print(f"{100.0 * v / total:6.2f}  {k}")
    print("# share per signal (the first one a statement names)")
    for k, v in sig.most_common(a.top):
        print(f"{100.0 * v / total:6.2f}  {k}")
    print("# statements" + (f" of instances under {a.under}" if a.under else ""))
    shown = 0
    for (where, f, n, text), v in stmts.most_common():
        if a.under and not (where == a.under or where.startswith(a.under + ".")):
            continue
        print(f"{100.0 * v / total:6.2f}  {f}:{n}  {text}")
        shown += 1
        if shown == a.top:
            break
    return 0


if __name__ == "__main__":
    sys.exit(main())
