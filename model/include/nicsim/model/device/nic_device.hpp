// SPDX-License-Identifier: MIT
// The register-accurate NIC: the golden model's datapath (Pipeline) behind the register map of
// rtl/regs.yaml, with receive, transmit, exception and flow-command rings in host memory,
// interrupts with moderation, the global counters and the packet ledger (docs/spec.md 7-10).
//
// Untimed but ordered: a register write that rings a doorbell (TXQ PROD, FCMD_PROD) executes
// the posted work before it returns; a frame given to wire_rx() is processed at once with
// ingress timestamp now(). Time moves only through advance(), which fires the MOD_CYCLES
// interrupt timers. Interrupts are latched in a pending bitmap (take_interrupt) and reported
// to the handler, if any, when the call that raised them returns (so the handler may access
// registers).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "nicsim/model/device/counters.hpp"
#include "nicsim/model/device/host_memory.hpp"
#include "nicsim/model/device/phy_link.hpp"
#include "nicsim/model/frame.hpp"
#include "nicsim/model/parse.hpp"
#include "nicsim/model/pipeline.hpp"

namespace nicsim::model {

/// Parameters of one NIC instance: the datapath's plus the host interface's.
struct DeviceConfig {
  PipelineConfig pipeline{};
  std::uint32_t num_rxq = 16;      // receive queues, 1..64
  std::uint32_t num_txq = 16;      // transmit queues, 1..64
  std::uint32_t num_vectors = 32;  // interrupt vectors, 1..255
  std::uint32_t data_w = 512;      // wire stream width reported in CAPS0 (no effect here)
  PhyLink link{};                  // the PHY's report from reset on (not a change)
};

class NicDevice {
 public:
  using InterruptHandler = std::function<void(unsigned vector)>;

  /// Throws std::invalid_argument for parameters out of range. `memory` must outlive the device.
  NicDevice(const DeviceConfig& config, HostMemory& memory);
  NicDevice(const NicDevice&) = delete;
  NicDevice& operator=(const NicDevice&) = delete;
  ~NicDevice();

  // --- registers (AXI4-Lite, 32-bit, byte addresses; unaligned bits 1:0 are ignored) ---
  /// Reads a register; unmapped addresses read 0. Reading a 64-bit _LO word latches its _HI.
  [[nodiscard]] std::uint32_t read32(std::uint32_t addr);
  /// Writes a register; writes to read-only or unmapped addresses are ignored.
  void write32(std::uint32_t addr, std::uint32_t value);

  // --- time ---
  void advance(std::uint64_t cycles);
  [[nodiscard]] std::uint64_t now() const noexcept { return now_; }

  // --- wire port 0 ---
  /// A frame from the wire (without FCS); ingress timestamp now(). `frame` must stay unchanged
  /// during the call (and must not be a buffer the device writes, e.g. a receive buffer posted
  /// to it): a frame delivered as received is written to host memory from it without a copy
  /// (Pipeline::process_in_place).
  void wire_rx(std::span<const std::uint8_t> frame);
  /// The next frame the NIC sent to the wire, in order; nullopt when none.
  [[nodiscard]] std::optional<Frame> wire_tx();
  [[nodiscard]] std::size_t wire_tx_pending() const noexcept { return wire_out_.size(); }

  // --- PHY side (docs/spec.md 12) ---
  /// The PHY reports `link`: a value other than the current one updates LINK_STATUS, counts
  /// in LINK_CHANGES and, with LINK_IRQ.ENABLE, raises LINK_IRQ.VECTOR. The same value again
  /// changes nothing.
  void set_link(const PhyLink& link);
  [[nodiscard]] const PhyLink& link() const noexcept { return link_; }

  // --- interrupts ---
  void set_interrupt_handler(InterruptHandler handler) { irq_handler_ = std::move(handler); }
  /// True (and cleared) when `vector` was raised since the last take.
  bool take_interrupt(unsigned vector);
  [[nodiscard]] bool interrupt_pending(unsigned vector) const;

  // --- state for tests and tools ---
  [[nodiscard]] DeviceCounters counters() const;
  [[nodiscard]] Ledger ledger() const { return Ledger::from(counters()); }
  [[nodiscard]] const DeviceConfig& config() const noexcept { return cfg_; }
  [[nodiscard]] Pipeline& pipeline() noexcept { return pipeline_; }
  [[nodiscard]] const Pipeline& pipeline() const noexcept { return pipeline_; }
  /// DMA accesses outside the 48-bit host address space (not performed).
  [[nodiscard]] std::uint64_t dma_errors() const noexcept { return dma_errors_; }
  /// Frames that arrived from the wire while CONTROL.ENABLE was clear (never entered).
  [[nodiscard]] std::uint64_t rx_disabled() const noexcept { return rx_disabled_; }

  /// The status of a transmit descriptor `d` on a queue owned by `owner` (255: the host),
  /// under the current registers (spec 8): bad length, bad override, then, given the frame's
  /// bytes (`frame`; empty: the descriptor's checks only), the anti-spoof check.
  [[nodiscard]] fmt::TxStatus tx_status(unsigned owner, const fmt::TxDesc& d,
                                        std::span<const std::uint8_t> frame) const;

 private:
  // Ring state shared by receive, exception and transmit queues (same register layout).
  struct Queue {
    std::uint64_t ring_base = 0;
    std::uint64_t cq_base = 0;
    std::uint32_t size_log2 = 0;
    std::uint32_t ctrl = 0;
    std::uint16_t prod = 0;
    std::uint16_t cons = 0;
    std::uint16_t cq_prod = 0;
    std::uint16_t cq_cons = 0;
    std::uint32_t irq = 0;
    std::uint32_t mod_cycles = 0;
    bool armed = true;
    bool timer = false;             // MOD_CYCLES timer running (armed, completions pending)
    std::uint64_t timer_start = 0;  // cycle of the first unacknowledged completion
    [[nodiscard]] bool enabled() const noexcept { return (ctrl & 1u) != 0; }
    [[nodiscard]] bool size_ok() const noexcept { return size_log2 >= 4 && size_log2 <= 15; }
    [[nodiscard]] std::uint32_t entries() const noexcept { return 1u << size_log2; }
    [[nodiscard]] std::uint16_t pending_completions() const noexcept {
      return static_cast<std::uint16_t>(cq_prod - cq_cons);
    }
  };
  enum class QueueKind : std::uint8_t { kRx, kExc, kTx };

  struct Vnic {
    std::uint32_t ctrl = 0;
    std::uint32_t rxq_base = 0;
    std::uint32_t rxq_count = 0;
    std::uint32_t mac_lo = 0;
    std::uint32_t mac_hi = 0;
    std::uint32_t ipv4 = 0;
    std::array<std::uint32_t, 4> ipv6{};
    std::uint32_t quota_bytes = 0;
    std::uint32_t inflight = 0;
    std::uint32_t quota_wait_cycles = 0;
    std::array<std::uint32_t, 10> rss_key{};
    std::array<std::uint32_t, 32> rss_indir{};
  };

  /// What a receive-ring delivery needs besides the bytes.
  struct RxMeta {
    std::uint8_t src_vport = 0;
    ExcReason exc_reason = ExcReason::kNone;
    std::uint32_t rss_hash = 0;
    bool rss_valid = false;
    std::uint32_t mark = 0;
    bool mark_valid = false;
    std::uint16_t tcam_index = 0xFFFF;
    std::uint32_t h1 = 0;
    std::uint16_t vlan_tci = 0;
    std::uint8_t status = 0;  // completion byte 14
    std::uint8_t types = 0;   // completion byte 15
    std::uint64_t ingress = 0;
  };
  enum class RxOutcome : std::uint8_t { kOk, kNoDesc, kTooLong, kCqFull };

  // Registers.
  std::uint32_t read_reg(std::uint32_t addr);
  void write_reg(std::uint32_t addr, std::uint32_t value);
  std::uint32_t read_nic(std::uint32_t off);
  std::uint32_t read_counter(std::uint32_t off) const;
  std::uint32_t read_flow(std::uint32_t off) const;
  void write_flow(std::uint32_t off, std::uint32_t v);
  std::uint32_t read_tcam(std::uint32_t off) const;
  void write_tcam(std::uint32_t off, std::uint32_t v);
  std::uint32_t read_actions(std::uint32_t off) const;
  void write_actions(std::uint32_t off, std::uint32_t v);
  std::uint32_t read_fcmd(std::uint32_t off) const;
  void write_fcmd(std::uint32_t off, std::uint32_t v);
  std::uint32_t read_queue(const Queue& q, std::uint32_t off) const;
  void write_queue(Queue& q, QueueKind kind, std::uint32_t index, std::uint32_t off,
                   std::uint32_t v);
  std::uint32_t read_vnic(const Vnic& n, std::uint32_t off) const;
  void write_vnic(Vnic& n, unsigned vport, std::uint32_t off, std::uint32_t v);
  /// The value of the 64-bit register whose _LO word is at addr (for the latch).
  [[nodiscard]] bool is_lo64(std::uint32_t addr) const;

  // Datapath (nic_device_datapath.cpp: the only code that calls the Pipeline).
  void dp_apply_globals();
  void dp_apply_vnic(unsigned vport);
  /// The TOKN block (spec 11): keys, windows, verdict counters in the pipeline's checker.
  std::uint32_t dp_token_read(std::uint32_t off);
  void dp_token_write(std::uint32_t off, std::uint32_t v);
  void dp_process(std::span<const std::uint8_t> frame, std::uint8_t src_vport);
  FlowStatus em_command(fmt::FtCmd cmd, std::span<const std::uint8_t> key,
                        std::span<const std::uint8_t> action, std::uint32_t& handle,
                        bool from_ring);
  FlowStatus tcam_command(fmt::TcamCmd cmd, std::uint32_t index, std::uint16_t prio,
                          std::span<const std::uint8_t> value, std::span<const std::uint8_t> mask,
                          std::span<const std::uint8_t> action, bool from_ring);
  /// A command register's value as its enum (a value above 255 is no command: 0).
  template <class E>
  static constexpr E command_of(std::uint32_t v) noexcept {
    return static_cast<E>(v <= 0xFFu ? v : 0u);
  }
  void encap_command(std::uint32_t value);
  void meter_command(std::uint32_t value);
  [[nodiscard]] std::uint32_t em_count() const;
  [[nodiscard]] std::uint32_t num_vnic() const;
  [[nodiscard]] std::uint32_t caps1() const;
  [[nodiscard]] std::uint32_t parse_window() const;
  [[nodiscard]] ParserConfig parser_config() const;

  // Rings.
  void deliver_vnic(std::span<const std::uint8_t> bytes, std::uint8_t vport, std::uint8_t queue,
                    const RxMeta& meta);
  /// Mirror copies and exception outcomes; returns true when delivered.
  bool deliver_exception(std::span<const std::uint8_t> bytes, const RxMeta& meta);
  RxOutcome rx_ring_put(Queue& q, std::span<const std::uint8_t> bytes, const RxMeta& meta);
  void tx_run(unsigned index);
  void tx_run_all();
  [[nodiscard]] bool spoofed(std::span<const std::uint8_t> frame, unsigned vport) const;
  void fcmd_run();
  /// An EM_ACTIVITY command of the ring: the records into its buffer; its status.
  FlowStatus em_activity(const fmt::Fcmd& c);
  void completion_written(Queue& q);
  void irq_check(Queue& q);
  void raise(unsigned vector);
  void flush_interrupts();

  // DMA with error accounting.
  void dma_read(std::uint64_t addr, std::span<std::uint8_t> out);
  void dma_write(std::uint64_t addr, std::span<const std::uint8_t> in);

  DeviceConfig cfg_;
  HostMemory& mem_;
  Pipeline pipeline_;
  std::uint64_t now_ = 0;

  // nic block
  std::uint32_t control_ = 0;
  std::uint32_t scratch_ = 0;
  std::uint32_t wire_max_frame_ = 9018;
  std::uint32_t tx_max_frame_ = 9018;
  std::uint32_t tunnel_ports_ = 0x17C112B5;
  PhyLink link_{};
  std::uint32_t link_changes_ = 0;
  std::uint32_t link_irq_ = 0;
  // tokn block: CONTROL and the key words of the next KEY_CMD LOAD (write-only)
  std::uint32_t token_control_ = 0;
  std::array<std::uint32_t, 4> token_key_enc_{};
  std::array<std::uint32_t, 4> token_key_mac_{};
  // flow block
  std::uint32_t ft_status_ = 0;
  std::uint32_t ft_handle_ = 0;
  std::uint64_t ft_pkts_ = 0;
  std::uint64_t ft_bytes_ = 0;
  std::uint32_t ft_last_seen_ = 0;
  std::array<std::uint32_t, 11> ft_key_{};
  std::array<std::uint32_t, 16> ft_action_{};
  // tcam block
  std::uint32_t tcam_status_ = 0;
  std::uint32_t tcam_index_ = 0;
  std::uint32_t tcam_prio_ = 0;
  std::uint64_t tcam_pkts_ = 0;
  std::uint64_t tcam_bytes_ = 0;
  std::array<std::uint32_t, 14> tcam_value_{};
  std::array<std::uint32_t, 14> tcam_mask_{};
  std::array<std::uint32_t, 16> tcam_action_{};
  // actions block
  std::uint32_t encap_index_ = 0;
  std::uint32_t meter_index_ = 0;
  std::uint32_t meter_rate_ = 0;
  std::uint32_t meter_burst_ = 0;
  std::uint32_t meter_tokens_ = 0;
  std::uint32_t act_status_ = 0;
  std::array<std::uint32_t, 16> encap_data_{};
  // fcmd block
  std::uint64_t fcmd_base_ = 0;
  std::uint32_t fcmd_size_log2_ = 0;
  std::uint32_t fcmd_ctrl_ = 0;
  std::uint16_t fcmd_prod_ = 0;
  std::uint16_t fcmd_cons_ = 0;
  std::uint32_t fcmd_irq_ = 0;
  // queues and VNICs
  Queue excq_{};
  std::vector<Queue> rxq_;
  std::vector<Queue> txq_;
  std::vector<Vnic> vnic_;  // index vport - 1
  // 64-bit read latch: the _HI word captured by the last _LO read.
  std::uint32_t latch_addr_ = 0xFFFFFFFFu;
  std::uint32_t latch_value_ = 0;

  DeviceCounters cnt_{};  // the device's own counts (em_hits etc. come from the pipeline)
  std::uint64_t dma_errors_ = 0;
  std::uint64_t rx_disabled_ = 0;
  std::deque<Frame> wire_out_{};
  std::vector<bool> irq_pending_;
  std::vector<unsigned> irq_deliver_{};
  InterruptHandler irq_handler_{};
  int depth_ = 0;  // nesting of public entry points (interrupts are reported at depth 0)
};

}  // namespace nicsim::model
