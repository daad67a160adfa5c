// Tests of copystack/growstack/shrinkstack on a G whose real stack holds frames laid out as compiled
// Go code lays them out (saved BP chain, locals, a pointer to a caller's local passed down).
#include <gtest/gtest.h>

#include <cstring>

#include "runtime/stack.h"
#include "runtime/stackcopy.h"
#include "runtime_test_util.h"

namespace gostack::rt {
namespace {

using testing::current_p;

uintptr_t& word_at(uintptr_t addr) { return *reinterpret_cast<uintptr_t*>(addr); }

// A goroutine that "calls" by writing frames into its stack, growing it as a prologue would.
// Frame layout (low to high): [0] saved BP of the caller, [8] return PC, [16] depth,
// [24] pointer to the outermost frame's depth word (passed down by every call).
class FrameBuilder {
 public:
  explicit FrameBuilder(G* gp) : gp_(gp) {}

  // The prologue's check: grow when the new frame would end below stackguard0.
  void call(uintptr_t frame_bytes) {
    while (gp_->sched.sp - frame_bytes < gp_->stackguard0) growstack(gp_, frame_bytes);
    uintptr_t caller = gp_->sched.bp;
    uintptr_t sp = gp_->sched.sp - frame_bytes;
    word_at(sp) = caller;
    word_at(sp + 8) = 0x401000 + depth_;
    word_at(sp + 16) = depth_;
    word_at(sp + 24) = caller == 0 ? sp + 16 : word_at(caller + 24);
    gp_->sched.sp = sp;
    gp_->sched.bp = sp;
    depth_++;
  }

  void ret() {
    uintptr_t bp = gp_->sched.bp;
    gp_->sched.bp = word_at(bp);
    gp_->sched.sp = gp_->sched.bp != 0 ? gp_->sched.bp : gp_->stack.hi - kTop;
    depth_--;
  }

  // Walks the BP chain and checks every frame; returns the number of frames.
  uintptr_t verify() const {
    uintptr_t n = 0;
    uintptr_t outer = 0;
    for (uintptr_t bp = gp_->sched.bp; bp != 0; bp = word_at(bp), n++) {
      EXPECT_GE(bp, gp_->stack.lo);
      EXPECT_LT(bp, gp_->stack.hi);
      uintptr_t d = depth_ - 1 - n;
      EXPECT_EQ(word_at(bp + 8), 0x401000 + d);
      EXPECT_EQ(word_at(bp + 16), d);
      if (outer == 0) outer = word_at(bp + 24);
      EXPECT_EQ(word_at(bp + 24), outer);
      if (::testing::Test::HasFailure()) return n;
    }
    if (n > 0) {
      EXPECT_GE(outer, gp_->stack.lo);
      EXPECT_LT(outer, gp_->stack.hi);
      EXPECT_EQ(word_at(outer), 0u) << "the outermost local, reached through the passed-down pointer";
    }
    return n;
  }

  uintptr_t depth() const { return depth_; }
  static constexpr uintptr_t kTop = 64;  // bytes above the first frame (goexit's return slot)

 private:
  G* gp_;
  uintptr_t depth_ = 0;
};

class StackMoveTest : public testing::RuntimeTest {
 protected:
  // A G as newproc1 would leave it, then marked running (its code is "executing").
  G* running_g() {
    G* gp = newg_alloc(current_p());
    gp->sched.sp = gp->stack.hi - FrameBuilder::kTop;
    gp->sched.bp = 0;
    casgstatus(gp, Gdead, Grunnable);
    casgstatus(gp, Grunnable, Grunning);
    return gp;
  }
  void finish(G* gp) {
    gp->m = getg()->m;
    gdestroy(gp);
  }
};

TEST_F(StackMoveTest, GrowsFrom2KiBTo64MiBKeepingFramesAndPointersThenShrinksToTheFloor) {
  G* gp = running_g();
  FrameBuilder fb(gp);
  StackMoveStats before = stack_move_stats();
  constexpr uintptr_t kFrame = 1024;
  while (gp->stack.hi - gp->stack.lo < (64u << 20)) fb.call(kFrame);
  EXPECT_EQ(gp->stack.hi - gp->stack.lo, 64u << 20);
  EXPECT_EQ(stack_move_stats().grows - before.grows, 15u) << "2 KiB doubled 15 times";
  EXPECT_EQ(gp->stackguard0, gp->stack.lo + abi::kStackGuard);
  EXPECT_EQ(fb.verify(), fb.depth());
  EXPECT_GT(stack_move_stats().copied_bytes - before.copied_bytes, 32u << 20);

  // Return most of the way; the pointer-to-local still works on the big stack.
  while (fb.depth() > 10) fb.ret();
  EXPECT_EQ(fb.verify(), 10u);

  // Stack scans (as runtime·GC will do) shrink a stopped G by halves while it uses < 1/4.
  casgstatus(gp, Grunning, Gwaiting);
  int shrinks = 0;
  while (shrinkstack(gp)) {
    shrinks++;
    ASSERT_EQ(fb.verify(), 10u);
  }
  // used = 10 KiB of frames + 64 + StackLimit (800) = 11104: kept at 32 KiB (>= 8 KiB).
  EXPECT_EQ(gp->stack.hi - gp->stack.lo, 32u << 10);
  EXPECT_EQ(shrinks, 11);
  while (fb.depth() > 0) fb.ret();
  while (shrinkstack(gp)) {
  }
  EXPECT_EQ(gp->stack.hi - gp->stack.lo, 2048u) << "the floor";
  EXPECT_EQ(gp->sched.sp, gp->stack.hi - FrameBuilder::kTop);
  EXPECT_EQ(stack_move_stats().shrinks - before.shrinks, 15u);
  casgstatus(gp, Gwaiting, Grunning);
  finish(gp);
}

TEST_F(StackMoveTest, CopystackAdjustsTheGsOwnPointersIntoItsStack) {
  G* gp = running_g();
  FrameBuilder fb(gp);
  for (int i = 0; i < 3; i++) fb.call(128);
  Stack old = gp->stack;
  Panic* on_stack = reinterpret_cast<Panic*>(gp->sched.sp + 32);  // a panic record in a frame
  gp->panic_ = on_stack;
  gp->sched.ctxt = reinterpret_cast<void*>(gp->sched.sp + 40);     // a closure on the stack
  uintptr_t used = old.hi - gp->sched.sp;

  casgstatus(gp, Grunning, Gcopystack);
  copystack(gp, 8192);
  casgstatus(gp, Gcopystack, Grunning);

  uintptr_t delta = gp->stack.hi - old.hi;
  EXPECT_EQ(gp->stack.hi - gp->stack.lo, 8192u);
  EXPECT_EQ(gp->stack.hi - gp->sched.sp, used);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(gp->panic_), reinterpret_cast<uintptr_t>(on_stack) + delta);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(gp->sched.ctxt), gp->sched.sp + 40);
  EXPECT_EQ(gp->sched.bp, gp->sched.sp);
  EXPECT_EQ(fb.verify(), 3u);
  gp->panic_ = nullptr;
  gp->sched.ctxt = nullptr;
  finish(gp);
}

TEST_F(StackMoveTest, ForceMoveKeepsTheSizeAndDropsTheRequest) {
  G* gp = running_g();
  FrameBuilder fb(gp);
  fb.call(256);
  Stack old = gp->stack;
  gp->stackguard0 = kStackForceMove;
  growstack(gp, 0);
  EXPECT_NE(gp->stack.lo, old.lo);
  EXPECT_EQ(gp->stack.hi - gp->stack.lo, 2048u);
  EXPECT_EQ(gp->stackguard0, gp->stack.lo + abi::kStackGuard);
  EXPECT_EQ(fb.verify(), 1u);
  finish(gp);
}

using StackMoveDeathTest = StackMoveTest;

TEST_F(StackMoveDeathTest, GrowingPastMaxstacksizeIsAFatalStackOverflow) {
  EXPECT_EXIT(
      {
        maxstacksize = 1 << 20;
        G* gp = running_g();
        FrameBuilder fb(gp);
        for (;;) fb.call(4096);
      },
      ::testing::ExitedWithCode(2),
      "runtime: goroutine stack exceeds 1048576-byte limit\n"
      "runtime: sp=0x[0-9a-f]+ stack=\\[0x[0-9a-f]+, 0x[0-9a-f]+\\]\n"
      "fatal error: stack overflow");
}

TEST_F(StackMoveDeathTest, StackLogPrintsOneLinePerMove) {
  EXPECT_EXIT(
      {
        stack_debug().log_moves = true;
        G* gp = running_g();
        FrameBuilder fb(gp);
        fb.call(1504);
        _exit(0);
      },
      ::testing::ExitedWithCode(0), "^stack grow goid=[0-9]+ old=2048 new=4096 used=64\n$");
}

}  // namespace
}  // namespace gostack::rt
