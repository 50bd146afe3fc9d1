// SPDX-License-Identifier: MIT
// Driver: probe and feature discovery over the HAL, global control, VNIC configuration and
// statistics. Queues (queue.hpp) and the flow API (flow.hpp) build on it.
//
//   nicsim::host::ModelDevice dev(cfg);            // or a sim / vfio backend
//   auto drv = nicsim::host::Driver::probe(dev);   // walks the block chain from 0
//   drv.enable();
//
// The driver finds every register block by walking the BLOCK_ID/VERSION/NEXT chain and uses
// the discovered base plus the relative offsets of nicsim/regs/nic_regs.hpp; it never assumes a
// block's address. A missing block is an error only when a feature needing it is used.
//
// Queues and flow tables keep a pointer to their Driver: keep the Driver where it is (do
// not move it) while they live. Single-threaded, like one DPDK port's control path.
#pragma once

#include <array>
#include <bitset>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nicsim/host/driver/error.hpp"
#include "nicsim/host/driver/link.hpp"
#include "nicsim/host/driver/stats.hpp"
#include "nicsim/host/driver/token.hpp"
#include "nicsim/host/driver/vnic.hpp"
#include "nicsim/host/hal/device.hpp"

namespace nicsim::host {

/// The register blocks the driver knows.
enum class Block : unsigned {
  kNic,
  kCounters,
  kFlow,
  kTcam,
  kActions,
  kFcmd,
  kExcq,
  kTokn,
  kVnic,
  kRxq,
  kTxq,
  kCount
};
[[nodiscard]] const char* to_string(Block b);

struct BlockInfo {
  bool present = false;
  std::uint32_t base = 0;     // discovered address
  std::uint32_t tag = 0;      // BLOCK_ID
  std::uint32_t version = 0;  // BLOCK_VERSION
};

/// What CAPS0..2 say (counts, not the raw "minus one" encodings).
struct Features {
  unsigned data_width = 0;  // wire stream bits
  unsigned num_vnic = 0;    // vports 1..num_vnic
  unsigned num_rxq = 0;
  unsigned num_txq = 0;
  unsigned em_buckets = 0;  // per bank
  unsigned em_ways = 0;
  unsigned em_entries = 0;  // 2 banks * buckets * ways
  unsigned tcam_entries = 0;
  unsigned num_meters = 0;  // valid indices 1..num_meters-1
  unsigned num_encap = 0;   // valid indices 1..num_encap-1
  unsigned num_vectors = 0;
  unsigned parse_window = 0;
  // Blocks present (the optional ones).
  bool flow_table = false;
  bool tcam = false;
  bool actions = false;
  bool flow_command_ring = false;
  bool exception_queue = false;
  bool counters = false;
  // Optional parts, from the blocks' minor versions (rtl/regs.yaml): the action bits
  // tcp_ctl_copy and the NVGRE / Geneve templates (actions minor 1), the action bit check_osrc
  // (actions minor 2), the flow-command opcode EM_ACTIVITY (fcmd minor 1).
  bool tcp_ctl_copy = false;
  bool encap_nvgre_geneve = false;
  bool check_osrc = false;
  bool em_activity = false;
  // The PHY status registers LINK_STATUS, LINK_CHANGES, LINK_IRQ (nic minor 1, spec 12).
  bool link_status = false;
  // Destination tokens (the TOKN block, spec 11; DROP_TOKEN is counters minor 1).
  bool tokens = false;

  [[nodiscard]] std::string to_string() const;
};

enum class ParseErrorPolicy : std::uint32_t { kDrop = 0, kException = 1 };

class Driver {
 public:
  /// Walks the chain, reads the capabilities. Throws DriverError(kNoDevice) when offset 0 is
  /// not the NIC identity block or the chain is malformed.
  explicit Driver(Device& dev);
  /// The same, as a factory (`auto drv = Driver::probe(dev);`: no move is involved).
  static Driver probe(Device& dev);

  // Queues and flow tables keep a pointer to their Driver: it never moves.
  Driver(Driver&&) = delete;
  Driver& operator=(Driver&&) = delete;
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;
  ~Driver() = default;

  [[nodiscard]] const Features& features() const { return features_; }
  [[nodiscard]] const BlockInfo& block(Block b) const { return blocks_[static_cast<unsigned>(b)]; }
  [[nodiscard]] bool has(Block b) const { return block(b).present; }
  /// Unknown tags met on the chain (newer NIC): (tag, base).
  [[nodiscard]] const std::vector<BlockInfo>& unknown_blocks() const { return unknown_; }
  [[nodiscard]] Device& device() const { return *dev_; }

  // --- global control -------------------------------------------------------------------
  /// Quiesces the NIC: pipeline off, every queue, VNIC and the flow-command ring disabled.
  /// Flow tables are left alone (FlowTable::flush empties them).
  void reset();
  void enable(bool on = true);
  [[nodiscard]] bool enabled();
  void set_parse_error_policy(ParseErrorPolicy p);
  void set_wire_max_frame(std::uint32_t bytes);
  void set_tx_max_frame(std::uint32_t bytes);
  [[nodiscard]] std::uint64_t cycles();

  // --- physical link and MTU (link.hpp; docs/spec.md 12) ----------------------------------
  // DriverError(kMissingBlock) on a NIC without the link registers (features().link_status).
  /// LINK_STATUS now (also what the next service_link() compares against).
  [[nodiscard]] LinkState link();
  /// Raise `vector` on every link change (DriverError(kBadArgument) for a vector the NIC does
  /// not have); the handler calls service_link().
  void enable_link_interrupt(unsigned vector);
  void disable_link_interrupt();
  /// The link interrupt's handling: waits up to `timeout` for the link vector when the
  /// interrupt is enabled (an untimed backend answers at once), then compares LINK_CHANGES with
  /// what the driver last reported. A change: the state before and now and the count, and
  /// the driver remembers it. None: nullopt. Without the interrupt it is a poll.
  [[nodiscard]] std::optional<LinkChange> service_link(std::chrono::nanoseconds timeout = {});
  /// The MTU (WIRE_MAX_FRAME - kMtuOverhead).
  [[nodiscard]] std::uint32_t mtu();
  /// Sets WIRE_MAX_FRAME and TX_MAX_FRAME to mtu + kMtuOverhead: longer frames are dropped on
  /// the way to the wire (drop_mtu) and refused from transmit queues (tx_bad_desc).
  /// DriverError(kBadArgument) outside kMinMtu..kMaxMtu.
  void set_mtu(std::uint32_t mtu);

  // --- VNICs ------------------------------------------------------------------------------
  void configure_vnic(const VnicConfig& cfg);
  void disable_vnic(unsigned vport);
  void release_quota(unsigned vport, std::uint32_t bytes);
  [[nodiscard]] std::uint32_t quota_inflight(unsigned vport);

  // --- destination tokens (token.hpp; docs/spec.md 11) ------------------------------------
  // DriverError(kMissingBlock) on a NIC without the TOKN block (features().tokens);
  // kBadArgument for a slot other than 0 or 1; kTimeout if the NIC stays busy.
  /// Loads `key` into `slot` (the key words, then KEY_CMD LOAD) and waits until the NIC has
  /// taken it (tokens in flight are checked under the key they started with).
  void load_token_key(unsigned slot, const TokenKey& key);
  /// Clears `slot`: its tokens are refused no_key from then on.
  void clear_token_key(unsigned slot);
  /// CONTROL.ENABLE: frames from VNICs carrying a token are checked and routed on its address.
  void enable_tokens(bool on = true);
  /// Clears the replay window of ENI `eni` (1..num_vnic).
  void clear_token_window(unsigned eni);
  [[nodiscard]] TokenStatus token_status();

  // --- statistics -------------------------------------------------------------------------
  [[nodiscard]] Stats stats();

  // --- register access for the driver's own classes --------------------------------------
  /// Base address of a present block; DriverError(kMissingBlock) naming `feature` otherwise.
  [[nodiscard]] std::uint32_t base(Block b, const char* feature) const;
  /// Elements of an array block the NIC has (its VNICs and queues as CAPS0 counts them; the
  /// map's count otherwise); 0 for a block that is no array.
  [[nodiscard]] unsigned elements(Block b) const;
  /// Address of element `i` of an array block (queues, VNICs), range-checked against elements().
  [[nodiscard]] std::uint32_t element(Block b, unsigned i, const char* feature) const;
  [[nodiscard]] std::uint32_t rd(std::uint32_t addr) { return dev_->read32(addr); }
  void wr(std::uint32_t addr, std::uint32_t v) { dev_->write32(addr, v); }
  /// Returns when every register write issued so far has reached the NIC: writes are posted
  /// (PCIe), a read is not and does not pass them. Calls that configure what the wire's frames
  /// meet (enable, a VNIC, a receive queue) end with it, so it is in effect when they return.
  void flush_writes();
  /// A register array of `words` 32-bit words from bytes (byte 4i is bits 7:0 of word i; bytes
  /// beyond `bytes` are written as zero).
  void wr_words(std::uint32_t addr, std::uint32_t words, std::span<const std::uint8_t> bytes);
  /// 64-bit register: _LO first (latches _HI), then _HI.
  [[nodiscard]] std::uint64_t rd64(std::uint32_t addr_lo);
  void wr64(std::uint32_t addr_lo, std::uint64_t v);
  /// Polls a status register until bit 31 (BUSY) clears; DriverError(kTimeout) otherwise.
  std::uint32_t wait_not_busy(std::uint32_t status_addr, const char* what);

  // Queue ownership (queues register themselves so two objects never drive one queue).
  void claim_queue(Block b, unsigned i);
  void release_queue(Block b, unsigned i) noexcept;

 private:
  Device* dev_;
  std::array<BlockInfo, static_cast<unsigned>(Block::kCount)> blocks_{};
  std::vector<BlockInfo> unknown_;
  // The nic block's base; DriverError(kMissingBlock) on a NIC without the link registers
  // (a check without a register read).
  std::uint32_t link_base();
  // The link as last reported by link() / service_link(), and LINK_CHANGES then.
  LinkState link_seen_{};
  std::uint32_t link_changes_seen_ = 0;
  std::optional<unsigned> link_vector_;
  Features features_{};
  std::bitset<64> rxq_busy_{}, txq_busy_{};
  bool excq_busy_ = false;
};

}  // namespace nicsim::host
