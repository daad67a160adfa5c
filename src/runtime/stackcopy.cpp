// Building blocks of stack growth and shrinking: size rules, overflow check, conservative move.
#include "runtime/stackcopy.h"

#include <cstring>

#include "runtime/print.h"
#include "runtime/stack.h"

namespace gostack::rt {

uintptr_t maxstacksize = 1000000000;
uintptr_t maxstackceiling = 2 * 1000000000ull;

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
  std::memmove(reinterpret_cast<void*>(newsp), reinterpret_cast<void*>(sp), used);
  adjust_words_conservative(reinterpret_cast<uintptr_t*>(newsp), reinterpret_cast<uintptr_t*>(nw.hi), old,
                            nw.hi - old.hi);
  if (poison) std::memset(reinterpret_cast<void*>(old.lo), kStackPoisonByte, old.hi - old.lo);
  return newsp;
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
