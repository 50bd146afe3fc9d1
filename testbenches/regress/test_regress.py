# SPDX-License-Identifier: MIT
"""`nicsim regress` end to end (docs/regress.md): suite-file errors name the file, line and key;
the run list is the file's cross product (deduplicated, sharded deterministically); runs go two
at a time; a rerun skips what passed with the same inputs unless --rerun-all; a failing run is a
JUnit failure with its message and a non-zero exit; a known limit stays green; junit.xml is
well-formed; report.html is self-contained and has its plots.

Environment: NICSIM_BIN (the nicsim binary), NICSIM_TRACES (traces/), NICSIM_TEST_TMP."""

import json
import os
import re
import shutil
import signal
import subprocess
import time
import unittest
import xml.etree.ElementTree as ET

NICSIM = os.environ["NICSIM_BIN"]
TRACES = os.environ["NICSIM_TRACES"]
TMP = os.environ.get("NICSIM_TEST_TMP", "/tmp/nicsim-regress-test")
ROOT = os.path.dirname(TRACES)
PINGS = os.path.join(TRACES, "zeek__5-pings.pcap")
TRUNC = os.path.join(TRACES, "zeek__trunc-hdr.pcap")


def tmpdir(name):
    d = os.path.join(TMP, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def regress(*args):
    return subprocess.run([NICSIM, "regress", *args], capture_output=True, text=True, timeout=500)


# Passes (model and rtl engine), a known limit (the DPDK port cuts the record), and, with
# `failing`, a scenario whose expectation cannot hold.
def suite_text(d, failing):
    write(os.path.join(d, "impossible.yaml"), """nicsim_scenario: 1
name: impossible
expect:
  counters: {rx_wire_frames: 123456}
""")
    text = """nicsim_suite: 1
name: small
description: the regress_runner test's suite
groups:
  - captures: [%s]
    engines: [model, rtl]
  - captures: [%s]
    ports: [dpdk]
    engines: [model]
""" % (PINGS, TRUNC)
    if failing:
        text += """  - captures: [%s]
    scenarios: [impossible.yaml]
    engines: [model]
""" % PINGS
    text += """known_limits:
  - capture: zeek__trunc-hdr.pcap
    port: dpdk
    error: snaplen
    why: net_pcap cuts a record longer than the snaplen
"""
    return write(os.path.join(d, "suite.yaml"), text)


class SuiteFile(unittest.TestCase):
    def check_error(self, text, pattern):
        d = tmpdir("errors")
        f = write(os.path.join(d, "bad.yaml"), text)
        r = regress(f, "--list")
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertRegex(r.stderr, re.escape(f) + pattern)

    def test_errors_name_file_line_and_key(self):
        head = "nicsim_suite: 1\ngroups:\n  - captures: [%s]\n" % PINGS
        self.check_error(head + "    widths: [64, 128]\n",
                         r":4: groups\[0\]\.widths\[1\]: '128' is not one of 64, 512")
        self.check_error(head + "    engine: [rtl]\n", r":4: groups\[0\]: unknown key 'engine'")
        self.check_error(head + "    scenarios: [no-such]\n",
                         r":4: groups\[0\]\.scenarios\[0\]: no scenario file .*no-such\.yaml")
        self.check_error("nicsim_suite: 1\ngroups:\n  - captures: [nothing*.pcap]\n",
                         r":3: groups\[0\]\.captures\[0\]: 'nothing\*\.pcap' matches no file")
        self.check_error("groups: []\n", r":1: missing 'nicsim_suite: 1'")
        self.check_error(head + "    generated: [{name: g, count: 0, seeds: [1]}]\n",
                         r":4: groups\[0\]\.generated\[0\]\.count: 0 is outside 1\.\.")
        self.check_error(head + "known_limits:\n  - {capture: x.pcap, error: boom}\n",
                         r":5: known_limits\[0\]\.why: say why")
        self.check_error(head + "  - captures: [x\n", r":\d+: not valid YAML")


class RunList(unittest.TestCase):
    def test_expansion_dedup_and_shards(self):
        d = tmpdir("list")
        f = write(os.path.join(d, "suite.yaml"), """nicsim_suite: 1
scenario_dir: %s/scenarios
groups:
  - captures: [%s, %s]
    scenarios: [hairpin, vnics-rss]
    widths: [64, 512]
  - captures: [%s]
    generated:
      - {name: mix, count: 20, sizes: imix, seeds: [1, 2]}
    ports: [dpdk]
    engines: [model]
known_limits:
  - {capture: zeek__trunc-hdr.pcap, port: dpdk, error: snaplen, why: cut}
""" % (TRACES, PINGS, TRUNC, TRUNC))
        r = regress(f, "--list")
        self.assertEqual(r.returncode, 0, r.stderr)
        ids = r.stdout.split("\n")[:-1]
        expect = sorted(
            ["%s.%s.pcap.%s.rtl" % (c, s, w) for c in ("zeek__5-pings", "zeek__trunc-hdr")
             for s in ("hairpin", "vnics-rss") for w in (64, 512)] +
            ["%s.hairpin.dpdk.64.model" % c for c in ("zeek__trunc-hdr", "mix.s1", "mix.s2")])
        self.assertEqual([i.split()[0] for i in ids], expect)
        limited = [i.split()[0] for i in ids if "(known limit: snaplen)" in i]
        self.assertEqual(limited, ["zeek__trunc-hdr.hairpin.dpdk.64.model"])
        shards = []
        for i in (1, 2, 3):
            r = regress(f, "--list", "--shard", "%d/3" % i)
            self.assertEqual(r.returncode, 0, r.stderr)
            shards.append([x.split()[0] for x in r.stdout.split("\n")[:-1]])
        self.assertEqual(sorted(sum(shards, [])), expect)
        self.assertEqual(shards[0], expect[0::3])
        r = regress(f, "--list", "--shard", "4/3")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--shard", r.stderr)

    def test_known_limits_optional(self):
        # known_limits is optional (it was read even when absent: "invalid node").
        d = tmpdir("no-limits")
        f = write(os.path.join(d, "suite.yaml"),
                  "nicsim_suite: 1\ngroups:\n  - captures: [%s]\n" % PINGS)
        r = regress(f, "--list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), ["zeek__5-pings.hairpin.pcap.64.rtl"])


class Runs(unittest.TestCase):
    def summary(self, out):
        with open(os.path.join(out, "summary.json")) as f:
            return {r["id"]: r for r in json.load(f)["runs"]}

    def test_green_suite_resume_and_rerun_all(self):
        d = tmpdir("green")
        f = suite_text(d, failing=False)
        out = os.path.join(d, "out")
        r = regress(f, "-j", "2", "--out", out)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("regression: 2 passed, 0 failed, 1 known limits (3 runs", r.stdout)
        self.assertIn("2 at a time", r.stdout)
        runs = self.summary(out)
        self.assertEqual(runs["zeek__trunc-hdr.hairpin.dpdk.64.model"]["status"], "xfail")
        self.assertEqual(runs["zeek__5-pings.hairpin.pcap.64.rtl"]["status"], "pass")
        self.assertFalse(any(x["reused"] for x in runs.values()))
        junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
        self.assertEqual(junit.get("failures"), "0")
        skipped = junit.findall(".//testcase/skipped")
        self.assertEqual(len(skipped), 1)
        self.assertIn("known limit", skipped[0].get("message"))

        # The report: self-contained, with the plots.
        page = open(os.path.join(out, "report.html")).read()
        self.assertNotRegex(page, r"https?://")
        self.assertGreaterEqual(page.count('src="data:image/png;base64,'), 3)
        for title in ("Latency distribution per path", "Throughput over simulated time",
                      "Drops by reason", "Per-flow hit counts", "Table occupancy",
                      "Coverage per block"):
            self.assertIn(title, page)
        self.assertIn('href="runs/zeek__5-pings.hairpin.pcap.64.rtl/log.txt"', page)

        # A rerun skips them all; a changed command line (the FST window: rtl runs) runs again.
        r = regress(f, "-j", "2", "--out", out, "--no-html")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("0 to run, 3 passed before", r.stdout)
        self.assertTrue(all(x["reused"] for x in self.summary(out).values()))
        r = regress(f, "--out", out, "--no-html", "--fst-window", "1000")
        self.assertIn("1 to run, 2 passed before", r.stdout)
        runs = self.summary(out)
        self.assertFalse(runs["zeek__5-pings.hairpin.pcap.64.rtl"]["reused"])
        self.assertTrue(runs["zeek__5-pings.hairpin.pcap.64.model"]["reused"])
        r = regress(f, "-j", "2", "--out", out, "--rerun-all", "--no-html")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("3 to run", r.stdout)
        self.assertFalse(any(x["reused"] for x in self.summary(out).values()))

        # By hand on the directory.
        os.remove(os.path.join(out, "report.html"))
        py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3"
        subprocess.run([py, os.path.join(ROOT, "scripts", "regress-report.py"), out], check=True)
        self.assertTrue(os.path.exists(os.path.join(out, "report.html")))
        self.assertIn("not measured in this regression", open(os.path.join(out, "report.html")).read())

        # With the coverage summary scripts/coverage.sh writes beside a regression: coverage
        # per block, a bar per module, and the link to genhtml's page.
        write(os.path.join(out, "coverage.json"), json.dumps({
            "runs": 1, "html": "../html/index.html",
            "line": {"hit": 30, "total": 40, "pct": 75.0}, "toggle": None,
            "modules": [{"file": "rtl/a.sv", "module": "a", "line_pct": 50.0},
                        {"file": "rtl/b.sv", "module": "b", "line_pct": 100.0}]}))
        subprocess.run([py, os.path.join(ROOT, "scripts", "regress-report.py"), out], check=True)
        page = open(os.path.join(out, "report.html")).read()
        cov = page[page.index("<h2>Coverage per block</h2>"):]
        cov = cov[:cov.index("<h2>", 4)] if "<h2>" in cov[4:] else cov
        self.assertIn("30 of 40 lines, 75.00%", cov)
        self.assertIn('src="data:image/png;base64,', cov)
        self.assertIn('href="../html/index.html"', cov)

    def test_failing_run(self):
        d = tmpdir("failing")
        f = suite_text(d, failing=True)
        out = os.path.join(d, "out")
        r = regress(f, "-j", "2", "--out", out)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("regression: 2 passed, 1 failed, 1 known limits (4 runs", r.stdout)
        bad = "zeek__5-pings.impossible.pcap.64.model"
        self.assertRegex(r.stdout, r"FAIL\s+%s.*expect\.counters\.rx_wire_frames" % re.escape(bad))
        junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
        self.assertEqual(junit.get("tests"), "4")
        self.assertEqual(junit.get("failures"), "1")
        suite = junit.find("testsuite[@name='small.impossible']")
        self.assertIsNotNone(suite)
        failure = suite.find("testcase[@name='%s']/failure" % bad)
        self.assertIsNotNone(failure)
        self.assertRegex(failure.get("message"),
                         r"^expect\.counters\.rx_wire_frames: \d+, expected 123456")
        runs = self.summary(out)
        self.assertEqual(runs[bad]["status"], "fail")
        self.assertTrue(os.path.exists(os.path.join(out, runs[bad]["mismatch"])))
        # A failed run is not skipped by the rerun.
        r = regress(f, "--out", out, "--no-html")
        self.assertEqual(r.returncode, 1)
        self.assertIn("1 to run, 3 passed before", r.stdout)


def proc_state(pid):
    """(parent pid, state letter) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), fields[0]


class Stop(unittest.TestCase):
    def test_sigterm_takes_the_runs_with_it(self):
        """A regression stopped with SIGTERM kills its runs and exits 128 + 15; no `nicsim run`
        is left behind (a run alone takes SIGTERM as "drain, then report")."""
        d = tmpdir("stop")
        f = write(os.path.join(d, "suite.yaml"), """nicsim_suite: 1
name: long
description: one rtl run long enough to be stopped
groups:
  - generated:
      - {name: long, count: 20000, flows: 8, sizes: 1518, seeds: [1]}
    engines: [rtl]
    widths: [512]
""")
        p = subprocess.Popen([NICSIM, "regress", f, "--out", os.path.join(d, "out"), "--no-html"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            child, deadline = None, time.time() + 120
            while child is None and time.time() < deadline and p.poll() is None:
                for pid in filter(str.isdigit, os.listdir("/proc")):
                    st = proc_state(pid)
                    try:
                        with open(f"/proc/{pid}/cmdline", "rb") as fh:
                            cmd = fh.read().split(b"\0")
                    except OSError:
                        continue
                    if st and st[0] == p.pid and b"run" in cmd[1:2]:
                        child = int(pid)
                time.sleep(0.1)
            self.assertIsNotNone(child, "no `nicsim run` child appeared")
            time.sleep(1)
            self.assertIsNone(p.poll(), "the run ended before it could be stopped")
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(timeout=30), 128 + signal.SIGTERM)
            for _ in range(100):  # gone, or a zombie nobody reaps yet: not running
                st = proc_state(child)
                if st is None or st[1] in "ZX":
                    break
                time.sleep(0.1)
            else:
                self.fail(f"the run {child} outlived the regression: {proc_state(child)}")
        finally:
            if p.poll() is None:
                p.kill()


class Merge(unittest.TestCase):
    """--merge: shards run into their own directories, reported as one regression."""

    def verdicts(self, out):
        got = {}
        for tc in ET.parse(os.path.join(out, "junit.xml")).getroot().iter("testcase"):
            self.assertNotIn(tc.get("name"), got)
            kinds = [k for k in ("failure", "error", "skipped") if tc.find(k) is not None]
            got[tc.get("name")] = kinds[0] if kinds else "pass"
        return got

    def test_shards_merged_missing_stale_and_twice(self):
        d = tmpdir("merge")
        f = suite_text(d, failing=True)
        with open(f) as fh:  # and generated traffic: its capture is in each shard's gen/
            text = fh.read().replace("known_limits:", """  - generated:
      - {name: mix, count: 20, sizes: imix, seeds: [3]}
    engines: [model]
known_limits:""")
        write(f, text)
        whole = os.path.join(d, "whole")
        r = regress(f, "-j", "2", "--out", whole, "--no-html")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        expect = self.verdicts(whole)
        self.assertEqual(sorted(expect.values()), ["failure", "pass", "pass", "pass", "skipped"])
        shards = []
        for i in (1, 2):
            shards.append(os.path.join(d, "shard-%d" % i))
            r = regress(f, "-j", "2", "--shard", "%d/2" % i, "--out", shards[-1], "--no-html")
            self.assertIn(r.returncode, (0, 1), r.stdout + r.stderr)
        # Moved after they ran (the results do not depend on where the directory is).
        moved = os.path.join(d, "moved")
        os.makedirs(moved)
        shards = [shutil.move(s, moved) for s in shards]

        out = os.path.join(d, "merged")
        r = regress(f, "--out", out, "--merge", *shards)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("5 runs merged from 2 directories", r.stdout)
        self.assertIn("regression: 3 passed, 1 failed, 1 known limits (5 runs from 2 "
                      "directories", r.stdout)
        self.assertEqual(self.verdicts(out), expect)
        with open(os.path.join(out, "summary.json")) as fh:
            summary = json.load(fh)
        self.assertEqual(summary["merged_from"], ["../moved/shard-1", "../moved/shard-2"])
        self.assertEqual(summary["counts"]["errors"], 0)
        for run in summary["runs"]:
            self.assertRegex(run["dir"], r"^\.\./moved/shard-[12]/runs/")
            self.assertTrue(os.path.exists(os.path.join(out, run["log"])), run["log"])
        with open(os.path.join(out, "report.html")) as fh:
            page = fh.read()
        self.assertIn("merged from 2 shard directories", page)
        self.assertIn('href="../moved/shard-', page)

        # The suite file named another way (its scenario file then is ./impossible.yaml).
        r = subprocess.run([NICSIM, "regress", "suite.yaml", "--out", "again", "--no-html",
                            "--merge", *shards], capture_output=True, text=True, cwd=d,
                           timeout=100)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertEqual(self.verdicts(os.path.join(d, "again")), expect)

        # Only the passing runs and the known limit: exit 0.
        r = regress(f, "--out", os.path.join(d, "green"), "--no-html", "--merge", *shards,
                    "--only", "*.hairpin.*")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        # A shard that died: its runs are errors, not absent.
        lost = sorted(expect)[1::2]
        r = regress(f, "--out", out, "--no-html", "--merge", shards[0])
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("%d runs without a result" % len(lost), r.stdout)
        got = self.verdicts(out)
        self.assertEqual(set(got), set(expect))
        self.assertEqual(sorted(k for k, v in got.items() if v == "error"), lost)
        junit = ET.parse(os.path.join(out, "junit.xml")).getroot()
        self.assertEqual(junit.get("errors"), str(len(lost)))
        self.assertRegex(junit.find(".//testcase[@name='%s']/error" % lost[0]).get("message"),
                         r"^no result: none of the 1 merged directories has runs/")
        with open(os.path.join(out, "summary.json")) as fh:
            summary = json.load(fh)
        self.assertEqual(summary["counts"]["errors"], len(lost))
        self.assertEqual({x["status"] for x in summary["runs"] if x["id"] in lost}, {"error"})

        # A result from other inputs (an earlier submission's) is not taken.
        stale = sorted(expect)[0]
        res = os.path.join(shards[0], "runs", stale, "result.json")
        with open(res) as fh:
            j = json.load(fh)
        j["hash"] = "0" * 16
        write(res, json.dumps(j))
        r = regress(f, "--out", out, "--no-html", "--merge", *shards)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(ET.parse(os.path.join(out, "junit.xml")).getroot().find(
            ".//testcase[@name='%s']/error" % stale).get("message"),
            r"^no result from these inputs: .*shard-1/runs/%s ran another nicsim binary"
            % re.escape(stale))

        # A run in two of the directories.
        r = regress(f, "--out", out, "--no-html", "--merge", shards[1], shards[1])
        self.assertEqual(r.returncode, 1)
        self.assertIn("results in more than one merged directory", r.stdout)

        r = regress(f, "--out", out, "--merge", shards[0], "--shard", "1/2")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--shard excludes --merge", r.stderr)


if __name__ == "__main__":
    unittest.main()
