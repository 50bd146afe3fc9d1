// SPDX-License-Identifier: MIT
#include "parse_json.hpp"

#include <array>
#include <string>

#include "nicsim/model/parse.hpp"

namespace nicsim::cli {
namespace {

namespace m = nicsim::model;
using nlohmann::ordered_json;

template <class Addr>
std::string text(const Addr& a) {
  std::array<char, Addr::kMaxTextLen> buf{};
  return std::string(buf.data(), a.format_to(buf.data()));
}

/// Keys eth .. error of one level, then (recursively) the level it carries.
void add_level(ordered_json& j, const m::ParseResult& r, std::size_t i) {
  const m::Level& lv = r.levels[i];
  if (lv.has_eth) {
    j["eth"] =
        ordered_json{{"src", text(lv.eth.src)}, {"dst", text(lv.eth.dst)}, {"type", lv.eth.type}};
  }
  if (lv.vlan_count > 0) {
    ordered_json ids = ordered_json::array();
    for (std::size_t k = 0; k < lv.vlan_count; ++k) ids.push_back(lv.vlans[k].vid);
    j["vlan"] = std::move(ids);
  }
  if (lv.has_arp) {
    ordered_json a{{"op", lv.arp.op}};
    if (lv.arp.eth_ipv4) {
      a["spa"] = text(lv.arp.spa);
      a["tpa"] = text(lv.arp.tpa);
    }
    j["arp"] = std::move(a);
  }
  if (lv.has_ip) {
    j["ip"] =
        ordered_json{{"v", lv.ip.version},   {"src", text(lv.ip.src)}, {"dst", text(lv.ip.dst)},
                     {"proto", lv.ip.proto}, {"ttl", lv.ip.ttl},       {"frag", lv.ip.frag}};
  }
  if (lv.has_l4) {
    ordered_json l4 = ordered_json::object();
    if (lv.l4.kind == m::Layer::kTcp || lv.l4.kind == m::Layer::kUdp) {
      l4["sport"] = lv.l4.sport;
      l4["dport"] = lv.l4.dport;
      if (lv.l4.kind == m::Layer::kTcp) l4["tcp_flags"] = lv.l4.tcp_flags;
    } else {
      l4["icmp_type"] = lv.l4.icmp_type;
      l4["icmp_code"] = lv.l4.icmp_code;
    }
    j["l4"] = std::move(l4);
  }
  if (lv.has_tunnel) {
    ordered_json t{{"type", std::string(m::tunnel_name(lv.tunnel.type))}};
    if (lv.tunnel.has_vni) t["vni"] = lv.tunnel.vni;
    j["tunnel"] = std::move(t);
    if (i + 1 < r.depth) {
      ordered_json inner = ordered_json::object();
      add_level(inner, r, i + 1);
      j["inner"] = std::move(inner);
    }
  }
  if (lv.error.ok()) {
    j["error"] = nullptr;
  } else {
    j["error"] = lv.error.text();
  }
}

}  // namespace

ordered_json parse_result_to_json(const m::Frame& f, std::size_t index, const m::ParseResult& r) {
  ordered_json j = ordered_json::object();
  j["i"] = index;
  j["len"] = f.data.size();
  if (f.orig_len > f.data.size()) j["orig_len"] = f.orig_len;
  if (r.depth > 0) {
    add_level(j, r, 0);
  } else {
    j["error"] = nullptr;
  }
  return j;
}

ordered_json parse_to_json(const m::Frame& f, std::size_t index) {
  const m::ParseResult r = m::parse(f.data);
  return parse_result_to_json(f, index, r);
}

}  // namespace nicsim::cli
