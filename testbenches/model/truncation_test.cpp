// SPDX-License-Identifier: MIT
// Truncation at every byte offset of every header kind.
//
// Each frame is built, then parsed cut at every length 0..N from a buffer allocated to exactly
// that length (so the sanitizer build catches a read past the end). For a cut inside header H,
// the level holding H must report "truncated H" at H's offset and stop there; every level
// before it must report its IP packet as truncated; and every header that ended before the cut
// must be reported with the same fields as in the whole frame. A cut in the payload truncates
// the IP packet of every level.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "nicsim/model/builder.hpp"
#include "nicsim/model/parse.hpp"

namespace nicsim::model {
namespace {

struct Case {
  std::string name;
  PacketBuilder builder;
};

std::vector<Case> cases() {
  std::vector<Case> c;
  c.push_back({"eth_arp", PacketBuilder().eth().arp()});
  {
    Ipv4Spec ip;
    ip.options = {0x94, 0x04, 0, 0, 1, 1, 1, 0};  // router alert, NOPs, EOL
    TcpSpec tcp;
    tcp.options = {2, 4, 0x05, 0xb4, 1, 1, 4, 2};  // MSS, NOP, NOP, SACK permitted
    c.push_back({"vlan_ipv4opts_tcpopts",
                 PacketBuilder().eth().vlan({.vid = 7}).ipv4(ip).tcp(tcp).payload(6)});
  }
  {
    Ipv6Spec ip;
    ip.ext = {{.type = ipproto::kHopByHop},
              {.type = ipproto::kRouting, .len = 16},
              {.type = ipproto::kFragment},
              {.type = ipproto::kAh, .len = 24},
              {.type = ipproto::kDstOpts}};
    c.push_back({"qinq_ipv6ext_udp", PacketBuilder()
                                         .eth()
                                         .vlan({.vid = 1, .tpid = 0x88a8})
                                         .vlan({.vid = 2})
                                         .ipv6(ip)
                                         .udp()
                                         .payload(5)});
  }
  c.push_back({"ipv4_icmp", PacketBuilder().eth().ipv4().icmp().payload(4)});
  c.push_back({"ipv6_icmpv6", PacketBuilder().eth().ipv6().icmpv6().payload(4)});
  c.push_back({"vxlan", PacketBuilder()
                            .eth()
                            .ipv4()
                            .udp()
                            .vxlan({.vni = 9})
                            .eth()
                            .vlan({.vid = 3})
                            .ipv4()
                            .tcp()
                            .payload(3)});
  c.push_back({"nvgre", PacketBuilder().eth().ipv6().nvgre(77).eth().ipv6().udp().payload(3)});
  c.push_back(
      {"gre_ckso_ipv4",
       PacketBuilder().eth().ipv4().gre({.checksum = true, .key = 1, .seq = 2}).ipv4().icmp()});
  {
    GeneveSpec g{.vni = 5};
    g.options = {{.data = {1, 2, 3, 4, 5, 6, 7, 8}}};
    c.push_back({"geneve_opts",
                 PacketBuilder().eth().ipv4().udp().geneve(g).eth().ipv6().tcp().payload(2)});
  }
  c.push_back({"geneve_ipv4", PacketBuilder().eth().ipv6().udp().geneve().ipv4().udp()});
  c.push_back({"nested", PacketBuilder()
                             .eth()
                             .ipv4()
                             .udp()
                             .vxlan()
                             .eth()
                             .ipv4()
                             .gre()
                             .ipv6()
                             .udp()
                             .geneve()
                             .eth()
                             .ipv4()
                             .tcp()
                             .payload(1)});
  return c;
}

bool is_tunnel(Layer l) { return l == Layer::kVxlan || l == Layer::kGre || l == Layer::kGeneve; }

/// Level of each built header: the number of tunnel headers before it.
std::vector<std::size_t> levels_of(const std::vector<BuiltHeader>& hs) {
  std::vector<std::size_t> out;
  std::size_t level = 0;
  for (const auto& h : hs) {
    out.push_back(level);
    if (is_tunnel(h.layer)) ++level;
  }
  return out;
}

/// Offset of the IP header of a level, from the built headers.
std::size_t ip_offset(const std::vector<BuiltHeader>& hs, const std::vector<std::size_t>& lv,
                      std::size_t level, Layer* layer) {
  for (std::size_t i = 0; i < hs.size(); ++i) {
    if (lv[i] == level && (hs[i].layer == Layer::kIpv4 || hs[i].layer == Layer::kIpv6)) {
      *layer = hs[i].layer;
      return hs[i].offset;
    }
  }
  ADD_FAILURE() << "no IP header at level " << level;
  return 0;
}

/// The fields of header h in level lv of a parse, as text, for comparing cut and whole frames.
std::string fields(const Level& lv, const BuiltHeader& h, std::size_t vlan_index) {
  std::string s;
  switch (h.layer) {
    case Layer::kEth:
      if (!lv.has_eth) return "absent";
      return lv.eth.src.to_string() + lv.eth.dst.to_string() + std::to_string(lv.eth.offset);
    case Layer::kVlan:
      if (lv.vlan_count <= vlan_index) return "absent";
      return std::to_string(lv.vlans[vlan_index].vid) + "/" +
             std::to_string(lv.vlans[vlan_index].tpid);
    case Layer::kArp:
      if (!lv.has_arp) return "absent";
      return std::to_string(lv.arp.op) + lv.arp.spa.to_string() + lv.arp.tpa.to_string();
    case Layer::kIpv4:
    case Layer::kIpv6:
      if (!lv.has_ip) return "absent";
      return std::to_string(lv.ip.version) + lv.ip.src.to_string() + lv.ip.dst.to_string() +
             std::to_string(lv.ip.ttl) + "/" + std::to_string(lv.ip.total_len);
    case Layer::kIpv6Ext:  // its effect (frag, proto) depends on later headers too
      return lv.has_ip ? "ext" : "absent";
    case Layer::kTcp:
    case Layer::kUdp:
    case Layer::kIcmp:
    case Layer::kIcmpv6:
      if (!lv.has_l4) return "absent";
      return std::string(layer_name(lv.l4.kind)) + std::to_string(lv.l4.sport) +
             std::to_string(lv.l4.dport) + std::to_string(lv.l4.icmp_type);
    case Layer::kVxlan:
    case Layer::kGre:
    case Layer::kGeneve:
      if (!lv.has_tunnel) return "absent";
      return std::string(tunnel_name(lv.tunnel.type)) + std::to_string(lv.tunnel.vni);
  }
  return s;
}

class Truncation : public ::testing::TestWithParam<std::size_t> {};

TEST_P(Truncation, EveryByteOfEveryHeader) {
  const Case c = cases()[GetParam()];
  SCOPED_TRACE(c.name);
  const BuiltPacket built = c.builder.build();
  const std::vector<std::uint8_t>& full = built.bytes;
  const auto& hs = built.headers;
  const auto lv_of = levels_of(hs);
  const std::size_t levels = lv_of.empty() ? 1 : lv_of.back() + 1;

  const ParseResult whole = parse(full);
  ASSERT_TRUE(whole.ok()) << whole.first_error().text();
  ASSERT_EQ(whole.depth, levels);

  for (std::size_t k = 0; k <= full.size(); ++k) {
    SCOPED_TRACE("cut at " + std::to_string(k));
    // Exactly k bytes on the heap: any read past them is a sanitizer error.
    std::unique_ptr<std::uint8_t[]> buf(new std::uint8_t[k]);
    std::copy(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(k), buf.get());
    const ParseResult r = parse(ByteSpan(buf.get(), k));

    // Which header is cut (none: payload cut, or nothing cut).
    std::size_t cut_index = hs.size();
    for (std::size_t i = 0; i < hs.size(); ++i) {
      if (hs[i].offset <= k && k < hs[i].offset + hs[i].length) {
        cut_index = i;
        break;
      }
    }
    if (k == full.size()) {
      EXPECT_TRUE(r.ok());
      continue;
    }
    const std::size_t cut_level = cut_index < hs.size() ? lv_of[cut_index] : levels - 1;
    ASSERT_EQ(r.depth, cut_level + 1);
    for (std::size_t l = 0; l <= cut_level; ++l) {
      const ParseError& e = r.levels[l].error;
      if (l == cut_level && cut_index < hs.size()) {
        EXPECT_EQ(e.text(), "truncated " + std::string(layer_name(hs[cut_index].layer)));
        EXPECT_EQ(e.offset, hs[cut_index].offset);
      } else {
        Layer ip_layer = Layer::kIpv4;
        const std::size_t off = ip_offset(hs, lv_of, l, &ip_layer);
        EXPECT_EQ(e.text(), "truncated " + std::string(layer_name(ip_layer))) << "level " << l;
        EXPECT_EQ(e.offset, off) << "level " << l;
      }
    }
    // Headers wholly before the cut keep their fields; the cut one and later ones are absent.
    std::vector<std::size_t> vlan_seen(levels, 0);
    for (std::size_t i = 0; i < hs.size(); ++i) {
      const BuiltHeader& h = hs[i];
      const std::size_t l = lv_of[i];
      const std::size_t vi = h.layer == Layer::kVlan ? vlan_seen[l]++ : 0;
      if (l > cut_level) continue;
      if (h.offset + h.length <= k) {
        EXPECT_EQ(fields(r.levels[l], h, vi), fields(whole.levels[l], h, vi))
            << layer_name(h.layer) << " at " << h.offset;
      } else if (i == cut_index && h.layer != Layer::kIpv6Ext) {
        EXPECT_EQ(fields(r.levels[l], h, vi), "absent") << layer_name(h.layer);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, Truncation, ::testing::Range<std::size_t>(0, cases().size()),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                           return cases()[param.param].name;
                         });

// A capture cut (snaplen) looks the same to the parser.
TEST(TruncationSnap, SnapLenCutsLikeAShortFrame) {
  const Frame f = PacketBuilder().eth().ipv4().tcp().payload(100).snap(40).frame();
  EXPECT_EQ(f.data.size(), 40u);
  EXPECT_EQ(f.orig_len, 154u);
  EXPECT_EQ(parse(f.data).outer().error.text(), "truncated tcp");
  const Frame g = PacketBuilder().eth().ipv4().tcp().payload(100).cut(40).frame();
  EXPECT_EQ(g.orig_len, 40u);
  EXPECT_EQ(g.data, f.data);
}

}  // namespace
}  // namespace nicsim::model
