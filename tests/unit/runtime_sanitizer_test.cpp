// The runtime under AddressSanitizer (docs/runtime.md, "Sanitizers"): C++ reached from a
// goroutine through the g0 bridge may throw, catch and longjmp with ASan following it, a
// goroutine fault reported on the signal stack leaves no ASan output, and free goroutine
// stacks are poisoned. The tests run in every build; only the asan preset can make them fail.
#include <gtest/gtest.h>

#include <csetjmp>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "run_command.h"
#include "temp_dir.h"
#include "runtime/sanitizer.h"
#include "runtime/stack.h"
#include "runtime_test_util.h"

namespace {

// Frames with arrays ASan surrounds with poisoned redzones; each level writes all of its own.
[[gnu::noinline]] int64_t thrower(int depth) {
  volatile char buf[200];
  std::memset(const_cast<char*>(buf), depth, sizeof buf);
  if (depth == 0) throw std::runtime_error("from g0");
  return thrower(depth - 1) + buf[7];
}

std::jmp_buf jump;

// GCC 12 calls this infinite recursion: its only way out is longjmp, which never returns.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winfinite-recursion"
[[gnu::noinline]] void jumper(int depth) {
  volatile char buf[300];
  std::memset(const_cast<char*>(buf), depth, sizeof buf);
  if (depth == 0) std::longjmp(jump, 1);
  jumper(depth - 1);
}
#pragma GCC diagnostic pop

// Called on g0 by runtime·asmcgocall: throws through 8 frames and catches, longjmps out of 8,
// then uses a large frame over the same stack (stale poison left by either would be reported).
extern "C" void gostack_test_unwind_on_g0(int64_t* out) {
  volatile int64_t caught = 0;  // live across the setjmp below
  try {
    thrower(8);
  } catch (const std::runtime_error&) {
    caught = 1;
  }
  int64_t jumped = 0;
  if (setjmp(jump) == 0) {
    jumper(8);
  } else {
    jumped = 1;
  }
  volatile char big[4000];
  std::memset(const_cast<char*>(big), 1, sizeof big);
  *out += caught + jumped + big[3999];
}

// loop(n, fn) int: after deep(40) has grown the stack, calls fn(&acc) on g0 n times.
constexpr const char* kLoop = R"(
TEXT ·loop(SB), $32-24
	MOVQ $40, 0(SP)
	CALL ·deep(SB)
	MOVQ $0, acc-8(SP)
again:
	MOVQ fn+8(FP), AX
	MOVQ AX, 0(SP)
	LEAQ acc-8(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·asmcgocall(SB)
	DECQ n+0(FP)
	JNE again
	MOVQ acc-8(SP), AX
	MOVQ AX, ret+16(FP)
	RET
)";

class RuntimeSanitizer : public gostack::rt::testing::RuntimeTest {};

TEST_F(RuntimeSanitizer, ExceptionsAndLongjmpInCppCalledFromAGoroutine) {
  auto image = gostack::rt::testing::load_program("san.s", std::string(gostack::rt::testing::kDeepSource) + kLoop);
  ASSERT_NE(image, nullptr);
  auto fn = reinterpret_cast<uint64_t>(&gostack_test_unwind_on_g0);
  int64_t acc = gostack::runtime::go<int64_t>(image->address("main.loop"), int64_t{50}, fn).wait();
  EXPECT_EQ(acc, 50 * 3);
}

// Free stacks go back to the pools, the caches and the page heap poisoned; every path that
// hands memory out again (cache, pool, a pool span carved over a large stack's pages, a
// kept large stack) unpoisons what it returns, so writing all of it is fine.
TEST_F(RuntimeSanitizer, ReusedStacksAreWritable) {
  using gostack::rt::Stack;
  Stack large = gostack::rt::stackalloc(64 << 10);
  gostack::rt::stackfree(large);
  gostack::rt::stack_release_os_memory();  // the large stack's pages go back to the heap
  std::vector<Stack> small;
  for (int i = 0; i < 64; i++) small.push_back(gostack::rt::stackalloc(2048));
  for (Stack s : small) std::memset(reinterpret_cast<void*>(s.lo), 0x5a, s.hi - s.lo);
  for (Stack s : small) gostack::rt::stackfree(s);
  for (int i = 0; i < 64; i++) {
    Stack s = gostack::rt::stackalloc(i % 2 == 0 ? 2048 : 64 << 10);
    std::memset(reinterpret_cast<void*>(s.lo), 0xa5, s.hi - s.lo);
    gostack::rt::stackfree(s);
  }
}

using RuntimeSanitizerDeathTest = RuntimeSanitizer;

TEST_F(RuntimeSanitizerDeathTest, FreeStackIsPoisoned) {
  if (!gostack::rt::san::kAsan) GTEST_SKIP() << "poisoning is an ASan build's";
  EXPECT_DEATH(
      {
        gostack::rt::Stack s = gostack::rt::stackalloc(4096);
        gostack::rt::stackfree(s);
        std::printf("%lx\n", static_cast<unsigned long>(*reinterpret_cast<volatile uintptr_t*>(s.lo + 512)));
      },
      "AddressSanitizer: use-after-poison");
}

// A goroutine's nil dereference: the handler reports it on the signal stack and exits.
TEST(RuntimeSanitizerRun, GoroutineFaultReportLeavesNoAsanStackWarning) {
  gostack::testutil::TempDir dir;  // removed, with the program, once it has run
  std::string path = dir / "nil.s";
  std::ofstream(path) << "TEXT ·main(SB), $16\n\tXORL AX, AX\n\tMOVQ 8(AX), AX\n\tRET\n";
  gostack::testing::RunResult r = gostack::testing::run_command(std::string(GOSTACK_BINARY) + " run " + path + " 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("panic: runtime error: invalid memory address or nil pointer dereference\n"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("AddressSanitizer"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("ASan is ignoring"), std::string::npos) << r.out;
}

}  // namespace
