// Operand and pseudo-op parsing. Go's own tables (operand_test.go, pseudo_test.go) are
// read from GOROOT at test time; our own cases check the Addr fields the later stages
// depend on.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "parse_test_util.h"

namespace gostack {
namespace {

using Harness = testutil::OperandHarness;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The body of `var <name> = []<type>{ ... }` in a Go test file.
std::string go_table(const std::string& src, const std::string& name) {
  size_t at = src.find("var " + name + " = ");
  if (at == std::string::npos) return "";
  size_t open = src.find('{', at);
  size_t close = src.find("\n}", open);
  return src.substr(open, close - open);
}

// {"a", "b"} or {"a", "b", "c"} rows of Go string literals.
std::vector<std::vector<std::string>> go_rows(const std::string& table, int columns) {
  std::string lit = R"re("((?:[^"\\]|\\.)*)")re";
  std::string pat = "\\{" + lit;
  for (int i = 1; i < columns; ++i) pat += ",\\s*" + lit;
  pat += "\\}";
  std::regex re(pat);
  std::vector<std::vector<std::string>> rows;
  for (auto it = std::sregex_iterator(table.begin(), table.end(), re); it != std::sregex_iterator();
       ++it) {
    std::vector<std::string> row;
    for (int i = 1; i <= columns; ++i) {
      std::string quoted = "\"";  // appended, not "\"" + str: GCC 12 bug 105329 warns on that
      quoted += (*it)[i].str();
      quoted += '"';
      row.push_back(lex::go_unquote(quoted).value_or("?"));
    }
    rows.push_back(row);
  }
  return rows;
}

std::string operand_test_go() {
  return read_all(std::string(testutil::kGoRoot) + "/src/cmd/asm/internal/asm/operand_test.go");
}

TEST(ParseOperand, GoAmd64OperandTable) {
  std::string src = operand_test_go();
  if (src.empty()) GTEST_SKIP() << "Go sources not installed";
  auto rows = go_rows(go_table(src, "amd64OperandTests"), 2);
  ASSERT_GT(rows.size(), 100u);
  Harness h;
  for (const auto& row : rows) {
    Addr a = h.operand(row[0]);
    EXPECT_EQ(parse::describe_addr(a), row[1]) << "operand " << row[0];
  }
}

TEST(ParseOperand, GoAmd64RuntimeOperandTable) {
  std::string src = operand_test_go();
  if (src.empty()) GTEST_SKIP() << "Go sources not installed";
  auto rows = go_rows(go_table(src, "amd64RuntimeOperandTests"), 2);
  ASSERT_FALSE(rows.empty());
  Harness h(/*runtime=*/true);
  for (const auto& row : rows) {
    Addr a = h.operand(row[0]);
    EXPECT_EQ(parse::describe_addr(a, /*abi_detail=*/true), row[1]) << "operand " << row[0];
  }
}

TEST(ParseOperand, GoAmd64BadOperandTables) {
  std::string src = operand_test_go();
  if (src.empty()) GTEST_SKIP() << "Go sources not installed";
  for (bool runtime : {false, true}) {
    auto rows = go_rows(
        go_table(src, runtime ? "amd64BadOperandRuntimeTests" : "amd64BadOperandTests"), 2);
    ASSERT_FALSE(rows.empty());
    Harness h(runtime);
    for (const auto& row : rows) {
      size_t before = h.errors.size();
      h.operand(row[0]);
      ASSERT_GT(h.errors.size(), before) << "no error for " << row[0];
      EXPECT_NE(h.errors[before].find(row[1]), std::string::npos)
          << "operand " << row[0] << ": got " << h.errors[before];
    }
  }
}

// pseudo_test.go: each row is (pseudo-op, operands split at commas, exact error or "").
TEST(ParseOperand, GoPseudoOpErrors) {
  std::string src =
      read_all(std::string(testutil::kGoRoot) + "/src/cmd/asm/internal/asm/pseudo_test.go");
  if (src.empty()) GTEST_SKIP() << "Go sources not installed";
  for (bool runtime : {false, true}) {
    std::string marker = runtime ? "runtimeTests := " : "nonRuntimeTests := ";
    size_t at = src.find(marker);
    ASSERT_NE(at, std::string::npos);
    std::string table = src.substr(at, src.find("\n\t}", at) - at);
    auto rows = go_rows(table, 3);
    ASSERT_FALSE(rows.empty());
    Harness h(runtime);
    for (const auto& row : rows) {
      std::vector<lex::TokenList> lists;  // own the operands' tokens
      std::vector<parse::Operand> ops;
      if (!row[1].empty()) {
        std::stringstream ss(row[1]);
        std::string piece;
        while (std::getline(ss, piece, ',')) lists.push_back(lex::tokenize(piece));
        for (const lex::TokenList& l : lists) ops.push_back(l.tokens);
        if (row[1].back() == ',') ops.push_back({});
      }
      h.parser.set_line(++h.line);
      size_t before = h.errors.size();
      ASSERT_TRUE(h.parser.parse_pseudo(row[0], ops)) << row[0];
      std::string got = h.errors.size() > before ? h.last_error() : "";
      EXPECT_EQ(got, row[2]) << row[0] << " " << row[1];
    }
  }
}

// The Addr conventions later stages rely on (Go's obj.Addr fields).
TEST(ParseOperand, AddrFields) {
  Harness h;
  Addr a = h.operand("x+8(FP)");
  EXPECT_EQ(a.type, AddrType::Mem);
  EXPECT_EQ(a.name, AddrName::Param);
  EXPECT_EQ(a.reg, reg::NONE);
  ASSERT_NE(a.sym, nullptr);
  EXPECT_EQ(a.sym->name, "x");
  EXPECT_EQ(a.offset, 8);

  a = h.operand("x-8(SP)");  // named: the pseudo-SP
  EXPECT_EQ(a.name, AddrName::Auto);
  EXPECT_EQ(a.reg, reg::NONE);
  EXPECT_EQ(a.offset, -8);

  a = h.operand("-8(SP)");  // unnamed: the hardware SP
  EXPECT_EQ(a.type, AddrType::Mem);
  EXPECT_EQ(a.name, AddrName::None);
  EXPECT_EQ(a.reg, reg::SP);
  EXPECT_EQ(a.offset, -8);

  a = h.operand("(TLS)");
  EXPECT_EQ(a.type, AddrType::Mem);
  EXPECT_EQ(a.reg, reg::TLS);

  a = h.operand("$\u00B7f(SB)");
  EXPECT_EQ(a.type, AddrType::Addr);
  EXPECT_EQ(a.name, AddrName::Extern);
  EXPECT_EQ(a.sym->name, "\"\".f");

  a = h.operand("runtime\u00B7x<>+4(SB)");
  EXPECT_EQ(a.name, AddrName::Static);
  EXPECT_TRUE(a.sym->is_static);
  EXPECT_EQ(a.sym->name, "runtime.x");
  EXPECT_EQ(a.offset, 4);

  a = h.operand("16(AX)(BX*8)");
  EXPECT_EQ(a.reg, reg::AX);
  EXPECT_EQ(a.index, reg::BX);
  EXPECT_EQ(a.scale, 8);
  EXPECT_EQ(a.offset, 16);

  a = h.operand("(CX*4)");
  EXPECT_EQ(a.reg, reg::NONE);
  EXPECT_EQ(a.index, reg::CX);
  EXPECT_EQ(a.scale, 4);

  a = h.operand("3(PC)", /*jump=*/true);
  EXPECT_EQ(a.type, AddrType::Branch);
  EXPECT_EQ(a.offset, 3);

  a = h.operand("$1.5");
  EXPECT_EQ(a.type, AddrType::FConst);
  EXPECT_EQ(a.fval, 1.5);

  a = h.operand("$\"a\\x00b\"");
  EXPECT_EQ(a.type, AddrType::SConst);
  EXPECT_EQ(a.sval, std::string_view("a\0b", 3));

  a = h.operand("[Z1-Z4]");
  EXPECT_EQ(a.type, AddrType::RegList);
  EXPECT_EQ(a.reg, reg_z(1));

  a = h.operand("g");
  EXPECT_EQ(a.type, AddrType::Reg);
  EXPECT_EQ(a.reg, reg::R14);

  a = h.operand("*AX");
  EXPECT_EQ(a.type, AddrType::Reg);
  EXPECT_EQ(a.reg, reg::AX);
  EXPECT_TRUE(h.errors.empty()) << h.errors[0];
}

TEST(ParseOperand, Errors) {
  Harness h;
  h.operand("(AX)(BX*3)");
  EXPECT_EQ(h.last_error(), "bad scale: 3");
  h.operand("0(FP)");
  EXPECT_EQ(h.last_error(), "cannot reference FP without a symbol");
  h.operand("FOO");
  EXPECT_EQ(h.last_error(), "illegal or missing addressing mode for symbol FOO");
  h.operand("(FOO)");  // not a register, so a parenthesized expression
  EXPECT_EQ(h.last_error(), "unexpected FOO evaluating expression");
  h.operand("8(AX)(FOO*2)");
  EXPECT_EQ(h.last_error(), "expected register; found FOO");
  h.operand("$1.5(AX)");
  EXPECT_EQ(h.last_error(), "expected end of operand, found (");
  h.operand("1.5");
  EXPECT_EQ(h.last_error(), "floating-point constant must be an immediate");
  h.operand("$AX");
  EXPECT_EQ(h.last_error(), "prefix $ not allowed for register: $AX");
  h.operand("x+8(XX)");
  EXPECT_EQ(h.last_error(), "expected pseudo-register; found XX");
  h.operand("$x<ABI0>(SB)");
  EXPECT_EQ(h.last_error(),
            "ABI selector only permitted when compiling runtime, reference was to \"x\"");
}

}  // namespace
}  // namespace gostack
