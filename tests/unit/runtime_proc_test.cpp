// Tests of the G lifecycle: bootstrap, malg, gfput/gfget batching, newg_alloc/gdestroy, statuses, locks.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "runtime/mheap.h"
#include "runtime/proc.h"
#include "runtime/stack.h"
#include "runtime/stats.h"
#include "runtime_test_util.h"

namespace gostack::rt {
namespace {

using testing::current_p;

class ProcTest : public testing::RuntimeTest {
 protected:
  // Empties the current P's and the global free lists so a test sees exact counts.
  // The Gs taken out are kept as if running (they are never freed, as in Go).
  void drain_free_lists() {
    P* pp = current_p();
    while (gfget(pp) != nullptr) {
    }
    ASSERT_EQ(pp->gFree.n, 0);
    ASSERT_EQ(proc_stats().sched_gfree_n, 0);
  }

  static G* dead_g(int32_t stacksize) {
    G* gp = malg(stacksize);
    casgstatus(gp, Gidle, Gdead);
    return gp;
  }

  static int list_len(const GList& l) {
    int n = 0;
    for (G* g = l.head; g != nullptr; g = g->schedlink) n++;
    return n;
  }
};

TEST_F(ProcTest, BootstrapPutsG0OnThisThreadsStack) {
  G* g0 = getg();
  ASSERT_NE(g0, nullptr);
  ASSERT_NE(g0->m, nullptr);
  EXPECT_EQ(g0->m->g0, g0);
  int local = 0;
  auto addr = reinterpret_cast<uintptr_t>(&local);
  EXPECT_LE(g0->stack.lo, addr);
  EXPECT_LT(addr, g0->stack.hi);
  EXPECT_EQ(g0->stackguard0, g0->stack.lo + abi::kStackGuard);
  ASSERT_EQ(allp.size(), 2u);
  EXPECT_EQ(g0->m->p, allp[0]);
  EXPECT_EQ(allp[0]->status.load(), Prunning);
  EXPECT_EQ(allp[1]->status.load(), Pidle);
}

TEST_F(ProcTest, AcquirepAndReleasepSwitchTheMsP) {
  P* p0 = releasep();
  EXPECT_EQ(p0, allp[0]);
  EXPECT_EQ(getg()->m->p, nullptr);
  acquirep(allp[1]);
  EXPECT_EQ(current_p(), allp[1]);
  Stack s = stackalloc(2048);  // served from P 1's cache
  EXPECT_NE(allp[1]->stackcache[0].size, 0u);
  stackfree(s);
  stackcache_clear(allp[1]);
  releasep();
  acquirep(p0);
}

TEST_F(ProcTest, MalgSetsUpTheStackLikeGo) {
  G* gp = malg(2048);
  EXPECT_EQ(readgstatus(gp), Gidle);
  EXPECT_EQ(gp->stack.hi - gp->stack.lo, 2048u);
  EXPECT_EQ(gp->stackguard0, gp->stack.lo + 928);
  EXPECT_EQ(gp->stackguard1, ~uintptr_t{0});
  EXPECT_EQ(*reinterpret_cast<uintptr_t*>(gp->stack.lo), 0u);
  EXPECT_NE(mheap_.span_of(gp->stack.lo), nullptr);

  G* odd = malg(3000);  // rounded up to a power of two
  EXPECT_EQ(odd->stack.hi - odd->stack.lo, 4096u);
  G* bare = malg(-1);
  EXPECT_EQ(bare->stack.lo, 0u);
  EXPECT_EQ(bare->stackguard0, 0u);
  for (G* g : {gp, odd}) stackfree(g->stack);  // the Gs stay in allgs, Gidle, as Go's do
}

TEST_F(ProcTest, GfputMovesABatchToTheGlobalListsAt64) {
  drain_free_lists();
  P* pp = current_p();
  // 40 Gs with standard 2 KiB stacks go on first, then 24 with 8 KiB stacks, which gfput
  // strips (non-standard size) so they become stackless.
  std::vector<G*> standard, grown;
  for (int i = 0; i < 40; i++) standard.push_back(dead_g(2048));
  for (int i = 0; i < 24; i++) grown.push_back(dead_g(8192));
  for (G* gp : standard) gfput(pp, gp);
  for (int i = 0; i < 23; i++) gfput(pp, grown[i]);
  EXPECT_EQ(pp->gFree.n, 63);
  EXPECT_EQ(proc_stats().sched_gfree_n, 0);
  for (int i = 0; i < 23; i++) EXPECT_EQ(grown[i]->stack.lo, 0u);

  gfput(pp, grown[23]);  // the 64th: move while n >= 32, leaving 31
  EXPECT_EQ(pp->gFree.n, 31);
  EXPECT_EQ(list_len(pp->gFree.list), 31);
  EXPECT_EQ(proc_stats().sched_gfree_n, 33);
  // The 33 most recently freed moved: all 24 stackless and 9 with stacks.
  EXPECT_EQ(list_len(sched.gFree.noStack), 24);
  EXPECT_EQ(list_len(sched.gFree.stack), 9);
  for (G* g = sched.gFree.stack.head; g != nullptr; g = g->schedlink)
    EXPECT_EQ(g->stack.hi - g->stack.lo, 2048u);
}

TEST_F(ProcTest, GfgetRefillsUpTo32PreferringStacksAndGivesEveryGAStack) {
  drain_free_lists();
  P* pp = current_p();
  std::vector<G*> gs;
  for (int i = 0; i < 40; i++) gs.push_back(dead_g(2048));
  for (int i = 0; i < 24; i++) gs.push_back(dead_g(8192));
  for (G* gp : gs) gfput(pp, gp);  // leaves 31 local, 33 global (9 with stack, 24 without)
  ASSERT_EQ(pp->gFree.n, 31);

  std::set<G*> seen;
  for (int i = 0; i < 31; i++) seen.insert(gfget(pp));  // served locally
  EXPECT_EQ(proc_stats().sched_gfree_n, 33);
  EXPECT_EQ(pp->gFree.n, 0);

  std::set<G*> global_with_stack, global_without;
  for (G* g = sched.gFree.stack.head; g != nullptr; g = g->schedlink) global_with_stack.insert(g);
  for (G* g = sched.gFree.noStack.head; g != nullptr; g = g->schedlink) global_without.insert(g);
  ASSERT_EQ(global_with_stack.size(), 9u);
  ASSERT_EQ(global_without.size(), 24u);

  G* gp = gfget(pp);  // local list empty: a batch of 32 comes over, all 9 with stacks first
  seen.insert(gp);
  EXPECT_EQ(proc_stats().sched_gfree_n, 1);
  EXPECT_EQ(pp->gFree.n, 31);
  EXPECT_EQ(list_len(sched.gFree.noStack), 1);
  EXPECT_EQ(list_len(sched.gFree.stack), 0);
  int local_with_stack = 0;
  for (G* g = pp->gFree.list.head; g != nullptr; g = g->schedlink) {
    EXPECT_TRUE(global_with_stack.count(g) || global_without.count(g));
    local_with_stack += g->stack.lo != 0;
  }
  EXPECT_EQ(local_with_stack, 9);
  // The batch was pushed stack-first, so the list head (returned) is a stackless G, which
  // gfget gave a fresh stack of the starting size.
  EXPECT_TRUE(global_without.count(gp));
  EXPECT_EQ(gp->stack.hi - gp->stack.lo, 2048u);

  for (int i = 0; i < 32; i++) {
    G* g = gfget(pp);
    ASSERT_NE(g, nullptr);
    seen.insert(g);
    EXPECT_EQ(g->stack.hi - g->stack.lo, 2048u);
    EXPECT_EQ(g->stackguard0, g->stack.lo + abi::kStackGuard);
    EXPECT_EQ(readgstatus(g), Gdead);
  }
  EXPECT_EQ(gfget(pp), nullptr);
  EXPECT_EQ(seen.size(), 64u);
}

// Gs come from 64 KiB slabs that are allgs: forEachG sees every G malg made, across slab
// boundaries, once each and in creation order, and the Gs are packed without headers.
TEST_F(ProcTest, ForEachGWalksEveryGOfTheSlabsInOrder) {
  size_t before = allglen();
  std::vector<G*> made;
  for (int i = 0; i < 700; i++) made.push_back(malg(-1));  // ~2.5 slabs of 240-byte Gs
  EXPECT_EQ(allglen(), before + made.size());
  size_t packed = 0;  // neighbours exactly sizeof(G) apart: all but the slab changes
  for (size_t i = 1; i < made.size(); i++)
    packed += reinterpret_cast<uintptr_t>(made[i]) - reinterpret_cast<uintptr_t>(made[i - 1]) == sizeof(G);
  EXPECT_GE(packed, made.size() - 4);
  struct Walk {
    std::vector<G*> seen;
  } walk;
  forEachG([](G* gp, void* arg) { static_cast<Walk*>(arg)->seen.push_back(gp); }, &walk);
  ASSERT_EQ(walk.seen.size(), before + made.size());
  EXPECT_TRUE(std::equal(made.begin(), made.end(), walk.seen.begin() + static_cast<std::ptrdiff_t>(before)));
  EXPECT_EQ(std::set<G*>(walk.seen.begin(), walk.seen.end()).size(), walk.seen.size());
}

// G's small fields live in the tail padding of its sudog ([[no_unique_address]]): assigning
// the sudog, as a channel park does, must leave them alone.
TEST_F(ProcTest, AssigningTheSudogKeepsTheFieldsInItsTailPadding) {
  G* gp = malg(-1);
  ASSERT_LT(offsetof(G, waitreason), offsetof(G, sudog) + sizeof(Sudog)) << "no longer overlapping";
  gp->waitreason = WaitReason::ChanSend;
  gp->preempt = gp->preemptStop = gp->preemptShrink = true;
  Sudog* volatile sg = &gp->sudog;
  *sg = Sudog{};
  Sudog woken;
  woken.success = woken.isSelect = true;
  *sg = woken;
  EXPECT_TRUE(gp->sudog.success && gp->sudog.isSelect);
  EXPECT_EQ(gp->waitreason, WaitReason::ChanSend);
  EXPECT_TRUE(gp->preempt && gp->preemptStop && gp->preemptShrink);
}

TEST_F(ProcTest, NewgAllocCountsCreationAndReuse) {
  drain_free_lists();
  P* pp = current_p();
  ProcStats before = proc_stats();
  size_t nallg = allglen();

  G* a = newg_alloc(pp);
  G* b = newg_alloc(pp);
  EXPECT_EQ(readgstatus(a), Gdead);
  EXPECT_EQ(a->stack.hi - a->stack.lo, startingStackSize);
  EXPECT_GT(a->goid, 0);
  EXPECT_GT(b->goid, a->goid);
  EXPECT_EQ(allglen(), nallg + 2);
  ProcStats mid = proc_stats();
  EXPECT_EQ(mid.goroutines_created - before.goroutines_created, 2u);
  EXPECT_EQ(mid.gfree_reused - before.gfree_reused, 0u);

  // Run and exit b, as newproc1/execute/goexit0 will: Gdead -> Grunnable -> Grunning -> Gdead.
  casgstatus(b, Gdead, Grunnable);
  casgstatus(b, Grunnable, Grunning);
  b->m = getg()->m;
  b->preemptShrink = true;
  gdestroy(b);
  EXPECT_EQ(readgstatus(b), Gdead);
  EXPECT_EQ(b->m, nullptr);
  EXPECT_FALSE(b->preemptShrink);
  EXPECT_EQ(pp->gFree.n, 1);

  G* c = newg_alloc(pp);
  EXPECT_EQ(c, b);
  EXPECT_GT(c->goid, b->goid - 1);
  ProcStats after = proc_stats();
  EXPECT_EQ(after.goroutines_created - before.goroutines_created, 3u);
  EXPECT_EQ(after.gfree_reused - before.gfree_reused, 1u);
  EXPECT_EQ(allglen(), nallg + 2);
}

TEST_F(ProcTest, GrownStackIsFreedWhenTheGDies) {
  drain_free_lists();
  P* pp = current_p();
  G* gp = dead_g(65536);
  Stack big = gp->stack;
  gfput(pp, gp);
  EXPECT_EQ(gp->stack.lo, 0u);
  EXPECT_EQ(mheap_.span_of(big.lo)->npages, 8u) << "the span sits in stackLarge for reuse";
  Stack again = stackalloc(65536);
  EXPECT_EQ(again.lo, big.lo);
  stackfree(again);
}

using ProcDeathTest = ProcTest;

TEST_F(ProcDeathTest, GfputRejectsALiveG) {
  EXPECT_EXIT(gfput(current_p(), malg(2048)), ::testing::ExitedWithCode(2),
              "fatal error: gfput: bad status \\(not Gdead\\)");
}

TEST_F(ProcDeathTest, CasgstatusRejectsAWrongOldStatus) {
  EXPECT_EXIT(
      {
        G* gp = malg(2048);
        casgstatus(gp, Grunning, Gdead);
      },
      ::testing::ExitedWithCode(2), "casgstatus: goid=0 status=0 oldval=2 newval=6\nfatal error: casgstatus: bad status");
}

TEST_F(ProcDeathTest, StatsListOneNameValueLinePerCounter) {
  newg_alloc(current_p());
  RuntimeStats st = runtime_stats();
  EXPECT_GE(st.goroutines_created, 1u);
  EXPECT_GE(st.stack_peak_bytes, st.stack_inuse_bytes);
  EXPECT_EXIT(
      {
        print_runtime_stats();
        _exit(0);
      },
      ::testing::ExitedWithCode(0),
      "^goroutines_created: [0-9]+\ngfree_reused: [0-9]+\nstack_grows: [0-9]+\nstack_shrinks: [0-9]+\n"
      "stack_copied_bytes: [0-9]+\nstack_inuse_bytes: [0-9]+\n"
      "stack_peak_bytes: [0-9]+\nstack_sys_bytes: [0-9]+\nrss_bytes: [0-9]+\n"
      "procs: 2\nthreads: [0-9]+\ngosched_calls: [0-9]+\ngc_suspends: [0-9]+\n"
      "(p[01]_(runs|steals|stolen_gs|global_gets|parks|preempts): [0-9]+\n){12}$");
}

TEST(RuntimeLock, MutexGivesMutualExclusionAcrossThreads) {
  Mutex mu;
  long counter = 0;
  auto work = [&] {
    for (int i = 0; i < 200000; i++) {
      lock(mu);
      counter++;
      unlock(mu);
    }
  };
  std::thread t1(work), t2(work), t3(work);
  t1.join();
  t2.join();
  t3.join();
  EXPECT_EQ(counter, 600000);
  EXPECT_EQ(mu.key.load(), 0u);
}

TEST(RuntimeLockDeathTest, UnlockOfUnlockedLockThrows) {
  Mutex mu;
  EXPECT_EXIT(unlock(mu), ::testing::ExitedWithCode(2), "fatal error: unlock of unlocked lock");
}

}  // namespace
}  // namespace gostack::rt
