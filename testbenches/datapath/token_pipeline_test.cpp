// SPDX-License-Identifier: MIT
// Destination tokens in the pipeline (spec 11): which frames carry one, routing on an ok
// token's address (the flow key's destination replaced), refusals dropped or sent to the
// exception ring per VNIC, the replay window, counters and ledger.
#include <gtest/gtest.h>

#include "dp_test_util.hpp"
#include "nicsim/model/hash.hpp"
#include "nicsim/model/token.hpp"

namespace nicsim::model {
namespace {

using test::Bytes;
using test::to_vec;

constexpr std::uint8_t kVnics = 4;

TokenKeys keys_a() {
  TokenKeys k;
  for (std::size_t i = 0; i < 16; ++i) {
    k.enc[i] = static_cast<std::uint8_t>(0x10 + i);
    k.mac[i] = static_cast<std::uint8_t>(0xa0 + 3 * i);
  }
  return k;
}

Token token_for(std::uint16_t eni, std::uint64_t seq, const AesBlock& addr,
                const TokenKeys& k = keys_a(), std::uint8_t slot = 0) {
  TokenHeader h;
  h.slot = slot;
  h.eni = eni;
  h.seq = seq;
  return make_token(k, h, addr);
}

/// A VM's frame: outer IPv4/UDP/Geneve with `options`, an inner Ethernet/IPv4/TCP packet.
Bytes geneve_frame(std::vector<GeneveOption> options, std::uint8_t opt_len_extra = 0) {
  GeneveSpec g{.vni = 5001, .options = std::move(options)};
  PacketBuilder b;
  b.eth().ipv4({.src = Ipv4Addr(10, 0, 0, 2), .dst = Ipv4Addr(10, 0, 0, 1)})
      .udp({.sport = 40000, .dport = 6081});
  if (opt_len_extra != 0) {
    std::size_t words = 0;
    for (const auto& o : g.options) words += 1 + (o.data.size() + 3) / 4;
    g.opt_len = static_cast<std::uint8_t>(words - opt_len_extra);
  }
  return b.geneve(g).eth().ipv4({.src = Ipv4Addr(172, 16, 0, 2), .dst = Ipv4Addr(172, 16, 0, 99)})
      .tcp({.sport = 1000, .dport = 443}).payload(30).bytes();
}

Bytes token_frame(const Token& t) { return geneve_frame({token_option(t)}); }

/// The flow key of `frame` from `vport` with its destination replaced by `addr` as the key
/// holds addresses (IPv4-mapped: the last 4 bytes, zeros before).
FlowKey routed_key(const Bytes& frame, std::uint8_t vport, const AesBlock& addr) {
  FlowKey k = flow_key_of(frame, vport);
  const bool v4 = addr[10] == 0xff && addr[11] == 0xff;
  for (std::size_t i = 0; i < 16; ++i) k[kKeyBytes - 16 + i] = v4 && i < 12 ? 0 : addr[i];
  return k;
}

struct TokenBench {
  PipelineConfig cfg{.num_vnic = kVnics};
  Pipeline p{cfg};
  TokenBench() {
    p.set_token_enable(true);
    p.tokens().load_key(0, keys_a());
  }
};

TEST(TokenPipeline, AnOkTokenIsRoutedOnItsAddress) {
  TokenBench b;
  const AesBlock dst = token_addr_v4(0xC0A80A07);  // 192.168.10.7
  const Bytes f = token_frame(token_for(2, 1, dst));
  const FlowKey k = routed_key(f, 2, dst);
  ASSERT_NE(k, flow_key_of(f, 2));
  EXPECT_EQ(b.p.em().insert(k, forward_to_wire()).status, FlowStatus::kOk);
  const Result& r = b.p.process(f, 2, 10);
  EXPECT_EQ(r.primary.dest, DestType::kWire);
  EXPECT_EQ(r.primary.h1, crc32c(k));
  EXPECT_EQ(to_vec(r.primary.bytes), f);  // the check does not change the frame
  EXPECT_EQ(b.p.tokens().count(TokenVerdict::kOk), 1u);
  EXPECT_EQ(b.p.counters().em_hits, 1u);

  // An IPv6 address fills all 16 bytes of the key's destination.
  AesBlock v6{};
  for (std::size_t i = 0; i < 16; ++i) v6[i] = static_cast<std::uint8_t>(0x20 + i);
  const Bytes f6 = token_frame(token_for(2, 2, v6));
  EXPECT_EQ(b.p.em().insert(routed_key(f6, 2, v6), forward_to_vnic(3)).status, FlowStatus::kOk);
  const Result& r6 = b.p.process(f6, 2, 20);
  EXPECT_EQ(r6.primary.dest, DestType::kVnic);
  EXPECT_EQ(r6.primary.port, 3);

  // The TCAM sees the replaced key too.
  const Bytes ft = token_frame(token_for(2, 3, token_addr_v4(0x0A636363)));
  TcamKey value{}, mask{};
  for (std::size_t i = 0; i < 16; ++i) {
    mask[kKeyBytes - 16 + i] = 0xff;
    value[kKeyBytes - 16 + i] =
        static_cast<std::uint8_t>(i < 12 ? 0u : 0x0A636363u >> (24 - 8 * (i - 12)));
  }
  ASSERT_TRUE(b.p.tcam().write(4, 10, value, mask, forward_to_vnic(1)));
  const Result& rt = b.p.process(ft, 2, 30);
  EXPECT_EQ(rt.primary.dest, DestType::kVnic);
  EXPECT_EQ(rt.primary.tcam_index, 4);
  EXPECT_TRUE(b.p.counters().ledger_balanced());
}

TEST(TokenPipeline, RefusedTokensAreDroppedOrSentToTheHostPerVnic) {
  TokenBench b;
  b.p.set_token_exc(3, true);
  const AesBlock dst = token_addr_v4(0x0A000005);
  TcamKey zero{};
  ASSERT_TRUE(b.p.tcam().write(0, 1, zero, zero, forward_to_wire()));  // anything else: wire

  Token forged = token_for(2, 1, dst);
  forged[40] ^= 0x04;  // a tag bit
  const Result& r1 = b.p.process(token_frame(forged), 2, 1);
  EXPECT_EQ(r1.drop, DropReason::kToken);
  EXPECT_EQ(b.p.counters().drop(DropReason::kToken), 1u);
  EXPECT_EQ(b.p.tokens().count(TokenVerdict::kBadTag), 1u);
  EXPECT_EQ(b.p.counters().tcam_hits, 0u);  // no lookup

  // VNIC 3 sends its refusals to the exception ring, as received, h1 0.
  Token forged3 = token_for(3, 1, dst);
  forged3[20] ^= 0x80;  // a ciphertext bit
  const Bytes f3 = token_frame(forged3);
  const Result& r2 = b.p.process(f3, 3, 2);
  EXPECT_EQ(r2.primary.dest, DestType::kException);
  EXPECT_EQ(r2.primary.reason, ExcReason::kToken);
  EXPECT_EQ(r2.primary.h1, 0u);
  EXPECT_EQ(to_vec(r2.primary.bytes), f3);
  EXPECT_EQ(b.p.counters().out_exception, 1u);

  // Issued to ENI 2, sent by VNIC 1.
  EXPECT_EQ(b.p.process(token_frame(token_for(2, 5, dst)), 1, 3).drop, DropReason::kToken);
  EXPECT_EQ(b.p.tokens().count(TokenVerdict::kEniMismatch), 1u);
  // Replayed: ok once, refused the second time.
  const Bytes good = token_frame(token_for(2, 9, dst));
  EXPECT_EQ(b.p.process(good, 2, 4).primary.dest, DestType::kWire);
  EXPECT_EQ(b.p.process(good, 2, 5).drop, DropReason::kToken);
  EXPECT_EQ(b.p.tokens().count(TokenVerdict::kReplay), 1u);
  // No key in slot 1; a bad format (ENI beyond the VNICs).
  EXPECT_EQ(b.p.process(token_frame(token_for(2, 10, dst, keys_a(), 1)), 2, 6).drop,
            DropReason::kToken);
  EXPECT_EQ(b.p.tokens().count(TokenVerdict::kNoKey), 1u);
  EXPECT_EQ(b.p.process(token_frame(token_for(kVnics + 1, 1, dst)), 2, 7).drop,
            DropReason::kToken);
  EXPECT_EQ(b.p.tokens().count(TokenVerdict::kBadFormat), 1u);
  EXPECT_EQ(b.p.counters().drop(DropReason::kToken), 5u);
  EXPECT_TRUE(b.p.counters().ledger_balanced());
}

TEST(TokenPipeline, OnlyTheFirstOptionOfALevel0GeneveHeaderFromAVnicIsAToken) {
  TokenBench b;
  TcamKey zero{};
  ASSERT_TRUE(b.p.tcam().write(0, 1, zero, zero, forward_to_wire()));
  Token forged = token_for(2, 1, token_addr_v4(1));
  forged[47] ^= 1;
  const auto count_all = [&] {
    std::uint64_t n = 0;
    for (unsigned v = 0; v < kTokenVerdicts; ++v) n += b.p.tokens().count(static_cast<TokenVerdict>(v));
    return n;
  };
  const auto untouched = [&](const Bytes& f, std::uint8_t vport) {
    const Result& r = b.p.process(f, vport, 1);
    EXPECT_EQ(r.primary.dest, DestType::kWire);
    EXPECT_EQ(r.primary.h1, crc32c(flow_key_of(f, vport)));
  };
  // From the wire, from the host (vport above the VNICs): not checked.
  untouched(token_frame(forged), 0);
  untouched(token_frame(forged), kVnics + 1);
  // Another class, another type, another length, not the first option.
  GeneveOption o = token_option(forged);
  o.opt_class = 0xFFF1;
  untouched(geneve_frame({o}), 2);
  o = token_option(forged);
  o.type = 0x01;
  untouched(geneve_frame({o}), 2);
  o = token_option(forged);
  o.data.resize(44);
  untouched(geneve_frame({o}), 2);
  untouched(geneve_frame({GeneveOption{0x0101, 1, {1, 2, 3, 4}}, token_option(forged)}), 2);
  // VXLAN is no carrier.
  untouched(PacketBuilder().eth().ipv4().udp({.dport = 4789}).vxlan().eth().ipv4().tcp()
                .payload(60).bytes(), 2);
  EXPECT_EQ(count_all(), 0u);
  // Checking off: the token is not looked at.
  b.p.set_token_enable(false);
  untouched(token_frame(forged), 2);
  EXPECT_EQ(count_all(), 0u);
  b.p.set_token_enable(true);
  EXPECT_EQ(b.p.process(token_frame(forged), 2, 1).drop, DropReason::kToken);
  EXPECT_EQ(count_all(), 1u);
}

TEST(TokenPipeline, AGeneveHeaderShorterThanTheOptionCarriesNoToken) {
  TokenBench b;
  // The option's length says 12 words but the header's options are one word shorter: the
  // header ends inside the token and the level-1 Ethernet header starts in it.
  const Bytes f = geneve_frame({token_option(token_for(2, 1, token_addr_v4(1)))}, 1);
  const Result& r = b.p.process(f, 2, 1);
  std::uint64_t checked = 0;
  for (unsigned v = 0; v < kTokenVerdicts; ++v) checked += b.p.tokens().count(static_cast<TokenVerdict>(v));
  EXPECT_EQ(checked, 0u);
  EXPECT_NE(r.drop, DropReason::kToken);
}

}  // namespace
}  // namespace nicsim::model
