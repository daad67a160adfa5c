// runtime·selectgo end to end through `gostack run`, on one, two and four Ps: select
// statements as the compiler lowers them (fan-in with a quit channel, ping-pong with a case
// turned off by a nil channel, nil/closed/default corner cases), selects that never finish
// (deadlock reports) or panic, and the corner cases of parking on several channels.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <tuple>

#include "runtime_run_util.h"

namespace {

using gostack::rt::testing::RunResult;
using gostack::rt::testing::sched_run;
using gostack::rt::testing::stats_of;

struct SelectRun {
  const char* name;
  const char* prog;  // in tests/data/sched, run after chan_lib.s
  const char* flags;
  const char* out;
};

// Programs whose whole output is known. Where a Go program gives the output, the expected
// text is what Go 1.19 printed for the same program (see each program's header comment).
const SelectRun kSelectRuns[] = {
    {"FanInWithQuit", "selfanin.s", "", "110100\n200\n"},
    {"PingPongNilCaseOff", "selpingpong.s", "", "999000\n1000\n"},
    // closed: 1 0 0 | default -1 | send 0, full -1 | twice: 7 1 | send 0, recv 1 of 3 |
    // nil + default -1 | no cases -1
    {"NilClosedDefault", "selcorner.s", "", "1\n0\n0\n-1\n0\n-1\n7\n1\n0\n1\n3\n-1\n-1\n"},
    // Parked on one channel twice (dup), and in its send and receive queues at once (both):
    // the sum 5050 | sends 100 | receives 100 | values sent minus received 0
    {"SameChannelTwice", "seldup.s", "", "5050\n100\n100\n0\n"},
    // 300 goroutines parked in two-case selects: 600 sudogs, more than a P's cache holds, so
    // releasing them spills half the cache to the central list (1001 * 300 * 301 / 2)
    {"ManyParkedSelects", "shrinkparked.s", "-D SELECT -D PARKERS=300", "45195150\n"},
};

class RuntimeChanSelect : public ::testing::TestWithParam<std::tuple<SelectRun, int>> {};

TEST_P(RuntimeChanSelect, Output) {
  const auto& [run, procs] = GetParam();
  RunResult r = sched_run("-maxprocs " + std::to_string(procs) + " " + run.flags, run.prog);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, run.out);
}

INSTANTIATE_TEST_SUITE_P(Programs, RuntimeChanSelect,
                         ::testing::Combine(::testing::ValuesIn(kSelectRuns), ::testing::Values(1, 2, 4)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) + "_P" +
                                  std::to_string(std::get<1>(info.param));
                         });

// Ends that Go 1.19 reports with the same first lines.
class RuntimeChanSelectEnds : public ::testing::TestWithParam<int> {
 protected:
  RunResult run(const std::string& flags) {
    return sched_run("-maxprocs " + std::to_string(GetParam()) + " " + flags, "selblock.s");
  }
};

TEST_P(RuntimeChanSelectEnds, NoCasesDeadlocks) {
  RunResult r = run("");
  EXPECT_EQ(r.status, 2);
  // The goroutine's own frames, as Go shows them (runtime·selectgo's is hidden).
  EXPECT_EQ(r.out.rfind("fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [select (no cases)]:\n"
                        "main.selectn(...)\n\t",
                        0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("\nmain.main(...)\n\t"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("runtime."), std::string::npos) << r.out;
}

TEST_P(RuntimeChanSelectEnds, OnlyNilChannelsDeadlock) {
  RunResult r = run("-D ALLNIL");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out.rfind("fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [select]:\n", 0), 0u) << r.out;
}

TEST_P(RuntimeChanSelectEnds, SendCaseOnClosedChannelPanics) {
  RunResult r = run("-D SENDCLOSED");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out.rfind("panic: send on closed channel\n\ngoroutine 1 [running]:\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("main.sendorrecv(...)\n\t"), std::string::npos) << r.out;
}

TEST_P(RuntimeChanSelectEnds, ParkedSendCaseWakesIntoPanicOnClose) {
  RunResult r = run("-D PARKED");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out.rfind("panic: send on closed channel\n\ngoroutine 2 [running]:\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("main.sendorrecv(...)\n\t"), std::string::npos) << r.out;
}

// Parked in select with pointers into the stack while runtime·GC shrinks it; old stacks are
// poisoned, so a sudog elem (or the frame's cas0/order0) left pointing at one loses a value.
TEST_P(RuntimeChanSelectEnds, ShrinkWhileParkedKeepsValues) {
  ::setenv("GOSTACK_DEBUG", "stackpoison=1", 1);
  RunResult r = sched_run("-maxprocs " + std::to_string(GetParam()) + " -stats -D SELECT", "shrinkparked.s");
  ::unsetenv("GOSTACK_DEBUG");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.rfind("55055\n", 0), 0u) << r.out;
  auto st = stats_of(r.out);
  EXPECT_EQ(st["stack_grows"], 50u);  // ten parkers, 2 KiB -> 64 KiB
  // and back to 4 KiB while parked: the select frames keep the used part above a quarter of 2 KiB
  if (GetParam() == 1) {
    EXPECT_EQ(st["stack_shrinks"], 40u);
  }
}

INSTANTIATE_TEST_SUITE_P(Procs, RuntimeChanSelectEnds, ::testing::Values(1, 2, 4),
                         [](const ::testing::TestParamInfo<int>& i) { return std::string("P").append(std::to_string(i.param)); });

}  // namespace
