// The multi-core scheduler end to end through `gostack run`: a million parked goroutines,
// work stealing shown by the per-P statistics, a P handed off from a goroutine in a long C++
// call (entersyscall), preemption of a spinning goroutine by sysmon, a running goroutine
// stopped for runtime·GC's stack scan, -maxprocs defaults.
#include <gtest/gtest.h>

#include <sched.h>

#include <cstdlib>
#include <string>

#include "runtime_run_util.h"

namespace {

using gostack::rt::testing::gostack_run;
using gostack::rt::testing::RunResult;
using gostack::rt::testing::sched_run;
using gostack::rt::testing::stats_of;


// Sums p<i>_<name> over the Ps listed by -stats.
uint64_t sum_over_ps(const std::map<std::string, uint64_t>& st, const std::string& name) {
  uint64_t total = 0;
  for (const auto& [k, v] : st)
    if (k.size() > name.size() + 2 && k[0] == 'p' && k.compare(k.size() - name.size() - 1, std::string::npos, "_" + name) == 0)
      total += v;
  return total;
}

TEST(RuntimeSched, MillionParkedGoroutines) {
  RunResult r = sched_run("-maxprocs 2 -stats", "parkmany.s");
  ASSERT_EQ(r.status, 0) << r.out.substr(0, 2000);
  EXPECT_EQ(r.out.rfind("500000500000\n", 0), 0u) << r.out.substr(0, 2000);
  auto st = stats_of(r.out);
  EXPECT_EQ(st["goroutines_created"], 1000001u);
  // Each parked goroutine holds a 2 KiB stack; the G, its sudog and the queues add little
  // (about 250 bytes in the release build; the sanitizers' shadow memory adds more).
  EXPECT_GE(st["stack_peak_bytes"], 2048u * 1000000u);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  EXPECT_LT(st["rss_bytes"], 3500u * 1000000u);
#else
  EXPECT_LT(st["rss_bytes"], 2800u * 1000000u);
#endif
}

TEST(RuntimeSched, ManyParkedOnOneAndFourPs) {
  for (const char* procs : {"-maxprocs 1 ", "-maxprocs 4 "}) {
    RunResult r = sched_run(std::string(procs) + "-D N=100000", "parkmany.s");
    ASSERT_EQ(r.status, 0) << procs << r.out.substr(0, 2000);
    EXPECT_EQ(r.out, "5000050000\n") << procs;
  }
}

TEST(RuntimeSched, IdlePsStealQueuedWork) {
  for (int procs : {2, 4}) {
    RunResult r = sched_run("-stats -D WAITSTEAL -maxprocs " + std::to_string(procs), "steal.s");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out.rfind("2080\n", 0), 0u) << r.out;
    auto st = stats_of(r.out);
    EXPECT_EQ(st["procs"], static_cast<uint64_t>(procs));
    EXPECT_GT(sum_over_ps(st, "steals"), 0u) << r.out;
    EXPECT_GE(sum_over_ps(st, "stolen_gs"), sum_over_ps(st, "steals"));
    EXPECT_GT(sum_over_ps(st, "runs") - st["p0_runs"], 0u) << r.out;  // main·main keeps P 0
    EXPECT_GE(sum_over_ps(st, "runs"), 65u);
  }
}

TEST(RuntimeSched, OnePRunsEverythingWithoutStealing) {
  RunResult r = sched_run("-stats -maxprocs 1", "steal.s");
  ASSERT_EQ(r.status, 0) << r.out;
  auto st = stats_of(r.out);
  EXPECT_EQ(st["p0_steals"], 0u);
  EXPECT_GE(st["p0_runs"], 65u);  // main, then each busy G
  EXPECT_EQ(st["threads"], 1u);
}

TEST(RuntimeSched, LongCxxCallHandsOffItsP) {
  RunResult r = sched_run("-stats -maxprocs 1", "syscall.s");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.rfind("1\n", 0), 0u) << r.out;
  EXPECT_GE(stats_of(r.out)["threads"], 2u);  // the setter ran on another M
}

TEST(RuntimeSched, SpinningGoroutineIsPreempted) {
  RunResult r = sched_run("-stats -maxprocs 1", "spin.s");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.rfind("1\n", 0), 0u) << r.out;
  EXPECT_GE(stats_of(r.out)["p0_preempts"], 1u);
}

// runtime·GC stops a goroutine running on another P at its next prologue (preemptStop,
// suspendG), shrinks its stack while it is stopped, and lets it go on; the pointer the
// goroutine keeps to its own local survives the five moves.
TEST(RuntimeSched, GcStopsARunningGoroutineToShrinkItsStack) {
  for (int procs : {1, 2, 4}) {
    RunResult r = sched_run("-stats -maxprocs " + std::to_string(procs), "gcstop.s");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out.rfind("12345\n", 0), 0u) << r.out;
    auto st = stats_of(r.out);
    EXPECT_EQ(st["stack_grows"], 5u) << r.out;
    EXPECT_EQ(st["stack_shrinks"], 5u) << r.out;
    // With one P the spinner is never running during a scan. With more it nearly always is
    // (sysmon may have just preempted it: then it shrinks itself at its next prologue).
    if (procs == 1)
      EXPECT_EQ(st["gc_suspends"], 0u) << r.out;
    else
      EXPECT_GE(st["gc_suspends"], 1u) << r.out;
  }
}

// Go's Gosched order: the caller goes behind everything runnable, locally queued Gs (the
// lock-free path while the global queue is empty) and Gs spilled to the global queue alike.
TEST(RuntimeSched, GoschedRunsEveryRunnableGoroutineFirst) {
  for (int n : {3, 300}) {
    RunResult r = sched_run("-stats -maxprocs 1 -D N=" + std::to_string(n), "gosched.s");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out.rfind(std::to_string(n) + "\n", 0), 0u) << r.out;
    auto st = stats_of(r.out);
    EXPECT_EQ(st["gosched_calls"], 1u) << r.out;
    EXPECT_EQ(st["p0_global_gets"] > 0, n == 300) << r.out;
  }
}

TEST(RuntimeSched, SmallRuntimeFunctions) {
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  RunResult r = sched_run("-maxprocs 2", "rtfuncs.s");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out.rfind("2\n" + std::to_string(CPU_COUNT(&set)) + "\n1\n0x1122334455667788\n"
                        "runtime.GOMAXPROCS(3): the number of Ps is fixed at 2 while the program runs "
                        "(set it with -maxprocs or GOSTACK_MAXPROCS)\nfatal error: GOMAXPROCS change not supported\n",
                        0),
            0u)
      << r.out;
}

TEST(RuntimeSched, MaxprocsFromEnvironmentAndFlag) {
  ::setenv("GOSTACK_MAXPROCS", "3", 1);
  RunResult r = gostack_run("-stats", "pingpong_amd64.s");
  EXPECT_EQ(stats_of(r.out)["procs"], 3u) << r.out;
  r = gostack_run("-stats -maxprocs 2", "pingpong_amd64.s");
  EXPECT_EQ(stats_of(r.out)["procs"], 2u) << r.out;
  ::unsetenv("GOSTACK_MAXPROCS");
  EXPECT_EQ(gostack_run("-maxprocs 5000", "pingpong_amd64.s").status, 2);
}

}  // namespace
