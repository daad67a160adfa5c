// Stopping a running goroutine at a synchronous safe point so that another M may work on its
// stack (after Go's preempt.go: suspendG and resumeG, without asynchronous preemption).
#pragma once

#include "runtime/runtime2.h"

namespace gostack::rt {

// What suspendG left gp in.
enum class Suspended : uint8_t {
  Stopped,     // gp was running; it parked itself in Gpreempted and is now Gwaiting, owned by
               // the caller until resumeG
  NotRunning,  // gp was not running user code (runnable, waiting, in a C++ call, dead); the
               // caller gets no ownership and no request of its remains on gp
};

// Stops gp if it runs user code on another M: asks it (preemptStop, with the preempt request
// in stackguard0) and waits until its next prologue check parks it in Gpreempted (newstack's
// preemptPark). A goroutine in a loop that only reaches NOSPLIT code never gets there, and
// suspendG waits as Go before 1.14 did. Must not be called for the caller's own G, and the
// caller must hold no runtime lock that gp's M may need. Any number of Ms may suspend the
// same G at once: one of them gets Stopped.
Suspended suspendG(G* gp);

// Lets a G that suspendG stopped run again (Gwaiting -> Grunnable, onto a run queue).
void resumeG(G* gp);

// newstack's half: gp, this M's current G stopped in morestack with preemptStop set, parks in
// Gpreempted and this M schedules another G.
[[noreturn]] void preemptPark(G* gp);

// Gs stopped by suspendG so far.
uint64_t suspend_count();

}  // namespace gostack::rt
