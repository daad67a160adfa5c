// End to end against Go 1.19: `gostack asm -S` and Go's own assembler on the frame-pass
// test files (tests/data/frame/*.s, reassemble_amd64.s for the encoder's span loop and
// plist_amd64.s for what Go's Flushplist drops)
// must print the same listing, symbol by symbol and line by line. Skips when Go 1.19 is
// not installed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "object_test_util.h"

namespace gostack {
namespace {

namespace fs = std::filesystem;
using objtest::run;

const char* const kGoAsm = "/usr/lib/go-1.19/pkg/tool/linux_amd64/asm";
const char* const kGoInclude = "/usr/lib/go-1.19/pkg/include";
const char* const kDefines = " -D GOOS_linux -D GOARCH_amd64 -D GOAMD64_v1";

// The "// flags: ..." line of a test file: the flags both assemblers get.
std::string file_flags(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    const std::string tag = "// flags:";
    if (line.starts_with(tag)) return line.substr(tag.size());
  }
  return " -p main";
}

// Splits a listing into symbols: header line's first word -> all of its lines.
std::map<std::string, std::vector<std::string>> by_symbol(const std::string& listing) {
  std::map<std::string, std::vector<std::string>> out;
  std::istringstream in(listing);
  std::string line, current;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '\t') current = line.substr(0, line.find(' '));
    out[current].push_back(line);
  }
  return out;
}

class FrameOracle : public ::testing::TestWithParam<std::string> {};

TEST_P(FrameOracle, ListingMatchesGo) {
  if (!fs::exists(kGoAsm)) GTEST_SKIP() << "Go 1.19 not installed";
  const fs::path dir = fs::path(GOSTACK_SOURCE_DIR) / "tests/data/frame";
  const std::string file = GetParam();
  const std::string flags = file_flags(dir / file);
  // Each case runs as its own ctest test, two at a time: each needs its own output files.
  const objtest::TempDir tmp_dir;
  const std::string& tmp = tmp_dir.path();
  ASSERT_FALSE(tmp.empty()) << "mkdtemp failed";
  const std::string cd = "cd " + dir.string() + " && ";

  auto go = run(cd + kGoAsm + flags + " -I " + kGoInclude + kDefines + " -S -o " + tmp + "/go.o ./" + file);
  ASSERT_EQ(go.status, 0) << go.output;
  auto ours = run(cd + GOSTACK_BINARY + " asm" + flags + kDefines + " -S -o " + tmp + "/gostack.o ./" + file);
  ASSERT_EQ(ours.status, 0) << ours.output;

  auto want = by_symbol(go.output);
  auto got = by_symbol(ours.output);
  for (const auto& [sym, lines] : want) {
    ASSERT_TRUE(got.contains(sym)) << "missing symbol " << sym;
    const auto& mine = got[sym];
    for (size_t i = 0; i < std::max(lines.size(), mine.size()); ++i) {
      const std::string w = i < lines.size() ? lines[i] : "<end>";
      const std::string g = i < mine.size() ? mine[i] : "<end>";
      if (w != g) {
        ADD_FAILURE() << sym << " line " << i << "\n  go:      " << w << "\n  gostack: " << g;
        break;
      }
    }
  }
  EXPECT_EQ(go.output, ours.output);
}

INSTANTIATE_TEST_SUITE_P(Files, FrameOracle,
                         ::testing::Values("variants_amd64.s", "runtime_amd64.s", "shared_amd64.s",
                                           "reassemble_amd64.s", "plist_amd64.s"),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.find('.'));
                           return n;
                         });

}  // namespace
}  // namespace gostack
