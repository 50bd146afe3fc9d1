#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Merges Verilator coverage data and reports it per module (docs/coverage.md).

    scripts/coverage-report.py --out DIR [--include DIR]... [--alias FROM=TO]...
                               [--exclude GLOB]... [--no-html] DAT...

DAT: coverage files of runs (`nicsim run --coverage`, VerilatedContext::coveragep()->write),
or directories searched for *.dat. Writes into DIR:

- merged.dat: every point of every run (verilator_coverage --write), counts added up;
- line.info: lcov info of the line and branch points of the files under --include
  (verilator_coverage --write-info of those points only); html/: genhtml's page of it;
- toggle.info: the same of the toggle points, when the runs have any;
- modules.txt: a row per file (one module per file): its line coverage (lcov lines hit /
  lines) and, where measured, toggle coverage (points) and user coverage (cover points);
- uncovered.txt: every line not hit, FILE:LINE: the source line;
- summary.json: all of the above as data.

Prints the table, the number of lines not hit and, last, `rtl_line_coverage_pct VALUE`.

A line of line.info is hit when every coverage point that touches it was hit (verilator_coverage
adds up the counts of a column and takes the least over the line's columns): the line of an
`if` whose else branch never ran is not hit, nor is a statement of a branch never taken.
Exit status: 0; 1 when a tool fails or no run's data touches an included file; 2 on bad usage.
"""
import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys

HEADER = "# SystemC::Coverage-3\n"


def fail(msg, code=1):
    print(f"coverage-report: {msg}", file=sys.stderr)
    sys.exit(code)


def parse_point(line):
    """`C '<key>' <count>` -> (dict of the key's fields, count); None for other lines."""
    if not line.startswith("C '"):
        return None
    end = line.rfind("' ")
    if end < 3:
        return None
    fields = {}
    for part in line[3:end].split("\x01"):
        if "\x02" in part:
            k, v = part.split("\x02", 1)
            fields[k] = v
    try:
        count = int(line[end + 2:].strip())
    except ValueError:
        return None
    return fields, count


def point_type(fields):
    """v_line, v_branch, v_toggle, v_user, ... from the page (`v_line/MODULE`)."""
    return fields.get("page", "").split("/", 1)[0]


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return r.stdout


def read_info(path):
    """lcov info -> {file: {line: count}}."""
    out, sf = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("SF:"):
                sf = line[3:]
                out.setdefault(sf, {})
            elif line.startswith("DA:") and sf is not None:
                ln, cnt = line[3:].split(",")[:2]
                out[sf][int(ln)] = out[sf].get(int(ln), 0) + int(cnt)
    return out


def pct(hit, total):
    return round(100.0 * hit / total, 2) if total else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--include", action="append", default=[],
                    help="report only the files under this directory (repeatable)")
    ap.add_argument("--alias", action="append", default=[],
                    help="FROM=TO: show a file under FROM as under TO (a generated copy)")
    ap.add_argument("--exclude", action="append", default=[],
                    help="leave out files whose shown path or name matches this glob")
    ap.add_argument("--root", default=os.getcwd(), help="shown paths are relative to this")
    ap.add_argument("--no-html", action="store_true", help="skip genhtml")
    ap.add_argument("dat", nargs="+", help="coverage data files or directories of them")
    a = ap.parse_args()

    dats = []
    for d in a.dat:
        if os.path.isdir(d):
            for top, _, files in os.walk(d):
                dats += [os.path.join(top, f) for f in files
                         if f.endswith(".dat") and os.path.join(top, f) !=
                         os.path.join(os.path.abspath(a.out), "merged.dat")]
        elif os.path.isfile(d):
            dats.append(d)
        else:
            fail(f"no such file or directory: {d}", 2)
    dats = sorted(set(os.path.abspath(d) for d in dats))
    if not dats:
        fail("no coverage data (*.dat) in " + " ".join(a.dat))
    includes = [os.path.realpath(i) + os.sep for i in a.include]
    aliases = []
    for al in a.alias:
        if "=" not in al:
            fail(f"--alias: expected FROM=TO, got '{al}'", 2)
        src, dst = al.split("=", 1)
        aliases.append((os.path.realpath(src) + os.sep, os.path.realpath(dst) + os.sep))
    root = os.path.realpath(a.root) + os.sep

    def shown(path):
        p = os.path.realpath(path)
        for src, dst in aliases:
            if p.startswith(src):
                p = dst + p[len(src):]
        return p[len(root):] if p.startswith(root) else p

    def wanted(path):
        p = os.path.realpath(path)
        if includes and not any(p.startswith(i) for i in includes):
            return False
        s = shown(path)
        return not any(fnmatch.fnmatch(s, g) or fnmatch.fnmatch(os.path.basename(s), g)
                       for g in a.exclude)

    os.makedirs(a.out, exist_ok=True)
    merged = os.path.join(a.out, "merged.dat")
    run(["verilator_coverage", "--write", merged] + dats)

    # The merged points by type, only those of the wanted files.
    kinds = {"line": ("v_line", "v_branch"), "toggle": ("v_toggle",), "user": ("v_user",)}
    kept = {k: [] for k in kinds}
    modules = {}  # shown file -> module name
    counts = {}  # (kind, shown file) -> [hit, total] (points)
    with open(merged, errors="replace") as f:
        for line in f:
            p = parse_point(line)
            if p is None:
                continue
            fields, count = p
            path = fields.get("f", "")
            if not wanted(path):
                continue
            t = point_type(fields)
            for kind, types in kinds.items():
                if t in types:
                    kept[kind].append(line if line.endswith("\n") else line + "\n")
                    c = counts.setdefault((kind, shown(path)), [0, 0])
                    c[0] += count > 0
                    c[1] += 1
            page = fields.get("page", "")
            if "/" in page:  # v_line/nic_top__pi1: Verilator's name of a parameterization
                modules.setdefault(shown(path), page.split("/", 1)[1].split("__", 1)[0])
    if not kept["line"]:
        fail("no line coverage points of the included files in " + merged +
             " (was the model Verilated with --coverage-line?)")

    infos = {}
    for kind in ("line", "toggle"):
        if not kept[kind]:
            continue
        dat = os.path.join(a.out, kind + ".dat")
        with open(dat, "w") as f:
            f.write(HEADER)
            f.writelines(kept[kind])
        info = os.path.join(a.out, kind + ".info")
        run(["verilator_coverage", "--write-info", info, dat])
        infos[kind] = read_info(info)

    # Lines per file (line.info), the source text of those not hit.
    rows, uncovered = [], []
    tot_hit = tot_lines = 0
    for path in sorted(infos["line"], key=shown):
        lines = infos["line"][path]
        hit = sum(1 for c in lines.values() if c > 0)
        tot_hit += hit
        tot_lines += len(lines)
        try:
            with open(path, errors="replace") as f:
                src = f.read().split("\n")
        except OSError:
            src = []
        for ln in sorted(l for l, c in lines.items() if c == 0):
            text = src[ln - 1].rstrip() if 0 < ln <= len(src) else ""
            uncovered.append({"file": shown(path), "line": ln, "text": text})
        s = shown(path)
        tg = counts.get(("toggle", s))
        us = counts.get(("user", s))
        rows.append({"file": s, "module": modules.get(s, ""), "lines_hit": hit,
                     "lines": len(lines), "line_pct": pct(hit, len(lines)),
                     "toggle_hit": tg[0] if tg else None, "toggle_points": tg[1] if tg else None,
                     "toggle_pct": pct(*tg) if tg else None,
                     "user_hit": us[0] if us else None, "user_points": us[1] if us else None})

    def total(kind):
        h = sum(v[0] for (k, _), v in counts.items() if k == kind)
        n = sum(v[1] for (k, _), v in counts.items() if k == kind)
        return {"hit": h, "total": n, "pct": pct(h, n)} if n else None

    summary = {
        "runs": len(dats),
        "data": dats,
        "line": {"hit": tot_hit, "total": tot_lines, "pct": pct(tot_hit, tot_lines)},
        "line_points": total("line"),
        "toggle": total("toggle"),
        "user": total("user"),
        "modules": rows,
        "uncovered": uncovered,
    }
    with open(os.path.join(a.out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")

    has_tg = summary["toggle"] is not None
    has_us = summary["user"] is not None
    head = f"{'file':<34} {'module':<20} {'lines':>11} {'%':>6}"
    if has_tg:
        head += f" {'toggle points':>15} {'%':>6}"
    if has_us:
        head += f" {'cover':>9}"
    table = [head]
    for r in rows:
        t = (f"{r['file']:<34} {r['module']:<20} {r['lines_hit']:>5}/{r['lines']:<5} "
             f"{r['line_pct']:>6.2f}")
        if has_tg:
            t += (f" {r['toggle_hit']:>7}/{r['toggle_points']:<7} {r['toggle_pct']:>6.2f}"
                  if r["toggle_points"] else f" {'-':>15} {'-':>6}")
        if has_us:
            t += (f" {r['user_hit']:>4}/{r['user_points']:<4}" if r["user_points"]
                  else f" {'-':>9}")
        table.append(t)
    t = (f"{'total':<34} {'':<20} {tot_hit:>5}/{tot_lines:<5} "
         f"{summary['line']['pct']:>6.2f}")
    if has_tg:
        tg = summary["toggle"]
        t += f" {tg['hit']:>7}/{tg['total']:<7} {tg['pct']:>6.2f}"
    if has_us:
        us = summary["user"]
        t += f" {us['hit']:>4}/{us['total']:<4}"
    table.append(t)
    with open(os.path.join(a.out, "modules.txt"), "w") as f:
        f.write("\n".join(table) + "\n")
    with open(os.path.join(a.out, "uncovered.txt"), "w") as f:
        for u in uncovered:
            f.write(f"{u['file']}:{u['line']}: {u['text']}\n")

    if not a.no_html:
        if shutil.which("genhtml") is None:
            fail("genhtml not found (Debian package lcov: scripts/install-deps.sh)")
        run(["genhtml", "--quiet", "--output-directory", os.path.join(a.out, "html"),
             "--title", "nicsim RTL line coverage", "--legend",
             os.path.join(a.out, "line.info")])

    print("\n".join(table))
    print(f"{len(uncovered)} lines not hit: {os.path.join(a.out, 'uncovered.txt')}; "
          f"{len(dats)} runs merged"
          + (f"; HTML: {os.path.join(a.out, 'html', 'index.html')}" if not a.no_html else ""))
    print(f"rtl_line_coverage_pct {summary['line']['pct']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
