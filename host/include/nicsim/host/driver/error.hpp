// SPDX-License-Identifier: MIT
// Typed errors of the driver: DriverError for probe / configuration / hardware faults,
// FlowError (rte_flow_error's shape) for flow rules, and Result<T> to carry either.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace nicsim::host {

enum class DriverErrc {
  kNoDevice,      // block chain unreadable / not a nicsim NIC
  kMissingBlock,  // a feature needs a register block the NIC does not have
  kBadVersion,    // block present with an incompatible major version
  kBadArgument,   // out of range queue / vnic / vector / ring size
  kBusy,          // resource already in use (queue already set up)
  kTimeout,       // the NIC did not finish a command
  kHardware,      // the NIC reported an unexpected status
};

[[nodiscard]] const char* to_string(DriverErrc e);

class DriverError : public std::runtime_error {
 public:
  DriverError(DriverErrc code, const std::string& what)
      : std::runtime_error(std::string(to_string(code)) + ": " + what), code_(code) {}
  [[nodiscard]] DriverErrc code() const { return code_; }

 private:
  DriverErrc code_;
};

/// rte_flow_error: what is wrong with a rule and where (item or action index, -1 = none).
struct FlowError {
  enum class Type {
    kItem,         // a pattern item the NIC cannot match (field not in the key, bad mask)
    kAction,       // an action the NIC cannot apply (two destinations, bad index)
    kAttr,         // attributes (egress, priority range, vport conflicts)
    kTableFull,    // the exact-match bucket pair or the TCAM is full
    kExists,       // the same exact key is installed already
    kNotFound,     // destroy / query of a flow that does not exist
    kUnsupported,  // the NIC lacks the block or feature (no TCAM, no flow-command ring)
  };
  Type type = Type::kUnsupported;
  std::string message;
  int index = -1;

  [[nodiscard]] std::string to_string() const;
};

[[nodiscard]] const char* to_string(FlowError::Type t);

class FlowException : public std::runtime_error {
 public:
  explicit FlowException(FlowError e) : std::runtime_error(e.to_string()), error_(std::move(e)) {}
  [[nodiscard]] const FlowError& error() const { return error_; }

 private:
  FlowError error_;
};

/// A value or a FlowError (std::expected is C++23). Every flow-API call returns one:
/// Result<Flow>, Result<FlowCounters>, Result<void> (success or the error).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T v) : v_(std::move(v)) {}          // NOLINT(google-explicit-constructor)
  Result(FlowError e) : v_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  /// The value; throws FlowException when this holds an error.
  T& value() {
    if (!ok()) throw FlowException(std::get<1>(v_));
    return std::get<0>(v_);
  }
  const T& value() const {
    if (!ok()) throw FlowException(std::get<1>(v_));
    return std::get<0>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  /// The error; std::bad_variant_access when this holds a value.
  [[nodiscard]] const FlowError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, FlowError> v_;
};

/// Success or a FlowError.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(FlowError e) : e_(std::move(e)) {}  // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool ok() const { return !e_.has_value(); }
  explicit operator bool() const { return ok(); }
  /// Throws FlowException when this holds an error.
  void value() const {
    if (e_) throw FlowException(*e_);
  }
  /// The error; std::bad_optional_access on success.
  [[nodiscard]] const FlowError& error() const { return e_.value(); }

 private:
  std::optional<FlowError> e_;
};

}  // namespace nicsim::host
