// Tests of the stack-move building blocks on real stacks: conservative adjustment, size rules, overflow.
#include <gtest/gtest.h>

#include <cstring>

#include "runtime/stack.h"
#include "runtime/stackcopy.h"
#include "runtime_test_util.h"

namespace gostack::rt {
namespace {


using StackCopyTest = testing::RuntimeTest;

uintptr_t& word_at(uintptr_t addr) { return *reinterpret_cast<uintptr_t*>(addr); }

TEST_F(StackCopyTest, AdjustMovesExactlyTheWordsPointingIntoTheOldStack) {
  Stack old = stackalloc(4096);
  uintptr_t delta = 0x100000;
  uintptr_t* w = reinterpret_cast<uintptr_t*>(old.lo);
  w[0] = old.lo;           // lowest address: inside
  w[1] = old.hi - 1;       // highest byte: inside
  w[2] = old.hi;           // one past the end: outside
  w[3] = old.lo - 8;       // just below: outside
  w[4] = 42;               // an ordinary integer
  w[5] = old.lo + 1000;    // a pointer to a local
  size_t n = adjust_words_conservative(w, w + 6, old, delta);
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(w[0], old.lo + delta);
  EXPECT_EQ(w[1], old.hi - 1 + delta);
  EXPECT_EQ(w[2], old.hi);
  EXPECT_EQ(w[3], old.lo - 8);
  EXPECT_EQ(w[4], 42u);
  EXPECT_EQ(w[5], old.lo + 1000 + delta);
  uintptr_t single = old.lo + 16;
  adjustpointer(old, delta, &single);
  EXPECT_EQ(single, old.lo + 16 + delta);
  stackfree(old);
}

// Builds frames linked by saved frame pointers on a real 4 KiB stack, with a pointer to a
// caller's local passed down, moves the stack to 16 KiB and walks the chain on the new stack.
TEST_F(StackCopyTest, CopyMovesFramesAndKeepsTheirLinks) {
  Stack old = stackalloc(4096);
  Stack nw = stackalloc(16384);
  // Frames from the top: each is 64 bytes: [0] saved BP (caller's frame), [1] return PC,
  // [2] a local counter, [3] a pointer to the outermost frame's local.
  constexpr int kFrames = 10;
  uintptr_t frame[kFrames];
  for (int i = 0; i < kFrames; i++) frame[i] = old.hi - 64 * (i + 1);
  uintptr_t outer_local = frame[0] + 16;
  for (int i = 0; i < kFrames; i++) {
    word_at(frame[i]) = i == 0 ? 0 : frame[i - 1];
    word_at(frame[i] + 8) = 0x401000 + i;  // a code address: outside any stack
    word_at(frame[i] + 16) = 1000 + i;
    word_at(frame[i] + 24) = outer_local;
  }
  uintptr_t sp = frame[kFrames - 1];

  uintptr_t newsp = copy_stack_conservative(old, nw, sp);
  EXPECT_EQ(nw.hi - newsp, old.hi - sp);
  // Wreck the old stack: nothing on the new one may still refer to it.
  std::memset(reinterpret_cast<void*>(old.lo), 0, 4096);

  int depth = 0;
  for (uintptr_t bp = newsp; bp != 0; bp = word_at(bp), depth++) {
    ASSERT_GE(bp, nw.lo);
    ASSERT_LT(bp, nw.hi);
    int i = kFrames - 1 - depth;
    EXPECT_EQ(word_at(bp + 8), 0x401000u + i);
    EXPECT_EQ(word_at(bp + 16), 1000u + i);
    uintptr_t p = word_at(bp + 24);
    ASSERT_GE(p, nw.lo);
    EXPECT_EQ(word_at(p), 1000u) << "the outer frame's local is reached through the moved pointer";
  }
  EXPECT_EQ(depth, kFrames);
  stackfree(old);
  stackfree(nw);
}

TEST_F(StackCopyTest, PoisonFillsBothSidesOfACopy) {
  stack_debug().poison = true;
  Stack old = stackalloc(2048);
  Stack nw = stackalloc(4096);
  std::memset(reinterpret_cast<void*>(old.lo), 0x22, 2048);
  uintptr_t newsp = copy_stack_conservative(old, nw, old.hi - 256);
  auto* o = reinterpret_cast<unsigned char*>(old.lo);
  auto* n = reinterpret_cast<unsigned char*>(nw.lo);
  for (int i = 0; i < 2048; i++) ASSERT_EQ(o[i], kStackPoisonByte) << i;
  for (uintptr_t i = 0; i < newsp - nw.lo; i++) ASSERT_EQ(n[i], kStackPoisonByte) << i;
  for (uintptr_t i = newsp - nw.lo; i < 4096; i++) ASSERT_EQ(n[i], 0x22) << i;
  stack_debug().poison = false;
  stackfree(old);
  stackfree(nw);
}

TEST(StackSizeRules, ShrinkHalvesOnlyBelowAQuarterAndNeverUnder2K) {
  Stack s8k{0x100000, 0x102000};
  // used = hi - sp + StackLimit(800); a quarter of 8 KiB is 2048.
  EXPECT_EQ(shrink_newsize(s8k, s8k.hi - 100), 4096u);           // used 900
  EXPECT_EQ(shrink_newsize(s8k, s8k.hi - 1247), 4096u);          // used 2047
  EXPECT_EQ(shrink_newsize(s8k, s8k.hi - 1248), 0u);             // used 2048: keep
  EXPECT_EQ(shrink_newsize(s8k, s8k.lo + 16), 0u);               // nearly full
  Stack s4k{0x100000, 0x101000};
  EXPECT_EQ(shrink_newsize(s4k, s4k.hi - 8), 2048u);             // used 808 < 1024
  EXPECT_EQ(shrink_newsize(s4k, s4k.hi - 300), 0u);              // used 1100
  Stack s2k{0x100000, 0x100800};
  EXPECT_EQ(shrink_newsize(s2k, s2k.hi - 8), 0u);                // never below 2 KiB
  Stack s1m{0x100000, 0x200000};
  EXPECT_EQ(shrink_newsize(s1m, s1m.hi - 4096), 512u << 10);
}

TEST(StackSizeRules, GrowDoublesUntilTheFrameFits) {
  EXPECT_EQ(grow_newsize(2048, 1200, 0), 4096u);
  EXPECT_EQ(grow_newsize(2048, 1500, 5000), 8192u);  // 4096 - 1500 < 5928, 8192 - 1500 >= 5928
  EXPECT_EQ(grow_newsize(1 << 20, 1 << 20, 0), 2u << 20);
  EXPECT_EQ(grow_newsize(2048, 2000, 100000), 131072u);
}

TEST(StackSizeRulesDeathTest, OverflowMessageAndExitStatus) {
  Stack stk{0x7f0000000000, 0x7f0020000000};
  check_stack_limit(512 << 20, 0x7f0000000100, stk);  // within the 1e9 limit: returns
  EXPECT_EXIT(check_stack_limit(1u << 30, 0x7f0000000100, stk), ::testing::ExitedWithCode(2),
              "runtime: goroutine stack exceeds 1000000000-byte limit\n"
              "runtime: sp=0x7f0000000100 stack=\\[0x7f0000000000, 0x7f0020000000\\]\n"
              "fatal error: stack overflow");
  EXPECT_EXIT(
      {
        maxstacksize = 1 << 20;
        check_stack_limit(2 << 20, 0x1000, Stack{0x1000, 0x101000});
      },
      ::testing::ExitedWithCode(2), "runtime: goroutine stack exceeds 1048576-byte limit");
}

}  // namespace
}  // namespace gostack::rt
