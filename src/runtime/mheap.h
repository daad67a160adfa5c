// The page heap that stacks are carved from: 64 MiB arenas from mmap, 8 KiB pages, spans of pages.
//
// A much smaller cousin of Go's mheap: only the runtime's stacks live here. Memory comes from
// the OS in aligned 64 MiB arenas (more for a bigger request). Free page runs are kept in one
// best-fit set and coalesce with free neighbours on free. Each arena records, per page, the
// span that owns it and whether the page has been returned to the OS (MADV_DONTNEED).
// Freshly mapped pages count as returned: they cost nothing until first touched.
#pragma once

#include <atomic>
#include <cstdint>
#include <set>
#include <utility>

#include "runtime/lock.h"
#include "runtime/runtime2.h"

namespace gostack::rt {

inline constexpr uintptr_t kPageShift = 13;
inline constexpr uintptr_t kPageSize = uintptr_t{1} << kPageShift;  // 8 KiB, Go's page
inline constexpr uintptr_t kArenaShift = 26;
inline constexpr uintptr_t kArenaBytes = uintptr_t{1} << kArenaShift;  // 64 MiB
inline constexpr uintptr_t kPagesPerArena = kArenaBytes / kPageSize;   // 8192
inline constexpr int kHeapAddrBits = 48;

static_assert(kStackCacheSize % kPageSize == 0, "stack pool spans are whole pages");

enum class SpanState : uint8_t {
  Dead,    // the Span object is unused (on the span allocator's free list)
  Free,    // a run of free pages owned by the heap
  Manual,  // pages handed out for stacks (Go's mSpanManual)
};

struct SpanList;

// A run of pages. While Manual it is either a stack pool span (carved into equal stacks of
// elemsize) or one large stack.
struct Span {
  uintptr_t base = 0;
  uintptr_t npages = 0;
  Span* next = nullptr;  // links on a SpanList (stack pool or stackLarge)
  Span* prev = nullptr;
  SpanList* list = nullptr;  // the list this span is on, for consistency checks
  GcLink* manualFreeList = nullptr;  // free stacks inside a pool span
  uint32_t allocCount = 0;           // stacks handed out from a pool span
  uintptr_t elemsize = 0;
  SpanState state = SpanState::Dead;

  uintptr_t limit() const { return base + (npages << kPageShift); }
};

// A doubly linked list of spans (Go's mSpanList); insert puts a span at the front.
struct SpanList {
  Span* first = nullptr;
  Span* last = nullptr;
  bool empty() const { return first == nullptr; }
  void insert(Span* s);
  void remove(Span* s);
};

struct HeapStats {
  uint64_t mapped_bytes;    // obtained from the OS with mmap
  uint64_t released_bytes;  // mapped but not backed: never touched or returned with madvise
  uint64_t free_bytes;      // in free spans (includes released)
  uint64_t manual_bytes;    // in spans handed out for stacks
  uint64_t scavenged_bytes; // total ever returned with madvise
};

class PageHeap {
 public:
  // Returns a span of npages pages in state Manual, or nullptr if the OS refuses memory.
  // The memory is not necessarily zeroed.
  Span* alloc_manual(uintptr_t npages);
  // Returns a Manual span's pages to the heap; they coalesce with free neighbours. If the
  // heap then holds more free, backed memory than retain_bytes(), the excess goes back to the
  // OS at once (largest free runs first).
  void free_manual(Span* s);
  // The Manual span containing addr, or nullptr (not heap memory, or not in use).
  Span* span_of(uintptr_t addr);
  // Returns free backed pages to the OS (madvise MADV_DONTNEED) until at most keep_bytes of
  // them remain, and forgets the in-use high-water mark. Returns the bytes released.
  uintptr_t scavenge(uintptr_t keep_bytes);
  // Decays the retention: the high-water mark halves (never below what is in use) and free
  // memory above retain_bytes() goes back to the OS. Meant to run periodically (sysmon, with
  // the scheduler) and at each runtime·GC; repeated ticks release all but kRetainMinBytes.
  uintptr_t scavenge_tick();
  // Free backed memory kept for reuse: twice the most stack memory in use since the last
  // tick or scavenge, and at least kRetainMinBytes. A program that just grew a 64 MiB stack
  // is likely to do it again, and re-faulting 64 MiB costs more than copying it; a growth
  // sequence touches about twice its peak (each size once). Go's heap likewise runs up to
  // twice the live heap (GOGC=100) before its scavenger returns memory.
  uintptr_t retain_bytes() const;
  HeapStats stats() const;

  static constexpr uintptr_t kRetainMinBytes = 4 << 20;

 private:
  struct Arena;

  bool grow(uintptr_t npages);
  Arena* arena_of(uintptr_t addr) const;
  Span* span_at(uintptr_t addr) const;  // raw per-page entry, may be stale for free pages
  void set_spans(uintptr_t base, uintptr_t npages, Span* s);
  void set_free_ends(Span* s);
  uintptr_t unrelease(uintptr_t base, uintptr_t npages);  // clears released bits, returns count
  uintptr_t release_span(Span* s, uintptr_t want);
  void insert_free(Span* s);
  void erase_free(Span* s);
  Span* new_span();
  void free_span(Span* s);
  uintptr_t scavenge_locked(uintptr_t keep_bytes);

  Mutex lock_;
  Arena** arenas_ = nullptr;  // index by addr >> kArenaShift; reserved lazily, NORESERVE
  std::set<std::pair<uintptr_t, uintptr_t>> free_;  // (npages, base) for best fit
  Span* span_free_ = nullptr;                        // recycled Span objects
  Span* span_chunk_ = nullptr;                       // bump allocator for new Span objects
  uintptr_t span_chunk_left_ = 0;
  uintptr_t high_water_ = 0;  // most Manual bytes since the last tick or scavenge

  std::atomic<uint64_t> mapped_{0};
  std::atomic<uint64_t> released_{0};
  std::atomic<uint64_t> free_bytes_{0};
  std::atomic<uint64_t> manual_{0};
  std::atomic<uint64_t> scavenged_total_{0};
};

extern PageHeap& mheap_;

}  // namespace gostack::rt
