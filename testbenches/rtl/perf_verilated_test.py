#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Test of scripts/perf-verilated.py's attribution on a hand-written generated file.

Resolved samples (as addr2line -i gives them, innermost frame first) are fed with --chains:
a sample in an inlined verilated_funcs.h helper counts for the generated line that called it,
a statement over several lines for its first signal, a statement of temporaries apart,
samples outside the model's generated files not at all; the tables' shares, the --under
filter, and exit 1 when no sample is the model's. Prints one line per check.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "scripts", "perf-verilated.py")

GEN = """\
VL_INLINE_OPT void Vm___024root___nba_sequent__TOP__0(Vm___024root* vlSelf) {
    // Body
    VL_ASSIGN_W(4096,vlSelf->top__DOT__u_a__DOT__big_q, vlSelf->__Vdly__top__DOT__u_a__DOT__big_q);
    vlSelf->top__DOT__u_a__DOT__u_b__DOT__x
        = ((vlSelf->top__DOT__u_c__DOT__y
            & 3U)
           | 4U);
    VL_CONCAT_WWW(64,32,32, __Vtemp_h1__0, __Vtemp_h2__0, __Vtemp_h3__0);
    vlSelf->top__DOT__u_c__DOT__z = 0U;
}
"""

failures = 0


def check(name, ok, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures += 1


def run(args):
    return subprocess.run([sys.executable, TOOL] + args, capture_output=True, text=True)


def rows(out, header):
    """{name: share} of the table under the line starting with `header`."""
    res, on = {}, False
    for line in out.splitlines():
        if line.startswith("# "):
            on = line.startswith(header)
            continue
        if on:
            share, name = line.split(None, 1)
            res[name.strip()] = float(share)
    return res


with tempfile.TemporaryDirectory() as d:
    gen = os.path.join(d, "Vm___024root__DepSet_h1__0.cpp")
    with open(gen, "w", encoding="utf-8") as f:
        f.write(GEN)
    helper = "/usr/share/verilator/include/verilated_funcs.h:378"
    chains = [
        (4, [helper, f"{gen}:3"]),             # a wide copy inlined into line 3
        (3, [f"{gen}:6"]),                     # the middle of a statement from line 4
        (2, [f"{gen}:7"]),                     # its last line
        (1, [f"{gen}:8"]),                     # temporaries only
        (5, ["/usr/lib/libc.so.6:1"]),         # not the model's
        (7, [os.path.join(d, "Vother___024root__DepSet_h1__0.cpp:3")]),  # another model's
    ]
    cf = os.path.join(d, "chains.json")
    with open(cf, "w", encoding="utf-8") as f:
        json.dump(chains, f)

    r = run(["--chains", cf, "--model", "Vm"])
    check("exit 0 with samples", r.returncode == 0, r.stderr)
    check("total counts only the model's samples", "# Vm: 10 samples" in r.stdout, r.stdout)
    inst = rows(r.stdout, "# share per instance")
    check("instance shares", inst == {"u_a": 40.0, "u_a.u_b": 50.0, "(temporaries)": 10.0},
          str(inst))
    sig = rows(r.stdout, "# share per signal")
    check("a statement counts for its first signal (the assigned one)",
          sig.get("u_a.u_b.x") == 50.0 and "u_c.y" not in sig, str(sig))
    check("a helper's sample counts for its caller", sig.get("u_a.big_q") == 40.0, str(sig))
    lines = [l for l in r.stdout.splitlines() if "DepSet_h1__0.cpp:" in l]
    check("statements listed by their last sampled line, the text from the first",
          any(":6  vlSelf->top__DOT__u_a__DOT__u_b__DOT__x =" in l for l in lines) and
          any(":7  vlSelf->top__DOT__u_a__DOT__u_b__DOT__x =" in l for l in lines), "\n".join(lines))

    r = run(["--chains", cf, "--model", "Vm", "--under", "u_a.u_b"])
    lines = [l for l in r.stdout.split("# statements", 1)[1].splitlines()[1:]]
    check("--under keeps the instance and those below it only",
          len(lines) == 2 and all("u_b__DOT__x" in l for l in lines), "\n".join(lines))
    r = run(["--chains", cf, "--model", "Vm", "--under", "u_a"])
    lines = [l for l in r.stdout.split("# statements", 1)[1].splitlines()[1:]]
    check("--under of a parent includes its children", len(lines) == 3, "\n".join(lines))

    r = run(["--chains", cf, "--model", "Vnone"])
    check("exit 1 when no sample is the model's", r.returncode == 1 and "no samples" in r.stderr,
          r.stdout + r.stderr)
    r = run(["--model", "Vm"])
    check("exit 2 without input", r.returncode == 2, r.stderr)

print(f"perf_verilated_test: {failures} failure(s)")
sys.exit(1 if failures else 0)
