#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Test of scripts/synth-report.py on small hand-built netlists (Yosys write_json form).

Checks the counts, the LUT and logic levels of a known path, that a combinational loop ends
the walk instead of hanging it, the --path listing (start net, cells in order, RTL sources)
the --max-lut-levels bound (exit 1 over it, 0 at it; a malformed option exits 2), the
--by-module list and --path-to.
Prints one line per check and exits non-zero if any failed.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REPORT = os.path.join(ROOT, "scripts", "synth-report.py")


def cell(ctype, ins, outs, src=""):
    """A cell with input ports I0.. and output ports O.. on the given bit numbers."""
    conns, dirs = {}, {}
    for n, b in enumerate(ins):
        conns[f"I{n}"], dirs[f"I{n}"] = [b], "input"
    for n, b in enumerate(outs):
        conns[f"O{n}"], dirs[f"O{n}"] = [b], "output"
    return {"type": ctype, "connections": conns, "port_directions": dirs,
            "attributes": {"src": src} if src else {}}


def netlist():
    # Bits: 2 = port in, 3 = q of FD a, 4..7 = the path, 8 = d of FD b,
    # 10..11 = a loop of two LUTs, 12 = a short side path, 20..23 = four LUTs that end in
    # nothing (as the unused carry out of an adder does): no path ends there.
    cells = {
        "fd_a": cell("FDRE", [2], [3]),
        "lut_1": cell("LUT2", [3, 2], [4], "/x/rtl/blk.sv:10.1-10.9"),
        "carry": cell("CARRY4", [4], [5], "/x/rtl/blk.sv:11.1-11.9"),
        "lut_2": cell("LUT3", [5, 3, 2], [6], "/x/rtl/blk.sv:12.1-12.9"),
        "lut_3": cell("LUT6", [6, 3], [7], "/x/rtl/blk.sv:12.1-12.9"),
        "mux": cell("MUXF7", [7, 6], [8]),
        "fd_b": cell("FDRE", [8], [9]),
        "loop_a": cell("LUT1", [11], [10]),
        "loop_b": cell("LUT2", [10, 9], [11]),
        "side": cell("LUT1", [3], [12]),
        "ram": cell("RAMB36E2", [12], [13]),
        "ram18": cell("RAMB18E2", [12], [14]),
        "dangle_1": cell("LUT1", [3], [20]),
        "dangle_2": cell("LUT1", [20], [21]),
        "dangle_3": cell("LUT1", [21], [22]),
        "dangle_4": cell("LUT1", [22], [23]),
    }
    nets = {
        "in_p": {"bits": [2], "hide_name": 0},
        "q_a": {"bits": [3], "hide_name": 0},
        "$abc$1": {"bits": [4], "hide_name": 1},
        "mid": {"bits": [5, 6], "hide_name": 0},
    }
    return {"modules": {"blk": {"cells": cells, "netnames": nets}}}


def run(path, *extra):
    p = subprocess.run([sys.executable, REPORT, path, "blk test", "blk", *extra],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    failures = 0

    def check(name, ok, detail=""):
        nonlocal failures
        print(f"{'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}")
        failures += 0 if ok else 1

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "n.json")
        with open(path, "w") as f:
            json.dump(netlist(), f)

        rc, out, err = run(path)
        figures = dict(l.split()[:2] for l in out.splitlines() if l.startswith("synth_"))
        check("exit 0", rc == 0, err)
        check("LUT count (LUT1..6, incl. the loop and the dangling LUTs)",
              figures.get("synth_luts") == "10", out)
        check("FF count", figures.get("synth_ffs") == "2", out)
        check("BRAM36 (RAMB18 counts half)", figures.get("synth_bram36") == "1.5", out)
        # fd_a -> lut_1 -> carry -> lut_2 -> lut_3 -> mux -> fd_b: 3 LUTs, 5 logic cells;
        # the loop (LUT2 from fd_b, LUT1) adds at most 2 LUTs and is cut, not followed forever;
        # the 4 LUTs that drive nothing end no path.
        check("LUT levels (the paths that end in a register or port)",
              figures.get("synth_lut_levels") == "3", out)
        check("logic levels", figures.get("synth_logic_levels") == "5", out)

        rc, out, _ = run(path, "--path")
        lines = [l for l in out.splitlines() if l.startswith("#   ")]
        check("--path: starts at the register", any("from q_a" in l for l in lines), out)
        check("--path: RTL source, repository-relative",
              any("/x/rtl/blk.sv:11.1-11.9" in l for l in lines), out)
        check("--path: cells of one source line folded",
              any(l.split()[1] == "2" and "blk.sv:12.1" in l for l in lines), out)
        check("--path: names the end (the register the last cell feeds)",
              any("to FDRE fd_b" in l for l in lines), out)

        # Cells without a source line (ABC's LUTs) are not one place: each its own row.
        nosrc = {"modules": {"blk": {"cells": {
            "fd_a": cell("FDRE", [2], [3]),
            "l1": cell("LUT1", [3], [4]),
            "l2": cell("LUT2", [4, 3], [5]),
            "fd_b": cell("FDRE", [5], [6]),
        }, "netnames": {"q_a": {"bits": [3], "hide_name": 0}}}}}
        path2 = os.path.join(d, "nosrc.json")
        with open(path2, "w") as f:
            json.dump(nosrc, f)
        rc, out2, _ = run(path2, "--path")
        rows = [l.split() for l in out2.splitlines() if l.startswith("#   ") and " x " in l]
        check("--path: cells without a source line not folded",
              [(r[1], r[3]) for r in rows[:2]] == [("1", "LUT1"), ("1", "LUT2")], out2)

        # --by-module: the deepest path per RTL file of the registers that end them. fd_b
        # (3 LUTs) and the RAMs (1 LUT) have no source: their cells; a register of other.sv
        # ends a 1-LUT path.
        bym = netlist()
        bym["modules"]["blk"]["cells"]["fd_c"] = cell("FDRE", [12], [15],
                                                      "/x/rtl/other.sv:5.1-5.9")
        path3 = os.path.join(d, "bym.json")
        with open(path3, "w") as f:
            json.dump(bym, f)
        rc, out3, _ = run(path3, "--by-module=0")
        rows = [l.split() for l in out3.splitlines() if l.startswith("#   ")]
        check("--by-module: one row per place, deepest first",
              [(r[1], r[-1]) for r in rows] == [("3", "fd_b"), ("1", "ram"), ("1", "ram18"),
                                                ("1", "/x/rtl/other.sv")], out3)
        rc, out3, _ = run(path3, "--by-module=1")
        check("--by-module=N: only the places over N",
              "over 1 LUT levels: 1" in out3 and "other.sv" not in out3, out3)

        # --path-to: the deepest path ending in a matching place (other.sv: the 1-LUT path
        # from fd_a through `side`), not the deepest of all (3 LUTs to fd_b).
        rc, out3, _ = run(path3, "--path-to=other.sv")
        check("--path-to: the path ending in that place",
              rc == 0 and "deepest path by LUT levels: 1 cells" in out3
              and "from q_a" in out3, out3)
        rc, _, err = run(path3, "--path-to=nowhere.sv")
        check("--path-to: no such place is an error", rc == 1 and "no path ends" in err,
              f"rc {rc} {err}")

        rc, _, err = run(path, "--max-lut-levels=2")
        check("bound below the depth fails", rc == 1 and "3 LUT levels" in err, f"rc {rc} {err}")
        rc, _, _ = run(path, "--max-lut-levels=3")
        check("bound at the depth passes", rc == 0, f"rc {rc}")
        rc, _, err = run(path, "--max-lut-levels=x")
        check("a malformed option is an error, not ignored", rc == 2 and "unknown option" in err,
              f"rc {rc} {err}")

    print(f"synth_report_test: {failures} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
