// G lifecycle (after Go's proc.go): runtime bootstrap for a thread, malg, gfput/gfget, status changes.
#pragma once

#include <cstdint>

#include "runtime/runtime2.h"

namespace gostack::rt {

// Size of a new goroutine's stack; free Gs whose stack has another size lose it in gfput.
extern uint32_t startingStackSize;

// Brings the runtime up on the calling thread: stackinit, m0 with a g0 on this thread's own
// stack (installed in the TLS slot), nprocs Ps, and P 0 acquired by m0. Call once per process.
void schedinit(int32_t nprocs);
bool runtime_started();

// The number of Ps when none is asked for: GOSTACK_MAXPROCS if set to a positive number,
// else the number of online CPUs (Go's GOMAXPROCS default).
int32_t default_maxprocs();

// m0, the M of the thread that called schedinit.
M* m0();

// Sets up the calling (new) thread as mp: a g0 on the thread's own stack in the TLS slot.
void minit_thread(M* mp);

// Attaches an idle P to the current M / detaches the current M's P (Go's acquirep/releasep).
void acquirep(P* pp);
P* releasep();

// Allocates a new G in status Gidle and records it in allgs (Gs are never freed, so allgs only
// grows; f of forEachG ignores Gidle Gs, whose other fields are not set up yet). With
// stacksize >= 0 it also gets a stack of round2(stacksize) bytes, stackguard0 = lo +
// StackGuard, stackguard1 = ~0, and the lowest stack word cleared. With stacksize < 0 it has
// no stack.
G* malg(int32_t stacksize);

size_t allglen();
// Calls f(g, arg) for every G in allgs, in creation order (Go's forEachG), under a lock:
// f must not add Gs, and reads a G's status before anything else of it.
void forEachG(void (*f)(G* gp, void* arg), void* arg);
// The same without holding the lock while f runs (Go's forEachGRace): f may block or wait for
// other Ms. Gs added meanwhile may be missed.
void forEachGRace(void (*f)(G* gp, void* arg), void* arg);

uint32_t readgstatus(const G* gp);
[[noreturn]] void casgstatus_fail(const G* gp, uint32_t oldval, uint32_t newval);

// Moves gp from oldval to newval; throws if gp is not in oldval (nobody else may own it).
// A G's status has one writer at a time: whoever owns the G (its M while it runs, the holder
// of the queue or channel lock that hands it over otherwise), and each hand-over is already
// ordered by that queue or lock. So a checked load and a release store do what Go's CAS
// does (Go needs the CAS for its GC's scan bit, which gostack does not have), and a switch
// costs no locked instruction for the status. (The one state with several would-be owners,
// Gpreempted, is left by suspendG's own CAS: preempt.h.)
inline void casgstatus(G* gp, uint32_t oldval, uint32_t newval) {
  if (oldval == newval || gp->atomicstatus.load(std::memory_order_acquire) != oldval)
    casgstatus_fail(gp, oldval, newval);
  gp->atomicstatus.store(newval, std::memory_order_release);
}

// Go's dropg: gp, no longer running, leaves mp (which runs no G until it executes another).
inline void dropg(M* mp, G* gp) {
  __atomic_store_n(&mp->curg, static_cast<G*>(nullptr), __ATOMIC_RELEASE);
  gp->m = nullptr;
}

// Puts a dead G on pp's free list (see proc.cpp for the 64/32 batching rule).
void gfput(P* pp, G* gp);
// Takes a dead G from pp's free list, refilling it from the global list when empty. The G
// always has a stack of startingStackSize. nullptr when no free G exists anywhere.
G* gfget(P* pp);
// Moves all of pp's free Gs to the global lists (Go's gfpurge, used when a P is destroyed).
void gfpurge(P* pp);

// The first half of newproc1: a dead G with a starting-size stack and a fresh goid, reused
// from the free lists or made with malg and published with allgadd. Counts
// goroutines_created and gfree_reused. pp may be nullptr (a thread without a P): then only
// the global free lists are used.
G* newg_alloc(P* pp);

// The part of goexit0 that retires a finished G: Grunning -> Gdead, per-run state cleared,
// detached from its M, and put on the current P's free list.
void gdestroy(G* gp);

struct ProcStats {
  uint64_t goroutines_created;
  uint64_t gfree_reused;
  int32_t sched_gfree_n;  // Gs on the global free lists
};
ProcStats proc_stats();

}  // namespace gostack::rt
