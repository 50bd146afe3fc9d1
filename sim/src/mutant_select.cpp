// SPDX-License-Identifier: MIT
// nicsim_mutant_id(), the DPI-C function a mutants' netlist (scripts/mutation-netlist.py) calls
// once at time 0 to learn which of its mutants runs: NICSIM_MUTANT=ID in the environment, 0
// (none) without it. Linked into the DATA_W=64 NIC when it is built from scripts/mutation.sh's
// netlist (NICSIM_NIC_NETLIST_W64) and into testbenches/mutation's block bench. A value that is
// not a mutant number ends the process with a message: a campaign must not run mutant 0 by
// mistake and score it as a survivor.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

extern "C" int nicsim_mutant_id();  // as Verilator's __Dpi.h declares it

extern "C" int nicsim_mutant_id() {
  const char* v = std::getenv("NICSIM_MUTANT");
  if (v == nullptr || *v == '\0') return 0;
  try {
    std::size_t end = 0;
    const int id = std::stoi(v, &end);
    if (end == std::string(v).size() && id >= 0 && id < 65536) return id;
  } catch (const std::exception&) {
  }
  std::fprintf(stderr, "nicsim: NICSIM_MUTANT=%s is not a mutant number (0..65535)\n", v);
  std::exit(2);
}
