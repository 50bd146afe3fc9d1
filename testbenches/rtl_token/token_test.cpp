// SPDX-License-Identifier: MIT
// The destination-token blocks (docs/rtl-token.md) against OpenSSL's libcrypto:
//   Ref*       the C++ reference (nicsim/model/token.hpp): AES-128 and CMAC against OpenSSL
//              and the published known answers; tokens byte for byte as OpenSSL makes them
//   AesPipe*   rtl/aes128_pipe.sv: known answers, random keys and blocks against
//              EVP aes-128-ecb under valid/ready patterns, one block per clock, 11 clocks
//   TokenCheck* rtl/token_check.sv: tokens made with OpenSSL (EVP aes-128-ctr, EVP_MAC CMAC);
//              every verdict, address and counter against model::TokenChecker, fed in the
//              order the RTL takes the tokens, with the key loads where the RTL takes them
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vaes128_pipe.h"
#include "Vtoken_check.h"
#include "common/channel.hpp"
#include "common/harness.hpp"
#include "common/pattern.hpp"
#include "nicsim/model/prng.hpp"
#include "nicsim/model/token.hpp"
#include "nicsim/sim/bits.hpp"

namespace nicsim::bench {
namespace {

using model::AesBlock;
using model::Prng;
using model::Token;
using model::TokenHeader;
using model::TokenKeys;
using model::TokenVerdict;

// ---- OpenSSL (libcrypto 3): the independent reference ------------------------------------

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct MacFree {
  void operator()(EVP_MAC* m) const { EVP_MAC_free(m); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
};

void ossl_check(int ok, const char* what) {
  if (ok != 1) throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
}

/// EVP aes-128-ecb or aes-128-ctr (iv: the initial counter block) of `in`.
std::vector<std::uint8_t> ossl_cipher(const EVP_CIPHER* cipher, const AesBlock& key,
                                      const AesBlock* iv, std::span<const std::uint8_t> in) {
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) throw std::runtime_error("OpenSSL: EVP_CIPHER_CTX_new failed");
  ossl_check(EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, key.data(),
                                iv != nullptr ? iv->data() : nullptr),
             "EVP_EncryptInit_ex");
  ossl_check(EVP_CIPHER_CTX_set_padding(ctx.get(), 0), "EVP_CIPHER_CTX_set_padding");
  std::vector<std::uint8_t> out(in.size() + 16);
  int n = 0, m = 0;
  ossl_check(EVP_EncryptUpdate(ctx.get(), out.data(), &n, in.data(), static_cast<int>(in.size())),
             "EVP_EncryptUpdate");
  ossl_check(EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &m), "EVP_EncryptFinal_ex");
  out.resize(static_cast<std::size_t>(n + m));
  return out;
}

AesBlock ossl_ecb(const AesBlock& key, const AesBlock& block) {
  const auto v = ossl_cipher(EVP_aes_128_ecb(), key, nullptr, block);
  AesBlock b{};
  std::copy(v.begin(), v.end(), b.begin());
  return b;
}

/// EVP_MAC "CMAC" with AES-128-CBC (OpenSSL 3's AES-128-CMAC).
AesBlock ossl_cmac(const AesBlock& key, std::span<const std::uint8_t> msg) {
  std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "CMAC", nullptr));
  if (!mac) throw std::runtime_error("OpenSSL: EVP_MAC_fetch(CMAC) failed");
  std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) throw std::runtime_error("OpenSSL: EVP_MAC_CTX_new failed");
  char cipher[] = "AES-128-CBC";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0), OSSL_PARAM_END};
  ossl_check(EVP_MAC_init(ctx.get(), key.data(), key.size(), params), "EVP_MAC_init");
  ossl_check(EVP_MAC_update(ctx.get(), msg.data(), msg.size()), "EVP_MAC_update");
  AesBlock tag{};
  std::size_t len = 0;
  ossl_check(EVP_MAC_final(ctx.get(), tag.data(), &len, tag.size()), "EVP_MAC_final");
  if (len != 16) throw std::runtime_error("OpenSSL: CMAC length not 16");
  return tag;
}

/// A token made with OpenSSL only: ct = AES-128-CTR(K_enc, iv H) of addr, tag = CMAC(K_mac,
/// H || ct).
Token ossl_token(const TokenKeys& keys, const TokenHeader& hdr, const AesBlock& addr) {
  const AesBlock h = hdr.encode();
  const auto ct = ossl_cipher(EVP_aes_128_ctr(), keys.enc, &h, addr);
  Token t{};
  std::copy(h.begin(), h.end(), t.begin());
  std::copy(ct.begin(), ct.end(), t.begin() + 16);
  const AesBlock tag = ossl_cmac(keys.mac, std::span<const std::uint8_t>(t.data(), 32));
  std::copy(tag.begin(), tag.end(), t.begin() + 32);
  return t;
}

// ---- helpers ------------------------------------------------------------------------------

AesBlock hex_block(const std::string& hex) {
  if (hex.size() != 32) throw std::invalid_argument("hex_block: not 32 digits: " + hex);
  AesBlock b{};
  for (std::size_t i = 0; i < 16; ++i) {
    b[i] = static_cast<std::uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  }
  return b;
}
std::vector<std::uint8_t> hex_bytes(const std::string& hex) {
  std::vector<std::uint8_t> v;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    v.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  return v;
}
std::string hex(std::span<const std::uint8_t> b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}
AesBlock random_block(Prng& rng) {
  AesBlock b{};
  for (auto& x : b) x = static_cast<std::uint8_t>(rng.below(256));
  return b;
}
TokenKeys random_keys(Prng& rng) { return {random_block(rng), random_block(rng)}; }

struct Kat {
  const char* key;
  const char* pt;
  const char* ct;
};
// FIPS-197 Appendix B and C.1; NIST SP 800-38A F.1.1 (ECB-AES128, four blocks).
const Kat kAesKats[] = {
    {"2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734",
     "3925841d02dc09fbdc118597196a0b32"},
    {"000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
     "69c4e0d86a7b0430d8cdb78070b4c55a"},
    {"2b7e151628aed2a6abf7158809cf4f3c", "6bc1bee22e409f96e93d7e117393172a",
     "3ad77bb40d7a3660a89ecaf32466ef97"},
    {"2b7e151628aed2a6abf7158809cf4f3c", "ae2d8a571e03ac9c9eb76fac45af8e51",
     "f5d3d58503b9699de785895a96fdbaaf"},
    {"2b7e151628aed2a6abf7158809cf4f3c", "30c81c46a35ce411e5fbc1191a0a52ef",
     "43b1cd7f598ece23881b00e3ed030688"},
    {"2b7e151628aed2a6abf7158809cf4f3c", "f69f2445df4f9b17ad2b417be66c3710",
     "7b0c785e27e8ad3f8223207104725dd4"},
};

// ---- the reference ------------------------------------------------------------------------

TEST(RefAes, KnownAnswersFips197Sp80038a) {
  for (const Kat& k : kAesKats) {
    const AesBlock key = hex_block(k.key), pt = hex_block(k.pt), ct = hex_block(k.ct);
    EXPECT_EQ(model::Aes128(key).encrypt(pt), ct) << k.pt;
    EXPECT_EQ(ossl_ecb(key, pt), ct) << k.pt;
  }
}

TEST(RefAes, RandomKeysAndBlocksAgreeWithOpenSsl) {
  Prng rng(0xae5);
  for (int i = 0; i < 5000; ++i) {
    const AesBlock key = random_block(rng), pt = random_block(rng);
    ASSERT_EQ(model::Aes128(key).encrypt(pt), ossl_ecb(key, pt)) << "key " << hex(key);
  }
}

TEST(RefCmac, Sp80038bExamplesAndOpenSsl) {
  // NIST SP 800-38B, Appendix D.1 (AES-128): messages of 0, 16, 40 and 64 bytes.
  const AesBlock key = hex_block("2b7e151628aed2a6abf7158809cf4f3c");
  const std::string m =
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
  const struct {
    std::size_t len;
    const char* tag;
  } ex[] = {{0, "bb1d6929e95937287fa37d129b756746"},
            {16, "070a16b46b4d4144f79bdd9dd04a287c"},
            {40, "dfa66747de9ae63030ca32611497c827"},
            {64, "51f0bebf7e3b9d92fc49741779363cfe"}};
  const auto msg = hex_bytes(m);
  for (const auto& e : ex) {
    const std::span<const std::uint8_t> s(msg.data(), e.len);
    EXPECT_EQ(model::cmac(model::Aes128(key), s), hex_block(e.tag)) << "Mlen " << e.len;
    EXPECT_EQ(ossl_cmac(key, s), hex_block(e.tag)) << "Mlen " << e.len;
  }
}

TEST(RefCmac, RandomMessagesAgreeWithOpenSsl) {
  Prng rng(0xc3ac);
  for (int i = 0; i < 2000; ++i) {
    const AesBlock key = random_block(rng);
    std::vector<std::uint8_t> msg(rng.below(100));
    for (auto& x : msg) x = static_cast<std::uint8_t>(rng.below(256));
    ASSERT_EQ(model::cmac(model::Aes128(key), msg), ossl_cmac(key, msg))
        << "length " << msg.size();
  }
}

TEST(RefToken, MadeAndCheckedAsOpenSslMakesThem) {
  Prng rng(0x70c);
  model::TokenChecker chk(8);
  const TokenKeys keys = random_keys(rng);
  chk.load_key(1, keys);
  for (std::uint64_t seq = 1; seq <= 200; ++seq) {
    const TokenHeader h{.slot = 1, .eni = static_cast<std::uint16_t>(1 + seq % 8), .seq = seq};
    const AesBlock addr = random_block(rng);
    const Token t = ossl_token(keys, h, addr);
    ASSERT_EQ(model::make_token(keys, h, addr), t) << "seq " << seq;
    const auto r = chk.check(t, h.eni);
    ASSERT_EQ(r.verdict, TokenVerdict::kOk) << "seq " << seq;
    EXPECT_EQ(r.addr, addr);
  }
}

TEST(RefToken, ReplayWindow) {
  model::TokenWindow w;
  EXPECT_FALSE(w.replay(0));  // a fresh window takes 0 once
  w.accept(0);
  EXPECT_TRUE(w.replay(0));
  w.accept(100);
  EXPECT_TRUE(w.replay(36));  // 100 - 64
  EXPECT_FALSE(w.replay(37));  // 100 - 63: in the window, not seen
  w.accept(37);
  EXPECT_TRUE(w.replay(37));
  EXPECT_TRUE(w.replay(100));
  w.accept(101);  // slides by one: 37 is now 64 below the top
  EXPECT_TRUE(w.replay(37));
  EXPECT_FALSE(w.replay(99));
  w.accept(1000);  // a jump past the window: only 1000 seen
  EXPECT_FALSE(w.replay(999));
  EXPECT_TRUE(w.replay(1000));
  w.clear();
  EXPECT_FALSE(w.replay(5));
}

// ---- aes128_pipe --------------------------------------------------------------------------

NICSIM_VALID_READY_PORT(AesIn, s_);
NICSIM_VALID_READY_PORT(AesOut, m_);
constexpr std::uint64_t kAesLatency = 11;

struct AesItem {
  AesBlock key{}, block{};
  std::uint32_t user = 0;
};

// Sends `items` through the pipeline under the patterns; the outputs, in order, with the
// clock of each handshake.
struct AesRun {
  std::vector<AesBlock> out;
  std::vector<std::uint32_t> user;
  std::vector<std::uint64_t> in_cycle, out_cycle;
};

AesRun run_aes(const std::vector<AesItem>& items, Pattern valid, Pattern ready) {
  Harness<Vaes128_pipe> h({.name = "aes128_pipe"});
  AesRun r;
  ChannelSource<Vaes128_pipe, AesIn, AesItem> src(
      h,
      [](Vaes128_pipe& m, const AesItem& it) {
        put_bytes_msb(m.s_key, 0, it.key);
        put_bytes_msb(m.s_block, 0, it.block);
        m.s_user = it.user;
      },
      {.valid = std::move(valid)});
  src.on_accept = [&](AesItem&&) { r.in_cycle.push_back(h.cycle()); };
  ChannelSink<Vaes128_pipe, AesOut> sink(
      h,
      [&](Vaes128_pipe& m) {
        r.out.push_back(get_bytes_msb<16>(m.m_block, 0));
        r.user.push_back(m.m_user);
        r.out_cycle.push_back(h.cycle());
      },
      {.ready = std::move(ready)});
  h->s_valid = 0;
  h->m_ready = 0;
  h.reset(2);
  for (const auto& it : items) src.send(it);
  h.set_watchdog(200);
  EXPECT_TRUE(h.run_until([&] { return r.out.size() == items.size(); }));
  h.ticks(30);  // nothing more comes out
  EXPECT_EQ(r.out.size(), items.size());
  return r;
}

TEST(AesPipe, KnownAnswersFips197Sp80038a) {
  std::vector<AesItem> items;
  for (const Kat& k : kAesKats) {
    items.push_back({hex_block(k.key), hex_block(k.pt), static_cast<std::uint32_t>(items.size())});
  }
  const AesRun r = run_aes(items, always(), always());
  ASSERT_EQ(r.out.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(hex(r.out[i]), kAesKats[i].ct) << "vector " << i;
    EXPECT_EQ(r.user[i], i);
  }
}

TEST(AesPipe, OneBlockPerClockElevenClocks) {
  Prng rng(11);
  std::vector<AesItem> items;
  for (std::uint32_t i = 0; i < 200; ++i) items.push_back({random_block(rng), random_block(rng), i});
  const AesRun r = run_aes(items, always(), always());
  ASSERT_EQ(r.out.size(), items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(r.out[i], ossl_ecb(items[i].key, items[i].block)) << i;
    EXPECT_EQ(r.out_cycle[i] - r.in_cycle[i], kAesLatency) << i;
    if (i > 0) {
      EXPECT_EQ(r.in_cycle[i], r.in_cycle[i - 1] + 1) << i;
    }
  }
}

TEST(AesPipe, RandomKeysAndBlocksUnderBackPressure) {
  const struct {
    const char* name;
    Pattern valid, ready;
  } runs[] = {{"valid 1110, ready always", every("1110"), always()},
              {"valid always, ready 1110", always(), every("1110")},
              {"random 70 / random 40", random(3, 70), random(4, 40)},
              {"random 20 / random 90", random(5, 20), random(6, 90)}};
  Prng rng(0xbeef);
  for (const auto& run : runs) {
    std::vector<AesItem> items;
    for (std::uint32_t i = 0; i < 1500; ++i) {
      // Every block its own key, and runs of one key: the key expands with the block.
      const AesBlock key = (i % 7 < 3 && i > 0) ? items.back().key : random_block(rng);
      items.push_back({key, random_block(rng), i});
    }
    const AesRun r = run_aes(items, run.valid, run.ready);
    ASSERT_EQ(r.out.size(), items.size()) << run.name;
    for (std::size_t i = 0; i < items.size(); ++i) {
      ASSERT_EQ(r.user[i], i) << run.name;
      ASSERT_EQ(r.out[i], ossl_ecb(items[i].key, items[i].block)) << run.name << " block " << i;
    }
  }
}

// ---- token_check --------------------------------------------------------------------------

NICSIM_VALID_READY_PORT(TokIn, s_tok_);
NICSIM_VALID_READY_PORT(KeyIn, s_key_);
NICSIM_VALID_READY_PORT(ResOut, m_res_);
constexpr unsigned kNumEni = 8;
constexpr std::uint64_t kTokLatency = 34;

struct TokItem {
  Token data{};
  std::uint16_t src_eni = 0;
  std::uint32_t user = 0;
};
struct KeyCmd {
  unsigned slot = 0;
  bool clear = false;
  TokenKeys keys{};
};
struct Expect {
  model::TokenChecker::Result r;
  std::uint32_t user = 0;
  std::uint64_t cycle = 0;  // accepted
};

class TokenBench {
 public:
  explicit TokenBench(Pattern valid = always(), Pattern ready = always())
      : h_({.name = "token_check"}),
        tok_(h_,
             [](Vtoken_check& m, const TokItem& t) {
               put_bytes_msb(m.s_tok_data, 0, t.data);
               m.s_tok_eni = t.src_eni;
               m.s_tok_user = t.user;
             },
             {.valid = std::move(valid)}),
        key_(h_,
             [](Vtoken_check& m, const KeyCmd& k) {
               m.s_key_slot = static_cast<CData>(k.slot);
               m.s_key_clear = k.clear;
               put_bytes_msb(m.s_key_enc, 0, k.keys.enc);
               put_bytes_msb(m.s_key_mac, 0, k.keys.mac);
             }),
        clr_(h_,
             [this] {
               h_->clr_valid = clr_pending_.has_value();
               h_->clr_eni = clr_pending_.value_or(0);
               clr_pending_.reset();
             }),
        res_(h_, [this](Vtoken_check& m) { on_result(m); }, {.ready = std::move(ready)}),
        ref_(kNumEni) {
    // Tokens first: a token taken on the clock a key command is taken is checked under the
    // old key (it is in flight when the command starts).
    tok_.on_accept = [this](TokItem&& t) {
      exp_.push_back({ref_.check(t.data, t.src_eni), t.user, h_.cycle()});
      ++accepted_;
    };
    key_.on_accept = [this](KeyCmd&& k) {
      if (k.clear) {
        ref_.clear_key(k.slot);
      } else {
        ref_.load_key(k.slot, k.keys);
      }
    };
    h_->s_tok_valid = 0;
    h_->s_key_valid = 0;
    h_->clr_valid = 0;
    h_->m_res_ready = 0;
    h_.reset(2);
    h_.set_watchdog(300, [this] {
      return std::to_string(exp_.size()) + " verdicts due, " + std::to_string(tok_.queued()) +
             " tokens queued";
    });
  }

  /// Loads (or clears) a slot and waits until the checker has its subkey.
  void key(unsigned slot, const TokenKeys& k, bool clear = false) {
    key_.send({slot, clear, k});
    EXPECT_TRUE(h_.run_until([&] { return key_.idle(); }));
    EXPECT_TRUE(h_.run_until([&] { return h_->key_busy == 0; }));
    EXPECT_EQ((h_->key_valid >> slot) & 1U, clear ? 0U : 1U);
  }
  void send(const Token& t, std::uint16_t src_eni) {
    tok_.send({t, src_eni, next_user_++});
  }
  /// Runs until every token sent has its verdict.
  void finish() {
    EXPECT_TRUE(h_.run_until([&] { return tok_.idle() && key_.idle() && exp_.empty(); }));
    h_.ticks(3 * kTokLatency);
    EXPECT_EQ(h_->m_res_valid, 0) << "a verdict nobody expects";
  }
  /// Clears a window, with nothing in flight (the reference applies it at once).
  void clear_window(std::uint16_t eni) {
    finish();
    clr_pending_ = eni;
    ref_.clear_window(eni);
    h_.tick();
  }
  void check_counters() {
    for (unsigned v = 0; v < model::kTokenVerdicts; ++v) {
      EXPECT_EQ(get_bits(h_->m_cnt, 32 * v, 32), ref_.count(static_cast<TokenVerdict>(v)))
          << "counter of " << fmt::to_string(static_cast<TokenVerdict>(v));
    }
  }

  [[nodiscard]] std::uint64_t count(TokenVerdict v) const { return seen_[static_cast<unsigned>(v)]; }
  [[nodiscard]] std::uint64_t cycle() const { return h_.cycle(); }
  std::vector<std::uint64_t> accept_cycles, latencies;

 private:
  void on_result(Vtoken_check& m) {
    if (exp_.empty()) {
      ADD_FAILURE() << "verdict with no token in flight, cycle " << h_.cycle();
      return;
    }
    const Expect e = exp_.front();
    exp_.pop_front();
    const auto reason = static_cast<TokenVerdict>(m.m_res_reason);
    const std::string at = "token " + std::to_string(e.user) + " (cycle " +
                           std::to_string(h_.cycle()) + ")";
    EXPECT_STREQ(fmt::to_string(reason), fmt::to_string(e.r.verdict)) << at;
    EXPECT_EQ(hex(get_bytes_msb<16>(m.m_res_addr, 0)), hex(e.r.addr)) << at;
    EXPECT_EQ(m.m_res_eni, e.r.eni) << at;
    EXPECT_EQ(m.m_res_seq, e.r.seq) << at;
    EXPECT_EQ(m.m_res_user, e.user) << at;
    latencies.push_back(h_.cycle() - e.cycle);
    accept_cycles.push_back(e.cycle);
    ++seen_[static_cast<unsigned>(e.r.verdict)];
  }

  Harness<Vtoken_check> h_;
  ChannelSource<Vtoken_check, TokIn, TokItem> tok_;
  ChannelSource<Vtoken_check, KeyIn, KeyCmd> key_;
  std::optional<std::uint16_t> clr_pending_;
  Hook clr_;
  ChannelSink<Vtoken_check, ResOut> res_;
  model::TokenChecker ref_;
  std::deque<Expect> exp_;
  std::array<std::uint64_t, model::kTokenVerdicts> seen_{};
  std::uint32_t next_user_ = 0;
  std::uint64_t accepted_ = 0;
};

AesBlock random_addr(Prng& rng) {
  AesBlock a = random_block(rng);
  if (rng.chance(0.5)) {  // an IPv4 address as ::ffff:a.b.c.d
    for (std::size_t i = 0; i < 10; ++i) a[i] = 0;
    a[10] = a[11] = 0xff;
  }
  return a;
}

TEST(TokenCheck, GoodTokensDecryptBackToBack) {
  Prng rng(0x600d);
  TokenBench b;
  const TokenKeys k0 = random_keys(rng), k1 = random_keys(rng);
  b.key(0, k0);
  b.key(1, k1);
  std::array<std::uint64_t, kNumEni + 1> seq{};
  const int n = 400;
  for (int i = 0; i < n; ++i) {
    const auto eni = static_cast<std::uint16_t>(1 + rng.below(kNumEni));
    const auto slot = static_cast<std::uint8_t>(rng.below(2));
    seq[eni] += 1 + rng.below(3);
    const TokenHeader h{.slot = slot, .eni = eni, .seq = seq[eni]};
    b.send(ossl_token(slot == 0 ? k0 : k1, h, random_addr(rng)), eni);
  }
  b.finish();
  EXPECT_EQ(b.count(TokenVerdict::kOk), static_cast<std::uint64_t>(n));
  b.check_counters();
  // One token per 3 clocks, every token 34 clocks from its handshake to its verdict.
  ASSERT_EQ(b.accept_cycles.size(), static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < b.latencies.size(); ++i) EXPECT_EQ(b.latencies[i], kTokLatency) << i;
  const std::uint64_t span = b.accept_cycles.back() - b.accept_cycles.front();
  EXPECT_LE(span, 3U * (n - 1) + 12) << "slower than one token per 3 clocks";
  EXPECT_GE(span, 3U * (n - 1) - 12) << "faster than the 3 passes allow";
}

TEST(TokenCheck, ForgedTokensFailEveryBitOfCiphertextAndTag) {
  Prng rng(0xf0);
  TokenBench b;
  const TokenKeys k = random_keys(rng);
  b.key(0, k);
  std::uint64_t seq = 0;
  for (unsigned bit = 0; bit < 256; ++bit) {  // bytes 16..47: ct and tag
    const TokenHeader h{.eni = 3, .seq = ++seq};
    Token t = ossl_token(k, h, random_addr(rng));
    t[16 + bit / 8] ^= static_cast<std::uint8_t>(0x80 >> (bit % 8));
    b.send(t, 3);
  }
  // A flipped bit of the header's sequence or ENI: still well formed, the tag fails.
  for (unsigned bit = 0; bit < 80; ++bit) {
    const TokenHeader h{.eni = 3, .seq = ++seq};
    Token t = ossl_token(k, h, random_addr(rng));
    const unsigned byte = bit < 64 ? 8 + bit / 8 : 3;  // seq bytes, or the ENI's low byte
    t[byte] ^= static_cast<std::uint8_t>(bit < 64 ? 0x80 >> (bit % 8) : 1U << (bit % 2));
    b.send(t, 3);
  }
  // After all of that, the window is untouched: the same sequence numbers, authentic, pass.
  for (std::uint64_t s = 1; s <= 10; ++s) b.send(ossl_token(k, {.eni = 3, .seq = s}, {}), 3);
  b.finish();
  EXPECT_EQ(b.count(TokenVerdict::kBadTag), 256U + 80U);
  EXPECT_EQ(b.count(TokenVerdict::kOk), 10U);
  b.check_counters();
}

TEST(TokenCheck, WrongKeyNoKeyAndClearedSlot) {
  Prng rng(0x3e7);
  TokenBench b;
  const TokenKeys k = random_keys(rng), other = random_keys(rng);
  // No key at all yet: no_key, whatever the token.
  b.send(ossl_token(k, {.eni = 1, .seq = 1}, {}), 1);
  b.finish();
  b.key(0, k);
  // Another key, another MAC key only, another encryption key only (the tag still covers
  // ct, so a token under the right MAC key with another encryption key is authentic and
  // decrypts to garbage: the tag is what makes it the host's).
  b.send(ossl_token(other, {.eni = 1, .seq = 2}, {}), 1);
  b.send(ossl_token({k.enc, other.mac}, {.eni = 1, .seq = 3}, {}), 1);
  b.send(ossl_token({other.enc, k.mac}, {.eni = 1, .seq = 4}, {}), 1);
  // The empty slot 1.
  b.send(ossl_token(k, {.slot = 1, .eni = 1, .seq = 5}, {}), 1);
  b.send(ossl_token(k, {.eni = 1, .seq = 6}, {}), 1);
  b.finish();
  // Clear slot 0: its tokens now fail no_key; load it again: they pass.
  b.key(0, {}, true);
  b.send(ossl_token(k, {.eni = 1, .seq = 7}, {}), 1);
  b.finish();
  b.key(0, k);
  b.send(ossl_token(k, {.eni = 1, .seq = 8}, {}), 1);
  b.finish();
  EXPECT_EQ(b.count(TokenVerdict::kNoKey), 3U);
  EXPECT_EQ(b.count(TokenVerdict::kBadTag), 2U);
  EXPECT_EQ(b.count(TokenVerdict::kOk), 3U);
  b.check_counters();
}

TEST(TokenCheck, ReplayedStolenAndMalformed) {
  Prng rng(0x4e9);
  TokenBench b;
  const TokenKeys k = random_keys(rng);
  b.key(0, k);
  auto tok = [&](std::uint16_t eni, std::uint64_t seq) {
    return ossl_token(k, {.eni = eni, .seq = seq}, random_addr(rng));
  };
  const Token t100 = tok(2, 100);
  b.send(t100, 2);  // ok
  b.send(t100, 2);  // the same again, back to back: replay
  b.send(tok(2, 40), 2);   // 60 below the top, not seen: ok
  b.send(tok(2, 40), 2);   // replay
  b.send(tok(2, 37), 2);   // 63 below: ok
  b.send(tok(2, 36), 2);   // 64 below: replay (too old)
  b.send(tok(2, 101), 2);  // slides by one: ok
  b.send(tok(2, 37), 2);   // now 64 below: replay
  b.send(tok(2, 5000), 2); // a jump: ok
  b.send(tok(2, 4999), 2); // ok (in the window, not seen)
  b.send(tok(2, 4000), 2); // far below, its bit position (1000 mod 64) clear: replay
  // Stolen: ENI 2's token sent by ENI 5 fails and does not use up the sequence number.
  b.send(tok(2, 5001), 5);  // eni_mismatch
  b.send(tok(2, 5001), 2);  // ok
  // Other ENIs' windows are their own.
  b.send(tok(5, 100), 5);  // ok
  b.send(tok(6, 100), 6);  // ok
  // Malformed: version, reserved flag bits, reserved word, ENI 0, ENI beyond NUM_ENI.
  Token t = tok(2, 6000);
  t[0] = 2;
  b.send(t, 2);
  t = tok(2, 6001);
  t[1] = 0x02;
  b.send(t, 2);
  t = tok(2, 6002);
  t[5] = 1;
  b.send(t, 2);
  b.send(ossl_token(k, {.eni = 0, .seq = 1}, {}), 0);
  b.send(ossl_token(k, {.eni = kNumEni + 1, .seq = 1}, {}), kNumEni + 1);
  b.finish();
  EXPECT_EQ(b.count(TokenVerdict::kOk), 9U);
  EXPECT_EQ(b.count(TokenVerdict::kReplay), 5U);
  EXPECT_EQ(b.count(TokenVerdict::kEniMismatch), 1U);
  EXPECT_EQ(b.count(TokenVerdict::kBadFormat), 5U);
  // Clearing ENI 2's window takes its sequence numbers again, and no other ENI's.
  b.clear_window(2);
  b.send(t100, 2);         // ok again
  b.send(tok(5, 100), 5);  // still a replay
  b.finish();
  EXPECT_EQ(b.count(TokenVerdict::kOk), 10U);
  EXPECT_EQ(b.count(TokenVerdict::kReplay), 6U);
  b.check_counters();
}

TEST(TokenCheck, RandomMixUnderBackPressureWithKeyRotation) {
  const struct {
    const char* name;
    Pattern valid, ready;
  } runs[] = {{"valid always, ready 1110", always(), every("1110")},
              {"random 60 / random 50", random(21, 60), random(22, 50)},
              {"random 90 / random 20", random(23, 90), random(24, 20)}};
  Prng rng(0x31c);
  for (const auto& run : runs) {
    SCOPED_TRACE(run.name);
    TokenBench b(run.valid, run.ready);
    std::array<TokenKeys, 2> keys{random_keys(rng), random_keys(rng)};
    b.key(0, keys[0]);
    b.key(1, keys[1]);
    std::array<std::uint64_t, kNumEni + 1> top{};
    std::vector<std::pair<Token, std::uint16_t>> sent;
    for (int i = 0; i < 1200; ++i) {
      if (i % 400 == 399) {  // rotate a slot while tokens are queued and in flight
        const unsigned slot = static_cast<unsigned>(rng.below(2));
        keys[slot] = random_keys(rng);
        b.key(slot, keys[slot]);
      }
      const auto eni = static_cast<std::uint16_t>(1 + rng.below(kNumEni));
      const auto slot = static_cast<std::uint8_t>(rng.below(2));
      const auto kind = rng.below(100);
      std::uint64_t seq = top[eni] + 1 + rng.below(4);
      if (kind < 10 && top[eni] > 200) seq = top[eni] - rng.below(200);  // old or in window
      top[eni] = std::max(top[eni], seq);
      Token t = ossl_token(keys[slot], {.slot = slot, .eni = eni, .seq = seq}, random_addr(rng));
      std::uint16_t src = eni;
      if (kind >= 10 && kind < 15 && !sent.empty()) {  // replay an earlier token
        const auto& p = sent[rng.below(sent.size())];
        t = p.first;
        src = p.second;
      } else if (kind >= 15 && kind < 22) {  // forge a bit
        const auto bit = rng.below(8 * 32);
        t[16 + bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
      } else if (kind >= 22 && kind < 25) {  // stolen
        src = static_cast<std::uint16_t>(1 + (eni % kNumEni));
      } else if (kind >= 25 && kind < 27) {  // another key
        t = ossl_token(random_keys(rng), {.slot = slot, .eni = eni, .seq = seq}, {});
      }
      sent.emplace_back(t, src);
      b.send(t, src);
    }
    b.finish();
    b.check_counters();
    for (unsigned v = 0; v < model::kTokenVerdicts; ++v) {
      if (v == static_cast<unsigned>(TokenVerdict::kNoKey) ||
          v == static_cast<unsigned>(TokenVerdict::kBadFormat)) {
        continue;
      }
      EXPECT_GT(b.count(static_cast<TokenVerdict>(v)), 0U)
          << "no " << fmt::to_string(static_cast<TokenVerdict>(v)) << " verdict in the mix";
    }
  }
}

}  // namespace
}  // namespace nicsim::bench
