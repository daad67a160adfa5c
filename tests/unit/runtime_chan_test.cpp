// Channels and parking end to end through `gostack run`: ping-pong, the prime sieve, buffered FIFO, fan-out and
// fan-in, close semantics, v, ok := <-c, non-blocking select, len and cap, send on a closed channel, deadlock reports, and stacks shrunk by
// runtime·GC while their goroutines are parked with pointers into them. Results are checked.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "runtime_run_util.h"

namespace {

using gostack::rt::testing::gostack_run;
using gostack::rt::testing::RunResult;
using gostack::rt::testing::sched_run;
using gostack::rt::testing::stats_of;


// The same programs on one, two and four Ps: results must not depend on the scheduling.
class RuntimeChanProcs : public ::testing::TestWithParam<int> {
 protected:
  std::string procs() const { return "-maxprocs " + std::to_string(GetParam()) + " "; }
};

TEST_P(RuntimeChanProcs, PingPongExample) {
  RunResult r = gostack_run(procs() + "-stats", "pingpong_amd64.s");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.rfind("200000\n", 0), 0u) << r.out;
  auto st = stats_of(r.out);
  EXPECT_EQ(st["goroutines_created"], 2u);
  EXPECT_EQ(st["procs"], static_cast<uint64_t>(GetParam()));
}

// Go's concurrent prime sieve: a chain of filter goroutines, one per prime found.
TEST_P(RuntimeChanProcs, PrimeSieveExample) {
  RunResult r = gostack_run(procs() + "-stats -D N=300", "sieve_amd64.s");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.rfind("271061\n", 0), 0u) << r.out;  // the sum of the first 300 primes
  EXPECT_EQ(stats_of(r.out)["goroutines_created"], 302u);  // main, the generator, 300 filters
}

TEST_P(RuntimeChanProcs, GoexitInMainEndsInCheckdead) {
  RunResult r = sched_run(procs() + "-D MAINEXIT", "goexit.s");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "11\n55\n1\nfatal error: no goroutines (main called runtime.Goexit) - deadlock!\n") << r.out;
}

TEST_P(RuntimeChanProcs, DeadlockIsReported) {
  for (const char* flags : {"", "-D SLEEPFIRST "}) {
    RunResult r = sched_run(procs() + flags, "deadlock.s");
    EXPECT_EQ(r.status, 2) << flags;
    EXPECT_EQ(r.out.rfind("fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [chan receive]:\n", 0), 0u)
        << flags << r.out;
    // The whole parked stack, innermost first: recv, then main·main that called it.
    size_t recv = r.out.find("main.recv(...)\n\t");
    EXPECT_NE(recv, std::string::npos) << flags << r.out;
    EXPECT_NE(r.out.find("\nmain.main(...)\n\t", recv), std::string::npos) << flags << r.out;
  }
}

TEST_P(RuntimeChanProcs, ShrinkWhileParkedKeepsValues) {
  ::setenv("GOSTACK_DEBUG", "stackpoison=1", 1);
  RunResult r = sched_run(procs(), "shrinkparked.s");
  ::unsetenv("GOSTACK_DEBUG");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "55055\n");
}

INSTANTIATE_TEST_SUITE_P(Procs, RuntimeChanProcs, ::testing::Values(1, 2, 4),
                         [](const ::testing::TestParamInfo<int>& i) { return std::string("P").append(std::to_string(i.param)); });

// Programs whose whole output is known, each on one, two and four Ps.
struct ExactRun {
  const char* name;
  const char* prog;   // in tests/data/sched, run after chan_lib.s
  const char* flags;
  const char* out;
};

const ExactRun kExactRuns[] = {
    {"BufferedIsFifoAndDrainsAfterClose", "buffered.s", "", "0\n11\n22\n33\n44\n55\n66\n77\n88\n99\n0\n0\n"},
    {"FanOutFanIn", "fanout.s", "", "333833500\n"},
    {"SleepersWakeInOrderOfTime", "sleep.s", "", "1\n1\n2\n3\n4\n"},
    // runtime·GC from 16 goroutines while they grow, spin and shrink (suspendG, preemptShrink)
    {"GcFromManyGoroutinesWhileStacksMove", "gcstress.s", "", "1283200\n"},
    {"FanOutFanInWide", "fanout.s", "-D N=20000 -D W=3", "2666866670000\n"},
    // ids 1..5, every value received was 0
    {"CloseWakesReceiversWithZero", "closewake.s", "", "15\n"},
    {"Recv2ReportsCloseThroughWakeups", "recv2.s", "", "5050\n100\n0\n"},
    // sends: 1 1 0 | len cap: 2 2 | recvs: 1 1 11, 1 1 22, 0 0 | closed: 1 0 | nil: 0, 0 0, 0 0
    {"NonBlockingSelectLenCap", "selectnb.s", "", "1\n1\n0\n2\n2\n1\n1\n11\n1\n1\n22\n0\n0\n1\n0\n0\n0\n0\n0\n0\n"},
    // Programs as a user writes them: closures started with newproc and deep recursion
    // growing stacks on several Ps; a channel used as a mutex under Gosched and runtime·GC.
    {"ClosuresAndDeepStacks", "closure.s", "", "169182575000\n"},
    {"ChannelMutexKeepsEveryUpdate", "mutex.s", "", "10000\n10000\n"},
    // goroutines before the receives | the ids | goroutines after
    {"GoexitEndsOnlyItsGoroutine", "goexit.s", "", "11\n55\n1\n"},
};

class RuntimeChanExact : public ::testing::TestWithParam<std::tuple<ExactRun, int>> {};

TEST_P(RuntimeChanExact, Output) {
  const auto& [run, procs] = GetParam();
  RunResult r = sched_run("-maxprocs " + std::to_string(procs) + " " + run.flags, run.prog);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, run.out);
}

INSTANTIATE_TEST_SUITE_P(Programs, RuntimeChanExact,
                         ::testing::Combine(::testing::ValuesIn(kExactRuns), ::testing::Values(1, 2, 4)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param).name) + "_P" +
                                  std::to_string(std::get<1>(info.param));
                         });

TEST(RuntimeChan, SendOnClosedChannelPanics) {
  RunResult r = sched_run("-maxprocs 1", "sendclosed.s");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out.rfind("panic: send on closed channel\n\ngoroutine 1 [running]:\nmain.send(...)\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("main.sender(...)\n\t"), std::string::npos) << r.out;
  // Parked when the channel closes: the sender panics when it wakes, with its own frames.
  r = sched_run("-maxprocs 1 -D PARKED", "sendclosed.s");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out.rfind("panic: send on closed channel\n\ngoroutine 2 [running]:\nmain.send(...)\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("sendclosed.s:10 +0x"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("99\n"), std::string::npos) << r.out;
}

TEST(RuntimeChan, ShrinkWhileParkedAdjustsElem) {
  // Poisoned old stacks: a receive into a stale elem would be lost and the sum would differ.
  ::setenv("GOSTACK_DEBUG", "stackpoison=1", 1);
  RunResult r = sched_run("-maxprocs 1 -stats", "shrinkparked.s");
  ::unsetenv("GOSTACK_DEBUG");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.rfind("55055\n", 0), 0u) << r.out;
  auto st = stats_of(r.out);
  EXPECT_EQ(st["stack_grows"], 50u);    // ten parkers, 2 KiB -> 64 KiB
  EXPECT_EQ(st["stack_shrinks"], 50u);  // and back while parked
}

}  // namespace
