#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ctest coverage_nicsim_run: `nicsim run --coverage` and `nicsim regress --coverage`.

    coverage_run_test.py NICSIM COVERAGE_BUILD CAPTURE REPORT_PY RTL_DIR WORK_DIR

COVERAGE_BUILD 1 (the build's Verilated NIC has coverage: NICSIM_VERILATOR_ARGS, as
scripts/coverage.sh configures it): an rtl run writes the file, with points of rtl/ that
scripts/coverage-report.py reports per module, and `nicsim regress --coverage` gives each rtl
run its RUN/coverage.dat. COVERAGE_BUILD 0 (the default build): the run fails with a message
saying how to get a coverage build, and writes no data. Either way the model engine refuses
--coverage.
"""
import json
import os
import shutil
import subprocess
import sys

nicsim, cov_build, capture, report_py, rtl, work = sys.argv[1:7]
cov_build = cov_build not in ("0", "", "OFF", "FALSE")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
failures = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
        if detail:
            print(detail)


def sh(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    return r.returncode, r.stdout + r.stderr


dat = os.path.join(work, "run.dat")
rc, text = sh(nicsim, "run", "--wire-in", capture, "--data-width", "64", "--coverage", dat)
if cov_build:
    check(rc == 0, "coverage build: the rtl run passes", text)
    check(os.path.getsize(dat) > 1000 if os.path.exists(dat) else False,
          "coverage build: the run wrote its coverage data")
    rc, rep = sh(sys.executable, report_py, "--out", os.path.join(work, "report"), "--include",
                 rtl, "--root", os.path.dirname(os.path.realpath(rtl)), "--no-html", dat)
    check(rc == 0, "coverage-report.py on the run's data", rep)
    if rc == 0:
        s = json.load(open(os.path.join(work, "report", "summary.json")))
        mods = {m["module"]: m for m in s["modules"]}
        check({"nic_top", "nic_datapath", "parser_engine"} <= set(mods),
              "the run's modules are reported", str(sorted(mods)))
        check(mods.get("nic_top", {}).get("lines_hit", 0) > 0, "nic_top has lines hit")
        check(0 < s["line"]["pct"] < 100, f"a partial line coverage ({s['line']['pct']}%)")
        check(not any(m["file"].startswith("sim/") for m in s["modules"]),
              "the bench's monitors (sim/rtl) are not reported")
    suite = os.path.join(work, "suite.yaml")
    with open(suite, "w") as f:
        f.write("nicsim_suite: 1\nname: cov\ngroups:\n  - captures: [%s]\n"
                "    engines: [rtl, model]\n" % capture)
    out = os.path.join(work, "regress")
    rc, text = sh(nicsim, "regress", suite, "--coverage", "--out", out, "--no-html")
    check(rc == 0, "nicsim regress --coverage passes", text)
    stem = os.path.splitext(os.path.basename(capture))[0]
    check(os.path.exists(os.path.join(out, "runs", stem + ".hairpin.pcap.64.rtl", "coverage.dat")),
          "the rtl run of the regression wrote RUN/coverage.dat")
    check(not os.path.exists(os.path.join(out, "runs", stem + ".hairpin.pcap.64.model",
                                          "coverage.dat")),
          "the model run has no coverage data")
else:
    check(rc == 1 and "has no coverage" in text and "NICSIM_VERILATOR_ARGS" in text,
          "default build: --coverage is an error that says how to get a coverage build", text)
    check(not os.path.exists(dat) or os.path.getsize(dat) == 0, "default build: no data written")

rc, text = sh(nicsim, "run", "--wire-in", capture, "--engine", "model", "--coverage", dat + ".m")
check(rc != 0 and "rtl engine" in text, "--coverage with the model engine is an error", text)
rc, text = sh(nicsim, "run", "--wire-in", capture, "--data-width", "64", "--coverage",
              os.path.join(work, "no-such-dir", "x.dat"))
check(rc == 1 and ("cannot write the coverage data" in text or "has no coverage" in text),
      "an unwritable coverage file is an error, not a crash", text)
sys.exit(1 if failures else 0)
