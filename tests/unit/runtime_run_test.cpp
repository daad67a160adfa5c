// `gostack run` end to end: the examples run as real goroutines on real stacks; checks their
// output, -stats counters, -debug=stack lines, and the stack-overflow death (message, traceback, exit 2).
#include <gtest/gtest.h>

#include "runtime_run_util.h"

namespace {

using gostack::rt::testing::gostack_run;
using gostack::rt::testing::RunResult;
using gostack::rt::testing::stats_of;

TEST(RuntimeRun, SeedExamplePrintsTwoNewlines) {
  RunResult r = gostack_run("", "printnl_amd64.s " GOSTACK_SOURCE_DIR "/examples/printnl_main_amd64.s");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "\n\n");
}

TEST(RuntimeRun, GrowthPast64MiBKeepsPointerToCallersLocal) {
  RunResult r = gostack_run("-maxprocs 1 -stats", "growth_amd64.s");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.rfind("70042\n43\n", 0), 0u) << r.out;
  auto st = stats_of(r.out);
  EXPECT_EQ(st["goroutines_created"], 1u);
  // 2 KiB doubled 16 times is 128 MiB: 70,000 frames of 1,040 bytes need ~73 MB.
  EXPECT_EQ(st["stack_grows"], 16u);
  EXPECT_GE(st["stack_copied_bytes"], 64u << 20);
  EXPECT_GE(st["stack_peak_bytes"], 128u << 20);
  for (const char* k : {"gfree_reused", "stack_shrinks", "stack_inuse_bytes", "stack_sys_bytes"})
    EXPECT_EQ(st.count(k), 1u) << k;
}

TEST(RuntimeRun, ShrinkToFloorAndGReuse) {
  RunResult r = gostack_run("-maxprocs 1 -stats -debug=stack", "shrink_amd64.s");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("1\n"), std::string::npos);
  EXPECT_NE(r.out.find("2\n"), std::string::npos);
  EXPECT_NE(r.out.find("stack grow goid=1 old=2048 new=4096"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("stack shrink goid=1 old=4096 new=2048"), std::string::npos) << r.out;
  auto st = stats_of(r.out);
  EXPECT_EQ(st["goroutines_created"], 3u);
  EXPECT_EQ(st["gfree_reused"], 1u);  // the third goroutine reuses the second's G
  EXPECT_EQ(st["stack_shrinks"], 11u);  // 4 MiB -> 2 KiB
  EXPECT_EQ(st["stack_grows"], 23u);
}

TEST(RuntimeRun, StackOverflowDies) {
  RunResult r = gostack_run("-maxstack 8388608", "overflow_amd64.s");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("runtime: goroutine stack exceeds 8388608-byte limit\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("fatal error: stack overflow\n"), std::string::npos);
  EXPECT_NE(r.out.find("goroutine 1 [running]:\nmain.forever(...)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("overflow_amd64.s:9 +0x"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("...additional frames elided...\n"), std::string::npos);
}

TEST(RuntimeRun, BadUsage) {
  EXPECT_EQ(gostack_run("-maxprocs 0", "growth_amd64.s").status, 2);
  EXPECT_EQ(gostack_run("-debug=bogus", "growth_amd64.s").status, 2);
  RunResult r = gostack_run("", "printnl_amd64.s");  // no main·main
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("main.main"), std::string::npos);
}

}  // namespace
