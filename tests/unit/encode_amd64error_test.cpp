// Go's amd64error.s (read from GOROOT at test time): each `// ERROR "text"` line must get
// exactly one diagnostic containing Go's text, and no other line any diagnostic.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "asm/assembler.h"
#include "encode_test_util.h"

namespace gostack {
namespace {

TEST(EncodeAmd64Error, MatchesGoErrorTestdata) {
  test::GoOracle go;
  const std::string path = go.goroot() + "/src/cmd/asm/internal/asm/testdata/amd64error.s";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << path << " not found";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();

  // Expected substring per line.
  std::map<int, std::string> want;
  {
    std::istringstream lines(text);
    std::string l;
    for (int n = 1; std::getline(lines, l); ++n) {
      auto e = l.find("// ERROR \"");
      if (e == std::string::npos) continue;
      auto b = e + 10, q = l.find('"', b);
      want[n] = l.substr(b, q - b);
    }
  }
  ASSERT_GT(want.size(), 50u);
  // The file includes textflag.h by a relative path; use ours (same line count).
  if (auto inc = text.find("#include"); inc != std::string::npos) {
    text.replace(inc, text.find('\n', inc) - inc, "#include \"textflag.h\"");
  }

  Unit unit;
  std::vector<std::string> errors = test::assemble_collecting_errors(unit, "amd64error.s", text);

  std::map<int, std::vector<std::string>> got;
  for (const std::string& e : errors) {
    const std::string prefix = "amd64error.s:";
    int line = 0;
    if (e.rfind(prefix, 0) == 0) line = std::atoi(e.c_str() + prefix.size());
    got[line].push_back(e);
  }
  int ok = 0;
  for (const auto& [line, sub] : want) {
    auto g = got.find(line);
    if (g != got.end() && g->second.size() == 1 && g->second[0].find(sub) != std::string::npos) {
      ++ok;
    } else {
      ADD_FAILURE() << "amd64error.s:" << line << ": want one error containing \"" << sub
                    << "\", got " << (g == got.end() ? 0 : g->second.size()) << ": "
                    << (g == got.end() ? "" : g->second[0]);
    }
  }
  for (const auto& [line, list] : got) {
    if (!want.count(line)) ADD_FAILURE() << "unexpected diagnostic: " << list[0];
  }
  std::printf("amd64error.s: %d/%zu expected errors matched\n", ok, want.size());
  EXPECT_EQ(ok, static_cast<int>(want.size()));
}

// The EVEX suffix checks name the instruction after Go's message; the diagnostic's own
// "file:line: " is the only position in it (the instruction was once printed with its
// "(file:line)" prefix too).
TEST(EncodeAmd64Error, EvexSuffixErrorsGiveThePositionOnce) {
  const std::string text =
      "TEXT ·f(SB),4,$0\n"
      "\tVADDPD.RU_SAE X3, X2, K1, X1\n"
      "\tVMAXPD.SAE (AX), Z2, K1, Z1\n"
      "\tVFPCLASSPDX.Z $0, (AX), K2, K1\n"
      "\tVFPCLASSSD.BCST $0, (AX), K2, K1\n"
      "\tVADDPD.BCST X3, X2, K1, X1\n"
      "\tVADDPD.SAE X3, X2, K1, X1\n"
      "\tRET\n";
  Unit unit;
  std::vector<std::string> errors = test::assemble_collecting_errors(unit, "e.s", text);
  const std::vector<std::string> want = {
      "e.s:2: unsupported rounding: VADDPD.RU_SAE\tX3, X2, K1, X1",
      "e.s:3: illegal SAE with memory argument: VMAXPD.SAE\t(AX), Z2, K1, Z1",
      "e.s:4: unsupported zeroing: VFPCLASSPDX.Z\t$0, (AX), K2, K1",
      "e.s:5: unsupported broadcast: VFPCLASSSD.BCST\t$0, (AX), K2, K1",
      "e.s:6: illegal broadcast without memory argument: VADDPD.BCST\tX3, X2, K1, X1",
      "e.s:7: unsupported SAE: VADDPD.SAE\tX3, X2, K1, X1",
  };
  EXPECT_EQ(errors, want);
}

}  // namespace
}  // namespace gostack
