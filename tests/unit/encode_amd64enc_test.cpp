// Go's own encoder test, testdata/amd64enc.s (read from GOROOT at test time): every line
// carries the bytes Go expects ("// 4801d8", or "a or b" where either encoding is valid).
// Each line is assembled through the whole pipeline; for the ops gostack supports its bytes
// must be one of the listed encodings and, when Go 1.19 is installed, exactly the one
// Go's assembler emits for that line.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "asm/assembler.h"
#include "encode/encode.h"
#include "encode_test_util.h"

namespace gostack {
namespace {

struct EncLine {
  int line;
  std::string insn;
  std::vector<std::string> hex;  // accepted encodings
};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::vector<EncLine> read_amd64enc(const std::string& path) {
  std::vector<EncLine> out;
  std::ifstream in(path);
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    std::string t = trim(text);
    auto c = t.find("//");
    if (t.empty() || c == 0 || c == std::string::npos) continue;
    EncLine l{n, trim(t.substr(0, c)), {}};
    std::istringstream alts(t.substr(c + 2));
    std::string word;
    while (alts >> word) {
      if (word != "or") l.hex.push_back(word);
    }
    out.push_back(l);
  }
  return out;
}

// Our bytes for one instruction, assembled alone in a frameless function.
std::string assemble_one(const std::string& insn, bool* unsupported, std::string* error) {
  Unit unit;
  Diag diag;
  diag.set_all_errors(true);
  std::vector<std::string> errors;
  diag.capture(&errors);
  AsmOptions opts;
  opts.pkgpath = "main";
  opts.parse.builtin_include_dir = GOSTACK_SOURCE_DIR "/include/goasm";
  std::string src = "#include \"textflag.h\"\nTEXT ·f(SB), NOSPLIT|NOFRAME, $0-0\n\t" + insn + "\n";
  assemble_text(unit, diag, "t.s", src, opts);
  *unsupported = false;
  for (const std::string& e : errors) {
    if (e.find("unsupported instruction") != std::string::npos) *unsupported = true;
  }
  if (!errors.empty()) {
    *error = errors.front();
    return "";
  }
  return unit.text.empty() ? "" : test::hex(unit.text.front()->p);
}

TEST(EncodeAmd64Enc, MatchesGoTestdata) {
  test::GoOracle go;
  const std::string path = go.goroot() + "/src/cmd/asm/internal/asm/testdata/amd64enc.s";
  if (!std::ifstream(path)) GTEST_SKIP() << path << " not found";
  std::vector<EncLine> lines = read_amd64enc(path);
  ASSERT_GT(lines.size(), 1000u);

  // What Go's assembler actually emits per line, where the annotation allows two.
  std::map<int, std::string> go_bytes;
  if (go.available()) {
    std::ifstream in(path);
    std::stringstream src;
    src << in.rdbuf();
    std::string text = src.str();
    // The file includes textflag.h by a relative path; use the installed one instead.
    auto inc = text.find("#include");
    text.replace(inc, text.find('\n', inc) - inc, "#include \"textflag.h\"");
    test::GoResult r = go.assemble(text);
    ASSERT_FALSE(r.failed) << r.errors;
    test::Listing listing = test::parse_listing(r.listing);
    for (const test::ListedInsn& i : listing.insns) go_bytes[i.line] = i.hex;
  }

  std::set<std::string> base(std::begin(test::kBaseOps), std::end(test::kBaseOps));
  int base_total = 0, base_ok = 0, total = 0, ok = 0, unsupported = 0, failures = 0;
  for (const EncLine& l : lines) {
    std::string op = l.insn.substr(0, l.insn.find(' '));
    bool in_base = base.count(op) != 0;
    bool unsup = false;
    std::string error;
    std::string got = assemble_one(l.insn, &unsup, &error);
    if (unsup) {
      ++unsupported;
      EXPECT_FALSE(in_base) << l.insn << " is in the base set but unsupported";
      continue;
    }
    ++total;
    base_total += in_base;
    bool listed = false;
    for (const std::string& h : l.hex) listed |= h == got;
    auto g = go_bytes.find(l.line);
    bool same_as_go = g == go_bytes.end() || g->second == got;
    if (listed && same_as_go) {
      ++ok;
      base_ok += in_base;
    } else if (++failures <= 40) {
      ADD_FAILURE() << "amd64enc.s:" << l.line << ": " << l.insn << ": got " << got
                    << (error.empty() ? "" : " (" + error + ")") << ", want " << l.hex.front()
                    << (g != go_bytes.end() ? ", Go emits " + g->second : "");
    }
  }
  std::printf("amd64enc.s: base ops %d/%d lines match; all supported ops %d/%d; %d lines "
              "unsupported (VEX/EVEX)%s\n",
              base_ok, base_total, ok, total, unsupported,
              go.available() ? "; checked against Go's own output" : "");
  EXPECT_EQ(base_ok, base_total);
  EXPECT_EQ(ok, total);
}

}  // namespace
}  // namespace gostack
