// Fatal signals: goroutine code that faults, divides by zero or traps is reported as Go 1.19
// reports it (panic or throw text, the [signal ...] line, the goroutine traceback) with exit
// status 2; a signal from host code on a runtime thread goes to the previous/default action.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <string>

#include "run_command.h"
#include "temp_dir.h"
#include "runtime/signal.h"

namespace {

using gostack::testing::RunResult;

// Writes `source` to a temporary file and runs it with `gostack run`.
RunResult run_program(const std::string& name, const std::string& source) {
  gostack::testutil::TempDir dir;  // removed, with the program, once it has run
  std::string path = dir / name;
  std::ofstream(path) << source;
  return gostack::testing::run_command(std::string(GOSTACK_BINARY) + " run " + path + " 2>&1");
}

bool has(const std::string& out, const std::string& text) { return out.find(text) != std::string::npos; }

// main·main calls f, which faults at line 6 of the file; the traceback names both frames.
std::string faulting(const std::string& instr) {
  return "#include \"textflag.h\"\n"
         "TEXT ·main(SB), $8\n"
         "\tCALL ·f(SB)\n"
         "\tRET\n"
         "TEXT ·f(SB), $16\n"
         "\t" + instr + "\n"
         "\tRET\n";
}

TEST(RuntimeSignal, NilDereferenceIsGosPanic) {
  RunResult r = run_program("nil.s", faulting("XORL AX, AX; MOVQ 8(AX), AX"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(has(r.out, "panic: runtime error: invalid memory address or nil pointer dereference\n"
                         "[signal SIGSEGV: segmentation violation code=0x1 addr=0x8 pc=0x"))
      << r.out;
  EXPECT_TRUE(has(r.out, "]\n\ngoroutine 1 [running]:\nmain.f(...)\n")) << r.out;
  EXPECT_TRUE(has(r.out, "nil.s:6 +0x")) << r.out;
  EXPECT_TRUE(has(r.out, "\nmain.main(...)\n")) << r.out;
  EXPECT_TRUE(has(r.out, "nil.s:3 +0x")) << r.out;
}

TEST(RuntimeSignal, FaultAtAnUnmappedAddressIsThrown) {
  // 0x400000000000 (1<<46) is far from anything the loader or mmap hands out.
  RunResult r = run_program("far.s", faulting("MOVQ $0x400000000000, AX; MOVQ (AX), AX"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(has(r.out, "unexpected fault address 0x400000000000\nfatal error: fault\n"
                         "[signal SIGSEGV: segmentation violation code=0x1 addr=0x400000000000 pc=0x"))
      << r.out;
  EXPECT_TRUE(has(r.out, "far.s:6 +0x")) << r.out;
}

TEST(RuntimeSignal, IntegerDivideByZero) {
  RunResult r = run_program("div.s", faulting("MOVQ $7, AX; XORL DX, DX; XORL CX, CX; IDIVQ CX"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(has(r.out, "panic: runtime error: integer divide by zero\n"
                         "[signal SIGFPE: floating-point exception code=0x1 addr=0x"))
      << r.out;
  EXPECT_TRUE(has(r.out, "div.s:6 +0x")) << r.out;
}

TEST(RuntimeSignal, BreakpointTrapIsThrown) {
  RunResult r = run_program("trap.s", faulting("INT $3"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(has(r.out, "SIGTRAP: trace trap\nPC=0x")) << r.out;
  EXPECT_TRUE(has(r.out, " m=0 sigcode=128\n\ngoroutine 1 [running]:\nmain.f(...)\n")) << r.out;
}

TEST(RuntimeSignal, IllegalInstructionIsThrown) {
  RunResult r = run_program("ud2.s", faulting("UD2"));
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_TRUE(has(r.out, "SIGILL: illegal instruction\nPC=0x")) << r.out;
  EXPECT_TRUE(has(r.out, "ud2.s:6 +0x")) << r.out;
}

// A fault in host code on a thread the runtime does not run goroutines on (here: the test's
// main thread) keeps its previous action: the default (killed by the signal), or under ASan
// its report and exit 1 -- never the runtime's report and exit status 2.
bool not_reported_by_runtime(int status) {
  return WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 2 && WEXITSTATUS(status) != 0);
}

TEST(RuntimeSignalDeathTest, HostFaultsAreNotTheRuntimes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        gostack::rt::initsig();
        raise(SIGSEGV);
      },
      not_reported_by_runtime, "");
  EXPECT_EXIT(
      {
        gostack::rt::initsig();
        volatile int* p = nullptr;
        *p = 1;
      },
      not_reported_by_runtime, "");
}

}  // namespace
