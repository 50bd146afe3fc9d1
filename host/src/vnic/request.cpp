// SPDX-License-Identifier: MIT
#include "nicsim/host/vnic/request.hpp"

#include <type_traits>

namespace nicsim::host::vnic {

const char* request_name(const Request& r) {
  return std::visit(
      [](const auto& q) -> const char* {
        using T = std::decay_t<decltype(q)>;
        if constexpr (std::is_same_v<T, SetMac>) return "set_mac";
        if constexpr (std::is_same_v<T, SetPromiscuous>) return "promiscuous";
        if constexpr (std::is_same_v<T, AddVlan>) return "add_vlan";
        if constexpr (std::is_same_v<T, RemoveVlan>) return "remove_vlan";
        if constexpr (std::is_same_v<T, JoinGroup>) return "join_group";
        if constexpr (std::is_same_v<T, LeaveGroup>) return "leave_group";
        if constexpr (std::is_same_v<T, SetRate>) return "set_rate";
        if constexpr (std::is_same_v<T, SetQueues>) return "set_queues";
        if constexpr (std::is_same_v<T, SetMtu>) return "set_mtu";
      },
      r);
}

std::string request_value(const Request& r) {
  return std::visit(
      [](const auto& q) -> std::string {
        using T = std::decay_t<decltype(q)>;
        if constexpr (std::is_same_v<T, SetMac>) return q.mac.to_string();
        if constexpr (std::is_same_v<T, SetPromiscuous>) return q.on ? "on" : "off";
        if constexpr (std::is_same_v<T, AddVlan> || std::is_same_v<T, RemoveVlan>)
          return std::to_string(q.vid);
        if constexpr (std::is_same_v<T, JoinGroup> || std::is_same_v<T, LeaveGroup>)
          return q.group.to_string();
        if constexpr (std::is_same_v<T, SetRate>) return std::to_string(q.bytes_per_s);
        if constexpr (std::is_same_v<T, SetQueues>) return std::to_string(q.count);
        if constexpr (std::is_same_v<T, SetMtu>) return std::to_string(q.mtu);
      },
      r);
}

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::kAccepted:
      return "accepted";
    case Verdict::kNoSuchVnic:
      return "no_such_vnic";
    case Verdict::kNotOwner:
      return "not_owner";
    case Verdict::kNotPermitted:
      return "not_permitted";
    case Verdict::kOverLimit:
      return "over_limit";
    case Verdict::kInvalid:
      return "invalid";
    case Verdict::kConflict:
      return "conflict";
    case Verdict::kNicRefused:
      return "nic_refused";
  }
  return "?";
}

const char* to_string(VnicErrc e) {
  switch (e) {
    case VnicErrc::kDatabase:
      return "database";
    case VnicErrc::kNotFound:
      return "not_found";
    case VnicErrc::kNoResource:
      return "no_resource";
    case VnicErrc::kConflict:
      return "conflict";
    case VnicErrc::kNic:
      return "nic";
    case VnicErrc::kBadArgument:
      return "bad_argument";
  }
  return "?";
}

}  // namespace nicsim::host::vnic
