// SPDX-License-Identifier: MIT
// The virtual switch's slow path in DASH's shape (docs/vswitch.md, docs/vswitch-dash.md): what one
// packet of a new connection becomes, from the policy of the ENI (the VM's virtual NIC) it
// belongs to. Two placements share it: an ENI bound to a local VNIC (the hypervisor's switch of
// the source documents) and an ENI of a remote VM whose traffic reaches this host tunnelled on
// the wire (DASH's appliance). The overlay's tunnels are VXLAN, NVGRE and Geneve (Ethernet
// inside; the VNI of VXLAN and Geneve, the VSID of NVGRE, all called VNI here).
//
//   direction (direction_of): from a VNIC, outbound; from the wire, a tunnel whose VNI has a
//     direction lookup entry takes that entry's direction, other tunnels are inbound.
//   outbound (from the VM): [from the wire: outer destination must be one of the VIPs] -> ENI by
//     the (inner) source MAC (ENI_ETHER_ADDRESS_MAP, else the ENI's own MAC) -> admin state ->
//     [from the wire: trusted VNI] -> outbound ACL stages -> the ENI's outbound routing group (or
//     its own routes) by destination (longest prefix) -> route type:
//       vnet         the destination's CA-to-PA mapping in the route's VNET (the ENI's when 0):
//                    encap (the mapping's tunnel type, VXLAN by default) with that VNET's VNI
//                    (or the ENI's VNET's, per the mapping, or the mapping's own tunnel key) to
//                    the mapping's PA, inner destination MAC the mapping's overlay MAC; no
//                    mapping: drop
//       vnet_direct  the same, the mapping looked up by the route's overlay IP instead
//       direct       to the underlay as it is (no encap)
//       drop         drop
//       tether       subnet relocation (docs/vswitch-relocation.md), on the tether: over the
//                    relocation tunnel to the anchor (VXLAN with the tunnel's VNI from this host's
//                    PA and the tunnel's fixed UDP port, so that one NAT binding carries it all),
//                    the inner frame unchanged
//       context      routing contexts (docs/vswitch.md, "Routing contexts"): the destination's
//                    mapping in the route's context's VNET, which must be a VM of this host
//                    bound to that context: to its VNIC through its inbound ACL, routed by the
//                    host's virtual router (TTL decremented, source MAC the context's router
//                    MAC, destination MAC the VM's), never on the wire
//     The outer source is this host's PA, or for a packet from the wire the VIP it was sent to.
//   inbound (from the wire, tunnelled): outer destination must be one of the VIPs -> ENI by the
//     inner destination MAC -> admin state -> trusted VNI -> the ENI's inbound routing entry for
//     the VNI and the outer source (DASH's INBOUND_ROUTING_ENTRY: exact VNI, source prefix,
//     lowest priority wins): decap, or decap with PA validation (the outer source must be a
//     valid PA of the entry's source VNET: PA_VALIDATION_ENTRY) -> inbound ACL stages -> to the
//     ENI's VNIC, or (an ENI with no VNIC: the appliance) re-encapsulated to the VM's host.
//   relocation (docs/vswitch-relocation.md): the anchor takes a tunnelled packet of the VNET to a
//     relocated address off its tunnel and sends it over the relocation tunnel to the tether's
//     learned (translated) address and port; a packet from the tunnel (its VNI) goes outbound: its
//     source must be relocated, its destination's mapping in the VNET gives the home host. The
//     tether delivers the tunnel's packets (from the anchor only) to its VMs as an inbound routing
//     entry would.
//   metering (DASH's billing buckets, not a policer): the meter class is the OR of the classes
//     the route, mapping or inbound routing entry carry, masked by their AND; 0 falls back to the
//     ENI's meter policy (rules by destination, inbound by source, lowest priority wins); the
//     switch calls account() with each packet's overlay size.
//
// The result, a Decision, is what the unified flow table caches per connection and offloads.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "nicsim/host/vswitch/acl.hpp"
#include "nicsim/host/vswitch/lpm.hpp"
#include "nicsim/model/addr.hpp"
#include "nicsim/model/parse_result.hpp"

namespace nicsim::host::vswitch {

/// Which way a packet goes through the switch: from a VM (outbound) or to one (inbound).
enum class Direction : std::uint8_t { kOutbound, kInbound };
[[nodiscard]] const char* to_string(Direction d) noexcept;

enum class RouteType : std::uint8_t { kVnet, kVnetDirect, kDirect, kDrop, kContext, kTether };
[[nodiscard]] const char* to_string(RouteType t) noexcept;

/// DASH's meter class bits of a routing entry: the classes of a packet's entries are ORed, then
/// masked by the AND of their masks.
inline constexpr std::uint32_t kMeterClassAll = 0xFFFFFFFFu;

struct OutboundRoute {
  RouteType type = RouteType::kDrop;
  std::uint32_t vnet = 0;                     // vnet, vnet_direct: the VNET (0: the ENI's)
  std::optional<model::IpAddr> overlay_ip{};  // vnet_direct: the CA to look the mapping up by
  std::uint32_t meter_class_or = 0;
  std::uint32_t meter_class_and = kMeterClassAll;
  std::uint32_t context = 0;  // context: the routing context (group) routed to
};

/// OUTBOUND_CA_TO_PA_ENTRY: where a customer address lives.
struct CaPaMapping {
  model::IpAddr underlay_ip;  // the PA of the host it is on
  model::MacAddr overlay_mac;  // the destination MAC the VM sees
  /// The encap's VNI is the mapping's VNET's; false: the ENI's VNET's (DASH's USE_DST_VNET_VNI).
  bool use_dst_vnet_vni = true;
  std::uint32_t meter_class_or = 0;
  /// The tunnel to it (DASH's DASH_ENCAPSULATION) and, when set, the VNI (VSID) it is sent with
  /// instead of the VNET's (DASH's TUNNEL_KEY).
  model::TunnelType encap = model::TunnelType::kVxlan;
  std::optional<std::uint32_t> tunnel_key{};
  friend bool operator==(const CaPaMapping&, const CaPaMapping&) = default;
};

struct Vnet {
  std::uint32_t vni = 0;
  std::unordered_map<model::IpAddr, CaPaMapping, IpHash> mappings;  // by customer address
  /// PA_VALIDATION_ENTRY: the underlay sources this VNET's traffic may come from.
  std::unordered_set<model::IpAddr, IpHash> valid_pas;
};

/// A live migration's shadow policy (docs/vswitch-migration.md): CA-to-PA mappings and valid PAs
/// staged under a migration id, inactive (no decision sees them) until Pipeline::activate()
/// makes all of them the policy at once.
struct ShadowPolicy {
  struct Mapping {
    std::uint32_t vnet = 0;
    model::IpAddr ca;
    CaPaMapping mapping;
  };
  /// `pa` joins (valid) or leaves (!valid) the VNET's valid PAs.
  struct ValidPa {
    std::uint32_t vnet = 0;
    model::IpAddr pa;
    bool valid = true;
  };
  std::vector<Mapping> mappings;  // one per VNET and CA (staged again: the latest)
  std::vector<ValidPa> valid_pas;  // one per VNET and PA (staged again: the latest)
};

/// A migration the policy refuses: id 0, a VNET that does not exist, a customer address another
/// pending migration stages, an id activated already or with nothing staged.
class MigrationError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// INBOUND_ROUTING_ENTRY of an ENI: tunnelled packets with this VNI from a source in `sip`.
struct InboundRoute {
  std::uint32_t vni = 0;
  IpPrefix sip;                 // the outer source (underlay); /0 for any
  std::uint32_t priority = 0;   // lower wins
  bool pa_validate = false;     // tunnel_decap_pa_validate (else tunnel_decap)
  std::uint32_t src_vnet = 0;   // pa_validate: the VNET whose valid PAs the source must be in
  std::uint32_t meter_class_or = 0;
  std::uint32_t meter_class_and = kMeterClassAll;
};

/// OUTBOUND_ROUTING_GROUP: a route table several ENIs may share; a disabled group drops.
///
/// A routing context (docs/vswitch.md, "Routing contexts": one network-stack instance that
/// containers share) is a group with `vnet` set: its members (the ENIs whose routing_group is
/// its id) share its routes, the addresses it owns are the CA mappings of `vnet`, and
/// `router_mac` is the host's virtual router on it (the source MAC of what another context's
/// `context` route delivers into it). Contexts are isolated unless a route says otherwise.
struct OutboundRoutingGroup {
  bool disabled = false;
  LpmTable<OutboundRoute> routes;
  std::uint32_t vnet = 0;  // a routing context: the VNET of its addresses (0: a plain group)
  std::optional<model::MacAddr> router_mac{};
};

/// An underlay address and UDP port (a tunnel's far end as this host sees it).
struct TunnelEndpoint {
  model::IpAddr ip;
  std::uint16_t port = 0;
  friend bool operator==(const TunnelEndpoint&, const TunnelEndpoint&) = default;
};

/// Subnet relocation (docs/vswitch-relocation.md): `subnets` of VNET `vnet` moved to a remote
/// site and keep their addresses. The home site's hosts still map them to the anchor (their
/// CA-to-PA mappings name the anchor's PA); the anchor and the tether at the new site are
/// joined by a VXLAN tunnel (VNI `vni`) that crosses a NAT, so the tether (behind it) opens it:
/// everything it sends into the tunnel leaves from its UDP port `port` to the anchor's `port`,
/// and the anchor answers to the address and port the tunnel's frames came from (learned, kept
/// current when the NAT rebinds). The tether sends a keepalive every `keepalive_ns` so that the
/// NAT keeps its binding while no traffic flows.
struct Relocation {
  enum class Role : std::uint8_t { kAnchor, kTether };
  Role role = Role::kAnchor;
  std::uint32_t vnet = 0;
  std::vector<IpPrefix> subnets;
  std::uint32_t vni = 0;
  /// The tunnel's UDP port at both ends (the NICs parse it as VXLAN: 4789).
  std::uint16_t port = 4789;
  /// Tether: the anchor's underlay address (where the tunnel goes).
  std::optional<model::IpAddr> anchor{};
  /// Tether: the keepalive period (ns); 0: none.
  std::uint64_t keepalive_ns = 10'000'000'000ull;
  /// Anchor: the tether as the tunnel's frames show it (after the NAT); none until the first.
  std::optional<TunnelEndpoint> tether{};

  /// One of the relocated subnets holds `a`.
  [[nodiscard]] bool relocated(const model::IpAddr& a) const;
};
[[nodiscard]] const char* to_string(Relocation::Role r) noexcept;

/// A relocation the policy refuses (Pipeline::set_relocation): the message says why.
class RelocationError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// VNIs lo..hi, inclusive (DASH's trusted-VNI entries).
struct VniRange {
  std::uint32_t lo = 0, hi = 0;
  [[nodiscard]] constexpr bool contains(std::uint32_t v) const noexcept {
    return v >= lo && v <= hi;
  }
  friend bool operator==(const VniRange&, const VniRange&) = default;
};

/// METER_RULE: packets whose overlay destination (inbound: source) is in `prefix` get
/// `meter_class`; among the matching rules of a policy the lowest priority wins (equal: the
/// first added).
struct MeterRule {
  std::string name;
  IpPrefix prefix;
  std::uint32_t priority = 0;
  std::uint32_t meter_class = 0;
};

/// METER_POLICY: rules of one address family.
struct MeterPolicy {
  bool ipv6 = false;
  std::vector<MeterRule> rules;
  /// The rule deciding for `a`, or null.
  [[nodiscard]] const MeterRule* match(const model::IpAddr& a) const;
};

/// A meter bucket of an ENI (one per meter class): the overlay bytes and packets it billed.
struct MeterCounters {
  std::uint64_t outbound_bytes = 0, outbound_packets = 0;
  std::uint64_t inbound_bytes = 0, inbound_packets = 0;
  friend bool operator==(const MeterCounters&, const MeterCounters&) = default;
};

/// Source NAT of an ENI's traffic to the underlay (its `direct` routes): the VM's TCP and UDP
/// connections leave from `public_ip` (the host's address, or one of its own), and their replies
/// come back to it. With `ports`, each connection gets a port of the range (NAPT: many VMs
/// behind one address); without, the VM's own port is kept (1:1: the address is the VM's
/// alone).
///
/// A shared address (docs/vswitch.md, "Several VNICs sharing the physical address"): with
/// `inbound_to` and `listen` set, `ports` is this ENI's own part of `public_ip` (usually the
/// host's physical address), which other ENIs share with ranges of their own, disjoint
/// (Pipeline::check_shared_addresses). `listen` (inside `ports`) are the VM's listening ports:
/// new TCP and UDP connections from the underlay to one of them go to the VM at `inbound_to`,
/// the port kept (the switch steers them in the NIC's TCAM), and the VM's packets from one of
/// them leave from that same port (its replies). Its other connections get a port of the rest
/// of the range (NAPT; the listening ports are never handed out, so a NAT reply is never taken
/// for a new connection).
struct Snat {
  model::IpAddr public_ip;
  std::optional<PortRange> ports{};
  std::optional<model::IpAddr> inbound_to{};
  std::optional<PortRange> listen{};
  friend bool operator==(const Snat&, const Snat&) = default;
};

/// A shared address the policy refuses (Pipeline::check_shared_addresses): the message names
/// the ENIs and ranges.
class SharedAddressError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// Destination NAT (port forwarding) to an ENI's VM: connections from the underlay to
/// `public_ip`:`public_port` (TCP or UDP) go to the VM's `vm_ip`:`port`, their replies leave
/// from the public address and port.
struct Dnat {
  std::uint8_t proto = 6;
  model::IpAddr public_ip;
  std::uint16_t public_port = 0;
  model::IpAddr vm_ip;
  std::uint16_t port = 0;
  friend bool operator==(const Dnat&, const Dnat&) = default;
};

/// A mirror session (VFP's port mirroring, Azure's virtual network TAP): copies of packets,
/// VXLAN-encapsulated with `vni` from this host's PA, sent over the underlay to `collector`.
struct MirrorSession {
  model::IpAddr collector;
  std::uint32_t vni = 0;
  friend bool operator==(const MirrorSession&, const MirrorSession&) = default;
};

/// Which of an ENI's packets are copied to mirror session `session`: those of `direction`
/// (none: both) whose 5-tuple (as the ENI sees it: before NAT, the inner one of a tunnelled
/// packet) meets `match`'s conditions (source and destination prefixes, protocols, port
/// ranges; empty lists match anything; its name, priority and action are not used).
struct MirrorRule {
  std::uint32_t session = 0;
  std::optional<Direction> direction{};
  AclRule match{};
};

struct Eni {
  model::MacAddr mac;  // its VM's MAC (ENI_ETHER_ADDRESS_MAP entries may add or override)
  std::uint32_t vnet = 0;
  bool admin_up = true;
  /// The VNIC (NIC vport) it is bound to; 0: none, the VM is remote (DASH's appliance): inbound
  /// packets are re-encapsulated to `vm_underlay_ip` with `vm_vni`.
  unsigned vport = 1;
  std::optional<model::IpAddr> vm_underlay_ip{};
  std::uint32_t vm_vni = 0;
  /// The ACL stages of each direction: `outbound_acl` / `inbound_acl` for IPv4 flows, and for
  /// IPv6 flows too unless the `_v6` stages of that direction hold a group (DASH has separate
  /// IPv4 and IPv6 stages per direction).
  AclStages outbound_acl, inbound_acl;
  AclStages outbound_acl_v6, inbound_acl_v6;
  /// Outbound routes: the routing group's when `routing_group` is not 0, else these.
  LpmTable<OutboundRoute> routes;
  std::uint32_t routing_group = 0;
  std::vector<InboundRoute> inbound_routes;
  std::uint32_t meter_policy_v4 = 0, meter_policy_v6 = 0;  // 0: none
  std::vector<VniRange> trusted_vnis;  // ENI_TRUSTED_VNI_ENTRY
  std::optional<Snat> snat{};          // source NAT of its direct routes' traffic
  std::vector<Dnat> dnat;              // port forwardings to the VM
  /// The VM is also on the physical network: frames from the wire for its MAC (with this VLAN
  /// tag, removed; none: untagged) go straight to its VNIC, classified by the NIC's MAC and VLAN
  /// table (the switch's rules), not through the overlay.
  struct Bridge {
    std::optional<std::uint16_t> vlan{};
  };
  std::optional<Bridge> bridge{};
  /// Mirroring of its packets; the first rule that matches a packet decides its session.
  std::vector<MirrorRule> mirror;

  /// The stages a flow of this direction and family is evaluated against.
  [[nodiscard]] const AclStages& acl(Direction d, bool ipv6) const;
  /// Grows whenever a verdict of that direction may change (either family's stages).
  [[nodiscard]] std::uint64_t acl_version(Direction d) const;
};

/// The packet fields the slow path decides on (from its headers: packet_info()).
struct PacketInfo {
  model::MacAddr src_mac, dst_mac;  // the (inner, for a tunnelled packet) Ethernet addresses
  FlowTuple tuple;                  // the (inner) 5-tuple
  std::uint8_t tcp_flags = 0;
  /// Came from the wire in a tunnel carrying Ethernet (VXLAN, NVGRE or Geneve): the fields
  /// above are the inner frame's, the tunnel's below are valid.
  bool tunnelled = false;
  model::TunnelType tunnel = model::TunnelType::kNone;
  std::uint32_t vni = 0;  // VXLAN and Geneve VNI, NVGRE VSID
  model::IpAddr outer_src, outer_dst;
  std::uint16_t outer_sport = 0;  // the tunnel's UDP source port (VXLAN, Geneve; NVGRE: 0)
  /// Bytes of the (inner) Ethernet frame: what DASH's meters bill.
  std::uint32_t overlay_len = 0;
};

/// Reads a frame's fields: an untunnelled IP frame, or a tunnel (VXLAN, NVGRE, Geneve) carrying
/// one in Ethernet. Nullopt for what the switch does not route (no IP, a parse error).
[[nodiscard]] std::optional<PacketInfo> packet_info(std::span<const std::uint8_t> frame);
/// The same for a frame that came in on `src_vport`: 0 is the wire (tunnels are opened, as above);
/// from a VNIC the frame is the VM's own and a tunnel in it is only its payload (not opened).
[[nodiscard]] std::optional<PacketInfo> packet_info(std::span<const std::uint8_t> frame,
                                                    unsigned src_vport);
/// The same, the frame parsed into `pr` (the caller's: the switch transposes the frame and makes
/// its flow rule from that parse instead of parsing it again).
[[nodiscard]] std::optional<PacketInfo> packet_info(std::span<const std::uint8_t> frame,
                                                    unsigned src_vport, model::ParseResult& pr);

/// What the slow path decided for a packet.
struct Decision {
  enum class Kind : std::uint8_t { kDrop, kEncap, kDirect, kToVnic };
  Kind kind = Kind::kDrop;
  Direction direction = Direction::kOutbound;
  std::string reason;       // kDrop: why ("acl", "route_miss", "mapping_miss", "route_drop",
                            // "routing_group_miss", "routing_group_disabled", "no_vnet",
                            // "eni_down", "no_eni", "wrong_vip", "trusted_vni",
                            // "inbound_route_miss", "pa_validation", "context_miss": a context
                            // route to a context that is not one, or to an address no VM of
                            // this host in it owns, "eni_unbound": an inbound
                            // packet for an ENI with neither VNIC nor VM underlay address,
                            // "not_tunnelled": an inbound packet in no tunnel;
                            // relocation: "relocation_unlearned": the anchor has not heard
                            // from the tether yet, "relocation_source": a packet from the
                            // tunnel whose source is not relocated, "relocation_peer": from
                            // another tunnel end than the learned one (anchor) or the anchor
                            // (tether), "relocation_loop": relocated to relocated through the
                            // anchor, "relocation_miss": a tether route without a tether)
  std::uint32_t eni = 0;    // the ENI it belongs to (its key: the index in the switch)
  // kEncap: a tunnel of type `encap` (VXLAN, NVGRE, Geneve) with this VNI from outer_src to
  // outer_dst; inner destination MAC
  model::TunnelType encap = model::TunnelType::kVxlan;
  std::uint32_t vni = 0;
  model::IpAddr outer_src, outer_dst;
  model::MacAddr inner_dmac;
  /// kEncap, subnet relocation: the outer UDP destination port (the anchor: the tether's
  /// translated port; none: the tunnel type's) and a fixed outer UDP source port (the tether:
  /// its tunnel port, so that one NAT binding carries the tunnel; none: the NIC's entropy port,
  /// spec 5.5). The NIC's templates carry the destination port but not a source port: a
  /// decision with `encap_sport` is served by the switch's software fast path.
  std::optional<std::uint16_t> encap_dport{}, encap_sport{};
  // kToVnic: to this vport
  unsigned vport = 0;
  /// The received tunnel comes off first (inbound; outbound from the wire).
  bool decap = false;
  /// The meter bucket the packet bills (0: none).
  std::uint32_t meter_class = 0;
  /// Inbound from a tunnel: the underlay source the decision was made for (inbound routes and
  /// PA validation depend on it, the connection's 5-tuple does not carry it); likewise a
  /// relocation anchor's decision for a packet from the tether (the learned tunnel address). A
  /// packet of the connection from another source is decided again (FlowCache), and an
  /// offloaded flow checks it in the NIC (spec 5.2, check_osrc).
  std::optional<model::IpAddr> underlay_src{};
  /// Mirror sessions the packet is copied to (0: none): its ENI's, and for a packet between
  /// two VMs of this host the receiving ENI's too. Never set on a drop.
  std::array<std::uint32_t, 2> mirror{};
  /// kDirect: source NAT to this address (the connection's port is the flow cache's to give).
  std::optional<model::IpAddr> snat{};
  std::optional<PortRange> snat_ports{};  // NAPT's range; none: 1:1 (the port is kept)
  /// A shared address's listening ports (Snat::listen): a source port among them is kept (a
  /// reply on a connection steered to the VM); NAPT never hands them out.
  std::optional<PortRange> snat_listen{};
  /// kToVnic: a connection forwarded by DNAT (its replies leave translated back: the flow
  /// cache binds them to it).
  bool dnat = false;
  /// Header rewrites (applied by the NIC after a decap, spec 5.2): NAT's addresses and ports,
  /// the destination MAC of a frame delivered to a VM on this host.
  struct Rewrite {
    std::optional<model::IpAddr> src_ip, dst_ip;
    std::optional<std::uint16_t> sport, dport;
    std::optional<model::MacAddr> dmac;
    /// Routed by the host's virtual router (a `context` route): the source MAC becomes the
    /// router's, the TTL (hop limit) is decremented (expired: dropped, Switch::Stats).
    std::optional<model::MacAddr> smac;
    bool dec_ttl = false;
    friend bool operator==(const Rewrite&, const Rewrite&) = default;
  } rewrite{};
  // The rule that allowed or denied it (for counters and tests).
  AclVerdict acl;
};

class Pipeline {
 public:
  /// `underlay_ip`: this host's PA (outer source of what it encapsulates for local VNICs).
  explicit Pipeline(model::IpAddr underlay_ip) : pa_(underlay_ip) {}
  /// ... and `vip`, the first VIP: an address tunnelled packets must be sent to (usually the
  /// same).
  Pipeline(model::IpAddr underlay_ip, model::IpAddr vip) : pa_(underlay_ip) { add_vip(vip); }

  /// VIP_ENTRY: tunnelled packets from the wire must be sent to one of these.
  void add_vip(const model::IpAddr& vip) { vips_.insert(vip); }
  bool remove_vip(const model::IpAddr& vip) { return vips_.erase(vip) != 0; }
  [[nodiscard]] bool has_vip(const model::IpAddr& a) const { return vips_.count(a) != 0; }

  /// DIRECTION_LOOKUP_ENTRY: a tunnel from the wire with this VNI goes `d` (DASH's appliance: the
  /// VNI its remote VMs' outbound traffic comes with).
  void set_direction(std::uint32_t vni, Direction d) { directions_[vni] = d; }
  bool clear_direction(std::uint32_t vni) { return directions_.erase(vni) != 0; }
  /// Which way a packet that came in on `src_vport` (0: the wire) goes: from a VNIC outbound;
  /// from the wire a tunnel by the direction lookup of its VNI, inbound without an entry; nullopt
  /// for an untunnelled packet from the wire (not the policy's to place).
  [[nodiscard]] std::optional<Direction> direction_of(const PacketInfo& p,
                                                      unsigned src_vport) const;

  /// Creates or finds VNET `id`.
  Vnet& vnet(std::uint32_t id) { return vnets_[id]; }
  [[nodiscard]] const Vnet* find_vnet(std::uint32_t id) const;
  bool remove_vnet(std::uint32_t id) { return vnets_.erase(id) != 0; }
  /// Creates or finds ENI `id` (1 and up: 0 means "none" in a Decision); its MAC must be
  /// unique among the ENIs. Throws std::invalid_argument for id 0.
  Eni& eni(std::uint32_t id);
  [[nodiscard]] const Eni* find_eni(std::uint32_t id) const;
  /// Every ENI, by id.
  [[nodiscard]] const std::map<std::uint32_t, Eni>& enis() const { return enis_; }
  /// Removes ENI `id` with its MAC map entries and meter buckets.
  bool remove_eni(std::uint32_t id);

  /// ENI_ETHER_ADDRESS_MAP_ENTRY: packets with this MAC (outbound source, inbound destination)
  /// belong to ENI `eni` (ahead of the ENIs' own MACs).
  void map_mac(const model::MacAddr& mac, std::uint32_t eni) { macs_[mac] = eni; }
  bool unmap_mac(const model::MacAddr& mac) { return macs_.erase(mac) != 0; }

  /// Creates or finds OUTBOUND_ROUTING_GROUP `id` (1 and up).
  OutboundRoutingGroup& routing_group(std::uint32_t id);
  [[nodiscard]] const OutboundRoutingGroup* find_routing_group(std::uint32_t id) const;
  bool remove_routing_group(std::uint32_t id) { return groups_.erase(id) != 0; }

  /// GLOBAL_TRUSTED_VNI_ENTRY. While the check is on (add_trusted_vni() turns it on), a
  /// tunnelled packet whose VNI is in no global range and in none of its ENI's is dropped
  /// ("trusted_vni"). Off, nothing is checked (a policy without trusted-VNI entries).
  void add_trusted_vni(VniRange r);
  bool remove_trusted_vni(VniRange r);
  void set_trusted_vni_check(bool on) { trusted_check_ = on; }
  [[nodiscard]] bool trusted_vni_check() const { return trusted_check_; }

  /// Creates or finds mirror session `id` (1 and up).
  MirrorSession& mirror_session(std::uint32_t id);
  [[nodiscard]] const MirrorSession* find_mirror_session(std::uint32_t id) const;
  bool remove_mirror_session(std::uint32_t id) { return mirrors_.erase(id) != 0; }
  /// This host's PA: the outer source of what it encapsulates.
  [[nodiscard]] const model::IpAddr& underlay_ip() const { return pa_; }

  /// Creates or finds METER_POLICY `id` (1 and up).
  MeterPolicy& meter_policy(std::uint32_t id);
  [[nodiscard]] const MeterPolicy* find_meter_policy(std::uint32_t id) const;
  bool remove_meter_policy(std::uint32_t id) { return meters_.erase(id) != 0; }

  /// Live migration's shadow policy (ShadowPolicy). Staging changes no decision; it is
  /// idempotent (the same change staged again is one change) and checked at once: MigrationError
  /// for id 0, a VNET that does not exist, a CA another pending migration stages, an id already
  /// activated.
  void stage_mapping(std::uint32_t migration, std::uint32_t vnet, const model::IpAddr& ca,
                     const CaPaMapping& m);
  void stage_valid_pa(std::uint32_t migration, std::uint32_t vnet, const model::IpAddr& pa,
                      bool valid);
  /// Throw the MigrationError stage_mapping() and stage_valid_pa() would, changing nothing (an
  /// orchestrator checks every host before it stages on any).
  void check_stage(std::uint32_t migration, std::uint32_t vnet, const model::IpAddr& ca) const;
  void check_migration(std::uint32_t migration, std::uint32_t vnet) const;
  /// What migration `migration` has staged (null: nothing, or activated or aborted).
  [[nodiscard]] const ShadowPolicy* shadow(std::uint32_t migration) const;
  /// Makes every staged change of `migration` the policy at once (the owner then bumps the
  /// flow cache's version once: Switch::activate()); returns the changes applied. MigrationError
  /// when nothing is staged under the id, it was activated already, or a VNET it names is gone
  /// (then nothing is applied).
  std::size_t activate(std::uint32_t migration);
  /// Throws the MigrationError activate() would, changing nothing.
  void check_activate(std::uint32_t migration) const;
  /// Drops what `migration` staged; false when nothing was. MigrationError for an activated id.
  bool abort(std::uint32_t migration);
  [[nodiscard]] bool activated(std::uint32_t migration) const {
    return activated_.contains(migration);
  }

  /// Throws SharedAddressError when the shared addresses (Snat::inbound_to) are inconsistent:
  /// a shared range without `ports`, `inbound_to` or `listen`, starting at port 0 or empty, a
  /// `listen` not inside `ports`, a VM address of another family; two ENIs' ranges on one
  /// address that overlap (when either is shared: plain NAPT ranges may share their ports); a
  /// port forwarding (Dnat) to a port of a shared range. The
  /// policy front-ends and the switch (bring_up, policy_changed) call it before using a policy.
  void check_shared_addresses() const;

  /// Subnet relocation (Relocation, docs/vswitch-relocation.md): this host's role, at most one.
  /// RelocationError (nothing changed): VNET 0 or one that does not exist, no subnet, port 0, a
  /// tether without the anchor's address (or of another family than the PA), a tunnel VNI that
  /// is the VNET's own. An anchor's learned tether is `r.tether` (none: learned again from the
  /// tunnel's next frame). Call the switch's policy_changed() after it.
  void set_relocation(Relocation r);
  void clear_relocation() { relocation_.reset(); }
  [[nodiscard]] const std::optional<Relocation>& relocation() const { return relocation_; }
  /// The anchor heard from the tether at `at` (a tunnel frame's outer source address and UDP
  /// port): true when that changes where the anchor sends (the owner calls policy_changed()).
  bool learn_tether(const TunnelEndpoint& at);
  /// The anchor's tunnel: a packet from the wire in the relocation tunnel (its VNI, to a VIP).
  [[nodiscard]] bool from_tether(const PacketInfo& p) const;

  /// The slow path's decision for a packet of either direction (the table above, then the
  /// ENIs' mirror rules); inbound from a tunnel, with the underlay source it was made for.
  [[nodiscard]] Decision outbound(const PacketInfo& p) const;
  [[nodiscard]] Decision inbound(const PacketInfo& p) const;
  /// The ENI a packet going `d` belongs to (outbound: by its source MAC, inbound: by its
  /// destination MAC; the MAC map first), as the slow path finds it; nullopt for none. The flow
  /// cache tracks connections per ENI with it (tenants' address spaces overlap).
  [[nodiscard]] std::optional<std::uint32_t> eni_of(const PacketInfo& p, Direction d) const {
    return eni_by_mac(d == Direction::kOutbound ? p.src_mac : p.dst_mac);
  }

  /// `d` with its mirror sessions (d.mirror) from the mirror rules of d's ENI, and of the
  /// receiving ENI of a packet between two VMs of this host, for a packet of 5-tuple `t` as the
  /// ENI sees it (outbound() and inbound() do this; the flow cache for NAT's replies).
  [[nodiscard]] Decision mirrored(const FlowTuple& t, Decision d) const;

  /// Bills a packet of `overlay_bytes` (PacketInfo::overlay_len) that `d` decided to its ENI's
  /// meter bucket for d.meter_class and d.direction; false (nothing counted) for a drop, class 0
  /// or an ENI that is gone. DASH's meters count, they do not police.
  bool account(const Decision& d, std::uint64_t overlay_bytes);
  /// The same for `packets` packets of `overlay_bytes` in all (what a flow's NIC counters
  /// carried since they were last read).
  bool account(const Decision& d, std::uint64_t overlay_bytes, std::uint64_t packets);
  /// The bucket of ENI `eni` for `meter_class` (zeros when nothing was billed to it).
  [[nodiscard]] MeterCounters meter_bucket(std::uint32_t eni, std::uint32_t meter_class) const;

 private:
  [[nodiscard]] Decision route_outbound(const PacketInfo& p) const;
  [[nodiscard]] Decision route_inbound(const PacketInfo& p) const;
  /// The anchor's decisions (nullopt: not a relocated packet): a tunnelled packet of the VNET to
  /// a relocated address, to the tether; a packet from the tether, to its home host.
  [[nodiscard]] std::optional<Decision> anchor_inbound(const PacketInfo& p) const;
  [[nodiscard]] Decision anchor_outbound(const PacketInfo& p) const;
  [[nodiscard]] std::optional<std::uint32_t> eni_by_mac(const model::MacAddr& mac) const;
  [[nodiscard]] const CaPaMapping* mapping(std::uint32_t vnet, const model::IpAddr& ca) const;
  [[nodiscard]] bool trusted(const Eni& e, std::uint32_t vni) const;
  [[nodiscard]] std::uint32_t meter_class(const Eni& e, std::uint32_t cls,
                                          const model::IpAddr& lookup) const;

  struct MacHash {
    std::size_t operator()(const model::MacAddr& m) const noexcept;
  };

  model::IpAddr pa_;
  std::unordered_set<model::IpAddr, IpHash> vips_;
  std::unordered_map<std::uint32_t, Direction> directions_;
  std::map<std::uint32_t, Vnet> vnets_;
  std::map<std::uint32_t, Eni> enis_;
  std::unordered_map<model::MacAddr, std::uint32_t, MacHash> macs_;
  std::map<std::uint32_t, OutboundRoutingGroup> groups_;
  std::vector<VniRange> trusted_;
  bool trusted_check_ = false;
  std::map<std::uint32_t, MeterPolicy> meters_;
  std::map<std::uint32_t, MirrorSession> mirrors_;
  std::unordered_map<std::uint64_t, MeterCounters> buckets_;  // by ENI << 32 | class
  std::map<std::uint32_t, ShadowPolicy> shadows_;  // pending migrations, by id
  std::set<std::uint32_t> activated_;
  std::optional<Relocation> relocation_;
};

}  // namespace nicsim::host::vswitch
