// Precise pointer adjustment in copystack: assembled functions run as goroutines on real
// stacks, declare pointer maps (FUNCDATA $0/$1, PCDATA $1) and check, after their stack moved,
// that words the maps call scalars kept their old-stack value while pointers moved.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <tuple>

#include "runtime/stackcopy.h"
#include "runtime_test_util.h"

namespace gostack::rt {
namespace {

// deep (runtime_test_util.h) moves the caller's stack; `saved` keeps a value off the stack.
const std::string kDeep = std::string("#include \"textflag.h\"\n#include \"funcdata.h\"\n") +
                          testing::kDeepSource + "GLOBL ·saved(SB), NOPTR, $8\n";

// f(n) (kept, now, value, ydiff, bpdiff): four locals below the saved BP, x-8 (its own
// address, a scalar for LOCALS), y-16 (&z, a pointer), z-24 (77) and w-32; deep(n) in between.
// LOCALS is replaced by the FUNCDATA line under test (or nothing: conservative).
constexpr const char* kLocalsFn = R"(
TEXT ·f(SB), $40-48
	LOCALS
	MOVQ $77, z-24(SP)
	MOVQ $0, w-32(SP)
	LEAQ x-8(SP), AX
	MOVQ AX, x-8(SP)
	MOVQ AX, ·saved(SB)
	LEAQ z-24(SP), AX
	MOVQ AX, y-16(SP)
	MOVQ n+0(FP), AX
	MOVQ AX, 0(SP)
	CALL ·deep(SB)
	MOVQ x-8(SP), AX
	MOVQ AX, kept+8(FP)
	LEAQ x-8(SP), AX
	MOVQ AX, now+16(FP)
	MOVQ y-16(SP), BX
	MOVQ (BX), CX
	MOVQ CX, value+24(FP)
	LEAQ z-24(SP), AX
	SUBQ BX, AX
	MOVQ AX, ydiff+32(FP)
	LEAQ 40(SP), AX
	SUBQ BP, AX
	MOVQ AX, bpdiff+40(FP)
	RET

// One bitmap of four words (from varp-32 up): only word 2, y-16, holds a pointer.
DATA ·fmap<>+0(SB)/4, $1
DATA ·fmap<>+4(SB)/4, $4
DATA ·fmap<>+8(SB)/1, $4
GLOBL ·fmap<>(SB), RODATA, $12
)";

using FResults = std::tuple<uint64_t, uint64_t, int64_t, int64_t, int64_t>;

class StackPreciseTest : public testing::RuntimeTest {
 protected:
  std::unique_ptr<Image> load(const std::string& text) {
    auto image = testing::load_program("precise.s", text);
    EXPECT_NE(image, nullptr);
    return image;
  }

  // f's source with LOCALS replaced.
  static std::string locals_fn(const std::string& funcdata) {
    std::string s = kLocalsFn;
    s.replace(s.find("LOCALS"), 6, funcdata);
    return kDeep + s;
  }

  // Runs f(n) and checks what holds whatever the maps say.
  FResults run_f(const Image& image, int64_t n) {
    StackMoveStats before = stack_move_stats();
    FResults r = runtime::go<FResults>(image.address("main.f"), n).wait();
    auto [kept, now, value, ydiff, bpdiff] = r;
    uint64_t saved = *static_cast<const uint64_t*>(image.address("main.saved"));
    EXPECT_GT(stack_move_stats().grows, before.grows);
    EXPECT_NE(now, saved) << "the stack moved, so x moved";
    EXPECT_EQ(value, 77) << "z read through y, a pointer adjusted by the move";
    EXPECT_EQ(ydiff, 0) << "y points at z on the new stack";
    EXPECT_EQ(bpdiff, 0) << "BP, restored from the saved-BP slots of the moved frames, is f's frame pointer";
    return r;
  }
};

TEST_F(StackPreciseTest, WithoutMapsTheScalarLookingLikeAPointerMoves) {
  auto image = load(locals_fn(""));
  ASSERT_NE(image, nullptr);
  StackMoveStats before = stack_move_stats();
  auto [kept, now, value, ydiff, bpdiff] = run_f(*image, 40);
  EXPECT_EQ(kept, now) << "conservative rule: x looked like an old-stack pointer and was moved";
  EXPECT_EQ(stack_move_stats().words_kept, before.words_kept);
}

TEST_F(StackPreciseTest, LocalsMapKeepsScalarsAndMovesPointers) {
  auto image = load(locals_fn("FUNCDATA $FUNCDATA_LocalsPointerMaps, ·fmap<>(SB)"));
  ASSERT_NE(image, nullptr);
  StackMoveStats before = stack_move_stats();
  auto [kept, now, value, ydiff, bpdiff] = run_f(*image, 40);
  uint64_t saved = *static_cast<const uint64_t*>(image->address("main.saved"));
  EXPECT_EQ(kept, saved) << "x is a scalar by the map: its old-stack value is kept";
  EXPECT_GE(stack_move_stats().words_kept - before.words_kept, 1u);
  EXPECT_GE(stack_move_stats().precise_frames - before.precise_frames, 1u);
}

TEST_F(StackPreciseTest, NoLocalPointersKeepsEveryLocal) {
  auto image = load(locals_fn("NO_LOCAL_POINTERS"));
  ASSERT_NE(image, nullptr);
  // y is a scalar too now: it keeps pointing at the old z, so only x is checked here.
  StackMoveStats before = stack_move_stats();
  auto r = runtime::go<FResults>(image->address("main.f"), int64_t{40}).wait();
  uint64_t saved = *static_cast<const uint64_t*>(image->address("main.saved"));
  EXPECT_GT(stack_move_stats().grows, before.grows);
  EXPECT_EQ(std::get<0>(r), saved);
  EXPECT_NE(std::get<1>(r), saved);
  EXPECT_NE(std::get<3>(r), 0) << "y, declared a non-pointer, still points at the old z";
  EXPECT_EQ(std::get<4>(r), 0);
}

// The arguments a function receives are described by its args map: k passes &z twice to h,
// whose map calls the first a pointer and the second a scalar; k's own locals are undeclared.
constexpr const char* kArgs = R"(
DATA ·hargs<>+0(SB)/4, $1
DATA ·hargs<>+4(SB)/4, $3
DATA ·hargs<>+8(SB)/1, $1
GLOBL ·hargs<>(SB), RODATA, $12

// h(p *int, n uintptr) int: *p after deep(40).
TEXT ·h(SB), $8-24
	FUNCDATA $FUNCDATA_ArgsPointerMaps, ·hargs<>(SB)
	MOVQ $40, 0(SP)
	CALL ·deep(SB)
	MOVQ p+0(FP), AX
	MOVQ (AX), AX
	MOVQ AX, ret+16(FP)
	RET

// k() (p, n, z, v): h's arguments after the call, &z now, and h's result.
TEXT ·k(SB), $32-32
	MOVQ $55, z-8(SP)
	LEAQ z-8(SP), AX
	MOVQ AX, ·saved(SB)
	MOVQ AX, 0(SP)
	MOVQ AX, 8(SP)
	CALL ·h(SB)
	MOVQ 0(SP), AX
	MOVQ AX, p+0(FP)
	MOVQ 8(SP), AX
	MOVQ AX, n+8(FP)
	LEAQ z-8(SP), AX
	MOVQ AX, z+16(FP)
	MOVQ 16(SP), AX
	MOVQ AX, v+24(FP)
	RET
)";

TEST_F(StackPreciseTest, ArgsMapDescribesTheCalleesArguments) {
  auto image = load(kDeep + kArgs);
  ASSERT_NE(image, nullptr);
  using R = std::tuple<uint64_t, uint64_t, uint64_t, int64_t>;
  StackMoveStats before = stack_move_stats();
  auto [p, n, z, v] = runtime::go<R>(image->address("main.k")).wait();
  EXPECT_GT(stack_move_stats().grows, before.grows);
  EXPECT_EQ(v, 55) << "h read z through p after the move";
  EXPECT_EQ(p, z) << "p, a pointer by h's args map, moved with the stack";
  EXPECT_NE(n, z) << "the stack moved";
  EXPECT_EQ(n, *static_cast<const uint64_t*>(image->address("main.saved")))
      << "n, a scalar by h's args map, kept the old address";
}

// PCDATA $1 selects the bitmap per call site: x is a scalar at the first call (bitmap 0) and
// a pointer at the second (bitmap 1).
constexpr const char* kIndexed = R"(
DATA ·mmap<>+0(SB)/4, $2
DATA ·mmap<>+4(SB)/4, $1
DATA ·mmap<>+8(SB)/1, $0
DATA ·mmap<>+9(SB)/1, $1
GLOBL ·mmap<>(SB), RODATA, $10

// m() (first, firstnow, second, secondnow)
TEXT ·m(SB), $16-32
	FUNCDATA $FUNCDATA_LocalsPointerMaps, ·mmap<>(SB)
	LEAQ x-8(SP), AX
	MOVQ AX, x-8(SP)
	PCDATA $PCDATA_StackMapIndex, $0
	MOVQ $4, 0(SP)
	CALL ·deep(SB)
	MOVQ x-8(SP), AX
	MOVQ AX, first+0(FP)
	LEAQ x-8(SP), AX
	MOVQ AX, firstnow+8(FP)
	MOVQ AX, x-8(SP)
	PCDATA $PCDATA_StackMapIndex, $1
	MOVQ $100, 0(SP)
	CALL ·deep(SB)
	MOVQ x-8(SP), AX
	MOVQ AX, second+16(FP)
	LEAQ x-8(SP), AX
	MOVQ AX, secondnow+24(FP)
	RET
)";

TEST_F(StackPreciseTest, PcdataSelectsTheBitmapAtEachCall) {
  auto image = load(kDeep + kIndexed);
  ASSERT_NE(image, nullptr);
  using R = std::tuple<uint64_t, uint64_t, uint64_t, uint64_t>;
  StackMoveStats before = stack_move_stats();
  auto [first, firstnow, second, secondnow] = runtime::go<R>(image->address("main.m")).wait();
  EXPECT_GE(stack_move_stats().grows - before.grows, 2u) << "each call moved the stack";
  EXPECT_NE(first, firstnow) << "bitmap 0: x is a scalar and kept its old value";
  EXPECT_EQ(second, secondnow) << "bitmap 1: x is a pointer and moved";
}

using StackPreciseDeathTest = StackPreciseTest;
using MResults = std::tuple<uint64_t, uint64_t, uint64_t, uint64_t>;

TEST_F(StackPreciseDeathTest, IndexOutsideTheMapIsABadSymbolTable) {
  std::string text = kDeep + kIndexed;
  text.replace(text.find("PCDATA $PCDATA_StackMapIndex, $1"), 32, "PCDATA $PCDATA_StackMapIndex, $5");
  EXPECT_EXIT(
      {
        auto image = load(text);
        if (image == nullptr) _exit(3);
        runtime::go<MResults>(image->address("main.m")).wait();
        _exit(0);
      },
      ::testing::ExitedWithCode(2),
      "runtime: pcdata is 5 and 2 locals stack map entries for main.m \\(targetpc=0x[0-9a-f]+\\)\n"
      "fatal error: bad symbol table");
}

}  // namespace
}  // namespace gostack::rt
