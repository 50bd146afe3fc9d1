// SPDX-License-Identifier: MIT
// The virtual switch's slow path in DASH's shape (docs/vswitch.md): what one packet of a new
// connection becomes, from the policy of the ENI (the VM's virtual NIC) it belongs to.
//
//   outbound (from the VM): ENI by source MAC -> admin state -> outbound ACL stages -> the
//     ENI's VNET routes by destination (longest prefix) -> route type:
//       vnet         the destination's CA-to-PA mapping in the route's VNET (the ENI's when 0):
//                    VXLAN encap with that VNET's VNI to the mapping's PA, inner destination MAC
//                    the mapping's overlay MAC; no mapping: drop
//       vnet_direct  the same, the mapping looked up by the route's overlay IP instead
//       direct       to the underlay as it is (no encap)
//       drop         drop
//   inbound (from the wire, VXLAN): outer destination must be the host's VIP -> ENI by the
//     inner destination MAC -> admin state -> the ENI's inbound routing entry for the VNI and the
//     outer source (DASH's INBOUND_ROUTING_ENTRY: exact VNI, source prefix, lowest priority
//     wins): decap, or decap with PA validation (the outer source must be a valid PA of the
//     entry's source VNET: PA_VALIDATION_ENTRY) -> inbound ACL stages -> to the ENI's VNIC.
//
// The result, a Decision, is what the unified flow table will cache per connection and offload.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "nicsim/host/vswitch/acl.hpp"
#include "nicsim/host/vswitch/lpm.hpp"
#include "nicsim/model/addr.hpp"

namespace nicsim::host::vswitch {

/// Which way a packet goes through the switch: from a VM (outbound) or to one (inbound).
enum class Direction : std::uint8_t { kOutbound, kInbound };

enum class RouteType : std::uint8_t { kVnet, kVnetDirect, kDirect, kDrop };
[[nodiscard]] const char* to_string(RouteType t) noexcept;

struct OutboundRoute {
  RouteType type = RouteType::kDrop;
  std::uint32_t vnet = 0;                     // vnet, vnet_direct: the VNET (0: the ENI's)
  std::optional<model::IpAddr> overlay_ip{};  // vnet_direct: the CA to look the mapping up by
};

/// OUTBOUND_CA_TO_PA_ENTRY: where a customer address lives.
struct CaPaMapping {
  model::IpAddr underlay_ip;  // the PA of the host it is on
  model::MacAddr overlay_mac;  // the destination MAC the VM sees
};

struct Vnet {
  std::uint32_t vni = 0;
  std::unordered_map<model::IpAddr, CaPaMapping, IpHash> mappings;  // by customer address
  /// PA_VALIDATION_ENTRY: the underlay sources this VNET's traffic may come from.
  std::unordered_set<model::IpAddr, IpHash> valid_pas;
};

/// INBOUND_ROUTING_ENTRY of an ENI: tunnelled packets with this VNI from a source in `sip`.
struct InboundRoute {
  std::uint32_t vni = 0;
  IpPrefix sip;                 // the outer source (underlay); /0 for any
  std::uint32_t priority = 0;   // lower wins
  bool pa_validate = false;     // tunnel_decap_pa_validate (else tunnel_decap)
  std::uint32_t src_vnet = 0;   // pa_validate: the VNET whose valid PAs the source must be in
};

struct Eni {
  model::MacAddr mac;
  std::uint32_t vnet = 0;
  bool admin_up = true;
  unsigned vport = 1;  // the VNIC (NIC vport) it is bound to
  AclStages outbound_acl, inbound_acl;
  LpmTable<OutboundRoute> routes;
  std::vector<InboundRoute> inbound_routes;
};

/// The packet fields the slow path decides on (from its headers: packet_info()).
struct PacketInfo {
  model::MacAddr src_mac, dst_mac;  // the (inner, for a tunnelled packet) Ethernet addresses
  FlowTuple tuple;                  // the (inner) 5-tuple
  std::uint8_t tcp_flags = 0;
  bool vxlan = false;               // outer fields below valid
  std::uint32_t vni = 0;
  model::IpAddr outer_src, outer_dst;
};

/// Reads a frame's fields: an untunnelled IP frame, or VXLAN carrying one. Nullopt for what the
/// switch does not route (no IP, a parse error).
[[nodiscard]] std::optional<PacketInfo> packet_info(std::span<const std::uint8_t> frame);

/// What the slow path decided for a packet.
struct Decision {
  enum class Kind : std::uint8_t { kDrop, kEncap, kDirect, kToVnic };
  Kind kind = Kind::kDrop;
  std::string reason;       // kDrop: why ("acl", "route_miss", "mapping_miss", "route_drop",
                            // "eni_down", "no_eni", "wrong_vip", "inbound_route_miss",
                            // "pa_validation", "not_vxlan": an inbound packet that is not VXLAN)
  std::uint32_t eni = 0;    // the ENI it belongs to (its key: the index in the switch)
  // kEncap: VXLAN with this VNI from the host's PA to the mapping's PA; inner destination MAC
  std::uint32_t vni = 0;
  model::IpAddr outer_src, outer_dst;
  model::MacAddr inner_dmac;
  // kToVnic: decap (an inbound VXLAN packet), then to this vport
  unsigned vport = 0;
  bool decap = false;
  // The rule that allowed or denied it (for counters and tests).
  AclVerdict acl;
};

class Pipeline {
 public:
  /// `underlay_ip`: this host's PA (outer source of encapsulated packets); `vip`: the address
  /// inbound tunnelled packets must be sent to (DASH's VIP; usually the same).
  Pipeline(model::IpAddr underlay_ip, model::IpAddr vip) : pa_(underlay_ip), vip_(vip) {}

  /// Creates or replaces VNET `id`.
  Vnet& vnet(std::uint32_t id) { return vnets_[id]; }
  /// Creates or finds ENI `id` (1 and up: 0 means "none" in a Decision); its MAC must be
  /// unique among the ENIs. Throws std::invalid_argument for id 0.
  Eni& eni(std::uint32_t id);
  [[nodiscard]] const Eni* find_eni(std::uint32_t id) const;
  /// Every ENI, by id.
  [[nodiscard]] const std::map<std::uint32_t, Eni>& enis() const { return enis_; }

  [[nodiscard]] Decision outbound(const PacketInfo& p) const;
  [[nodiscard]] Decision inbound(const PacketInfo& p) const;

 private:
  [[nodiscard]] std::optional<std::uint32_t> eni_by_mac(const model::MacAddr& mac,
                                                        std::optional<std::uint32_t> vnet) const;
  [[nodiscard]] const CaPaMapping* mapping(std::uint32_t vnet, const model::IpAddr& ca) const;

  model::IpAddr pa_, vip_;
  std::map<std::uint32_t, Vnet> vnets_;
  std::map<std::uint32_t, Eni> enis_;
};

}  // namespace nicsim::host::vswitch
