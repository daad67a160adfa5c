// Core tables: opcode and register names round-trip through their lookups; Diag's two
// kinds of error and what it writes; the Unit's symbols and Progs (stable addresses, one
// name space each for <>, ABI0 and ABIInternal).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "core/diag.h"
#include "core/op.h"
#include "core/reg.h"
#include "core/symbol.h"

namespace gostack {
namespace {

TEST(Ops, NamesRoundTrip) {
  for (int i = 1; i < kNumOps; ++i) {
    Op op = static_cast<Op>(i);
    auto back = lookup_op(op_name(op));
    ASSERT_TRUE(back.has_value()) << op_name(op);
    EXPECT_EQ(*back, op) << op_name(op);
  }
}

TEST(Ops, GoAliases) {
  EXPECT_EQ(lookup_op("JA"), Op::JHI);
  EXPECT_EQ(lookup_op("JZ"), Op::JEQ);
  EXPECT_EQ(lookup_op("MOVD"), Op::MOVQ);
  EXPECT_FALSE(lookup_op("MOVZ").has_value());
  EXPECT_TRUE(is_jump_word("JA"));
  EXPECT_TRUE(is_jump_word("LOOPEQ"));
  EXPECT_FALSE(is_jump_word("MOVQ"));
}

TEST(Regs, NamesRoundTrip) {
  for (RegNum r = reg::AL; r < reg::MAXREG; ++r) {
    auto back = lookup_reg(reg_name(r));
    ASSERT_TRUE(back.has_value()) << reg_name(r);
    EXPECT_EQ(*back, r);
  }
  EXPECT_EQ(lookup_reg("g"), reg::R14);
  EXPECT_EQ(reg_name(reg::X0 + 15), "X15");
  EXPECT_EQ(reg_name(reg::Z0 + 31), "Z31");
  EXPECT_EQ(reg_name(reg::TLS), "TLS");
}

TEST(Regs, LookupTakesOnlyPrintedSpellings) {
  EXPECT_EQ(lookup_reg("SB"), reg::SB);
  EXPECT_EQ(lookup_reg("FP"), reg::FP);
  EXPECT_EQ(lookup_reg("PC"), reg::PC);
  EXPECT_EQ(lookup_reg("CR15"), reg::CR0 + 15);
  EXPECT_EQ(lookup_reg("R15B"), reg::R15B);
  EXPECT_EQ(lookup_reg("GDTR"), reg::GDTR);
  for (const char* bad : {"", "X01", "X32", "Y32", "K8", "F8", "R16", "CR16", "DR8", "x0", "ax", "G",
                          "AXX", "X", "NONE", "R???2049", "TLSX", "X1 "})
    EXPECT_FALSE(lookup_reg(bad).has_value()) << '"' << bad << '"';
}

// Everything Diag wrote to a temporary file.
std::string written(std::FILE* f) {
  std::rewind(f);
  std::string out;
  for (int c; (c = std::fgetc(f)) != EOF;) out += static_cast<char>(c);
  return out;
}

TEST(Diag, WritesWholeMessagesWithTheLogPrefix) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  Diag diag(f);
  diag.set_log_prefix("asm: ");
  diag.error("x.s", 2, std::string("expected end of operand, found \0", 32));
  diag.error("x.s", 2, "a second error on the line is dropped");
  diag.error("symbol a listed multiple times");
  EXPECT_EQ(written(f), std::string("x.s:2: expected end of operand, found \0\n", 40) +
                            "asm: symbol a listed multiple times\n");
  EXPECT_EQ(diag.count(), 2);
  std::fclose(f);
}

TEST(Diag, OnlyParserErrorsCountTowardTheLimit) {
  std::FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  Diag diag(f);
  for (int line = 1; line <= 20; ++line) diag.stage_error("x.s", line, "invalid instruction");
  diag.stage_error("x.s", 20, "invalid instruction");  // later stages: one per Prog
  EXPECT_EQ(diag.count(), 21);
  for (int line = 1; line <= 10; ++line) diag.error("x.s", line, "bad");
  EXPECT_THROW(diag.error("x.s", 11, "bad"), TooManyErrors);
  std::fclose(f);
}

// Symbols never move and are found again by name, however many follow them (the arena's
// chunks and the name table both grow many times here).
TEST(Unit, SymbolsStayPutAndAreFoundAgain) {
  Unit unit;
  std::vector<Symbol*> made;
  for (int i = 0; i < 5000; ++i) {
    Symbol* s = unit.lookup("sym" + std::to_string(i));
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->name, "sym" + std::to_string(i));
    EXPECT_EQ(s->kind, SymKind::None);
    EXPECT_FALSE(s->defined);
    made.push_back(s);
  }
  for (int i = 0; i < 5000; ++i) {
    const std::string name = "sym" + std::to_string(i);
    EXPECT_EQ(unit.lookup(name), made[i]) << name;
    EXPECT_EQ(unit.find(name), made[i]) << name;
    EXPECT_EQ(made[i]->name, name);
  }
  EXPECT_EQ(unit.find("sym5000"), nullptr);
}

// As in Go's Link: foo<>, foo and foo<ABIInternal> are three symbols.
TEST(Unit, NameSpacesAreSeparate) {
  Unit unit;
  Symbol* abi0 = unit.lookup("foo");
  Symbol* local = unit.lookup("foo", true);
  Symbol* internal = unit.lookup("foo", false, Abi::AbiInternal);
  EXPECT_NE(abi0, local);
  EXPECT_NE(abi0, internal);
  EXPECT_NE(local, internal);
  EXPECT_EQ(unit.lookup("foo", true), local);
  EXPECT_EQ(unit.lookup("foo", false, Abi::AbiInternal), internal);
  EXPECT_EQ(unit.find("foo"), abi0);
  EXPECT_EQ(unit.find("foo", true), local);
  EXPECT_EQ(unit.find("bar", true), nullptr);
}

// Progs come out distinct, each as a fresh Prog, and stay where they were made; so do their
// extra operands (Unit::new_rest), which do not overlap across chunk boundaries.
TEST(Unit, ProgsAreFreshAndStable) {
  Unit unit;
  std::vector<Prog*> made;
  for (int i = 0; i < 3000; ++i) {
    Prog* p = unit.new_prog();
    EXPECT_EQ(p->link, nullptr);
    EXPECT_EQ(p->as, Op::XXX);
    EXPECT_TRUE(p->rest.empty());
    EXPECT_EQ(p->pc, 0);
    p->pc = i;
    p->rest = unit.new_rest(static_cast<size_t>(i % 3));
    for (size_t k = 0; k < p->rest.size(); ++k) {
      EXPECT_EQ(p->rest[k].addr.offset, 0);
      p->rest[k].addr.offset = 10 * i + static_cast<int>(k);
    }
    if (!made.empty()) made.back()->link = p;
    made.push_back(p);
  }
  int i = 0;
  for (Prog* p = made.front(); p != nullptr; p = p->link, ++i) {
    EXPECT_EQ(p, made[static_cast<size_t>(i)]);
    EXPECT_EQ(p->pc, i);
    EXPECT_EQ(p->rest.size(), static_cast<size_t>(i % 3));
    for (size_t k = 0; k < p->rest.size(); ++k) EXPECT_EQ(p->rest[k].addr.offset, 10 * i + static_cast<int>(k));
  }
  EXPECT_EQ(i, 3000);
}

}  // namespace
}  // namespace gostack
