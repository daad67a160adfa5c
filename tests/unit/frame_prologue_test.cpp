// The frame pass on hand-built functions: each prologue variant of Go 1.19's obj6.go
// (compare prologue_demo_amd64.go119.S.txt), with branch targets shown as Prog indexes.
#include <gtest/gtest.h>

#include "frame_builder.h"

namespace gostack {
namespace {

using namespace gostack::testing;

using FrameTest = FrameFixture;

// frame 16 + BP slot, with a call: TLS load, CMPQ SP form, morestack block.
TEST_F(FrameTest, SmallFrame) {
  FnBuilder f(u, "\"\".small", 0, 16, 8, 6);
  f.call(7, "\"\".leaf");
  f.add(8, Op::RET);
  EXPECT_EQ(lower(f), (Lines{
      "(t.s:6)\tTEXT\t\"\".small(SB), $24-8",
      "(t.s:6)\tMOVQ\t(TLS), R14",
      "(t.s:6)\tCMPQ\tSP, 16(R14)",
      "(t.s:6)\tPCDATA\t$0, $-2",
      "(t.s:6)\tJLS\t17",
      "(t.s:6)\tPCDATA\t$0, $-1",
      "(t.s:6)\tSUBQ\t$24, SP",
      "(t.s:6)\tMOVQ\tBP, 16(SP)",
      "(t.s:6)\tLEAQ\t16(SP), BP",
      "(t.s:6)\tFUNCDATA\t$5, \"\".small.arginfo0(SB)",
      "(t.s:6)\tFUNCDATA\t$0, \"\".small.args_stackmap(SB)",
      "(t.s:7)\tCALL\t\"\".leaf(SB)",
      "(t.s:8)\tMOVQ\t16(SP), BP",
      "(t.s:8)\tADDQ\t$24, SP",
      "(t.s:8)\tRET",
      "(t.s:8)\tNOP",
      "(t.s:6)\tPCDATA\t$1, $-1",
      "(t.s:6)\tPCDATA\t$0, $-2",
      "(t.s:6)\tCALL\truntime.morestack_noctxt(SB)",
      "(t.s:6)\tPCDATA\t$0, $-1",
      "(t.s:6)\tJMP\t1",
  }));
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(f.sym()->nosplit);
  EXPECT_EQ(f.sym()->func->locals, 24);
  EXPECT_EQ(f.sym()->func->args, 8);
}

// Spadj: +frame on the SUBQ, -frame on the epilogue ADDQ, +frame on the RET (code after
// it is still inside the frame), -frame/+frame around the morestack call.
TEST_F(FrameTest, SpAdjustments) {
  FnBuilder f(u, "\"\".small", 0, 16, 8, 6);
  f.call(7, "\"\".leaf");
  f.add(8, Op::RET);
  lower(f);
  std::vector<int> spadj;
  for (Prog* p = f.sym()->func->text; p; p = p->link) {
    if (p->spadj != 0) spadj.push_back(p->spadj);
  }
  EXPECT_EQ(spadj, (std::vector<int>{24, -24, 24, -24, 24}));
}

// No call and a small frame: the leaf rule makes it NOSPLIT; the BP slot stays.
TEST_F(FrameTest, LeafBecomesNosplit) {
  FnBuilder f(u, "\"\".leaf", 0, 16, 8, 11);
  f.add(12, Op::MOVQ, R(reg::AX), M(reg::SP, 0));
  f.add(13, Op::RET);
  EXPECT_EQ(lower(f), (Lines{
      "(t.s:11)\tTEXT\t\"\".leaf(SB), NOSPLIT, $24-8",
      "(t.s:11)\tSUBQ\t$24, SP",
      "(t.s:11)\tMOVQ\tBP, 16(SP)",
      "(t.s:11)\tLEAQ\t16(SP), BP",
      "(t.s:11)\tFUNCDATA\t$5, \"\".leaf.arginfo0(SB)",
      "(t.s:11)\tFUNCDATA\t$0, \"\".leaf.args_stackmap(SB)",
      "(t.s:12)\tMOVQ\tAX, (SP)",
      "(t.s:13)\tMOVQ\t16(SP), BP",
      "(t.s:13)\tADDQ\t$24, SP",
      "(t.s:13)\tRET",
  }));
  EXPECT_TRUE(f.sym()->nosplit);
}

// Calls to the argument-less runtime panics and DUFFZERO keep a function a leaf, unless
// the frame is within 8 bytes of StackSmall.
TEST_F(FrameTest, LeafAllowsRuntimePanics) {
  FnBuilder a(u, "\"\".a", 0, 64, 0, 1);
  a.call(2, "runtime.panicIndex");
  a.add(3, Op::DUFFZERO, {}, C(0));
  a.call(4, "runtime.panicdivide");
  a.add(5, Op::RET);
  lower_function(u, a.sym(), diag);
  EXPECT_TRUE(a.sym()->nosplit);

  FnBuilder b(u, "\"\".b", 0, 112, 0, 1);  // 112 + 8 = 120 = StackSmall-8
  b.call(2, "runtime.panicshift");
  b.add(3, Op::RET);
  lower_function(u, b.sym(), diag);
  EXPECT_FALSE(b.sym()->nosplit);

  FnBuilder c(u, "\"\".c", 0, 8, 0, 1);
  c.call(2, "runtime.printnl");
  c.add(3, Op::RET);
  lower_function(u, c.sym(), diag);
  EXPECT_FALSE(c.sym()->nosplit);
}

// Frame 0 with a call: the BP slot alone makes an 8-byte frame.
TEST_F(FrameTest, ZeroFrameWithCall) {
  FnBuilder f(u, "\"\".zero", 0, 0, 8, 16);
  f.call(17, "\"\".leaf");
  f.add(18, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[0], "(t.s:16)\tTEXT\t\"\".zero(SB), $8-8");
  EXPECT_EQ(got[6], "(t.s:16)\tSUBQ\t$8, SP");
  EXPECT_EQ(got[7], "(t.s:16)\tMOVQ\tBP, (SP)");
  EXPECT_EQ(got[8], "(t.s:16)\tLEAQ\t(SP), BP");
  EXPECT_EQ(got[12], "(t.s:18)\tMOVQ\t(SP), BP");
}

// Frame 0 and no call: no BP, no check, nothing but the FUNCDATA.
TEST_F(FrameTest, ZeroFrameLeaf) {
  FnBuilder f(u, "\"\".zeroleaf", 0, 0, 8, 21);
  f.add(22, Op::RET);
  EXPECT_EQ(lower(f), (Lines{
      "(t.s:21)\tTEXT\t\"\".zeroleaf(SB), NOSPLIT, $0-8",
      "(t.s:21)\tFUNCDATA\t$5, \"\".zeroleaf.arginfo0(SB)",
      "(t.s:21)\tFUNCDATA\t$0, \"\".zeroleaf.args_stackmap(SB)",
      "(t.s:22)\tRET",
  }));
  EXPECT_EQ(f.sym()->func->locals, 0);
}

// 120 + 8 = 128: still the CMPQ SP form; a 128-byte adjustment uses the imm8 -128.
TEST_F(FrameTest, Frame128UsesNegativeImm8) {
  FnBuilder f(u, "\"\".edge120", 0, 120, 8, 25);
  f.call(26, "\"\".leaf");
  f.add(27, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[2], "(t.s:25)\tCMPQ\tSP, 16(R14)");
  EXPECT_EQ(got[6], "(t.s:25)\tADDQ\t$-128, SP");
  EXPECT_EQ(got[7], "(t.s:25)\tMOVQ\tBP, 120(SP)");
  EXPECT_EQ(got[13], "(t.s:27)\tSUBQ\t$-128, SP");
}

// Above StackSmall: LEAQ -(frame-128)(SP), R12 ; CMPQ R12, 16(R14).
TEST_F(FrameTest, MediumFrame) {
  FnBuilder f(u, "\"\".big4088", 0, 4088, 8, 35);
  f.call(36, "\"\".leaf");
  f.add(37, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[0], "(t.s:35)\tTEXT\t\"\".big4088(SB), $4096-8");
  EXPECT_EQ(got[2], "(t.s:35)\tLEAQ\t-3968(SP), R12");
  EXPECT_EQ(got[3], "(t.s:35)\tCMPQ\tR12, 16(R14)");
  EXPECT_EQ(got[4], "(t.s:35)\tPCDATA\t$0, $-2");
  EXPECT_EQ(got[5], "(t.s:35)\tJLS\t18");
  EXPECT_EQ(got[7], "(t.s:35)\tSUBQ\t$4096, SP");
}

// Above StackBig: the subtraction is checked for wrap-around (JCS) before comparing.
TEST_F(FrameTest, HugeFrame) {
  FnBuilder f(u, "\"\".huge", 0, 5000, 8, 40);
  f.call(41, "\"\".leaf");
  f.add(42, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ((Lines(got.begin(), got.begin() + 12)), (Lines{
      "(t.s:40)\tTEXT\t\"\".huge(SB), $5008-8",
      "(t.s:40)\tMOVQ\t(TLS), R14",
      "(t.s:40)\tMOVQ\tSP, R12",
      "(t.s:40)\tPCDATA\t$0, $-2",
      "(t.s:40)\tSUBQ\t$4880, R12",
      "(t.s:40)\tJCS\t20",
      "(t.s:40)\tCMPQ\tR12, 16(R14)",
      "(t.s:40)\tJLS\t20",
      "(t.s:40)\tPCDATA\t$0, $-1",
      "(t.s:40)\tSUBQ\t$5008, SP",
      "(t.s:40)\tMOVQ\tBP, 5000(SP)",
      "(t.s:40)\tLEAQ\t5000(SP), BP",
  }));
  EXPECT_EQ(got[18], "(t.s:42)\tNOP");
  EXPECT_EQ(got[20], "(t.s:40)\tPCDATA\t$0, $-2");
}

// ABIInternal: g is already in R14 (no load); no FUNCDATA for non-ABI0 functions.
TEST_F(FrameTest, AbiInternalWrapper) {
  FnBuilder f(u, "\"\".abiint", textflag::kNoSplit | textflag::kWrapper, 16, 8, 45, Abi::AbiInternal);
  f.call(46, "\"\".leaf");
  f.add(47, Op::RET);
  EXPECT_EQ(lower(f), (Lines{
      "(t.s:45)\tTEXT\t\"\".abiint(SB), NOSPLIT|WRAPPER|ABIInternal, $24-8",
      "(t.s:45)\tSUBQ\t$24, SP",
      "(t.s:45)\tMOVQ\tBP, 16(SP)",
      "(t.s:45)\tLEAQ\t16(SP), BP",
      "(t.s:45)\tMOVQ\t32(R14), R12",
      "(t.s:45)\tTESTQ\tR12, R12",
      "(t.s:45)\tJNE\t12",
      "(t.s:45)\tNOP",
      "(t.s:46)\tCALL\t\"\".leaf(SB)",
      "(t.s:47)\tMOVQ\t16(SP), BP",
      "(t.s:47)\tADDQ\t$24, SP",
      "(t.s:47)\tRET",
      "(t.s:47)\tLEAQ\t32(SP), R13",
      "(t.s:47)\tCMPQ\t(R12), R13",
      "(t.s:47)\tJNE\t7",
      "(t.s:47)\tMOVQ\tSP, (R12)",
      "(t.s:47)\tJMP\t7",
  }));
  EXPECT_EQ(f.sym()->func->funcid, 21);
}

// WRAPPER with a split check: the fix-up block follows the morestack block.
TEST_F(FrameTest, WrapperWithSplitCheck) {
  FnBuilder f(u, "\"\".wrap", textflag::kWrapper, 16, 8, 55);
  f.call(56, "\"\".leaf");
  f.add(57, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[9], "(t.s:55)\tMOVQ\t32(R14), R12");
  EXPECT_EQ(got[12], "(t.s:55)\tNOP");
  EXPECT_EQ(got[13], "(t.s:55)\tFUNCDATA\t$5, \"\".wrap.arginfo0(SB)");
  EXPECT_EQ(got[24], "(t.s:55)\tJMP\t1");
  EXPECT_EQ(got[25], "(t.s:55)\tLEAQ\t32(SP), R13");
  EXPECT_EQ(got.back(), "(t.s:55)\tJMP\t12");
}

// A NOSPLIT WRAPPER (ABI0) still loads g, with no check.
TEST_F(FrameTest, NosplitWrapperLoadsG) {
  FnBuilder f(u, "\"\".w", textflag::kNoSplit | textflag::kWrapper, 0, 0, 1);
  f.add(2, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[1], "(t.s:1)\tMOVQ\t(TLS), R14");
  EXPECT_EQ(got[2], "(t.s:1)\tMOVQ\t32(R14), R12");
}

TEST_F(FrameTest, NeedCtxtCallsMorestack) {
  FnBuilder f(u, "\"\".ctx", textflag::kNeedCtxt, 16, 8, 50);
  f.call(51, "\"\".leaf");
  f.add(52, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[0], "(t.s:50)\tTEXT\t\"\".ctx(SB), NEEDCTXT, $24-8");
  EXPECT_EQ(got[18], "(t.s:50)\tCALL\truntime.morestack(SB)");
}

TEST_F(FrameTest, CFuncUsesStackguard1AndMorestackc) {
  FnBuilder f(u, "\"\".c", 0, 16, 8, 1);
  f.sym()->func->cfunc = true;
  f.call(2, "\"\".leaf");
  f.add(3, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[2], "(t.s:1)\tCMPQ\tSP, 24(R14)");
  EXPECT_EQ(got[18], "(t.s:1)\tCALL\truntime.morestackc(SB)");
}

TEST_F(FrameTest, NosplitAndNoframe) {
  FnBuilder a(u, "\"\".nosplit", textflag::kNoSplit, 16, 8, 60);
  a.call(61, "\"\".leaf");
  a.add(62, Op::RET);
  Lines got = lower(a);
  EXPECT_EQ(got[1], "(t.s:60)\tSUBQ\t$24, SP");
  EXPECT_EQ(got[2], "(t.s:60)\tMOVQ\tBP, 16(SP)");

  FnBuilder b(u, "\"\".noframe", textflag::kNoSplit | textflag::kNoFrame, 16, 8, 65);
  b.call(66, "\"\".leaf");
  b.add(67, Op::RET);
  EXPECT_EQ(lower(b), (Lines{
      "(t.s:65)\tTEXT\t\"\".noframe(SB), NOSPLIT|NOFRAME, $16-8",
      "(t.s:65)\tSUBQ\t$16, SP",
      "(t.s:65)\tFUNCDATA\t$5, \"\".noframe.arginfo0(SB)",
      "(t.s:65)\tFUNCDATA\t$0, \"\".noframe.args_stackmap(SB)",
      "(t.s:66)\tCALL\t\"\".leaf(SB)",
      "(t.s:67)\tADDQ\t$16, SP",
      "(t.s:67)\tRET",
  }));
}

// Every RET gets its own epilogue; a branch to a label keeps its target.
TEST_F(FrameTest, TwoRets) {
  FnBuilder f(u, "\"\".tworets", 0, 16, 8, 70);
  f.add(71, Op::CMPQ, R(reg::AX), C(0));
  Prog* jeq = f.add(72, Op::JEQ);
  f.add(73, Op::RET);
  Prog* done = f.call(75, "\"\".leaf");
  f.add(76, Op::RET);
  jeq->to.type = AddrType::Branch;
  jeq->to.target = done;
  Lines got = lower(f);
  EXPECT_EQ((Lines(got.begin() + 11, got.begin() + 20)), (Lines{
      "(t.s:71)\tCMPQ\tAX, $0",
      "(t.s:72)\tJEQ\t16",
      "(t.s:73)\tMOVQ\t16(SP), BP",
      "(t.s:73)\tADDQ\t$24, SP",
      "(t.s:73)\tRET",
      "(t.s:75)\tCALL\t\"\".leaf(SB)",
      "(t.s:76)\tMOVQ\t16(SP), BP",
      "(t.s:76)\tADDQ\t$24, SP",
      "(t.s:76)\tRET",
  }));
}

// RET sym(SB) is a tail call: the epilogue, then JMP.
TEST_F(FrameTest, RetToSymbolBecomesJmp) {
  FnBuilder f(u, "\"\".tail", textflag::kNoSplit, 8, 0, 1);
  f.add(2, Op::RET, {}, Named(u, AddrName::Extern, "\"\".other", 0));
  Lines got = lower(f);
  EXPECT_EQ(got.back(), "(t.s:2)\tJMP\t\"\".other(SB)");
  EXPECT_EQ(got[got.size() - 2], "(t.s:2)\tADDQ\t$16, SP");
}

// name+off(FP) moves up by frame+8 (return address), name-off(SP) down by the BP slot;
// hardware 0(SP) is untouched; PUSH/POP shift both.
TEST_F(FrameTest, PseudoRegisterRewriting) {
  FnBuilder f(u, "\"\".locals", 0, 24, 16, 19);
  f.add(20, Op::MOVQ, Named(u, AddrName::Param, "a", 0), R(reg::AX));
  f.add(21, Op::MOVQ, R(reg::AX), Named(u, AddrName::Auto, "x", -8));
  f.add(22, Op::MOVQ, Named(u, AddrName::Auto, "x", -8), R(reg::BX));
  f.add(23, Op::MOVQ, R(reg::BX), Named(u, AddrName::Param, "ret", 8));
  f.add(24, Op::MOVQ, R(reg::AX), M(reg::SP, 0));
  f.add(25, Op::PUSHQ, R(reg::AX));
  f.add(26, Op::MOVQ, Named(u, AddrName::Param, "a", 0), R(reg::CX));
  f.add(27, Op::POPQ, {}, R(reg::AX));
  f.call(28, "runtime.printnl");
  f.add(29, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ((Lines(got.begin() + 11, got.begin() + 19)), (Lines{
      "(t.s:20)\tMOVQ\ta+40(FP), AX",
      "(t.s:21)\tMOVQ\tAX, x+16(SP)",
      "(t.s:22)\tMOVQ\tx+16(SP), BX",
      "(t.s:23)\tMOVQ\tBX, ret+48(FP)",
      "(t.s:24)\tMOVQ\tAX, (SP)",
      "(t.s:25)\tPUSHQ\tAX",
      "(t.s:26)\tMOVQ\ta+48(FP), CX",
      "(t.s:27)\tPOPQ\tAX",
  }));
  EXPECT_TRUE(errors.empty());
}

TEST_F(FrameTest, FrameZeroParams) {
  FnBuilder f(u, "\"\".add", textflag::kNoSplit, 0, 24, 12);
  f.add(13, Op::MOVQ, Named(u, AddrName::Param, "a", 0), R(reg::AX));
  f.add(16, Op::MOVQ, R(reg::AX), Named(u, AddrName::Param, "ret", 16));
  f.add(17, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[3], "(t.s:13)\tMOVQ\ta+8(FP), AX");
  EXPECT_EQ(got[4], "(t.s:16)\tMOVQ\tAX, ret+24(FP)");
}

TEST_F(FrameTest, ArgsSizeUnknown) {
  FnBuilder f(u, "\"\".printnl", textflag::kNoSplit, 8, -1, 4);
  f.call(5, "runtime.printnl");
  f.add(6, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[0], "(t.s:4)\tTEXT\t\"\".printnl(SB), NOSPLIT, $16");
  EXPECT_EQ(static_cast<uint32_t>(f.sym()->func->args), 0x80000000u);
}

// Frame sizes wrap in int32 as in Go (Go's listing of $2147483640-0 with a call).
TEST_F(FrameTest, FrameSizeWrapsLikeGo) {
  FnBuilder f(u, "\"\".f", 0, 2147483640, 0, 2);
  f.call(3, "\"\".f");
  f.add(4, Op::RET);
  Lines got = lower(f);
  EXPECT_EQ(got[0], "(t.s:2)\tTEXT\t\"\".f(SB), $2147483648-0");
  EXPECT_EQ(got[6], "(t.s:2)\tADDQ\t$2147483648, SP");
  EXPECT_EQ(got[7], "(t.s:2)\tMOVQ\tBP, -2147483656(SP)");
  EXPECT_EQ(got[12], "(t.s:4)\tMOVQ\t-2147483656(SP), BP");
  EXPECT_EQ(got[13], "(t.s:4)\tADDQ\t$2147483648, SP");
  EXPECT_EQ(static_cast<uint32_t>(f.sym()->func->locals), 0x80000000u);

  FnBuilder g(u, "\"\".g", textflag::kWrapper, 2147483647, 0, 5);
  g.call(6, "\"\".f");
  g.add(7, Op::RET);
  got = lower(g);
  EXPECT_EQ(errors, (std::vector<std::string>{"t.s:5: unaligned stack size -2147483641"}));
  EXPECT_EQ(got[6], "(t.s:5)\tADDQ\t$2147483641, SP");
  EXPECT_EQ(got[25], "(t.s:5)\tLEAQ\t-2147483633(SP), R13");
}

TEST_F(FrameTest, UnbalancedPushPop) {
  FnBuilder f(u, "\"\".g", 0, 16, 8, 5);
  f.add(6, Op::PUSHQ, R(reg::AX));
  f.call(7, "\"\".f");
  f.add(8, Op::RET);
  lower(f);
  EXPECT_EQ(errors, (std::vector<std::string>{"t.s:8: \"\".g: unbalanced PUSH/POP"}));
}

TEST_F(FrameTest, UnalignedFrame) {
  FnBuilder f(u, "\"\".f", 0, 12, 8, 2);
  f.call(3, "\"\".f");
  f.add(4, Op::RET);
  lower(f);
  EXPECT_EQ(errors, (std::vector<std::string>{"t.s:2: unaligned stack size 20"}));
}

TEST_F(FrameTest, WritingSpMarksSpwrite) {
  FnBuilder f(u, "\"\".f", textflag::kNoSplit, 0, 0, 1);
  f.add(2, Op::CMPQ, R(reg::AX), R(reg::SP));
  f.add(3, Op::RET);
  lower_function(u, f.sym(), diag);
  EXPECT_FALSE(f.sym()->func->spwrite);
  FnBuilder g(u, "\"\".g", textflag::kNoSplit, 0, 0, 1);
  g.add(2, Op::MOVQ, R(reg::AX), R(reg::SP));
  g.add(3, Op::RET);
  lower_function(u, g.sym(), diag);
  EXPECT_TRUE(g.sym()->func->spwrite);
}

TEST_F(FrameTest, FuncIdFromRuntimeNames) {
  u.pkgpath = "runtime";
  FnBuilder f(u, "\"\".morestack", textflag::kNoSplit, 0, 0, 1);
  f.add(2, Op::RET);
  lower_function(u, f.sym(), diag);
  EXPECT_EQ(f.sym()->func->funcid, 12);
  FnBuilder g(u, "\"\".systemstack_switch", textflag::kNoSplit, 0, 0, 1);
  g.add(2, Op::RET);
  lower_function(u, g.sym(), diag);
  EXPECT_EQ(g.sym()->func->funcid, 20);
}

// Static (file-local) functions and functions of other packages get no FUNCDATA.
TEST_F(FrameTest, FuncdataOnlyForPackageAbi0Functions) {
  Symbol* s = u.lookup("sfn", true);
  FnBuilder f(u, "other.f", textflag::kNoSplit, 0, 0, 1);
  f.add(2, Op::RET);
  EXPECT_EQ(lower(f).size(), 2u);
  (void)s;
}

// The placeholders go_args_stackmap and no_pointers_stackmap.
TEST_F(FrameTest, FuncdataPlaceholders) {
  FnBuilder f(u, "\"\".f", textflag::kNoSplit, 0, 8, 22);
  f.add(23, Op::FUNCDATA, C(0), Named(u, AddrName::Extern, "go_args_stackmap", 0));
  f.add(24, Op::FUNCDATA, C(1), Named(u, AddrName::Extern, "no_pointers_stackmap", 0));
  f.add(25, Op::RET);
  EXPECT_EQ(lower(f), (Lines{
      "(t.s:22)\tTEXT\t\"\".f(SB), NOSPLIT, $0-8",
      "(t.s:22)\tFUNCDATA\t$5, \"\".f.arginfo0(SB)",
      "(t.s:23)\tFUNCDATA\t$0, \"\".f.args_stackmap(SB)",
      "(t.s:24)\tFUNCDATA\t$1, gclocals\u00b7J5F+7Qw7O7ve2QcWC7DpeQ==(SB)",
      "(t.s:25)\tRET",
  }));
  ASSERT_EQ(u.data.size(), 1u);
  EXPECT_EQ(u.data[0]->p, (std::vector<uint8_t>{2, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(u.data[0]->dupok);

  FnBuilder g(u, "\"\".g", textflag::kNoSplit, 0, 8, 30);
  g.add(31, Op::FUNCDATA, C(2), Named(u, AddrName::Extern, "go_args_stackmap", 0));
  g.add(32, Op::RET);
  lower(g);
  EXPECT_EQ(errors, (std::vector<std::string>{
      "t.s:31: FUNCDATA use of go_args_stackmap(SB) without FUNCDATA_ArgsPointerMaps"}));
}

// A TEXT with no instructions is never laid out: args and locals stay 0.
TEST_F(FrameTest, EmptyFunction) {
  FnBuilder f(u, "e", 0, 16, 8, 1);
  lower_function(u, f.sym(), diag);
  EXPECT_EQ(f.sym()->func->args, 0);
  EXPECT_EQ(f.sym()->func->locals, 0);
}

}  // namespace
}  // namespace gostack
