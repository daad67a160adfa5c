// Goroutine creation and exit, parking, Gosched, the stack-scanning GC and newstack: the C++
// halves of the context switches in asm_amd64.s. All of it runs on g0.
#include "runtime/sched.h"

#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "functab/registry.h"
#include "runtime/chan.h"
#include "runtime/mproc.h"
#include "runtime/preempt.h"
#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/runq.h"
#include "runtime/stack.h"
#include "runtime/stackcopy.h"
#include "runtime/time.h"
#include "runtime/tsan_fiber.h"

// The assembly side (asm_amd64.s).
extern "C" {
[[noreturn]] void rt_gogo(gostack::rt::Gobuf* buf) __asm__("runtime.gogo");
void gostack_rt_enter(void (*fn)());
[[noreturn]] void gostack_rt_leave();
void rt_goexit() __asm__("runtime.goexit");
}

namespace gostack::rt {
namespace {

void (*exit_hook)(int32_t) = nullptr;
std::atomic<uint64_t> n_gc{0};

M* curm() { return getg()->m; }

void schedule_entry() {
  tsan_g0_enter();
  schedule_m0();
}

uintptr_t round_up(uintptr_t n, uintptr_t a) { return (n + a - 1) & ~(a - 1); }

// The largest SP delta of the function containing pc (Go's funcMaxSPDelta), 0 if unknown.
uintptr_t max_spdelta(uintptr_t pc) {
  functab::Found f = functab::lookup(pc);
  if (!f) return 0;
  int32_t max = 0;
  for (const auto& run : f.fn->pcsp) max = run.sp > max ? run.sp : max;
  return static_cast<uintptr_t>(max);
}

// Go's adjustsudogs: the elem of each sudog gp waits on (one, or one per case of a select)
// points into gp's stack.
void adjustsudogs(G* gp, Stack old) {
  uintptr_t delta = gp->stack.hi - old.hi;
  for (Sudog* sg = gp->waiting; sg != nullptr; sg = sg->waitlink)
    adjustpointer(old, delta, reinterpret_cast<uintptr_t*>(&sg->elem));
}

// Shrinks a G parked on channels. Holding their locks keeps it parked (only a holder of one
// can dequeue a sudog of it and ready it) and its sudogs' elems in place.
void shrink_parked(G* gp) {
  if (!lock_parked_chans(gp)) return;
  Stack old = gp->stack;
  if (shrinkstack(gp)) adjustsudogs(gp, old);
  unlock_parked_chans(gp);
}

// Asks a runnable G to shrink its stack at its next prologue check (execute keeps the
// request in stackguard0 for it); newstack then shrinks it and lets it go on.
void request_shrink(G* gp) {
  __atomic_store_n(&gp->preemptShrink, true, __ATOMIC_RELAXED);
  __atomic_store_n(&gp->stackguard0, abi::kStackPreempt, __ATOMIC_RELEASE);
}

// runtime·GC's scan of one G other than the caller's (Go's scanstack with isShrinkStackSafe):
// shrinks its stack if it uses under a quarter of it and the stack can be owned now.
//  - running user code on another M: stopped at its next prologue (suspendG), shrunk, resumed;
//  - parked on a channel: shrunk under the channel's lock, which keeps it parked;
//  - runnable: with one P nobody else can start it, so it is shrunk now; with more, another M
//    could start it mid-copy, so it shrinks itself at its next prologue check (request_shrink);
//  - in a C++ call (its stack may be in use), dead or new: left alone.
void gc_scan_one(G* gp, void*) {
  uint32_t st = readgstatus(gp);
  if (st == Grunning || st == Gcopystack) {
    if (suspendG(gp) == Suspended::Stopped) {
      shrinkstack(gp);
      resumeG(gp);
      return;
    }
    st = readgstatus(gp);
  }
  if (st == Gwaiting) {
    shrink_parked(gp);
  } else if (st == Grunnable) {
    if (gomaxprocs() == 1)
      shrinkstack(gp);
    else
      request_shrink(gp);
  }
}

void throw_traceback() { traceback_throw(); }

void print_parked(G* gp, void*) {
  if (readgstatus(gp) == Gwaiting) traceback_parked(gp);
}

}  // namespace

const char* waitreason_string(WaitReason r) {
  switch (r) {
    case WaitReason::None: return "";
    case WaitReason::ChanReceive: return "chan receive";
    case WaitReason::ChanSend: return "chan send";
    case WaitReason::ChanReceiveNilChan: return "chan receive (nil chan)";
    case WaitReason::ChanSendNilChan: return "chan send (nil chan)";
    case WaitReason::Select: return "select";
    case WaitReason::SelectNoCases: return "select (no cases)";
    case WaitReason::Preempted: return "preempted";
    case WaitReason::GarbageCollection: return "garbage collection";
    case WaitReason::Sleep: return "sleep";
  }
  return "?";
}

GOSTACK_HOT void gopark(G* gp, bool (*unlockf)(G*, void*), void* lock, WaitReason reason) {
  M* mp = curm();
  if (mp->curg != gp) throw_fatal("gopark: not the current G");
  gp->waitreason = reason;
  casgstatus(gp, Grunning, Gwaiting);
  dropg(mp, gp);
  if (unlockf != nullptr && !unlockf(gp, lock)) {
    casgstatus(gp, Gwaiting, Grunnable);
    execute(gp, true);
  }
  schedule();
}

void goready(G* gp, bool next) {
  gp->waitreason = WaitReason::None;
  casgstatus(gp, Gwaiting, Grunnable);
  readyg(gp, next);
}

void exit_process(int32_t code) {
  if (exit_hook != nullptr) exit_hook(code);
  ::_exit(code);
}

void resume(G* gp) { rt_gogo(&gp->sched); }

void fatal_deadlock() {
  printstring("fatal error: all goroutines are asleep - deadlock!\n");
  forEachG(print_parked, nullptr);
}

G* newproc1(const FuncVal* fn, const void* argp, int32_t siz, G* callergp, uintptr_t callerpc) {
  if (fn == nullptr) throw_fatal("go of nil func value");
  if (siz < 0) throw_fatal("newproc: negative argument size");
  G* g = getg();
  P* pp = g != nullptr && g->m != nullptr ? g->m->p : nullptr;
  G* newg = newg_alloc(pp);
  // Room for the arguments, plus spare words as Go leaves, 16-byte aligned.
  uintptr_t total = round_up(4 * sizeof(uintptr_t) + round_up(static_cast<uintptr_t>(siz), 8), 16);
  if (total + static_cast<uintptr_t>(abi::kStackGuard) >= startingStackSize)
    throw_fatal("newproc: function arguments too large for new goroutine");
  uintptr_t sp = newg->stack.hi - total;
  std::memset(reinterpret_cast<void*>(sp), 0, total);
  if (siz > 0) std::memcpy(reinterpret_cast<void*>(sp), argp, static_cast<size_t>(siz));
  newg->argoff = static_cast<uint32_t>(total);
  newg->sched = Gobuf{};
  // gostartcall: the entry function "returns" to goexit+1 (past its NOP).
  sp -= sizeof(uintptr_t);
  *reinterpret_cast<uintptr_t*>(sp) = reinterpret_cast<uintptr_t>(&rt_goexit) + 1;
  newg->sched.sp = sp;
  newg->sched.pc = fn->fn;
  newg->sched.g = newg;
  newg->sched.ctxt = const_cast<FuncVal*>(fn);
  newg->gopc = callerpc;
  newg->waiter = nullptr;
  set_stackguard0(newg, newg->stack.lo + abi::kStackGuard);
  (void)callergp;
  casgstatus(newg, Gdead, Grunnable);
  return newg;
}

G* spawn_goroutine(const FuncVal* fn, const void* argp, int32_t siz, ExitWaiter* waiter) {
  G* gp = newproc1(fn, argp, siz, nullptr, 0);
  gp->waiter = waiter;
  readyg(gp, true);
  return gp;
}

void run_scheduler(const ExitWaiter* until) {
  G* g = getg();
  if (g == nullptr || g->m != m0() || g != g->m->g0) throw_fatal("run_scheduler not on m0's g0");
  set_throw_hook(throw_traceback);
  mstart_runtime();
  {
    LockGuard guard(sched.lock);
    sched.m0wait = until;
  }
  // The outer g0 context is restored on return, so run_scheduler may nest in a test.
  Gobuf saved = g->sched;
  gostack_rt_enter(schedule_entry);
  tsan_g0_leave();
  g->sched = saved;
}

void set_exit_hook(void (*hook)(int32_t)) { exit_hook = hook; }

SchedStats sched_stats() {
  uint64_t goscheds = 0;
  for (P* pp : allp) goscheds += pp->goscheds.load(std::memory_order_relaxed);
  return {goscheds, n_gc.load(std::memory_order_relaxed), suspend_count()};
}

const void* runtime_symbol(const char* name) {
  // The runtime's assembly is linked into this program: its function table has every
  // runtime·function with its address (see functab/registry.h).
  if (std::strncmp(name, "runtime.", 8) != 0 && std::strncmp(name, "time.", 5) != 0) return nullptr;
  return reinterpret_cast<const void*>(functab::linked_function(name));
}

}  // namespace gostack::rt

// ---- entry points called by asm_amd64.s (System V, on g0) ----

using namespace gostack::rt;

extern "C" {

[[noreturn]] void gostack_rt_badmcall() { throw_fatal("runtime: mcall called on m->g0 stack"); }
[[noreturn]] void gostack_rt_badmcall2() { throw_fatal("runtime: mcall function returned"); }
[[noreturn]] void gostack_rt_badmorestackg0() { throw_fatal("morestack on g0"); }

// Go's newstack: the G in m.curg failed its prologue check; g.sched describes it.
[[noreturn]] void gostack_newstack() {
  tsan_g0_enter();
  G* thisg = getg();
  M* mp = thisg->m;
  G* gp = mp->curg;
  if (thisg != mp->g0 || gp == nullptr) throw_fatal("newstack not on g0 with a user g");
  uintptr_t sp = gp->sched.sp;
  if (sp < gp->stack.lo) {
    printstring("runtime: newstack sp=");
    printhex(sp);
    printstring(" stack=[");
    printhex(gp->stack.lo);
    printstring(", ");
    printhex(gp->stack.hi);
    printstring("]\n");
    throw_fatal("runtime: split stack overflow");
  }
  if (__atomic_load_n(&gp->stackguard0, __ATOMIC_ACQUIRE) == gostack::abi::kStackPreempt) {
    // A preemption request (sysmon's, or a test's). Go's canPreemptM: not while the M holds
    // runtime locks or has preemption off, and only with a running P; then the request is
    // dropped and gp continues.
    P* pp = mp->p;
    bool can = mp->locks == 0 && mp->preemptoff == nullptr && pp != nullptr &&
               pp->status.load(std::memory_order_relaxed) == Prunning;
    __atomic_store_n(&gp->stackguard0, gp->stack.lo + gostack::abi::kStackGuard, __ATOMIC_RELAXED);
    if (!can) resume(gp);
    if (__atomic_exchange_n(&gp->preemptShrink, false, __ATOMIC_RELAXED)) {
      // A shrink requested for the next synchronous safe point (runtime·GC) goes first.
      shrinkstack(gp);
    }
    // A stop for a stack scan (suspendG, preempt.h): gp parks until its scanner resumes it.
    if (__atomic_load_n(&gp->preemptStop, __ATOMIC_RELAXED)) preemptPark(gp);
    // Otherwise Go's gopreempt_m, if the request is still there (a shrink request alone
    // lets gp go on).
    bool requested = __atomic_exchange_n(&gp->preempt, false, __ATOMIC_RELAXED);
    if (!requested) resume(gp);
    counter_add(pp->preempts, 1);
    goyield_global(gp);
  }
  growstack(gp, max_spdelta(gp->sched.pc));
  rt_gogo(&gp->sched);
}

// goexit1's mcall target (Go's goexit0): retire gp, tell its waiter, run the next G.
[[noreturn]] void gostack_goexit0(G* gp) {
  tsan_g0_enter();
  ExitWaiter* w = gp->waiter;
  gp->waiter = nullptr;
  if (w != nullptr) {
    size_t n = w->len < gp->argoff ? w->len : gp->argoff;
    if (n > 0) std::memcpy(w->frame, reinterpret_cast<const void*>(gp->stack.hi - gp->argoff), n);
  }
  // The G and its stack are released before the waiter may go on (and perhaps end the process).
  gdestroy(gp);
  if (w != nullptr) {
    if (w->thread) {
      notewakeup(w->note);
    } else {
      w->done.store(true, std::memory_order_release);
      if (curm() != m0()) wake_m0_for(w);
    }
  }
  schedule();
}

// runtime·Goexit's mcall target: gp ends here (there are no defers to run). Only the
// program's main goroutine differs from returning: its waiter is not told, so the program
// does not end with it.
[[noreturn]] void gostack_goexit_m(G* gp, void*) {
  if (gp->waiter != nullptr && gp->waiter->program_main) gp->waiter = nullptr;
  gostack_goexit0(gp);
}

// func NumGoroutine() int: the goroutines that exist now (neither dead nor unborn).
void gostack_numgoroutine(int64_t* ret) {
  int64_t n = 0;
  forEachG(
      [](G* gp, void* arg) {
        uint32_t st = readgstatus(gp);
        if (st != Gidle && st != Gdead) ++*static_cast<int64_t*>(arg);
      },
      &n);
  *ret = n;
}

// Gosched's mcall target (Go's gosched_m).
[[noreturn]] GOSTACK_HOT void gostack_gosched_m(G* gp, void*) {
  tsan_g0_enter();
  gosched_m(gp);
}

// GC's mcall target: scan every G's stack and shrink those that use under a quarter of it
// (gc_scan_one), then resume the caller. The caller's own G is shrunk first and then waits
// as Gwaiting, so that a runtime·GC running at the same time on another M does not wait for
// it to reach a prologue.
[[noreturn]] void gostack_gc_m(G* gp) {
  tsan_g0_enter();
  n_gc.fetch_add(1, std::memory_order_relaxed);
  shrinkstack(gp);
  gp->waitreason = WaitReason::GarbageCollection;
  casgstatus(gp, Grunning, Gwaiting);
  forEachGRace(
      [](G* g, void* self) {
        if (g != self) gc_scan_one(g, nullptr);
      },
      gp);
  casgstatus(gp, Gwaiting, Grunning);
  gp->waitreason = WaitReason::None;
  stack_gc_tick();
  rt_gogo(&gp->sched);
}

void gostack_newproc(const uintptr_t* argp) {
  int32_t siz;
  std::memcpy(&siz, argp, sizeof siz);
  auto* fn = reinterpret_cast<const FuncVal*>(argp[1]);
  G* callergp = curm()->curg;
  G* newg = newproc1(fn, argp + 2, siz, callergp, argp[-1]);
  readyg(newg, true);
}

void gostack_printint(const int64_t* a) { printint(a[0]); }
void gostack_printuint(const uint64_t* a) { printuint(a[0]); }
void gostack_printhex(const uint64_t* a) { printhex(a[0]); }
void gostack_printstring(const uintptr_t* a) {
  printstring(std::string_view(reinterpret_cast<const char*>(a[0]), a[1]));
}
void gostack_printsp(const void*) { printsp(); }
void gostack_printnl(const void*) { printnl(); }

void gostack_nanotime(int64_t* ret) { ret[0] = nanotime(); }

[[noreturn]] void gostack_exit(const int32_t* a) { exit_process(a[0]); }

// func entersyscall() / exitsyscall(): around a long C++ call (Go's names). In between, the
// goroutine has no P: it may only call NOSPLIT code and runtime·asmcgocall.
[[noreturn]] void gostack_entersyscall_m(G* gp, void*) {
  tsan_g0_enter();
  entersyscall_m(gp);
  resume(gp);
}

[[noreturn]] void gostack_exitsyscall_m(G* gp, void*) {
  tsan_g0_enter();
  if (exitsyscall_fast(gp)) resume(gp);
  exitsyscall_park(gp);
}

// func usleep(usec uint32): sleeps on the M's thread (holding its P unless in entersyscall).
void gostack_usleep(const uint32_t* a) { ::usleep(a[0]); }

// func GOMAXPROCS(n int) int: the number of Ps. The number is fixed once the runtime runs
// (-maxprocs, GOSTACK_MAXPROCS): asking for another one is a fatal error, not ignored.
void gostack_gomaxprocs(int64_t* a) {
  int64_t n = a[0];
  if (n > 0 && n != gomaxprocs()) {
    printstring("runtime.GOMAXPROCS(");
    printint(n);
    printstring("): the number of Ps is fixed at ");
    printint(gomaxprocs());
    printstring(" while the program runs (set it with -maxprocs or GOSTACK_MAXPROCS)\n");
    throw_fatal("GOMAXPROCS change not supported");
  }
  a[1] = gomaxprocs();
}

// func NumCPU() int: the CPUs this process may run on (Go's, from the affinity mask).
void gostack_numcpu(int64_t* a) {
  cpu_set_t set;
  CPU_ZERO(&set);
  a[0] = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
}

// func fastrand() uint32: the M's random state (Go's runtime.fastrand).
void gostack_fastrand(uint32_t* a) { a[0] = fastrand(curm()); }

// func memmove(to, from unsafe.Pointer, n uintptr) and memclrNoHeapPointers(ptr, n): Go's
// names for copying and clearing memory.
void gostack_memmove(const uintptr_t* a) {
  std::memmove(reinterpret_cast<void*>(a[0]), reinterpret_cast<const void*>(a[1]), a[2]);
}
void gostack_memclr(const uintptr_t* a) { std::memset(reinterpret_cast<void*>(a[0]), 0, a[1]); }

}  // extern "C"
