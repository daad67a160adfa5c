// suspendG/resumeG and preemptPark: a goroutine stopped for a stack scan (see preempt.h).
//
// Only three parties change a G's preemptStop flag: suspendG sets it while the G runs, and
// clears it when it takes the G or gives up on it; newstack reads it. A suspendG that set the
// flag does not return before the flag is gone or the G is in its hands, so no G parks in
// Gpreempted without someone to take it. A suspendG that gives up on a G that is not running
// clears the flag first and then looks at the status again: had the G started to run (or
// parked itself) in between, it goes on waiting for it.
#include "runtime/preempt.h"

#include <sched.h>
#include <unistd.h>

#include "runtime/mproc.h"
#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/sched.h"

namespace gostack::rt {
namespace {

std::atomic<uint64_t> n_suspends{0};

void request_stop(G* gp) {
  __atomic_store_n(&gp->preemptStop, true, __ATOMIC_RELAXED);
  __atomic_store_n(&gp->preempt, true, __ATOMIC_RELAXED);
  __atomic_store_n(&gp->stackguard0, abi::kStackPreempt, __ATOMIC_RELEASE);
}

// Waiting for a G on another M: a few yields of the CPU, then short sleeps.
void backoff(int round) {
  if (round < 16)
    ::sched_yield();
  else
    ::usleep(20);
}

}  // namespace

Suspended suspendG(G* gp) {
  if (gp == getg()->m->curg) throw_fatal("suspendG: own goroutine");
  for (int round = 0;; round++) {
    uint32_t s = readgstatus(gp);
    switch (s) {
      case Gpreempted: {
        // Parked by our request (or another suspender's): whoever moves it out owns it.
        uint32_t expect = Gpreempted;
        if (!gp->atomicstatus.compare_exchange_strong(expect, Gwaiting, std::memory_order_acq_rel)) continue;
        gp->waitreason = WaitReason::Preempted;
        __atomic_store_n(&gp->preemptStop, false, __ATOMIC_RELAXED);
        __atomic_store_n(&gp->preempt, false, __ATOMIC_RELAXED);
        set_stackguard0(gp, gp->stack.lo + abi::kStackGuard);
        n_suspends.fetch_add(1, std::memory_order_relaxed);
        return Suspended::Stopped;
      }
      case Grunning:
        // Asked again on every round: its M may have dropped the request (a prologue that
        // could not be preempted, a stack move) or it may have stopped and run again.
        if (__atomic_load_n(&gp->stackguard0, __ATOMIC_ACQUIRE) != abi::kStackPreempt) request_stop(gp);
        backoff(round);
        continue;
      case Gcopystack:
        // Its M is moving its stack (a stack move drops the preempt request): ask once it runs.
        backoff(round);
        continue;
      default:
        if (__atomic_load_n(&gp->preemptStop, __ATOMIC_RELAXED)) {
          __atomic_store_n(&gp->preemptStop, false, __ATOMIC_RELAXED);
          if (readgstatus(gp) != s) continue;
        }
        return Suspended::NotRunning;
    }
  }
}

void resumeG(G* gp) {
  // To the tail of this M's run queue, not to runnext: the scanner goes on running here, and
  // another P can take gp from the queue at once.
  goready(gp, false);
}

void preemptPark(G* gp) {
  M* mp = gp->m;
  __atomic_store_n(&gp->preempt, false, __ATOMIC_RELAXED);
  counter_add(mp->p->preempts, 1);
  // gp leaves the M before Gpreempted is published: from then on a suspender may take it and
  // ready it, and another M may run it.
  dropg(mp, gp);
  casgstatus(gp, Grunning, Gpreempted);
  schedule();
}

uint64_t suspend_count() { return n_suspends.load(std::memory_order_relaxed); }

}  // namespace gostack::rt
