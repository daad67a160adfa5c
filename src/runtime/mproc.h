// Ms and Ps (after Go's proc.go): the scheduler loop on every M, finding work (local queue,
// global queue, stealing), idle Ms parked on futexes, waking them, deadlock detection, sysmon.
#pragma once

#include <cstdint>

#include "runtime/runtime2.h"

namespace gostack::rt {

// Go's gopreempt_m (and gosched_m's general case): gp (this M's G, stopped) goes to the
// global queue.
[[noreturn]] void goyield_global(G* gp);

// Go's gosched_m: gp (this M's G, stopped in Gosched) yields to every other runnable G.
[[noreturn]] void gosched_m(G* gp);

// Go's schedule: finds a runnable G for this M (blocking while there is none) and runs it.
// m0 inside run_scheduler leaves it instead once what it waits for is done.
[[noreturn]] void schedule();

// Go's execute: runs gp (Grunnable) on this M. inherit_time: gp shares the current time
// slice (it came from runnext), so the P's schedtick does not advance.
[[noreturn]] void execute(G* gp, bool inherit_time);

// Makes gp runnable from anywhere: on this M's P (runnext when next) or, on a thread without
// a P, on the global queue; then wakes an idle P if one may be needed.
void readyg(G* gp, bool next);

// Go's injectglist, from a thread without a P (sysmon): the n Gs, already Grunnable, go on the
// global queue, and idle Ps start for them. settle(n, arg), if given, runs under the same
// sched.lock as the queueing, so checkdead (which holds it too) sees whatever settle retracts
// together with the Gs' new state.
void injectglist(G* const* gs, int n, void (*settle)(int n, void* arg), void* arg);

// Go's wakep: starts a spinning M on an idle P when no M is spinning already.
void wakep();

// m0 waits inside run_scheduler for w; whoever completes w calls this to wake m0.
void wake_m0_for(const ExitWaiter* w);

// m0 enters the scheduler: starts sysmon the first time, and wakes a P for Gs queued before.
void mstart_runtime();

// Per-P counters and scheduler totals, for -stats and the C++ API.
struct PStats {
  int32_t id;
  uint64_t runs, steals, stolen_gs, global_gets, parks, preempts;
};
int32_t gomaxprocs();
PStats p_stats(int32_t id);
int32_t mcount();

// Deadlock detection (checkdead) is on by default; the C++ API may turn it off.
void set_deadlock_check(bool on);

// Go's entersyscall/exitsyscall, on g0 for gp stopped in mcall. entersyscall_m leaves the
// P in Psyscall (sysmon hands it to another M if the call lasts); exitsyscall_fast takes
// the old P or an idle one back (false: none free); exitsyscall_park then queues gp
// globally and parks the M.
void entersyscall_m(G* gp);
bool exitsyscall_fast(G* gp);
[[noreturn]] void exitsyscall_park(G* gp);

// m0 enters the scheduler: without a P it takes an idle one, else parks until given one.
[[noreturn]] void schedule_m0();

// Go's checkdead, with sched.lock held: when no M is running (m0 counts as running while it is
// outside run_scheduler) and a goroutine is parked, prints the deadlock report and exits 2.
void checkdead();

}  // namespace gostack::rt
