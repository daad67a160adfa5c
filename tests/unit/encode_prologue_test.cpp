// Encoder on hand-built Progs: the prologue/epilogue sequences of Go 1.19's listing of
// prologue_demo_amd64.s (bytes and relocations copied from that listing), ADJSP lowering,
// branch sizing, and the error messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "encode/encode.h"
#include "encode_test_util.h"

namespace gostack {
namespace {

Addr R(RegNum r) { return test::reg_addr(r); }
Addr M(RegNum base, int64_t off = 0) { return test::mem_addr(base, off); }
Addr C(int64_t v) { return test::const_addr(v); }
Addr Ext(Symbol* s) { return test::extern_addr(s); }
Addr Br(Prog* target) {
  Addr a;
  a.type = AddrType::Branch;
  a.target = target;
  return a;
}

// Builds one function as a Prog list and encodes it.
struct Fn {
  Unit unit;
  Diag diag;
  std::vector<std::string> errors;
  Symbol* sym;
  Prog* last;

  Fn() {
    diag.capture(&errors);
    unit.files.emplace_back("t.s");
    sym = unit.lookup("\"\".f");
    sym->func = std::make_unique<FuncInfo>();
    Prog* text = unit.new_prog();
    text->as = Op::TEXT;
    text->from = Ext(sym);
    text->to.type = AddrType::TextSize;
    sym->func->text = text;
    last = text;
  }
  Prog* add(Op as, Addr from = {}, Addr to = {}) {
    Prog* p = unit.new_prog();
    p->as = as;
    p->from = from;
    p->to = to;
    p->pos.line = 1;
    last->link = p;
    last = p;
    return p;
  }
  Symbol* s(const char* name) { return unit.lookup(name); }
  std::string hex() {
    encode_function(unit, sym, diag);
    return test::hex(sym->p);
  }
};

// "".small from the demo listing: small-frame split check, frame, call, epilogue, and the
// morestack tail that jumps back to the start.
TEST(EncodePrologue, SmallFrame) {
  Fn f;
  Prog* start = f.add(Op::MOVQ, M(reg::TLS), R(reg::R14));
  f.add(Op::CMPQ, R(reg::SP), M(reg::R14, 16));
  f.add(Op::PCDATA, C(0), C(-2));
  Prog* jls = f.add(Op::JLS);
  f.add(Op::PCDATA, C(0), C(-1));
  f.add(Op::ADJSP, C(24));
  f.add(Op::MOVQ, R(reg::BP), M(reg::SP, 16));
  f.add(Op::LEAQ, M(reg::SP, 16), R(reg::BP));
  f.add(Op::FUNCDATA, C(5), Ext(f.s("\"\".f.arginfo0")));
  Addr leaf = Ext(f.s("\"\".leaf"));
  leaf.type = AddrType::Branch;
  f.add(Op::CALL, {}, leaf);
  f.add(Op::MOVQ, M(reg::SP, 16), R(reg::BP));
  f.add(Op::ADJSP, C(-24));
  f.add(Op::RET);
  Prog* nop = f.add(Op::NOP);
  f.add(Op::PCDATA, C(1), C(-1));
  Addr more = Ext(f.s("runtime.morestack_noctxt"));
  more.type = AddrType::Branch;
  f.add(Op::CALL, {}, more);
  f.add(Op::JMP, {}, Br(start));
  jls->to = Br(nop);

  EXPECT_EQ(f.hex(),
            "644c8b342500000000493b6610761d4883ec1848896c2410488d6c2410e800000000488b6c2410"
            "4883c418c3e800000000ebcd");
  EXPECT_TRUE(f.errors.empty()) << f.errors.front();
  ASSERT_EQ(f.sym->r.size(), 3u);
  EXPECT_EQ(f.sym->r[0].off, 5);
  EXPECT_EQ(f.sym->r[0].siz, 4);
  EXPECT_EQ(f.sym->r[0].type, RelocType::TLS_LE);
  EXPECT_EQ(f.sym->r[0].sym, nullptr);
  EXPECT_EQ(f.sym->r[1].off, 30);
  EXPECT_EQ(f.sym->r[1].type, RelocType::Call);
  EXPECT_EQ(f.sym->r[1].add, 0);
  EXPECT_EQ(f.sym->r[2].off, 45);
  EXPECT_EQ(f.sym->size, 51);
  EXPECT_EQ(nop->pc, 44);
  EXPECT_EQ(jls->isize, 2);
  EXPECT_EQ(f.last->pc, 49);
}

// "".edge120 and "".edge128: ADJSP $128 lowers to ADDQ $-128, SP; $136 needs imm32;
// LEAQ with a negative disp8 into R12.
TEST(EncodePrologue, FrameEdges) {
  Fn f;
  Prog* add = f.add(Op::ADJSP, C(128));
  Prog* sub = f.add(Op::ADJSP, C(-128));
  f.add(Op::ADJSP, C(136));
  f.add(Op::LEAQ, M(reg::SP, -8), R(reg::R12));
  f.add(Op::CMPQ, R(reg::R12), M(reg::R14, 16));
  f.add(Op::MOVQ, R(reg::BP), M(reg::SP, 128));
  EXPECT_EQ(f.hex(), "4883c4804883ec804881ec880000004c8d6424f84d3b66104889ac2480000000");
  EXPECT_EQ(add->as, Op::ADDQ);
  EXPECT_EQ(add->from.offset, -128);
  EXPECT_EQ(sub->as, Op::SUBQ);
}

// "".huge and "".abiint: MOVQ SP, R12; SUBQ $imm32, R12; JCS; the WRAPPER check.
TEST(EncodePrologue, HugeAndWrapper) {
  Fn f;
  f.add(Op::MOVQ, R(reg::SP), R(reg::R12));
  f.add(Op::SUBQ, C(4880), R(reg::R12));
  f.add(Op::MOVQ, M(reg::R14, 32), R(reg::R12));
  f.add(Op::TESTQ, R(reg::R12), R(reg::R12));
  f.add(Op::LEAQ, M(reg::SP, 32), R(reg::R13));
  f.add(Op::CMPQ, M(reg::R12), R(reg::R13));
  f.add(Op::MOVQ, R(reg::SP), M(reg::R12));
  f.add(Op::CMPQ, R(reg::AX), C(0));
  EXPECT_EQ(f.hex(), "4989e44981ec101300004d8b66204d85e44c8d6c24204d392c24498924244883f800");
}

// A forward branch that does not fit in a byte is re-assembled long; a backward one
// within range stays short.
TEST(EncodeSpan, BranchSizing) {
  Fn f;
  Prog* top = f.add(Op::NOP);
  Prog* jeq = f.add(Op::JEQ);
  for (int i = 0; i < 40; ++i) f.add(Op::MOVQ, C(1), R(reg::AX));  // 7 bytes each
  Prog* target = f.add(Op::RET);
  Prog* back = f.add(Op::JMP, {}, Br(top));
  jeq->to = Br(target);
  std::string h = f.hex();
  EXPECT_EQ(h.substr(0, 12), "0f8418010000");  // JEQ rel32 = 280
  EXPECT_EQ(jeq->isize, 6);
  EXPECT_EQ(back->isize, 5);                   // 0 - (287+2) does not fit in rel8
  EXPECT_EQ(h.substr(h.size() - 10), "e9dcfeffff");
}

// Plain ModRM forms with register and simple memory operands (encode_plain_modrm): SIB for
// SP/R12, a disp8 for BP/R13 even at 0, disp32, REX after a mandatory prefix, imm8.
// Bytes from Go 1.19's listing of the same instructions.
TEST(EncodeFastPath, PlainModrmForms) {
  Fn f;
  f.add(Op::MOVQ, M(reg::SP, 8), R(reg::AX));
  f.add(Op::MOVQ, M(reg::R13), R(reg::R8));
  f.add(Op::ADDQ, C(1), M(reg::R12, 0x100));
  f.add(Op::MOVL, R(reg::CX), M(reg::BP, -129));
  f.add(Op::MOVOU, R(reg::X0 + 9), M(reg::SP));
  f.add(Op::SHRQ, C(3), R(reg::R15));
  f.add(Op::RET);
  EXPECT_EQ(f.hex(),
            "488b442408" "4d8b4500" "498384240001000001" "898d7fffffff" "f3440f7f0c24" "49c1ef03"
            "c3");
}

// CALL *sym(SB) (class Yindir) calls through a PC-relative memory slot; Go 1.19 gives
// ff 15 00 00 00 00 with R_PCREL at 2 (x.y+0).
TEST(EncodeOperands, CallIndirectThroughSymbol) {
  Fn f;
  Symbol* slot = f.s("x.y");
  Addr indir = Ext(slot);
  indir.type = AddrType::Indir;
  f.add(Op::CALL, {}, indir);
  f.add(Op::RET);
  EXPECT_EQ(f.hex(), "ff1500000000c3");
  ASSERT_TRUE(f.errors.empty());
  ASSERT_EQ(f.sym->r.size(), 1u);
  EXPECT_EQ(f.sym->r[0].type, RelocType::PCRel);
  EXPECT_EQ(f.sym->r[0].off, 2);
  EXPECT_EQ(f.sym->r[0].sym, slot);
  EXPECT_EQ(f.sym->r[0].add, 0);
}

// A re-assembly copies the instructions between branches from the previous pass: their
// relocations must move with them (here by the 3 bytes a JMP grows to rel32), while the
// branches' own relocations (JMP to a symbol) are made anew, once.
TEST(EncodeSpan, RelocationsMoveWithCopiedRuns) {
  Fn f;
  Symbol* g = f.s("\"\".g");
  Addr leaf = Ext(f.s("\"\".leaf"));
  leaf.type = AddrType::Branch;
  f.add(Op::CALL, {}, leaf);
  Prog* jmp = f.add(Op::JMP);
  std::vector<Prog*> loads;
  for (int i = 0; i < 20; ++i) loads.push_back(f.add(Op::MOVQ, Ext(g), R(reg::AX)));  // 7 bytes
  Addr tail = Ext(f.s("\"\".tail"));
  tail.type = AddrType::Branch;
  Prog* jsym = f.add(Op::JMP, {}, tail);
  for (int i = 0; i < 3; ++i) loads.push_back(f.add(Op::MOVQ, Ext(g), R(reg::AX)));
  Prog* target = f.add(Op::RET);
  jmp->to = Br(target);
  const std::string h = f.hex();
  ASSERT_TRUE(f.errors.empty());
  EXPECT_EQ(jmp->isize, 5);  // 20*7 + 5 + 21 bytes ahead: rel32
  EXPECT_EQ(h.substr(10, 10), "e9a6000000");  // 166 = 140 + 5 + 21
  ASSERT_EQ(f.sym->r.size(), 2 + loads.size());
  EXPECT_EQ(f.sym->r[0].type, RelocType::Call);  // CALL leaf at 0
  EXPECT_EQ(f.sym->r[0].off, 1);
  size_t k = 1;
  for (size_t i = 0; i < loads.size(); ++i, ++k) {
    if (i == 20) {
      EXPECT_EQ(f.sym->r[k].type, RelocType::Call);  // JMP tail(SB)
      EXPECT_EQ(f.sym->r[k].off, jsym->pc + 1);
      ++k;
    }
    const Reloc& r = f.sym->r[k];
    EXPECT_EQ(r.sym, g);
    EXPECT_EQ(r.type, RelocType::PCRel);
    EXPECT_EQ(r.off, loads[i]->pc + 3) << i;  // 48 8b 05 disp32
    EXPECT_EQ(h.substr(2 * loads[i]->pc, 6), "488b05");
  }
}

TEST(EncodeErrors, EvexFormsAndSuffixErrors) {
  {
    Fn f;
    f.add(Op::VPERMB, R(reg::X0), R(reg_x(1)));  // EVEX forms take three or four operands
    f.hex();
    ASSERT_EQ(f.errors.size(), 1u);
    EXPECT_EQ(f.errors[0].rfind("t.s:1: invalid instruction: VPERMB: ", 0), 0u) << f.errors[0];
    EXPECT_NE(f.errors[0].find("YxmEvex,YxrEvex,Yknot0,YxrEvex"), std::string::npos) << f.errors[0];
  }
  {
    Fn f;
    Prog* p = f.add(Op::VADDPD, R(reg_x(16)), R(reg_x(1)));  // X16 needs EVEX
    p->rest = f.unit.new_rest(1);
    p->rest[0].addr = R(reg_x(2));
    EXPECT_EQ(f.hex(), "62b1ed0858c8");  // Go 1.19's bytes
    EXPECT_TRUE(f.errors.empty());
  }
  {
    Fn f;
    Prog* p = f.add(Op::VADDPD, R(reg_x(1)), R(reg_x(3)));  // .BCST needs a memory source
    p->rest = f.unit.new_rest(1);
    p->rest[0].addr = R(reg_x(2));
    p->scond = scond::kBCST;
    f.hex();
    ASSERT_EQ(f.errors.size(), 1u);
    EXPECT_NE(f.errors[0].find("illegal broadcast without memory argument"), std::string::npos)
        << f.errors[0];
  }
  {
    Fn f;
    f.add(Op::MOVB, R(reg::X0), R(reg::AX));
    f.hex();
    ASSERT_EQ(f.errors.size(), 1u);
    EXPECT_NE(f.errors[0].find("t.s:1: invalid instruction: MOVB: operand 1"), std::string::npos)
        << f.errors[0];
    EXPECT_NE(f.errors[0].find("forms: Yrb,Ymb | Ymb,Yrb"), std::string::npos) << f.errors[0];
  }
}

}  // namespace
}  // namespace gostack
