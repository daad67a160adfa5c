// The ABI0 call helper (include/gostack/abi0_call.h): frame layout and calls into
// hand-written ABI0 functions that clobber every register Go allows them to.
#include <gtest/gtest.h>

#include <cstdint>

#include "gostack/abi0_call.h"

// func mix(a int8, b int64, c int32) (r1 int32, r2 int64): r1 = c - a, r2 = 2*b.
// Frame: a@0 b@8 c@16 | r1@24 r2@32 (results pointer-aligned), 40 bytes; at entry the
// frame starts at 8(%rsp). It scribbles over the System V callee-saved registers.
// func sum3(x, y, z int64): stores x+y+z back into x (arguments are writable in ABI0).
__asm__(R"(
  .text
  .type test_abi0_mix,@function
test_abi0_mix:
  movsbq 8(%rsp), %rax
  movslq 24(%rsp), %rcx
  subq %rax, %rcx
  movl %ecx, 32(%rsp)
  movq 16(%rsp), %rax
  addq %rax, %rax
  movq %rax, 40(%rsp)
  movq $-1, %rbx
  movq $-1, %r12
  movq $-1, %r13
  movq $-1, %r14
  movq $-1, %r15
  ret
  .size test_abi0_mix, .-test_abi0_mix
  .type test_abi0_sum3,@function
test_abi0_sum3:
  movq 8(%rsp), %rax
  addq 16(%rsp), %rax
  addq 24(%rsp), %rax
  movq %rax, 8(%rsp)
  xorl %ebx, %ebx
  ret
  .size test_abi0_sum3, .-test_abi0_sum3

  # int test_abi0_check_saved(fn, frame, size): calls gostack_abi0_call with known values
  # in %rbx and %r12-%r15 and returns 1 if they survive.
  .globl test_abi0_check_saved
  .type test_abi0_check_saved,@function
test_abi0_check_saved:
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movabsq $0x1111111111111111, %rbx
  movabsq $0x1212121212121212, %r12
  movabsq $0x1313131313131313, %r13
  movabsq $0x1414141414141414, %r14
  movabsq $0x1515151515151515, %r15
  call gostack_abi0_call
  xorl %eax, %eax
  movabsq $0x1111111111111111, %rcx
  cmpq %rcx, %rbx
  jne 1f
  movabsq $0x1212121212121212, %rcx
  cmpq %rcx, %r12
  jne 1f
  movabsq $0x1313131313131313, %rcx
  cmpq %rcx, %r13
  jne 1f
  movabsq $0x1414141414141414, %rcx
  cmpq %rcx, %r14
  jne 1f
  movabsq $0x1515151515151515, %rcx
  cmpq %rcx, %r15
  jne 1f
  movl $1, %eax
1:
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  ret
  .size test_abi0_check_saved, .-test_abi0_check_saved
)");

extern "C" int test_abi0_check_saved(const void* fn, void* frame, std::size_t size);

GOSTACK_ABI0_EXTERN(go_mix, "test_abi0_mix");
GOSTACK_ABI0_EXTERN(go_sum3, "test_abi0_sum3");

namespace {

using gostack::abi0::call;
using gostack::abi0::frame_size;

TEST(Abi0Call, FrameSizesFollowGo) {
  // $0-24: two int64 args, one int64 result.
  EXPECT_EQ((frame_size<int64_t, int64_t, int64_t>()), 24u);
  // (a int8, b int64, c int32) (int32, int64): results start at the next multiple of 8.
  EXPECT_EQ((frame_size<std::tuple<int32_t, int64_t>, int8_t, int64_t, int32_t>()), 40u);
  // (a, b int32) (int8): 4+4, result at 8, rounded to 16.
  EXPECT_EQ((frame_size<int8_t, int32_t, int32_t>()), 16u);
  // (b bool) with no results: 8.
  EXPECT_EQ((frame_size<void, bool>()), 8u);
  EXPECT_EQ((frame_size<void>()), 0u);
}

TEST(Abi0Call, MixedLayout) {
  for (int64_t i = -3; i < 3; ++i) {
    auto [r1, r2] = call<std::tuple<int32_t, int64_t>>(go_mix, int8_t(-5), int64_t{i * 1000000007},
                                                        int32_t{1 << 20});
    EXPECT_EQ(r1, (1 << 20) + 5);
    EXPECT_EQ(r2, 2 * i * 1000000007);
  }
}

TEST(Abi0Call, TrampolinePreservesCalleeSavedRegisters) {
  alignas(16) unsigned char frame[40] = {};
  int8_t a = 1;
  int32_t c = 10;
  std::memcpy(frame, &a, 1);
  std::memcpy(frame + 16, &c, 4);
  EXPECT_EQ(test_abi0_check_saved(reinterpret_cast<const void*>(go_mix), frame, sizeof frame), 1);
  int32_t r1;
  std::memcpy(&r1, frame + 24, 4);
  EXPECT_EQ(r1, 9);
}

TEST(Abi0Call, FrameIsCopiedBack) {
  int64_t frame[3] = {1, 2, 3};
  gostack_abi0_call(reinterpret_cast<const void*>(go_sum3), frame, sizeof frame);
  EXPECT_EQ(frame[0], 6);
  call(go_sum3, int64_t{1}, int64_t{2}, int64_t{3});  // void result type
}

}  // namespace
