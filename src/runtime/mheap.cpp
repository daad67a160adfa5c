// The page heap for stacks: arenas from mmap, best-fit page runs, coalescing, scavenging.
#include "runtime/mheap.h"

#include <sys/mman.h>

#include <cstring>

#include "runtime/print.h"

namespace gostack::rt {

// Never destroyed: Ms may still free stacks while the process runs its exit-time destructors
// (a C++ program returning from main while goroutines run on other threads).
PageHeap& mheap_ = *new PageHeap;

// Per-arena metadata, itself in mmap'd memory: the owning span of every page and a bitmap
// of pages that are not backed by memory (released to the OS or never touched).
struct PageHeap::Arena {
  Span* spans[kPagesPerArena];
  uint64_t released[kPagesPerArena / 64];
};

namespace {

constexpr uintptr_t kArenaIndexEntries = uintptr_t{1} << (kHeapAddrBits - kArenaShift);
constexpr uintptr_t kSpanChunkBytes = 64 << 10;

void* os_map(uintptr_t bytes) {
  void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

uintptr_t page_index(uintptr_t addr) { return (addr >> kPageShift) & (kPagesPerArena - 1); }

}  // namespace

void SpanList::insert(Span* s) {
  if (s->next != nullptr || s->prev != nullptr || s->list != nullptr)
    throw_fatal("SpanList::insert: span already in list");
  s->next = first;
  if (first != nullptr)
    first->prev = s;
  else
    last = s;
  first = s;
  s->list = this;
}

void SpanList::remove(Span* s) {
  if (s->list != this) throw_fatal("SpanList::remove: span not in this list");
  if (s->prev != nullptr)
    s->prev->next = s->next;
  else
    first = s->next;
  if (s->next != nullptr)
    s->next->prev = s->prev;
  else
    last = s->prev;
  s->next = s->prev = nullptr;
  s->list = nullptr;
}

PageHeap::Arena* PageHeap::arena_of(uintptr_t addr) const {
  if (arenas_ == nullptr || (addr >> kHeapAddrBits) != 0) return nullptr;
  return arenas_[addr >> kArenaShift];
}

Span* PageHeap::span_at(uintptr_t addr) const {
  Arena* a = arena_of(addr);
  return a == nullptr ? nullptr : a->spans[page_index(addr)];
}

void PageHeap::set_spans(uintptr_t base, uintptr_t npages, Span* s) {
  for (uintptr_t i = 0; i < npages; i++) {
    uintptr_t addr = base + (i << kPageShift);
    arena_of(addr)->spans[page_index(addr)] = s;
  }
}

// Free spans only keep their first and last page entries current (enough for coalescing).
void PageHeap::set_free_ends(Span* s) {
  arena_of(s->base)->spans[page_index(s->base)] = s;
  uintptr_t last = s->limit() - kPageSize;
  arena_of(last)->spans[page_index(last)] = s;
}

Span* PageHeap::new_span() {
  Span* s = span_free_;
  if (s != nullptr) {
    span_free_ = s->next;
  } else {
    if (span_chunk_left_ == 0) {
      void* chunk = os_map(kSpanChunkBytes);
      if (chunk == nullptr) return nullptr;
      span_chunk_ = static_cast<Span*>(chunk);
      span_chunk_left_ = kSpanChunkBytes / sizeof(Span);
    }
    s = span_chunk_++;
    span_chunk_left_--;
  }
  *s = Span{};
  return s;
}

void PageHeap::free_span(Span* s) {
  *s = Span{};
  s->next = span_free_;
  span_free_ = s;
}

void PageHeap::insert_free(Span* s) {
  s->state = SpanState::Free;
  set_free_ends(s);
  free_.emplace(s->npages, s->base);
  free_bytes_.fetch_add(s->npages << kPageShift, std::memory_order_relaxed);
}

void PageHeap::erase_free(Span* s) {
  free_.erase({s->npages, s->base});
  free_bytes_.fetch_sub(s->npages << kPageShift, std::memory_order_relaxed);
}

// Maps at least npages pages in whole, aligned arenas and adds them as one free span.
bool PageHeap::grow(uintptr_t npages) {
  if (arenas_ == nullptr) {
    arenas_ = static_cast<Arena**>(os_map(kArenaIndexEntries * sizeof(Arena*)));
    if (arenas_ == nullptr) return false;
  }
  uintptr_t bytes = ((npages << kPageShift) + kArenaBytes - 1) & ~(kArenaBytes - 1);
  // Over-map by one arena, then trim both ends to get arena alignment.
  auto* raw = static_cast<char*>(os_map(bytes + kArenaBytes));
  if (raw == nullptr) return false;
  uintptr_t start = (reinterpret_cast<uintptr_t>(raw) + kArenaBytes - 1) & ~(kArenaBytes - 1);
  uintptr_t head = start - reinterpret_cast<uintptr_t>(raw);
  if (head != 0) ::munmap(raw, head);
  if (kArenaBytes - head != 0) ::munmap(reinterpret_cast<void*>(start + bytes), kArenaBytes - head);
  if (((start + bytes - 1) >> kHeapAddrBits) != 0) throw_fatal("mheap: arena above the 48-bit address space");

  for (uintptr_t a = start; a < start + bytes; a += kArenaBytes) {
    auto* meta = static_cast<Arena*>(os_map(sizeof(Arena)));
    if (meta == nullptr) return false;
    std::memset(meta->released, 0xff, sizeof meta->released);  // untouched pages cost nothing
    arenas_[a >> kArenaShift] = meta;
  }
  mapped_.fetch_add(bytes, std::memory_order_relaxed);
  released_.fetch_add(bytes, std::memory_order_relaxed);

  Span* s = new_span();
  if (s == nullptr) return false;
  s->base = start;
  s->npages = bytes >> kPageShift;
  // Merge with a free run just below, when the kernel placed the new mapping adjacent to ours.
  Span* below = span_at(start - kPageSize);
  if (below != nullptr && below->state == SpanState::Free && below->limit() == start) {
    erase_free(below);
    s->base = below->base;
    s->npages += below->npages;
    free_span(below);
  }
  Span* above = span_at(start + bytes);
  if (above != nullptr && above->state == SpanState::Free && above->base == start + bytes) {
    erase_free(above);
    s->npages += above->npages;
    free_span(above);
  }
  insert_free(s);
  return true;
}

uintptr_t PageHeap::unrelease(uintptr_t base, uintptr_t npages) {
  uintptr_t count = 0;
  for (uintptr_t i = 0; i < npages; i++) {
    uintptr_t addr = base + (i << kPageShift);
    uint64_t* word = &arena_of(addr)->released[page_index(addr) / 64];
    uint64_t bit = uint64_t{1} << (page_index(addr) % 64);
    if (*word & bit) {
      *word &= ~bit;
      count++;
    }
  }
  return count;
}

Span* PageHeap::alloc_manual(uintptr_t npages) {
  if (npages == 0) throw_fatal("mheap: alloc_manual of zero pages");
  LockGuard guard(lock_);
  auto it = free_.lower_bound({npages, 0});
  if (it == free_.end()) {
    if (!grow(npages)) return nullptr;
    it = free_.lower_bound({npages, 0});
    if (it == free_.end()) throw_fatal("mheap: grow did not provide the pages");
  }
  Span* run = span_at(it->second);
  erase_free(run);

  Span* s = run;
  if (run->npages > npages) {
    // Split: the front becomes the allocation, the rest stays free.
    s = new_span();
    if (s == nullptr) {
      insert_free(run);
      return nullptr;
    }
    s->base = run->base;
    s->npages = npages;
    run->base += npages << kPageShift;
    run->npages -= npages;
    insert_free(run);
  }
  s->state = SpanState::Manual;
  s->next = s->prev = nullptr;
  s->list = nullptr;
  s->manualFreeList = nullptr;
  s->allocCount = 0;
  s->elemsize = 0;
  set_spans(s->base, s->npages, s);
  released_.fetch_sub(unrelease(s->base, s->npages) << kPageShift, std::memory_order_relaxed);
  uintptr_t inuse = manual_.fetch_add(npages << kPageShift, std::memory_order_relaxed) + (npages << kPageShift);
  if (inuse > high_water_) high_water_ = inuse;
  return s;
}

void PageHeap::free_manual(Span* s) {
  if (s->state != SpanState::Manual) throw_fatal("mheap: free_manual of a span not in use");
  if (s->list != nullptr) throw_fatal("mheap: free_manual of a span still on a list");
  LockGuard guard(lock_);
  manual_.fetch_sub(s->npages << kPageShift, std::memory_order_relaxed);
  s->state = SpanState::Free;
  Span* below = span_at(s->base - kPageSize);
  if (below != nullptr && below->state == SpanState::Free && below->limit() == s->base) {
    erase_free(below);
    s->base = below->base;
    s->npages += below->npages;
    free_span(below);
  }
  Span* above = span_at(s->limit());
  if (above != nullptr && above->state == SpanState::Free && above->base == s->limit()) {
    erase_free(above);
    s->npages += above->npages;
    free_span(above);
  }
  insert_free(s);
  uintptr_t dirty = free_bytes_.load(std::memory_order_relaxed) - released_.load(std::memory_order_relaxed);
  if (dirty > retain_bytes()) scavenge_locked(retain_bytes());
}

Span* PageHeap::span_of(uintptr_t addr) {
  LockGuard guard(lock_);
  Span* s = span_at(addr);
  // Entries of interior free pages may be stale; the state and bounds check filters them.
  if (s == nullptr || s->state != SpanState::Manual || addr < s->base || addr >= s->limit()) return nullptr;
  return s;
}

// Releases the backed pages of a free span, in maximal runs, until want bytes are released.
// It works down from the top of the span: allocation takes the bottom of a free run, so the
// pages most likely to be reused soon stay backed.
uintptr_t PageHeap::release_span(Span* s, uintptr_t want) {
  uintptr_t done = 0;
  uintptr_t run_low = 0, run_len = 0;  // current run of pages to release, growing downwards
  auto flush = [&] {
    if (run_len == 0) return;
    ::madvise(reinterpret_cast<void*>(run_low), run_len << kPageShift, MADV_DONTNEED);
    done += run_len << kPageShift;
    run_len = 0;
  };
  for (uintptr_t i = s->npages; i-- > 0 && done + (run_len << kPageShift) < want;) {
    uintptr_t addr = s->base + (i << kPageShift);
    uint64_t* word = &arena_of(addr)->released[page_index(addr) / 64];
    uint64_t bit = uint64_t{1} << (page_index(addr) % 64);
    if (*word & bit) {
      flush();
      continue;
    }
    *word |= bit;
    run_low = addr;
    run_len++;
  }
  flush();
  return done;
}

uintptr_t PageHeap::scavenge_locked(uintptr_t keep_bytes) {
  uintptr_t total = 0;
  for (auto it = free_.rbegin(); it != free_.rend(); ++it) {
    uintptr_t dirty = free_bytes_.load(std::memory_order_relaxed) - released_.load(std::memory_order_relaxed);
    if (dirty <= keep_bytes) break;
    uintptr_t got = release_span(span_at(it->second), dirty - keep_bytes);
    released_.fetch_add(got, std::memory_order_relaxed);
    total += got;
  }
  scavenged_total_.fetch_add(total, std::memory_order_relaxed);
  return total;
}

uintptr_t PageHeap::scavenge(uintptr_t keep_bytes) {
  LockGuard guard(lock_);
  high_water_ = manual_.load(std::memory_order_relaxed);
  return scavenge_locked(keep_bytes);
}

uintptr_t PageHeap::retain_bytes() const {
  uintptr_t want = 2 * high_water_;
  return want > kRetainMinBytes ? want : kRetainMinBytes;
}

uintptr_t PageHeap::scavenge_tick() {
  LockGuard guard(lock_);
  uintptr_t inuse = manual_.load(std::memory_order_relaxed);
  high_water_ = high_water_ / 2 > inuse ? high_water_ / 2 : inuse;
  return scavenge_locked(retain_bytes());
}

HeapStats PageHeap::stats() const {
  return HeapStats{mapped_.load(std::memory_order_relaxed), released_.load(std::memory_order_relaxed),
                   free_bytes_.load(std::memory_order_relaxed), manual_.load(std::memory_order_relaxed),
                   scavenged_total_.load(std::memory_order_relaxed)};
}

}  // namespace gostack::rt
