#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The mutation tooling (docs/mutation.md) kept honest at CI cost: a campaign on a small block.

scripts/mutation-netlist.py makes 24 mutants of rtl/lib/sync_fifo.sv (WIDTH 8, DEPTH 4) in one
netlist; Verilator builds it once with fifo_mutant_bench.cpp (a FIFO model) and
sim/src/mutant_select.cpp; the bench runs once per mutant (NICSIM_MUTANT=ID), and
scripts/mutation-report.py scores the results written as scripts/mutation.sh writes them.
Checked: mutant 0 (none) passes; a weak subset (2 bytes) kills some mutants and the full
one (then 200 bytes) more (mutsel reaches the cells, mutants differ); the report's counts,
survivors, first killing runs and figure agree with the runs; scripts/mutation-equiv.py finds
every weak survivor that the full subset kills different at the FIFO's ports within 16
cycles, some of them not within 2, and the report shows its verdicts; the netlist refuses
other parameters at elaboration; a NICSIM_MUTANT that is not a number stops the run; the
mutants listed unobservable (fifo_spare.sv: spare bits nothing reads) are the spare bits' and
none of them is killed by the bench, and the report leaves them out of the score.

usage: mutation_test.py ROOT WORK
"""
import json
import os
import re
import shutil
import subprocess
import sys

SAMPLE = 40


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)


def main() -> int:
    root, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    fifo = os.path.join(root, "rtl/lib/sync_fifo.sv")
    net = os.path.join(work, "netlist")
    r = run([sys.executable, os.path.join(root, "scripts/mutation-netlist.py"), "--top",
             "sync_fifo", "--top-sv", fifo, "--param", "WIDTH=8", "--param", "DEPTH=4",
             "--sample", str(SAMPLE), "--seed", "3", "--out", net, "--rel", f"{root}=", fifo])
    if r.returncode != 0:
        print(r.stdout, r.stderr)
        return 1
    lines = open(os.path.join(net, "mutations.ys"), encoding="utf-8").read().splitlines()
    assert len(lines) == SAMPLE + 1, f"{len(lines)} lines in mutations.ys"
    srcs = [v for l in lines[1:] for v in re.findall(r"-src (\S+)", l)]
    assert srcs and all(v.startswith("rtl/lib/sync_fifo.sv:") for v in srcs), srcs[:4]
    mv = os.path.join(net, "mutants.v")
    text = open(mv, encoding="utf-8").read()
    assert re.search(r"module sync_fifo #\(", text), "top without its parameter list"
    assert "nicsim_mutsel u_nicsim_mutsel" in text and "module nicsim_mutsel" in text

    # --keep: a leaf kept as RTL (no mutants in it, its source appended, the netlist still
    # Verilates); a module that is not a leaf, or shares its file with others, is refused.
    afifo = os.path.join(root, "rtl/lib/axis_fifo.sv")
    ram = os.path.join(root, "rtl/lib/sdp_ram.sv")
    knet = os.path.join(work, "netlist-keep")
    base = [sys.executable, os.path.join(root, "scripts/mutation-netlist.py"), "--top",
            "axis_fifo", "--top-sv", afifo, "--param", "WIDTH=8", "--param", "DEPTH=16",
            "--sample", "12", "--out", knet, "--rel", f"{root}=", afifo, ram, fifo]
    r = run(base + ["--keep", "sync_fifo"])
    assert r.returncode == 0, r.stdout + r.stderr
    ksrcs = re.findall(r"-src (\S+)", open(os.path.join(knet, "mutations.ys")).read())
    assert ksrcs and not any("sync_fifo.sv" in v for v in ksrcs), ksrcs
    ktext = open(os.path.join(knet, "mutants.v"), encoding="utf-8").read()
    assert "kept as RTL (--keep)" in ktext and re.search(r"(?m)^module sync_fifo #\(", ktext)
    assert open(os.path.join(knet, "kept")).read() == "sync_fifo\n"
    r = run(["verilator", "--lint-only", "-Wno-lint", "-Wno-style", "-Wno-UNOPTFLAT",
             "--top-module", "axis_fifo", "-GWIDTH=8", "-GDEPTH=16",
             os.path.join(knet, "mutants.v")])
    assert r.returncode == 0, r.stderr[-2000:]
    r = run(base[:2] + ["--top", "sync_fifo", "--top-sv", fifo] + base[6:] + ["--keep", "axis_fifo"])
    assert r.returncode != 0 and "not a leaf" in r.stderr and "sdp_ram" in r.stderr, r.stderr
    r = run(base + ["--keep", "axis_fifo"])
    assert r.returncode != 0 and "the top is what is mutated" in r.stderr, r.stderr

    # Other parameters than the netlist's: an elaboration error, not a wrong model.
    lint = ["-Wno-lint", "-Wno-style", "-Wno-UNOPTFLAT"]  # as cmake/rtl_bench.cmake's NETLIST
    r = run(["verilator", "--lint-only", *lint,
             "--top-module", "sync_fifo", "-GWIDTH=16", "-GDEPTH=4", mv])
    assert r.returncode != 0 and "this netlist has WIDTH=8 DEPTH=4" in r.stderr, r.stderr[-2000:]

    obj = os.path.join(work, "obj")
    here = os.path.dirname(os.path.abspath(__file__))
    r = run(["verilator", "--cc", "--exe", "--build", "-j", "2", *lint, "--top-module", "sync_fifo", "-GWIDTH=8", "-GDEPTH=4", "--Mdir",
             obj, "-o", "fifo_mutant_bench", mv, os.path.join(here, "fifo_mutant_bench.cpp"),
             os.path.join(root, "sim/src/mutant_select.cpp")])
    if r.returncode != 0:
        print(r.stdout[-3000:], r.stderr[-3000:])
        return 1
    bench = os.path.join(obj, "fifo_mutant_bench")

    def mutant(i, pushes=200):
        env = dict(os.environ, NICSIM_MUTANT=str(i))
        return run([bench, str(pushes)], env=env, timeout=60)

    r = mutant(0)
    assert r.returncode == 0, f"mutant 0 (none) fails: {r.stdout}{r.stderr}"
    env = dict(os.environ, NICSIM_MUTANT="7x")
    r = run([bench, "200"], env=env, timeout=60)
    assert r.returncode == 2 and "not a mutant number" in r.stderr, (r.returncode, r.stderr)

    # Two campaigns, written as scripts/mutation.sh writes them: a weak subset (2 bytes
    # through the FIFO: most mutants survive) and the full one (the weak run first, then 200
    # bytes; a mutant stops at its first failing run).
    def campaign(name, runs):
        work_c = os.path.join(work, name)
        os.makedirs(os.path.join(work_c, "netlist"))
        shutil.copy(os.path.join(net, "mutations.ys"), os.path.join(work_c, "netlist"))
        killed = {}
        for i in range(1, SAMPLE + 1):
            d = os.path.join(work_c, "mutants", str(i))
            os.makedirs(d)
            line = "survived\t\t"
            for pushes in runs:
                r = mutant(i, pushes)
                if r.returncode != 0:
                    msg = (r.stdout.strip().splitlines() or ["exit %d" % r.returncode])[-1]
                    line = f"killed\tpushes-{pushes}\t{msg}"
                    killed[i] = f"pushes-{pushes}"
                    break
            with open(os.path.join(d, "result"), "w", encoding="utf-8") as f:
                f.write(f"bench\n{line}\n")
        r = run([sys.executable, os.path.join(root, "scripts/mutation-report.py"), work_c])
        assert r.returncode == 0, r.stderr
        print(r.stdout)
        s = json.load(open(os.path.join(work_c, "report/summary.json"), encoding="utf-8"))
        n = len(killed)
        assert s["mutants"] == SAMPLE and s["killed"] == n and s["not_run"] == 0, s
        assert s["survived"] == SAMPLE - n and len(s["survivors"]) == SAMPLE - n
        assert sorted(m["id"] for m in s["survivors"]) == [
            i for i in range(1, SAMPLE + 1) if i not in killed]
        want = f"rtl_mutation_score_pct {100.0 * n / SAMPLE:.2f}"
        assert r.stdout.strip().splitlines()[-1] == want, (r.stdout.splitlines()[-1], want)
        assert sum(e["killed"] for e in s["per_kind"].values()) == n
        assert s["killed_by"] == {k: list(killed.values()).count(k) for k in set(killed.values())}
        for m in s["survivors"]:
            assert m["src"].startswith("rtl/lib/sync_fifo.sv:"), m
        surv = open(os.path.join(work_c, "report/survivors.txt"), encoding="utf-8").read()
        assert surv.count("\n") == SAMPLE - n
        return killed

    weak = campaign("weak", [2])
    full = campaign("full", [2, 200])
    print(f"killed: {len(weak)} of {SAMPLE} by 2 bytes, {len(full)} by 2 then 200 bytes")
    assert 0 < len(weak) < len(full), "the mutants are not selected (mutsel), or all alike"
    assert set(weak) <= set(full)

    # The formal check of survivors (scripts/mutation-equiv.py): the weak subset's survivors
    # that the full one kills are observable, so each differs at the FIFO's ports within 16
    # cycles; within 2 (reset, then one cycle) only those whose difference shows that early,
    # the rest are equivalent for 2 cycles (bounded), and at least one needs longer.
    weak_dir = os.path.join(work, "weak")
    shutil.copy(os.path.join(net, "design.il"), os.path.join(weak_dir, "netlist"))
    survivors = [i for i in range(1, SAMPLE + 1) if i not in weak]
    observable = [i for i in survivors if i in full]
    assert observable, (weak, full)
    verdicts = {}
    for seq in (2, 16):
        r = run([sys.executable, os.path.join(root, "scripts/mutation-equiv.py"), weak_dir,
                 "--seq", str(seq), "-j", "2"])
        assert r.returncode == 0, r.stdout + r.stderr
        rows = open(os.path.join(weak_dir, "report/equiv.tsv"), encoding="utf-8").read()
        rows = [l.split("\t") for l in rows.splitlines()[1:]]
        assert sorted(int(f[0]) for f in rows) == survivors, (rows, survivors)
        verdicts[seq] = {int(f[0]): f[1] for f in rows}
        for f in rows:
            assert f[1] in ("differs", "equivalent"), f
            assert f[1] != "differs" or 1 <= int(f[2]) <= seq, f  # the counterexample's cycle
        r = run([sys.executable, os.path.join(root, "scripts/mutation-report.py"), weak_dir])
        s = json.load(open(os.path.join(weak_dir, "report/summary.json"), encoding="utf-8"))
        assert s["survivors_checked"] == len(survivors), s
        assert s["survivors_differ"] == list(verdicts[seq].values()).count("differs"), s
        assert s["survivors_equivalent"] == list(verdicts[seq].values()).count("equivalent"), s
    assert all(verdicts[16][i] == "differs" for i in observable), verdicts
    late = [i for i in observable if verdicts[2][i] == "equivalent"]
    assert late, ("every observable survivor differs within 2 cycles", verdicts)
    assert all(verdicts[2][i] == "equivalent" or verdicts[16][i] == "differs"
               for i in survivors), verdicts
    assert ": differs, " in r.stdout, r.stdout  # the report beside each survivor (--seq 16)
    r = run([sys.executable, os.path.join(root, "scripts/mutation-equiv.py"), weak_dir,
             "--ids", str(SAMPLE + 1)])
    assert r.returncode == 2 and "no mutant" in r.stderr, r.stderr
    assert open(os.path.join(net, "unobservable")).read() == "", "sync_fifo: every bit reaches"

    # Unobservable mutants (no path from the mutated bit to an output of the top, found in the
    # flattened netlist): fifo_spare.sv holds a sync_fifo 4 bits wider than its ports and
    # never reads the spare bits. Listed: mutants of those bits, in the wrapper and inside
    # sync_fifo (only its instance's context makes them dead). Sound: the FIFO bench, run
    # on every mutant, kills none of the listed ones. The report does not score them, and
    # fails when a listed mutant was killed.
    spare = os.path.join(here, "fifo_spare.sv")
    snet = os.path.join(work, "netlist-spare")
    r = run([sys.executable, os.path.join(root, "scripts/mutation-netlist.py"), "--top",
             "fifo_spare", "--top-sv", spare, "--param", "WIDTH=8", "--param", "DEPTH=4",
             "--sample", str(SAMPLE), "--seed", "3", "--out", snet, "--rel", f"{root}=",
             spare, fifo])
    assert r.returncode == 0, r.stdout + r.stderr
    slines = open(os.path.join(snet, "mutations.ys"), encoding="utf-8").read().splitlines()
    unobs = [int(l) for l in open(os.path.join(snet, "unobservable")).read().split()]
    assert len(unobs) >= 2, unobs
    for i in unobs:  # the spare bits: `wide` 8..11 in the wrapper, m_data 8..11 in sync_fifo
        m = re.search(r"-wire (\S+) -wirebit (\d+)", slines[i])
        assert m and m.group(1) in ("wide", "m_data") and int(m.group(2)) >= 8, slines[i]
    assert any("sync_fifo" in slines[i] for i in unobs), [slines[i] for i in unobs]
    assert any("sync_fifo" in l for l in slines[1:]) and any(
        "-module fifo_spare" in l for l in slines[1:])
    sobj = os.path.join(work, "obj-spare")
    r = run(["verilator", "--cc", "--exe", "--build", "-j", "2", *lint, "--top-module",
             "fifo_spare", "--prefix", "Vsync_fifo", "-GWIDTH=8", "-GDEPTH=4", "--Mdir", sobj,
             "-o", "fifo_mutant_bench", os.path.join(snet, "mutants.v"),
             os.path.join(here, "fifo_mutant_bench.cpp"),
             os.path.join(root, "sim/src/mutant_select.cpp")])
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    sbench = os.path.join(sobj, "fifo_mutant_bench")
    swork = os.path.join(work, "spare")
    os.makedirs(os.path.join(swork, "netlist"))
    for f in ("mutations.ys", "unobservable"):
        shutil.copy(os.path.join(snet, f), os.path.join(swork, "netlist"))
    skilled = []
    for i in range(0, SAMPLE + 1):
        r = run([sbench, "200"], env=dict(os.environ, NICSIM_MUTANT=str(i)), timeout=60)
        if i == 0:
            assert r.returncode == 0, r.stdout + r.stderr
            continue
        if r.returncode != 0:
            skilled.append(i)
        line = ("unobservable\t\tnot run" if i in unobs else
                "killed\tpushes-200\tx" if r.returncode != 0 else "survived\t\t")
        d = os.path.join(swork, "mutants", str(i))
        os.makedirs(d)
        with open(os.path.join(d, "result"), "w", encoding="utf-8") as f:
            f.write(f"bench\n{line}\n")
    print(f"fifo_spare: {len(unobs)} unobservable {unobs}, killed {len(skilled)} of {SAMPLE}")
    assert skilled and not set(skilled) & set(unobs), (skilled, unobs)
    r = run([sys.executable, os.path.join(root, "scripts/mutation-report.py"), swork])
    assert r.returncode == 0, r.stdout + r.stderr
    s = json.load(open(os.path.join(swork, "report/summary.json"), encoding="utf-8"))
    assert s["unobservable"] == len(unobs) and s["listed_unobservable"] == len(unobs), s
    assert s["killed"] == len(skilled) and s["survived"] == SAMPLE - len(skilled) - len(unobs)
    want = f"rtl_mutation_score_pct {100.0 * len(skilled) / (SAMPLE - len(unobs)):.2f}"
    assert r.stdout.strip().splitlines()[-1] == want, (r.stdout.splitlines()[-1], want)
    assert open(os.path.join(swork, "report/unobservable.txt")).read().count("\n") == len(unobs)
    assert not any(m["id"] in unobs for m in s["survivors"]), s["survivors"]
    with open(os.path.join(swork, "mutants", str(unobs[0]), "result"), "w") as f:
        f.write("bench\nkilled\tpushes-200\tplanted\n")  # as if the analysis were wrong
    r = run([sys.executable, os.path.join(root, "scripts/mutation-report.py"), swork])
    assert r.returncode == 1 and "structural analysis is wrong" in r.stderr, r.stderr
    print("mutation tooling: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
