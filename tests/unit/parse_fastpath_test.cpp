// The parser's fast paths (a lone register, $integer, plain decimal integers, the statement
// word's cached classification) give exactly what the general paths give, errors included.
#include <gtest/gtest.h>

#include "parse_test_util.h"

namespace gostack {
namespace {

using Harness = testutil::OperandHarness;

TEST(ParseFastPath, IntegerSpellings) {
  struct Case {
    const char* text;
    int64_t value;
    const char* error;  // "" when none
  };
  const Case cases[] = {
      {"$0", 0, ""},
      {"$7", 7, ""},
      {"$123456789012345678", 123456789012345678, ""},         // 18 digits: the fast loop
      {"$1234567890123456789", 1234567890123456789, ""},       // 19 digits: the general parse
      {"$18446744073709551615", -1, ""},                       // UINT64_MAX
      {"$18446744073709551616", -1,
       "strconv.ParseUint: parsing \"18446744073709551616\": value out of range"},
      {"$012", 10, ""},  // octal
      {"$0x1F", 31, ""},
      {"$0b101", 5, ""},
      {"$0o17", 15, ""},
      {"$1_000", 1000, ""},
      {"$08", 0, "strconv.ParseUint: parsing \"08\": invalid syntax"},
  };
  Harness h;
  for (const Case& c : cases) {
    h.errors.clear();
    Addr a = h.operand(c.text);
    EXPECT_EQ(a.type, AddrType::Const) << c.text;
    EXPECT_EQ(a.offset, c.value) << c.text;
    EXPECT_EQ(h.last_error(), c.error) << c.text;
    // The same number through the general expression path.
    h.errors.clear();
    std::string in_parens = std::string("$(") + (c.text + 1) + ")";
    Addr b = h.operand(in_parens);
    EXPECT_EQ(b.offset, a.offset) << in_parens;
  }
}

TEST(ParseFastPath, LoneRegisterAndNonRegister) {
  Harness h;
  Addr a = h.operand("R15");
  EXPECT_EQ(a.type, AddrType::Reg);
  EXPECT_EQ(a.reg, reg::R15);
  Addr sb = h.operand("SB");  // a register name: the caller rejects pseudo-registers
  EXPECT_EQ(sb.type, AddrType::Reg);
  EXPECT_EQ(sb.reg, reg::SB);
  EXPECT_TRUE(h.errors.empty());
  Addr label = h.operand("loop");  // not a register: a symbol needing an addressing mode
  EXPECT_EQ(label.type, AddrType::Mem);
  ASSERT_EQ(h.errors.size(), 1u);
  EXPECT_EQ(h.errors[0], "t.s:3: illegal or missing addressing mode for symbol loop");
}

std::vector<std::string> parse_errors(const std::string& src) {
  Unit unit;
  Diag diag;
  std::vector<std::string> errors;
  diag.capture(&errors);
  diag.set_all_errors(true);
  parse_text(unit, diag, "x.s", src, ParseOptions{});
  return errors;
}

// Words: pseudo-ops win over the instructions of the same name, aliases resolve, and a word
// seen again (cached) is classified the same way as the first time.
TEST(ParseFastPath, StatementWords) {
  const std::string src =
      "TEXT f(SB), 0, $0\n"
      "JZ l\n"
      "JZ l\n"
      "l:\n"
      "MOVD AX, BX\n"
      "MOVD AX, BX\n"
      "FOO AX\n"
      "FOO AX\n"
      "AVERYLONGMNEMONICNAME AX\n"
      "PCDATA $0, $1\n"
      "PCDATA $0, AX\n"
      "RET\n";
  std::vector<std::string> errors = parse_errors(src);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors[0], "x.s:7: unrecognized instruction \"FOO\"");
  EXPECT_EQ(errors[1], "x.s:8: unrecognized instruction \"FOO\"");
  EXPECT_EQ(errors[2], "x.s:9: unrecognized instruction \"AVERYLONGMNEMONICNAME\"");
  EXPECT_EQ(errors[3], "x.s:11: PCDATA: expected immediate constant; found AX");
}

// The statement splitter's corner cases: suffixes and labels are recognised only before the
// first operand token, even after an empty first operand.
TEST(ParseFastPath, StatementSplitting) {
  EXPECT_EQ(parse_errors("TEXT f(SB), 0, $0\nMOVQ , AX\nRET\n"),
            std::vector<std::string>{"x.s:2: missing operand"});
  EXPECT_EQ(parse_errors("TEXT f(SB), 0, $0\nVADDPD.Z.BCST X1, X2, K1, X3\nRET\n"),
            std::vector<std::string>{"x.s:2: Z suffix should be the last"});
  EXPECT_EQ(parse_errors("TEXT f(SB), 0, $0\nMOVQ AX:BX:CX\nRET\n"),
            std::vector<std::string>{"x.s:2: invalid ':' in operand"});
  EXPECT_EQ(parse_errors("TEXT f(SB), 0, $0\nMOVQ (AX), BX,\nRET\n"),
            std::vector<std::string>{"x.s:2: missing operand"});
  EXPECT_EQ(parse_errors("TEXT f(SB), 0, $0\nMOVQ AX, BX"), std::vector<std::string>{"x.s:2: unexpected EOF"});
}

}  // namespace
}  // namespace gostack
