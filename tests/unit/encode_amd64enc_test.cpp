// Go's own encoder tests, testdata/amd64enc.s, amd64enc_extra.s and avx512enc/*.s (read
// from GOROOT at test time): every line carries the bytes Go expects ("// 4801d8", or
// "a or b" where either encoding is valid). Each line is assembled through the whole
// pipeline; its bytes must be one of the listed encodings and, when Go 1.19 is installed,
// exactly the one Go's assembler emits for that line. Zydis (when built in) must decode
// each encoding as one instruction of exactly that length.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
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
  std::string src = "#include \"textflag.h\"\nTEXT ·f(SB), NOSPLIT|NOFRAME, $0-0\n\t" + insn + "\n";
  std::vector<std::string> errors = test::assemble_collecting_errors(unit, "t.s", src);
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

struct FileCounts {
  int base_total = 0, base_ok = 0, total = 0, ok = 0, unsupported = 0, zydis_bad = 0;
  int zydis_known = 0;  // invalid encodings Go's tests list on purpose (see check_file)
};

// Checks every annotated line of one testdata file; returns the counts.
FileCounts check_file(test::GoOracle& go, const std::string& rel) {
  FileCounts n;
  const std::string path = go.goroot() + "/src/cmd/asm/internal/asm/testdata/" + rel;
  std::vector<EncLine> lines = read_amd64enc(path);
  EXPECT_FALSE(lines.empty()) << path;

  // What Go's assembler actually emits per line, where the annotation allows two.
  std::map<int, std::string> go_bytes;
  if (go.available()) {
    std::ifstream in(path);
    std::stringstream src;
    src << in.rdbuf();
    std::string text = src.str();
    // The file includes textflag.h by a relative path; use the installed one instead.
    if (auto inc = text.find("#include"); inc != std::string::npos) {
      text.replace(inc, text.find('\n', inc) - inc, "#include \"textflag.h\"");
    }
    test::GoResult r = go.assemble(text);
    EXPECT_FALSE(r.failed) << rel << ": " << r.errors;
    test::Listing listing = test::parse_listing(r.listing);
    for (const test::ListedInsn& i : listing.insns) go_bytes[i.line] = i.hex;
  }

  test::Zydis zydis;
  std::set<std::string> base(std::begin(test::kBaseOps), std::end(test::kBaseOps));
  int failures = 0;
  for (const EncLine& l : lines) {
    std::string op = l.insn.substr(0, l.insn.find(' '));
    bool in_base = base.count(op) != 0;
    bool unsup = false;
    std::string error;
    std::string got = assemble_one(l.insn, &unsup, &error);
    if (unsup) {
      ++n.unsupported;
      if (++failures <= 20) ADD_FAILURE() << rel << ":" << l.line << ": " << error;
      continue;
    }
    ++n.total;
    n.base_total += in_base;
    bool listed = false;
    for (const std::string& h : l.hex) listed |= h == got;
    auto g = go_bytes.find(l.line);
    bool same_as_go = g == go_bytes.end() || g->second == got;
    if (listed && same_as_go) {
      ++n.ok;
      n.base_ok += in_base;
    } else if (++failures <= 20) {
      ADD_FAILURE() << rel << ":" << l.line << ": " << l.insn << ": got " << got
                    << (error.empty() ? "" : " (" + error + ")") << ", want " << l.hex.front()
                    << (g != go_bytes.end() ? ", Go emits " + g->second : "");
    }
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i + 1 < got.size(); i += 2) {
      bytes.push_back(static_cast<uint8_t>(std::stoi(got.substr(i, 2), nullptr, 16)));
    }
    // Two encodings Go's tests list are not valid instructions, so Zydis rightly rejects
    // them; they still must equal Go's bytes (checked above): UD1 without its ModRM byte,
    // and EVEX zeroing (P2.z) without an opmask (P2.aaa = 0), which the SDM makes #UD.
    const bool known_invalid =
        op == "UD1" || (bytes.size() > 4 && bytes[0] == 0x62 && (bytes[3] & 0x87) == 0x80);
    if (known_invalid) {
      ++n.zydis_known;
    } else if (!zydis.decodes_as_one(bytes) && ++n.zydis_bad <= 5) {
      ADD_FAILURE() << rel << ":" << l.line << ": Zydis does not decode " << got
                    << " as one instruction";
    }
  }
  const std::string zydis_text =
      test::Zydis::enabled() ? std::to_string(n.zydis_bad) + " disagreements (" +
                                   std::to_string(n.zydis_known) + " known-invalid skipped)"
                             : "not built in";
  std::printf("%s: %d/%d lines identical (base ops %d/%d), %d unsupported, %d different; "
              "Zydis %s%s\n",
              rel.c_str(), n.ok, n.total + n.unsupported, n.base_ok, n.base_total,
              n.unsupported, n.total - n.ok, zydis_text.c_str(),
              go.available() ? "; checked against Go's own output" : "");
  EXPECT_EQ(n.ok, n.total) << rel;
  EXPECT_EQ(n.unsupported, 0) << rel;
  EXPECT_EQ(n.zydis_bad, 0) << rel;
  return n;
}

TEST(EncodeAmd64Enc, MatchesGoTestdata) {
  test::GoOracle go;
  const std::string dir = go.goroot() + "/src/cmd/asm/internal/asm/testdata/";
  if (!std::ifstream(dir + "amd64enc.s")) GTEST_SKIP() << dir << "amd64enc.s not found";
  FileCounts n = check_file(go, "amd64enc.s");
  EXPECT_GT(n.total, 1000);
  EXPECT_EQ(n.base_ok, n.base_total);
}

TEST(EncodeAmd64Enc, MatchesGoExtraTestdata) {
  test::GoOracle go;
  const std::string dir = go.goroot() + "/src/cmd/asm/internal/asm/testdata/";
  if (!std::ifstream(dir + "amd64enc_extra.s")) GTEST_SKIP() << "amd64enc_extra.s not found";
  check_file(go, "amd64enc_extra.s");
}

// AVX-512: masking, zeroing, broadcast, rounding/SAE, disp8*N, X16-X31/Y16-Y31/Z0-Z31.
TEST(EncodeAmd64Enc, MatchesGoAvx512Testdata) {
  test::GoOracle go;
  const std::string dir = go.goroot() + "/src/cmd/asm/internal/asm/testdata/avx512enc";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << dir << " not found";
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".s") files.push_back("avx512enc/" + e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GT(files.size(), 10u);
  int total = 0, ok = 0;
  for (const std::string& f : files) {
    FileCounts n = check_file(go, f);
    total += n.total + n.unsupported;
    ok += n.ok;
  }
  std::printf("avx512enc/*.s: %d/%d lines identical\n", ok, total);
}

}  // namespace
}  // namespace gostack
