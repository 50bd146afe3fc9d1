// SPDX-License-Identifier: MIT
// The generated nicsim/regs/nic_regs.hpp against rtl/regs.yaml: a few registers, fields and
// resets by value, array addressing, and the block chain as the driver walks it.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "nicsim/regs/nic_formats.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::testbenches {
namespace {

namespace r = regs;

// Values copied from rtl/regs.yaml: a change to the map must show up here on purpose.
static_assert(r::kAddressWidth == 16);
static_assert(r::BLOCK_ID == 0x0 && r::BLOCK_VERSION == 0x4 && r::BLOCK_NEXT == 0x8);
static_assert(r::nic::kTag == 0x4E49'4354);  // "NICT"
static_assert(r::nic::kVersion == 0x0003'0001);  // 3: CAPS3 (NUM_ENCAP moved from CAPS1);
                                                 // minor 1: the PHY status (spec 12)
static_assert(r::nic::LINK_STATUS == 0x3C && r::nic::LINK_CHANGES == 0x40 &&
              r::nic::LINK_IRQ == 0x44);
static_assert(r::nic::LINK_STATUS_SPEED.width == fmt::kLinkSpeedWidth &&
              r::nic::LINK_STATUS_MEDIA.width == fmt::kLinkMediaWidth);
static_assert(r::actions::kVersion == 0x0001'0002);  // minor 2: check_osrc (1: tcp_ctl_copy,
                                                    // NVGRE and Geneve templates)
static_assert(r::fcmd::kVersion == 0x0001'0001);  // minor 1: EM_ACTIVITY
static_assert(r::nic::CAPS3 == 0x38 && r::nic::CAPS3_NUM_ENCAP.width == 16);
static_assert(r::nic::CYCLES_LO == 0x20 && r::nic::CYCLES_HI == 0x24);
static_assert(r::nic::TUNNEL_PORTS_RESET == 0x17C1'12B5);
static_assert(r::nic::WIRE_MAX_FRAME_RESET == 9018);
static_assert(r::counters::kBase == 0x100 && r::counters::OUT_WIRE_BYTES_LO == 0xD8);
static_assert(r::counters::OUT_WIRE_BYTES_LO_ADDR == 0x1D8);
static_assert(r::flow::FT_KEY == 0x40 && r::flow::FT_KEY_COUNT == 11);
static_assert(r::vnic::kArrayOffset == 0x100 && r::vnic::kStride == 0x100);
static_assert(r::vnic::kCount == 32 && r::vnic::element(2) == 0x1300);
static_assert(r::rxq::element(63) + r::rxq::kStride == r::rxq::kBase + r::rxq::kSize);
static_assert(r::txq::CTRL == 0x14);

TEST(RegsHeader, Fields) {
  EXPECT_EQ(r::nic::TUNNEL_PORTS_VXLAN.get(r::nic::TUNNEL_PORTS_RESET), 4789u);
  EXPECT_EQ(r::nic::TUNNEL_PORTS_GENEVE.get(r::nic::TUNNEL_PORTS_RESET), 6081u);
  EXPECT_EQ(r::nic::CAPS0_NUM_TXQ.lsb, 26u);
  EXPECT_EQ(r::nic::CAPS0_NUM_TXQ.width, 6u);
  EXPECT_EQ(r::nic::CAPS0_NUM_TXQ.mask(), 0xFC00'0000u);
  EXPECT_EQ(r::flow::FT_STATUS_BUSY.mask(), 0x8000'0000u);
  EXPECT_EQ(r::txq::CTRL_VPORT.put(0xFFFF'FFFFu, 0x12), 0xFFFF'12FFu);
  EXPECT_EQ(r::txq::CTRL_VPORT.put(0, 0x1FF), 0xFF00u);  // value clipped to the field
  constexpr r::Field whole{0, 32};
  EXPECT_EQ(whole.mask(), 0xFFFF'FFFFu);
  EXPECT_EQ(whole.get(0x1234'5678), 0x1234'5678u);
}

TEST(RegsHeader, ChainVisitsEveryBlock) {
  std::set<std::string> seen;
  std::uint32_t addr = 0;
  for (std::size_t hops = 0; hops <= r::kBlocks.size(); ++hops) {
    std::size_t i = 0;
    while (i < r::kBlocks.size() && r::kBlocks[i].base != addr) ++i;
    ASSERT_LT(i, r::kBlocks.size()) << "BLOCK_NEXT points at 0x" << std::hex << addr
                                    << ", where no block starts";
    EXPECT_TRUE(seen.insert(r::kBlocks[i].name).second) << "loop at " << r::kBlocks[i].name;
    addr = r::kBlockNext[i];
    if (addr == 0) break;
    EXPECT_GE(addr, r::kBlocks[i].base + r::kBlocks[i].size) << r::kBlocks[i].name;
  }
  EXPECT_EQ(seen.size(), r::kBlocks.size());
  EXPECT_EQ(r::kBlocks.front().base, 0u);
  EXPECT_EQ(std::string(r::kBlocks[1].name), "counters");
  EXPECT_EQ(r::nic::kNext, r::counters::kBase);
  EXPECT_EQ(r::txq::kNext, 0u);
}

TEST(RegsHeader, TagsAreAscii) {
  for (const auto& b : r::kBlocks) {
    for (int s = 24; s >= 0; s -= 8) {
      const auto c = (b.tag >> s) & 0xFFu;
      EXPECT_TRUE(c > 0x20 && c < 0x7F) << b.name;
    }
  }
}

}  // namespace
}  // namespace nicsim::testbenches
