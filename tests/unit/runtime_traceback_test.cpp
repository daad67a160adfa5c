// Goroutine tracebacks of `gostack run` programs: frames found from the function tables at an
// exact faulting pc (a signal) and at a stopped G's pc (a fatal error in newstack).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "run_command.h"

namespace {

using gostack::testing::RunResult;

RunResult run_program(const std::string& name, const std::string& source, const std::string& flags = "") {
  std::string dir = ::testing::TempDir() + "gostack_traceback_" + std::to_string(::getpid());
  ::mkdir(dir.c_str(), 0700);
  std::string path = dir + "/" + name;
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

}  // namespace
