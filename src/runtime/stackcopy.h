// Stack growth and shrinking by copying (after Go's newstack, copystack, shrinkstack).
//
// Growth path: prologue check fails -> morestack (asm: save the caller in m.morebuf and
// g.sched, switch to g0) -> newstack (sched.cpp) -> growstack here -> gogo(&gp.sched) (asm).
// Pointers into the moved stack are adjusted precisely where a frame declares pointer maps
// (FUNCDATA $0/$1 with PCDATA $1), conservatively elsewhere (docs/runtime.md, "Moving
// stacks"). Everything here runs on g0 on a G that is not running.
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
// with kStackPoisonByte before the copy (and, by copy_stack_conservative, old after it: Go's
// stackPoisonCopy), so a pointer left behind reads garbage.
uintptr_t copy_stack_words(Stack old, Stack nw, uintptr_t sp);
uintptr_t copy_stack_conservative(Stack old, Stack nw, uintptr_t sp);

// The precise pass over a copy made by copy_stack_words (old still intact): walks the frames
// from (pc, sp) on the old stack with the function tables and, where a frame declares a
// pointer map for a region (its locals, or the arguments it receives), puts back the old value
// of every word of that region the map does not mark as a pointer. Frames and regions without
// usable maps keep the conservative result; the walk stops at the top frame or at code no
// table describes. A PCDATA index outside a map's bitmaps is fatal, with Go's message:
//   runtime: pcdata is N and M locals stack map entries for F (targetpc=0x...)
//   fatal error: bad symbol table
void adjust_frames_precise(Stack old, uintptr_t pc, uintptr_t sp, uintptr_t newsp);

// Go's copystack: moves gp to a new stack of newsize bytes. Copies the used part
// [sched.sp, hi), adjusts the words in it (precise where maps are declared, else
// conservative; saved BPs always), adjusts the G's own
// pointers into the stack (sched.sp, sched.bp, sched.ctxt, _panic), installs the
// new stack with stackguard0 = lo + StackGuard (dropping a pending preempt request, as Go
// does) and frees the old one.
// Preconditions: the caller set gp's status to Gcopystack; gp is not in a system call;
// newsize is a power of two that holds the used part.
void copystack(G* gp, uintptr_t newsize);

// The growth half of newstack, for a G stopped in morestack with gp->sched describing the
// function that needs the stack: picks the new size (double, more if max_spdelta needs it;
// the same size for a stackForceMove request), ends the program if that exceeds
// maxstacksize, then Grunning -> Gcopystack -> copystack -> Grunning.
void growstack(G* gp, uintptr_t max_spdelta);

// Go's shrinkstack: halves gp's stack when shrink_newsize says so. The caller must own the
// stack: gp is Grunnable, Gwaiting or Gpreempted, or it is the current M's curg in Grunning
// while we run on g0. Returns true when the stack was moved.
bool shrinkstack(G* gp);

// Stored in stackguard0 to force the next check to fail and the stack to move without growing
// (Go's stackForceMove, used for testing moves).
inline constexpr uintptr_t kStackForceMove = 0xfffffffffffffeed;

// Counters of stack moves (for -stats).
struct StackMoveStats {
  uint64_t grows;
  uint64_t shrinks;
  uint64_t copied_bytes;  // bytes of used stack copied by copystack
  uint64_t precise_frames;  // frames with at least one region described by a pointer map
  uint64_t words_kept;      // old-stack-looking words a map called scalars: left unchanged
};
StackMoveStats stack_move_stats();

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
