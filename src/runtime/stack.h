// Goroutine stack allocation (after Go's runtime/stack.go): pools, per-P caches, large stacks.
//
//   size              where it comes from
//   2, 4, 8, 16 KiB   the P's stackcache[order]; refilled from / drained to stackpool[order]
//                     half a cache (16 KiB) at a time; pool spans are 32 KiB carved into stacks
//   >= 32 KiB         stackLarge.free[log2(pages)], else a dedicated span from the page heap
//
// All entry points run in C++ on the scheduler (g0) stack, never on a goroutine stack.
#pragma once

#include <cstdint>

#include "runtime/runtime2.h"

namespace gostack::rt {

// Debug switches (Go's stackPoisonCopy, stackFaultOnFree, stackFromSystem, stackNoCache), plus
// optional guard pages. Defaults come from the compile-time macros below; stackinit then
// applies GOSTACK_DEBUG from the environment, a comma-separated list of name=0|1 with the names
// stackpoison, stackfaultonfree, stackfromsystem, stacknocache, stackguard, stacklog.
// Tests may change them through stack_debug() while no stacks are allocated.
#ifndef GOSTACK_STACK_POISON
#define GOSTACK_STACK_POISON 0
#endif
#ifndef GOSTACK_STACK_FAULT_ON_FREE
#define GOSTACK_STACK_FAULT_ON_FREE 0
#endif
#ifndef GOSTACK_STACK_FROM_SYSTEM
#define GOSTACK_STACK_FROM_SYSTEM 0
#endif
#ifndef GOSTACK_STACK_NO_CACHE
#define GOSTACK_STACK_NO_CACHE 0
#endif
#ifndef GOSTACK_STACK_GUARD_PAGE
#define GOSTACK_STACK_GUARD_PAGE 0
#endif

struct StackDebug {
  // Fill freed stacks (and, in copystack, the old stack after the copy) with kStackPoisonByte,
  // so a missed pointer adjustment reads garbage instead of stale but plausible data.
  bool poison = GOSTACK_STACK_POISON;
  // Freed stacks are made inaccessible (PROT_NONE) and never reused: a use after free faults.
  // Implies from_system.
  bool fault_on_free = GOSTACK_STACK_FAULT_ON_FREE;
  // Every stack is its own mmap (rounded up to whole OS pages), bypassing pools and the heap.
  bool from_system = GOSTACK_STACK_FROM_SYSTEM;
  // Bypass the per-P caches and use the global pools directly.
  bool no_cache = GOSTACK_STACK_NO_CACHE;
  // A PROT_NONE page below every stack. Implies from_system. Off by default: each guard page
  // splits the mapping and costs a VMA (vm.max_map_count limits a process to ~32k of them).
  bool guard_page = GOSTACK_STACK_GUARD_PAGE;
  // One line on stderr per stack grow and shrink (for `gostack run -debug=stack`).
  bool log_moves = false;
};

inline constexpr uint8_t kStackPoisonByte = 0xfd;

StackDebug& stack_debug();

// Statistics, readable at any time.
struct StackStats {
  uint64_t inuse_bytes;       // bytes in spans holding stacks (pooled, cached or in use), as
                              // Go's StackInuse, plus from-system stacks
  uint64_t peak_bytes;        // highest inuse_bytes seen
  uint64_t sys_bytes;         // memory held from the OS for stacks: heap mapped minus released,
                              // plus from-system stacks
  uint64_t released_bytes;    // heap memory mapped but not backed (returned or never touched)
  uint64_t scavenged_bytes;   // total returned to the OS with madvise
  uint64_t cache_refills;     // stackcacherefill calls
  uint64_t cache_releases;    // stackcacherelease calls
  uint64_t pool_spans_allocated;  // 32 KiB pool spans taken from the heap
  uint64_t pool_spans_freed;      // pool spans given back once all their stacks were free
  uint64_t large_reused;      // large stacks served from stackLarge
  uint64_t large_flushed;     // stackLarge spans returned to the heap
};

StackStats stack_stats();

// Sets up the pools and reads GOSTACK_DEBUG. Called once from schedinit.
void stackinit();

// Allocates an n-byte stack; n must be a power of two. Must run on g0 (throws otherwise).
// Uses the current M's P cache when it has one.
Stack stackalloc(uint32_t n);

// Frees a stack from stackalloc. Must run on g0. The size is hi - lo.
void stackfree(Stack stk);

// Returns every stack in a P's caches to the global pools (Go's stackcache_clear).
void stackcache_clear(P* pp);

// Returns the large stacks kept for reuse to the page heap (Go's freeStackSpans), then gives
// all free heap memory back to the OS. Like debug.FreeOSMemory for stacks.
void stack_release_os_memory();

// What each runtime·GC does for stack memory: the large stacks kept for reuse go back to the
// page heap (Go's freeStackSpans at the end of a GC cycle), and the heap's scavenger takes
// one tick (PageHeap::scavenge_tick), so memory a program stopped using goes back to the OS
// over a few GCs. Must run on g0.
void stack_gc_tick();

// Large stacks kept in stackLarge for reuse; beyond this, the largest go back to the heap.
inline constexpr uintptr_t kStackLargeRetainBytes = 16 << 20;

}  // namespace gostack::rt
