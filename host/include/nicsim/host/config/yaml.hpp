// SPDX-License-Identifier: MIT
// A strict walk of a YAML configuration file (yaml-cpp) that reports every mistake where it is:
// the file, the line and the key path ("vnics[1].rx_queues.count: 70 is outside 1..64"). Used by
// the scenario files (sim/) and the virtual switch's policy files (host/vswitch).
//
//   const yaml::Ctx c{"policy.yaml", "."};
//   yaml::Map top(c, yaml::load(text, c.file), "");
//   const auto n = top.u64("count", 1, 1, 64);     // absent: the default; wrong: yaml::Error
//   yaml::each(c, top.get("items"), "items", [&](const YAML::Node& n, const std::string& p) {...});
//   top.done();                                      // an unknown key is an error
//
// Errors are yaml::Error (std::runtime_error) with the message ready for the user; callers
// rethrow them as their own error type.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "nicsim/model/addr.hpp"

namespace nicsim::yaml {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The file being read (for messages) and the directory relative paths in it start from.
struct Ctx {
  std::string file;
  std::string dir;
};

[[noreturn]] inline void fail(const Ctx& c, const YAML::Node& n, const std::string& path,
                       const std::string& msg) {
  std::ostringstream o;
  o << c.file;
  if (n.IsDefined() && n.Mark().line >= 0) o << ":" << n.Mark().line + 1;
  o << ": " << (path.empty() ? "" : path + ": ") << msg;
  throw Error(o.str());
}

inline std::string kind(const YAML::Node& n) {
  if (!n.IsDefined()) return "nothing";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "empty";
  return "'" + n.Scalar() + "'";
}

/// A mapping whose keys are checked: every key read is marked, done() rejects the others.
class Map {
 public:
  Map(const Ctx& c, YAML::Node n, std::string path) : c_(c), n_(std::move(n)), path_(std::move(path)) {
    if (n_.IsDefined() && !n_.IsMap() && !n_.IsNull())
      fail(c_, n_, path_, "expected a mapping, found " + kind(n_));
  }
  [[nodiscard]] bool has(const std::string& k) const {
    const YAML::Node& n = n_;
    return n.IsDefined() && n.IsMap() && n[k].IsDefined();
  }
  YAML::Node get(const std::string& k) {
    used_.insert(k);
    const YAML::Node& n = n_;  // const access does not create the key
    return n.IsDefined() && n.IsMap() ? n[k] : YAML::Node(YAML::NodeType::Undefined);
  }
  [[nodiscard]] std::string sub(const std::string& k) const {
    return path_.empty() ? k : path_ + "." + k;
  }
  void done() const {
    if (!n_.IsDefined() || !n_.IsMap()) return;
    for (const auto& kv : n_) {
      const std::string k = kv.first.Scalar();
      if (used_.count(k) == 0) fail(c_, kv.first, path_, "unknown key '" + k + "'");
    }
  }
  [[nodiscard]] const YAML::Node& node() const { return n_; }
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] const Ctx& ctx() const { return c_; }

  // Typed values (absent: the default, kept).
  std::uint64_t u64(const std::string& k, std::uint64_t dflt, std::uint64_t lo = 0,
                    std::uint64_t hi = std::numeric_limits<std::uint64_t>::max()) {
    const YAML::Node v = get(k);
    if (!v.IsDefined() || v.IsNull()) return dflt;
    return u64_of(v, sub(k), lo, hi);
  }
  std::uint64_t u64_of(const YAML::Node& v, const std::string& p, std::uint64_t lo,
                       std::uint64_t hi) const {
    if (!v.IsScalar()) fail(c_, v, p, "expected a number, found " + kind(v));
    std::uint64_t x = 0;
    try {
      std::size_t pos = 0;
      const std::string s = v.Scalar();
      if (s.empty() || s[0] == '-') throw std::invalid_argument("negative");
      x = std::stoull(s, &pos, 0);
      if (pos != s.size()) throw std::invalid_argument("trailing");
    } catch (const std::exception&) {
      fail(c_, v, p, "expected a non-negative integer, found '" + v.Scalar() + "'");
    }
    if (x < lo || x > hi) {
      fail(c_, v, p, std::to_string(x) + " is outside " + std::to_string(lo) + ".." +
                         std::to_string(hi));
    }
    return x;
  }
  double dbl(const std::string& k, double dflt, double lo, double hi) {
    const YAML::Node v = get(k);
    if (!v.IsDefined() || v.IsNull()) return dflt;
    double x = 0;
    try {
      x = v.as<double>();
    } catch (const YAML::Exception&) {
      fail(c_, v, sub(k), "expected a number, found " + kind(v));
    }
    if (!(x >= lo && x <= hi)) {
      std::ostringstream o;
      o << v.Scalar() << " is outside " << lo << ".." << hi;
      fail(c_, v, sub(k), o.str());
    }
    return x;
  }
  bool boolean(const std::string& k, bool dflt) {
    const YAML::Node v = get(k);
    if (!v.IsDefined() || v.IsNull()) return dflt;
    try {
      return v.as<bool>();
    } catch (const YAML::Exception&) {
      fail(c_, v, sub(k), "expected true or false, found " + kind(v));
    }
  }
  std::string str(const std::string& k, const std::string& dflt) {
    const YAML::Node v = get(k);
    if (!v.IsDefined() || v.IsNull()) return dflt;
    if (!v.IsScalar()) fail(c_, v, sub(k), "expected text, found " + kind(v));
    return v.Scalar();
  }
  std::string choice(const std::string& k, const std::string& dflt,
                     const std::vector<std::string>& options) {
    const std::string s = str(k, dflt);
    if (std::find(options.begin(), options.end(), s) == options.end()) {
      std::string all;
      for (const auto& o : options) all += (all.empty() ? "" : ", ") + o;
      fail(c_, get(k), sub(k), "'" + s + "' is not one of " + all);
    }
    return s;
  }

 private:
  const Ctx& c_;
  YAML::Node n_;
  std::string path_;
  std::set<std::string> used_;
};

inline std::array<std::uint8_t, 6> mac_of(const Ctx& c, const YAML::Node& v, const std::string& p) {
  const auto m = v.IsScalar() ? model::MacAddr::parse(v.Scalar()) : std::nullopt;
  if (!m) fail(c, v, p, "expected a MAC address (02:00:00:00:00:01), found " + kind(v));
  return m->bytes();
}
inline std::uint32_t ipv4_of(const Ctx& c, const YAML::Node& v, const std::string& p) {
  const auto a = v.IsScalar() ? model::Ipv4Addr::parse(v.Scalar()) : std::nullopt;
  if (!a) fail(c, v, p, "expected an IPv4 address (10.0.0.1), found " + kind(v));
  return a->value();
}
inline std::array<std::uint8_t, 16> ipv6_of(const Ctx& c, const YAML::Node& v, const std::string& p) {
  const auto a = v.IsScalar() ? model::Ipv6Addr::parse(v.Scalar()) : std::nullopt;
  if (!a) fail(c, v, p, "expected an IPv6 address (fd00::1), found " + kind(v));
  return a->bytes();
}
/// Hex bytes ("6d5a56da..." or "6d:5a:..."), exactly n of them.
template <std::size_t N>
std::array<std::uint8_t, N> hex_of(const Ctx& c, const YAML::Node& v, const std::string& p) {
  std::string s = v.IsScalar() ? v.Scalar() : "";
  s.erase(std::remove(s.begin(), s.end(), ':'), s.end());
  std::array<std::uint8_t, N> out{};
  if (s.size() != 2 * N || s.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    fail(c, v, p, "expected " + std::to_string(N) + " bytes in hex, found " + kind(v));
  }
  for (std::size_t i = 0; i < N; ++i) {
    out[i] = static_cast<std::uint8_t>(std::stoul(s.substr(2 * i, 2), nullptr, 16));
  }
  return out;
}

inline std::string resolve(const Ctx& c, const std::string& f) {
  const std::filesystem::path p(f);
  return p.is_absolute() ? f : (std::filesystem::path(c.dir) / p).lexically_normal().string();
}

/// The single key of a one-entry mapping ("- ipv4: {...}"), or a plain scalar ("- drop").
inline std::pair<std::string, YAML::Node> entry_of(const Ctx& c, const YAML::Node& n,
                                            const std::string& p, const char* what) {
  if (n.IsScalar()) return {n.Scalar(), YAML::Node()};
  if (!n.IsMap() || n.size() != 1) {
    fail(c, n, p, std::string("each ") + what + " is one key (e.g. '- ipv4: {src: 10.0.0.1}')");
  }
  return {n.begin()->first.Scalar(), n.begin()->second};
}


/// Calls fn(item, path) for each item of a list (absent or empty: none).
template <class Fn>
void each(const Ctx& c, const YAML::Node& list, const std::string& p, Fn&& fn) {
  if (!list.IsDefined() || list.IsNull()) return;
  if (!list.IsSequence()) fail(c, list, p, "expected a list, found " + kind(list));
  for (std::size_t i = 0; i < list.size(); ++i) fn(list[i], p + "[" + std::to_string(i) + "]");
}


/// Parses YAML text; a syntax error is an Error naming the file and line.
inline YAML::Node load(const std::string& text, const std::string& file) {
  try {
    return YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw Error(file + ":" + std::to_string(e.mark.line + 1) + ": not valid YAML: " + e.msg);
  }
}

}  // namespace nicsim::yaml
