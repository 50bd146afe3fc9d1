#!/usr/bin/env python3
"""Cross-checks `nicsim parse` output (traces/expected/*.jsonl) against tshark.

Review aid, not part of the test suite (tshark is not a project dependency): for every
frame it compares the addresses, VLAN ids, IP protocol/TTL, L4 ports and tunnel ids that
both tools report, outer and inner, and prints each disagreement. Frames tshark calls
malformed are compared only as far as nicsim parsed them.
Usage: scripts/review-parse.py [TRACE...]
"""
import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIELDS = ["eth.src", "eth.dst", "vlan.id", "ieee8021ad.id", "ip.src", "ip.dst", "ip.proto", "ip.ttl",
          "ipv6.src", "ipv6.dst", "ipv6.hlim", "tcp.srcport", "tcp.dstport", "udp.srcport",
          "udp.dstport", "vxlan.vni", "geneve.vni", "gre.key", "icmp.type", "icmpv6.type"]


def tshark(path):
    cmd = ["tshark", "-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        rows.append({f: [v for v in c.split(",") if v] for f, c in zip(FIELDS, cols)})
    return rows


def levels(obj):
    while obj is not None:
        yield obj
        obj = obj.get("inner")


def compare(name, ours, theirs):
    problems = []
    lv = list(levels(ours))
    eths = [l["eth"] for l in lv if "eth" in l]
    ips4 = [l["ip"] for l in lv if "ip" in l and l["ip"]["v"] == 4]
    ips6 = [l["ip"] for l in lv if "ip" in l and l["ip"]["v"] == 6]
    ports = [l["l4"] for l in lv if "l4" in l and "sport" in l["l4"]]
    vlans = [v for l in lv for v in l.get("vlan", [])]

    def check(what, mine, theirs_list, conv=str):
        n = min(len(mine), len(theirs_list))
        for i in range(n):
            if conv(mine[i]) != theirs_list[i]:
                problems.append(f"{what}[{i}]: nicsim {mine[i]} tshark {theirs_list[i]}")
        if len(mine) > len(theirs_list) and not ours.get("error"):
            problems.append(f"{what}: nicsim has {len(mine)}, tshark {len(theirs_list)}")

    check("eth.src", [e["src"] for e in eths], theirs["eth.src"])
    check("eth.dst", [e["dst"] for e in eths], theirs["eth.dst"])
    check("vlan", sorted(str(v) for v in vlans),
          sorted(theirs["ieee8021ad.id"] + theirs["vlan.id"]))
    check("ip.src", [i["src"] for i in ips4], theirs["ip.src"])
    check("ip.dst", [i["dst"] for i in ips4], theirs["ip.dst"])
    check("ip.ttl", [i["ttl"] for i in ips4], theirs["ip.ttl"])
    check("ipv6.src", [i["src"] for i in ips6], theirs["ipv6.src"])
    check("ipv6.dst", [i["dst"] for i in ips6], theirs["ipv6.dst"])
    tsports = theirs["tcp.srcport"] + theirs["udp.srcport"]
    tdports = theirs["tcp.dstport"] + theirs["udp.dstport"]
    quoted = bool(theirs["icmp.type"] or theirs["icmpv6.type"])  # ICMP errors quote L4
    if len(ports) == len(tsports):
        check("sport", sorted(str(p["sport"]) for p in ports), sorted(tsports))
        check("dport", sorted(str(p["dport"]) for p in ports), sorted(tdports))
    elif not quoted and not any(l.get("error") or l.get("ip", {}).get("frag") for l in lv):
        problems.append(f"l4 count: nicsim {len(ports)} tshark {len(tsports)}")
    vnis = [l["tunnel"]["vni"] for l in lv if "tunnel" in l and "vni" in l["tunnel"]
            and l["tunnel"]["type"] in ("vxlan", "geneve")]
    check("vni", vnis, [str(int(v, 0)) for v in theirs["vxlan.vni"] + theirs["geneve.vni"]])
    return problems


def main():
    traces = sys.argv[1:] or sorted(glob.glob(os.path.join(ROOT, "traces", "*.pcap*")))
    total = 0
    for t in traces:
        name = os.path.basename(t)
        exp = os.path.join(ROOT, "traces", "expected", name + ".jsonl")
        ours = [json.loads(l) for l in open(exp)]
        theirs = tshark(t)
        if len(ours) != len(theirs):
            print(f"{name}: frame count nicsim {len(ours)} tshark {len(theirs)}")
            total += 1
        for o, th in zip(ours, theirs):
            for p in compare(name, o, th):
                print(f"{name} frame {o['i']}: {p}")
                total += 1
    print(f"review: {total} disagreements")
    return 0


if __name__ == "__main__":
    sys.exit(main())
