// Sleeping goroutines (after Go's time.go, for runtime·timeSleep only): a heap of wake-up times
// that sysmon serves.
#pragma once

#include <cstdint>

#include "runtime/runtime2.h"

namespace gostack::rt {

// CLOCK_MONOTONIC in nanoseconds (Go's nanotime).
int64_t nanotime();

// Go's timeSleep, on g0 for gp, this M's G stopped in mcall: parks gp until ns nanoseconds
// from now have passed (returns to gp at once if ns <= 0).
[[noreturn]] void timesleep_m(G* gp, int64_t ns);

// For sysmon: readies every sleeping G whose time has come and returns how long sysmon may
// sleep, at most `limit` nanoseconds, before the next one is due. Until that sleep ends, a
// timeSleep that must wake sooner wakes sysmon early (sysmon_sleep).
int64_t fire_timers(int64_t now, int64_t limit);
// Sysmon's sleep, cut short by a timer added to wake before it ends.
void sysmon_sleep(int64_t ns);

// Sleeping goroutines not yet readied. While there are any, all Ms idle is not a deadlock.
bool timers_pending();

}  // namespace gostack::rt
