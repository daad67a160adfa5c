// Goroutine stack allocation: stackpool, per-P stackcache, stackLarge, and the debug switches.
#include "runtime/stack.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string_view>

#include "runtime/mheap.h"
#include "runtime/print.h"
#include "runtime/sanitizer.h"

namespace gostack::rt {

namespace {

constexpr uintptr_t kOsPage = 4096;
constexpr int kLargeOrders = kHeapAddrBits - static_cast<int>(kPageShift);

// Global pool of spans that have free stacks, one list per order (order = log2(size / 2 KiB)).
// Each entry sits on its own cache line so the orders do not contend.
struct alignas(64) StackPool {
  Mutex mu;
  SpanList span;
};
StackPool stackpool[kNumStackOrders];

// Free large stacks, kept whole for reuse, by log2(number of pages).
struct {
  Mutex lock;
  SpanList free[kLargeOrders];
  uintptr_t bytes = 0;
} stackLarge;

StackDebug debug_flags;

std::atomic<uint64_t> inuse{0}, peak{0};
std::atomic<uint64_t> system_bytes{0};        // from-system stacks currently mapped and live
std::atomic<uint64_t> system_outstanding{0};  // from-system stacks not yet freed
std::atomic<uint64_t> n_refills{0}, n_releases{0}, n_pool_spans{0}, n_pool_spans_freed{0};
std::atomic<uint64_t> n_large_reused{0}, n_large_flushed{0};

void note_inuse(int64_t delta) {
  uint64_t now = inuse.fetch_add(static_cast<uint64_t>(delta), std::memory_order_relaxed) + delta;
  uint64_t old = peak.load(std::memory_order_relaxed);
  while (now > old && !peak.compare_exchange_weak(old, now, std::memory_order_relaxed)) {
  }
}

int stacklog2(uintptr_t n) {
  int log2 = 0;
  while (n > 1) {
    n >>= 1;
    log2++;
  }
  return log2;
}

bool pooled_size(uintptr_t n) { return n < (kFixedStack << kNumStackOrders) && n < kStackCacheSize; }

uint8_t order_of(uintptr_t n) {
  uint8_t order = 0;
  for (uintptr_t n2 = n; n2 > kFixedStack; n2 >>= 1) order++;
  return order;
}

// ---- from-system stacks (debug) ----
//
// Mapping layout, low to high:  [guard page, optional][padding][stack of n bytes]
// The stack always ends at the end of the mapping, so its size stays n even when n is smaller
// than an OS page, and the mapping's base is found again by rounding lo down.

uintptr_t system_guard() { return debug_flags.guard_page ? kOsPage : 0; }

Stack stackalloc_system(uint32_t n) {
  uintptr_t rounded = (uintptr_t{n} + kOsPage - 1) & ~(kOsPage - 1);
  uintptr_t guard = system_guard();
  void* v = ::mmap(nullptr, guard + rounded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (v == MAP_FAILED) throw_fatal("out of memory (stackalloc)");
  auto base = reinterpret_cast<uintptr_t>(v);
  if (guard != 0 && ::mprotect(v, guard, PROT_NONE) != 0) throw_fatal("stackalloc: cannot protect guard page");
  system_outstanding.fetch_add(1, std::memory_order_relaxed);
  system_bytes.fetch_add(rounded, std::memory_order_relaxed);
  note_inuse(static_cast<int64_t>(rounded));
  return Stack{base + guard + rounded - n, base + guard + rounded};
}

void stackfree_system(Stack stk) {
  uintptr_t n = stk.hi - stk.lo;
  uintptr_t rounded = (n + kOsPage - 1) & ~(kOsPage - 1);
  uintptr_t start = stk.hi - rounded;
  uintptr_t guard = system_guard();
  system_outstanding.fetch_sub(1, std::memory_order_relaxed);
  system_bytes.fetch_sub(rounded, std::memory_order_relaxed);
  note_inuse(-static_cast<int64_t>(rounded));
  if (debug_flags.fault_on_free) {
    // Keep the address range reserved (never reused) but drop the memory and all access.
    ::madvise(reinterpret_cast<void*>(start), rounded, MADV_DONTNEED);
    if (::mprotect(reinterpret_cast<void*>(start), rounded, PROT_NONE) != 0)
      throw_fatal("stackfree: cannot protect freed stack");
    return;
  }
  ::munmap(reinterpret_cast<void*>(start - guard), guard + rounded);
}

bool use_system() { return debug_flags.from_system || debug_flags.fault_on_free || debug_flags.guard_page; }

// Whether an M may use its P's stack cache (no debug switch routes stacks elsewhere).
bool cache_usable(const M* mp) {
  return mp->p != nullptr && mp->preemptoff == nullptr && !debug_flags.no_cache && !use_system();
}

// ---- pools ----

// Takes one stack from the pool. Caller holds stackpool[order].mu.
GcLink* stackpoolalloc(uint8_t order) {
  SpanList& list = stackpool[order].span;
  Span* s = list.first;
  if (s == nullptr) {
    // No free stacks: carve a new span.
    s = mheap_.alloc_manual(kStackCacheSize >> kPageShift);
    if (s == nullptr) throw_fatal("out of memory");
    if (s->allocCount != 0) throw_fatal("bad allocCount");
    if (s->manualFreeList != nullptr) throw_fatal("bad manualFreeList");
    s->elemsize = kFixedStack << order;
    san::unpoison(s->base, s->base + kStackCacheSize);  // pages a poisoned stack may have used
    for (uintptr_t off = 0; off < kStackCacheSize; off += s->elemsize) {
      auto* x = reinterpret_cast<GcLink*>(s->base + off);
      x->next = s->manualFreeList;
      s->manualFreeList = x;
    }
    list.insert(s);
    note_inuse(static_cast<int64_t>(kStackCacheSize));
    n_pool_spans.fetch_add(1, std::memory_order_relaxed);
  }
  GcLink* x = s->manualFreeList;
  if (x == nullptr) throw_fatal("span has no free stacks");
  s->manualFreeList = x->next;
  s->allocCount++;
  if (s->manualFreeList == nullptr) list.remove(s);  // all stacks in s are allocated
  return x;
}

// Gives one stack back to the pool; a span whose stacks are all free goes back to the heap.
// Caller holds stackpool[order].mu.
void stackpoolfree(GcLink* x, uint8_t order) {
  Span* s = mheap_.span_of(reinterpret_cast<uintptr_t>(x));
  if (s == nullptr) throw_fatal("freeing stack not in a stack span");
  if (s->manualFreeList == nullptr) stackpool[order].span.insert(s);  // s now has a free stack
  x->next = s->manualFreeList;
  s->manualFreeList = x;
  s->allocCount--;
  if (s->allocCount == 0) {
    stackpool[order].span.remove(s);
    s->manualFreeList = nullptr;
    mheap_.free_manual(s);
    note_inuse(-static_cast<int64_t>(kStackCacheSize));
    n_pool_spans_freed.fetch_add(1, std::memory_order_relaxed);
  }
}

// Fills an empty cache with half its capacity, so that alternating alloc/free does not
// bounce between the cache and the pool.
void stackcacherefill(P* pp, uint8_t order) {
  GcLink* list = nullptr;
  uintptr_t size = 0;
  lock(stackpool[order].mu);
  while (size < kStackCacheSize / 2) {
    GcLink* x = stackpoolalloc(order);
    x->next = list;
    list = x;
    size += kFixedStack << order;
  }
  unlock(stackpool[order].mu);
  pp->stackcache[order].list = list;
  pp->stackcache[order].size = size;
  n_refills.fetch_add(1, std::memory_order_relaxed);
}

// Drains a full cache down to half its capacity.
void stackcacherelease(P* pp, uint8_t order) {
  GcLink* x = pp->stackcache[order].list;
  uintptr_t size = pp->stackcache[order].size;
  lock(stackpool[order].mu);
  while (size > kStackCacheSize / 2) {
    GcLink* y = x->next;
    stackpoolfree(x, order);
    x = y;
    size -= kFixedStack << order;
  }
  unlock(stackpool[order].mu);
  pp->stackcache[order].list = x;
  pp->stackcache[order].size = size;
  n_releases.fetch_add(1, std::memory_order_relaxed);
}

// Returns the largest kept large stacks to the heap until at most keep bytes remain.
void stacklarge_trim(uintptr_t keep) {
  for (;;) {
    Span* s = nullptr;
    lock(stackLarge.lock);
    if (stackLarge.bytes > keep) {
      for (int i = kLargeOrders - 1; i >= 0 && s == nullptr; i--) {
        if (!stackLarge.free[i].empty()) {
          s = stackLarge.free[i].first;
          stackLarge.free[i].remove(s);
          stackLarge.bytes -= s->npages << kPageShift;
        }
      }
    }
    unlock(stackLarge.lock);
    if (s == nullptr) return;
    note_inuse(-static_cast<int64_t>(s->npages << kPageShift));
    mheap_.free_manual(s);
    n_large_flushed.fetch_add(1, std::memory_order_relaxed);
  }
}

bool flag_value(std::string_view v) { return v == "1" || v == "true"; }

void apply_env_debug() {
  const char* env = std::getenv("GOSTACK_DEBUG");
  if (env == nullptr) return;
  std::string_view rest(env);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = item.substr(0, eq);
    bool on = flag_value(item.substr(eq + 1));
    if (name == "stackpoison") debug_flags.poison = on;
    else if (name == "stackfaultonfree") debug_flags.fault_on_free = on;
    else if (name == "stackfromsystem") debug_flags.from_system = on;
    else if (name == "stacknocache") debug_flags.no_cache = on;
    else if (name == "stackguard") debug_flags.guard_page = on;
    else if (name == "stacklog") debug_flags.log_moves = on;
  }
}

}  // namespace

StackDebug& stack_debug() { return debug_flags; }

void stackinit() {
  static_assert((kStackCacheSize & (kPageSize - 1)) == 0, "cache size must be a multiple of page size");
  apply_env_debug();
}

// Everything but a cache hit: refills, the pools, large stacks, debug switches, misuse.
[[gnu::noinline]] static Stack stackalloc_slow(uint32_t n) {
  // Stacks are allocated on the scheduler stack, so allocating can never itself need a
  // bigger stack (Go issue 1547).
  G* thisg = getg();
  if (thisg == nullptr || thisg->m == nullptr || thisg != thisg->m->g0) throw_fatal("stackalloc not on scheduler stack");
  if (n == 0 || (n & (n - 1)) != 0) throw_fatal("stack size not a power of 2");

  if (use_system()) return stackalloc_system(n);

  uintptr_t v;
  if (pooled_size(n)) {
    uint8_t order = order_of(n);
    GcLink* x;
    P* pp = thisg->m->p;
    if (debug_flags.no_cache || pp == nullptr || thisg->m->preemptoff != nullptr) {
      // Without a P (or with preemption off) take from the global pool directly.
      lock(stackpool[order].mu);
      x = stackpoolalloc(order);
      unlock(stackpool[order].mu);
    } else {
      StackFreeList& c = pp->stackcache[order];
      x = c.list;
      if (x == nullptr) {
        stackcacherefill(pp, order);
        x = c.list;
      }
      c.list = x->next;
      c.size -= kFixedStack << order;
    }
    v = reinterpret_cast<uintptr_t>(x);
  } else {
    uintptr_t npage = uintptr_t{n} >> kPageShift;
    int log2npage = stacklog2(npage);
    Span* s = nullptr;
    lock(stackLarge.lock);
    if (!stackLarge.free[log2npage].empty()) {
      s = stackLarge.free[log2npage].first;
      stackLarge.free[log2npage].remove(s);
      stackLarge.bytes -= s->npages << kPageShift;
    }
    unlock(stackLarge.lock);
    if (s != nullptr) {
      n_large_reused.fetch_add(1, std::memory_order_relaxed);
    } else {
      s = mheap_.alloc_manual(npage);
      if (s == nullptr) throw_fatal("out of memory");
      s->elemsize = n;
      note_inuse(static_cast<int64_t>(npage << kPageShift));
    }
    v = s->base;
  }
  return Stack{v, v + n};
}

[[gnu::noinline]] static void stackfree_slow(Stack stk) {
  G* gp = getg();
  if (gp == nullptr || gp->m == nullptr || gp != gp->m->g0) throw_fatal("stackfree not on scheduler stack");
  uintptr_t n = stk.hi - stk.lo;
  if (n == 0 || (n & (n - 1)) != 0) throw_fatal("stack not a power of 2");
  if (stk.lo + n < stk.hi) throw_fatal("bad stack size");

  if (system_outstanding.load(std::memory_order_relaxed) != 0 && mheap_.span_of(stk.lo) == nullptr) {
    stackfree_system(stk);
    return;
  }
  if (debug_flags.poison) std::memset(reinterpret_cast<void*>(stk.lo), kStackPoisonByte, n);

  if (pooled_size(n)) {
    uint8_t order = order_of(n);
    auto* x = reinterpret_cast<GcLink*>(stk.lo);
    P* pp = gp->m->p;
    if (debug_flags.no_cache || pp == nullptr || gp->m->preemptoff != nullptr) {
      lock(stackpool[order].mu);
      stackpoolfree(x, order);
      unlock(stackpool[order].mu);
    } else {
      StackFreeList& c = pp->stackcache[order];
      if (c.size >= kStackCacheSize) stackcacherelease(pp, order);
      x->next = c.list;
      c.list = x;
      c.size += n;
    }
    return;
  }
  Span* s = mheap_.span_of(stk.lo);
  if (s == nullptr || s->base != stk.lo) {
    printhex(stk.lo);
    printnl();
    throw_fatal("bad span state");
  }
  // Keep the span whole for the next stack of this size; trim the cache when it grows large.
  lock(stackLarge.lock);
  stackLarge.free[stacklog2(s->npages)].insert(s);
  stackLarge.bytes += s->npages << kPageShift;
  bool over = stackLarge.bytes > kStackLargeRetainBytes;
  unlock(stackLarge.lock);
  if (over) stacklarge_trim(kStackLargeRetainBytes);
}

// The fast paths: a pooled size served from, or returned to, the P's cache.
Stack stackalloc(uint32_t n) {
  G* thisg = getg();
  if (thisg != nullptr && thisg->m != nullptr && thisg == thisg->m->g0 && n != 0 && (n & (n - 1)) == 0 &&
      pooled_size(n) && cache_usable(thisg->m)) {
    uint8_t order = order_of(n);
    StackFreeList& c = thisg->m->p->stackcache[order];
    if (GcLink* x = c.list) {
      c.list = x->next;
      c.size -= kFixedStack << order;
      auto v = reinterpret_cast<uintptr_t>(x);
      san::unpoison(v, v + n);
      return Stack{v, v + n};
    }
  }
  Stack stk = stackalloc_slow(n);
  san::unpoison(stk.lo, stk.hi);
  return stk;
}

void stackfree(Stack stk) {
  G* gp = getg();
  uintptr_t n = stk.hi - stk.lo;
  // Under ASan, a free stack of the page heap is poisoned but for the free-list link in its
  // first word (the pools and caches write and read it). Not with the poison debug switch,
  // whose fill writes the whole stack, nor for from-system stacks, which are unmapped.
  if (san::kAsan && !debug_flags.poison && n > sizeof(GcLink) && mheap_.span_of(stk.lo) != nullptr)
    san::poison(stk.lo + sizeof(GcLink), stk.hi);
  if (gp != nullptr && gp->m != nullptr && gp == gp->m->g0 && n != 0 && (n & (n - 1)) == 0 && pooled_size(n) &&
      cache_usable(gp->m) && !debug_flags.poison && system_outstanding.load(std::memory_order_relaxed) == 0) {
    uint8_t order = order_of(n);
    StackFreeList& c = gp->m->p->stackcache[order];
    if (c.size < kStackCacheSize) {
      auto* x = reinterpret_cast<GcLink*>(stk.lo);
      x->next = c.list;
      c.list = x;
      c.size += n;
      return;
    }
  }
  stackfree_slow(stk);
}

void stackcache_clear(P* pp) {
  for (uint8_t order = 0; order < kNumStackOrders; order++) {
    lock(stackpool[order].mu);
    GcLink* x = pp->stackcache[order].list;
    while (x != nullptr) {
      GcLink* y = x->next;
      stackpoolfree(x, order);
      x = y;
    }
    pp->stackcache[order].list = nullptr;
    pp->stackcache[order].size = 0;
    unlock(stackpool[order].mu);
  }
}

void stack_gc_tick() {
  stacklarge_trim(0);
  mheap_.scavenge_tick();
}

void stack_release_os_memory() {
  stacklarge_trim(0);
  mheap_.scavenge(0);
}

StackStats stack_stats() {
  HeapStats h = mheap_.stats();
  auto ld = [](const std::atomic<uint64_t>& a) { return a.load(std::memory_order_relaxed); };
  return StackStats{ld(inuse),
                    ld(peak),
                    h.mapped_bytes - h.released_bytes + ld(system_bytes),
                    h.released_bytes,
                    h.scavenged_bytes,
                    ld(n_refills),
                    ld(n_releases),
                    ld(n_pool_spans),
                    ld(n_pool_spans_freed),
                    ld(n_large_reused),
                    ld(n_large_flushed)};
}

}  // namespace gostack::rt
