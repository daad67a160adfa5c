// Stack growth and shrinking by copying: size rules, overflow check, copystack, growstack, shrinkstack.
#include "runtime/stackcopy.h"

#include <atomic>
#include <cstring>

#include <sys/platform/x86.h>

#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/stack.h"
#include "runtime/stkframe.h"

namespace gostack::rt {

uintptr_t maxstacksize = 1000000000;
uintptr_t maxstackceiling = 2 * 1000000000ull;

namespace {

std::atomic<uint64_t> n_grows{0}, n_shrinks{0}, n_copied{0}, n_precise_frames{0}, n_words_kept{0};

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
// runtimes are up, and ThreadSanitizer crashes in them. The answer comes from the CPU
// features glibc has already read, not __builtin_cpu_supports: that links libgcc's
// constructor, which runs about 25 CPUID instructions at the start of every process
// (each one a VM exit under virtualization), the assembler's runs included.
void copy_adjust(const uintptr_t* src, uintptr_t* dst, uintptr_t n, Stack old, uintptr_t delta) {
  static const bool avx2 = CPU_FEATURE_ACTIVE(AVX2);
  (avx2 ? copy_adjust_avx2 : copy_adjust_generic)(src, dst, n, old, delta);
}


// With the poison debug switch, fills the old stack after a copy (Go's stackPoisonCopy), so
// a pointer left behind reads garbage.
void poison_old(Stack old) {
  if (stack_debug().poison) std::memset(reinterpret_cast<void*>(old.lo), kStackPoisonByte, old.hi - old.lo);
}

// A pointer map usable at run time: a bitmap the tables carry (Bitmap, or NoPointers with
// its zero-bit bitmaps). Undeclared maps, Go declarations and other units' symbols are not.
const functab::PtrMap* precise_map(const functab::PtrMap& m) {
  return m.kind == functab::PtrMapKind::Bitmap || m.kind == functab::PtrMapKind::NoPointers ? &m : nullptr;
}

// Go's check in getStackMap: the index PCDATA selects must name one of the map's bitmaps.
void check_map_index(const StkFrame& f, const functab::PtrMap& m, int32_t idx, const char* which) {
  if (idx >= 0 && idx < m.count) return;
  printstring("runtime: pcdata is ");
  printint(idx);
  printstring(" and ");
  printint(m.count);
  printstring(which);
  printstring(" stack map entries for ");
  printstring(f.fn->name);
  printstring(" (targetpc=");
  printhex(f.fn->entry + f.off);
  printstring(")\n");
  throw_fatal("bad symbol table");
}

// The precise half of copystack. The copy has already moved every word that looked like an
// old-stack pointer (the conservative rule); this pass walks the frames on the old stack and
// puts back, unchanged, each word that a declared pointer map calls a scalar. A frame's words
// split into regions, each described by one map:
//   [sp, sp + callee's args)  the callee's arguments: the callee's args map
//   the rest of [sp, varp)    the locals: this frame's locals map
//   saved BP, return address  never described: always adjusted
// A region whose map is not precise_map stays conservative.
class PreciseAdjust {
 public:
  PreciseAdjust(Stack old, uintptr_t oldsp, uintptr_t newsp) : old_(old), shift_(newsp - oldsp) {}

  bool visit(const StkFrame& f) {
    const functab::PtrMap* locals = precise_map(f.fn->locals_map);
    const functab::PtrMap* args = precise_map(f.fn->args_map);
    int32_t idx = f.stackmap_index();
    // The argument bytes: an unknown size (no $frame-args) with a bitmap is the bitmap's.
    uintptr_t args_bytes = 0;
    if (f.fn->args >= 0) {
      args_bytes = static_cast<uintptr_t>(f.fn->args);
    } else if (args != nullptr) {
      args_bytes = sizeof(uintptr_t) * static_cast<uintptr_t>(args->nbit);
    }
    if (locals != nullptr && f.varp > f.sp && locals->nbit > 0) check_map_index(f, *locals, idx, " locals");
    if (args != nullptr && args_bytes > 0) check_map_index(f, *args, idx, " args");

    // The callee's arguments: at the bottom of this frame, or above the top frame (goexit has
    // no frame of its own; the entry function's arguments sit above it).
    uintptr_t limit = f.top() ? old_.hi : f.varp;
    uintptr_t split = f.sp + callee_args_ < limit ? f.sp + callee_args_ : limit;
    if (callee_map_ != nullptr) keep_scalars(*callee_map_, callee_idx_, f.sp, f.sp, split);
    if (locals != nullptr && f.varp > split)
      keep_scalars(*locals, idx, f.varp - sizeof(uintptr_t) * static_cast<uintptr_t>(locals->nbit), split, f.varp);
    if (locals != nullptr || args != nullptr) frames_++;

    // This frame's arguments, for its caller's visit. An unknown argument size with no
    // bitmap leaves the words to the caller's locals map.
    callee_map_ = args;
    callee_idx_ = idx;
    callee_args_ = args_bytes;
    return true;
  }

  uint64_t frames() const { return frames_; }
  uint64_t kept() const { return kept_; }

 private:
  // Puts back the old value of every word in [lo, hi) that bitmap idx of m, whose bit 0
  // describes the word at base, does not mark as a pointer (words outside the bitmap are
  // scalars, as in Go). Only old-stack values were changed by the copy.
  void keep_scalars(const functab::PtrMap& m, int32_t idx, uintptr_t base, uintptr_t lo, uintptr_t hi) {
    if (lo >= hi) return;
    const uintptr_t nbit = static_cast<uintptr_t>(m.nbit);
    const uintptr_t bits_end = base + sizeof(uintptr_t) * nbit;
    // Words outside the bitmap are all scalars: put them back as a block.
    keep_block(lo, hi < base ? hi : base);
    keep_block(lo > bits_end ? lo : bits_end, hi);
    const uint8_t* bits = m.bits.data() + static_cast<size_t>(idx) * ((nbit + 7) / 8);
    for (uintptr_t a = lo > base ? lo : base; a < hi && a < bits_end; a += sizeof(uintptr_t)) {
      uintptr_t i = (a - base) / sizeof(uintptr_t);
      if (((bits[i / 8] >> (i % 8)) & 1) != 0) continue;
      uintptr_t v = *reinterpret_cast<const uintptr_t*>(a);
      if (v - old_.lo >= old_.hi - old_.lo) continue;
      *reinterpret_cast<uintptr_t*>(a + shift_) = v;
      kept_++;
    }
  }

  // Puts back the old words of [lo, hi) (a no-op for all but old-stack-looking values, which
  // are counted), with a copy that needs no per-word branch.
  void keep_block(uintptr_t lo, uintptr_t hi) {
    if (lo >= hi) return;
    const auto* src = reinterpret_cast<const uintptr_t*>(lo);
    const uintptr_t n = (hi - lo) / sizeof(uintptr_t), olo = old_.lo, size = old_.hi - old_.lo;
    uint64_t moved = 0;
    for (uintptr_t i = 0; i < n; i++) moved += src[i] - olo < size ? 1 : 0;
    if (moved == 0) return;
    std::memcpy(reinterpret_cast<void*>(lo + shift_), src, hi - lo);
    kept_ += moved;
  }

  Stack old_;
  uintptr_t shift_;  // new address - old address of a copied word
  const functab::PtrMap* callee_map_ = nullptr;
  int32_t callee_idx_ = 0;
  uintptr_t callee_args_ = 0;
  uint64_t frames_ = 0, kept_ = 0;
};

}  // namespace

StackMoveStats stack_move_stats() {
  return StackMoveStats{n_grows.load(std::memory_order_relaxed), n_shrinks.load(std::memory_order_relaxed),
                        n_copied.load(std::memory_order_relaxed), n_precise_frames.load(std::memory_order_relaxed),
                        n_words_kept.load(std::memory_order_relaxed)};
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
  uintptr_t newsp = copy_stack_words(old, nw, sp);
  poison_old(old);
  return newsp;
}

uintptr_t copy_stack_words(Stack old, Stack nw, uintptr_t sp) {
  if (sp < old.lo || sp > old.hi || (sp & 7) != 0) throw_fatal("copystack: sp outside the old stack");
  uintptr_t used = old.hi - sp;
  if (used > nw.hi - nw.lo) throw_fatal("copystack: new stack too small");
  if (stack_debug().poison) std::memset(reinterpret_cast<void*>(nw.lo), kStackPoisonByte, nw.hi - nw.lo);
  uintptr_t newsp = nw.hi - used;
  copy_adjust(reinterpret_cast<const uintptr_t*>(sp), reinterpret_cast<uintptr_t*>(newsp),
              used / sizeof(uintptr_t), old, nw.hi - old.hi);
  return newsp;
}

void adjust_frames_precise(Stack old, uintptr_t pc, uintptr_t sp, uintptr_t newsp) {
  if (!functab::any_pointer_maps()) return;  // every frame is conservative: nothing to put back
  PreciseAdjust adj(old, sp, newsp);
  walk_frames(old, pc, sp, [&](const StkFrame& f) { return adj.visit(f); });
  n_precise_frames.fetch_add(adj.frames(), std::memory_order_relaxed);
  n_words_kept.fetch_add(adj.kept(), std::memory_order_relaxed);
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
  uintptr_t newsp = copy_stack_words(old, nw, gp->sched.sp);
  adjust_frames_precise(old, gp->sched.pc, gp->sched.sp, newsp);
  poison_old(old);

  // The G's own pointers into its stack (Go's adjustctxt and adjustpanics). Defers are not
  // implemented yet; the panic records themselves live on the stack and were adjusted above.
  adjustpointer(old, delta, reinterpret_cast<uintptr_t*>(&gp->sched.ctxt));
  adjustpointer(old, delta, &gp->sched.bp);
  adjustpointer(old, delta, reinterpret_cast<uintptr_t*>(&gp->panic_));

  gp->stack = nw;
  set_stackguard0(gp, nw.lo + abi::kStackGuard);  // may drop a preempt request, as in Go
  gp->sched.sp = newsp;
  n_copied.fetch_add(used, std::memory_order_relaxed);

  stackfree(old);
}

void growstack(G* gp, uintptr_t max_spdelta) {
  if (gp->stack.lo == 0) throw_fatal("missing stack in newstack");
  uintptr_t oldsize = gp->stack.hi - gp->stack.lo;
  uintptr_t used = gp->stack.hi - gp->sched.sp;
  uintptr_t newsize = __atomic_load_n(&gp->stackguard0, __ATOMIC_RELAXED) == kStackForceMove ? oldsize : grow_newsize(oldsize, used, max_spdelta);
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
