// SPDX-License-Identifier: MIT
// The scenario file reader: a strict walk of the YAML with the key path and line of every
// value, so that each mistake is reported where it is.
#include "nicsim/sim/scenario.hpp"

#include "nicsim/host/config/yaml.hpp"
#include "nicsim/host/bridge/bridge_file.hpp"
#include "nicsim/host/vswitch/policy_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "nicsim/model/addr.hpp"
#include "nicsim/model/token.hpp"

namespace nicsim::sim {

namespace {

namespace fs = std::filesystem;
using host::FlowAction;
using host::FlowItem;
using yaml::Ctx;
using yaml::each;
using yaml::entry_of;
using yaml::fail;
using yaml::hex_of;
using yaml::ipv4_of;
using yaml::ipv6_of;
using yaml::kind;
using yaml::mac_of;
using yaml::Map;
using yaml::resolve;

/// Pattern item `name` with fields; without `mask` the mask covers exactly the fields given.
FlowItem item_of(const Ctx& c, const std::string& name, const YAML::Node& body,
                 const std::string& p) {
  Map m(c, body, p);
  YAML::Node mask_node = m.get("mask");
  Map mask(c, mask_node, m.sub("mask"));
  const bool explicit_mask = mask_node.IsDefined() && !mask_node.IsNull();
  auto u = [&](const char* k, std::uint64_t hi, auto& spec, auto& msk) {
    if (m.has(k)) {
      spec = static_cast<std::decay_t<decltype(spec)>>(m.u64(k, 0, 0, hi));
      if (!explicit_mask) msk = static_cast<std::decay_t<decltype(msk)>>(hi);
    }
    if (mask.has(k)) msk = static_cast<std::decay_t<decltype(msk)>>(mask.u64(k, 0, 0, hi));
  };
  auto v4 = [&](const char* k, std::uint32_t& spec, std::uint32_t& msk) {
    if (m.has(k)) {
      spec = ipv4_of(c, m.get(k), m.sub(k));
      if (!explicit_mask) msk = 0xFFFFFFFFu;
    }
    if (mask.has(k)) msk = ipv4_of(c, mask.get(k), mask.sub(k));
  };
  auto v6 = [&](const char* k, host::Ipv6& spec, host::Ipv6& msk) {
    if (m.has(k)) {
      spec = ipv6_of(c, m.get(k), m.sub(k));
      if (!explicit_mask) msk.fill(0xFF);
    }
    if (mask.has(k)) msk = ipv6_of(c, mask.get(k), mask.sub(k));
  };
  auto mac = [&](const char* k, host::Mac& spec, host::Mac& msk) {
    if (m.has(k)) {
      spec = mac_of(c, m.get(k), m.sub(k));
      if (!explicit_mask) msk.fill(0xFF);
    }
    if (mask.has(k)) msk = mac_of(c, mask.get(k), mask.sub(k));
  };
  // An item with no field and no mask matches any content (spec absent).
  const bool any = !body.IsDefined() || body.IsNull() || body.size() == 0;
  FlowItem out;
  if (name == "eth") {
    host::EthHdr s{}, k{};
    mac("dst", s.dst, k.dst);
    mac("src", s.src, k.src);
    u("type", 0xFFFF, s.type, k.type);
    host::ItemEth it;
    if (!any) it = {{s, k}};
    out = it;
  } else if (name == "vlan") {
    host::VlanHdr s{}, k{};
    u("tci", 0xFFFF, s.tci, k.tci);
    u("vid", 0x0FFF, s.tci, k.tci);
    u("inner_type", 0xFFFF, s.inner_type, k.inner_type);
    host::ItemVlan it;
    if (!any) it = {{s, k}};
    out = it;
  } else if (name == "ipv4") {
    host::Ipv4Hdr s{}, k{};
    v4("src", s.src, k.src);
    v4("dst", s.dst, k.dst);
    u("proto", 0xFF, s.proto, k.proto);
    host::ItemIpv4 it;
    if (!any) it = {{s, k}};
    out = it;
  } else if (name == "ipv6") {
    host::Ipv6Hdr s{}, k{};
    v6("src", s.src, k.src);
    v6("dst", s.dst, k.dst);
    u("proto", 0xFF, s.proto, k.proto);
    host::ItemIpv6 it;
    if (!any) it = {{s, k}};
    out = it;
  } else if (name == "tcp" || name == "udp") {
    std::uint16_t sp = 0, dp = 0, spm = 0, dpm = 0;
    u("sport", 0xFFFF, sp, spm);
    u("dport", 0xFFFF, dp, dpm);
    if (name == "tcp") {
      host::ItemTcp it;
      if (!any) it = {{host::TcpHdr{sp, dp, 0}, host::TcpHdr{spm, dpm, 0}}};
      out = it;
    } else {
      host::ItemUdp it;
      if (!any) it = {{host::UdpHdr{sp, dp}, host::UdpHdr{spm, dpm}}};
      out = it;
    }
  } else if (name == "icmp" || name == "icmpv6") {
    host::IcmpHdr s{}, k{};
    u("type", 0xFF, s.type, k.type);
    u("code", 0xFF, s.code, k.code);
    u("ident", 0xFFFF, s.ident, k.ident);
    host::Item<host::IcmpHdr> base;
    if (!any) base = {s, k};
    if (name == "icmp") {
      out = host::ItemIcmp{base};
    } else {
      out = host::ItemIcmpv6{base};
    }
  } else if (name == "vxlan" || name == "geneve" || name == "nvgre") {
    host::TunHdr s{}, k{};
    u(name == "nvgre" ? "vsid" : "vni", 0xFFFFFF, s.id, k.id);
    host::Item<host::TunHdr> base;
    if (!any) base = {s, k};
    if (name == "vxlan") out = host::ItemVxlan{base};
    if (name == "geneve") out = host::ItemGeneve{base};
    if (name == "nvgre") out = host::ItemNvgre{base};
  } else if (name == "gre") {
    host::GreHdr s{}, k{};
    u("key", 0xFFFFFFFF, s.key, k.key);
    host::ItemGre it;
    if (!any) it = {{s, k}};
    out = it;
  } else if (name == "vport") {
    host::VportHdr s{}, k{};
    u("id", 255, s.id, k.id);
    host::ItemVport it;
    if (!any) it = {{s, k}};
    out = it;
  } else {
    fail(c, body, p,
         "unknown item '" + name +
             "' (eth, vlan, ipv4, ipv6, tcp, udp, icmp, icmpv6, vxlan, nvgre, geneve, gre, vport)");
  }
  mask.done();
  m.done();
  return out;
}

std::vector<FlowAction> actions_of(const Ctx& c, const YAML::Node& list, const std::string& p) {
  if (!list.IsSequence()) fail(c, list, p, "expected a list of actions, found " + kind(list));
  std::vector<FlowAction> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string ap = p + "[" + std::to_string(i) + "]";
    const auto [name, v] = entry_of(c, list[i], ap, "action");
    Map m(c, YAML::Node(), ap);
    auto num = [&](std::uint64_t lo, std::uint64_t hi) {
      if (!v.IsDefined() || v.IsNull()) fail(c, list[i], ap, name + " needs a value");
      return m.u64_of(v, ap + "." + name, lo, hi);
    };
    auto none = [&]() {
      if (v.IsDefined() && !v.IsNull()) fail(c, v, ap, name + " takes no value");
    };
    if (name == "drop") {
      none();
      out.emplace_back(host::ActionDrop{});
    } else if (name == "port") {
      out.emplace_back(host::ActionPort{static_cast<unsigned>(num(0, 255))});
    } else if (name == "vnic") {
      out.emplace_back(host::ActionVnic{static_cast<unsigned>(num(1, 255))});
    } else if (name == "exception") {
      none();
      out.emplace_back(host::ActionException{});
    } else if (name == "mark") {
      out.emplace_back(host::ActionMark{static_cast<std::uint32_t>(num(0, 0xFFFFFFFF))});
    } else if (name == "meter") {
      out.emplace_back(host::ActionMeter{static_cast<unsigned>(num(1, 0xFFFF))});
    } else if (name == "decap") {
      none();
      out.emplace_back(host::ActionVxlanDecap{});
    } else if (name == "encap") {  // a VXLAN template
      out.emplace_back(host::ActionVxlanEncap{static_cast<unsigned>(num(1, 0xFFFF))});
    } else if (name == "nvgre_encap") {
      out.emplace_back(host::ActionNvgreEncap{static_cast<unsigned>(num(1, 0xFFFF))});
    } else if (name == "geneve_encap") {
      out.emplace_back(host::ActionGeneveEncap{static_cast<unsigned>(num(1, 0xFFFF))});
    } else if (name == "pop_vlan") {
      none();
      out.emplace_back(host::ActionPopVlan{});
    } else if (name == "push_vlan") {
      none();
      out.emplace_back(host::ActionPushVlan{});
    } else if (name == "set_vlan_vid") {
      out.emplace_back(host::ActionSetVlanVid{static_cast<std::uint16_t>(num(0, 0xFFF))});
    } else if (name == "set_vlan_pcp") {
      out.emplace_back(host::ActionSetVlanPcp{static_cast<std::uint8_t>(num(0, 7))});
    } else if (name == "set_mac_src" || name == "set_mac_dst") {
      const host::Mac a = mac_of(c, v, ap + "." + name);
      if (name == "set_mac_src") {
        out.emplace_back(host::ActionSetMacSrc{a});
      } else {
        out.emplace_back(host::ActionSetMacDst{a});
      }
    } else if (name == "set_ipv4_src" || name == "set_ipv4_dst") {
      const std::uint32_t a = ipv4_of(c, v, ap + "." + name);
      if (name == "set_ipv4_src") {
        out.emplace_back(host::ActionSetIpv4Src{a});
      } else {
        out.emplace_back(host::ActionSetIpv4Dst{a});
      }
    } else if (name == "set_ipv6_src" || name == "set_ipv6_dst") {
      const host::Ipv6 a = ipv6_of(c, v, ap + "." + name);
      if (name == "set_ipv6_src") {
        out.emplace_back(host::ActionSetIpv6Src{a});
      } else {
        out.emplace_back(host::ActionSetIpv6Dst{a});
      }
    } else if (name == "set_tp_src") {
      out.emplace_back(host::ActionSetTpSrc{static_cast<std::uint16_t>(num(0, 0xFFFF))});
    } else if (name == "set_tp_dst") {
      out.emplace_back(host::ActionSetTpDst{static_cast<std::uint16_t>(num(0, 0xFFFF))});
    } else if (name == "dec_ttl") {
      none();
      out.emplace_back(host::ActionDecTtl{});
    } else if (name == "mirror") {
      none();
      out.emplace_back(host::ActionMirror{});
    } else if (name == "tcp_ctl_copy") {
      none();
      out.emplace_back(host::ActionTcpCtlCopy{});
    } else if (name == "check_outer_src") {  // IPv4 or IPv6: the underlay source to expect
      const std::string vp = ap + "." + name;
      host::ActionCheckOuterSrc a;
      if (v.IsScalar() && v.Scalar().find(':') != std::string::npos) {
        a.addr = ipv6_of(c, v, vp);
      } else {
        const std::uint32_t ip = ipv4_of(c, v, vp);
        for (int b = 0; b < 4; ++b) a.addr[12 + b] = static_cast<std::uint8_t>(ip >> (24 - 8 * b));
      }
      out.emplace_back(a);
    } else {
      fail(c, list[i], ap,
           "unknown action '" + name +
               "' (drop, port, vnic, exception, mark, meter, decap, encap, nvgre_encap, "
               "geneve_encap, pop_vlan, push_vlan, "
               "set_vlan_vid, set_vlan_pcp, set_mac_src/dst, set_ipv4_src/dst, "
               "set_ipv6_src/dst, set_tp_src/dst, dec_ttl, mirror, tcp_ctl_copy, "
               "check_outer_src)");
    }
  }
  return out;
}

host::RxQueueConfig rxq_of(Map& m, host::RxQueueConfig q) {
  q.size_log2 = static_cast<unsigned>(m.u64("size_log2", q.size_log2, 4, 15));
  q.buf_size = static_cast<std::uint32_t>(m.u64("buf_size", q.buf_size, 64, 16384));
  if (m.has("irq")) {
    Map i(m.ctx(), m.get("irq"), m.sub("irq"));
    q.irq.enable = i.boolean("enable", true);
    q.irq.vector = static_cast<unsigned>(i.u64("vector", 0, 0, 254));
    q.irq.mod_pkts = static_cast<unsigned>(i.u64("mod_pkts", 1, 1, 65535));
    q.irq.mod_cycles = static_cast<std::uint32_t>(i.u64("mod_cycles", 0, 0, 0xFFFFFFFF));
    i.done();
  }
  return q;
}

/// The value of an enum of rtl/formats.yaml named by its to_string name; the names come from
/// the generated to_string (values until the first undefined one), never typed here.
template <class E>
E enum_named(Map& m, const std::string& key, E dflt) {
  std::vector<std::string> names;
  for (unsigned v = 0; v < 256; ++v) {
    const std::string n = fmt::to_string(static_cast<E>(v));
    if (n == "?") break;
    names.push_back(n);
  }
  const std::string got = m.choice(key, fmt::to_string(dflt), names);
  return static_cast<E>(std::find(names.begin(), names.end(), got) - names.begin());
}

/// {up, speed, media} of a link map; what it leaves out is taken from `base`.
model::PhyLink link_of(Map& m, const model::PhyLink& base) {
  model::PhyLink l = base;
  l.up = m.boolean("up", base.up);
  l.speed = enum_named(m, "speed", base.speed);
  l.media = enum_named(m, "media", base.media);
  return l;
}

Scenario parse(const Ctx& c, const YAML::Node& root) {
  Scenario s;
  s.path = c.file;
  Map top(c, root, "");
  if (!root.IsMap()) fail(c, root, "", "a scenario is a mapping (name:, nic:, vnics:, ...)");
  const std::uint64_t version = top.u64("nicsim_scenario", 0, 1, 1);
  if (version == 0) fail(c, root, "", "missing 'nicsim_scenario: 1' (the format version)");
  s.name = top.str("name", fs::path(c.file).stem().string());
  s.description = top.str("description", "");

  {
    Map n(c, top.get("nic"), "nic");
    s.nic.data_width = static_cast<unsigned>(n.u64("data_width", 512, 64, 512));
    if (s.nic.data_width != 64 && s.nic.data_width != 512)
      fail(c, n.get("data_width"), "nic.data_width", "must be 64 or 512");
    s.nic.clock_mhz = n.dbl("clock_mhz", 250.0, 1.0, 2000.0);
    s.nic.parse_error_to_exception =
        n.choice("parse_errors", "drop", {"drop", "exception"}) == "exception";
    s.nic.wire_max_frame = static_cast<std::uint32_t>(n.u64("wire_max_frame", 9018, 64, 16383));
    s.nic.tx_max_frame = static_cast<std::uint32_t>(n.u64("tx_max_frame", 9018, 64, 16383));
    if (n.has("link")) {
      Map l(c, n.get("link"), n.sub("link"));
      s.nic.link = link_of(l, s.nic.link);
      l.done();
    }
    s.nic.link_vector = static_cast<unsigned>(n.u64("link_vector", s.nic.link_vector, 0, 254));
    n.done();
  }
  {
    Map p(c, top.get("pcie"), "pcie");
    PcieConfig& q = s.pcie;
    q.gt_per_s = p.dbl("gt_per_s", q.gt_per_s, 0.1, 128.0);
    q.lanes = static_cast<unsigned>(p.u64("lanes", q.lanes, 1, 32));
    q.max_payload = static_cast<unsigned>(p.u64("max_payload", q.max_payload, 128, 4096));
    q.max_read_request =
        static_cast<unsigned>(p.u64("max_read_request", q.max_read_request, 128, 4096));
    q.read_tags = static_cast<unsigned>(p.u64("read_tags", q.read_tags, 1, 1024));
    q.dma_read_ns = p.dbl("dma_read_ns", q.dma_read_ns, 0.0, 1e6);
    q.posted_ns = p.dbl("posted_ns", q.posted_ns, 0.0, 1e6);
    q.mmio_read_ns = p.dbl("mmio_read_ns", q.mmio_read_ns, 0.0, 1e6);
    try {
      q.validate();
    } catch (const std::invalid_argument& e) {
      fail(c, top.get("pcie"), "pcie", e.what());
    }
    p.done();
  }

  std::set<unsigned> vports, txqs;
  each(c, top.get("vnics"), "vnics", [&](const YAML::Node& vn, const std::string& vp) {
    Map v(c, vn, vp);
    ScenarioVnic x;
    x.cfg.vport = static_cast<unsigned>(v.u64("vport", 0, 1, 254));
    if (!v.has("vport")) fail(c, vn, vp, "missing 'vport'");
    if (!vports.insert(x.cfg.vport).second)
      fail(c, v.get("vport"), v.sub("vport"), "vport " + std::to_string(x.cfg.vport) + " twice");
    if (v.has("mac")) x.cfg.mac = mac_of(c, v.get("mac"), v.sub("mac"));
    if (v.has("ipv4")) x.cfg.ipv4 = ipv4_of(c, v.get("ipv4"), v.sub("ipv4"));
    if (v.has("ipv6")) x.cfg.ipv6 = ipv6_of(c, v.get("ipv6"), v.sub("ipv6"));
    {
      Map q(c, v.get("rx_queues"), v.sub("rx_queues"));
      x.cfg.rxq_base = static_cast<unsigned>(q.u64("base", 0, 0, 63));
      x.cfg.rxq_count = static_cast<unsigned>(q.u64("count", 1, 1, 64));
      x.rxq = rxq_of(q, x.rxq);
      q.done();
    }
    if (v.has("rss")) {
      Map r(c, v.get("rss"), v.sub("rss"));
      x.cfg.rss = r.boolean("enable", true);
      if (r.has("key")) x.cfg.rss_key = hex_of<40>(c, r.get("key"), r.sub("key"));
      r.done();
    }
    // Spec 11: what happens to this VNIC's frames whose destination token is refused.
    x.cfg.token_exc = v.choice("token_policy", "drop", {"drop", "exception"}) == "exception";
    if (v.has("anti_spoof")) {
      Map a(c, v.get("anti_spoof"), v.sub("anti_spoof"));
      x.cfg.spoof_check = a.boolean("mac", false);
      x.cfg.ipv4_check = a.boolean("ipv4", false);
      x.cfg.ipv6_check = a.boolean("ipv6", false);
      a.done();
    }
    if (v.has("quota")) {
      Map a(c, v.get("quota"), v.sub("quota"));
      x.cfg.quota_bytes = static_cast<std::uint32_t>(a.u64("bytes", 0, 0, 0xFFFFFFFF));
      x.cfg.quota_wait = a.choice("policy", "drop", {"drop", "wait"}) == "wait";
      x.cfg.quota_wait_cycles = static_cast<std::uint32_t>(a.u64("wait_cycles", 0, 0, 0xFFFFFFFF));
      a.done();
    }
    if (v.has("pool")) {
      Map a(c, v.get("pool"), v.sub("pool"));
      host::RxPoolConfig p;
      p.buf_size = x.rxq.buf_size;
      p.budget_bytes = static_cast<std::uint32_t>(a.u64("bytes", 0, p.buf_size, 0x40000000));
      if (!a.has("bytes")) fail(c, v.get("pool"), v.sub("pool"), "missing 'bytes' (the budget)");
      p.policy = a.choice("policy", "wait", {"wait", "drop"}) == "drop" ? host::PoolPolicy::kDrop
                                                                        : host::PoolPolicy::kWait;
      p.reserve = static_cast<std::uint32_t>(a.u64("reserve", p.reserve, 1, 32768));
      // The NIC's quota of the VNIC follows the pool's returned buffers.
      p.vport = x.cfg.quota_bytes != 0 ? x.cfg.vport : 0;
      x.pool_hold = a.u64("hold", 0, 0, 1u << 20);
      a.done();
      x.pool = p;
    }
    if (v.has("zero_copy")) {
      Map z(c, v.get("zero_copy"), v.sub("zero_copy"));
      if (x.pool) fail(c, v.get("zero_copy"), v.sub("zero_copy"), "a VNIC has a pool or zero_copy");
      ScenarioVnic::ZeroCopy zc;
      const std::uint64_t need =
          host::guest_rx_layout(x.rxq.size_log2, x.rxq.buf_size).bytes * x.cfg.rxq_count;
      zc.guest_mem = z.u64("guest_mem", 0, need, 0x40000000);
      if (!z.has("guest_mem")) {
        fail(c, v.get("zero_copy"), v.sub("zero_copy"),
             "missing 'guest_mem' (at least " + std::to_string(need) + " bytes)");
      }
      zc.gpa_base = z.u64("gpa_base", zc.gpa_base, 0, ~std::uint64_t{0} - zc.guest_mem + 1);
      if ((zc.gpa_base & 0xFFF) != 0) {
        fail(c, z.get("gpa_base"), z.sub("gpa_base"), "not 4 KiB aligned");
      }
      z.done();
      x.zero_copy = zc;
    }
    if (v.has("tx_queue")) {
      Map t(c, v.get("tx_queue"), v.sub("tx_queue"));
      x.txq = static_cast<unsigned>(t.u64("index", 0, 0, 63));
      if (!txqs.insert(*x.txq).second)
        fail(c, t.get("index"), t.sub("index"), "transmit queue used twice");
      x.txq_cfg.vport = x.cfg.vport;
      x.txq_cfg.size_log2 = static_cast<unsigned>(t.u64("size_log2", 8, 4, 15));
      x.txq_cfg.buf_size = static_cast<std::uint32_t>(t.u64("buf_size", 2048, 64, 16384));
      t.done();
    }
    v.done();
    s.vnics.push_back(std::move(x));
  });

  {
    Map e(c, top.get("exception_queue"), "exception_queue");
    s.exception_queue = rxq_of(e, host::RxQueueConfig{.size_log2 = 10, .buf_size = 2048});
    e.done();
  }
  s.host_txq = static_cast<unsigned>(top.u64("host_tx_queue", 0, 0, 63));
  if (txqs.count(s.host_txq) != 0)
    fail(c, top.get("host_tx_queue"), "host_tx_queue", "also a VNIC's transmit queue");

  each(c, top.get("encap_templates"), "encap_templates", [&](const YAML::Node& n,
                                                             const std::string& p) {
    Map t(c, n, p);
    ScenarioEncap x;
    x.index = static_cast<unsigned>(t.u64("index", 0, 1, 0xFFFF));
    if (t.has("dmac")) x.tpl.dmac = mac_of(c, t.get("dmac"), t.sub("dmac"));
    if (t.has("smac")) x.tpl.smac = mac_of(c, t.get("smac"), t.sub("smac"));
    x.tpl.vlan_tci = static_cast<std::uint16_t>(t.u64("vlan_tci", 0, 0, 0xFFFF));
    x.tpl.ttl = static_cast<std::uint8_t>(t.u64("ttl", 64, 1, 255));
    const std::string tunnel = t.str("tunnel", "vxlan");
    if (tunnel == "vxlan") {
      x.tpl.set_tunnel(fmt::EncapTunnel::kVxlan);
    } else if (tunnel == "nvgre") {
      x.tpl.set_tunnel(fmt::EncapTunnel::kNvgre);
    } else if (tunnel == "geneve") {
      x.tpl.set_tunnel(fmt::EncapTunnel::kGeneve);
    } else {
      fail(c, t.get("tunnel"), t.sub("tunnel"), "tunnel '" + tunnel + "' (vxlan, nvgre, geneve)");
    }
    x.tpl.udp_dport = static_cast<std::uint16_t>(
        t.u64("udp_dport", tunnel == "geneve" ? 6081 : 4789, 0, 0xFFFF));
    x.tpl.vni = static_cast<std::uint32_t>(t.u64("vni", 0, 0, 0xFFFFFF));
    const YAML::Node sip = t.get("sip"), dip = t.get("dip");
    if (!sip.IsDefined() || !dip.IsDefined()) fail(c, n, p, "needs sip and dip");
    const bool v6 = sip.IsScalar() && sip.Scalar().find(':') != std::string::npos;
    x.tpl.set_ipv6(v6);
    if (v6) {
      x.tpl.sip = ipv6_of(c, sip, t.sub("sip"));
      x.tpl.dip = ipv6_of(c, dip, t.sub("dip"));
    } else {
      fmt::store_be(x.tpl.sip.data() + 12, ipv4_of(c, sip, t.sub("sip")), 4);
      fmt::store_be(x.tpl.dip.data() + 12, ipv4_of(c, dip, t.sub("dip")), 4);
    }
    t.done();
    s.encaps.push_back(x);
  });
  each(c, top.get("meters"), "meters", [&](const YAML::Node& n, const std::string& p) {
    Map t(c, n, p);
    ScenarioMeter x;
    x.index = static_cast<unsigned>(t.u64("index", 0, 1, 0xFFFF));
    x.rate = static_cast<std::uint32_t>(t.u64("rate", 0, 0, 0xFFFFFFFF));
    x.burst = static_cast<std::uint32_t>(t.u64("burst", 0, 0, 0xFFFFFFFF));
    t.done();
    s.meters.push_back(x);
  });
  each(c, top.get("flows"), "flows", [&](const YAML::Node& n, const std::string& p) {
    Map f(c, n, p);
    ScenarioFlow x;
    x.line = n.Mark().line + 1;
    x.name = f.str("name", p);
    if (f.has("attr")) {
      Map a(c, f.get("attr"), f.sub("attr"));
      x.rule.attr.priority = static_cast<std::uint32_t>(a.u64("priority", 0, 0, 65535));
      if (a.has("ingress_vport"))
        x.rule.attr.ingress_vport = static_cast<unsigned>(a.u64("ingress_vport", 0, 0, 255));
      const std::string pl = a.choice("placement", "auto", {"auto", "exact", "tcam"});
      x.rule.attr.placement = pl == "exact"  ? host::Placement::kExact
                              : pl == "tcam" ? host::Placement::kTcam
                                             : host::Placement::kAuto;
      a.done();
    }
    each(c, f.get("match"), f.sub("match"), [&](const YAML::Node& in, const std::string& ip) {
      const auto [name, body] = entry_of(c, in, ip, "item");
      x.rule.pattern.push_back(item_of(c, name, body, ip + "." + name));
    });
    const YAML::Node acts = f.get("actions");
    if (!acts.IsDefined()) fail(c, n, p, "missing 'actions'");
    x.rule.actions = actions_of(c, acts, f.sub("actions"));
    f.done();
    s.flows.push_back(std::move(x));
  });

  {
    Map h(c, top.get("host"), "host");
    const std::string prog =
        h.choice("program", "none",
                 {"none", "install_on_miss", "forward_by_mac", "vswitch", "bridge"});
    s.program = prog == "install_on_miss"  ? HostProgram::kInstallOnMiss
                : prog == "forward_by_mac" ? HostProgram::kForwardByMac
                : prog == "vswitch"        ? HostProgram::kVswitch
                : prog == "bridge"         ? HostProgram::kBridge
                                           : HostProgram::kNone;
    if (h.has("policy")) {
      if (s.program != HostProgram::kVswitch) {
        fail(c, h.get("policy"), h.sub("policy"), "a policy file is for program: vswitch");
      }
      s.policy = resolve(c, h.str("policy", ""));
      try {
        (void)host::vswitch::load_policy(s.policy);  // its mistakes reported now, not mid-run
      } catch (const host::vswitch::PolicyError& e) {
        fail(c, h.get("policy"), h.sub("policy"), e.what());
      }
    } else if (s.program == HostProgram::kVswitch) {
      fail(c, top.get("host"), "host", "vswitch needs a policy file (policy: FILE)");
    }
    if (h.has("bridge")) {
      if (s.program != HostProgram::kBridge) {
        fail(c, h.get("bridge"), h.sub("bridge"), "a bridge file is for program: bridge");
      }
      s.bridge = resolve(c, h.str("bridge", ""));
      try {
        (void)host::bridge::load_bridge_config(s.bridge);  // its mistakes reported now
      } catch (const host::bridge::BridgeError& e) {
        fail(c, h.get("bridge"), h.sub("bridge"), e.what());
      }
    } else if (s.program == HostProgram::kBridge) {
      fail(c, top.get("host"), "host", "bridge needs a configuration file (bridge: FILE)");
    }
    if (h.has("miss_actions")) {
      if (s.program == HostProgram::kForwardByMac || s.program == HostProgram::kVswitch ||
          s.program == HostProgram::kBridge) {
        fail(c, h.get("miss_actions"), h.sub("miss_actions"),
             prog + " chooses each flow's destination itself; miss_actions are for "
             "install_on_miss");
      }
      s.miss_actions = actions_of(c, h.get("miss_actions"), h.sub("miss_actions"));
    } else if (s.program == HostProgram::kInstallOnMiss) {
      fail(c, top.get("host"), "host", "install_on_miss needs miss_actions (e.g. [{vnic: 1}])");
    }
    h.done();
  }
  if (top.has("tokens")) {
    Map t(c, top.get("tokens"), "tokens");
    ScenarioTokens tk;
    tk.enable = t.boolean("enable", true);
    each(c, t.get("keys"), t.sub("keys"), [&](const YAML::Node& n, const std::string& p) {
      Map k(c, n, p);
      const auto slot = static_cast<unsigned>(k.u64("slot", 0, 0, 1));
      if (tk.keys[slot]) fail(c, k.get("slot"), k.sub("slot"), "slot " + std::to_string(slot) + " twice");
      if (!k.has("enc") || !k.has("mac")) {
        fail(c, n, p, "a key needs 'enc' and 'mac' (16 bytes in hex each)");
      }
      host::TokenKey key{hex_of<16>(c, k.get("enc"), k.sub("enc")),
                         hex_of<16>(c, k.get("mac"), k.sub("mac"))};
      if (key.enc == key.mac) {
        fail(c, k.get("mac"), k.sub("mac"), "'enc' and 'mac' must be different keys");
      }
      tk.keys[slot] = key;
      k.done();
    });
    t.done();
    s.tokens = tk;
  }
  {
    Map t(c, top.get("traffic"), "traffic");
    each(c, t.get("sources"), t.sub("sources"), [&](const YAML::Node& n, const std::string& p) {
      Map m(c, n, p);
      ScenarioTraffic::Source src;
      const std::string f = m.str("pcap", "");
      const bool tokens = m.has("tokens");
      if (f.empty() && !tokens) fail(c, n, p, "missing 'pcap' (or 'tokens')");
      if (!f.empty() && tokens) {
        fail(c, m.get("tokens"), m.sub("tokens"), "a source has 'pcap' or 'tokens', not both");
      }
      if (!f.empty()) {
        src.pcap = resolve(c, f);
        if (!fs::exists(src.pcap)) fail(c, m.get("pcap"), m.sub("pcap"), src.pcap + " does not exist");
      }
      const std::string from = m.str("from", "wire");
      if (from == "wire") {
        src.vport = 0;
      } else if (from.rfind("vnic", 0) == 0) {
        unsigned vp = 0;
        try {
          vp = static_cast<unsigned>(std::stoul(from.substr(4)));
        } catch (const std::exception&) {
          vp = 0;
        }
        if (vports.count(vp) == 0) {
          fail(c, m.get("from"), m.sub("from"), "'" + from + "' is not a VNIC of this scenario");
        }
        const auto it = std::find_if(s.vnics.begin(), s.vnics.end(),
                                     [&](const ScenarioVnic& v) { return v.cfg.vport == vp; });
        if (!it->txq) {
          fail(c, m.get("from"), m.sub("from"), "VNIC " + std::to_string(vp) + " has no tx_queue");
        }
        src.vport = vp;
      } else {
        fail(c, m.get("from"), m.sub("from"), "expected 'wire' or 'vnicN', found '" + from + "'");
      }
      src.gap_cycles = static_cast<std::uint32_t>(m.u64("gap_cycles", 0, 0, 1'000'000));
      src.repeat = static_cast<unsigned>(m.u64("repeat", 1, 1, 1'000'000));
      if (tokens) {
        const YAML::Node tn = m.get("tokens");
        const std::string tp = m.sub("tokens");
        if (src.vport == 0) fail(c, tn, tp, "token frames come from a VNIC (from: vnicN)");
        if (!s.tokens) fail(c, tn, tp, "token frames need the scenario's 'tokens' section (the keys)");
        Map k(c, tn, tp);
        ScenarioTraffic::Tokens spec;
        if (!k.has("count")) fail(c, tn, tp, "missing 'count'");
        spec.count = k.u64("count", 0, 1, 1'000'000);
        spec.slot = static_cast<unsigned>(k.u64("slot", 0, 0, 1));
        if (!s.tokens->keys[spec.slot]) {
          fail(c, k.has("slot") ? k.get("slot") : tn, k.sub("slot"),
               "slot " + std::to_string(spec.slot) + " has no key in tokens.keys");
        }
        each(c, k.get("to"), k.sub("to"), [&](const YAML::Node& a, const std::string& ap) {
          const bool v6 = a.IsScalar() && a.Scalar().find(':') != std::string::npos;
          spec.to.push_back(v6 ? ipv6_of(c, a, ap) : model::token_addr_v4(ipv4_of(c, a, ap)));
        });
        if (spec.to.empty()) fail(c, tn, tp, "missing 'to': the addresses the tokens carry");
        spec.vni = static_cast<std::uint32_t>(k.u64("vni", 0, 0, 0xFFFFFF));
        spec.first_seq = k.u64("first_seq", 1, 0, 1ull << 62);
        spec.forged_pct = static_cast<unsigned>(k.u64("forged_pct", 0, 0, 100));
        spec.replayed_pct = static_cast<unsigned>(k.u64("replayed_pct", 0, 0, 100));
        if (spec.forged_pct + spec.replayed_pct > 100) {
          fail(c, k.get("replayed_pct"), k.sub("replayed_pct"),
               "forged_pct + replayed_pct is more than 100");
        }
        spec.eni = static_cast<unsigned>(k.u64("eni", 0, 0, 65535));
        spec.seed = k.u64("seed", 1, 0, 1ull << 62);
        k.done();
        src.tokens = spec;
      }
      m.done();
      s.traffic.sources.push_back(src);
    });
    t.done();
  }
  {
    model::PhyLink now = s.nic.link;
    each(c, top.get("link_events"), "link_events", [&](const YAML::Node& n, const std::string& p) {
      Map e(c, n, p);
      ScenarioLinkEvent ev;
      ev.line = n.Mark().line + 1;
      if (!e.has("at_cycle")) fail(c, n, p, "a link event needs at_cycle");
      ev.at_cycle = e.u64("at_cycle", 0, 0, 1ull << 40);
      if (!s.link_events.empty() && ev.at_cycle <= s.link_events.back().at_cycle) {
        fail(c, e.get("at_cycle"), e.sub("at_cycle"),
             std::to_string(ev.at_cycle) + " is not after the previous event's " +
                 std::to_string(s.link_events.back().at_cycle));
      }
      ev.link = now = link_of(e, now);  // what an event leaves out stays as it was
      e.done();
      s.link_events.push_back(ev);
    });
  }
  // The link's vector is the link's alone (taking it would take a queue's interrupt).
  auto shared = [&](const host::IrqConfig& irq, const std::string& whose) {
    if (!s.link_events.empty() && irq.enable && irq.vector == s.nic.link_vector) {
      fail(c, top.has("nic") ? top.get("nic") : top.get("link_events"), "nic.link_vector",
           std::to_string(s.nic.link_vector) + " is also the interrupt vector of " + whose);
    }
  };
  shared(s.exception_queue.irq, "the exception queue");
  for (const ScenarioVnic& v : s.vnics) {
    shared(v.rxq.irq, "VNIC " + std::to_string(v.cfg.vport) + "'s receive queues");
    if (v.txq) shared(v.txq_cfg.irq, "VNIC " + std::to_string(v.cfg.vport) + "'s transmit queue");
  }
  {
    Map r(c, top.get("run"), "run");
    s.run.max_cycles = r.u64("max_cycles", s.run.max_cycles, 1000, 1ull << 40);
    s.run.drain_cycles = r.u64("drain_cycles", s.run.drain_cycles, 100, 1ull << 32);
    s.run.watchdog_cycles = r.u64("watchdog_cycles", s.run.watchdog_cycles, 1000, 1ull << 32);
    s.run.entry_counters = r.u64("entry_counters", s.run.entry_counters, 0, 1ull << 20);
    s.run.register_walk = r.boolean("register_walk", s.run.register_walk);
    s.run.audit_flows = r.u64("audit_flows", s.run.audit_flows, 0, 1ull << 20);
    r.done();
  }
  {
    Map e(c, top.get("expect"), "expect");
    if (e.has("mismatches")) s.expect.mismatches = e.u64("mismatches", 0);
    s.expect.ledger_balanced = e.boolean("ledger_balanced", true);
    if (e.has("counters")) {
      const YAML::Node cn = e.get("counters");
      Map cm(c, cn, e.sub("counters"));
      for (const auto& kv : cn) {
        const std::string k = kv.first.Scalar();
        s.expect.counters.emplace_back(k, cm.u64(k, 0));
      }
      cm.done();
    }
    e.done();
  }
  top.done();
  return s;
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& name, const std::string& dir) {
  const Ctx c{name, dir};
  try {
    return parse(c, yaml::load(text, name));
  } catch (const yaml::Error& e) {
    throw ScenarioError(e.what());
  }
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(path + ": cannot open the scenario file");
  std::ostringstream text;
  text << in.rdbuf();
  const std::string dir = fs::path(path).parent_path().string();
  return parse_scenario(text.str(), path, dir.empty() ? "." : dir);
}

Scenario default_scenario() {
  using namespace nicsim::host;  // NOLINT(google-build-using-namespace): flow API vocabulary
  Scenario s;
  s.name = "default";
  s.description =
      "the NIC as a bump in the wire: every frame from the wire goes through the pipeline and "
      "back out to the wire; parse errors to the host's exception ring";
  s.nic.parse_error_to_exception = true;
  ScenarioVnic v;
  v.cfg.vport = 1;
  v.cfg.rxq_base = 0;
  v.cfg.rxq_count = 1;
  s.vnics.push_back(v);
  s.exception_queue = host::RxQueueConfig{.size_log2 = 10, .buf_size = 16384};
  // One TCAM rule per header structure the key distinguishes (untagged, VLAN, and each
  // tunnel type): together they match every frame that parses.
  const std::vector<std::pair<std::string, std::vector<FlowItem>>> shapes{
      {"plain", {ItemEth{}}},
      {"vlan", {ItemEth{}, ItemVlan{}}},
      {"vxlan", {ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemVxlan{}}},
      {"geneve", {ItemEth{}, ItemIpv4{}, ItemUdp{}, ItemGeneve{}}},
      {"nvgre", {ItemEth{}, ItemIpv4{}, ItemNvgre{}}},
      {"gre", {ItemEth{}, ItemIpv4{}, ItemGre{}}}};
  for (const auto& [name, pattern] : shapes) {
    ScenarioFlow f;
    f.name = "hairpin-" + name;
    f.rule.attr.priority = 100;
    f.rule.attr.ingress_vport = 0;
    f.rule.attr.placement = Placement::kTcam;
    f.rule.pattern = pattern;
    f.rule.actions = {ActionPort{0}};
    s.flows.push_back(std::move(f));
  }
  return s;
}

}  // namespace nicsim::sim
