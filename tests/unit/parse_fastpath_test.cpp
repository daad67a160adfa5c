// The parser's fast paths (a lone register, $integer, plain decimal integers, the statement
// word's cached classification) give exactly what the general paths give, errors included.
#include <gtest/gtest.h>

#include <functional>
#include <random>

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

// Expressions whose terms and factors are lone integers (read without a frame of their
// own) next to the operators that continue them; values as Go 1.19's asm prints them.
TEST(ParseFastPath, ExpressionShapes) {
  const std::pair<const char*, int64_t> cases[] = {
      {"$(2*3+4)", 10},   {"$(2+3*4)", 14},   {"$(1<<2+1)", 5},     {"$(16>>2*2)", 1},
      {"$(64>>1>>2)", 64}, {"$(-8*2)", -16},   {"$(~0&0xF)", 15},    {"$((8-2)*4)", 24},
      {"$(7/2%3)", 0},    {"$(1|2^7)", 4},    {"$-(2+3)", -5},      {"$+7", 7},
      {"$-8", -8},        {"$(2*-3)", -6},    {"$0xdeadBEEF", 3735928559},
      {"$0XFFFFFFFFFFFFFFFF", -1},
  };
  Harness h;
  for (const auto& [text, value] : cases) {
    Addr a = h.operand(text);
    EXPECT_EQ(a.type, AddrType::Const) << text;
    EXPECT_EQ(a.offset, value) << text;
  }
  EXPECT_TRUE(h.errors.empty());
  h.errors.clear();
  h.operand("$(1/0)");
  EXPECT_EQ(h.last_error(), "division by zero");
  h.errors.clear();
  h.operand("$(0x_1+0x1_0)");
  EXPECT_EQ(h.last_error(), "");
  h.errors.clear();
  h.operand("$(3+08)");
  EXPECT_EQ(h.last_error(), "strconv.ParseUint: parsing \"08\": invalid syntax");
}

// Two integers joined by '+', '-' or '*', bare or in parentheses, as the whole expression
// (the unrolled-loop offsets), and the shapes next to them that the general path reads.
TEST(ParseFastPath, TwoIntegerExpressions) {
  const std::pair<const char*, int64_t> consts[] = {
      {"$(16*4)", 64},  {"$(8-1)", 7},     {"$(2-3)", -1},   {"$4*8", 32},
      {"$3+0x10", 19},  {"$(2*3)*4", 24},  {"$(2+3)*4", 20}, {"$2+3*4", 14},
      {"$2*3+4", 10},   {"$(2<<3)", 16},   {"$(1+2)|8", 11}, {"$(0xFFFFFFFFFFFFFFFF*2)", -2},
  };
  Harness h;
  for (const auto& [text, value] : consts) {
    Addr a = h.operand(text);
    EXPECT_EQ(a.type, AddrType::Const) << text;
    EXPECT_EQ(a.offset, value) << text;
  }
  Addr m = h.operand("(16*4)(SI)");
  EXPECT_EQ(m.type, AddrType::Mem);
  EXPECT_EQ(m.reg, reg::SI);
  EXPECT_EQ(m.offset, 64);
  m = h.operand("4*8(SP)(BX*2)");
  EXPECT_EQ(m.reg, reg::SP);
  EXPECT_EQ(m.index, reg::BX);
  EXPECT_EQ(m.offset, 32);
  m = h.operand("$(8-16)(AX)");
  EXPECT_EQ(m.type, AddrType::Addr);
  EXPECT_EQ(m.offset, -8);
  EXPECT_TRUE(h.errors.empty());
  h.operand("$(3*08)");
  EXPECT_EQ(h.last_error(), "strconv.ParseUint: parsing \"08\": invalid syntax");
  h.errors.clear();
  h.operand("(2*3) 4");  // the expression ends at the ')': then the operand must end
  EXPECT_EQ(h.last_error(), "expected end of operand, found 4");
}

// Random expressions, well formed or not, give the same value, operand and errors with the
// expression fast paths (the lone integer, the error-free recursive descent) as through the
// general path alone.
TEST(ParseFastPath, ExpressionsMatchTheGeneralPath) {
  std::mt19937 rng(7);
  auto pick = [&](std::initializer_list<const char*> items) {
    return std::string(items.begin()[rng() % items.size()]);
  };
  std::function<std::string(int)> gen = [&](int depth) -> std::string {
    switch (depth <= 0 ? rng() % 2 : rng() % 7) {
      case 0:
        return pick({"0", "1", "2", "3", "7", "8", "16", "63", "64", "65", "100", "0x10", "0xF",
                     "0xFFFFFFFFFFFFFFFF", "0x8000000000000000", "017", "08", "1_0", "0b11",
                     "123456789012345678", "12345678901234567890", "'a'"});
      case 1: return pick({"1", "4", "0", "9"});
      case 2: return pick({"-", "+", "~"}).append(gen(depth - 1));
      case 3: return std::string("(").append(gen(depth - 1)).append(")");
      case 4: return std::string("(").append(gen(depth - 1)).append(pick({"", ")"}));
      default:
        return gen(depth - 1)
            .append(pick({"+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "+", "*"}))
            .append(gen(depth - 1));
    }
  };
  Harness fast, general;
  general.parser.set_expr_fast_paths(false);
  for (int i = 0; i < 4000; ++i) {
    const unsigned shape = rng() % 3;  // $expr, expr(SP) or x+expr(FP)
    std::string text = shape == 0 ? "$" : shape == 1 ? "" : "x+";
    text += gen(static_cast<int>(rng() % 6));
    if (shape != 0) text += shape == 1 ? "(SP)" : "(FP)";
    fast.errors.clear();
    general.errors.clear();
    Addr a = fast.operand(text);
    Addr b = general.operand(text);
    EXPECT_EQ(a.type, b.type) << text;
    EXPECT_EQ(a.offset, b.offset) << text;
    EXPECT_EQ(a.reg, b.reg) << text;
    EXPECT_EQ(fast.last_error(), general.last_error()) << text;
  }
}

// Memory operands through the base-register and index fast paths, and the forms next to
// them that take the general path.
TEST(ParseFastPath, MemoryOperandShapes) {
  Harness h;
  Addr a = h.operand("-8*2(SP)(BX*4)");
  EXPECT_EQ(a.type, AddrType::Mem);
  EXPECT_EQ(a.reg, reg::SP);
  EXPECT_EQ(a.index, reg::BX);
  EXPECT_EQ(a.scale, 4);
  EXPECT_EQ(a.offset, -16);
  a = h.operand("$16(AX)(CX*8)");
  EXPECT_EQ(a.type, AddrType::Addr);
  EXPECT_EQ(a.reg, reg::AX);
  EXPECT_EQ(a.index, reg::CX);
  EXPECT_EQ(a.scale, 8);
  a = h.operand("(AX)(CX)");  // no scale: the general index path
  EXPECT_EQ(a.index, reg::CX);
  EXPECT_EQ(a.scale, 0);
  a = h.operand("8(R9*2)");  // (R*scale) alone: an index without a base
  EXPECT_EQ(a.reg, reg::NONE);
  EXPECT_EQ(a.index, reg::R9);
  EXPECT_EQ(a.scale, 2);
  a = h.operand("x+8(FP)");
  EXPECT_EQ(a.name, AddrName::Param);
  EXPECT_EQ(a.offset, 8);
  a = h.operand("t<>+16(SB)(CX*1)");
  EXPECT_EQ(a.name, AddrName::Static);
  EXPECT_EQ(a.index, reg::CX);
  EXPECT_EQ(a.scale, 1);
  EXPECT_TRUE(h.errors.empty());
  h.errors.clear();
  h.operand("(AX)(BX*3)");
  EXPECT_EQ(h.last_error(), "bad scale: 3");
  h.errors.clear();
  h.operand("8(SB)");
  EXPECT_EQ(h.last_error(), "cannot reference SB without a symbol");
  h.errors.clear();
  h.operand("(AX)(x*2)");
  EXPECT_EQ(h.last_error(), "expected register; found x");
}

// (R), off(R), +off(R) and -off(R), read straight into the Addr, give what the general path
// gives for the same offset in parentheses ((off)(R)), errors and pseudo-registers included.
TEST(ParseFastPath, BaseRegisterOperands) {
  Harness h;
  for (const char* reg : {"AX", "SP", "R15", "X3", "SB", "FP", "PC"}) {
    for (const char* off : {"", "8", "-8", "+8", "0x7f", "08", "18446744073709551616"}) {
      const std::string fast = std::string(off) + "(" + reg + ")";
      const std::string general = std::string("(") + (*off ? off : "0") + ")(" + reg + ")";
      h.errors.clear();
      const Addr a = h.operand(fast);
      const std::string fast_error = h.last_error();
      h.errors.clear();
      const Addr b = h.operand(general);
      EXPECT_EQ(a.type, b.type) << fast;
      EXPECT_EQ(a.name, b.name) << fast;
      EXPECT_EQ(a.reg, b.reg) << fast;
      EXPECT_EQ(a.offset, b.offset) << fast;
      EXPECT_EQ(fast_error, h.last_error()) << fast;
    }
  }
  const Addr a = h.operand("-16(BP)");
  EXPECT_EQ(a.type, AddrType::Mem);
  EXPECT_EQ(a.reg, reg::BP);
  EXPECT_EQ(a.offset, -16);
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

// N(PC) targets resolve inside their own function, whichever functions have them; DATA's
// size and overlap errors (Go 1.19's messages).
TEST(ParseFastPath, CountedBranchesAndData) {
  Unit unit;
  Diag diag;
  std::vector<std::string> errors;
  diag.capture(&errors);
  const std::string src =
      "TEXT f(SB), 0, $0\nJMP 2(PC)\nRET\nRET\n"
      "TEXT h(SB), 0, $0\nRET\n"
      "TEXT k(SB), 0, $0\nNOP\nJMP 0(PC)\nJMP -1(PC)\nRET\n";
  ASSERT_TRUE(parse_text(unit, diag, "x.s", src, ParseOptions{}));
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(unit.text.size(), 3u);
  Prog* f_jmp = unit.text[0]->func->text->link;
  EXPECT_EQ(f_jmp->to.target, f_jmp->link->link);  // the second RET
  Prog* k_nop = unit.text[2]->func->text->link;
  Prog* k_jmp0 = k_nop->link;
  EXPECT_EQ(k_jmp0->to.target, k_jmp0);
  EXPECT_EQ(k_jmp0->link->to.target, k_jmp0);

  EXPECT_EQ(parse_errors("DATA x+0(SB)/0x8, $1\nDATA y+0(SB)/8, $1\nDATA y+8(SB)/8, $2\n"
                         "DATA y+4(SB)/4, $3\nGLOBL y(SB), $16\n"),
            (std::vector<std::string>{"x.s:1: bad size for DATA argument: \"0x8\"",
                                      "x.s:4: overlapping DATA entry for y"}));
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

// Statements longer than the token storage the parser starts with: it grows in the middle
// of an operand, and the operands read before move with it.
TEST(ParseFastPath, LongStatements) {
  auto sum = [](int n) {
    std::string s = "(1";
    for (int i = 1; i < n; ++i) s += "+1";
    return s + ")";
  };
  Unit unit;
  Diag diag;
  std::vector<std::string> errors;
  diag.capture(&errors);
  const std::string src = "TEXT f(SB), 0, $0\n"
                          "MOVQ $" + sum(20) + ", " + sum(40) + "(AX)\n"
                          "VPERMT2Q " + sum(30) + "(BX), " + sum(50) + "(CX)(DX*4), " + sum(70) + "(SI), Z1\n"
                          "ADDQ $" + sum(3) + ", CX\n"
                          "RET\n";
  ASSERT_TRUE(parse_text(unit, diag, "x.s", src, ParseOptions{}));
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(unit.text.size(), 1u);
  const Prog* mov = unit.text[0]->func->text->link;
  EXPECT_EQ(mov->from.type, AddrType::Const);
  EXPECT_EQ(mov->from.offset, 20);
  EXPECT_EQ(mov->to.reg, reg::AX);
  EXPECT_EQ(mov->to.offset, 40);
  const Prog* perm = mov->link;
  EXPECT_EQ(perm->from.offset, 30);
  EXPECT_EQ(perm->from.reg, reg::BX);
  ASSERT_EQ(perm->rest.size(), 2u);
  EXPECT_EQ(perm->rest[0].addr.offset, 50);
  EXPECT_EQ(perm->rest[0].addr.index, reg::DX);
  EXPECT_EQ(perm->rest[1].addr.offset, 70);
  EXPECT_EQ(perm->rest[1].addr.reg, reg::SI);
  EXPECT_EQ(perm->to.reg, reg_z(1));
  EXPECT_EQ(perm->link->from.offset, 3);
}

}  // namespace
}  // namespace gostack
