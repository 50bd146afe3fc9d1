#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ctest coverage_merge: the coverage tooling of docs/coverage.md on a small block.

    coverage_merge_test.py BENCH REPORT_PY RTL_DIR WORK_DIR

BENCH (coverage_fifo_bench: rtl/lib/sync_fifo.sv Verilated with coverage) runs twice: idle
after reset, then with bytes pushed through. REPORT_PY (scripts/coverage-report.py, what
scripts/coverage.sh runs on the regression) reports the first run alone and both merged. The
write of the FIFO's storage, reached only by the second run, must be listed as not hit in the
first report and hit in the merged one; the merged one must have more bits toggled; the merged
counts must be the runs' counts added up; bad input must be an error.
"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys

bench, report_py, rtl, work = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
spec = importlib.util.spec_from_file_location("coverage_report", report_py)
cr = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cr)
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def sh(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def report(out, *dats, extra=()):
    rc, text = sh([sys.executable, report_py, "--out", os.path.join(work, out), "--include", rtl,
                   "--root", os.path.dirname(os.path.realpath(rtl)), *extra, *dats])
    if rc != 0:
        print(text)
        sys.exit(f"coverage-report.py failed ({rc})")
    with open(os.path.join(work, out, "summary.json")) as f:
        return json.load(f), text


def points(path):
    out = {}
    with open(path) as f:
        for line in f:
            p = cr.parse_point(line)
            if p is not None:
                out[line[:line.rfind("' ")]] = p[1]
    return out


idle, busy = os.path.join(work, "idle.dat"), os.path.join(work, "busy.dat")
check(sh([bench, idle, "0"])[0] == 0, "bench: idle run")
check(sh([bench, busy, "11"])[0] == 0, "bench: 11 bytes through the FIFO")
check(sh([bench, busy + ".x", "-1"])[0] == 2, "bench: bad PUSHES is a usage error")

# The line only the second stimulus reaches: the write of the storage array.
src = os.path.join(rtl, "lib", "sync_fifo.sv")
with open(src) as f:
    target = [i + 1 for i, l in enumerate(f) if "<= s_data;" in l]
check(len(target) == 1, f"one storage write in {src}")
target = target[0]

one, text1 = report("idle", idle)
both, text2 = report("merged", idle, busy)
not_hit1 = {(u["file"], u["line"]) for u in one["uncovered"]}
not_hit2 = {(u["file"], u["line"]) for u in both["uncovered"]}
key = ("rtl/lib/sync_fifo.sv", target)
check(key in not_hit1, f"idle run alone: sync_fifo.sv:{target} listed as not hit")
check(key not in not_hit2, f"merged: sync_fifo.sv:{target} hit")
check(both["runs"] == 2 and one["runs"] == 1, "runs counted")
check(both["line"]["pct"] > one["line"]["pct"],
      f"merged line coverage {both['line']['pct']}% > idle run's {one['line']['pct']}%")
check([r["module"] for r in both["modules"]] == ["sync_fifo"], "one module: sync_fifo")
tg1, tg2 = one["toggle"], both["toggle"]
check(tg1 is not None and tg2 is not None and tg1["total"] == tg2["total"] > 0,
      "toggle points reported")
check(tg1 is not None and tg2 is not None and tg1["hit"] < tg2["hit"] <= tg2["total"],
      "more bits toggled in the merged runs than in the idle one")
check(os.path.isfile(os.path.join(work, "merged", "toggle.info")), "toggle.info written")
check(f"rtl_line_coverage_pct {both['line']['pct']}" in text2.splitlines()[-1],
      "the figure is the last line printed")
with open(os.path.join(work, "idle", "uncovered.txt")) as f:
    check(f"rtl/lib/sync_fifo.sv:{target}: " in f.read(), "uncovered.txt names the line")
check(os.path.isfile(os.path.join(work, "merged", "html", "index.html")), "genhtml's page")

# Merging adds the runs' counts point by point.
a, b, m = points(idle), points(busy), points(os.path.join(work, "merged", "merged.dat"))
check(set(m) == set(a) | set(b) and all(m[k] == a.get(k, 0) + b.get(k, 0) for k in m),
      f"merged.dat: the {len(m)} points' counts are the runs' sums")

# Bad input: an error, not a report.
rc, text = sh([sys.executable, report_py, "--out", os.path.join(work, "x"), "/nonexistent.dat"])
check(rc == 2 and "no such file" in text, "a missing data file is a usage error")
rc, text = sh([sys.executable, report_py, "--out", os.path.join(work, "y"), "--include",
               os.path.join(work, "elsewhere"), idle])
check(rc == 1 and "no line coverage points" in text, "no point of the included files: an error")

print(text2)
sys.exit(1 if failures else 0)
