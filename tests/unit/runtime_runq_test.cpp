// Tests of the run queues: FIFO order, runnext, overflow to the global queue, fair share, stealing under contention.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/runq.h"
#include "runtime_test_util.h"

namespace gostack::rt {
namespace {

class RunqTest : public testing::RuntimeTest {
 protected:
  // Each test starts and ends with an empty global queue (its Gs die with the test).
  void SetUp() override {
    RuntimeTest::SetUp();
    drain_global();
  }
  void TearDown() override {
    drain_global();
    RuntimeTest::TearDown();
  }
  static void drain_global() {
    LockGuard guard(sched.lock);
    while (sched.runq.pop() != nullptr) {
    }
    sched.runqsize = 0;
  }

  // Distinct Gs to queue (no stacks: queues never look inside a G except schedlink).
  G* make_g(int id) {
    gs_.push_back(std::make_unique<G>());
    gs_.back()->goid = id;
    return gs_.back().get();
  }

  std::vector<std::unique_ptr<G>> gs_;
};

TEST_F(RunqTest, LocalQueueIsFifo) {
  auto p = std::make_unique<P>();
  for (int i = 0; i < 10; i++) runqput(p.get(), make_g(i), false);
  EXPECT_FALSE(runqempty(p.get()));
  bool inherit = true;
  for (int i = 0; i < 10; i++) {
    G* g = runqget(p.get(), &inherit);
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->goid, i);
    EXPECT_FALSE(inherit);
  }
  EXPECT_EQ(runqget(p.get(), &inherit), nullptr);
  EXPECT_TRUE(runqempty(p.get()));
}

TEST_F(RunqTest, RunnextRunsFirstAndADisplacedOneGoesToTheTail) {
  auto p = std::make_unique<P>();
  runqput(p.get(), make_g(1), false);
  runqput(p.get(), make_g(2), true);
  runqput(p.get(), make_g(3), true);  // 2 is kicked to the tail, behind 1
  bool inherit = false;
  EXPECT_EQ(runqget(p.get(), &inherit)->goid, 3);
  EXPECT_TRUE(inherit) << "runnext inherits the time slice";
  EXPECT_EQ(runqget(p.get(), &inherit)->goid, 1);
  EXPECT_FALSE(inherit);
  EXPECT_EQ(runqget(p.get(), &inherit)->goid, 2);
}

TEST_F(RunqTest, AFullQueueMovesHalfPlusTheNewGToTheGlobalQueue) {
  auto p = std::make_unique<P>();
  for (int i = 0; i < kLocalRunQueue; i++) runqput(p.get(), make_g(i), false);
  EXPECT_EQ(sched.runqsize, 0);
  runqput(p.get(), make_g(256), false);
  EXPECT_EQ(sched.runqsize, 129);
  EXPECT_EQ(p->runqtail.load() - p->runqhead.load(), 128u);
  // The older half went global, in order, followed by the new G.
  std::vector<int64_t> global;
  for (G* g = sched.runq.head; g != nullptr; g = g->schedlink) global.push_back(g->goid);
  std::vector<int64_t> want;
  for (int i = 0; i < 128; i++) want.push_back(i);
  want.push_back(256);
  EXPECT_EQ(global, want);
  EXPECT_EQ(runqget(p.get(), nullptr)->goid, 128);

  // A fair share of the global queue comes back: runqsize / gomaxprocs + 1 (2 Ps here).
  LockGuard guard(sched.lock);
  auto q = std::make_unique<P>();
  G* first = globrunqget(q.get(), 0);
  EXPECT_EQ(first->goid, 0);
  EXPECT_EQ(sched.runqsize, 129 - 65);
  EXPECT_EQ(q->runqtail.load() - q->runqhead.load(), 64u);
  EXPECT_EQ(globrunqget(q.get(), 1)->goid, 65) << "max limits the share";
}

TEST_F(RunqTest, StealTakesHalfAndRunnextOnlyWhenAskedAndTheQueueIsEmpty) {
  auto victim = std::make_unique<P>();
  auto thief = std::make_unique<P>();
  for (int i = 0; i < 10; i++) runqput(victim.get(), make_g(i), false);
  G* got = runqsteal(thief.get(), victim.get(), false);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->goid, 4) << "5 taken (0..4); the last is returned, the rest queued";
  EXPECT_EQ(thief->runqtail.load() - thief->runqhead.load(), 4u);
  EXPECT_EQ(runqget(thief.get(), nullptr)->goid, 0);
  EXPECT_EQ(victim->runqtail.load() - victim->runqhead.load(), 5u);
  EXPECT_EQ(runqget(victim.get(), nullptr)->goid, 5);

  auto lone = std::make_unique<P>();
  runqput(lone.get(), make_g(99), true);
  EXPECT_EQ(runqsteal(thief.get(), lone.get(), false), nullptr);
  EXPECT_EQ(runqsteal(thief.get(), lone.get(), true)->goid, 99);
  EXPECT_TRUE(runqempty(lone.get()));
}

TEST_F(RunqTest, EveryGIsRunExactlyOnceWhileAThiefSteals) {
  constexpr int kN = 200000;
  auto owner = std::make_unique<P>();
  auto thief = std::make_unique<P>();
  for (int i = 0; i < kN; i++) make_g(i);
  std::vector<std::atomic<int>> seen(kN);
  std::atomic<bool> done{false};
  std::atomic<int> stolen{0};

  std::thread thief_thread([&] {
    while (!done.load()) {
      if (G* g = runqsteal(thief.get(), owner.get(), true)) {
        seen[g->goid]++;
        stolen++;
        while (G* more = runqget(thief.get(), nullptr)) {
          seen[more->goid]++;
          stolen++;
        }
      }
    }
  });
  for (int i = 0; i < kN; i++) {
    runqput(owner.get(), gs_[i].get(), i % 7 == 0);
    if (i % 3 == 0)
      if (G* g = runqget(owner.get(), nullptr)) seen[g->goid]++;
  }
  while (G* g = runqget(owner.get(), nullptr)) seen[g->goid]++;
  done = true;
  thief_thread.join();
  while (G* g = runqget(thief.get(), nullptr)) seen[g->goid]++;
  {
    LockGuard guard(sched.lock);
    while (sched.runq.head != nullptr) {  // overflow went global
      G* g = sched.runq.pop();
      sched.runqsize--;
      seen[g->goid]++;
    }
  }
  int wrong = 0;
  for (int i = 0; i < kN; i++) wrong += seen[i].load() != 1;
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(stolen.load(), 0) << "the thief got some work";
}

}  // namespace
}  // namespace gostack::rt
