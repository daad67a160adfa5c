// Stack growth and shrinking by copying: size rules, overflow check, copystack, growstack, shrinkstack.
#include "runtime/stackcopy.h"

#include <atomic>
#include <cstring>

#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/stack.h"

namespace gostack::rt {

uintptr_t maxstacksize = 1000000000;
uintptr_t maxstackceiling = 2 * 1000000000ull;

namespace {

std::atomic<uint64_t> n_grows{0}, n_shrinks{0}, n_copied{0};

void log_move(const char* what, const G* gp, uintptr_t oldsize, uintptr_t newsize, uintptr_t used) {
  printstring("stack ");
  printstring(what);
  printstring(" goid=");
  printint(gp->goid);
  printstring(" old=");
  printuint(oldsize);
  printstring(" new=");
  printuint(newsize);
  printstring(" used=");
  printuint(used);
  printnl();
}

// Copies n words and applies the conservative rule in the same pass (the stacks never
// overlap). Branch-free, so it vectorises where the CPU has 64-bit compares: a word moves by
// delta when it lies in [old.lo, old.hi), tested with one unsigned compare.
[[gnu::always_inline]] inline void copy_adjust_loop(const uintptr_t* src, uintptr_t* dst, uintptr_t n, Stack old,
                                                    uintptr_t delta) {
  const uintptr_t lo = old.lo, size = old.hi - old.lo;
  for (uintptr_t i = 0; i < n; i++) {
    uintptr_t v = src[i];
    dst[i] = v + (v - lo < size ? delta : 0);
  }
}

[[gnu::target("avx2")]] void copy_adjust_avx2(const uintptr_t* src, uintptr_t* dst, uintptr_t n, Stack old,
                                              uintptr_t delta) {
  copy_adjust_loop(src, dst, n, old, delta);
}

void copy_adjust_generic(const uintptr_t* src, uintptr_t* dst, uintptr_t n, Stack old, uintptr_t delta) {
  copy_adjust_loop(src, dst, n, old, delta);
}

// Chosen on first use, not with an ifunc: ifunc resolvers run before the sanitizers'
// runtimes are up, and ThreadSanitizer crashes in them.
void copy_adjust(const uintptr_t* src, uintptr_t* dst, uintptr_t n, Stack old, uintptr_t delta) {
  static const bool avx2 = __builtin_cpu_supports("avx2");
  (avx2 ? copy_adjust_avx2 : copy_adjust_generic)(src, dst, n, old, delta);
}

}  // namespace

StackMoveStats stack_move_stats() {
  return StackMoveStats{n_grows.load(std::memory_order_relaxed), n_shrinks.load(std::memory_order_relaxed),
                        n_copied.load(std::memory_order_relaxed)};
}

size_t adjust_words_conservative(uintptr_t* from, uintptr_t* to, Stack old, uintptr_t delta) {
  size_t n = 0;
  for (uintptr_t* p = from; p < to; p++) {
    if (old.lo <= *p && *p < old.hi) {
      *p += delta;
      n++;
    }
  }
  return n;
}

uintptr_t copy_stack_conservative(Stack old, Stack nw, uintptr_t sp) {
  if (sp < old.lo || sp > old.hi || (sp & 7) != 0) throw_fatal("copystack: sp outside the old stack");
  uintptr_t used = old.hi - sp;
  if (used > nw.hi - nw.lo) throw_fatal("copystack: new stack too small");
  bool poison = stack_debug().poison;
  if (poison) std::memset(reinterpret_cast<void*>(nw.lo), kStackPoisonByte, nw.hi - nw.lo);
  uintptr_t newsp = nw.hi - used;
  copy_adjust(reinterpret_cast<const uintptr_t*>(sp), reinterpret_cast<uintptr_t*>(newsp),
              used / sizeof(uintptr_t), old, nw.hi - old.hi);
  if (poison) std::memset(reinterpret_cast<void*>(old.lo), kStackPoisonByte, old.hi - old.lo);
  return newsp;
}

void copystack(G* gp, uintptr_t newsize) {
  if (gp->syscallsp != 0) throw_fatal("stack growth not allowed in system call");
  Stack old = gp->stack;
  if (old.lo == 0) throw_fatal("nil stackbase");
  if (readgstatus(gp) != Gcopystack) throw_fatal("copystack: goroutine not in Gcopystack");
  uintptr_t used = old.hi - gp->sched.sp;
  if (newsize > UINT32_MAX) throw_fatal("copystack: stack too large");

  Stack nw = stackalloc(static_cast<uint32_t>(newsize));
  uintptr_t delta = nw.hi - old.hi;  // modular: correct whichever stack is higher
  uintptr_t newsp = copy_stack_conservative(old, nw, gp->sched.sp);

  // The G's own pointers into its stack (Go's adjustctxt and adjustpanics). Defers are not
  // implemented yet; the panic records themselves live on the stack and were adjusted above.
  adjustpointer(old, delta, reinterpret_cast<uintptr_t*>(&gp->sched.ctxt));
  adjustpointer(old, delta, &gp->sched.bp);
  adjustpointer(old, delta, reinterpret_cast<uintptr_t*>(&gp->panic_));

  gp->stack = nw;
  gp->stackguard0 = nw.lo + abi::kStackGuard;  // may drop a preempt request, as in Go
  gp->sched.sp = newsp;
  if (gp->stktopsp != 0) gp->stktopsp += delta;
  n_copied.fetch_add(used, std::memory_order_relaxed);

  stackfree(old);
}

void growstack(G* gp, uintptr_t max_spdelta) {
  if (gp->stack.lo == 0) throw_fatal("missing stack in newstack");
  uintptr_t oldsize = gp->stack.hi - gp->stack.lo;
  uintptr_t used = gp->stack.hi - gp->sched.sp;
  uintptr_t newsize = gp->stackguard0 == kStackForceMove ? oldsize : grow_newsize(oldsize, used, max_spdelta);
  // The call to morestack pushed a return address below sched.sp; report the SP it saw.
  check_stack_limit(newsize, gp->sched.sp - sizeof(uintptr_t), gp->stack);
  if (stack_debug().log_moves) log_move("grow", gp, oldsize, newsize, used);
  casgstatus(gp, Grunning, Gcopystack);
  copystack(gp, newsize);
  casgstatus(gp, Gcopystack, Grunning);
  n_grows.fetch_add(1, std::memory_order_relaxed);
}

bool shrinkstack(G* gp) {
  uintptr_t newsize = shrink_newsize(gp->stack, gp->sched.sp);
  if (newsize == 0) return false;
  // The caller must own the stack: gp is stopped, or it is this M's user G and we are on g0
  // (newstack's preemptShrink path).
  uint32_t status = readgstatus(gp);
  bool own_curg = status == Grunning && gp == getg()->m->curg;
  if (!(own_curg || status == Grunnable || status == Gwaiting || status == Gpreempted))
    throw_fatal("bad status in shrinkstack");
  if (stack_debug().log_moves)
    log_move("shrink", gp, gp->stack.hi - gp->stack.lo, newsize, gp->stack.hi - gp->sched.sp);
  // copystack wants Gcopystack; restore the caller's status afterwards.
  casgstatus(gp, status, Gcopystack);
  copystack(gp, newsize);
  casgstatus(gp, Gcopystack, status);
  n_shrinks.fetch_add(1, std::memory_order_relaxed);
  return true;
}

uintptr_t grow_newsize(uintptr_t oldsize, uintptr_t used, uintptr_t max_spdelta) {
  uintptr_t newsize = oldsize * 2;
  uintptr_t needed = max_spdelta + abi::kStackGuard;
  while (newsize - used < needed) newsize *= 2;
  return newsize;
}

void check_stack_limit(uintptr_t newsize, uintptr_t sp, Stack stk) {
  if (newsize <= maxstacksize && newsize <= maxstackceiling) return;
  printstring("runtime: goroutine stack exceeds ");
  printuint(maxstacksize < maxstackceiling ? maxstacksize : maxstackceiling);
  printstring("-byte limit\n");
  printstring("runtime: sp=");
  printhex(sp);
  printstring(" stack=[");
  printhex(stk.lo);
  printstring(", ");
  printhex(stk.hi);
  printstring("]\n");
  throw_fatal("stack overflow");
}

uintptr_t shrink_newsize(Stack stk, uintptr_t sched_sp) {
  if (stk.lo == 0) throw_fatal("missing stack in shrinkstack");
  uintptr_t oldsize = stk.hi - stk.lo;
  uintptr_t newsize = oldsize / 2;
  if (newsize < kFixedStack) return 0;  // never below the smallest stack
  uintptr_t used = stk.hi - sched_sp + abi::kStackLimit;
  if (used >= oldsize / 4) return 0;
  return newsize;
}

}  // namespace gostack::rt
