// SPDX-License-Identifier: MIT
// The benches' AXI4 and AXI4-Lite checkers: the protocol checkers of the co-simulation
// (nicsim/sim/axi/axi_checker.hpp, one implementation in the tree) with every rule broken made
// a GoogleTest failure (ADD_FAILURE: the test fails and goes on), unless collect_only is set.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "nicsim/sim/axi/axi_checker.hpp"

namespace nicsim::axi {

class AxiChecker : public AxiCheckerCore {
 public:
  using AxiCheckerCore::AxiCheckerCore;

 protected:
  void report(const std::string& what) override { ADD_FAILURE() << what; }
};

class AxiLiteChecker : public AxiLiteCheckerCore {
 public:
  using AxiLiteCheckerCore::AxiLiteCheckerCore;

 protected:
  void report(const std::string& what) override { ADD_FAILURE() << what; }
};

}  // namespace nicsim::axi
