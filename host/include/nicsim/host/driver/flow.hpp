// SPDX-License-Identifier: MIT
// The flow API, in the shape of DPDK rte_flow: attributes, a pattern of items (spec + mask),
// a list of actions; validate, create, destroy, query, flush; typed FlowErrors.
//
//   FlowTable ft(drv);
//   std::vector<FlowItem> pattern{
//       ItemEth{}, ItemIpv4{{.spec = Ipv4Hdr{.src = 0x0a000001, .dst = 0x0a000002}}},
//       ItemTcp{{.spec = TcpHdr{.sport = 1234, .dport = 80}}}};   // END optional
//   std::vector<FlowAction> actions{ActionMark{7}, ActionVnic{1}};
//   auto f = ft.create({.ingress_vport = 0}, pattern, actions);   // Result<Flow>
//   if (!f) std::cerr << f.error().to_string();                   // FlowError
//   if (auto r = ft.destroy(*f); !r) ...                          // Result<void>
//
// One FlowTable per Driver, used from one thread (like a DPDK port's flow API without the
// lock). Installed flows stay in the NIC when the FlowTable goes away; flush() removes them.
//
// Compilation (docs/host.md): the pattern describes the header stack (no VLAN item means an
// untagged frame, no tunnel item an untunnelled one) and compiles to the 56-byte TCAM key
// (42-byte flow key + inner MACs and EtherType) with a mask. A rule whose mask covers the
// whole 42-byte flow key and nothing of the MAC/EtherType tail goes to the exact-match table
// (looked up first, priority ignored); anything with wildcards goes to the TCAM at its
// priority. Fields the key does not carry (TTL, TCP flags, outer headers of a tunnel, ...)
// are FlowError kItem, never silently ignored.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "nicsim/host/driver/error.hpp"
#include "nicsim/host/hal/device.hpp"

#include "nicsim/regs/nic_formats.hpp"

namespace nicsim::host {

class Driver;

using Mac = std::array<std::uint8_t, 6>;
using Ipv6 = std::array<std::uint8_t, 16>;

// ---- pattern items: each holds an optional spec and an optional mask ---------------------
// No spec: the header must be present, any content. No mask: the item's default mask (all
// of the fields the struct names).

template <class Hdr>
struct Item {
  std::optional<Hdr> spec{};
  std::optional<Hdr> mask{};
};

struct EthHdr {
  Mac dst{};
  Mac src{};
  std::uint16_t type = 0;
};
struct VlanHdr {
  std::uint16_t tci = 0;
  std::uint16_t inner_type = 0;
};
struct Ipv4Hdr {
  std::uint32_t src = 0, dst = 0;  // host order
  std::uint8_t proto = 0, ttl = 0, tos = 0;
  std::uint16_t frag = 0;  // flags + fragment offset
};
struct Ipv6Hdr {
  Ipv6 src{}, dst{};
  std::uint8_t proto = 0, hop_limit = 0, tc = 0;
};
struct TcpHdr {
  std::uint16_t sport = 0, dport = 0;
  std::uint8_t flags = 0;
};
struct UdpHdr {
  std::uint16_t sport = 0, dport = 0;
};
struct IcmpHdr {
  std::uint8_t type = 0, code = 0;
  std::uint16_t ident = 0;
};
struct TunHdr {
  std::uint32_t id = 0;
};  // VXLAN/Geneve VNI, NVGRE VSID
struct GreHdr {
  std::uint32_t key = 0;
  std::uint16_t protocol = 0;
};
struct VportHdr {
  std::uint32_t id = 0;
};
struct EndHdr {};

struct ItemEth : Item<EthHdr> {};
struct ItemVlan : Item<VlanHdr> {};
struct ItemIpv4 : Item<Ipv4Hdr> {};
struct ItemIpv6 : Item<Ipv6Hdr> {};
struct ItemTcp : Item<TcpHdr> {};
struct ItemUdp : Item<UdpHdr> {};
struct ItemIcmp : Item<IcmpHdr> {};
struct ItemIcmpv6 : Item<IcmpHdr> {};
struct ItemVxlan : Item<TunHdr> {};
struct ItemNvgre : Item<TunHdr> {};
struct ItemGeneve : Item<TunHdr> {};
struct ItemGre : Item<GreHdr> {};
struct ItemVport : Item<VportHdr> {};  // rte_flow PORT_ID: the source vport
struct ItemEnd : Item<EndHdr> {};

using FlowItem =
    std::variant<ItemEth, ItemVlan, ItemIpv4, ItemIpv6, ItemTcp, ItemUdp, ItemIcmp, ItemIcmpv6,
                 ItemVxlan, ItemNvgre, ItemGeneve, ItemGre, ItemVport, ItemEnd>;

// ---- actions -------------------------------------------------------------------------------

struct ActionDrop {};
struct ActionPort {
  unsigned port = 0;
};  // to the wire (port 0)
struct ActionVnic {
  unsigned vport = 1;
};  // rte_flow PORT_ID: to a VNIC
struct ActionMark {
  std::uint32_t id = 0;
};
struct ActionMeter {
  unsigned index = 1;
};
struct ActionVxlanDecap {};  // removes any tunnel the parser knows
/// Encapsulation with template `template_index` (docs/spec.md 5.5), written with
/// FlowTable::set_encap_template; the template's tunnel type must be the action's (a template
/// never written is VXLAN, the NIC's default template). rte_flow's VXLAN_ENCAP and
/// NVGRE_ENCAP, and GENEVE_ENCAP (no rte_flow counterpart: RAW_ENCAP there), take the outer
/// headers from the template rather than from a header list.
struct ActionVxlanEncap {
  unsigned template_index = 1;
};
struct ActionNvgreEncap {
  unsigned template_index = 1;
};
struct ActionGeneveEncap {
  unsigned template_index = 1;
};
struct ActionPopVlan {};
struct ActionPushVlan {
  std::uint16_t ethertype = 0x8100;
};
struct ActionSetVlanVid {
  std::uint16_t vid = 0;
};
struct ActionSetVlanPcp {
  std::uint8_t pcp = 0;
};
struct ActionSetMacSrc {
  Mac mac{};
};
struct ActionSetMacDst {
  Mac mac{};
};
struct ActionSetIpv4Src {
  std::uint32_t addr = 0;
};
struct ActionSetIpv4Dst {
  std::uint32_t addr = 0;
};
struct ActionSetIpv6Src {
  Ipv6 addr{};
};
struct ActionSetIpv6Dst {
  Ipv6 addr{};
};
struct ActionSetTpSrc {
  std::uint16_t port = 0;
};
struct ActionSetTpDst {
  std::uint16_t port = 0;
};
struct ActionDecTtl {};
struct ActionMirror {};     // a copy as received to the exception ring
/// A copy as received of the flow's TCP control segments (SYN, FIN or RST at the key level)
/// to the exception ring, reason fmt::ExcReason::kTcpCtl, while the frame keeps its action:
/// the host's connection tracking sees a connection open and close while its flow is
/// offloaded (docs/spec.md 5.2 step 2). With MIRROR too, a control segment gives one copy
/// (reason TCP_CTL) and any other frame the mirror copy. The flow must be able to carry TCP
/// (a pattern whose protocol is not TCP is FlowError kAction).
struct ActionTcpCtlCopy {};
/// Provider-address validation in the NIC (docs/spec.md 5.2, action bit check_osrc): a frame
/// of the flow whose outermost IP source is not `addr` (for a tunnelled flow: the underlay's,
/// which the pattern cannot match) goes to the exception ring as received, reason
/// fmt::ExcReason::kOuterSrc, and nothing else of the action happens. Not with SET_IPV4_SRC /
/// SET_IPV6_SRC (one field in the record holds either); needs Features::check_osrc.
struct ActionCheckOuterSrc {
  std::array<std::uint8_t, 16> addr{};  // IPv4: in the last 4 bytes, the 12 before zero
};
struct ActionException {};  // to the host's exception ring
struct ActionEnd {};

using FlowAction =
    std::variant<ActionDrop, ActionPort, ActionVnic, ActionMark, ActionMeter, ActionVxlanDecap,
                 ActionVxlanEncap, ActionNvgreEncap, ActionGeneveEncap, ActionPopVlan, ActionPushVlan, ActionSetVlanVid,
                 ActionSetVlanPcp, ActionSetMacSrc, ActionSetMacDst, ActionSetIpv4Src,
                 ActionSetIpv4Dst, ActionSetIpv6Src, ActionSetIpv6Dst, ActionSetTpSrc,
                 ActionSetTpDst, ActionDecTtl, ActionMirror, ActionTcpCtlCopy,
                 ActionCheckOuterSrc, ActionException, ActionEnd>;

enum class Placement { kAuto, kExact, kTcam };

struct FlowAttr {
  std::uint32_t priority = 0;               // TCAM priority, lower wins (0..65535)
  std::optional<unsigned> ingress_vport{};  // source vport (0 wire, 1..N VNICs, 255 host)
  bool ingress = true;
  bool egress = false;                     // not supported
  bool transfer = false;                   // not supported
  Placement placement = Placement::kAuto;  // force a table (kExact needs a full key)
};

struct FlowRule {
  FlowAttr attr{};
  std::vector<FlowItem> pattern;
  std::vector<FlowAction> actions;
};

/// Handle of an installed flow.
struct Flow {
  std::uint32_t id = 0;
  friend bool operator==(Flow, Flow) = default;
};

enum class FlowTableKind { kExact, kTcam };

struct FlowCounters {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  std::optional<std::uint32_t> last_seen;  // EM only: ingress cycle >> 16
};

/// What a rule compiles to (exposed for tests and tools).
struct CompiledRule {
  FlowTableKind table = FlowTableKind::kExact;
  std::uint16_t priority = 0;
  std::array<std::uint8_t, fmt::tcam_key::kBytes> value{};  // the flow key, then the tail
  std::array<std::uint8_t, fmt::tcam_key::kBytes> mask{};
  std::array<std::uint8_t, fmt::ActionRecord::kBytes> action{};
};

/// A VXLAN encap template (docs/spec.md 5.5; layout generated from rtl/formats.yaml).
using EncapTemplate = fmt::EncapTemplate;
/// An IPv4 template: outer MACs, addresses (host order) and VNI; UDP port 4789, TTL 64.
[[nodiscard]] EncapTemplate encap_template_v4(Mac dst, Mac src, std::uint32_t sip,
                                              std::uint32_t dip, std::uint32_t vni);

/// The NIC's flow tables (EM, TCAM), encap templates and meters.
class FlowTable {
 public:
  explicit FlowTable(Driver& drv);
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;
  ~FlowTable();

  Result<void> validate(const FlowAttr& attr, std::span<const FlowItem> pattern,
                        std::span<const FlowAction> actions) const;
  Result<Flow> create(const FlowAttr& attr, std::span<const FlowItem> pattern,
                      std::span<const FlowAction> actions);
  Result<Flow> create(const FlowRule& r) { return create(r.attr, r.pattern, r.actions); }
  /// Many rules at once: EM rules through the flow-command ring (one doorbell per ring's
  /// worth), TCAM rules through registers. One result per rule, in order.
  std::vector<Result<Flow>> create_batch(std::span<const FlowRule> rules);
  Result<void> destroy(Flow f);
  /// Many flows at once: EM flows through the flow-command ring (EM_DELETE_HANDLE, one doorbell
  /// per ring's worth), TCAM rules through registers. Each flow is forgotten whatever its
  /// result, as by destroy(). One result per flow, in order (a flow named twice: NOT_FOUND the
  /// second time).
  std::vector<Result<void>> destroy_batch(std::span<const Flow> flows);
  Result<FlowCounters> query(Flow f);
  /// The counters of many flows at once (aging: pass flows() for all): exact-match flows
  /// through the flow-command ring's EM_ACTIVITY (one command per run of nearby handles, the
  /// records DMAed into a buffer; one doorbell per ring's or buffer's worth) instead of
  /// query()'s ~8 register accesses per flow; TCAM rules, and every flow when the NIC has no
  /// ring or no EM_ACTIVITY (Features::em_activity), through query(). One result per flow, in
  /// order.
  std::vector<Result<FlowCounters>> query_bulk(std::span<const Flow> flows);
  /// Destroys every flow this table installed (all of them, also after an error: the first
  /// error is returned).
  Result<void> flush();

  /// Compiles a rule without installing it. `nic_templates` false: an encap action is not
  /// checked against the tunnel type of the NIC's template at its index (for a caller that
  /// executes the record itself with templates of its own, e.g. a software fast path; the
  /// record is the same for every tunnel type, the template says which).
  [[nodiscard]] Result<CompiledRule> compile(const FlowAttr& attr,
                                             std::span<const FlowItem> pattern,
                                             std::span<const FlowAction> actions,
                                             bool nic_templates = true) const;
  [[nodiscard]] std::optional<FlowTableKind> table_of(Flow f) const;
  [[nodiscard]] std::optional<std::uint32_t> hw_handle(Flow f) const;  // EM handle / TCAM index
  [[nodiscard]] std::size_t size() const { return flows_.size(); }
  /// Every flow this table installed, oldest first.
  [[nodiscard]] std::vector<Flow> flows() const;
  [[nodiscard]] std::uint32_t em_count();  // FT_COUNT

  /// The entry of flow `f` as the NIC holds it, read back through the tables' READ commands
  /// (FT_CMD READ: key and action record; TCAM_CMD READ: priority, value, mask and action).
  /// `table` and the arrays the table does not have (an EM entry's mask) are as compiled.
  Result<CompiledRule> read_back(Flow f);
  /// Checks the NIC's tables against what this table wrote: the first `max_flows` flows
  /// (oldest first) are read back and compared with their compiled rule, byte by byte (a
  /// TCAM value under its mask: the bits a mask leaves out are the NIC's to keep). One line
  /// per difference or failed read ("flow 3 (EM 17): action byte 9: NIC 0x00, driver 0x04");
  /// empty when the NIC holds every flow as written.
  std::vector<std::string> audit(std::size_t max_flows = SIZE_MAX);

  // ---- action resources ----
  /// Writes template `index` (1..num_encap-1) of any tunnel type (VXLAN, NVGRE, Geneve; the
  /// reserved type is FlowError kAction) and remembers its type for the encap actions.
  Result<void> set_encap_template(unsigned index, const EncapTemplate& t);
  /// The tunnel type of template `index` as this table wrote it (VXLAN if never written).
  [[nodiscard]] fmt::EncapTunnel encap_tunnel(unsigned index) const;
  Result<void> set_meter(unsigned index, std::uint32_t rate_bytes_per_tick,
                         std::uint32_t burst_bytes);
  Result<std::uint32_t> meter_tokens(unsigned index);

  /// Size of the flow-command ring (log2 entries), set up at the first batch.
  void set_command_ring_size(unsigned log2) { ring_log2_ = log2; }

 private:
  struct Installed {
    FlowTableKind table;
    std::uint32_t hw;  // EM handle or TCAM index
    CompiledRule rule;  // as written to the NIC (audit)
  };
  Result<Flow> install_em(const CompiledRule& c);
  Result<Flow> install_tcam(const CompiledRule& c);
  Flow remember(FlowTableKind t, std::uint32_t hw, const CompiledRule& rule);
  /// A command on one entry through the registers: its EM handle (FT_HANDLE) or TCAM index
  /// (TCAM_INDEX), then the command; waits until BUSY clears and returns the status code.
  fmt::FlowStatus em_cmd(std::uint32_t handle, fmt::FtCmd cmd);
  fmt::FlowStatus tcam_cmd(std::uint32_t index, fmt::TcamCmd cmd);
  void setup_ring();
  /// Posts the ring's slots up to `prod` and waits until the NIC has executed them.
  void ring_run(std::uint16_t prod);

  Driver* drv_;
  std::map<std::uint32_t, Installed> flows_;
  std::uint32_t next_id_ = 1;
  std::vector<bool> tcam_used_;
  std::map<unsigned, fmt::EncapTunnel> encap_tunnels_;  // templates written other than VXLAN
  /// Slot `index` (mod the ring size) of the flow-command ring.
  [[nodiscard]] std::span<std::uint8_t> ring_slot(std::uint16_t index);

  unsigned ring_log2_ = 10;
  DmaRegion ring_;
  std::uint16_t ring_prod_ = 0;
  DmaRegion activity_;  // EM_ACTIVITY records of query_bulk
};

}  // namespace nicsim::host
