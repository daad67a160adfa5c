// Core tables: opcode and register names round-trip through their lookups.
#include <gtest/gtest.h>

#include "core/op.h"
#include "core/reg.h"

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

}  // namespace
}  // namespace gostack
