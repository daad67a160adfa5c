// Form selection: the precomputed masks (select_two) pick the same row as a plain search of
// the op's rows in table order, for every op and every pair of operand classes.
#include <gtest/gtest.h>

#include <string>

#include "core/op.h"
#include "encode/forms.h"

namespace gostack::x86 {
namespace {

// The first row, in table order, that takes from/to of classes ft/tt (Ynone: absent):
// ordinary rows take the present operands as a list and must have no further class;
// Positional rows take from, nothing and to by position.
const Form* search_rows(Op op, YClass ft, YClass tt) {
  YClass list[2];
  int n = 0;
  if (ft != Ynone) list[n++] = ft;
  if (tt != Ynone) list[n++] = tt;
  const FormRange rows = forms_for(op);
  for (const Form* f = rows.begin; f != rows.end; ++f) {
    bool match;
    if (f->flags & F_Positional) {
      match = kCover[ft][f->args[0]] && kCover[Ynone][f->args[1]] && kCover[tt][f->args[2]];
    } else {
      match = f->args[n] == Yxxx;
      for (int i = 0; i < n && match; ++i) match = kCover[list[i]][f->args[i]];
    }
    if (match) return f;
  }
  return nullptr;
}

TEST(EncodeSelect, MasksPickTheFirstMatchingRow) {
  int ops = 0, found = 0;
  for (int o = 0; o < kNumOps; ++o) {
    const auto op = static_cast<Op>(o);
    if (!has_encodable_forms(op)) continue;
    ++ops;
    for (int ft = 0; ft < Ymax; ++ft) {
      for (int tt = 0; tt < Ymax; ++tt) {
        const Form* want = search_rows(op, static_cast<YClass>(ft), static_cast<YClass>(tt));
        const Form* got = select_two(op, static_cast<YClass>(ft), static_cast<YClass>(tt));
        if (want != nullptr) ++found;
        ASSERT_EQ(got, want) << op_name(op) << " " << ft << "," << tt;
      }
    }
  }
  EXPECT_GT(ops, 1000);
  EXPECT_GT(found, 10000);  // many pairs do select a row: the comparison is not vacuous
}

TEST(EncodeSelect, CommonInstructions) {
  // MOVQ's rows start with the MMX and XMM forms; a GPR load is the row {Yml, Yrl}.
  const Form* f = select_two(Op::MOVQ, Ym, Yrl);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->enc, Enc::rm_r);
  EXPECT_EQ(f->code[0], 0x8B);
  // ADDQ $1, reg takes the imm8 row before the imm32 ones.
  f = select_two(Op::ADDQ, Yi1, Yrl);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->enc, Enc::ib_rm);
  // MOVQ CR0, reg is one of the Positional rows after the ordinary ones.
  f = select_two(Op::MOVQ, Ycr0, Yrl);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->enc, Enc::sreg_rm);
  // RET has one row without operands; a register operand fits none.
  EXPECT_NE(select_two(Op::RET, Ynone, Ynone), nullptr);
  EXPECT_EQ(select_two(Op::RET, Ynone, Yrl), nullptr);
}

}  // namespace
}  // namespace gostack::x86
