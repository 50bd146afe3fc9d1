// SPDX-License-Identifier: MIT
// End-to-end tests of the nicsim command, run as a separate process like a user would.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "nicsim/model/pcap_io.hpp"

namespace fs = std::filesystem;

namespace {

struct Result {
  int status = -1;  // exit code
  std::string out;  // stdout
  std::string err;  // stderr
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

fs::path tmpdir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  fs::path d = fs::path(NICSIM_TEST_TMP) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// Runs `nicsim ARGS`; stdout and stderr captured through files in `dir`.
Result nicsim(const std::string& args, const fs::path& dir) {
  const fs::path out = dir / "stdout.txt";
  const fs::path err = dir / "stderr.txt";
  const std::string cmd = std::string(NICSIM_BIN) + " " + args + " >" + out.string() + " 2>" +
                          err.string() + " </dev/null";
  const int rc = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string trace(const std::string& name) { return std::string(NICSIM_TRACES) + "/" + name; }

std::vector<nicsim::model::Frame> read_all(const fs::path& p) {
  nicsim::model::PcapReader r(p.string());
  std::vector<nicsim::model::Frame> v;
  while (auto f = r.next()) v.push_back(std::move(*f));
  return v;
}

// ---------------------------------------------------------------- parse vs expected

std::vector<std::string> expected_files() {
  std::vector<std::string> v;
  for (const auto& e : fs::directory_iterator(fs::path(NICSIM_TRACES) / "expected")) {
    if (e.path().extension() == ".jsonl") v.push_back(e.path().stem().string());
  }
  std::sort(v.begin(), v.end());
  return v;
}

class ParseExpected : public ::testing::TestWithParam<std::string> {};

TEST_P(ParseExpected, MatchesReviewedOutput) {
  const fs::path dir = tmpdir();
  const std::string name = GetParam();
  const Result r = nicsim("parse " + trace(name), dir);
  const std::string want =
      slurp(fs::path(NICSIM_TRACES) / "expected" / (name + ".jsonl"));
  ASSERT_EQ(r.status, 0) << r.err;
  // Compare line by line for a readable failure.
  std::istringstream got_s(r.out), want_s(want);
  std::string g, w;
  for (int line = 0;; ++line) {
    const bool hg = static_cast<bool>(std::getline(got_s, g));
    const bool hw = static_cast<bool>(std::getline(want_s, w));
    if (!hg && !hw) break;
    ASSERT_EQ(hg, hw) << "line count differs at line " << line;
    ASSERT_EQ(g, w) << "frame line " << line << " of " << name;
  }
}

INSTANTIATE_TEST_SUITE_P(RealCaptures, ParseExpected, ::testing::ValuesIn(expected_files()),
                         [](const auto& param_info) {
                           std::string s = param_info.param;
                           for (char& c : s) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return s;
                         });

TEST(Parse, EveryRealCaptureHasAnExpectedFile) {
  const auto have = expected_files();
  for (const auto& e : fs::directory_iterator(NICSIM_TRACES)) {
    const auto ext = e.path().extension();
    if (ext != ".pcap" && ext != ".pcapng") continue;
    EXPECT_NE(std::find(have.begin(), have.end(), e.path().filename().string()), have.end())
        << "no traces/expected/" << e.path().filename().string() << ".jsonl";
  }
}

// A capture cut in the middle of frame 3's data: frames 0..2 are printed, then an error
// that names frame 3, and a non-zero exit.
TEST(Parse, CorruptCaptureReportsFrameIndexAfterGoodFrames) {
  const fs::path dir = tmpdir();
  std::string bytes = slurp(trace("zeek__5-pings.pcap"));
  // pcap: 24-byte global header, then 16-byte record headers + data.
  std::size_t off = 24;
  for (int i = 0; i < 3; ++i) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + off + 8);
    const std::uint32_t caplen = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
    off += 16 + caplen;
  }
  bytes.resize(off + 16 + 10);  // frame 3: full record header, 10 bytes of data
  std::ofstream(dir / "cut.pcap", std::ios::binary) << bytes;
  const Result r = nicsim("parse " + (dir / "cut.pcap").string(), dir);
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 3) << r.out;
  EXPECT_NE(r.err.find("frame 3"), std::string::npos) << r.err;
}

TEST(Parse, NotACaptureIsAClearError) {
  const fs::path dir = tmpdir();
  std::ofstream(dir / "text.pcap") << "this is not a capture file\n";
  const Result r = nicsim("parse " + (dir / "text.pcap").string(), dir);
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("text.pcap"), std::string::npos) << r.err;
}

// ---------------------------------------------------------------- run (co-simulation)

struct RunCase {
  std::string port;
  int width;
  std::string valid;
  std::string ready;
};

void PrintTo(const RunCase& c, std::ostream* os) {
  *os << c.port << " DATA_W=" << c.width << " valid=" << (c.valid.empty() ? "1" : c.valid)
      << " ready=" << (c.ready.empty() ? "1" : c.ready);
}

class RunHairpin : public ::testing::TestWithParam<RunCase> {};

// The default scenario (the NIC as a bump in the wire) on a generated trace with every header
// kind, frame sizes from 64 to 9000 and a few malformed frames, plus a real capture: every
// frame leaves either to the wire, unchanged and in order, or (a parse error) to the host's
// exception ring; none is lost, the scoreboard finds no mismatch and the ledger balances.
TEST_P(RunHairpin, EveryFrameLeavesUnchangedToTheWireOrTheExceptionRing) {
  const RunCase c = GetParam();
  const fs::path dir = tmpdir();
  const fs::path gen = dir / "gen.pcap";
  ASSERT_EQ(nicsim("gen -o " + gen.string() +
                       " --seed 11 -n 160 --flows 32 --sizes mixed --malformed 0.05",
                   dir).status, 0);
  for (const std::string& in : {gen.string(), trace("zeek__wikipedia.pcap")}) {
    const fs::path out = dir / "out.pcap";
    const fs::path od = dir / "out";
    std::string args = "run --wire-in " + in + " --wire-out " + out.string() + " --port " +
                       c.port + " --data-width " + std::to_string(c.width) + " --report " +
                       (dir / "r.json").string() + " --out " + od.string();
    if (!c.valid.empty()) args += " --valid-pattern " + c.valid;
    if (!c.ready.empty()) args += " --ready-pattern " + c.ready;
    const Result r = nicsim(args, dir);
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    const auto want = read_all(in);
    const auto got = read_all(out);
    const auto exc = read_all(od / "exceptions.pcap");
    ASSERT_EQ(got.size() + exc.size(), want.size()) << r.out;
    std::size_t w = 0, e = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (w < got.size() && got[w].data == want[i].data) {
        ++w;
      } else {
        ASSERT_LT(e, exc.size()) << "frame " << i << " of " << in << " is neither on the wire "
                                 << "nor in the exception ring";
        ASSERT_EQ(exc[e].data, want[i].data) << "frame " << i << " of " << in;
        ++e;
      }
    }
    if (in == gen.string()) {
      EXPECT_GT(exc.size(), 0u) << "the trace's malformed frames";
    }
    std::size_t bytes = 0;
    for (const auto& f : want) bytes += f.data.size();
    EXPECT_NE(r.out.find("in         " + std::to_string(want.size()) + " frames, " +
                         std::to_string(bytes) + " bytes"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("scoreboard"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" 0 mismatches"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("cycles/s"), std::string::npos) << r.out;
    const std::string report = slurp(dir / "r.json");
    EXPECT_NE(report.find("\"passed\": true"), std::string::npos) << report;
    EXPECT_NE(report.find("\"balanced\": true"), std::string::npos) << report;
  }
}

INSTANTIATE_TEST_SUITE_P(
    PortsWidthsPatterns, RunHairpin,
    ::testing::Values(RunCase{"pcap", 64, "", ""}, RunCase{"pcap", 512, "", ""},
                      RunCase{"dpdk", 64, "", ""}, RunCase{"dpdk", 512, "", ""},
                      RunCase{"pcap", 64, "1110", "110"}, RunCase{"pcap", 512, "10", "1101"},
                      RunCase{"dpdk", 512, "1110", "011"}),
    [](const auto& param_info) {
      const RunCase& c = param_info.param;
      return c.port + "_w" + std::to_string(c.width) + (c.valid.empty() ? "" : "_v" + c.valid) +
             (c.ready.empty() ? "" : "_r" + c.ready);
    });

// A bundled scenario file (two VNICs, RSS over four queues each, expectations) run through
// the RTL and, separately, through the golden model alone: both pass, and what came out and
// every counter are the same. (The model engine keeps wire time only; a scenario with meters
// or full rings may differ between engines, see docs/scenario.md.)
TEST(Run, ScenarioFileOnBothEngines) {
  const fs::path dir = tmpdir();
  const std::string scen = std::string(NICSIM_TRACES) + "/scenarios/vnics-rss.yaml";
  const Result rtl = nicsim("run --scenario " + scen + " --out " + (dir / "rtl").string(), dir);
  ASSERT_EQ(rtl.status, 0) << rtl.out << rtl.err;
  const Result model =
      nicsim("run --engine model --scenario " + scen + " --out " + (dir / "model").string(), dir);
  ASSERT_EQ(model.status, 0) << model.out << model.err;
  EXPECT_NE(rtl.out.find("engine rtl"), std::string::npos) << rtl.out;
  EXPECT_NE(model.out.find("engine model"), std::string::npos) << model.out;
  auto from = [](const std::string& s, const char* a, const char* b) {
    const auto i = s.find(a);
    const auto j = s.find(b, i);
    return i == std::string::npos || j == std::string::npos ? std::string() : s.substr(i, j - i);
  };
  const std::string o1 = from(rtl.out, "  out ", "  scoreboard");
  EXPECT_FALSE(o1.empty()) << rtl.out;
  EXPECT_EQ(o1, from(model.out, "  out ", "  wall")) << rtl.out << model.out;
  // Each receive queue got the same frames in the same order.
  std::size_t queues = 0;
  for (const auto& e : fs::directory_iterator(dir / "rtl")) {
    const std::string n = e.path().filename().string();
    if (!n.starts_with("rxq")) continue;
    ++queues;
    const auto a = read_all(e.path());
    const auto b = read_all(dir / "model" / n);
    ASSERT_EQ(a.size(), b.size()) << n;
    for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i].data, b[i].data) << n << " " << i;
  }
  EXPECT_GE(queues, 4u);
}

TEST(Run, BadScenarioFileIsAClearError) {
  const fs::path dir = tmpdir();
  std::ofstream(dir / "bad.yaml")
      << "nicsim_scenario: 1\nname: bad\nvnics:\n  - vport: 300\n    mac: 02:00:00:00:00:11\n";
  const Result r = nicsim("run --scenario " + (dir / "bad.yaml").string(), dir);
  EXPECT_NE(r.status, 0);
  EXPECT_LT(r.status, 128) << "crashed";
  EXPECT_NE(r.err.find("bad.yaml"), std::string::npos) << r.err;
}

TEST(Run, CorruptInputStopsWithFrameIndexAndKeepsEarlierFrames) {
  const fs::path dir = tmpdir();
  std::string bytes = slurp(trace("zeek__5-pings.pcap"));
  bytes.resize(bytes.size() - 20);  // the last record loses its tail
  std::ofstream(dir / "cut.pcap", std::ios::binary) << bytes;
  const Result r = nicsim("run --wire-in " + (dir / "cut.pcap").string() + " --wire-out " +
                              (dir / "out.pcap").string(),
                          dir);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("frame 9"), std::string::npos) << r.err;
  EXPECT_EQ(read_all(dir / "out.pcap").size(), 9u);
}

TEST(Run, NeverReadyPatternIsRejected) {
  const fs::path dir = tmpdir();
  const Result r = nicsim("run --wire-in " + trace("zeek__5-pings.pcap") + " --wire-out " +
                              (dir / "out.pcap").string() +
                              " --ready-pattern 000",
                          dir);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("ready-pattern"), std::string::npos) << r.err;
}

TEST(Run, WritesWaveformOnRequest) {
  const fs::path dir = tmpdir();
  const Result r = nicsim("run --wire-in " + trace("zeek__5-pings.pcap") + " --wire-out " +
                              (dir / "out.pcap").string() + " --data-width 64 --fst " +
                              (dir / "w.fst").string(),
                          dir);
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_TRUE(fs::exists(dir / "w.fst"));
  EXPECT_GT(fs::file_size(dir / "w.fst"), 100u);
}

TEST(Run, WaveformWindowAndFrameLog) {
  const fs::path dir = tmpdir();
  const std::string base = "run --wire-in " + trace("zeek__5-pings.pcap") + " --data-width 64 ";
  const Result full = nicsim(base + "--fst " + (dir / "full.fst").string(), dir);
  ASSERT_EQ(full.status, 0) << full.err;
  const Result win = nicsim(base + "--fst " + (dir / "win.fst").string() +
                                " --fst-cycles 20000:21000 --log " + (dir / "f.jsonl").string() +
                                " --report " + (dir / "r.json").string(),
                            dir);
  ASSERT_EQ(win.status, 0) << win.err;
  ASSERT_TRUE(fs::exists(dir / "win.fst"));
  EXPECT_LT(fs::file_size(dir / "win.fst") * 4, fs::file_size(dir / "full.fst"))
      << "1000 cycles of a run of about 40000";
  // One line per frame into the pipeline: the ten pings, each hairpinned to the wire.
  std::ifstream log(dir / "f.jsonl");
  std::size_t lines = 0;
  for (std::string l; std::getline(log, l);) {
    ++lines;
    EXPECT_NE(l.find("\"parse\":\"ipv4/icmp\""), std::string::npos) << l;
    EXPECT_NE(l.find("\"dest\":\"wire\",\"out\":\"wire\""), std::string::npos) << l;
    EXPECT_NE(l.find("\"lookup\":\"tcam "), std::string::npos) << l;
  }
  EXPECT_EQ(lines, 10u);
  const std::string rep = slurp(dir / "r.json");
  EXPECT_NE(rep.find("\"wire->wire\""), std::string::npos) << rep;
  EXPECT_NE(rep.find("\"p99_cycles\""), std::string::npos) << rep;
  // No mismatch: --fst-window writes nothing.
  const Result none = nicsim(base + "--fst-window 500 --out " + (dir / "o").string(), dir);
  ASSERT_EQ(none.status, 0) << none.err;
  EXPECT_FALSE(fs::exists(dir / "o" / "mismatch.fst"));
}

// The big-endian u64 at `off` of an FST file's header block (tag 0: +9 start time, +17 end).
std::uint64_t fst_header_u64(const std::string& fst, std::size_t off) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = v << 8 | static_cast<std::uint8_t>(fst.at(off + i));
  return v;
}

// A mismatch (injected into the scoreboard's expectation of frame 4, a ping hairpinned to the
// wire) fails the run, names the frame, and --fst-window re-runs the simulation with the FST
// limited to the window around the mismatch's cycle.
TEST(Run, FstWindowAroundTheFirstMismatch) {
  const fs::path dir = tmpdir();
  const std::string base = "run --wire-in " + trace("zeek__5-pings.pcap") + " --data-width 64 ";
  const Result r =
      nicsim(base + "--inject-mismatch 4 --fst-window 400 --out " + (dir / "o").string(), dir);
  ASSERT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find("wire, input frame 4: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 mismatches"), std::string::npos) << r.err;
  // "FST of cycles A..B around the first mismatch (cycle C): FILE"
  const std::regex line(R"(FST of cycles (\d+)\.\.(\d+) around the first mismatch \(cycle (\d+)\): (\S+))");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.err, m, line)) << r.err;
  const std::uint64_t a = std::stoull(m[1]), b = std::stoull(m[2]), c = std::stoull(m[3]);
  EXPECT_EQ(b - a, 400u);
  EXPECT_LE(a, c);
  EXPECT_LE(c, b);
  EXPECT_GT(c, 1000u) << "the pings enter after the driver's set-up";
  EXPECT_EQ(fs::path(m[4].str()), dir / "o" / "mismatch.fst");
  const std::string fst = slurp(dir / "o" / "mismatch.fst");
  ASSERT_GT(fst.size(), 100u);
  ASSERT_EQ(fst[0], 0) << "FST header block";
  // The dump's time is two steps per cycle (nic_rtl_model.hpp): the file covers the window.
  const std::uint64_t t0 = fst_header_u64(fst, 9), t1 = fst_header_u64(fst, 17);
  EXPECT_GE(t0, 2 * a);
  EXPECT_LE(t1, 2 * b + 1);
  EXPECT_GE(t1, 2 * c) << "the window reaches the mismatch";
  // Without the injection the same run passes: the mismatch is the injected one.
  const Result ok = nicsim(base + "--fst-window 400", dir);
  EXPECT_EQ(ok.status, 0) << ok.err;
  // The injection needs the scoreboard of the rtl engine.
  for (const std::string& bad : {std::string("--inject-mismatch 1 --no-scoreboard"),
                                 std::string("--inject-mismatch 1 --engine model")}) {
    const Result e = nicsim(base + bad, dir);
    EXPECT_EQ(e.status, 1) << bad;
    EXPECT_NE(e.err.find("--inject-mismatch"), std::string::npos) << bad << ": " << e.err;
  }
}

TEST(Run, BadPortOptionsAreRejected) {
  const fs::path dir = tmpdir();
  for (const std::string& bad :
       {std::string("--vnic-tap nonsense"), std::string("--vnic-tap 0=x"),
        std::string("--wire-tap nst0 --wire-in ") + trace("zeek__5-pings.pcap"),
        std::string("--fst-window 100 --vnic-tap 1=nst0"), std::string("--fst-cycles 9:3")}) {
    const Result r = nicsim("run " + bad, dir);
    EXPECT_EQ(r.status, 1) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--"), std::string::npos) << bad << ": " << r.err;
  }
}

// ---------------------------------------------------------------- gen, diff, help

TEST(Gen, SameSeedSameBytesOtherSeedOtherBytes) {
  const fs::path dir = tmpdir();
  const std::string common = " -n 300 --flows 20 --sizes imix --kinds all --malformed 0.1";
  ASSERT_EQ(nicsim("gen -o " + (dir / "a.pcap").string() + " --seed 5" + common, dir).status, 0);
  ASSERT_EQ(nicsim("gen -o " + (dir / "b.pcap").string() + " --seed 5" + common, dir).status, 0);
  ASSERT_EQ(nicsim("gen -o " + (dir / "c.pcap").string() + " --seed 6" + common, dir).status, 0);
  const auto a = read_all(dir / "a.pcap");
  const auto b = read_all(dir / "b.pcap");
  const auto c = read_all(dir / "c.pcap");
  ASSERT_EQ(a.size(), 300u);
  ASSERT_EQ(b.size(), 300u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].data, b[i].data) << i;
    ASSERT_EQ(a[i].ts_ns, b[i].ts_ns) << i;
  }
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i].data == c[i].data ? 1 : 0;
  EXPECT_LT(same, 10u);
}

TEST(Gen, BadOptionsAreRejected) {
  const fs::path dir = tmpdir();
  EXPECT_NE(nicsim("gen -o " + (dir / "x.pcap").string() + " --sizes 77", dir).status, 0);
  const Result r = nicsim("gen -o " + (dir / "x.pcap").string() + " --kinds vxlan,bogus", dir);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("bogus"), std::string::npos) << r.err;
}

TEST(Diff, ReportsFirstDifference) {
  const fs::path dir = tmpdir();
  ASSERT_EQ(nicsim("diff " + trace("zeek__5-pings.pcap") + " " + trace("zeek__5-pings.pcap"),
                   dir).status, 0);
  const Result r =
      nicsim("diff " + trace("zeek__5-pings.pcap") + " " + trace("zeek__icmp6-ping.pcap"), dir);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("frame 0"), std::string::npos) << r.out;
}

TEST(Help, EveryCommandSaysWhatItDoes) {
  const fs::path dir = tmpdir();
  const Result top = nicsim("--help", dir);
  EXPECT_EQ(top.status, 0);
  for (const char* sub : {"run", "parse", "gen", "diff", "regress"}) {
    EXPECT_NE(top.out.find(sub), std::string::npos) << sub;
    const Result r = nicsim(std::string(sub) + " --help", dir);
    EXPECT_EQ(r.status, 0) << sub;
    EXPECT_GT(r.out.size(), 200u) << sub;
  }
  const Result run = nicsim("run --help", dir);
  for (const char* opt : {"--scenario", "--engine", "--wire-in", "--wire-out", "--port",
                          "--data-width", "--out", "--report", "--fst"}) {
    EXPECT_NE(run.out.find(opt), std::string::npos) << opt;
  }
}

TEST(Help, UnknownCommandFails) {
  const fs::path dir = tmpdir();
  EXPECT_NE(nicsim("frobnicate", dir).status, 0);
}

}  // namespace
