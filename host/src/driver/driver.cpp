// SPDX-License-Identifier: MIT
#include "nicsim/host/driver/driver.hpp"

#include <algorithm>
#include <array>
#include <sstream>
#include <string_view>

#include "nicsim/regs/nic_formats.hpp"
#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::host {

namespace R = nicsim::regs;

const char* to_string(DriverErrc e) {
  switch (e) {
    case DriverErrc::kNoDevice:
      return "no device";
    case DriverErrc::kMissingBlock:
      return "missing block";
    case DriverErrc::kBadVersion:
      return "bad block version";
    case DriverErrc::kBadArgument:
      return "bad argument";
    case DriverErrc::kBusy:
      return "busy";
    case DriverErrc::kTimeout:
      return "timeout";
    case DriverErrc::kHardware:
      return "hardware";
  }
  return "?";
}

const char* to_string(Block b) {
  switch (b) {
    case Block::kNic:
      return "nic";
    case Block::kCounters:
      return "counters";
    case Block::kFlow:
      return "flow";
    case Block::kTcam:
      return "tcam";
    case Block::kActions:
      return "actions";
    case Block::kFcmd:
      return "fcmd";
    case Block::kExcq:
      return "excq";
    case Block::kTokn:
      return "tokn";
    case Block::kVnic:
      return "vnic";
    case Block::kRxq:
      return "rxq";
    case Block::kTxq:
      return "txq";
    case Block::kCount:
      break;
  }
  return "?";
}

namespace {

struct Known {
  Block block;
  std::uint32_t tag;
  std::uint32_t version;
};
constexpr Known kKnown[] = {
    {Block::kNic, R::nic::kTag, R::nic::kVersion},
    {Block::kCounters, R::counters::kTag, R::counters::kVersion},
    {Block::kFlow, R::flow::kTag, R::flow::kVersion},
    {Block::kTcam, R::tcam::kTag, R::tcam::kVersion},
    {Block::kActions, R::actions::kTag, R::actions::kVersion},
    {Block::kFcmd, R::fcmd::kTag, R::fcmd::kVersion},
    {Block::kExcq, R::excq::kTag, R::excq::kVersion},
    {Block::kTokn, R::tokn::kTag, R::tokn::kVersion},
    {Block::kVnic, R::vnic::kTag, R::vnic::kVersion},
    {Block::kRxq, R::rxq::kTag, R::rxq::kVersion},
    {Block::kTxq, R::txq::kTag, R::txq::kVersion},
};

std::string tag_str(std::uint32_t tag) {
  std::string s;
  for (int i = 3; i >= 0; --i) {
    const auto c = static_cast<char>((tag >> (8 * i)) & 0xFF);
    s += (c >= 0x20 && c < 0x7F) ? c : '?';
  }
  return s;
}

struct ArrayGeom {
  std::uint32_t offset, stride, count;
};
ArrayGeom geometry(Block b) {
  switch (b) {
    case Block::kExcq:
      return {R::excq::kArrayOffset, R::excq::kStride, R::excq::kCount};
    case Block::kVnic:
      return {R::vnic::kArrayOffset, R::vnic::kStride, R::vnic::kCount};
    case Block::kRxq:
      return {R::rxq::kArrayOffset, R::rxq::kStride, R::rxq::kCount};
    case Block::kTxq:
      return {R::txq::kArrayOffset, R::txq::kStride, R::txq::kCount};
    default:
      return {0, 0, 0};
  }
}

}  // namespace

std::string Features::to_string() const {
  std::ostringstream o;
  o << "data_w=" << data_width << " vnics=" << num_vnic << " rxq=" << num_rxq << " txq=" << num_txq
    << " em=" << em_entries << " (" << em_buckets << "x" << em_ways << "x2) tcam=" << tcam_entries
    << " meters=" << num_meters << " encap=" << num_encap << " vectors=" << num_vectors
    << " parse_window=" << parse_window << (flow_table ? " +flow" : "") << (tcam ? " +tcam" : "")
    << (actions ? " +actions" : "") << (flow_command_ring ? " +fcmd" : "")
    << (exception_queue ? " +excq" : "") << (counters ? " +counters" : "")
    << (tcp_ctl_copy ? " +tcp_ctl_copy" : "") << (encap_nvgre_geneve ? " +nvgre_geneve" : "")
    << (check_osrc ? " +check_osrc" : "") << (em_activity ? " +em_activity" : "")
    << (link_status ? " +link_status" : "");
  return o.str();
}

std::vector<std::pair<const char*, std::uint64_t>> Stats::named() const {
  return {{"rx_wire_frames", rx_wire_frames}, {"rx_wire_bytes", rx_wire_bytes},
          {"tx_frames", tx_frames}, {"tx_bytes", tx_bytes}, {"out_wire", out_wire},
          {"out_wire_bytes", out_wire_bytes}, {"out_vnic", out_vnic},
          {"out_exception", out_exception}, {"loopback", loopback}, {"mirror", mirror},
          {"mirror_drop", mirror_drop}, {"em_hits", em_hits}, {"tcam_hits", tcam_hits},
          {"misses", misses}, {"drop_parse_error", drop_parse_error}, {"drop_flow", drop_flow},
          {"drop_meter", drop_meter}, {"drop_bad_action", drop_bad_action},
          {"drop_mtu", drop_mtu}, {"drop_rx_no_desc", drop_rx_no_desc},
          {"drop_rx_too_long", drop_rx_too_long}, {"drop_rx_cq_full", drop_rx_cq_full},
          {"drop_quota", drop_quota}, {"drop_exc_full", drop_exc_full},
          {"drop_spoof", drop_spoof}, {"drop_token", drop_token}, {"tx_bad_desc", tx_bad_desc}};
}

std::string Stats::to_string() const {
  std::ostringstream o;
  o << "in: wire " << rx_wire_frames << " tx " << tx_frames << " | out: wire " << out_wire
    << " vnic " << out_vnic << " (loopback " << loopback << ") exception " << out_exception
    << " | drops " << drops() << " (parse " << drop_parse_error << " flow " << drop_flow
    << " meter " << drop_meter << " bad_action " << drop_bad_action << " mtu " << drop_mtu
    << " no_desc " << drop_rx_no_desc << " too_long " << drop_rx_too_long << " cq_full "
    << drop_rx_cq_full << " quota " << drop_quota << " exc_full " << drop_exc_full << " spoof "
    << drop_spoof << " token " << drop_token << ") | em_hits " << em_hits << " tcam_hits " << tcam_hits << " misses " << misses
    << " | ledger " << (ledger_balanced() ? "balanced" : "UNBALANCED");
  return o.str();
}

Driver::Driver(Device& dev) : dev_(&dev) {
  Driver& d = *this;
  std::uint32_t addr = 0;
  for (unsigned n = 0;; ++n) {
    if (n >= 64) throw DriverError(DriverErrc::kNoDevice, "block chain longer than 64 blocks");
    const std::uint32_t tag = dev.read32(addr + R::BLOCK_ID);
    const std::uint32_t version = dev.read32(addr + R::BLOCK_VERSION);
    const std::uint32_t next = dev.read32(addr + R::BLOCK_NEXT);
    if (n == 0 && tag != R::nic::kTag) {
      std::ostringstream o;
      o << dev.name() << ": offset 0 reads tag 0x" << std::hex << tag << " ('" << tag_str(tag)
        << "'), not 'NICT'";
      throw DriverError(DriverErrc::kNoDevice, o.str());
    }
    BlockInfo info{true, addr, tag, version};
    bool known = false;
    for (const auto& k : kKnown) {
      if (k.tag != tag) continue;
      known = true;
      if ((version >> 16) != (k.version >> 16)) {
        // Incompatible major: treated as absent (features needing it report this).
        if (k.block == Block::kNic) {
          throw DriverError(DriverErrc::kBadVersion,
                            "nic block version " + std::to_string(version >> 16));
        }
        break;
      }
      d.blocks_[static_cast<unsigned>(k.block)] = info;
    }
    if (!known) d.unknown_.push_back(info);
    if (next == 0) break;
    if (next <= addr || (next & 3u) != 0) {
      std::ostringstream o;
      o << "block '" << tag_str(tag) << "' at 0x" << std::hex << addr << " points back to 0x"
        << next;
      throw DriverError(DriverErrc::kNoDevice, o.str());
    }
    addr = next;
  }

  const std::uint32_t nb = d.block(Block::kNic).base;
  const std::uint32_t c0 = dev.read32(nb + R::nic::CAPS0);
  const std::uint32_t c1 = dev.read32(nb + R::nic::CAPS1);
  const std::uint32_t c2 = dev.read32(nb + R::nic::CAPS2);
  const std::uint32_t c3 = dev.read32(nb + R::nic::CAPS3);
  Features& f = d.features_;
  f.data_width = R::nic::CAPS0_DATA_W.get(c0);
  f.num_vnic = R::nic::CAPS0_NUM_VNIC.get(c0);
  f.num_rxq = R::nic::CAPS0_NUM_RXQ.get(c0) + 1;
  f.num_txq = R::nic::CAPS0_NUM_TXQ.get(c0) + 1;
  f.em_buckets = 1u << R::nic::CAPS1_EM_BUCKETS_LOG2.get(c1);
  f.em_ways = R::nic::CAPS1_EM_WAYS.get(c1);
  f.em_entries = 2 * f.em_buckets * f.em_ways;
  f.tcam_entries = R::nic::CAPS1_TCAM_ENTRIES.get(c1);
  f.num_meters = R::nic::CAPS1_NUM_METERS.get(c1) + 1;
  f.num_encap = R::nic::CAPS3_NUM_ENCAP.get(c3) + 1;
  f.num_vectors = R::nic::CAPS2_NUM_VECTORS.get(c2);
  f.parse_window = R::nic::CAPS2_PARSE_WINDOW.get(c2);
  f.flow_table = d.has(Block::kFlow);
  f.tcam = d.has(Block::kTcam) && f.tcam_entries > 0;
  f.actions = d.has(Block::kActions);
  f.flow_command_ring = d.has(Block::kFcmd);
  f.exception_queue = d.has(Block::kExcq);
  f.counters = d.has(Block::kCounters);
  const std::uint32_t actions_minor = f.actions ? d.block(Block::kActions).version & 0xFFFFu : 0;
  f.tcp_ctl_copy = actions_minor >= 1;
  f.encap_nvgre_geneve = actions_minor >= 1;
  f.check_osrc = actions_minor >= 2;
  f.em_activity = f.flow_command_ring && (d.block(Block::kFcmd).version & 0xFFFFu) >= 1;
  if (!d.has(Block::kVnic)) f.num_vnic = 0;
  if (!d.has(Block::kRxq)) f.num_rxq = 0;
  if (!d.has(Block::kTxq)) f.num_txq = 0;
  f.num_vnic = std::min<unsigned>(f.num_vnic, R::vnic::kCount);
  f.num_rxq = std::min<unsigned>(f.num_rxq, R::rxq::kCount);
  f.num_txq = std::min<unsigned>(f.num_txq, R::txq::kCount);
  f.link_status = (d.block(Block::kNic).version & 0xFFFFu) >= 1;
  f.tokens = d.has(Block::kTokn);
  if (f.link_status) {
    d.link_changes_seen_ = dev.read32(nb + R::nic::LINK_CHANGES);
    d.link_seen_ = d.link();
  }
}

Driver Driver::probe(Device& dev) { return Driver(dev); }

std::uint32_t Driver::base(Block b, const char* feature) const {
  const auto& i = block(b);
  if (!i.present) {
    throw DriverError(DriverErrc::kMissingBlock, std::string(feature) + " needs the '" +
                                                     to_string(b) + "' register block, which " +
                                                     dev_->name() + " does not have");
  }
  return i.base;
}

unsigned Driver::elements(Block b) const {
  if (b == Block::kRxq) return features_.num_rxq;
  if (b == Block::kTxq) return features_.num_txq;
  if (b == Block::kVnic) return features_.num_vnic;
  return geometry(b).count;
}

std::uint32_t Driver::element(Block b, unsigned i, const char* feature) const {
  const std::uint32_t bb = base(b, feature);
  const ArrayGeom g = geometry(b);
  const unsigned limit = elements(b);
  if (i >= limit) {
    throw DriverError(DriverErrc::kBadArgument, std::string(feature) + ": " + to_string(b) +
                                                    " index " + std::to_string(i) + " of " +
                                                    std::to_string(limit));
  }
  return bb + g.offset + i * g.stride;
}

std::uint64_t Driver::rd64(std::uint32_t addr_lo) {
  const std::uint64_t lo = dev_->read32(addr_lo);
  const std::uint64_t hi = dev_->read32(addr_lo + 4);
  return (hi << 32) | lo;
}

void Driver::wr64(std::uint32_t addr_lo, std::uint64_t v) {
  dev_->write32(addr_lo, static_cast<std::uint32_t>(v));
  dev_->write32(addr_lo + 4, static_cast<std::uint32_t>(v >> 32));
}

void Driver::wr_words(std::uint32_t addr, std::uint32_t words,
                      std::span<const std::uint8_t> bytes) {
  for (std::uint32_t w = 0; w < words; ++w) {
    std::array<std::uint8_t, 4> b{};
    for (std::size_t j = 0; j < 4 && 4 * w + j < bytes.size(); ++j) b[j] = bytes[4 * w + j];
    wr(addr + 4 * w, static_cast<std::uint32_t>(fmt::load_le(b.data(), 4)));
  }
}

std::uint32_t Driver::wait_not_busy(std::uint32_t status_addr, const char* what) {
  for (unsigned i = 0; i < 100000; ++i) {
    const std::uint32_t s = dev_->read32(status_addr);
    if ((s & 0x8000'0000u) == 0) return s;
  }
  throw DriverError(DriverErrc::kTimeout, std::string(what) + " stayed busy");
}

void Driver::claim_queue(Block b, unsigned i) {
  bool busy = false;
  if (b == Block::kRxq) {
    busy = rxq_busy_.test(i);
    rxq_busy_.set(i);
  }
  if (b == Block::kTxq) {
    busy = txq_busy_.test(i);
    txq_busy_.set(i);
  }
  if (b == Block::kExcq) {
    busy = excq_busy_;
    excq_busy_ = true;
  }
  if (busy) {
    throw DriverError(DriverErrc::kBusy,
                      std::string(to_string(b)) + " " + std::to_string(i) + " is already set up");
  }
}

void Driver::release_queue(Block b, unsigned i) noexcept {
  if (b == Block::kRxq) rxq_busy_.reset(i);
  if (b == Block::kTxq) txq_busy_.reset(i);
  if (b == Block::kExcq) excq_busy_ = false;
}

void Driver::reset() {
  const std::uint32_t nb = base(Block::kNic, "reset");
  wr(nb + R::nic::CONTROL, 0);
  if (features_.link_status) disable_link_interrupt();
  for (unsigned q = 0; q < features_.num_rxq; ++q) {
    wr(element(Block::kRxq, q, "reset") + R::rxq::CTRL, 0);
    wr(element(Block::kRxq, q, "reset") + R::rxq::IRQ, 0);
  }
  for (unsigned q = 0; q < features_.num_txq; ++q) {
    wr(element(Block::kTxq, q, "reset") + R::txq::CTRL, 0);
    wr(element(Block::kTxq, q, "reset") + R::txq::IRQ, 0);
  }
  if (has(Block::kExcq)) {
    wr(element(Block::kExcq, 0, "reset") + R::excq::CTRL, 0);
    wr(element(Block::kExcq, 0, "reset") + R::excq::IRQ, 0);
  }
  for (unsigned v = 0; v < features_.num_vnic; ++v) {
    wr(element(Block::kVnic, v, "reset") + R::vnic::VNIC_CTRL, 0);
  }
  if (has(Block::kFcmd)) wr(block(Block::kFcmd).base + R::fcmd::FCMD_CTRL, 0);
}

void Driver::flush_writes() { (void)rd(block(Block::kNic).base + R::BLOCK_ID); }

void Driver::enable(bool on) {
  const std::uint32_t a = base(Block::kNic, "enable") + R::nic::CONTROL;
  wr(a, R::nic::CONTROL_ENABLE.put(rd(a), on ? 1 : 0));
  flush_writes();
}

bool Driver::enabled() {
  return R::nic::CONTROL_ENABLE.get(rd(base(Block::kNic, "enabled") + R::nic::CONTROL)) != 0;
}

void Driver::set_parse_error_policy(ParseErrorPolicy p) {
  const std::uint32_t a = base(Block::kNic, "parse error policy") + R::nic::CONTROL;
  wr(a, R::nic::CONTROL_PARSE_ERR_POLICY.put(rd(a), static_cast<std::uint32_t>(p)));
}

void Driver::set_wire_max_frame(std::uint32_t bytes) {
  wr(base(Block::kNic, "wire MTU") + R::nic::WIRE_MAX_FRAME, bytes);
}

void Driver::set_tx_max_frame(std::uint32_t bytes) {
  wr(base(Block::kNic, "tx MTU") + R::nic::TX_MAX_FRAME, bytes);
}

std::uint64_t Driver::cycles() { return rd64(base(Block::kNic, "cycles") + R::nic::CYCLES_LO); }

// ---- physical link and MTU ----------------------------------------------------------------

std::uint64_t speed_mbps(fmt::LinkSpeed s) noexcept {
  switch (s) {
    case fmt::LinkSpeed::kM10: return 10;
    case fmt::LinkSpeed::kM100: return 100;
    case fmt::LinkSpeed::kG1: return 1'000;
    case fmt::LinkSpeed::kG10: return 10'000;
    case fmt::LinkSpeed::kG25: return 25'000;
    case fmt::LinkSpeed::kG40: return 40'000;
    case fmt::LinkSpeed::kG50: return 50'000;
    case fmt::LinkSpeed::kG100: return 100'000;
    case fmt::LinkSpeed::kG200: return 200'000;
    case fmt::LinkSpeed::kG400: return 400'000;
    case fmt::LinkSpeed::kUnknown: break;
  }
  return 0;
}

std::string to_string(const LinkState& s) {
  std::string r = s.up ? "up" : "down";
  if (s.speed != fmt::LinkSpeed::kUnknown) r += std::string(" ") + fmt::to_string(s.speed);
  if (s.media != fmt::LinkMedia::kUnknown) r += std::string(" ") + fmt::to_string(s.media);
  return r;
}

namespace {
const char* const kLinkFeature = "link status (nic block 3.1)";

/// Whether `v` is a value the generated enum defines (its name is "?" otherwise): reserved
/// speed and media codes read as unknown (docs/spec.md 12).
template <class E>
bool defined(E v) {
  return std::string_view(fmt::to_string(v)) != "?";
}
}  // namespace

std::uint32_t Driver::link_base() {
  const std::uint32_t nb = base(Block::kNic, kLinkFeature);
  if (!features_.link_status) {
    throw DriverError(DriverErrc::kMissingBlock,
                      std::string(kLinkFeature) + ": the NIC's nic block is version " +
                          std::to_string(block(Block::kNic).version >> 16) + "." +
                          std::to_string(block(Block::kNic).version & 0xFFFFu));
  }
  return nb;
}

LinkState Driver::link() {
  const std::uint32_t v = rd(link_base() + R::nic::LINK_STATUS);
  LinkState s;
  s.up = R::nic::LINK_STATUS_UP.get(v) != 0;
  const auto speed = static_cast<fmt::LinkSpeed>(R::nic::LINK_STATUS_SPEED.get(v));
  const auto media = static_cast<fmt::LinkMedia>(R::nic::LINK_STATUS_MEDIA.get(v));
  if (defined(speed)) s.speed = speed;
  if (defined(media)) s.media = media;
  return s;
}

void Driver::enable_link_interrupt(unsigned vector) {
  const std::uint32_t nb = link_base();
  if (vector >= features_.num_vectors) {
    throw DriverError(DriverErrc::kBadArgument,
                      "link interrupt vector " + std::to_string(vector) + " >= " +
                          std::to_string(features_.num_vectors) + " vectors");
  }
  wr(nb + R::nic::LINK_IRQ,
     R::nic::LINK_IRQ_ENABLE.put(R::nic::LINK_IRQ_VECTOR.put(0, vector), 1));
  link_vector_ = vector;
  flush_writes();
}

void Driver::disable_link_interrupt() {
  wr(link_base() + R::nic::LINK_IRQ, 0);
  link_vector_.reset();
  flush_writes();
}

std::optional<LinkChange> Driver::service_link(std::chrono::nanoseconds timeout) {
  const std::uint32_t nb = link_base();
  if (link_vector_) (void)dev_->wait_interrupt(*link_vector_, timeout);
  // LINK_CHANGES before LINK_STATUS: a change between the two reads is seen again next time
  // (the count moved on), never lost.
  const std::uint32_t changes = rd(nb + R::nic::LINK_CHANGES);
  if (changes == link_changes_seen_) return std::nullopt;
  LinkChange c{.before = link_seen_, .now = link(), .changes = changes - link_changes_seen_};
  link_seen_ = c.now;
  link_changes_seen_ = changes;
  return c;
}

std::uint32_t Driver::mtu() {
  const std::uint32_t max_frame = rd(base(Block::kNic, "MTU") + R::nic::WIRE_MAX_FRAME);
  return max_frame > kMtuOverhead ? max_frame - kMtuOverhead : 0;
}

void Driver::set_mtu(std::uint32_t mtu) {
  if (mtu < kMinMtu || mtu > kMaxMtu) {
    throw DriverError(DriverErrc::kBadArgument, "MTU " + std::to_string(mtu) + " outside " +
                                                    std::to_string(kMinMtu) + ".." +
                                                    std::to_string(kMaxMtu));
  }
  set_wire_max_frame(mtu + kMtuOverhead);
  set_tx_max_frame(mtu + kMtuOverhead);
  flush_writes();
}

// ---- VNICs ------------------------------------------------------------------------------

namespace {
/// Word w of a register array holding bytes first-byte-high (byte 4w in bits 31:24): the VNIC's
/// IPv6 address and RSS key, the token keys.
std::uint32_t be_word(std::span<const std::uint8_t> b, unsigned w) {
  return (std::uint32_t{b[4 * w]} << 24) | (std::uint32_t{b[4 * w + 1]} << 16) |
         (std::uint32_t{b[4 * w + 2]} << 8) | b[4 * w + 3];
}
}  // namespace

void Driver::configure_vnic(const VnicConfig& c) {
  if (c.vport < 1) throw DriverError(DriverErrc::kBadArgument, "vport 0 is the wire, not a VNIC");
  const std::uint32_t e = element(Block::kVnic, c.vport - 1, "VNIC configuration");
  if (c.rxq_count < 1 || c.rxq_base + c.rxq_count > features_.num_rxq) {
    throw DriverError(DriverErrc::kBadArgument,
                      "vport " + std::to_string(c.vport) + ": queue set " +
                          std::to_string(c.rxq_base) + "+" + std::to_string(c.rxq_count) +
                          " outside " + std::to_string(features_.num_rxq) + " receive queues");
  }
  wr(e + R::vnic::VNIC_CTRL, 0);  // quiesce while reprogramming
  wr(e + R::vnic::RXQ_BASE, c.rxq_base);
  wr(e + R::vnic::RXQ_COUNT, c.rxq_count);
  wr(e + R::vnic::MAC_LO, (std::uint32_t{c.mac[2]} << 24) | (std::uint32_t{c.mac[3]} << 16) |
                              (std::uint32_t{c.mac[4]} << 8) | c.mac[5]);
  wr(e + R::vnic::MAC_HI, (std::uint32_t{c.mac[0]} << 8) | c.mac[1]);
  wr(e + R::vnic::IPV4, c.ipv4);
  for (unsigned w = 0; w < 4; ++w) wr(e + R::vnic::IPV6 + 4 * w, be_word(c.ipv6, w));
  wr(e + R::vnic::QUOTA_BYTES, c.quota_bytes);
  wr(e + R::vnic::QUOTA_WAIT_CYCLES, c.quota_wait_cycles);
  for (unsigned w = 0; w < R::vnic::RSS_KEY_COUNT; ++w)
    wr(e + R::vnic::RSS_KEY + 4 * w, be_word(c.rss_key, w));
  std::array<std::uint8_t, 128> indir{};
  if (c.rss_indir) {
    indir = *c.rss_indir;
    for (auto q : indir) {
      if (q >= c.rxq_count) {
        throw DriverError(DriverErrc::kBadArgument,
                          "RSS indirection entry " + std::to_string(q) + " outside the queue set");
      }
    }
  } else {
    for (unsigned i = 0; i < 128; ++i) indir[i] = static_cast<std::uint8_t>(i % c.rxq_count);
  }
  for (unsigned w = 0; w < R::vnic::RSS_INDIR_COUNT; ++w) {
    std::uint32_t v = 0;
    for (unsigned j = 0; j < 4; ++j) v |= std::uint32_t{indir[4 * w + j]} << (8 * j);
    wr(e + R::vnic::RSS_INDIR + 4 * w, v);
  }
  std::uint32_t ctrl = 0;
  ctrl = R::vnic::VNIC_CTRL_ENABLE.put(ctrl, 1);
  ctrl = R::vnic::VNIC_CTRL_RSS_ENABLE.put(ctrl, c.rss ? 1 : 0);
  ctrl = R::vnic::VNIC_CTRL_SPOOF_CHECK.put(ctrl, c.spoof_check ? 1 : 0);
  ctrl = R::vnic::VNIC_CTRL_IPV4_CHECK.put(ctrl, c.ipv4_check ? 1 : 0);
  ctrl = R::vnic::VNIC_CTRL_IPV6_CHECK.put(ctrl, c.ipv6_check ? 1 : 0);
  ctrl = R::vnic::VNIC_CTRL_QUOTA_WAIT.put(ctrl, c.quota_wait ? 1 : 0);
  ctrl = R::vnic::VNIC_CTRL_TOKEN_EXC.put(ctrl, c.token_exc ? 1 : 0);
  wr(e + R::vnic::VNIC_CTRL, ctrl);
  flush_writes();
}

void Driver::disable_vnic(unsigned vport) {
  if (vport < 1) throw DriverError(DriverErrc::kBadArgument, "vport 0 is the wire");
  wr(element(Block::kVnic, vport - 1, "VNIC configuration") + R::vnic::VNIC_CTRL, 0);
  flush_writes();
}

void Driver::release_quota(unsigned vport, std::uint32_t bytes) {
  if (vport < 1) throw DriverError(DriverErrc::kBadArgument, "vport 0 is the wire");
  wr(element(Block::kVnic, vport - 1, "quota release") + R::vnic::QUOTA_RELEASE, bytes);
}

std::uint32_t Driver::quota_inflight(unsigned vport) {
  if (vport < 1) throw DriverError(DriverErrc::kBadArgument, "vport 0 is the wire");
  return rd(element(Block::kVnic, vport - 1, "quota") + R::vnic::QUOTA_INFLIGHT);
}

// ---- destination tokens ----------------------------------------------------------------

void Driver::load_token_key(unsigned slot, const TokenKey& key) {
  namespace T = R::tokn;
  const std::uint32_t b = base(Block::kTokn, "destination tokens");
  if (slot > 1) throw DriverError(DriverErrc::kBadArgument, "token key slot " + std::to_string(slot));
  wait_not_busy(b + T::KEY_STATUS, "the token key slots");
  for (unsigned w = 0; w < 4; ++w) {
    wr(b + T::KEY_ENC0 + 4 * w, be_word(key.enc, w));
    wr(b + T::KEY_MAC0 + 4 * w, be_word(key.mac, w));
  }
  wr(b + T::KEY_CMD, T::KEY_CMD_SLOT.put(T::KEY_CMD_LOAD.put(0, 1), slot));
  wait_not_busy(b + T::KEY_STATUS, "the token key load");
}

void Driver::clear_token_key(unsigned slot) {
  namespace T = R::tokn;
  const std::uint32_t b = base(Block::kTokn, "destination tokens");
  if (slot > 1) throw DriverError(DriverErrc::kBadArgument, "token key slot " + std::to_string(slot));
  wait_not_busy(b + T::KEY_STATUS, "the token key slots");
  wr(b + T::KEY_CMD, T::KEY_CMD_SLOT.put(T::KEY_CMD_CLEAR.put(0, 1), slot));
  wait_not_busy(b + T::KEY_STATUS, "the token key clear");
}

void Driver::enable_tokens(bool on) {
  const std::uint32_t b = base(Block::kTokn, "destination tokens");
  wr(b + R::tokn::CONTROL, R::tokn::CONTROL_ENABLE.put(0, on ? 1u : 0u));
  flush_writes();
}

void Driver::clear_token_window(unsigned eni) {
  const std::uint32_t b = base(Block::kTokn, "destination tokens");
  if (eni < 1 || eni > features_.num_vnic)
    throw DriverError(DriverErrc::kBadArgument, "token window of ENI " + std::to_string(eni) +
                                                    " (the VNICs are 1.." +
                                                    std::to_string(features_.num_vnic) + ")");
  wr(b + R::tokn::WIN_CLR, R::tokn::WIN_CLR_ENI.put(0, eni));
  flush_writes();
}

TokenStatus Driver::token_status() {
  namespace T = R::tokn;
  const std::uint32_t b = base(Block::kTokn, "destination tokens");
  TokenStatus s;
  s.enabled = T::CONTROL_ENABLE.get(rd(b + T::CONTROL)) != 0;
  const std::uint32_t st = rd(b + T::KEY_STATUS);
  s.key_valid = {(T::KEY_STATUS_VALID.get(st) & 1u) != 0, (T::KEY_STATUS_VALID.get(st) & 2u) != 0};
  for (unsigned v = 0; v < kTokenVerdictCount; ++v) s.verdicts[v] = rd(b + T::VERDICTS + 4 * v);
  return s;
}

// ---- statistics -------------------------------------------------------------------------

Stats Driver::stats() {
  const std::uint32_t b = base(Block::kCounters, "statistics");
  namespace C = R::counters;
  Stats s;
  s.rx_wire_frames = rd64(b + C::RX_WIRE_FRAMES_LO);
  s.rx_wire_bytes = rd64(b + C::RX_WIRE_BYTES_LO);
  s.tx_frames = rd64(b + C::TX_FRAMES_LO);
  s.tx_bytes = rd64(b + C::TX_BYTES_LO);
  s.out_wire = rd64(b + C::OUT_WIRE_LO);
  s.out_vnic = rd64(b + C::OUT_VNIC_LO);
  s.out_exception = rd64(b + C::OUT_EXCEPTION_LO);
  s.loopback = rd64(b + C::LOOPBACK_LO);
  s.mirror = rd64(b + C::MIRROR_LO);
  s.mirror_drop = rd64(b + C::MIRROR_DROP_LO);
  s.em_hits = rd64(b + C::EM_HITS_LO);
  s.tcam_hits = rd64(b + C::TCAM_HITS_LO);
  s.misses = rd64(b + C::MISSES_LO);
  s.drop_parse_error = rd64(b + C::DROP_PARSE_ERROR_LO);
  s.drop_flow = rd64(b + C::DROP_FLOW_LO);
  s.drop_meter = rd64(b + C::DROP_METER_LO);
  s.drop_bad_action = rd64(b + C::DROP_BAD_ACTION_LO);
  s.drop_mtu = rd64(b + C::DROP_MTU_LO);
  s.drop_rx_no_desc = rd64(b + C::DROP_RX_NO_DESC_LO);
  s.drop_rx_too_long = rd64(b + C::DROP_RX_TOO_LONG_LO);
  s.drop_rx_cq_full = rd64(b + C::DROP_RX_CQ_FULL_LO);
  s.drop_quota = rd64(b + C::DROP_QUOTA_LO);
  s.drop_exc_full = rd64(b + C::DROP_EXC_FULL_LO);
  s.drop_spoof = rd64(b + C::DROP_SPOOF_LO);
  if ((block(Block::kCounters).version & 0xFFFFu) >= 1) s.drop_token = rd64(b + C::DROP_TOKEN_LO);
  s.tx_bad_desc = rd64(b + C::TX_BAD_DESC_LO);
  s.out_wire_bytes = rd64(b + C::OUT_WIRE_BYTES_LO);
  return s;
}

}  // namespace nicsim::host
