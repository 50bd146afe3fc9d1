// SPDX-License-Identifier: MIT
// Longest-prefix match for the virtual switch's routing (DASH outbound routing: a VNET's routes
// by destination prefix): a binary trie per address family, one node per prefix bit on the
// way, values at the nodes that hold a prefix. Also every prefix holding an address
// (for_each_match: the ACL groups' index of rules by destination).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "nicsim/model/addr.hpp"

namespace nicsim::host::vswitch {

using model::IpPrefix;
using model::ip_bytes;

template <class T>
class LpmTable {
 public:
  /// Adds or replaces the value of `p`; returns true when it was new.
  bool insert(const IpPrefix& p, T value) {
    Node& n = node(p);
    const bool fresh = !n.value.has_value();
    n.value = std::move(value);
    size_ += fresh ? 1 : 0;
    return fresh;
  }
  /// The value of `p`, made (default) when it has none.
  T& slot(const IpPrefix& p) {
    Node& n = node(p);
    if (!n.value) {
      n.value.emplace();
      ++size_;
    }
    return *n.value;
  }
  /// Removes `p` (exactly that prefix); false when it is not there. Nodes stay for reuse.
  bool erase(const IpPrefix& p) {
    Trie& t = trie(p.addr);
    const auto ab = ip_bytes(p.addr);
    std::uint32_t n = 0;
    for (unsigned i = 0; i < p.len; ++i) {
      n = t.nodes[n].child[bit(ab, i)];
      if (n == 0) return false;
    }
    if (!t.nodes[n].value) return false;
    t.nodes[n].value.reset();
    --size_;
    return true;
  }
  /// The value of the longest prefix holding `a`, or null.
  [[nodiscard]] const T* lookup(const model::IpAddr& a) const {
    const Trie& t = a.is_v6() ? v6_ : v4_;
    const unsigned width = a.is_v6() ? 128 : 32;
    const T* best = t.nodes[0].value ? &*t.nodes[0].value : nullptr;
    const auto ab = ip_bytes(a);
    std::uint32_t n = 0;
    for (unsigned i = 0; i < width; ++i) {
      n = t.nodes[n].child[bit(ab, i)];
      if (n == 0) break;
      if (t.nodes[n].value) best = &*t.nodes[n].value;
    }
    return best;
  }
  /// Calls f(value) for every prefix holding `a`, the shortest first.
  template <class F>
  void for_each_match(const model::IpAddr& a, F&& f) const {
    const Trie& t = a.is_v6() ? v6_ : v4_;
    const unsigned width = a.is_v6() ? 128 : 32;
    if (t.nodes[0].value) f(*t.nodes[0].value);
    const auto ab = ip_bytes(a);
    std::uint32_t n = 0;
    for (unsigned i = 0; i < width; ++i) {
      n = t.nodes[n].child[bit(ab, i)];
      if (n == 0) return;
      if (t.nodes[n].value) f(*t.nodes[n].value);
    }
  }
  /// The value of exactly `p`, or null.
  [[nodiscard]] const T* find(const IpPrefix& p) const {
    const Trie& t = p.addr.is_v6() ? v6_ : v4_;
    const auto ab = ip_bytes(p.addr);
    std::uint32_t n = 0;
    for (unsigned i = 0; i < p.len; ++i) {
      n = t.nodes[n].child[bit(ab, i)];
      if (n == 0) return nullptr;
    }
    return t.nodes[n].value ? &*t.nodes[n].value : nullptr;
  }
  [[nodiscard]] std::size_t size() const { return size_; }

 private:
  struct Node {
    std::uint32_t child[2] = {0, 0};  // 0: none (the root is never a child)
    std::optional<T> value;
  };
  struct Trie {
    std::vector<Node> nodes = std::vector<Node>(1);
  };
  static unsigned bit(const std::array<std::uint8_t, 16>& b, unsigned i) {
    return (b[i / 8] >> (7 - i % 8)) & 1u;
  }
  Trie& trie(const model::IpAddr& a) { return a.is_v6() ? v6_ : v4_; }
  /// The node of `p`, made with the nodes on the way to it.
  Node& node(const IpPrefix& p) {
    Trie& t = trie(p.addr);
    const auto ab = ip_bytes(p.addr);
    std::uint32_t n = 0;
    for (unsigned i = 0; i < p.len; ++i) {
      const unsigned b = bit(ab, i);
      if (t.nodes[n].child[b] == 0) {
        t.nodes[n].child[b] = static_cast<std::uint32_t>(t.nodes.size());
        t.nodes.emplace_back();
      }
      n = t.nodes[n].child[b];
    }
    return t.nodes[n];
  }

  Trie v4_, v6_;
  std::size_t size_ = 0;
};

}  // namespace nicsim::host::vswitch
