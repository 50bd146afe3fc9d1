// SPDX-License-Identifier: MIT
// The exact-match rule of a received frame (frame_rule.hpp): on real captures of every header
// stack the parser knows, from the wire and from a VNIC, the rule compiles to exactly the flow
// key the NIC builds for the frame (the golden model's), in the exact-match table.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nicsim/host/driver/driver.hpp"
#include "nicsim/host/hal/model_device.hpp"
#include "nicsim/host/vswitch/frame_rule.hpp"
#include "nicsim/model/flow_key.hpp"
#include "nicsim/model/pcap_io.hpp"

namespace nicsim::host::vswitch {
namespace {

const std::string kTraces = NICSIM_TRACE_DIR;

TEST(VswitchFrameRule, CompilesToTheNicsFlowKey) {
  ModelDevice dev;
  Driver drv(dev);
  FlowTable ft(drv);
  std::size_t exact = 0, frames = 0;
  for (const char* trace : {"zeek__wikipedia.pcap", "tcpdump__vxlan.pcap", "tcpdump__geneve.pcap",
                            "packetnet__gre_nvgre.pcap", "zeek__gre-sample.pcap",
                            "packetnet__802.1q_vlan_ipv4_tcp.pcap", "zeek__5-pings.pcap",
                            "zeek__icmp6-ping.pcap", "packetnet__arp_request_response.pcap",
                            "tcpdump__802.1ad_QinQ.pcap", "packetnet__ipv6_http.pcap",
                            "zeek__fragmented-1.pcap", "gen__all-kinds-imix.pcap"}) {
    SCOPED_TRACE(trace);
    for (const model::Frame& frame : model::read_capture(kTraces + "/" + trace)) {
      const auto& f = frame.data;
      ++frames;
      for (unsigned vport : {0u, 3u}) {
        const auto rule = rule_of_frame(f, vport);
        if (!rule) continue;  // a frame that does not parse has no flow
        const auto c = ft.compile(rule->attr, rule->pattern, std::vector<FlowAction>{
                                                                 ActionDrop{}});
        ASSERT_TRUE(c.ok()) << c.error().to_string();
        if (c->table != FlowTableKind::kExact) continue;  // e.g. a fragment: TCAM
        ++exact;
        const model::FlowKey key = model::flow_key_of(f, static_cast<std::uint8_t>(vport));
        EXPECT_TRUE(std::equal(key.begin(), key.end(), c->value.begin()))
            << "frame " << frames << " vport " << vport;
      }
    }
  }
  EXPECT_GT(exact, frames);  // most frames, both vports
}

}  // namespace
}  // namespace nicsim::host::vswitch
