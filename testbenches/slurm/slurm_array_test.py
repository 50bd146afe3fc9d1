#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The regression as a Slurm job array on a single-node cluster this test stands up and takes
down (docs/regress.md, "On a Slurm cluster"): munged with a generated key, slurmctld and slurmd
with a generated slurm.conf, everything in WORK (state, spool, logs, sockets; free ports), one
node: this host with the CPUs and memory `slurmd -C` finds. A small suite (model-engine runs at
both widths, an rtl run at DATA_W=64, a known limit and a run that fails) is run once by a local
`nicsim regress` and once by scripts/slurm/regress-submit.sh as a 3-shard array plus the merge
job; checked: the merged junit.xml has every run of the suite exactly once with the local run's
verdict, summary.json agrees and names the shards, report.html is written, and the submit
script exits with the local run's status. Then a resubmission of one shard into the same
directory reuses its results (resume). Every daemon it started is stopped on the way out, also
on failure or SIGTERM, and no process of its cluster is left (checked).

Needs root (Slurm's daemons as root, CI runs as root): otherwise skipped (exit 77). Bounded:
each wait has a deadline; on one, the job states and the daemons' logs are printed.

usage: slurm_array_test.py NICSIM SOURCE_DIR WORK"""

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

WAIT_NODE_S = 60  # the node idle after the daemons start
WAIT_JOBS_S = 180  # the array and the merge job
DAEMONS = ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "sinfo", "squeue",
           "scontrol", "scancel")


class Failed(Exception):
    pass


def log(msg):
    print("slurm_array_test: " + msg, flush=True)


def on_parent_death():
    """In a daemon's child: SIGTERM when this test dies (even by SIGKILL), then a new session."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    os.setsid()


def free_ports(n):
    """n distinct TCP ports nothing listens on now (the kernel's choice)."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Cluster:
    """munged + slurmctld + slurmd of one node, all files in work/; stop() undoes start()."""

    def __init__(self, work):
        self.work = work
        self.conf = os.path.join(work, "slurm.conf")
        self.env = dict(os.environ, SLURM_CONF=self.conf)
        self.procs = {}  # name -> Popen
        self.logs = os.path.join(work, "log")

    def path(self, *p):
        return os.path.join(self.work, *p)

    def run(self, *cmd, check=True, timeout=30):
        r = subprocess.run(cmd, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise Failed("%s: exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
        return r.stdout

    def spawn(self, name, *cmd):
        out = open(os.path.join(self.logs, name + ".out"), "w")
        self.procs[name] = subprocess.Popen(cmd, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, preexec_fn=on_parent_death)
        out.close()

    def start(self):
        for d in ("munge", "sock", "state", "spool", "log"):
            os.makedirs(self.path(d))
        os.chmod(self.path("munge"), 0o700)  # munged: the key's directory private,
        os.chmod(self.path("sock"), 0o755)  # the socket's reachable by everyone
        key = self.path("munge", "munge.key")
        self.run("mungekey", "--create", "--keyfile", key)
        sock = self.path("sock", "munge.socket")
        # --force: munged refuses a key or socket below a group-writable directory (a checkout
        # made with umask 002); these are the test's own, made just now.
        self.spawn("munged", "munged", "--foreground", "--force", "--key-file", key,
                   "--socket", sock,
                   "--pid-file", self.path("munge", "munged.pid"),
                   "--seed-file", self.path("munge", "munged.seed"))  # logs to munged.out
        deadline = time.time() + 10
        while not os.path.exists(sock):
            if time.time() > deadline or self.procs["munged"].poll() is not None:
                raise Failed("munged did not start:\n" + self.tail("munged.out"))
            time.sleep(0.1)

        host = socket.gethostname().split(".")[0]
        cport, dport = free_ports(2)
        # This host as `slurmd -C` sees it (CPUs, sockets, cores, threads, RealMemory).
        node = self.run("slurmd", "-C").splitlines()[0].split()
        node = [f for f in node if not f.startswith("NodeName=")]
        with open(self.conf, "w") as f:
            f.write("""# ctest slurm_array: a single-node cluster in %(w)s
ClusterName=nicsimtest
SlurmctldHost=%(host)s(127.0.0.1)
SlurmctldPort=%(cport)d
SlurmdPort=%(dport)d
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%(sock)s
StateSaveLocation=%(w)s/state
SlurmdSpoolDir=%(w)s/spool
SlurmctldPidFile=%(w)s/slurmctld.pid
SlurmdPidFile=%(w)s/slurmd.pid
SlurmctldLogFile=%(w)s/log/slurmctld.log
SlurmdLogFile=%(w)s/log/slurmd.log
PlugStackConfig=%(w)s/plugstack.conf
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
ReturnToService=2
MinJobAge=10
KillWait=5
NodeName=%(host)s NodeAddr=127.0.0.1 %(node)s State=UNKNOWN
PartitionName=nicsim Nodes=%(host)s Default=YES MaxTime=INFINITE State=UP
""" % dict(w=self.work, host=host, cport=cport, dport=dport, sock=sock,
                node=" ".join(node)))
        open(self.path("plugstack.conf"), "w").close()
        self.spawn("slurmctld", "slurmctld", "-D", "-f", self.conf)
        self.spawn("slurmd", "slurmd", "-D", "-f", self.conf, "-N", host)
        log("cluster: munged, slurmctld and slurmd started; %s: %s" % (host, " ".join(node)))
        deadline = time.time() + WAIT_NODE_S
        state = ""
        while state != "idle":
            for name, p in self.procs.items():
                if p.poll() is not None:
                    raise Failed("%s exited with %s:\n%s" % (name, p.returncode,
                                                           self.tail(name + ".out")))
            if time.time() > deadline:
                raise Failed("the node is not idle after %d s (sinfo: %r)" % (WAIT_NODE_S, state))
            time.sleep(0.5)
            state = self.run("sinfo", "-h", "-N", "-o", "%T", check=False).strip()
        log("cluster: node %s idle" % host)

    def tail(self, name, n=40):
        try:
            with open(os.path.join(self.logs, name), errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError as e:
            return "(%s)" % e

    def diagnose(self):
        """The job states and the daemons' logs, for a failure."""
        for cmd in (("squeue", "-a", "-o", "%i %T %r %M %N"), ("scontrol", "show", "job"),
                    ("sinfo", "-N", "-l")):
            try:
                print("$ " + " ".join(cmd) + "\n" + self.run(*cmd, check=False), flush=True)
            except (OSError, subprocess.SubprocessError) as e:
                print("$ %s: %s" % (" ".join(cmd), e))
        for name in ("slurmctld.log", "slurmd.log", "munged.out"):
            print("--- %s (end)\n%s" % (name, self.tail(name)), flush=True)

    def stop(self):
        """Cancels the jobs, stops the daemons (SIGTERM, then SIGKILL), checks nothing is left."""
        if "slurmctld" in self.procs and self.procs["slurmctld"].poll() is None:
            try:  # the jobs first, while slurmd is there to end their steps
                self.run("scancel", "--full", "--user", "root", check=False, timeout=10)
                deadline = time.time() + 20
                while self.run("squeue", "-h", check=False, timeout=10).strip() and \
                        time.time() < deadline:
                    time.sleep(0.5)
            except (OSError, subprocess.SubprocessError):
                pass
        for name in ("slurmd", "slurmctld", "munged"):
            p = self.procs.get(name)
            if p is None or p.poll() is not None:
                continue
            p.terminate()
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                log("%s ignored SIGTERM: SIGKILL" % name)
                p.kill()
                p.wait()
        # What is left of this cluster: processes whose environment names its slurm.conf (the
        # daemons, slurmstepd and the jobs' processes inherit it); they were started by it.
        left = []
        deadline = time.time() + 15
        while True:
            left = self.processes()
            if not left or time.time() > deadline:
                break
            time.sleep(0.5)
        for pid, cmd in left:
            log("left over: pid %d: %s: SIGKILL" % (pid, cmd))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return left

    def processes(self):
        mark = ("SLURM_CONF=" + self.conf + "\0").encode()
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            if int(pid) == os.getpid():
                continue
            try:
                with open("/proc/%s/environ" % pid, "rb") as f:
                    if mark not in f.read() + b"\0":
                        continue
                with open("/proc/%s/cmdline" % pid, "rb") as f:
                    found.append((int(pid), f.read().replace(b"\0", b" ").decode().strip()))
            except OSError:
                continue
        return found


def suite(work, traces):
    """5 model runs (3 captures at DATA_W 64, 2 at 512), an rtl run at 64, a known limit and a
    run that fails: 8 runs, shards of 3, 3 and 2."""
    with open(os.path.join(work, "impossible.yaml"), "w") as f:
        f.write("nicsim_scenario: 1\nname: impossible\nexpect:\n"
                "  counters: {rx_wire_frames: 123456}\n")
    t = lambda name: os.path.join(traces, name)  # noqa: E731
    path = os.path.join(work, "suite.yaml")
    with open(path, "w") as f:
        f.write("""nicsim_suite: 1
name: slurm
description: ctest slurm_array's suite
groups:
  - captures: [%(pings)s, %(icmp6)s]
    widths: [64, 512]
    engines: [model]
  - captures: [%(arp)s]
    engines: [model]
  - captures: [%(pings)s]
    engines: [rtl]
  - captures: [%(trunc)s]
    ports: [dpdk]
    engines: [model]
  - captures: [%(pings)s]
    scenarios: [impossible.yaml]
    engines: [model]
known_limits:
  - capture: zeek__trunc-hdr.pcap
    port: dpdk
    error: snaplen
    why: net_pcap cuts a record longer than the snaplen
""" % dict(pings=t("zeek__5-pings.pcap"), icmp6=t("zeek__icmp6-ping.pcap"),
           arp=t("packetnet__arp_request_response.pcap"), trunc=t("zeek__trunc-hdr.pcap")))
    return path


def verdicts(junit_path):
    """{run id: verdict} of a junit.xml; a run twice is a failure of the test."""
    out = {}
    for tc in ET.parse(junit_path).getroot().iter("testcase"):
        name = tc.get("name")
        if name in out:
            raise Failed("%s: %s twice" % (junit_path, name))
        kinds = [k for k in ("failure", "error", "skipped") if tc.find(k) is not None]
        out[name] = kinds[0] if kinds else "pass"
    return out


def submit_and_wait(cmd, env, cwd):
    """regress-submit.sh --wait: (exit status, output); None past WAIT_JOBS_S, when it and its
    sbatch are killed (a session of their own)."""
    p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, start_new_session=True)
    try:
        out, _ = p.communicate(timeout=WAIT_JOBS_S)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        print(out, flush=True)
        return None
    except BaseException:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        raise
    print(out, flush=True)
    return p.returncode


def check(cond, what):
    if not cond:
        raise Failed(what)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.split("\n\n")[-1])
    nicsim, src, work = (os.path.realpath(a) for a in sys.argv[1:])
    if os.geteuid() != 0:
        log("needs root (Slurm's daemons run as root here; CI runs as root): skipped")
        return 77
    missing = [d for d in DAEMONS if shutil.which(d, path=os.environ["PATH"] + ":/usr/sbin")
               is None]
    if missing:
        log("missing %s: scripts/install-deps.sh installs slurmctld, slurmd, slurm-client and "
            "munge" % ", ".join(missing))
        return 1
    os.environ["PATH"] += ":/usr/sbin"
    os.umask(0o022)  # munged: the key's and socket's directories not writable by others
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    suite_file = suite(work, os.path.join(src, "traces"))

    # SIGTERM (ctest's timeout, a CI cancel) takes the same way out as a failure.
    def term(sig, _frame):
        raise Failed("signal %d" % sig)
    signal.signal(signal.SIGTERM, term)
    signal.signal(signal.SIGINT, term)

    t0 = time.time()
    local = os.path.join(work, "local")
    r = subprocess.run([nicsim, "regress", suite_file, "-j", "2", "--out", local, "--no-html"],
                       capture_output=True, text=True, timeout=300)
    expect = verdicts(os.path.join(local, "junit.xml"))
    log("local nicsim regress: exit %d, %d runs (%.0f s): %s" % (
        r.returncode, len(expect), time.time() - t0,
        ", ".join("%s %s" % kv for kv in sorted(expect.items()))))
    if sorted(expect.values()) != sorted(["pass"] * 6 + ["failure", "skipped"]) or \
            r.returncode != 1:
        print(r.stdout + r.stderr)
        raise Failed("the local run is not 6 passes, a failure and a known limit with exit 1")

    cluster = Cluster(os.path.join(work, "cluster"))
    ok = False
    try:
        cluster.start()
        out = os.path.join(work, "array")
        submit = [os.path.join(src, "scripts", "slurm", "regress-submit.sh"), "--nicsim", nicsim,
                  "--shards", "3", "--cpus-per-task", "1", "--time", "00:05:00", "--partition",
                  "nicsim", "--out", out, "--wait", suite_file]
        t1 = time.time()
        status = submit_and_wait(submit, cluster.env, work)
        if status is None:
            cluster.diagnose()
            raise Failed("the array and its merge job did not end within %d s" % WAIT_JOBS_S)
        log("array of 3 shards and merge: exit %d (%.0f s)" % (status, time.time() - t1))
        merged = os.path.join(out, "junit.xml")
        if not os.path.exists(merged):
            cluster.diagnose()
            raise Failed("no merged %s" % merged)
        got = verdicts(merged)
        check(set(got) == set(expect),
              "merged runs differ from the local ones: missing %s, extra %s" % (
                  sorted(set(expect) - set(got)), sorted(set(got) - set(expect))))
        diff = {k: (expect[k], got[k]) for k in expect if expect[k] != got[k]}
        check(not diff, "verdicts differ (local, merged): %s" % diff)
        check(status == r.returncode,
              "regress-submit.sh --wait exited %d, the local run %d" % (status, r.returncode))
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
        check(summary["merged_from"] == ["shard-1", "shard-2", "shard-3"],
              "summary.json merged_from: %s" % summary.get("merged_from"))
        check(summary["counts"] == {"runs": 8, "passed": 6, "failed": 1, "known_limits": 1,
                                    "errors": 0}, "summary.json counts: %s" % summary["counts"])
        for run in summary["runs"]:  # each from its shard's directory
            check(os.path.exists(os.path.join(out, run["log"] or "-")),
                  "%s: no log at %s" % (run["id"], run["log"]))
        check(os.path.exists(os.path.join(out, "report.html")), "no report.html")
        shard_runs = sorted(len(os.listdir(os.path.join(out, "shard-%d" % i, "runs")))
                            for i in (1, 2, 3))
        check(shard_runs == [2, 3, 3], "runs per shard directory: %s" % shard_runs)

        # Resume: shard 2 submitted again into the same directory runs again only what did not
        # pass (or fail as its known limit) before; the merge is the same.
        t2 = time.time()
        status = submit_and_wait(submit[:-1] + ["--tasks", "2", suite_file], cluster.env, work)
        if status is None:
            cluster.diagnose()
            raise Failed("shard 2 and the merge did not end within %d s" % WAIT_JOBS_S)
        log("shard 2 again and merge: exit %d (%.0f s)" % (status, time.time() - t2))
        check(status == r.returncode, "resubmission exited %d" % status)
        check(verdicts(merged) == expect, "verdicts after resubmitting shard 2 differ")
        with open(os.path.join(out, "slurm", "array.jobid")) as f:
            array = f.read().strip()
        shard2 = sorted(expect)[1::3]
        failed = sum(expect[k] == "failure" for k in shard2)
        with open(os.path.join(out, "slurm", "shard-%s_2.log" % array), errors="replace") as f:
            text = f.read()
        want = "%d runs, %d to run, %d passed before" % (len(shard2), failed,
                                                         len(shard2) - failed)
        check(want in text, "shard 2's log again: no '%s':\n%s" % (want, text))
        ok = True
    except Failed as e:
        log("FAILED: %s" % e)
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # the way out is not interrupted
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        left = cluster.stop()
        log("cluster stopped")
    if left:
        log("FAILED: processes of the cluster were left running: %s" % left)
        return 1
    if not ok:
        return 1
    log("passed (%.0f s)" % (time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
