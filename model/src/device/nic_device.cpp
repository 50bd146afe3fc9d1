// SPDX-License-Identifier: MIT
// NicDevice: the register map, the rings in host memory, interrupts and the flow-command ring.
// The calls into the Pipeline live in nic_device_datapath.cpp.
#include "nicsim/model/device/nic_device.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "nicsim/regs/nic_regs.hpp"

namespace nicsim::model {

namespace R = nicsim::regs;

namespace {

// Receive, exception and transmit queues share one register layout.
static_assert(R::excq::RING_BASE_LO == R::rxq::RING_BASE_LO && R::txq::PROD == R::rxq::PROD &&
              R::txq::CQ_ARM == R::rxq::CQ_ARM && R::excq::CQ_ARM == R::rxq::CQ_ARM &&
              R::txq::IRQ == R::rxq::IRQ && R::excq::IRQ == R::rxq::IRQ);

constexpr std::uint32_t kRxDescBytes = fmt::RxDesc::kBytes;
constexpr std::uint32_t kRxCplBytes = fmt::RxCpl::kBytes;
constexpr std::uint32_t kTxDescBytes = fmt::TxDesc::kBytes;
constexpr std::uint32_t kTxCplBytes = fmt::TxCpl::kBytes;
constexpr std::uint32_t kFcmdBytes = fmt::Fcmd::kBytes;

std::uint32_t lo32(std::uint64_t v) { return static_cast<std::uint32_t>(v); }
std::uint32_t hi32(std::uint64_t v) { return static_cast<std::uint32_t>(v >> 32); }
void set_lo(std::uint64_t& r, std::uint32_t v) { r = (r & 0xFFFFFFFF00000000ull) | v; }
void set_hi(std::uint64_t& r, std::uint32_t v) {
  r = (r & 0xFFFFFFFFull) | (static_cast<std::uint64_t>(v) << 32);
}
/// Register words (little-endian: byte 4i is bits 7:0 of word i) to bytes.
template <std::size_t N>
std::array<std::uint8_t, N * 4> words_to_bytes(const std::array<std::uint32_t, N>& w) {
  std::array<std::uint8_t, N * 4> b{};
  for (std::size_t i = 0; i < N; ++i) fmt::store_le(b.data() + 4 * i, w[i], 4);
  return b;
}

/// Offset of addr in an array block's element, or nullopt; index gets the element number.
bool in_array(std::uint32_t addr, std::uint32_t base, std::uint32_t array_offset,
              std::uint32_t stride, std::uint32_t count, std::uint32_t& index,
              std::uint32_t& off) {
  const std::uint32_t first = base + array_offset;
  if (addr < first || addr >= first + stride * count) return false;
  index = (addr - first) / stride;
  off = (addr - first) % stride;
  return true;
}

}  // namespace

// ------------------------------------------------------------------------------------------
// Construction
// ------------------------------------------------------------------------------------------

NicDevice::NicDevice(const DeviceConfig& config, HostMemory& memory)
    : cfg_(config), mem_(memory), pipeline_(config.pipeline) {
  if (cfg_.num_rxq < 1 || cfg_.num_rxq > R::rxq::kCount)
    throw std::invalid_argument("DeviceConfig: num_rxq must be 1.." + std::to_string(R::rxq::kCount));
  if (cfg_.num_txq < 1 || cfg_.num_txq > R::txq::kCount)
    throw std::invalid_argument("DeviceConfig: num_txq must be 1.." + std::to_string(R::txq::kCount));
  if (cfg_.num_vectors < 1 || cfg_.num_vectors > 255)
    throw std::invalid_argument("DeviceConfig: num_vectors must be 1..255");
  if (num_vnic() > R::vnic::kCount)
    throw std::invalid_argument("DeviceConfig: more VNICs than the register map holds");
  // CAPS3.NUM_ENCAP holds NUM_ENCAP - 1 in 16 bits, and an action's encap_index is 16 bits.
  if (cfg_.pipeline.num_encap < 2 || cfg_.pipeline.num_encap > 65536)
    throw std::invalid_argument("DeviceConfig: num_encap must be 2..65536");
  rxq_.resize(cfg_.num_rxq);
  txq_.resize(cfg_.num_txq);
  vnic_.resize(num_vnic());
  irq_pending_.assign(cfg_.num_vectors, false);
  link_ = cfg_.link;
  dp_apply_globals();
  for (unsigned v = 1; v <= num_vnic(); ++v) dp_apply_vnic(v);
}

NicDevice::~NicDevice() = default;

// ------------------------------------------------------------------------------------------
// Register access
// ------------------------------------------------------------------------------------------

bool NicDevice::is_lo64(std::uint32_t addr) const {
  using namespace R;
  if (addr == nic::CYCLES_LO_ADDR) return true;
  if (addr >= counters::kBase + counters::RX_WIRE_FRAMES_LO &&
      addr <= counters::kBase + counters::OUT_WIRE_BYTES_LO)
    return ((addr - counters::kBase - counters::RX_WIRE_FRAMES_LO) % 8) == 0;
  if (addr == flow::FT_PKTS_LO_ADDR || addr == flow::FT_BYTES_LO_ADDR) return true;
  if (addr == tcam::TCAM_PKTS_LO_ADDR || addr == tcam::TCAM_BYTES_LO_ADDR) return true;
  if (addr == fcmd::FCMD_BASE_LO_ADDR) return true;
  std::uint32_t i = 0;
  std::uint32_t off = 0;
  if (in_array(addr, rxq::kBase, rxq::kArrayOffset, rxq::kStride, rxq::kCount, i, off) ||
      in_array(addr, txq::kBase, txq::kArrayOffset, txq::kStride, txq::kCount, i, off) ||
      in_array(addr, excq::kBase, excq::kArrayOffset, excq::kStride, excq::kCount, i, off))
    return off == rxq::RING_BASE_LO || off == rxq::CQ_BASE_LO;
  return false;
}

std::uint32_t NicDevice::read32(std::uint32_t addr) {
  addr &= ~3u;
  if (addr == latch_addr_) return latch_value_;
  const std::uint32_t v = read_reg(addr);
  if (is_lo64(addr)) {
    latch_addr_ = addr + 4;
    latch_value_ = read_reg(addr + 4);
  }
  return v;
}

void NicDevice::write32(std::uint32_t addr, std::uint32_t value) {
  ++depth_;
  write_reg(addr & ~3u, value);
  --depth_;
  flush_interrupts();
}

std::uint32_t NicDevice::read_reg(std::uint32_t addr) {
  for (std::size_t b = 0; b < R::kBlocks.size(); ++b) {
    const auto& blk = R::kBlocks[b];
    if (addr < blk.base || addr >= blk.base + blk.size) continue;
    const std::uint32_t off = addr - blk.base;
    if (off == R::BLOCK_ID) return blk.tag;
    if (off == R::BLOCK_VERSION) return blk.version;
    if (off == R::BLOCK_NEXT) return R::kBlockNext[b];
    break;
  }
  std::uint32_t i = 0;
  std::uint32_t off = 0;
  if (addr >= R::nic::kBase && addr < R::nic::kBase + R::nic::kSize)
    return read_nic(addr - R::nic::kBase);
  if (addr >= R::counters::kBase && addr < R::counters::kBase + R::counters::kSize)
    return read_counter(addr - R::counters::kBase);
  if (addr >= R::flow::kBase && addr < R::flow::kBase + R::flow::kSize)
    return read_flow(addr - R::flow::kBase);
  if (addr >= R::tcam::kBase && addr < R::tcam::kBase + R::tcam::kSize)
    return read_tcam(addr - R::tcam::kBase);
  if (addr >= R::actions::kBase && addr < R::actions::kBase + R::actions::kSize)
    return read_actions(addr - R::actions::kBase);
  if (addr >= R::fcmd::kBase && addr < R::fcmd::kBase + R::fcmd::kSize)
    return read_fcmd(addr - R::fcmd::kBase);
  if (addr >= R::tokn::kBase && addr < R::tokn::kBase + R::tokn::kSize)
    return dp_token_read(addr - R::tokn::kBase);
  using namespace R;
  if (in_array(addr, excq::kBase, excq::kArrayOffset, excq::kStride, excq::kCount, i, off))
    return read_queue(excq_, off);
  if (in_array(addr, rxq::kBase, rxq::kArrayOffset, rxq::kStride, rxq::kCount, i, off))
    return i < rxq_.size() ? read_queue(rxq_[i], off) : 0;
  if (in_array(addr, txq::kBase, txq::kArrayOffset, txq::kStride, txq::kCount, i, off))
    return i < txq_.size() ? read_queue(txq_[i], off) : 0;
  if (in_array(addr, vnic::kBase, vnic::kArrayOffset, vnic::kStride, vnic::kCount, i, off))
    return i < vnic_.size() ? read_vnic(vnic_[i], off) : 0;
  return 0;
}

void NicDevice::write_reg(std::uint32_t addr, std::uint32_t v) {
  using namespace R;
  std::uint32_t i = 0;
  std::uint32_t off = 0;
  if (addr >= nic::kBase && addr < nic::kBase + nic::kSize) {
    switch (addr - nic::kBase) {
      case nic::CONTROL: {
        const std::uint32_t mask = nic::CONTROL_ENABLE.mask() | nic::CONTROL_PARSE_ERR_POLICY.mask();
        const bool was_on = nic::CONTROL_ENABLE.get(control_) != 0;
        control_ = v & mask;
        dp_apply_globals();
        if (!was_on && nic::CONTROL_ENABLE.get(control_) != 0) tx_run_all();
        break;
      }
      case nic::SCRATCH: scratch_ = v; break;
      case nic::WIRE_MAX_FRAME: wire_max_frame_ = v; dp_apply_globals(); break;
      case nic::TX_MAX_FRAME: tx_max_frame_ = v; break;
      case nic::TUNNEL_PORTS: tunnel_ports_ = v; dp_apply_globals(); break;
      case nic::LINK_IRQ: link_irq_ = v & (nic::LINK_IRQ_VECTOR.mask() | nic::LINK_IRQ_ENABLE.mask()); break;
      default: break;
    }
    return;
  }
  if (addr >= flow::kBase && addr < flow::kBase + flow::kSize) return write_flow(addr - flow::kBase, v);
  if (addr >= tcam::kBase && addr < tcam::kBase + tcam::kSize) return write_tcam(addr - tcam::kBase, v);
  if (addr >= actions::kBase && addr < actions::kBase + actions::kSize)
    return write_actions(addr - actions::kBase, v);
  if (addr >= fcmd::kBase && addr < fcmd::kBase + fcmd::kSize) return write_fcmd(addr - fcmd::kBase, v);
  if (addr >= tokn::kBase && addr < tokn::kBase + tokn::kSize) return dp_token_write(addr - tokn::kBase, v);
  if (in_array(addr, excq::kBase, excq::kArrayOffset, excq::kStride, excq::kCount, i, off))
    return write_queue(excq_, QueueKind::kExc, i, off, v);
  if (in_array(addr, rxq::kBase, rxq::kArrayOffset, rxq::kStride, rxq::kCount, i, off)) {
    if (i < rxq_.size()) write_queue(rxq_[i], QueueKind::kRx, i, off, v);
    return;
  }
  if (in_array(addr, txq::kBase, txq::kArrayOffset, txq::kStride, txq::kCount, i, off)) {
    if (i < txq_.size()) write_queue(txq_[i], QueueKind::kTx, i, off, v);
    return;
  }
  if (in_array(addr, vnic::kBase, vnic::kArrayOffset, vnic::kStride, vnic::kCount, i, off)) {
    if (i < vnic_.size()) write_vnic(vnic_[i], i + 1, off, v);
    return;
  }
}

std::uint32_t NicDevice::read_nic(std::uint32_t off) {
  using namespace R::nic;
  switch (off) {
    case CAPS0: {
      std::uint32_t r = 0;
      r = CAPS0_DATA_W.put(r, cfg_.data_w);
      r = CAPS0_NUM_VNIC.put(r, num_vnic());
      r = CAPS0_NUM_RXQ.put(r, cfg_.num_rxq - 1);
      r = CAPS0_NUM_TXQ.put(r, cfg_.num_txq - 1);
      return r;
    }
    case CAPS1: return caps1();
    case CAPS2: {
      std::uint32_t r = 0;
      r = CAPS2_NUM_VECTORS.put(r, cfg_.num_vectors);
      r = CAPS2_PARSE_WINDOW.put(r, parse_window());
      return r;
    }
    case CAPS3: return CAPS3_NUM_ENCAP.put(0, cfg_.pipeline.num_encap - 1);
    case CONTROL: return control_;
    case CYCLES_LO: return lo32(now_);
    case CYCLES_HI: return hi32(now_);
    case SCRATCH: return scratch_;
    case WIRE_MAX_FRAME: return wire_max_frame_;
    case TX_MAX_FRAME: return tx_max_frame_;
    case TUNNEL_PORTS: return tunnel_ports_;
    case LINK_STATUS: return link_.status_word();
    case LINK_CHANGES: return link_changes_;
    case LINK_IRQ: return link_irq_;
    default: return 0;
  }
}

std::uint32_t NicDevice::read_counter(std::uint32_t off) const {
  using namespace R::counters;
  if (off < RX_WIRE_FRAMES_LO || off > DROP_TOKEN_HI) return 0;
  const DeviceCounters c = counters();
  std::uint64_t v = 0;
  switch (off & ~7u) {
    case RX_WIRE_FRAMES_LO: v = c.rx_wire_frames; break;
    case RX_WIRE_BYTES_LO: v = c.rx_wire_bytes; break;
    case TX_FRAMES_LO: v = c.tx_frames; break;
    case TX_BYTES_LO: v = c.tx_bytes; break;
    case OUT_WIRE_LO: v = c.out_wire; break;
    case OUT_VNIC_LO: v = c.out_vnic; break;
    case OUT_EXCEPTION_LO: v = c.out_exception; break;
    case LOOPBACK_LO: v = c.loopback; break;
    case MIRROR_LO: v = c.mirror; break;
    case MIRROR_DROP_LO: v = c.mirror_drop; break;
    case EM_HITS_LO: v = c.em_hits; break;
    case TCAM_HITS_LO: v = c.tcam_hits; break;
    case MISSES_LO: v = c.misses; break;
    case DROP_PARSE_ERROR_LO: v = c.drop_parse_error; break;
    case DROP_FLOW_LO: v = c.drop_flow; break;
    case DROP_METER_LO: v = c.drop_meter; break;
    case DROP_BAD_ACTION_LO: v = c.drop_bad_action; break;
    case DROP_MTU_LO: v = c.drop_mtu; break;
    case DROP_RX_NO_DESC_LO: v = c.drop_rx_no_desc; break;
    case DROP_RX_TOO_LONG_LO: v = c.drop_rx_too_long; break;
    case DROP_RX_CQ_FULL_LO: v = c.drop_rx_cq_full; break;
    case DROP_QUOTA_LO: v = c.drop_quota; break;
    case DROP_EXC_FULL_LO: v = c.drop_exc_full; break;
    case DROP_SPOOF_LO: v = c.drop_spoof; break;
    case TX_BAD_DESC_LO: v = c.tx_bad_desc; break;
    case OUT_WIRE_BYTES_LO: v = c.out_wire_bytes; break;
    case DROP_TOKEN_LO: v = c.drop_token; break;
    default: return 0;
  }
  return (off & 4u) != 0 ? hi32(v) : lo32(v);
}

std::uint32_t NicDevice::read_flow(std::uint32_t off) const {
  using namespace R::flow;
  if (off >= FT_KEY && off < FT_KEY + 4 * FT_KEY_COUNT) return ft_key_[(off - FT_KEY) / 4];
  if (off >= FT_ACTION && off < FT_ACTION + 4 * FT_ACTION_COUNT)
    return ft_action_[(off - FT_ACTION) / 4];
  switch (off) {
    case FT_STATUS: return ft_status_;
    case FT_HANDLE: return ft_handle_;
    case FT_COUNT: return em_count();
    case FT_PKTS_LO: return lo32(ft_pkts_);
    case FT_PKTS_HI: return hi32(ft_pkts_);
    case FT_BYTES_LO: return lo32(ft_bytes_);
    case FT_BYTES_HI: return hi32(ft_bytes_);
    case FT_LAST_SEEN: return ft_last_seen_;
    default: return 0;
  }
}

void NicDevice::write_flow(std::uint32_t off, std::uint32_t v) {
  using namespace R::flow;
  if (off >= FT_KEY && off < FT_KEY + 4 * FT_KEY_COUNT) {
    ft_key_[(off - FT_KEY) / 4] = v;
  } else if (off >= FT_ACTION && off < FT_ACTION + 4 * FT_ACTION_COUNT) {
    ft_action_[(off - FT_ACTION) / 4] = v;
  } else if (off == FT_HANDLE) {
    ft_handle_ = v;
  } else if (off == FT_CMD) {
    const auto key = words_to_bytes(ft_key_);
    const auto action = words_to_bytes(ft_action_);
    ft_status_ = static_cast<std::uint32_t>(em_command(command_of<fmt::FtCmd>(v),
                                                       std::span(key).first(kKeyBytes), action,
                                                       ft_handle_, false));
  }
}

std::uint32_t NicDevice::read_tcam(std::uint32_t off) const {
  using namespace R::tcam;
  if (off >= TCAM_VALUE && off < TCAM_VALUE + 4 * TCAM_VALUE_COUNT)
    return tcam_value_[(off - TCAM_VALUE) / 4];
  if (off >= TCAM_MASK && off < TCAM_MASK + 4 * TCAM_MASK_COUNT)
    return tcam_mask_[(off - TCAM_MASK) / 4];
  if (off >= TCAM_ACTION && off < TCAM_ACTION + 4 * TCAM_ACTION_COUNT)
    return tcam_action_[(off - TCAM_ACTION) / 4];
  switch (off) {
    case TCAM_STATUS: return tcam_status_;
    case TCAM_INDEX: return tcam_index_;
    case TCAM_PRIO: return tcam_prio_;
    case TCAM_PKTS_LO: return lo32(tcam_pkts_);
    case TCAM_PKTS_HI: return hi32(tcam_pkts_);
    case TCAM_BYTES_LO: return lo32(tcam_bytes_);
    case TCAM_BYTES_HI: return hi32(tcam_bytes_);
    default: return 0;
  }
}

void NicDevice::write_tcam(std::uint32_t off, std::uint32_t v) {
  using namespace R::tcam;
  if (off >= TCAM_VALUE && off < TCAM_VALUE + 4 * TCAM_VALUE_COUNT) {
    tcam_value_[(off - TCAM_VALUE) / 4] = v;
  } else if (off >= TCAM_MASK && off < TCAM_MASK + 4 * TCAM_MASK_COUNT) {
    tcam_mask_[(off - TCAM_MASK) / 4] = v;
  } else if (off >= TCAM_ACTION && off < TCAM_ACTION + 4 * TCAM_ACTION_COUNT) {
    tcam_action_[(off - TCAM_ACTION) / 4] = v;
  } else if (off == TCAM_INDEX) {
    tcam_index_ = v;
  } else if (off == TCAM_PRIO) {
    tcam_prio_ = v & 0xFFFFu;
  } else if (off == TCAM_CMD) {
    const auto value = words_to_bytes(tcam_value_);
    const auto mask = words_to_bytes(tcam_mask_);
    const auto action = words_to_bytes(tcam_action_);
    tcam_status_ = static_cast<std::uint32_t>(
        tcam_command(command_of<fmt::TcamCmd>(v), tcam_index_,
                     static_cast<std::uint16_t>(tcam_prio_), std::span(value).first(kTcamKeyBytes),
                     std::span(mask).first(kTcamKeyBytes), action, false));
  }
}

std::uint32_t NicDevice::read_actions(std::uint32_t off) const {
  using namespace R::actions;
  if (off >= ENCAP_DATA && off < ENCAP_DATA + 4 * ENCAP_DATA_COUNT)
    return encap_data_[(off - ENCAP_DATA) / 4];
  switch (off) {
    case ENCAP_INDEX: return encap_index_;
    case METER_INDEX: return meter_index_;
    case METER_RATE: return meter_rate_;
    case METER_BURST: return meter_burst_;
    case METER_TOKENS: return meter_tokens_;
    case ACT_STATUS: return act_status_;
    default: return 0;
  }
}

void NicDevice::write_actions(std::uint32_t off, std::uint32_t v) {
  using namespace R::actions;
  if (off >= ENCAP_DATA && off < ENCAP_DATA + 4 * ENCAP_DATA_COUNT) {
    encap_data_[(off - ENCAP_DATA) / 4] = v;
    return;
  }
  switch (off) {
    case ENCAP_INDEX: encap_index_ = v; break;
    case METER_INDEX: meter_index_ = v; break;
    case METER_RATE: meter_rate_ = v; break;
    case METER_BURST: meter_burst_ = v; break;
    case ENCAP_CMD: encap_command(v); break;
    case METER_CMD: meter_command(v); break;
    default: break;
  }
}

std::uint32_t NicDevice::read_fcmd(std::uint32_t off) const {
  using namespace R::fcmd;
  switch (off) {
    case FCMD_BASE_LO: return lo32(fcmd_base_);
    case FCMD_BASE_HI: return hi32(fcmd_base_);
    case FCMD_SIZE_LOG2: return fcmd_size_log2_;
    case FCMD_CTRL: return fcmd_ctrl_;
    case FCMD_PROD: return fcmd_prod_;
    case FCMD_CONS: return fcmd_cons_;
    case FCMD_IRQ: return fcmd_irq_;
    default: return 0;
  }
}

void NicDevice::write_fcmd(std::uint32_t off, std::uint32_t v) {
  using namespace R::fcmd;
  switch (off) {
    case FCMD_BASE_LO: set_lo(fcmd_base_, v); break;
    case FCMD_BASE_HI: set_hi(fcmd_base_, v); break;
    case FCMD_SIZE_LOG2: fcmd_size_log2_ = v & 0x1Fu; break;  // its LOG2 field (spec 10)
    case FCMD_CTRL: {
      const bool was_on = (fcmd_ctrl_ & 1u) != 0;
      fcmd_ctrl_ = v & 1u;
      if (!was_on && (fcmd_ctrl_ & 1u) != 0) {  // enabling restarts the ring
        fcmd_prod_ = 0;
        fcmd_cons_ = 0;
      }
      break;
    }
    case FCMD_PROD: fcmd_prod_ = static_cast<std::uint16_t>(v); fcmd_run(); break;
    case FCMD_IRQ: fcmd_irq_ = v & 0x800000FFu; break;
    default: break;
  }
}

std::uint32_t NicDevice::read_queue(const Queue& q, std::uint32_t off) const {
  using namespace R::rxq;
  switch (off) {
    case RING_BASE_LO: return lo32(q.ring_base);
    case RING_BASE_HI: return hi32(q.ring_base);
    case CQ_BASE_LO: return lo32(q.cq_base);
    case CQ_BASE_HI: return hi32(q.cq_base);
    case SIZE_LOG2: return q.size_log2;
    case CTRL: return q.ctrl;
    case PROD: return q.prod;
    case CONS: return q.cons;
    case CQ_PROD: return q.cq_prod;
    case CQ_CONS: return q.cq_cons;
    case IRQ: return q.irq;
    case MOD_CYCLES: return q.mod_cycles;
    default: return 0;
  }
}

void NicDevice::write_queue(Queue& q, QueueKind kind, std::uint32_t index, std::uint32_t off,
                            std::uint32_t v) {
  using namespace R::rxq;
  switch (off) {
    case RING_BASE_LO: set_lo(q.ring_base, v); break;
    case RING_BASE_HI: set_hi(q.ring_base, v); break;
    case CQ_BASE_LO: set_lo(q.cq_base, v); break;
    case CQ_BASE_HI: set_hi(q.cq_base, v); break;
    case SIZE_LOG2: q.size_log2 = v & 0x1Fu; break;
    case CTRL: {
      const std::uint32_t mask =
          kind == QueueKind::kTx ? (R::txq::CTRL_ENABLE.mask() | R::txq::CTRL_VPORT.mask()) : 1u;
      const bool was_on = q.enabled();
      q.ctrl = v & mask;
      if (!was_on && q.enabled()) {  // enabling (re)starts the rings from index 0, armed
        q.prod = q.cons = q.cq_prod = q.cq_cons = 0;
        q.armed = true;
        q.timer = false;
      }
      if (kind == QueueKind::kTx) tx_run(index);
      break;
    }
    case PROD:
      q.prod = static_cast<std::uint16_t>(v);
      if (kind == QueueKind::kTx) tx_run(index);
      break;
    case CQ_CONS:
      q.cq_cons = static_cast<std::uint16_t>(v);
      irq_check(q);
      if (kind == QueueKind::kTx) tx_run(index);  // a full completion ring may have drained
      break;
    case IRQ: q.irq = v & (IRQ_VECTOR.mask() | IRQ_MOD_PKTS.mask() | IRQ_ENABLE.mask()); irq_check(q); break;
    case MOD_CYCLES: q.mod_cycles = v; irq_check(q); break;
    case CQ_ARM:
      q.armed = true;
      q.timer = false;
      irq_check(q);
      break;
    default: break;
  }
}

std::uint32_t NicDevice::read_vnic(const Vnic& n, std::uint32_t off) const {
  using namespace R::vnic;
  if (off >= IPV6 && off < IPV6 + 4 * IPV6_COUNT) return n.ipv6[(off - IPV6) / 4];
  if (off >= RSS_KEY && off < RSS_KEY + 4 * RSS_KEY_COUNT) return n.rss_key[(off - RSS_KEY) / 4];
  if (off >= RSS_INDIR && off < RSS_INDIR + 4 * RSS_INDIR_COUNT)
    return n.rss_indir[(off - RSS_INDIR) / 4];
  switch (off) {
    case VNIC_CTRL: return n.ctrl;
    case RXQ_BASE: return n.rxq_base;
    case RXQ_COUNT: return n.rxq_count;
    case MAC_LO: return n.mac_lo;
    case MAC_HI: return n.mac_hi;
    case IPV4: return n.ipv4;
    case QUOTA_BYTES: return n.quota_bytes;
    case QUOTA_INFLIGHT: return n.inflight;
    case QUOTA_WAIT_CYCLES: return n.quota_wait_cycles;
    default: return 0;
  }
}

void NicDevice::write_vnic(Vnic& n, unsigned vport, std::uint32_t off, std::uint32_t v) {
  using namespace R::vnic;
  if (off >= IPV6 && off < IPV6 + 4 * IPV6_COUNT) {
    n.ipv6[(off - IPV6) / 4] = v;
    return;
  }
  if (off >= RSS_KEY && off < RSS_KEY + 4 * RSS_KEY_COUNT) {
    n.rss_key[(off - RSS_KEY) / 4] = v;
    dp_apply_vnic(vport);
    return;
  }
  if (off >= RSS_INDIR && off < RSS_INDIR + 4 * RSS_INDIR_COUNT) {
    n.rss_indir[(off - RSS_INDIR) / 4] = v;
    dp_apply_vnic(vport);
    return;
  }
  switch (off) {
    case VNIC_CTRL:
      n.ctrl = v & (VNIC_CTRL_ENABLE.mask() | VNIC_CTRL_RSS_ENABLE.mask() |
                    VNIC_CTRL_SPOOF_CHECK.mask() | VNIC_CTRL_IPV4_CHECK.mask() |
                    VNIC_CTRL_IPV6_CHECK.mask() | VNIC_CTRL_QUOTA_WAIT.mask() |
                    VNIC_CTRL_TOKEN_EXC.mask());
      dp_apply_vnic(vport);
      break;
    case RXQ_BASE: n.rxq_base = v; break;
    case RXQ_COUNT: n.rxq_count = v; break;
    case MAC_LO: n.mac_lo = v; break;
    case MAC_HI: n.mac_hi = v & 0xFFFFu; break;
    case IPV4: n.ipv4 = v; break;
    case QUOTA_BYTES: n.quota_bytes = v; break;
    case QUOTA_RELEASE: n.inflight -= std::min(n.inflight, v); break;
    case QUOTA_WAIT_CYCLES: n.quota_wait_cycles = v; break;
    default: break;
  }
}

// ------------------------------------------------------------------------------------------
// Time and interrupts
// ------------------------------------------------------------------------------------------

void NicDevice::advance(std::uint64_t cycles) {
  ++depth_;
  const std::uint64_t target = now_ + cycles;
  auto each_queue = [this](auto&& fn) {
    fn(excq_);
    for (auto& q : rxq_) fn(q);
    for (auto& q : txq_) fn(q);
  };
  for (;;) {
    // The earliest MOD_CYCLES deadline not after target.
    std::optional<std::uint64_t> next;
    each_queue([&](Queue& q) {
      if (!q.timer || !q.armed || q.mod_cycles == 0) return;
      const std::uint64_t d = q.timer_start + q.mod_cycles;
      if (d <= target && (!next || d < *next)) next = d;
    });
    if (!next) break;
    now_ = std::max(now_, *next);
    each_queue([&](Queue& q) { irq_check(q); });
  }
  now_ = target;
  --depth_;
  flush_interrupts();
}

void NicDevice::irq_check(Queue& q) {
  using namespace R::rxq;
  if (!q.armed || IRQ_ENABLE.get(q.irq) == 0) {
    q.timer = false;
    return;
  }
  const std::uint16_t pending = q.pending_completions();
  if (pending == 0) {
    q.timer = false;
    return;
  }
  const std::uint32_t mod_pkts = std::max<std::uint32_t>(IRQ_MOD_PKTS.get(q.irq), 1);
  if (pending >= mod_pkts) {
    raise(IRQ_VECTOR.get(q.irq));
    q.armed = false;
    q.timer = false;
    return;
  }
  if (q.mod_cycles == 0) return;
  if (!q.timer) {
    q.timer = true;
    q.timer_start = now_;
  }
  if (now_ - q.timer_start >= q.mod_cycles) {
    raise(IRQ_VECTOR.get(q.irq));
    q.armed = false;
    q.timer = false;
  }
}

void NicDevice::completion_written(Queue& q) { irq_check(q); }

void NicDevice::raise(unsigned vector) {
  if (vector >= irq_pending_.size()) return;
  irq_pending_[vector] = true;
  irq_deliver_.push_back(vector);
}

void NicDevice::flush_interrupts() {
  if (depth_ != 0) return;
  while (!irq_deliver_.empty()) {
    std::vector<unsigned> now;
    now.swap(irq_deliver_);
    if (!irq_handler_) continue;
    for (unsigned v : now) irq_handler_(v);
  }
}

bool NicDevice::take_interrupt(unsigned vector) {
  if (vector >= irq_pending_.size() || !irq_pending_[vector]) return false;
  irq_pending_[vector] = false;
  return true;
}

bool NicDevice::interrupt_pending(unsigned vector) const {
  return vector < irq_pending_.size() && irq_pending_[vector];
}

// ------------------------------------------------------------------------------------------
// PHY status (docs/spec.md 12)
// ------------------------------------------------------------------------------------------

std::uint32_t PhyLink::status_word() const noexcept {
  using namespace R::nic;
  std::uint32_t r = LINK_STATUS_UP.put(0, up ? 1u : 0u);
  r = LINK_STATUS_SPEED.put(r, static_cast<std::uint32_t>(speed));
  return LINK_STATUS_MEDIA.put(r, static_cast<std::uint32_t>(media));
}

void NicDevice::set_link(const PhyLink& link) {
  using namespace R::nic;
  // The register holds the bits the inputs carry: compare those (values above the field's
  // width cannot reach nic_top).
  if (link.status_word() == link_.status_word()) return;
  ++depth_;
  link_ = link;
  ++link_changes_;
  if (LINK_IRQ_ENABLE.get(link_irq_) != 0) raise(LINK_IRQ_VECTOR.get(link_irq_));
  --depth_;
  flush_interrupts();
}

// ------------------------------------------------------------------------------------------
// Wire and DMA
// ------------------------------------------------------------------------------------------

void NicDevice::wire_rx(std::span<const std::uint8_t> frame) {
  if (R::nic::CONTROL_ENABLE.get(control_) == 0) {
    ++rx_disabled_;
    return;
  }
  ++depth_;
  ++cnt_.rx_wire_frames;
  cnt_.rx_wire_bytes += frame.size();
  dp_process(frame, 0);
  --depth_;
  flush_interrupts();
}

std::optional<Frame> NicDevice::wire_tx() {
  if (wire_out_.empty()) return std::nullopt;
  Frame f = std::move(wire_out_.front());
  wire_out_.pop_front();
  return f;
}

void NicDevice::dma_read(std::uint64_t addr, std::span<std::uint8_t> out) {
  if (!mem_.read(addr, out)) ++dma_errors_;
}

void NicDevice::dma_write(std::uint64_t addr, std::span<const std::uint8_t> in) {
  if (!mem_.write(addr, in)) ++dma_errors_;
}

// ------------------------------------------------------------------------------------------
// Receive rings
// ------------------------------------------------------------------------------------------

NicDevice::RxOutcome NicDevice::rx_ring_put(Queue& q, std::span<const std::uint8_t> bytes,
                                            const RxMeta& meta) {
  if (!q.enabled() || !q.size_ok() || q.prod == q.cons) return RxOutcome::kNoDesc;
  const std::uint32_t mask = q.entries() - 1;
  if (q.pending_completions() >= q.entries()) return RxOutcome::kCqFull;
  const std::uint32_t slot = q.cons & mask;
  std::array<std::uint8_t, kRxDescBytes> desc_bytes{};
  dma_read(q.ring_base + std::uint64_t{slot} * kRxDescBytes, desc_bytes);
  const fmt::RxDesc desc = fmt::RxDesc::decode(desc_bytes);
  if (desc.buf_len < bytes.size()) return RxOutcome::kTooLong;
  dma_write(desc.buf_addr, bytes);

  fmt::RxCpl cpl;
  cpl.len = static_cast<std::uint16_t>(bytes.size());
  cpl.slot = static_cast<std::uint16_t>(slot);
  cpl.rss_hash = meta.rss_valid ? meta.rss_hash : 0;
  cpl.mark = meta.mark_valid ? meta.mark : 0;
  if ((meta.status & RxCpl::kVlan) != 0) cpl.vlan_tci = meta.vlan_tci;
  cpl.status = meta.status;
  cpl.types = meta.types;
  cpl.src_vport = meta.src_vport;
  cpl.reason = meta.exc_reason;
  cpl.tcam_index = meta.tcam_index;
  cpl.h1 = meta.h1;
  cpl.timestamp = static_cast<std::uint32_t>(meta.ingress);
  cpl.set_phase(((q.cq_prod >> q.size_log2) & 1u) == 0);  // 1 on the first pass
  const auto c = cpl.encode();
  dma_write(q.cq_base + std::uint64_t{q.cq_prod & mask} * kRxCplBytes, c);
  ++q.cons;
  ++q.cq_prod;
  completion_written(q);
  return RxOutcome::kOk;
}

void NicDevice::deliver_vnic(std::span<const std::uint8_t> bytes, std::uint8_t vport,
                             std::uint8_t queue, const RxMeta& meta) {
  if (vport < 1 || vport > vnic_.size()) {  // the datapath never does this; be safe
    ++cnt_.drop_rx_no_desc;
    return;
  }
  Vnic& n = vnic_[vport - 1u];
  const std::uint64_t qn = std::uint64_t{n.rxq_base} + queue;
  if (R::vnic::VNIC_CTRL_ENABLE.get(n.ctrl) == 0 || queue >= n.rxq_count || qn >= rxq_.size()) {
    ++cnt_.drop_rx_no_desc;
    return;
  }
  // Quota; QUOTA_WAIT is treated as drop in this untimed model (docs/spec.md 7.2).
  if (n.quota_bytes != 0 && std::uint64_t{n.inflight} + bytes.size() > n.quota_bytes) {
    ++cnt_.drop_quota;
    return;
  }
  switch (rx_ring_put(rxq_[qn], bytes, meta)) {
    case RxOutcome::kOk:
      ++cnt_.out_vnic;
      if (meta.src_vport >= 1 && meta.src_vport <= vnic_.size()) ++cnt_.loopback;
      n.inflight += static_cast<std::uint32_t>(bytes.size());
      break;
    case RxOutcome::kNoDesc: ++cnt_.drop_rx_no_desc; break;
    case RxOutcome::kTooLong: ++cnt_.drop_rx_too_long; break;
    case RxOutcome::kCqFull: ++cnt_.drop_rx_cq_full; break;
  }
}

bool NicDevice::deliver_exception(std::span<const std::uint8_t> bytes, const RxMeta& meta) {
  return rx_ring_put(excq_, bytes, meta) == RxOutcome::kOk;
}

// ------------------------------------------------------------------------------------------
// Transmit rings
// ------------------------------------------------------------------------------------------

void NicDevice::tx_run_all() {
  for (unsigned i = 0; i < txq_.size(); ++i) tx_run(i);
}

void NicDevice::tx_run(unsigned index) {
  using namespace R::txq;
  Queue& q = txq_[index];
  if (R::nic::CONTROL_ENABLE.get(control_) == 0 || !q.enabled() || !q.size_ok()) return;
  const std::uint32_t mask = q.entries() - 1;
  const unsigned owner = CTRL_VPORT.get(q.ctrl);
  while (q.cons != q.prod) {
    if (q.pending_completions() >= q.entries()) break;  // wait for CQ_CONS
    const std::uint32_t slot = q.cons & mask;
    std::array<std::uint8_t, kTxDescBytes> desc_bytes{};
    dma_read(q.ring_base + std::uint64_t{slot} * kTxDescBytes, desc_bytes);
    const fmt::TxDesc d = fmt::TxDesc::decode(desc_bytes);
    fmt::TxCpl cpl;
    cpl.slot = static_cast<std::uint16_t>(slot);
    cpl.status = tx_status(owner, d, {});
    if (cpl.status != fmt::TxStatus::kOk) {
      ++cnt_.tx_bad_desc;
    } else {
      std::vector<std::uint8_t> frame(d.len);
      dma_read(d.buf_addr, frame);
      ++cnt_.tx_frames;
      cnt_.tx_bytes += d.len;
      cpl.status = tx_status(owner, d, frame);
      if (cpl.status == fmt::TxStatus::kSpoof) {
        ++cnt_.drop_spoof;
      } else {
        const bool override = d.vport_override();
        dp_process(frame, static_cast<std::uint8_t>(override ? d.override_vport : owner));
      }
    }
    cpl.set_phase(((q.cq_prod >> q.size_log2) & 1u) == 0);
    const auto c = cpl.encode();
    dma_write(q.cq_base + std::uint64_t{q.cq_prod & mask} * kTxCplBytes, c);
    ++q.cons;
    ++q.cq_prod;
    completion_written(q);
  }
}

fmt::TxStatus NicDevice::tx_status(unsigned owner, const fmt::TxDesc& d,
                                   std::span<const std::uint8_t> frame) const {
  const bool override = d.vport_override();
  const bool owner_ok = owner == 255 || (owner >= 1 && owner <= vnic_.size());
  const bool ovr_ok = d.override_vport <= vnic_.size();  // the wire (0) or a VNIC
  if (d.len == 0 || d.len > tx_max_frame_) return fmt::TxStatus::kBadLength;
  if (!owner_ok || (override && (owner != 255 || !ovr_ok))) return fmt::TxStatus::kBadOverride;
  if (!frame.empty() && !override && owner != 255 && spoofed(frame, owner)) {
    return fmt::TxStatus::kSpoof;
  }
  return fmt::TxStatus::kOk;
}

bool NicDevice::spoofed(std::span<const std::uint8_t> frame, unsigned vport) const {
  using namespace R::vnic;
  const Vnic& n = vnic_[vport - 1u];
  if (VNIC_CTRL_SPOOF_CHECK.get(n.ctrl) != 0) {
    if (frame.size() < 14) return true;
    const std::array<std::uint8_t, 6> mac{
        static_cast<std::uint8_t>(n.mac_hi >> 8), static_cast<std::uint8_t>(n.mac_hi),
        static_cast<std::uint8_t>(n.mac_lo >> 24), static_cast<std::uint8_t>(n.mac_lo >> 16),
        static_cast<std::uint8_t>(n.mac_lo >> 8),  static_cast<std::uint8_t>(n.mac_lo)};
    if (!std::equal(mac.begin(), mac.end(), frame.begin() + 6)) return true;
  }
  const bool v4 = VNIC_CTRL_IPV4_CHECK.get(n.ctrl) != 0;
  const bool v6 = VNIC_CTRL_IPV6_CHECK.get(n.ctrl) != 0;
  if (!v4 && !v6) return false;
  const ParseResult pr = Parser(parser_config()).parse(frame);
  const Level& l = pr.outer();
  if (v4 && l.has_arp && l.arp.eth_ipv4 && l.arp.spa.value() != n.ipv4) return true;
  if (v4 && l.has_ip && l.ip.version == 4 && l.ip.src.v4().value() != n.ipv4) return true;
  if (v6 && l.has_ip && l.ip.version == 6) {
    const auto src = l.ip.src.v6().bytes();
    const bool link_local = src[0] == 0xFE && (src[1] & 0xC0) == 0x80;
    bool equal = true;
    for (std::size_t i = 0; i < 16; ++i)
      if (src[i] != static_cast<std::uint8_t>(n.ipv6[i / 4] >> (24 - 8 * (i % 4)))) equal = false;
    if (!equal && !link_local) return true;
  }
  return false;
}

// ------------------------------------------------------------------------------------------
// Flow-command ring (docs/spec.md 10)
// ------------------------------------------------------------------------------------------

void NicDevice::fcmd_run() {
  if ((fcmd_ctrl_ & 1u) == 0 || fcmd_size_log2_ < 1 || fcmd_size_log2_ > 15) return;
  const std::uint32_t mask = (1u << fcmd_size_log2_) - 1;
  auto slot_addr = [&](std::uint16_t i) {
    return fcmd_base_ + std::uint64_t{i & mask} * kFcmdBytes;
  };
  bool ran = false;
  while (fcmd_cons_ != fcmd_prod_) {
    const std::uint16_t posted = static_cast<std::uint16_t>(fcmd_prod_ - fcmd_cons_);
    std::array<std::uint8_t, kFcmdBytes> slot{};
    const std::uint64_t at = slot_addr(fcmd_cons_);
    dma_read(at, slot);
    const fmt::Fcmd c = fmt::Fcmd::decode(slot);
    std::uint32_t handle = c.handle;
    FlowStatus status = FlowStatus::kBadCommand;
    std::uint16_t used = 1;
    switch (c.op) {
      case fmt::FcmdOp::kEmInsert:
        status = em_command(fmt::FtCmd::kInsert, c.key, c.action, handle, true);
        break;
      case fmt::FcmdOp::kEmDeleteKey:
        status = em_command(fmt::FtCmd::kDeleteKey, c.key, c.action, handle, true);
        break;
      case fmt::FcmdOp::kEmDeleteHandle:
        status = em_command(fmt::FtCmd::kDeleteHandle, c.key, c.action, handle, true);
        break;
      case fmt::FcmdOp::kTcamWrite:
      case fmt::FcmdOp::kTcamClear: {
        std::array<std::uint8_t, kFcmdBytes> value{};
        std::array<std::uint8_t, kFcmdBytes> mask_b{};
        const bool write = c.op == fmt::FcmdOp::kTcamWrite;
        if (write) {
          if (posted < 3) goto wait;  // value and mask slots not posted yet
          dma_read(slot_addr(static_cast<std::uint16_t>(fcmd_cons_ + 1)), value);
          dma_read(slot_addr(static_cast<std::uint16_t>(fcmd_cons_ + 2)), mask_b);
          used = 3;
        }
        status = tcam_command(write ? fmt::TcamCmd::kWrite : fmt::TcamCmd::kClear, handle,
                              c.prio, fmt::fcmd_tcam_ext::DATA.view(value),
                              fmt::fcmd_tcam_ext::DATA.view(mask_b), c.action, true);
        break;
      }
      case fmt::FcmdOp::kEmActivity: status = em_activity(c); break;
      default: break;
    }
    {
      // The NIC writes back the status byte, and the handle of a successful insert, only.
      std::array<std::uint8_t, kFcmdBytes> back = slot;
      fmt::fcmd::STATUS.store(back.data(), static_cast<std::uint64_t>(status));
      dma_write(at + fmt::fcmd::STATUS.offset,
                std::span(back).subspan(fmt::fcmd::STATUS.offset, fmt::fcmd::STATUS.size));
      if (c.op == fmt::FcmdOp::kEmInsert && status == FlowStatus::kOk) {
        fmt::fcmd::HANDLE.store(back.data(), handle);
        dma_write(at + fmt::fcmd::HANDLE.offset,
                  std::span(back).subspan(fmt::fcmd::HANDLE.offset, fmt::fcmd::HANDLE.size));
      }
      fcmd_cons_ = static_cast<std::uint16_t>(fcmd_cons_ + used);
      ran = true;
    }
  }
wait:
  if (ran && fcmd_cons_ == fcmd_prod_ && (fcmd_irq_ & 0x80000000u) != 0) raise(fcmd_irq_ & 0xFFu);
}

FlowStatus NicDevice::em_activity(const fmt::Fcmd& c) {
  // Record i describes handle c.handle + i; the handles must stay below 2^32 and the records
  // fit the buffer, else nothing is written.
  constexpr std::uint64_t kRec = fmt::EmActivity::kBytes;
  if (std::uint64_t{c.handle} + c.entries > (std::uint64_t{1} << 32) ||
      std::uint64_t{c.entries} * kRec > c.buf_len) {
    return FlowStatus::kBadCommand;
  }
  const ExactMatchTable& em = pipeline_.em();
  for (std::uint32_t i = 0; i < c.entries; ++i) {
    fmt::EmActivity r;
    r.handle = c.handle + i;
    EmEntry e;
    if (em.read(r.handle, e)) {
      r.set_valid(true);
      r.pkts = e.counters.pkts;
      r.bytes = e.counters.bytes;
      r.last_seen = e.counters.last_seen;
    }
    dma_write(c.buf_addr + i * kRec, r.encode());
  }
  return FlowStatus::kOk;
}

}  // namespace nicsim::model
