// The frame pass's per-instruction rewrites (Go's progedit), -shared TLS, and the
// Go 1.16 (-compat=go1.16) prologue with g in CX.
#include <gtest/gtest.h>

#include "frame_builder.h"

namespace gostack {
namespace {

using namespace gostack::testing;

using ProgeditTest = FrameFixture;

Addr F(double v) {
  Addr a;
  a.type = AddrType::FConst;
  a.fval = v;
  return a;
}

TEST_F(ProgeditTest, FloatConstantsMoveToMemory) {
  FnBuilder f(u, "sfn", textflag::kNoSplit, 0, -1, 10);
  f.add(11, Op::MOVSD, F(1.5), R(reg::X0));
  f.add(12, Op::MOVSD, F(0.0), R(reg_x(1)));
  f.add(13, Op::MOVSS, F(2.5), R(reg_x(2)));
  f.add(14, Op::MOVSD, F(-0.0), R(reg_x(3)));
  f.add(15, Op::ADDSD, F(1.5), R(reg_x(3)));
  f.add(16, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ((Lines(got.begin() + 1, got.end() - 1)), (Lines{
      "(t.s:11)\tMOVSD\t$f64.3ff8000000000000(SB), X0",
      "(t.s:12)\tXORPS\tX1, X1",
      "(t.s:13)\tMOVSS\t$f32.40200000(SB), X2",
      "(t.s:14)\tMOVSD\t$f64.8000000000000000(SB), X3",
      "(t.s:15)\tADDSD\t$f64.3ff8000000000000(SB), X3",
  }));
  ASSERT_EQ(u.const_syms.size(), 3u);  // one symbol per distinct value
  EXPECT_EQ(u.const_syms[0]->p, (std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0xf8, 0x3f}));
  EXPECT_EQ(u.const_syms[1]->p, (std::vector<uint8_t>{0, 0, 0x20, 0x40}));
  EXPECT_EQ(u.const_syms[1]->kind, SymKind::RoData);
}

TEST_F(ProgeditTest, AddressMovesBecomeLea) {
  FnBuilder f(u, "sfn", textflag::kNoSplit, 0, -1, 10);
  Addr stat;
  stat.type = AddrType::Addr;
  stat.name = AddrName::Static;
  stat.sym = u.lookup("foo", true);
  f.add(14, Op::MOVQ, stat, R(reg::AX));
  Addr local = Named(u, AddrName::Auto, "x", -8);
  local.type = AddrType::Addr;
  f.add(15, Op::MOVQ, local, R(reg::AX));
  f.add(16, Op::MOVL, local, R(reg::AX));
  f.add(17, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[1], "(t.s:14)\tLEAQ\tfoo<>(SB), AX");
  EXPECT_EQ(got[2], "(t.s:15)\tLEAQ\tx-8(SP), AX");
  EXPECT_EQ(got[3], "(t.s:16)\tLEAL\tx-8(SP), AX");
}

// MOVQ TLS, BX ; MOVQ 0(BX)(TLS*1), CX  ->  NOP ; MOVQ (TLS), CX
TEST_F(ProgeditTest, TlsTwoInstructionFormCollapses) {
  FnBuilder f(u, "sfn", textflag::kNoSplit, 0, -1, 10);
  f.add(16, Op::MOVQ, R(reg::TLS), R(reg::BX));
  Addr idx = M(reg::BX, 0);
  idx.index = reg::TLS;
  idx.scale = 1;
  f.add(17, Op::MOVQ, idx, R(reg::CX));
  f.add(18, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[1], "(t.s:16)\tNOP");
  EXPECT_EQ(got[2], "(t.s:17)\tMOVQ\t(TLS), CX");
}

// With -shared the g load keeps the two-instruction form, marked async-unsafe.
TEST_F(ProgeditTest, SharedLoadsGInTwoInstructions) {
  u.shared = true;
  FnBuilder f(u, "\"\".small", 0, 16, 8, 6);
  f.call(7, "\"\".leaf");
  f.add(8, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ((Lines(got.begin() + 1, got.begin() + 6)), (Lines{
      "(t.s:6)\tMOVQ\tTLS, R14",
      "(t.s:6)\tPCDATA\t$0, $-2",
      "(t.s:6)\tMOVQ\t(R14)(TLS*2), R14",
      "(t.s:6)\tPCDATA\t$0, $-1",
      "(t.s:6)\tCMPQ\tSP, 16(R14)",
  }));
  EXPECT_EQ(got.back(), "(t.s:6)\tJMP\t1");
}

TEST_F(ProgeditTest, BranchByInstructionNumber) {
  FnBuilder f(u, "sfn", textflag::kNoSplit, 0, -1, 1);
  Prog* j = f.add(2, Op::JMP);
  j->pc = 1;
  j->to.type = AddrType::Branch;
  j->to.offset = 3;  // "JMP 2(PC)" as the parser numbers it
  f.add(3, Op::NOP)->pc = 2;
  f.add(4, Op::RET)->pc = 3;
  Prog* bad = f.add(5, Op::JMP);
  bad->to.type = AddrType::Branch;
  bad->to.offset = 14;
  lower_function(u, f.sym(), diag);
  EXPECT_EQ(j->to.target, j->link->link);
  EXPECT_EQ(errors, (std::vector<std::string>{"t.s:5: branch out of range (0xe)"}));
}

// Numbered branches resolve in one pass: 200,000 of them take no time (not n^2).
TEST_F(ProgeditTest, ManyNumberedBranches) {
  FnBuilder f(u, "sfn", textflag::kNoSplit, 0, -1, 1);
  constexpr int kN = 200000;
  std::vector<Prog*> jumps;
  for (int i = 1; i <= kN; ++i) {
    Prog* j = f.add(2, Op::JMP);
    j->pc = i;
    j->to.type = AddrType::Branch;
    j->to.offset = kN + 1 - i;
    jumps.push_back(j);
  }
  f.add(3, Op::RET)->pc = kN + 1;
  lower_function(u, f.sym(), diag);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(jumps.front()->to.target, jumps.back());
  EXPECT_EQ(jumps.back()->to.target, jumps.front());
}

// The seed document's example under -compat=go1.16: no split check for NOSPLIT ...
TEST_F(ProgeditTest, Go116NosplitExample) {
  u.compat_go116 = true;
  FnBuilder f(u, "\"\".printnl_nosplit", textflag::kNoSplit, 8, -1, 4);
  f.call(5, "runtime.printnl");
  f.add(6, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got, (Lines{
      "(t.s:4)\tTEXT\t\"\".printnl_nosplit(SB), NOSPLIT, $16",
      "(t.s:4)\tSUBQ\t$16, SP",
      "(t.s:4)\tMOVQ\tBP, 8(SP)",
      "(t.s:4)\tLEAQ\t8(SP), BP",
      "(t.s:4)\tFUNCDATA\t$5, \"\".printnl_nosplit.arginfo0(SB)",
      "(t.s:4)\tFUNCDATA\t$0, \"\".printnl_nosplit.args_stackmap(SB)",
      "(t.s:5)\tCALL\truntime.printnl(SB)",
      "(t.s:6)\tMOVQ\t8(SP), BP",
      "(t.s:6)\tADDQ\t$16, SP",
      "(t.s:6)\tRET",
  }));
}

// ... and g in CX for the check.
TEST_F(ProgeditTest, Go116SplitCheck) {
  u.compat_go116 = true;
  FnBuilder f(u, "\"\".printnl", 0, 8, -1, 8);
  f.call(9, "runtime.printnl");
  f.add(10, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ((Lines(got.begin(), got.begin() + 6)), (Lines{
      "(t.s:8)\tTEXT\t\"\".printnl(SB), $16",
      "(t.s:8)\tMOVQ\t(TLS), CX",
      "(t.s:8)\tCMPQ\tSP, 16(CX)",
      "(t.s:8)\tPCDATA\t$0, $-2",
      "(t.s:8)\tJLS\t18",
      "(t.s:8)\tPCDATA\t$0, $-1",
  }));
  EXPECT_EQ(got[18], "(t.s:8)\tCALL\truntime.morestack_noctxt(SB)");
  EXPECT_EQ(got.back(), "(t.s:8)\tJMP\t1");
}

TEST_F(ProgeditTest, Go116MediumAndHugeFrames) {
  u.compat_go116 = true;
  FnBuilder m(u, "\"\".medium", 0, 1000, 0, 1);
  m.call(2, "runtime.printnl");
  m.add(3, Op::RET);
  Lines got = lower(m);
  EXPECT_EQ(got[2], "(t.s:1)\tLEAQ\t-880(SP), AX");
  EXPECT_EQ(got[3], "(t.s:1)\tCMPQ\tAX, 16(CX)");

  FnBuilder h(u, "\"\".big", 0, 5000, 0, 1);
  h.call(2, "runtime.printnl");
  h.add(3, Op::RET);
  got = lower(h);
  EXPECT_EQ((Lines(got.begin() + 1, got.begin() + 11)), (Lines{
      "(t.s:1)\tMOVQ\t(TLS), CX",
      "(t.s:1)\tMOVQ\t16(CX), SI",
      "(t.s:1)\tPCDATA\t$0, $-2",
      "(t.s:1)\tCMPQ\tSI, $-1314",
      "(t.s:1)\tJEQ\t23",
      "(t.s:1)\tLEAQ\t928(SP), AX",
      "(t.s:1)\tSUBQ\tSI, AX",
      "(t.s:1)\tCMPQ\tAX, $5808",
      "(t.s:1)\tJLS\t23",
      "(t.s:1)\tPCDATA\t$0, $-1",
  }));
  EXPECT_EQ(got[23], "(t.s:1)\tCALL\truntime.morestack_noctxt(SB)");
}

TEST_F(ProgeditTest, Go116WrapperUsesBxDi) {
  u.compat_go116 = true;
  FnBuilder f(u, "\"\".wrap", textflag::kWrapper, 16, 8, 40);
  f.call(41, "runtime.printnl");
  f.add(42, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[9], "(t.s:40)\tMOVQ\t32(CX), BX");
  EXPECT_EQ(got[10], "(t.s:40)\tTESTQ\tBX, BX");
  EXPECT_EQ(got[25], "(t.s:40)\tLEAQ\t32(SP), DI");
  EXPECT_EQ(got[26], "(t.s:40)\tCMPQ\t(BX), DI");
  EXPECT_EQ(got[28], "(t.s:40)\tMOVQ\tSP, (BX)");
}

// Go 1.16 had no register ABI: an ABIInternal function still loads g into CX.
TEST_F(ProgeditTest, Go116IgnoresAbiInternal) {
  u.compat_go116 = true;
  FnBuilder f(u, "\"\".abiint", textflag::kNoSplit | textflag::kWrapper, 16, 8, 45, Abi::AbiInternal);
  f.call(46, "\"\".leaf");
  f.add(47, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[1], "(t.s:45)\tMOVQ\t(TLS), CX");
}

}  // namespace
}  // namespace gostack
