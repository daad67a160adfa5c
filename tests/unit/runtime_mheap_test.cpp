// Tests of the page heap on its own (a private PageHeap): splitting, coalescing, accounting, scavenging.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "runtime/mheap.h"

namespace gostack::rt {
namespace {

size_t resident_bytes(uintptr_t lo, uintptr_t hi) {
  long page = sysconf(_SC_PAGESIZE);
  std::vector<unsigned char> vec((hi - lo) / page);
  if (mincore(reinterpret_cast<void*>(lo), hi - lo, vec.data()) != 0) return SIZE_MAX;
  size_t n = 0;
  for (unsigned char v : vec) n += v & 1;
  return n * page;
}

void expect_balanced(const PageHeap& h) {
  HeapStats st = h.stats();
  EXPECT_EQ(st.mapped_bytes, st.free_bytes + st.manual_bytes);
  EXPECT_LE(st.released_bytes, st.free_bytes);
}

TEST(PageHeapTest, FirstUseMapsOneAlignedArenaAndSplitsIt) {
  PageHeap h;
  Span* a = h.alloc_manual(4);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->base % kArenaBytes, 0u) << "the first span starts the aligned arena";
  EXPECT_EQ(a->state, SpanState::Manual);
  HeapStats st = h.stats();
  EXPECT_EQ(st.mapped_bytes, kArenaBytes);
  EXPECT_EQ(st.manual_bytes, 4 * kPageSize);
  EXPECT_EQ(st.released_bytes, kArenaBytes - 4 * kPageSize) << "untouched pages count as released";
  Span* b = h.alloc_manual(4);
  EXPECT_EQ(b->base, a->limit());
  EXPECT_EQ(h.span_of(a->base + 5), a);
  EXPECT_EQ(h.span_of(b->limit() - 1), b);
  EXPECT_EQ(h.span_of(b->limit()), nullptr);
  expect_balanced(h);
}

TEST(PageHeapTest, FreedNeighboursCoalesceIntoOneRun) {
  PageHeap h;
  Span* a = h.alloc_manual(128);  // 1 MiB each
  Span* b = h.alloc_manual(128);
  Span* c = h.alloc_manual(128);
  uintptr_t a_base = a->base;
  ASSERT_EQ(b->base, a->limit());
  h.free_manual(a);
  h.free_manual(b);
  EXPECT_EQ(h.span_of(a_base), nullptr);
  // Best fit: the merged 256-page hole is smaller than the tail of the arena, so it is used.
  Span* d = h.alloc_manual(256);
  EXPECT_EQ(d->base, a_base);
  h.free_manual(c);
  h.free_manual(d);
  HeapStats st = h.stats();
  EXPECT_EQ(st.manual_bytes, 0u);
  EXPECT_EQ(st.free_bytes, kArenaBytes);
  // Everything merged back: a whole arena fits without mapping more.
  Span* all = h.alloc_manual(kPagesPerArena);
  EXPECT_EQ(all->base, a_base);
  EXPECT_EQ(h.stats().mapped_bytes, kArenaBytes);
  h.free_manual(all);
  expect_balanced(h);
}

TEST(PageHeapTest, RequestsBiggerThanAnArenaGetSeveralContiguousArenas) {
  PageHeap h;
  Span* s = h.alloc_manual(3 * kPagesPerArena / 2);  // 96 MiB
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->base % kArenaBytes, 0u);
  EXPECT_EQ(h.stats().mapped_bytes, 2 * kArenaBytes);
  EXPECT_EQ(h.span_of(s->limit() - 1), s) << "the span is found from its second arena too";
  h.free_manual(s);
  expect_balanced(h);
}

TEST(PageHeapTest, ScavengeReturnsFreeBackedPagesAndAllocationTakesThemBack) {
  PageHeap h;
  Span* s = h.alloc_manual(256);  // 2 MiB, below the retention limit
  uintptr_t lo = s->base, hi = s->limit();
  std::memset(reinterpret_cast<void*>(lo), 0x77, hi - lo);
  EXPECT_EQ(resident_bytes(lo, hi), hi - lo);
  uint64_t released_in_use = h.stats().released_bytes;
  h.free_manual(s);
  EXPECT_EQ(resident_bytes(lo, hi), hi - lo) << "small frees stay backed for reuse";
  EXPECT_EQ(h.stats().released_bytes, released_in_use);
  EXPECT_EQ(h.scavenge(0), hi - lo);
  EXPECT_EQ(resident_bytes(lo, hi), 0u);
  EXPECT_EQ(h.stats().released_bytes, released_in_use + (hi - lo));
  EXPECT_EQ(h.stats().scavenged_bytes, hi - lo);
  EXPECT_EQ(h.scavenge(0), 0u) << "nothing left to release";

  Span* again = h.alloc_manual(256);
  EXPECT_EQ(again->base, lo);
  EXPECT_EQ(h.stats().released_bytes, released_in_use) << "allocated pages are no longer counted as released";
  EXPECT_EQ(*reinterpret_cast<unsigned char*>(lo), 0) << "released pages come back zeroed";
  h.free_manual(again);
  expect_balanced(h);
}

constexpr uintptr_t kMiB = 1 << 20;

Span* touched_span(PageHeap& h, uintptr_t bytes) {
  Span* s = h.alloc_manual(bytes / kPageSize);
  std::memset(reinterpret_cast<void*>(s->base), 1, bytes);
  return s;
}

uint64_t dirty_free(const PageHeap& h) { return h.stats().free_bytes - h.stats().released_bytes; }

TEST(PageHeapTest, FreedMemoryUpToTwiceTheHighWaterMarkStaysUntilTicksDecayIt) {
  PageHeap h;
  Span* a = touched_span(h, 8 * kMiB);
  Span* b = touched_span(h, 8 * kMiB);
  uintptr_t lo = a->base, hi = b->limit();
  EXPECT_EQ(h.retain_bytes(), 32 * kMiB);
  h.free_manual(a);
  h.free_manual(b);
  EXPECT_EQ(resident_bytes(lo, hi), 16 * kMiB) << "within the retention: kept for reuse";
  EXPECT_EQ(h.scavenge_tick(), 0u);  // high water 8 MiB, retention 16 MiB
  EXPECT_EQ(h.scavenge_tick(), 8 * kMiB);  // 4 -> 8 MiB
  EXPECT_EQ(dirty_free(h), 8 * kMiB);
  EXPECT_EQ(resident_bytes(lo, hi), 8 * kMiB);
  EXPECT_EQ(h.scavenge_tick(), 4 * kMiB);  // 2 -> 4 MiB, the minimum
  EXPECT_EQ(h.scavenge_tick(), 0u) << "kRetainMinBytes is kept";
  EXPECT_EQ(dirty_free(h), PageHeap::kRetainMinBytes);
  EXPECT_EQ(resident_bytes(lo, hi), PageHeap::kRetainMinBytes);
}

TEST(PageHeapTest, FreeingPastTheRetentionReleasesTheExcessAtOnceFromTheTop) {
  PageHeap h;
  Span* a = touched_span(h, 8 * kMiB);
  Span* b = touched_span(h, 2 * kMiB);  // high water 10 MiB
  uintptr_t a_lo = a->base, b_lo = b->base;
  h.free_manual(a);
  EXPECT_EQ(h.scavenge_tick(), 0u);        // high water 5 MiB: retention 10 MiB >= 8
  EXPECT_EQ(h.scavenge_tick(), 3 * kMiB);  // high water 2.5 MiB: retention 5 MiB
  // A free run is released from its top, so its bottom, where the next allocation lands,
  // stays backed.
  EXPECT_EQ(resident_bytes(a_lo, a_lo + 5 * kMiB), 5 * kMiB);
  EXPECT_EQ(resident_bytes(a_lo + 5 * kMiB, a_lo + 8 * kMiB), 0u);
  uint64_t scavenged = h.stats().scavenged_bytes;
  h.free_manual(b);  // 7 MiB free and backed, 2 over
  EXPECT_EQ(h.stats().scavenged_bytes - scavenged, 2 * kMiB);
  EXPECT_EQ(dirty_free(h), 5 * kMiB);
  EXPECT_EQ(resident_bytes(b_lo, b_lo + 2 * kMiB), 0u) << "B tops the merged run";
  expect_balanced(h);
}

TEST(PageHeapDeathTest, DoubleFreeThrows) {
  PageHeap h;
  Span* s = h.alloc_manual(1);
  h.free_manual(s);
  EXPECT_EXIT(h.free_manual(s), ::testing::ExitedWithCode(2), "fatal error: mheap: free_manual of a span not in use");
}

}  // namespace
}  // namespace gostack::rt
