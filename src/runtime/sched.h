// Goroutine-level scheduling (after Go's proc.go): newproc, gopark/goready, goexit0, Gosched,
// the stack-scanning GC, newstack, and the C++ entry points the runtime's assembly calls.
// The Ms and Ps that run them (schedule, findrunnable, sysmon) are in mproc.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/runtime2.h"

namespace gostack::rt {

// What `go f(...)` passes: a pointer to a word holding the entry PC (Go's funcval).
struct FuncVal {
  uintptr_t fn;
};

// Go's newproc1: a G (from the free lists or malg) that will run fn with the siz bytes at
// argp as its ABI0 argument frame, returning into goexit. Status Grunnable; the caller
// queues it. Ends the program if the arguments do not fit a starting stack.
G* newproc1(const FuncVal* fn, const void* argp, int32_t siz, G* callergp, uintptr_t callerpc);

// Creates a goroutine as newproc does, with `waiter` (may be nullptr) told when it exits:
// into runnext of the caller's P, or the global queue from a thread without one.
G* spawn_goroutine(const FuncVal* fn, const void* argp, int32_t siz, ExitWaiter* waiter = nullptr);

// Go's gopark, called on g0 for gp, the G this M was running, stopped in mcall: gp becomes
// Gwaiting (for `reason`) and leaves the M; then unlockf(gp, lock) runs (false: gp is made
// runnable again at once) and the M schedules another G. unlockf may be nullptr.
[[noreturn]] void gopark(G* gp, bool (*unlockf)(G* gp, void* lock), void* lock, WaitReason reason);

// Go's goready: a parked G becomes runnable, next on this M's P (at the tail of its queue
// when !next; on the global queue when called from a thread without a P), and an idle P is
// woken to run it.
void goready(G* gp, bool next = true);

// Continues gp, this M's current G stopped in mcall, where it stopped.
[[noreturn]] void resume(G* gp);

// m0 (the thread that called schedinit, on its g0) joins the Ms running goroutines until
// `until` is done; the other Ps run on threads started as work appears. When every goroutine
// is blocked, the deadlock report ends the process (exit 2).
void run_scheduler(const ExitWaiter* until);

// Ends the process with `code` through the exit hook (the driver's -stats), else _exit.
[[noreturn]] void exit_process(int32_t code);

// Called by runtime·exit and by the driver when main·main returns: the hook prints -stats
// and ends the process with the given status. Without a hook, _exit(code).
void set_exit_hook(void (*hook)(int32_t code));

// Prints Go's deadlock report: "fatal error: all goroutines are asleep - deadlock!" and, for
// each parked goroutine, its traceback (traceback_parked).
void fatal_deadlock();

// The goroutine traceback the fatal-error path prints (Go's "goroutine N [running]:" and
// one "name(...)\n\tfile:line +0xoff" per frame, innermost first).
void traceback_curg();
// For a throw (the throw hook): Go's "runtime stack:" section first when the throw happened
// on g0 with a goroutine current (the C++ frames down to the switch), then traceback_curg.
void traceback_throw();
// The same for gp stopped at pc with registers sp and bp (pc is not a return address: the
// signal handler's faulting instruction).
void traceback_goroutine(G* gp, uintptr_t pc, uintptr_t sp, uintptr_t bp);
// The traceback of gp, parked (Gwaiting), as Go's deadlock report prints it: "goroutine N
// [chan receive]:", then its frames without the runtime's own, then "created by".
void traceback_parked(G* gp);

// Address of runtime symbols the assembled code may reference, by linker name
// ("runtime.printnl"); nullptr if unknown. For the in-memory image loader.
const void* runtime_symbol(const char* name);

// Counts of scheduler events (not part of -stats' fixed list).
struct SchedStats {
  uint64_t gosched;
  uint64_t gc_scans;
  uint64_t gc_suspends;  // running Gs that runtime·GC stopped (suspendG) to scan
};
SchedStats sched_stats();

}  // namespace gostack::rt
