// Building blocks of stack growth and shrinking (after Go's newstack, copystack, shrinkstack).
//
// NOT YET WIRED: newstack and copystack themselves arrive with the assembled context switch
// (morestack -> newstack on g0 -> copystack -> gogo). What is here needs no assembly: the size
// rules, the overflow check, and moving a stack's used part with pointer adjustment.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/runtime2.h"

namespace gostack::rt {

// Largest stack a goroutine may have (Go: 1e9 bytes on 64-bit systems), settable like
// debug.SetMaxStack. maxstackceiling is twice the initial limit, as in Go.
extern uintptr_t maxstacksize;
extern uintptr_t maxstackceiling;

// Go's adjustpointer: if *pp points into old, move it by delta (new.hi - old.hi).
inline void adjustpointer(Stack old, uintptr_t delta, uintptr_t* pp) {
  uintptr_t p = *pp;
  if (old.lo <= p && p < old.hi) *pp = p + delta;
}

// The conservative rule, for frames without pointer maps: every aligned word in [from, to)
// whose value lies inside the old stack [old.lo, old.hi) is taken to be a pointer into it and
// moved by delta. An integer that happens to look like an old-stack address is moved too;
// that is the price of having no pointer maps. Returns the number of words changed.
size_t adjust_words_conservative(uintptr_t* from, uintptr_t* to, Stack old, uintptr_t delta);

// Copies the used part of old ([sp, old.hi)) to the top of nw and conservatively adjusts
// every word of the copy, then returns the new sp. With the poison debug switch, nw is filled
// with kStackPoisonByte before the copy and old after it (Go's stackPoisonCopy), so a pointer
// left behind reads garbage. The g-level parts of copystack (sched.sp/bp/ctxt, defers,
// panics, stackguard0, freeing old) are not here yet.
uintptr_t copy_stack_conservative(Stack old, Stack nw, uintptr_t sp);

// newstack's size rule: double, and keep doubling until the frame about to run fits above
// the guard: while newsize - used < max_spdelta + StackGuard. used = hi - sched.sp.
uintptr_t grow_newsize(uintptr_t oldsize, uintptr_t used, uintptr_t max_spdelta);

// newstack's limit check. If newsize exceeds the limit, prints
//   runtime: goroutine stack exceeds <N>-byte limit
//   runtime: sp=<hex> stack=[<lo>, <hi>]
//   fatal error: stack overflow
// and exits with status 2.
void check_stack_limit(uintptr_t newsize, uintptr_t sp, Stack stk);

// shrinkstack's decision: the new size (half) when the goroutine uses less than a quarter of
// its stack, counting hi - sched.sp plus StackLimit for NOSPLIT callees; 0 for "keep", which
// includes any stack already at the 2 KiB minimum.
uintptr_t shrink_newsize(Stack stk, uintptr_t sched_sp);

}  // namespace gostack::rt
