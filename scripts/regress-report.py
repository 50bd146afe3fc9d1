#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The HTML report of a regression (docs/regress.md): `nicsim regress` calls it at the end, or
by hand: scripts/regress-report.py DIR. Reads DIR/summary.json, each run's report.json
(`nicsim run --report`) and frame log (frames.jsonl, rtl engine), and writes DIR/report.html:
self-contained (the plots are PNG images inlined as base64, made with matplotlib; no network),
with the latency distribution per path, throughput over simulated time, drops by reason,
per-flow hit counts, table occupancy, coverage per block (DIR/coverage.json, when
scripts/coverage.sh ran the regression), and a row per run linking its log, report, frame log,
waveform and mismatch text."""

import base64
import collections
import html
import io
import json
import os
import sys

try:
    import matplotlib
except ImportError:
    sys.exit("regress-report.py: %s has no matplotlib: scripts/install-deps.sh installs "
             "python3-matplotlib (Debian's, for /usr/bin/python3)" % sys.executable)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)

MAX_LINES = 8  # runs drawn in the throughput plot (the ones with the most frames)
BUCKETS = 60  # time buckets per run in the throughput plot


def png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return '<img alt="plot" src="data:image/png;base64,%s">' % base64.b64encode(
        buf.getvalue()).decode("ascii")


def barh(pairs, xlabel, color="tab:blue"):
    """A horizontal bar per (label, value), the first at the top."""
    pairs = pairs[::-1]
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.3 * len(pairs)))
    ax.barh([k for k, _ in pairs], [v for _, v in pairs], color=color)
    ax.set_xlabel(xlabel)
    ax.tick_params(axis="y", labelsize="x-small")
    ax.grid(axis="x", alpha=0.3)
    return png(fig)


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def path_of(rec):
    """The scoreboard's path name (FrameRecord::path): source -> destination kind."""
    vport = rec.get("vport", 0)
    src = "wire" if vport == 0 else "host" if vport == 255 else "vnic"
    dest = rec.get("dest", "")
    dst = next((k for k in ("wire", "vnic", "exception") if dest.startswith(k)), "drop")
    return src + "->" + dst


def read_frames(path):
    """(latency by path, output cycles, hits by lookup entry) of one frame log."""
    lat = collections.defaultdict(list)
    outs = []
    hits = collections.Counter()
    with open(path) as f:
        for line in f:
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            cyc = rec.get("cycles", {})
            if "out" in cyc and cyc["out"] >= cyc.get("ingress", 0):
                lat[path_of(rec)].append(cyc["out"] - cyc["ingress"])
                outs.append(cyc["out"])
            lookup = rec.get("lookup", "")
            if lookup.startswith("em ") or lookup.startswith("tcam "):
                hits[lookup] += 1
    return lat, outs, hits


def section(title, body, note=""):
    n = '<p class="note">%s</p>' % html.escape(note) if note else ""
    return "<h2>%s</h2>%s%s" % (html.escape(title), n, body)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: regress-report.py DIR  (a `nicsim regress` output directory)")
    out = sys.argv[1]
    summary = load_json(os.path.join(out, "summary.json"))
    if summary is None:
        sys.exit("regress-report.py: no readable %s/summary.json" % out)
    runs = summary["runs"]
    reports = {r["id"]: load_json(os.path.join(out, r["report"])) if r["report"] else None
               for r in runs}

    lat = collections.defaultdict(list)
    series = []  # (frames, id, output cycles, clock MHz)
    hits = collections.Counter()
    frame_logs = 0
    for r in runs:
        if not r.get("frames"):
            continue
        frame_logs += 1
        l, outs, h = read_frames(os.path.join(out, r["frames"]))
        for k, v in l.items():
            lat[k].extend(v)
        rep = reports.get(r["id"]) or {}
        series.append((len(outs), r["id"], outs, rep.get("clock_mhz", 250.0)))
        for entry, n in h.items():
            hits["%s: %s" % (r["id"], entry)] += n

    parts = []
    counts = summary["counts"]
    errors = counts.get("errors", 0)
    merged = summary.get("merged_from")
    parts.append(
        '<p class="counts"><span class="pass">%d passed</span> <span class="fail">%d failed'
        '</span> <span class="xfail">%d known limits</span>%s of %d runs, %.1f s%s (finished %s)'
        '</p>'
        % (counts["passed"], counts["failed"], counts["known_limits"],
           ' <span class="fail">%d without a result</span>' % errors if errors else "",
           counts["runs"], summary["wall_seconds"],
           " of runs added up, merged from %d shard directories" % len(merged) if merged else "",
           html.escape(summary["finished"])))

    # Latency distribution per path.
    if lat:
        fig, ax = plt.subplots(figsize=(8, 3.6))
        for path in sorted(lat):
            v = lat[path]
            ax.hist(v, bins=50, histtype="step", linewidth=1.5,
                    label="%s (%d frames)" % (path, len(v)))
        ax.set_xlabel("ingress to output, cycles")
        ax.set_ylabel("frames")
        ax.set_yscale("log")
        ax.legend(fontsize="small")
        ax.grid(alpha=0.3)
        parts.append(section("Latency distribution per path", png(fig),
                             "every output frame of the %d runs with a frame log (rtl engine)"
                             % frame_logs))
    else:
        parts.append(section("Latency distribution per path", "",
                             "no frame logs: no rtl-engine run wrote one"))

    # Throughput over simulated time.
    series.sort(key=lambda s: -s[0])
    drawn = [s for s in series if s[0] > 0][:MAX_LINES]
    if drawn:
        fig, ax = plt.subplots(figsize=(8, 3.6))
        for n, rid, outs, mhz in drawn:
            first, last = min(outs), max(outs)
            width = max(1, (last - first + BUCKETS) // BUCKETS)
            buckets = collections.Counter((c - first) // width for c in outs)
            xs = [(first + b * width) / mhz for b in range(BUCKETS + 1)]
            ys = [buckets.get(b, 0) / (width / mhz) for b in range(BUCKETS + 1)]
            ax.plot(xs, ys, drawstyle="steps-post", label="%s (%d)" % (rid, n))
        ax.set_xlabel("simulated time, us")
        ax.set_ylabel("frames out per us (M frames/s)")
        ax.legend(fontsize="x-small")
        ax.grid(alpha=0.3)
        parts.append(section("Throughput over simulated time", png(fig),
                             "the %d runs with the most output frames (of %d with a frame log)"
                             % (len(drawn), len(series))))
    else:
        parts.append(section("Throughput over simulated time", "",
                             "no frame logs with output frames"))

    # Drops by reason (the NIC's drop counters, per scenario).
    drops = collections.defaultdict(collections.Counter)
    for r in runs:
        rep = reports.get(r["id"])
        if not rep:
            continue
        for k, v in rep.get("counters", {}).items():
            if k.startswith("drop_") and v:
                drops[r["scenario"]][k[5:]] += v
    reasons = sorted({k for c in drops.values() for k in c})
    if reasons:
        fig, ax = plt.subplots(figsize=(8, 0.5 + 0.4 * len(reasons)))
        left = [0] * len(reasons)
        for scen in sorted(drops):
            vals = [drops[scen].get(k, 0) for k in reasons]
            ax.barh(reasons, vals, left=left, label=scen)
            left = [a + b for a, b in zip(left, vals)]
        ax.set_xlabel("frames dropped (all runs)")
        ax.legend(fontsize="small", loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.grid(axis="x", alpha=0.3)
        parts.append(section("Drops by reason", png(fig), "the NIC's drop counters, by scenario"))
    else:
        parts.append(section("Drops by reason", "", "no run dropped a frame"))

    # Per-flow hit counts.
    if hits:
        parts.append(section("Per-flow hit counts",
                             barh(hits.most_common(20), "frames that hit the entry"),
                             "the 20 exact-match and TCAM entries with the most hits (of %d), "
                             "from the frame logs" % len(hits)))
    else:
        parts.append(section("Per-flow hit counts", "", "no frame log has a flow-table hit"))

    # Table occupancy: the reports carry the flows the host installed, not the table over time.
    inst = [(r["id"], (reports.get(r["id"]) or {}).get("host", {}).get("flows_installed", 0))
            for r in runs]
    inst = [x for x in inst if x[1]]
    note = ("table occupancy over simulated time is not in the run reports yet; shown: the flows "
            "the host installed during each run (report host.flows_installed)")
    if inst:
        top = sorted(inst, key=lambda x: -x[1])[:20]
        parts.append(section("Table occupancy", barh(top, "flows installed", "tab:green"), note))
    else:
        parts.append(section("Table occupancy", "", note + "; no run installed a flow"))

    # Coverage per block: DIR/coverage.json, the summary scripts/coverage.sh (coverage-report.py)
    # writes beside a regression it ran with --coverage.
    cov = load_json(os.path.join(out, "coverage.json"))
    if cov and cov.get("modules"):
        mods = sorted(((m["module"] or m["file"], m["line_pct"] or 0.0) for m in cov["modules"]),
                      key=lambda x: x[1])
        link = ('<p><a href="%s">line coverage per source line (genhtml)</a></p>'
                % html.escape(cov["html"]) if cov.get("html") else "")
        parts.append(section(
            "Coverage per block",
            barh(mods, "line coverage, % of lines hit", "tab:purple") + link,
            "Verilator line coverage of rtl/ merged over %d runs: %s of %s lines, %.2f%%%s "
            "(docs/coverage.md)" % (cov["runs"], cov["line"]["hit"], cov["line"]["total"],
                                    cov["line"]["pct"],
                                    "; toggle %.2f%% of %d points" % (cov["toggle"]["pct"],
                                                                       cov["toggle"]["total"])
                                    if cov.get("toggle") else "")))
    else:
        parts.append(section("Coverage per block", "",
                             "not measured in this regression: scripts/coverage.sh runs a suite "
                             "with coverage (docs/coverage.md)"))

    # A row per run.
    rows = []
    for r in runs:
        rep = reports.get(r["id"]) or {}
        links = " ".join('<a href="%s">%s</a>' % (html.escape(r[k]), name)
                         for k, name in (("log", "log"), ("report", "report"),
                                         ("frames", "frames"), ("fst", "waveform"),
                                         ("mismatch", "mismatch")) if r.get(k))
        status = r["status"] + (" (before)" if r["reused"] else "")
        rows.append(
            '<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>'
            '<td class="n">%s</td><td class="n">%s</td><td class="n">%.1f</td>'
            "<td>%s</td><td>%s</td>"
            "</tr>" % (r["status"], html.escape(status), html.escape(r["capture"]),
                       html.escape(r["scenario"]), r["port"], r["data_width"], r["engine"],
                       rep.get("frames_in", "-"), rep.get("scoreboard", {}).get("mismatches", "-"),
                       r["wall_seconds"], html.escape(r["message"]), links))
    parts.append(section("Runs", "<table><tr><th>result</th><th>capture</th><th>scenario</th>"
                         "<th>port</th><th>W</th><th>engine</th><th>frames</th><th>mism.</th>"
                         "<th>wall s</th><th>message</th><th>files</th></tr>%s</table>"
                         % "".join(rows)))

    title = "nicsim regression: %s" % summary["suite"]
    page = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%s</title><style>
body { font-family: sans-serif; margin: 1.5em; }
table { border-collapse: collapse; font-size: 0.85em; }
td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
td.n { text-align: right; }
tr.fail, tr.error { background: #fdd; } tr.xfail { background: #ffd; }
.pass { color: #070; } .fail { color: #b00; font-weight: bold; } .xfail { color: #850; }
.note { color: #555; font-size: 0.9em; }
</style></head><body><h1>%s</h1><p>%s</p>%s</body></html>
""" % (html.escape(title), html.escape(title), html.escape(summary.get("description", "")),
       "\n".join(parts))
    with open(os.path.join(out, "report.html"), "w") as f:
        f.write(page)


if __name__ == "__main__":
    main()
