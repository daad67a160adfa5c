// Tests of the stack allocator on real mmap'd memory: pools, per-P caches, stackLarge, madvise, debug switches.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <vector>

#include "runtime/mheap.h"
#include "runtime/stack.h"
#include "runtime_test_util.h"

// A wild access dies by SIGSEGV; under AddressSanitizer its handler reports it and exits 1.
#if defined(__SANITIZE_ADDRESS__)
#define EXPECT_SEGV(stmt) EXPECT_EXIT(stmt, ::testing::ExitedWithCode(1), "SEGV on unknown address")
#else
#define EXPECT_SEGV(stmt) EXPECT_EXIT(stmt, ::testing::KilledBySignal(SIGSEGV), "")
#endif

namespace gostack::rt {
namespace {

using testing::current_p;

using StackTest = testing::RuntimeTest;

// Number of resident OS pages in [lo, hi), from mincore.
size_t resident_pages(uintptr_t lo, uintptr_t hi) {
  long page = sysconf(_SC_PAGESIZE);
  size_t n = (hi - lo) / page;
  std::vector<unsigned char> vec(n);
  if (mincore(reinterpret_cast<void*>(lo), hi - lo, vec.data()) != 0) return SIZE_MAX;
  size_t count = 0;
  for (unsigned char v : vec) count += v & 1;
  return count;
}

TEST_F(StackTest, PooledOrdersComeFromStackSpansAndAreReusedLifo) {
  for (uint32_t n : {2048u, 4096u, 8192u, 16384u}) {
    Stack s = stackalloc(n);
    ASSERT_EQ(s.hi - s.lo, n);
    Span* span = mheap_.span_of(s.lo);
    ASSERT_NE(span, nullptr) << n;
    EXPECT_EQ(span->elemsize, n);
    EXPECT_EQ(span->npages * kPageSize, kStackCacheSize);
    EXPECT_EQ((s.lo - span->base) % n, 0u);
    std::memset(reinterpret_cast<void*>(s.lo), 0x5a, n);  // the whole stack is writable memory
    stackfree(s);
    Stack again = stackalloc(n);
    EXPECT_EQ(again.lo, s.lo) << "the P cache hands back the stack just freed, n=" << n;
    stackfree(again);
  }
}

TEST_F(StackTest, SmallerThanFixedStackUsesOrderZero) {
  Stack s = stackalloc(1024);
  EXPECT_EQ(s.hi - s.lo, 1024u);
  EXPECT_EQ(mheap_.span_of(s.lo)->elemsize, kFixedStack);
  stackfree(s);
}

TEST_F(StackTest, CacheRefillsAndReleasesInHalfCacheBatches) {
  P* pp = current_p();
  stackcache_clear(pp);
  StackStats before = stack_stats();

  std::vector<Stack> stacks;
  stacks.push_back(stackalloc(2048));
  // The first allocation found the cache empty and took 16 KiB (8 stacks) from the pool.
  EXPECT_EQ(stack_stats().cache_refills - before.cache_refills, 1u);
  EXPECT_EQ(pp->stackcache[0].size, kStackCacheSize / 2 - 2048);
  for (int i = 1; i < 24; i++) stacks.push_back(stackalloc(2048));
  EXPECT_EQ(stack_stats().cache_refills - before.cache_refills, 3u);  // 24 stacks = 3 batches of 8
  EXPECT_EQ(pp->stackcache[0].size, 0u);
  EXPECT_EQ(pp->stackcache[0].list, nullptr);

  // Frees fill the cache to 32 KiB (16 stacks); the 17th finds it full and first drains it to
  // 16 KiB; the remaining 7 fill it to 32 KiB again.
  for (int i = 0; i < 16; i++) stackfree(stacks[i]);
  EXPECT_EQ(pp->stackcache[0].size, kStackCacheSize);
  EXPECT_EQ(stack_stats().cache_releases - before.cache_releases, 0u);
  stackfree(stacks[16]);
  EXPECT_EQ(stack_stats().cache_releases - before.cache_releases, 1u);
  EXPECT_EQ(pp->stackcache[0].size, kStackCacheSize / 2 + 2048);
  for (int i = 17; i < 24; i++) stackfree(stacks[i]);
  EXPECT_EQ(pp->stackcache[0].size, kStackCacheSize);
  EXPECT_EQ(stack_stats().cache_releases - before.cache_releases, 1u);
  EXPECT_EQ(stack_stats().cache_refills - before.cache_refills, 3u);

  // Counting the cache list agrees with its size field.
  size_t listed = 0;
  for (GcLink* x = pp->stackcache[0].list; x != nullptr; x = x->next) listed++;
  EXPECT_EQ(listed * 2048, pp->stackcache[0].size);

  stackcache_clear(pp);
  EXPECT_EQ(pp->stackcache[0].size, 0u);
}

TEST_F(StackTest, PoolSpansGoBackToTheHeapWhenAllTheirStacksAreFree) {
  P* pp = current_p();
  stackcache_clear(pp);
  stack_debug().no_cache = true;  // straight to the pool, so span traffic is visible
  StackStats before = stack_stats();
  std::vector<Stack> stacks;
  for (int i = 0; i < 2; i++) stacks.push_back(stackalloc(16384));  // exactly one 32 KiB span
  Span* span = mheap_.span_of(stacks[0].lo);
  ASSERT_EQ(span, mheap_.span_of(stacks[1].lo));
  EXPECT_EQ(span->allocCount, 2u);
  EXPECT_EQ(stack_stats().cache_refills, before.cache_refills);
  for (Stack s : stacks) stackfree(s);
  EXPECT_EQ(mheap_.span_of(stacks[0].lo), nullptr) << "the emptied span is free heap memory";
  EXPECT_GE(stack_stats().pool_spans_freed - before.pool_spans_freed, 1u);
}

TEST_F(StackTest, LargeStacksUseDedicatedSpansAndStackLargeReuse) {
  stack_release_os_memory();  // start with an empty stackLarge
  StackStats before = stack_stats();
  Stack s = stackalloc(32768);  // 32 KiB is the first large size
  Span* span = mheap_.span_of(s.lo);
  ASSERT_NE(span, nullptr);
  EXPECT_EQ(span->base, s.lo);
  EXPECT_EQ(span->npages, 4u);
  Stack big = stackalloc(256 << 10);
  EXPECT_EQ(mheap_.span_of(big.lo)->npages, 32u);
  std::memset(reinterpret_cast<void*>(big.lo), 1, big.hi - big.lo);
  stackfree(s);
  stackfree(big);
  Stack s2 = stackalloc(32768);
  Stack big2 = stackalloc(256 << 10);
  EXPECT_EQ(s2.lo, s.lo);
  EXPECT_EQ(big2.lo, big.lo);
  EXPECT_EQ(stack_stats().large_reused - before.large_reused, 2u);
  stackfree(s2);
  stackfree(big2);
}

TEST_F(StackTest, ReleaseReturnsFreedLargeStackMemoryToTheOs) {
  constexpr uint32_t kSize = 1 << 20;
  Stack s = stackalloc(kSize);
  std::memset(reinterpret_cast<void*>(s.lo), 0x33, kSize);
  EXPECT_EQ(resident_pages(s.lo, s.hi), kSize / sysconf(_SC_PAGESIZE));
  uint64_t sys_used = stack_stats().sys_bytes;
  stackfree(s);
  EXPECT_GT(resident_pages(s.lo, s.hi), 0u) << "kept in stackLarge for reuse, still backed";
  stack_release_os_memory();
  EXPECT_EQ(resident_pages(s.lo, s.hi), 0u);
  StackStats after = stack_stats();
  EXPECT_LE(after.sys_bytes + kSize, sys_used);
  // The pages come back zeroed when reused.
  Stack again = stackalloc(kSize);
  EXPECT_EQ(reinterpret_cast<unsigned char*>(again.lo)[4096], 0);
  stackfree(again);
}

TEST_F(StackTest, AFreedHugeStackIsReusedWarmThenReturnedByScavengeTicks) {
  // 32 MiB is over stackLarge's limit, so the span goes back to the heap, which keeps it
  // backed (it is within the in-use high-water mark): growing again costs no page faults.
  constexpr uint32_t kSize = 32 << 20;
  long page = sysconf(_SC_PAGESIZE);
  stack_release_os_memory();  // forget earlier tests' high-water mark and cached stacks
  Stack s = stackalloc(kSize);
  std::memset(reinterpret_cast<void*>(s.lo), 0x44, kSize);
  stackfree(s);
  EXPECT_EQ(resident_pages(s.lo, s.hi) * page, kSize);
  uint64_t sys = stack_stats().sys_bytes;
  Stack again = stackalloc(kSize);
  EXPECT_EQ(again.lo, s.lo);
  EXPECT_EQ(stack_stats().sys_bytes, sys) << "reused without asking the OS";
  stackfree(again);
  // Periodic ticks decay the retention to twice what is in use (at least the minimum).
  for (int i = 0; i < 64; i++) mheap_.scavenge_tick();
  uint64_t keep = mheap_.retain_bytes();
  EXPECT_EQ(keep, std::max<uint64_t>(PageHeap::kRetainMinBytes, 2 * mheap_.stats().manual_bytes));
  EXPECT_LT(keep, kSize);
  EXPECT_LE(resident_pages(s.lo, s.hi) * page, keep);
  EXPECT_LE(mheap_.stats().free_bytes - mheap_.stats().released_bytes, keep);
}

// runtime·GC gives stack memory back over a few calls: a goroutine grows to 32 MiB and exits
// (its stack goes back to the heap, which keeps it backed for the next growth), then another
// calls runtime·GC 16 times, each a scavenger tick.
TEST_F(StackTest, RuntimeGcReturnsAnExitedGoroutinesStackOverAFewCalls) {
  auto image = testing::load_program("gc.s", std::string(testing::kDeepSource) + R"(
TEXT ·gcs(SB), $0-8
again:
	CALL runtime·GC(SB)
	DECQ n+0(FP)
	JNE again
	RET
)");
  ASSERT_NE(image, nullptr);
  stack_release_os_memory();
  runtime::go<void>(image->address("main.deep"), int64_t{40000}).wait();  // 40,000 x 528 bytes: 32 MiB
  uint64_t kept = stack_stats().sys_bytes;
  EXPECT_GE(kept, uint64_t{32} << 20) << "the exited goroutine's stack is kept backed";
  runtime::go<void>(image->address("main.gcs"), int64_t{16}).wait();
  EXPECT_LE(stack_stats().sys_bytes + (uint64_t{24} << 20), kept) << "16 runtime·GC calls returned it";
}

TEST_F(StackTest, StatisticsTrackInuseAndPeak) {
  stack_release_os_memory();  // empty stackLarge so the baseline holds only live stacks
  StackStats before = stack_stats();
  Stack s = stackalloc(4 << 20);
  StackStats during = stack_stats();
  EXPECT_EQ(during.inuse_bytes - before.inuse_bytes, 4u << 20);
  EXPECT_GE(during.peak_bytes, during.inuse_bytes);
  EXPECT_GE(during.sys_bytes, during.inuse_bytes);
  stackfree(s);
  stack_release_os_memory();
  StackStats after = stack_stats();
  EXPECT_EQ(after.inuse_bytes, before.inuse_bytes);
  EXPECT_GE(after.peak_bytes, during.inuse_bytes);
}

TEST_F(StackTest, PoisonFillsFreedStacks) {
  stack_debug().poison = true;
  for (uint32_t n : {2048u, 65536u}) {
    Stack s = stackalloc(n);
    std::memset(reinterpret_cast<void*>(s.lo), 0x11, n);
    stackfree(s);
    // The first word now links the free list; the rest carries the poison pattern.
    auto* bytes = reinterpret_cast<unsigned char*>(s.lo);
    size_t poisoned = 0;
    for (uintptr_t i = sizeof(void*); i < n; i++) poisoned += bytes[i] == kStackPoisonByte;
    EXPECT_EQ(poisoned, n - sizeof(void*)) << n;
  }
}

TEST_F(StackTest, FromSystemStacksKeepTheirExactSize) {
  stack_debug().from_system = true;
  Stack s = stackalloc(2048);
  EXPECT_EQ(s.hi - s.lo, 2048u);
  EXPECT_EQ(s.hi % 4096, 0u);
  EXPECT_EQ(mheap_.span_of(s.lo), nullptr);
  std::memset(reinterpret_cast<void*>(s.lo), 7, 2048);
  stackfree(s);
}

using StackDeathTest = StackTest;

TEST_F(StackDeathTest, FaultOnFreeTurnsUseAfterFreeIntoACrash) {
  stack_debug().fault_on_free = true;
  Stack s = stackalloc(8192);
  std::memset(reinterpret_cast<void*>(s.lo), 1, 8192);  // fine while allocated
  stackfree(s);
  EXPECT_SEGV({
    *reinterpret_cast<volatile char*>(s.lo + 100) = 1;
    _exit(0);
  });
}

TEST_F(StackDeathTest, GuardPageBelowTheStackFaults) {
  stack_debug().guard_page = true;
  Stack s = stackalloc(4096);
  *reinterpret_cast<volatile char*>(s.lo) = 1;
  EXPECT_SEGV({
    *reinterpret_cast<volatile char*>(s.lo - 1) = 1;
    _exit(0);
  });
  stackfree(s);
}

TEST_F(StackDeathTest, PreconditionsThrowLikeGo) {
  EXPECT_EXIT(stackalloc(3000), ::testing::ExitedWithCode(2), "fatal error: stack size not a power of 2");
  EXPECT_EXIT(stackfree(Stack{0x10000, 0x10000 + 3000}), ::testing::ExitedWithCode(2),
              "fatal error: stack not a power of 2");
  EXPECT_EXIT(
      {
        G other;
        other.m = getg()->m;
        setg(&other);  // pretend to be on a goroutine stack
        stackalloc(2048);
      },
      ::testing::ExitedWithCode(2), "fatal error: stackalloc not on scheduler stack");
}

TEST_F(StackDeathTest, EnvironmentSwitchesAreReadAtStackinit) {
  EXPECT_EXIT(
      {
        setenv("GOSTACK_DEBUG", "stacknocache=1,stackpoison=1", 1);
        stackinit();
        _exit(stack_debug().no_cache && stack_debug().poison && !stack_debug().from_system ? 7 : 1);
      },
      ::testing::ExitedWithCode(7), "");
}

}  // namespace
}  // namespace gostack::rt
