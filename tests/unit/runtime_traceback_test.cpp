// Goroutine tracebacks of `gostack run` programs: frames found from the function tables at an
// exact faulting pc (a signal) and at a stopped G's pc (a fatal error in newstack), and Go's
// "runtime stack:" section for a throw on g0.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "run_command.h"
#include "temp_dir.h"

namespace {

using gostack::testing::RunResult;

RunResult run_program(const std::string& name, const std::string& source, const std::string& flags = "") {
  gostack::testutil::TempDir dir;  // removed, with the program, once it has run
  std::string path = dir / name;
  std::ofstream(path) << source;
  return gostack::testing::run_command(std::string(GOSTACK_BINARY) + " run " + flags + " " + path + " 2>&1");
}

bool has(const std::string& out, const std::string& text) { return out.find(text) != std::string::npos; }

// The faulting instruction follows a PUSHQ: at the fault the SP delta is 8 more than at the
// instruction before it, so the frame must be read at the faulting pc itself (not pc - 1, as
// for a return address) to find the caller.
TEST(RuntimeTraceback, FaultRightAfterAPushFindsTheCaller) {
  RunResult r = run_program("push.s",
                            "#include \"textflag.h\"\n"
                            "TEXT ·main(SB), $8\n"
                            "\tCALL ·f(SB)\n"
                            "\tRET\n"
                            "TEXT ·f(SB), $16\n"
                            "\tXORL AX, AX\n"
                            "\tPUSHQ CX\n"
                            "\tMOVQ 8(AX), AX\n"
                            "\tPOPQ CX\n"
                            "\tRET\n");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(has(r.out, "goroutine 1 [running]:\nmain.f(...)\n")) << r.out;
  EXPECT_TRUE(has(r.out, "push.s:8 +0x")) << r.out;
  EXPECT_TRUE(has(r.out, "\nmain.main(...)\n")) << r.out;
  EXPECT_TRUE(has(r.out, "push.s:3 +0x")) << r.out;
}

// A throw on g0 (newstack's stack overflow) lists the g0 frames first, as Go does: the C++
// ones from the executable's symbols, down to the assembled runtime.morestack.
TEST(RuntimeTraceback, ThrowOnG0PrintsTheRuntimeStack) {
  RunResult r = run_program("overflow.s",
                            "#include \"textflag.h\"\n"
                            "TEXT ·main(SB), $8\n"
                            "\tCALL ·forever(SB)\n"
                            "\tRET\n"
                            "TEXT ·forever(SB), $1024\n"
                            "\tCALL ·forever(SB)\n"
                            "\tRET\n",
                            "-maxstack 1048576");
  EXPECT_EQ(r.status, 2) << r.out;
  size_t rs = r.out.find("fatal error: stack overflow\n\nruntime stack:\n");
  ASSERT_NE(rs, std::string::npos) << r.out;
  size_t g = r.out.find("\n\ngoroutine 1 [running]:\nmain.forever(...)\n", rs);
  ASSERT_NE(g, std::string::npos) << r.out;
  std::string runtime_stack = r.out.substr(rs, g - rs);
  EXPECT_TRUE(has(runtime_stack, "throw_fatal(...)\n\t?:0 +0x")) << runtime_stack;
  EXPECT_TRUE(has(runtime_stack, "growstack(...)\n")) << runtime_stack;
  EXPECT_TRUE(has(runtime_stack, "gostack_newstack(...)\n")) << runtime_stack;
  EXPECT_TRUE(has(runtime_stack, "runtime.morestack(...)\n\t")) << runtime_stack;
  EXPECT_TRUE(has(runtime_stack, "asm_amd64.s:")) << runtime_stack;
}

// A panic is not a throw: no runtime stack (Go prints it for throws only).
TEST(RuntimeTraceback, PanicHasNoRuntimeStack) {
  std::string data = std::string(GOSTACK_SOURCE_DIR) + "/tests/data/sched/";
  RunResult r = gostack::testing::run_command(std::string(GOSTACK_BINARY) + " run " + data + "chan_lib.s " + data +
                                              "sendclosed.s 2>&1");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(has(r.out, "panic: send on closed channel\n")) << r.out;
  EXPECT_FALSE(has(r.out, "runtime stack:")) << r.out;
}

}  // namespace
