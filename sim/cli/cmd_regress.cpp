// SPDX-License-Identifier: MIT
// `nicsim regress`: the runs of a suite file (regress_suite.hpp), each a child `nicsim run`
// (this binary re-executed), N at a time, with a progress display; resumable; writes
// junit.xml, summary.json and (scripts/regress-report.py) report.html. With --merge, the same
// reports from the results of shards run elsewhere (scripts/slurm/). docs/regress.md.
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "commands.hpp"
#include "regress_suite.hpp"

namespace nicsim::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct RegressArgs {
  std::string suite;
  unsigned jobs = 2;
  std::string out;
  bool rerun_all = false;
  std::string shard;
  std::vector<std::string> only;
  bool list = false;
  bool no_html = false;
  std::uint64_t fst_window = 2000;
  bool coverage = false;           // rtl runs write RUN/coverage.dat (a coverage build)
  std::vector<std::string> merge;  // shard output directories to merge into --out
};

// FNV-1a 64.
struct Hash {
  std::uint64_t h = 1469598103934665603ULL;
  void add(const void* p, std::size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ULL;
  }
  void add(const std::string& s) { add(s.data(), s.size() + 1); }
  void add_file(const std::string& path) {  // the contents
    std::ifstream f(path, std::ios::binary);
    char buf[65536];
    while (f.read(buf, sizeof buf) || f.gcount() > 0)
      add(buf, static_cast<std::size_t>(f.gcount()));
  }
  void add_stat(const std::string& path) {  // size and mtime (the binary: large)
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
      add(&st.st_size, sizeof st.st_size);
      add(&st.st_mtim, sizeof st.st_mtim);
    }
  }
  [[nodiscard]] std::string hex() const {
    char b[17];
    std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(h));
    return b;
  }
};

std::string self_exe() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : p.string();
}

// The children in flight (runs, generators), for the SIGINT/SIGTERM handler: a regression that
// is stopped takes its runs with it (SIGKILL: a run would take SIGTERM as "stop taking input
// and drain", which a NIC that never drains does not finish) instead of leaving them orphaned.
constexpr std::size_t kMaxChildren = 1100;  // --jobs <= 1024, plus a generator
volatile std::sig_atomic_t g_children[kMaxChildren] = {};

extern "C" void on_regress_signal(int sig) {
  for (std::size_t i = 0; i < kMaxChildren; ++i) {
    if (g_children[i] > 0) kill(static_cast<pid_t>(g_children[i]), SIGKILL);
  }
  _exit(128 + sig);
}

void track(pid_t pid, bool on) {
  for (std::size_t i = 0; i < kMaxChildren; ++i) {
    if (on ? g_children[i] == 0 : g_children[i] == pid) {
      g_children[i] = on ? pid : 0;
      return;
    }
  }
}

// Starts argv[0..] with stdout and stderr to log; returns the pid (tracked until reaped:
// forget()).
pid_t spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> a = args;
  std::vector<char*> argv;
  for (auto& s : a) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    execv(self_exe().c_str(), argv.data());
    _exit(127);
  }
  track(pid, true);
  return pid;
}

void forget(pid_t pid) { track(pid, false); }

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The reason a run failed, from its log: the first error line nicsim printed, else the last line.
std::string failure_text(const std::string& log, int status) {
  std::istringstream in(log);
  std::string line, last;
  const std::string tag = "nicsim: error: ";
  while (std::getline(in, line)) {
    const auto at = line.find(tag);
    if (at != std::string::npos) return line.substr(at + tag.size());
    if (!line.empty()) last = line;
  }
  if (status == 127) return "could not execute nicsim";
  if (status < 0) return "killed by signal " + std::to_string(-status);
  return last.empty() ? "exit status " + std::to_string(status) : last;
}

// XML 1.0 text: escaped, and without the characters it cannot carry.
std::string xml(const std::string& s) {
  std::string o;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&apos;";
        break;
      default:
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          o += '?';
        } else {
          o += ch;
        }
    }
  }
  return o;
}

// Path p from directory base (both may not exist yet; relative ones start at the working
// directory).
std::string relative(const std::string& p, const std::string& base) {
  return fs::relative(fs::absolute(p), fs::absolute(base)).string();
}

std::string canonical(const std::string& p) {
  return fs::weakly_canonical(fs::absolute(p)).string();
}

std::string tail_lines(const std::string& text, std::size_t n) {
  std::size_t pos = text.size();
  for (std::size_t k = 0; k <= n && pos != std::string::npos && pos > 0; ++k)
    pos = text.rfind('\n', pos - 1);
  return pos == std::string::npos ? text : text.substr(pos + 1);
}

struct Outcome {
  std::string status;  // pass, fail, xfail; error: no result (--merge: its shard died)
  std::string message;
  double wall = 0;
  bool reused = false;
  int exit_status = 0;
  std::string hash;  // of the inputs it ran with (result.json)
};

// A run's result.json (written by Regress::save); nullopt when absent or unreadable.
std::optional<Outcome> read_result(const std::string& dir) {
  std::ifstream f(dir + "/result.json");
  if (!f) return std::nullopt;
  try {
    const auto j = nlohmann::json::parse(f);
    Outcome o;
    o.status = j.at("status");
    o.message = j.at("message");
    o.wall = j.at("wall_seconds");
    o.exit_status = j.at("exit_status");
    o.hash = j.at("hash");
    if (o.status != "pass" && o.status != "fail" && o.status != "xfail") return std::nullopt;
    return o;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

class Regress {
 public:
  explicit Regress(const RegressArgs& a) : a_(a) {}

  int run() {
    Suite suite = load_suite(a_.suite);
    std::vector<SuiteRun> runs = suite.runs;
    if (!a_.shard.empty()) {
      unsigned i = 0, n = 0;
      char extra = 0;
      if (std::sscanf(a_.shard.c_str(), "%u/%u%c", &i, &n, &extra) != 2 || n == 0 || i == 0 ||
          i > n) {
        throw std::invalid_argument("--shard: expected I/N with 1 <= I <= N, got '" + a_.shard +
                                    "'");
      }
      runs = shard_of(runs, i, n);
    }
    if (!a_.only.empty()) {
      std::vector<SuiteRun> kept;
      for (const auto& r : runs) {
        for (const auto& g : a_.only) {
          if (fnmatch(g.c_str(), r.id.c_str(), 0) == 0) {
            kept.push_back(r);
            break;
          }
        }
      }
      if (kept.empty()) throw std::invalid_argument("--only: no run of the suite matches");
      runs = std::move(kept);
    }
    if (a_.list) {
      for (const auto& r : runs) {
        std::printf("%s%s\n", r.id.c_str(),
                    r.xfail.empty() ? "" : ("  (known limit: " + r.xfail + ")").c_str());
      }
      return 0;
    }
    const std::string out = a_.out.empty() ? "regress-" + suite.name : a_.out;
    if (!a_.merge.empty()) return merge(suite, runs, out);
    fs::create_directories(out + "/runs");
    std::signal(SIGINT, on_regress_signal);
    std::signal(SIGTERM, on_regress_signal);
    make_generated(suite, out);
    for (auto& r : runs) {
      if (r.gen >= 0) r.capture = out + "/gen/" + r.capture_name;
    }

    const auto t0 = Clock::now();
    std::vector<Outcome> results(runs.size());
    std::vector<std::vector<std::string>> cmds(runs.size());
    std::vector<std::string> hashes(runs.size());
    std::vector<std::size_t> todo;
    std::size_t done = 0, failed = 0;
    const bool tty = isatty(STDOUT_FILENO) != 0;
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const std::string dir = out + "/runs/" + runs[i].id;
      cmds[i] = command(runs[i], dir);
      hashes[i] = input_hash(runs[i]);
      const auto prev = previous(dir, hashes[i]);
      if (!a_.rerun_all && prev) {
        results[i] = *prev;
        results[i].reused = true;
        ++done;
      } else {
        todo.push_back(i);
      }
    }
    std::printf(
        "nicsim regress: suite %s: %zu runs, %zu to run, %zu passed before (same inputs)"
        ", %u at a time; output in %s\n",
        suite.name.c_str(), runs.size(), todo.size(), done, a_.jobs, out.c_str());

    std::map<pid_t, std::pair<std::size_t, Clock::time_point>> active;
    std::size_t next = 0;
    double ran_wall = 0;
    std::size_t ran = 0;
    while (next < todo.size() || !active.empty()) {
      while (next < todo.size() && active.size() < a_.jobs) {
        const std::size_t i = todo[next++];
        const std::string dir = out + "/runs/" + runs[i].id;
        fs::remove_all(dir);
        fs::create_directories(dir);
        active[spawn(cmds[i], dir + "/log.txt")] = {i, Clock::now()};
      }
      int st = 0;
      const pid_t pid = waitpid(-1, &st, 0);
      if (pid < 0) throw std::runtime_error("waitpid failed");
      forget(pid);
      const auto it = active.find(pid);
      if (it == active.end()) continue;
      const auto [i, started] = it->second;
      active.erase(it);
      Outcome& o = results[i];
      o.wall = std::chrono::duration<double>(Clock::now() - started).count();
      o.exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
      judge(runs[i], out + "/runs/" + runs[i].id, o);
      save(out + "/runs/" + runs[i].id, runs[i], hashes[i], cmds[i], o);
      ++done;
      ++ran;
      ran_wall += o.wall;
      if (o.status == "fail") ++failed;
      const double left = static_cast<double>(todo.size() - next + active.size()) *
                          (ran_wall / static_cast<double>(ran)) / static_cast<double>(a_.jobs);
      char eta[64];
      std::snprintf(eta, sizeof eta, "%.0f s left", left);
      if (tty) {
        if (o.status == "fail") {
          std::printf("\r\033[KFAIL  %s: %s\n", runs[i].id.c_str(), o.message.c_str());
        }
        std::printf("\r\033[K[%zu/%zu] %zu failed, %s", done, runs.size(), failed, eta);
      } else {
        std::printf("[%zu/%zu] %-5s %s (%.1f s)%s%s; %zu failed, %s\n", done, runs.size(),
                    o.status == "pass"    ? "PASS"
                    : o.status == "xfail" ? "XFAIL"
                                          : "FAIL",
                    runs[i].id.c_str(), o.wall, o.status == "fail" ? ": " : "",
                    o.status == "fail" ? o.message.c_str() : "", failed, eta);
      }
      std::fflush(stdout);
    }
    if (tty) std::printf("\r\033[K");

    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    std::vector<std::string> dirs;
    for (const auto& r : runs) dirs.push_back("runs/" + r.id);
    return report(suite, runs, results, dirs, out, wall);
  }

 private:
  // --merge: the results the shards' output directories hold for the runs of the suite (after
  // --only), reported as one regression in OUT. A run with no result in any of them (its
  // shard died, timed out or was not run), with a result from other inputs (a stale one from
  // an earlier submission) or with results in two of them is an error, never left out.
  int merge(const Suite& suite, const std::vector<SuiteRun>& runs, const std::string& out) {
    fs::create_directories(out);
    std::vector<Outcome> results(runs.size());
    std::vector<std::string> dirs(runs.size());
    for (std::size_t i = 0; i < runs.size(); ++i) {
      std::vector<std::string> found, stale, unreadable;
      for (const auto& d : a_.merge) {
        const std::string dir = d + "/runs/" + runs[i].id;
        if (!fs::exists(dir + "/result.json")) continue;
        const auto o = read_result(dir);
        SuiteRun r = runs[i];
        if (r.gen >= 0) r.capture = d + "/gen/" + r.capture_name;
        if (!o) {
          unreadable.push_back(dir);
        } else if (o->hash != input_hash(r)) {
          stale.push_back(dir);
        } else {
          if (found.empty()) results[i] = *o;
          found.push_back(dir);
        }
      }
      auto list = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
        return s;
      };
      Outcome& o = results[i];
      dirs[i] = relative(found.empty() ? a_.merge.front() + "/runs/" + runs[i].id : found[0], out);
      if (found.size() == 1) continue;
      o = Outcome{};
      o.status = "error";
      o.exit_status = -1;
      if (found.size() > 1) {
        o.message = "results in more than one merged directory: " + list(found);
      } else if (!stale.empty()) {
        o.message = "no result from these inputs: " + list(stale) +
                    " ran another nicsim binary, suite, capture or options; run its shard again";
      } else if (!unreadable.empty()) {
        o.message = "unreadable result.json in " + list(unreadable) + "; run its shard again";
      } else {
        o.message = "no result: none of the " + std::to_string(a_.merge.size()) +
                    " merged directories has runs/" + runs[i].id +
                    " (its shard died, timed out or was not run)";
      }
    }
    double wall = 0;  // the runs' wall times added up (the shards ran side by side)
    for (const auto& o : results) wall += o.wall;
    std::printf("nicsim regress: suite %s: %zu runs merged from %zu directories into %s\n",
                suite.name.c_str(), runs.size(), a_.merge.size(), out.c_str());
    return report(suite, runs, results, dirs, out, wall);
  }

  // The table, junit.xml, summary.json and report.html of the runs' outcomes; dirs: each run's
  // directory, relative to out. 1 when a run failed (not as its known limit) or has no result.
  int report(const Suite& suite, const std::vector<SuiteRun>& runs,
             const std::vector<Outcome>& results, const std::vector<std::string>& dirs,
             const std::string& out, double wall) {
    table(runs, results, dirs, out);
    write_junit(suite, runs, results, dirs, out);
    write_summary(suite, runs, results, dirs, out, wall);
    std::size_t pass = 0, fail = 0, xfail = 0, error = 0, reused = 0;
    for (const auto& o : results) {
      (o.status == "pass"    ? pass
       : o.status == "xfail" ? xfail
       : o.status == "fail"  ? fail
                             : error)++;
      reused += o.reused ? 1 : 0;
    }
    if (a_.merge.empty()) {
      std::printf(
          "regression: %zu passed, %zu failed, %zu known limits (%zu runs, %zu reused from "
          "before; %.1f s)\n",
          pass, fail, xfail, runs.size(), reused, wall);
    } else {
      std::printf(
          "regression: %zu passed, %zu failed, %zu known limits (%zu runs from %zu directories; "
          "%.1f s of runs added up)\n",
          pass, fail, xfail, runs.size(), a_.merge.size(), wall);
    }
    if (error != 0) {
      std::printf("regression: %zu runs without a result (errors; see above)\n", error);
    }
    std::printf("reports: %s/junit.xml %s/summary.json", out.c_str(), out.c_str());
    if (!a_.no_html) {
      if (html(out)) {
        std::printf(" %s/report.html\n", out.c_str());
      } else {
        std::printf("\n");
        spdlog::warn("report.html not written (scripts/regress-report.py failed; see above)");
      }
    } else {
      std::printf("\n");
    }
    return fail == 0 && error == 0 ? 0 : 1;
  }

  // nicsim gen for each generated capture (deterministic: same seed, same bytes).
  void make_generated(const Suite& s, const std::string& out) {
    if (s.gens.empty()) return;
    fs::create_directories(out + "/gen");
    for (const auto& g : s.gens) {
      std::vector<std::string> cmd{"nicsim", "gen",
                                   "-o",     out + "/gen/" + g.stem() + ".pcap",
                                   "--seed", std::to_string(g.seed)};
      cmd.insert(cmd.end(), g.args.begin(), g.args.end());
      const std::string log = out + "/gen/" + g.stem() + ".log";
      const pid_t pid = spawn(cmd, log);
      int st = 0;
      const pid_t w = waitpid(pid, &st, 0);
      forget(pid);
      if (w < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        throw std::runtime_error(
            "generated traffic " + g.stem() + ": nicsim gen failed: " +
            failure_text(read_text(log), WIFEXITED(st) ? WEXITSTATUS(st) : -1));
      }
    }
  }

  std::vector<std::string> command(const SuiteRun& r, const std::string& dir) const {
    std::vector<std::string> c{"nicsim", "run"};
    if (!r.scenario_file.empty()) c.insert(c.end(), {"--scenario", r.scenario_file});
    c.insert(c.end(),
             {"--wire-in", r.capture, "--port", r.port, "--data-width", std::to_string(r.width),
              "--engine", r.engine, "--report", dir + "/report.json", "--out", dir + "/out"});
    if (r.engine == "rtl") {  // the frame log (rtl engine) and a waveform of the first mismatch
      c.insert(c.end(), {"--log", dir + "/frames.jsonl"});
      if (a_.fst_window != 0) c.insert(c.end(), {"--fst-window", std::to_string(a_.fst_window)});
      if (a_.coverage) c.insert(c.end(), {"--coverage", dir + "/coverage.dat"});
    }
    return c;
  }

  // What a run's result depends on, wherever the output directory is and however the suite
  // file was named (--merge reads results from other directories): its command with RUN for
  // its directory, a generated capture by its name and other files by their canonical paths,
  // its known limit, the contents of its capture and scenario file, and the size and time of
  // the nicsim binary.
  std::string input_hash(const SuiteRun& r) const {
    SuiteRun named = r;
    named.capture = r.gen >= 0 ? "gen/" + r.capture_name : canonical(r.capture);
    if (!r.scenario_file.empty()) named.scenario_file = canonical(r.scenario_file);
    Hash h;
    for (const auto& a : command(named, "RUN")) h.add(a);
    h.add(r.xfail);
    h.add_file(r.capture);
    if (!r.scenario_file.empty()) h.add_file(r.scenario_file);
    h.add_stat(self_exe());
    return h.hex();
  }

  // A run's earlier outcome when it passed (or failed as its known limit) with these inputs.
  static std::optional<Outcome> previous(const std::string& dir, const std::string& hash) {
    auto o = read_result(dir);  // unreadable: run again
    if (!o || o->hash != hash || (o->status != "pass" && o->status != "xfail")) return std::nullopt;
    return o;
  }

  static void judge(const SuiteRun& r, const std::string& dir, Outcome& o) {
    const std::string log = read_text(dir + "/log.txt");
    if (!r.xfail.empty()) {
      if (o.exit_status != 0 && log.find(r.xfail) != std::string::npos) {
        o.status = "xfail";
        o.message = "known limit: " + r.xfail_why;
      } else {
        o.status = "fail";
        o.message = o.exit_status == 0
                        ? "the known limit did not show: the run passed (expected an error with '" +
                              r.xfail + "')"
                        : "expected an error with '" + r.xfail +
                              "', got: " + failure_text(log, o.exit_status);
      }
    } else if (o.exit_status == 0) {
      o.status = "pass";
    } else {
      o.status = "fail";
      o.message = failure_text(log, o.exit_status);
    }
  }

  static void save(const std::string& dir, const SuiteRun& r, const std::string& hash,
                   const std::vector<std::string>& cmd, const Outcome& o) {
    nlohmann::ordered_json j;
    j["id"] = r.id;
    j["hash"] = hash;
    j["command"] = cmd;
    j["status"] = o.status;
    j["message"] = o.message;
    j["exit_status"] = o.exit_status;
    j["wall_seconds"] = o.wall;
    std::ofstream f(dir + "/result.json");
    f << j.dump(2) << '\n';
    if (o.status == "fail") {
      std::ofstream m(dir + "/mismatch.txt");
      m << o.message << "\n\n" << tail_lines(read_text(dir + "/log.txt"), 60);
    }
  }

  // The table users of scripts/regress.sh know: a line per run from its report.
  static void table(const std::vector<SuiteRun>& runs, const std::vector<Outcome>& res,
                    const std::vector<std::string>& dirs, const std::string& out) {
    std::printf("%-44s %-12s %-4s %4s %-5s %6s %5s %5s %-30s %9s  %s\n", "TRACE", "SCENARIO",
                "PORT", "W", "ENG", "FRAMES", "MISM", "EXC", "DROPS", "CYCLES/S", "RESULT");
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const SuiteRun& r = runs[i];
      std::string frames = "-", mism = "-", exc = "-", drops = "-", cps = "-";
      if (res[i].status != "error") {  // a run without a result: no report either
        try {
          std::ifstream f(out + "/" + dirs[i] + "/report.json");
          const auto j = nlohmann::json::parse(f);
          frames = std::to_string(j.at("frames_in").get<std::uint64_t>());
          mism = std::to_string(j.at("scoreboard").at("mismatches").get<std::uint64_t>());
          exc = std::to_string(j.at("counters").at("out_exception").get<std::uint64_t>());
          drops.clear();
          for (const auto& [k, v] : j.at("counters").items()) {
            if (k.rfind("drop_", 0) == 0 && v.get<std::uint64_t>() != 0) {
              drops += (drops.empty() ? "" : ",") + k.substr(5) + ":" +
                       std::to_string(v.get<std::uint64_t>());
            }
          }
          if (drops.empty()) drops = "-";
          cps = std::to_string(static_cast<std::uint64_t>(j.at("cycles_per_s").get<double>()));
        } catch (const std::exception&) {
        }
      }
      const Outcome& o = res[i];
      std::string result = o.status == "pass"    ? "PASS"
                           : o.status == "xfail" ? "XFAIL"
                           : o.status == "fail"  ? "FAIL"
                                                 : "ERROR: " + o.message;
      if (o.reused) result += " (before)";
      if (o.status == "fail") result += " (see " + out + "/" + dirs[i] + "/log.txt)";
      std::printf("%-44s %-12s %-4s %4u %-5s %6s %5s %5s %-30s %9s  %s\n", r.capture_name.c_str(),
                  r.scenario.c_str(), r.port.c_str(), r.width, r.engine.c_str(), frames.c_str(),
                  mism.c_str(), exc.c_str(), drops.c_str(), cps.c_str(), result.c_str());
    }
  }

  static void write_junit(const Suite& s, const std::vector<SuiteRun>& runs,
                          const std::vector<Outcome>& res, const std::vector<std::string>& dirs,
                          const std::string& out) {
    std::map<std::string, std::vector<std::size_t>> by_scenario;
    for (std::size_t i = 0; i < runs.size(); ++i) by_scenario[runs[i].scenario].push_back(i);
    std::ostringstream o;
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    double time = 0;
    std::ostringstream body;
    for (const auto& [scen, idx] : by_scenario) {
      std::size_t f = 0, e = 0, sk = 0;
      double t = 0;
      for (const std::size_t i : idx) {
        f += res[i].status == "fail" ? 1 : 0;
        e += res[i].status == "error" ? 1 : 0;
        sk += res[i].status == "xfail" ? 1 : 0;
        t += res[i].wall;
      }
      tests += idx.size();
      failures += f;
      errors += e;
      skipped += sk;
      time += t;
      const std::string cls = s.name + "." + scen;
      body << "  <testsuite name=\"" << xml(cls) << "\" tests=\"" << idx.size() << "\" failures=\""
           << f << "\" errors=\"" << e << "\" skipped=\"" << sk << "\" time=\"" << t << "\">\n";
      for (const std::size_t i : idx) {
        const SuiteRun& r = runs[i];
        const Outcome& x = res[i];
        const std::string dir = out + "/" + dirs[i];
        body << "    <testcase classname=\"" << xml(cls) << "\" name=\"" << xml(r.id)
             << "\" time=\"" << x.wall << "\"";
        if (x.status == "pass") {
          body << "/>\n";
          continue;
        }
        body << ">\n";
        if (x.status == "xfail") {
          body << "      <skipped message=\"" << xml(x.message + " (fails with '" + r.xfail + "')")
               << "\"/>\n";
        } else if (x.status == "error") {
          body << "      <error message=\"" << xml(x.message) << "\" type=\"no-result\"/>\n";
        } else {
          body << "      <failure message=\"" << xml(x.message) << "\" type=\"failure\">"
               << xml(tail_lines(read_text(dir + "/log.txt"), 40)) << "</failure>\n";
        }
        if (x.status != "error") {
          body << "      <system-out>" << xml("log: " + dir + "/log.txt") << "</system-out>\n";
        }
        body << "    </testcase>\n";
      }
      body << "  </testsuite>\n";
    }
    o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"" << xml(s.name)
      << "\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\"" << errors
      << "\" skipped=\"" << skipped << "\" time=\"" << time << "\">\n"
      << body.str() << "</testsuites>\n";
    std::ofstream f(out + "/junit.xml");
    if (!f) throw std::runtime_error("cannot write " + out + "/junit.xml");
    f << o.str();
  }

  void write_summary(const Suite& s, const std::vector<SuiteRun>& runs,
                     const std::vector<Outcome>& res, const std::vector<std::string>& dirs,
                     const std::string& out, double wall) const {
    nlohmann::ordered_json j;
    j["suite"] = s.name;
    j["suite_file"] = s.file;
    j["description"] = s.description;
    const std::time_t now = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    j["finished"] = when;
    j["wall_seconds"] = wall;
    std::map<std::string, std::size_t> counts{{"pass", 0}, {"fail", 0}, {"xfail", 0}, {"error", 0}};
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const SuiteRun& r = runs[i];
      const Outcome& o = res[i];
      ++counts[o.status];
      const std::string& dir = dirs[i];
      nlohmann::ordered_json e;
      e["id"] = r.id;
      e["capture"] = r.capture_name;
      e["scenario"] = r.scenario;
      e["port"] = r.port;
      e["data_width"] = r.width;
      e["engine"] = r.engine;
      e["status"] = o.status;
      e["message"] = o.message;
      e["known_limit"] = r.xfail.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.xfail);
      e["reused"] = o.reused;
      e["exit_status"] = o.exit_status;
      e["wall_seconds"] = o.wall;
      e["dir"] = dir;
      auto rel = [&](const std::string& f) {  // none for a run without a result
        return o.status != "error" && fs::exists(out + "/" + dir + "/" + f)
                   ? nlohmann::json(dir + "/" + f)
                   : nlohmann::json(nullptr);
      };
      e["log"] = rel("log.txt");
      e["report"] = rel("report.json");
      e["frames"] = rel("frames.jsonl");
      e["fst"] = rel("out/mismatch.fst");
      e["mismatch"] = rel("mismatch.txt");
      list.push_back(e);
    }
    j["counts"] = {{"runs", runs.size()},
                   {"passed", counts["pass"]},
                   {"failed", counts["fail"]},
                   {"known_limits", counts["xfail"]},
                   {"errors", counts["error"]}};
    if (!a_.merge.empty()) {  // the shard directories, relative to out
      nlohmann::ordered_json from = nlohmann::ordered_json::array();
      for (const auto& d : a_.merge) from.push_back(relative(d, out));
      j["merged_from"] = from;
    }
    j["runs"] = list;
    std::ofstream f(out + "/summary.json");
    if (!f) throw std::runtime_error("cannot write " + out + "/summary.json");
    f << j.dump(2) << '\n';
  }

  // scripts/regress-report.py DIR (NICSIM_REPORT_SCRIPT overrides where it is), with Debian's
  // python3 (python3-matplotlib is installed for it; NICSIM_PYTHON overrides it).
  static bool html(const std::string& out) {
    const char* env = std::getenv("NICSIM_REPORT_SCRIPT");
    const std::string script =
        env != nullptr ? env : NICSIM_SOURCE_DIR "/scripts/regress-report.py";
    const char* py_env = std::getenv("NICSIM_PYTHON");
    const std::string python = py_env != nullptr                ? py_env
                               : fs::exists("/usr/bin/python3") ? "/usr/bin/python3"
                                                                : "python3";
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      execlp(python.c_str(), python.c_str(), script.c_str(), out.c_str(),
             static_cast<char*>(nullptr));
      _exit(127);
    }
    int st = 0;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  }

  const RegressArgs& a_;
};

}  // namespace

Runner add_regress_command(CLI::App& app) {
  auto a = std::make_shared<RegressArgs>();
  CLI::App* sub = app.add_subcommand(
      "regress",
      "Run a regression suite (docs/regress.md): every run the suite file lists (captures and\n"
      "generated traffic x scenarios x ports x widths x engines), N at a time, each a\n"
      "`nicsim run` with its log, report, frame log and waveform of the first mismatch in\n"
      "OUT/runs/ID/. A rerun skips the runs that passed with the same inputs. Writes\n"
      "OUT/junit.xml, OUT/summary.json and OUT/report.html; exits non-zero when a run fails\n"
      "(a known limit that fails with its text is not a failure). --merge DIR...: the same\n"
      "reports from shards' output directories (--shard I/N runs elsewhere, e.g. a Slurm job\n"
      "array: scripts/slurm/regress-submit.sh); a run none of them has a result for is an error.");
  sub->add_option("suite", a->suite, "suite file (YAML), e.g. traces/suites/quick.yaml")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("-j,--jobs", a->jobs, "runs at a time")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  sub->add_option("--out", a->out, "output directory (default: ./regress-SUITE)");
  auto* rerun = sub->add_flag("--rerun-all", a->rerun_all, "run again the runs that passed before");
  auto* shard = sub->add_option("--shard", a->shard,
                                "I/N: only the I-th of N shares of the run list (every N-th run of "
                                "the sorted list, from the I-th), for splitting a suite over "
                                "machines");
  sub->add_option("--only", a->only,
                  "GLOB: only the runs whose id matches (e.g. 'zeek__wikipedia.*'); repeatable");
  auto* list = sub->add_flag("--list", a->list, "print the run list (with known limits) and exit");
  sub->add_flag("--no-html", a->no_html, "skip report.html (scripts/regress-report.py)");
  sub->add_option("--fst-window", a->fst_window,
                  "rtl runs: on a mismatch, an FST of this many cycles around the first one "
                  "(0: none)")
      ->capture_default_str();
  sub->add_flag("--coverage", a->coverage,
                "rtl runs write their Verilator coverage data to OUT/runs/ID/coverage.dat (a "
                "build Verilated with coverage: scripts/coverage.sh, docs/coverage.md)");
  sub->add_option("--merge", a->merge,
                  "DIR...: run nothing; report the results these output directories of shards "
                  "hold for the suite's runs as one regression in --out (a run without a "
                  "result in any of them is an error); give the shards' --only and "
                  "--fst-window too")
      ->excludes(shard)
      ->excludes(rerun)
      ->excludes(list);
  return [a] { return Regress(*a).run(); };
}

}  // namespace nicsim::cli
