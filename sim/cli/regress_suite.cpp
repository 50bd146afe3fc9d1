// SPDX-License-Identifier: MIT
// The suite file: a strict walk (nicsim/host/config/yaml.hpp) and the run list's expansion.
#include "regress_suite.hpp"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "nicsim/host/config/yaml.hpp"

namespace nicsim::cli {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> glob_files(const std::string& pattern) {
  glob_t g{};
  std::vector<std::string> out;
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (std::size_t i = 0; i < g.gl_pathc; ++i) {
      if (fs::is_regular_file(g.gl_pathv[i])) out.emplace_back(g.gl_pathv[i]);
    }
  }
  globfree(&g);
  return out;
}

std::vector<std::string> strings(const yaml::Ctx& c, yaml::Map& m, const std::string& key,
                                 std::vector<std::string> dflt,
                                 const std::vector<std::string>& options = {}) {
  const YAML::Node list = m.get(key);
  if (!list.IsDefined() || list.IsNull()) return dflt;
  std::vector<std::string> out;
  yaml::each(c, list, m.sub(key), [&](const YAML::Node& n, const std::string& p) {
    if (!n.IsScalar()) yaml::fail(c, n, p, "expected text, found " + yaml::kind(n));
    if (!options.empty() &&
        std::find(options.begin(), options.end(), n.Scalar()) == options.end()) {
      std::string all;
      for (const auto& o : options) all += (all.empty() ? "" : ", ") + o;
      yaml::fail(c, n, p, "'" + n.Scalar() + "' is not one of " + all);
    }
    if (std::find(out.begin(), out.end(), n.Scalar()) == out.end()) out.push_back(n.Scalar());
  });
  if (out.empty()) yaml::fail(c, list, m.sub(key), "the list is empty");
  return out;
}

// The options of `nicsim gen` a suite may set (the rest are its defaults).
std::vector<std::string> gen_args(const yaml::Ctx& c, yaml::Map& g) {
  std::vector<std::string> a;
  auto num = [&](const char* key, const char* opt, std::uint64_t lo, std::uint64_t hi) {
    if (g.has(key)) a.insert(a.end(), {opt, std::to_string(g.u64(key, 0, lo, hi))});
  };
  auto text = [&](const char* key, const char* opt) {
    if (g.has(key)) a.insert(a.end(), {opt, g.str(key, "")});
  };
  num("count", "--count", 1, 10'000'000);
  num("flows", "--flows", 1, 16u * 1024u * 1024u);
  text("sizes", "--sizes");
  text("kinds", "--kinds");
  if (g.has("malformed")) {
    std::ostringstream o;
    o << g.dbl("malformed", 0, 0, 1);
    a.insert(a.end(), {"--malformed", o.str()});
  }
  num("gap_ns", "--gap-ns", 1, 1'000'000'000);
  text("src_mac", "--src-mac");
  text("dst_mac", "--dst-mac");
  text("src_ip", "--src-ip");
  text("dst_ip", "--dst-ip");
  (void)c;
  return a;
}

struct KnownLimit {
  std::string capture, scenario, port, engine, error, why;
  unsigned width = 0;  // 0: any
};

}  // namespace

Suite load_suite(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw yaml::Error(path + ": cannot read the suite file");
  std::stringstream text;
  text << file.rdbuf();
  const std::string dir = fs::path(path).parent_path().string();
  const yaml::Ctx c{path, dir.empty() ? "." : dir};
  yaml::Map top(c, yaml::load(text.str(), c.file), "");
  if (!top.node().IsMap())
    yaml::fail(c, top.node(), "", "expected a mapping (nicsim_suite: 1, ...)");
  Suite s;
  s.file = path;
  if (top.u64("nicsim_suite", 0, 1, 1) != 1) {
    yaml::fail(c, top.node(), "", "missing 'nicsim_suite: 1' (the format version)");
  }
  s.name = top.str("name", fs::path(path).stem().string());
  s.description = top.str("description", "");
  const std::string scenario_dir = yaml::resolve(c, top.str("scenario_dir", "."));

  std::map<std::string, std::size_t> gen_index;  // stem -> index in s.gens
  std::vector<SuiteRun> runs;
  yaml::each(c, top.get("groups"), "groups", [&](const YAML::Node& gn, const std::string& gp) {
    yaml::Map g(c, gn, gp);
    g.str("name", "");
    struct Input {
      std::string path, name;
      int gen;
    };
    std::vector<Input> inputs;
    yaml::each(c, g.get("captures"), g.sub("captures"),
               [&](const YAML::Node& n, const std::string& p) {
                 if (!n.IsScalar())
                   yaml::fail(c, n, p, "expected a file name or glob, found " + yaml::kind(n));
                 const auto files = glob_files(yaml::resolve(c, n.Scalar()));
                 if (files.empty()) yaml::fail(c, n, p, "'" + n.Scalar() + "' matches no file");
                 for (const auto& f : files)
                   inputs.push_back({f, fs::path(f).filename().string(), -1});
               });
    yaml::each(
        c, g.get("generated"), g.sub("generated"), [&](const YAML::Node& n, const std::string& p) {
          yaml::Map m(c, n, p);
          const std::string name = m.str("name", "");
          if (name.empty() || name.find_first_of("/ \t") != std::string::npos) {
            yaml::fail(c, n, m.sub("name"), "a name without '/' or blanks is required");
          }
          const auto args = gen_args(c, m);
          std::vector<std::uint64_t> seeds;
          yaml::each(c, m.get("seeds"), m.sub("seeds"),
                     [&](const YAML::Node& sn, const std::string& sp) {
                       seeds.push_back(m.u64_of(sn, sp, 0, ~std::uint64_t{0}));
                     });
          if (seeds.empty()) yaml::fail(c, n, m.sub("seeds"), "at least one seed is required");
          m.done();
          for (const auto seed : seeds) {
            SuiteGen sg{name, args, seed};
            auto [it, fresh] = gen_index.emplace(sg.stem(), s.gens.size());
            if (fresh) {
              s.gens.push_back(sg);
            } else if (s.gens[it->second].args != args) {
              yaml::fail(c, n, p, "generated traffic '" + name + "' is defined twice, differently");
            }
            inputs.push_back({"", sg.stem() + ".pcap", static_cast<int>(it->second)});
          }
        });
    if (inputs.empty()) yaml::fail(c, gn, gp, "a group needs captures or generated traffic");
    const auto scenarios = strings(c, g, "scenarios", {"hairpin"});
    const auto ports = strings(c, g, "ports", {"pcap"}, {"pcap", "dpdk"});
    const auto widths = strings(c, g, "widths", {"64"}, {"64", "512"});
    const auto engines = strings(c, g, "engines", {"rtl"}, {"rtl", "model"});
    std::vector<std::pair<std::string, std::string>> scens;  // name, file
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
      const std::string& sc = scenarios[i];
      if (sc == "hairpin") {
        scens.emplace_back(sc, "");
        continue;
      }
      const bool is_path = sc.size() > 5 && sc.compare(sc.size() - 5, 5, ".yaml") == 0;
      const std::string f = is_path ? yaml::resolve(c, sc) : scenario_dir + "/" + sc + ".yaml";
      if (!fs::is_regular_file(f)) {
        const YAML::Node& gnc = gn;
        yaml::fail(c, gnc["scenarios"][i], g.sub("scenarios") + "[" + std::to_string(i) + "]",
                   "no scenario file " + f);
      }
      scens.emplace_back(is_path ? fs::path(sc).stem().string() : sc, f);
    }
    g.done();
    for (const auto& in : inputs) {
      for (const auto& [sname, sfile] : scens) {
        for (const auto& port : ports) {
          for (const auto& w : widths) {
            for (const auto& e : engines) {
              SuiteRun r;
              r.capture = in.path;
              r.capture_name = in.name;
              r.gen = in.gen;
              r.scenario = sname;
              r.scenario_file = sfile;
              r.port = port;
              r.width = static_cast<unsigned>(std::stoul(w));
              r.engine = e;
              r.id =
                  fs::path(in.name).stem().string() + "." + sname + "." + port + "." + w + "." + e;
              runs.push_back(r);
            }
          }
        }
      }
    }
  });
  if (runs.empty()) yaml::fail(c, top.node(), "groups", "the suite has no runs (a list of groups)");

  // known_limits: a list, or the name of a YAML file with one (suites share it).
  std::vector<KnownLimit> limits;
  YAML::Node kl = top.get("known_limits");
  yaml::Ctx kc = c;
  std::string kl_path = "known_limits";
  if (kl.IsDefined() && kl.IsScalar() && !kl.Scalar().empty()) {  // absent: a zombie node
    const std::string f = yaml::resolve(c, kl.Scalar());
    std::ifstream kin(f);
    if (!kin) yaml::fail(c, kl, "known_limits", "cannot read " + f);
    std::stringstream kt;
    kt << kin.rdbuf();
    kc = yaml::Ctx{f, fs::path(f).parent_path().string()};
    kl = yaml::load(kt.str(), f);
    kl_path = "";
  }
  yaml::each(kc, kl, kl_path, [&](const YAML::Node& n, const std::string& p) {
    yaml::Map m(kc, n, p);
    KnownLimit k;
    k.capture = m.str("capture", "");
    k.scenario = m.str("scenario", "");
    k.port = m.choice("port", "", {"", "pcap", "dpdk"});
    k.engine = m.choice("engine", "", {"", "rtl", "model"});
    k.width = static_cast<unsigned>(m.u64("width", 0, 64, 512));
    k.error = m.str("error", "");
    k.why = m.str("why", "");
    if (k.capture.empty())
      yaml::fail(kc, n, m.sub("capture"), "the capture's file name is required");
    if (k.error.empty())
      yaml::fail(kc, n, m.sub("error"), "the text the error must contain is required");
    if (k.why.empty()) yaml::fail(kc, n, m.sub("why"), "say why the run fails");
    m.done();
    limits.push_back(k);
  });
  top.done();

  std::sort(runs.begin(), runs.end(),
            [](const SuiteRun& a, const SuiteRun& b) { return a.id < b.id; });
  for (std::size_t i = 1; i < runs.size(); ++i) {
    if (runs[i].id == runs[i - 1].id && runs[i].capture != runs[i - 1].capture) {
      throw yaml::Error(c.file + ": two captures give the run id " + runs[i].id + ": " +
                        runs[i - 1].capture + " and " + runs[i].capture);
    }
  }
  // A run two groups list is run once.
  runs.erase(std::unique(runs.begin(), runs.end(),
                         [](const SuiteRun& a, const SuiteRun& b) { return a.id == b.id; }),
             runs.end());
  for (SuiteRun& r : runs) {
    for (KnownLimit& k : limits) {
      if (k.capture != r.capture_name || (!k.scenario.empty() && k.scenario != r.scenario) ||
          (!k.port.empty() && k.port != r.port) || (!k.engine.empty() && k.engine != r.engine) ||
          (k.width != 0 && k.width != r.width)) {
        continue;
      }
      r.xfail = k.error;
      r.xfail_why = k.why;
    }
  }
  s.runs = std::move(runs);
  return s;
}

std::vector<SuiteRun> shard_of(const std::vector<SuiteRun>& runs, unsigned i, unsigned n) {
  std::vector<SuiteRun> out;
  for (std::size_t k = i - 1; k < runs.size(); k += n) out.push_back(runs[k]);
  return out;
}

}  // namespace nicsim::cli
