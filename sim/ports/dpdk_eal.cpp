// SPDX-License-Identifier: MIT
// DpdkEal: the one EAL of the process.
#include <pthread.h>
#include <sched.h>

#include <rte_eal.h>
#include <rte_errno.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

#include "nicsim/sim/dpdk_port.hpp"

namespace nicsim::sim {
namespace {

std::vector<std::string> eal_arguments() {
  std::vector<std::string> args = {
      "nicsim",
      "--no-huge",       // plain anonymous memory: no hugetlbfs in a container
      "--no-pci",        // no PCI scan (and no need for /sys/bus/pci or VFIO)
      "--no-shconf",     // no shared config files, no multi-process IPC socket
      "--no-telemetry",  // no telemetry socket
      "-l", "0",         // one lcore: the calling thread
      "-m", "256",       // MiB of (lazily touched) memory for mempools and rings
  };
  const char* level = std::getenv("NICSIM_DPDK_LOG");
  args.push_back(std::string("--log-level=") + (level != nullptr && *level ? level : "error"));
  if (const char* extra = std::getenv("NICSIM_DPDK_EAL_ARGS")) {
    std::istringstream in(extra);
    for (std::string word; in >> word;) args.push_back(word);
  }
  return args;
}

}  // namespace

DpdkEal& DpdkEal::instance() {
  static DpdkEal eal;
  if (!eal.error_.empty()) throw PortError(eal.error_);
  return eal;
}

DpdkEal::DpdkEal() {
  std::vector<std::string> args = eal_arguments();
  // rte_eal_init permutes argv and may keep pointers into it: it gets a private copy of the
  // strings that lives as long as the EAL does.
  argv_storage_ = args;
  std::vector<char*> argv;
  argv.reserve(argv_storage_.size() + 1);
  for (std::string& a : argv_storage_) argv.push_back(a.data());
  argv.push_back(nullptr);

  cpu_set_t affinity;
  CPU_ZERO(&affinity);
  const bool saved = pthread_getaffinity_np(pthread_self(), sizeof affinity, &affinity) == 0;

  const int rc = rte_eal_init(static_cast<int>(args.size()), argv.data());
  if (rc < 0) {
    const int err = rte_errno;
    if (err == EALREADY) return;  // someone else's EAL: use it, leave its cleanup to them
    std::string joined;
    for (const std::string& a : args) joined += (joined.empty() ? "" : " ") + a;
    error_ = "DPDK EAL failed to start (" + std::string(rte_strerror(err)) +
             ") with arguments: " + joined + " (DPDK logs the reason on stderr)";
    return;
  }
  owned_ = true;
  args_ = std::move(args);
  if (saved) pthread_setaffinity_np(pthread_self(), sizeof affinity, &affinity);
}

DpdkEal::~DpdkEal() {
  if (owned_) rte_eal_cleanup();
}

}  // namespace nicsim::sim
