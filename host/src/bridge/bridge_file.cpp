// SPDX-License-Identifier: MIT
#include "nicsim/host/bridge/bridge_file.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "nicsim/host/config/yaml.hpp"

namespace nicsim::host::bridge {

namespace {

using yaml::Ctx;
using yaml::fail;
using yaml::Map;

std::uint16_t vid_of(const Map& m, const YAML::Node& v, const std::string& p) {
  return static_cast<std::uint16_t>(m.u64_of(v, p, 1, 4094));
}

BridgeConfig parse(const Ctx& c, const YAML::Node& root) {
  BridgeConfig cfg;
  Map top(c, root, "");
  if (!root.IsDefined() || root.IsNull()) fail(c, root, "", "empty configuration");
  Map b(c, top.get("bridge"), "bridge");
  cfg.capacity = b.u64("capacity", cfg.capacity, 1, 1u << 24);
  cfg.age_ns = static_cast<std::uint64_t>(
      b.dbl("aging_s", static_cast<double>(cfg.age_ns) / 1e9, 0.001, 1e6) * 1e9);
  cfg.offload = b.boolean("offload", cfg.offload);
  cfg.select_vid_base =
      static_cast<std::uint16_t>(b.u64("select_vid_base", cfg.select_vid_base, 1, 4094));
  cfg.priority = static_cast<std::uint16_t>(b.u64("priority", cfg.priority, 0, 65535));
  cfg.host_txq = static_cast<unsigned>(b.u64("host_txq", cfg.host_txq, 0, 255));
  b.done();

  const YAML::Node ports = top.get("ports");
  if (!ports.IsDefined() || ports.IsNull()) fail(c, root, "ports", "a bridge needs ports");
  std::set<unsigned> seen;
  yaml::each(c, ports, "ports", [&](const YAML::Node& n, const std::string& path) {
    Map m(c, n, path);
    PortConfig p;
    const YAML::Node vport = m.get("vport");
    if (!vport.IsDefined()) fail(c, n, path, "missing 'vport' (0 the uplink, 1.. a VNIC)");
    p.vport = static_cast<unsigned>(m.u64_of(vport, m.sub("vport"), 0, 254));
    if (!seen.insert(p.vport).second) {
      fail(c, vport, m.sub("vport"), "vport " + std::to_string(p.vport) + " is listed twice");
    }
    const YAML::Node access = m.get("access");
    const YAML::Node trunk = m.get("trunk");
    if (access.IsDefined() == trunk.IsDefined()) {
      fail(c, n, path, "a port is either 'access: VLAN' or 'trunk: [VLAN, ...]'");
    }
    if (access.IsDefined()) p.access = vid_of(m, access, m.sub("access"));
    if (trunk.IsDefined()) {
      if (!trunk.IsSequence() || trunk.size() == 0) {
        fail(c, trunk, m.sub("trunk"), "expected a list of VLANs, found " + yaml::kind(trunk));
      }
      yaml::each(c, trunk, m.sub("trunk"), [&](const YAML::Node& v, const std::string& vp) {
        const std::uint16_t vid = vid_of(m, v, vp);
        if (std::find(p.trunk.begin(), p.trunk.end(), vid) != p.trunk.end()) {
          fail(c, v, vp, "VLAN " + std::to_string(vid) + " is listed twice");
        }
        p.trunk.push_back(vid);
      });
    }
    m.done();
    cfg.ports.push_back(std::move(p));
  });
  top.done();
  return cfg;
}

}  // namespace

BridgeConfig parse_bridge_config(const std::string& text, const std::string& name) {
  const Ctx c{name, "."};
  try {
    return parse(c, yaml::load(text, name));
  } catch (const yaml::Error& e) {
    throw BridgeError(e.what());
  }
}

BridgeConfig load_bridge_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw BridgeError(path + ": cannot open the bridge configuration");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_bridge_config(text.str(), path);
}

}  // namespace nicsim::host::bridge
