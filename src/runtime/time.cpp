// runtime·timeSleep: sleeping goroutines in one heap ordered by wake-up time, fired by sysmon
// (see time.h).
//
// Go 1.19 keeps a heap per P and fires timers from the scheduler and netpoll. Here only
// sleeps exist and sysmon already wakes every 20 us while any P is busy, so one heap under
// one lock is enough: sysmon readies the Gs that are due and then sleeps until the next one
// (or its own next round), and a new sleep that ends sooner wakes it.
#include "runtime/time.h"

#include <time.h>

#include <algorithm>
#include <vector>

#include "runtime/lock.h"
#include "runtime/mproc.h"
#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/tsan_fiber.h"
#include "runtime/sched.h"

namespace gostack::rt {
namespace {

struct Timer {
  int64_t when;
  G* g;
  // std::push_heap keeps the largest on top: the earliest wake-up is the "largest".
  bool operator<(const Timer& o) const { return when > o.when; }
};

struct Timers {
  Mutex lock;
  std::vector<Timer> heap;            // under lock
  int64_t sysmon_until = 0;           // under lock: when sysmon's current sleep ends (0: awake)
  bool sysmon_woken = false;          // under lock: the sleep is already cut short
  Note sysmon_note;
  // Gs in the heap plus Gs taken out but not yet readied: checkdead must not see them as
  // blocked for good in between.
  std::atomic<int64_t> pending{0};
};

Timers& timers() {
  static Timers* t = new Timers;  // never destroyed: Ms may still run at exit
  return *t;
}

// gopark's unlockf: gp is off its M now; queue its wake-up.
bool add_timer(G* gp, void* when_ns) {
  Timers& t = timers();
  int64_t when = *static_cast<int64_t*>(when_ns);
  LockGuard guard(t.lock);
  t.heap.push_back({when, gp});
  std::push_heap(t.heap.begin(), t.heap.end());
  t.pending.fetch_add(1, std::memory_order_relaxed);
  if (t.sysmon_until != 0 && when < t.sysmon_until && !t.sysmon_woken) {
    t.sysmon_woken = true;
    notewakeup(t.sysmon_note);
  }
  return true;
}

}  // namespace

int64_t nanotime() {
  struct timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void timesleep_m(G* gp, int64_t ns) {
  if (ns <= 0) resume(gp);
  // add_timer reads the wake-up time from this g0 frame: gopark calls it before it schedules.
  int64_t when = nanotime() + ns;
  if (when < 0) when = INT64_MAX;  // overflow: sleep for ever, as Go does
  gopark(gp, add_timer, &when, WaitReason::Sleep);
}

int64_t fire_timers(int64_t now, int64_t limit) {
  Timers& t = timers();
  G* due[64];
  for (;;) {
    int n = 0;
    int64_t sleep = limit;
    {
      LockGuard guard(t.lock);
      while (!t.heap.empty() && n < 64) {
        if (t.heap.front().when > now) {
          sleep = std::min(sleep, t.heap.front().when - now);
          break;
        }
        std::pop_heap(t.heap.begin(), t.heap.end());
        due[n++] = t.heap.back().g;
        t.heap.pop_back();
      }
      if (n == 0) {
        // About to sleep: from here a sooner timer wakes sysmon.
        t.sysmon_until = now + sleep;
        t.sysmon_woken = false;
        noteclear(t.sysmon_note);
        return sleep;
      }
    }
    for (int i = 0; i < n; i++) {
      due[i]->waitreason = WaitReason::None;
      casgstatus(due[i], Gwaiting, Grunnable);
    }
    // They stop counting as pending in the same step that makes them runnable for the
    // scheduler: an M that goes idle in between must not find them both not pending and not
    // runnable (a false deadlock), nor pending when nobody will look again (a missed one).
    injectglist(
        due, n, [](int k, void* pending) { static_cast<std::atomic<int64_t>*>(pending)->fetch_sub(k, std::memory_order_relaxed); },
        &t.pending);
  }
}

void sysmon_sleep(int64_t ns) {
  Timers& t = timers();
  notetsleep(t.sysmon_note, ns);
  LockGuard guard(t.lock);
  t.sysmon_until = 0;
}

bool timers_pending() { return timers().pending.load(std::memory_order_acquire) != 0; }

}  // namespace gostack::rt

extern "C" {
// func timeSleep(ns int64) (Go's runtime.timeSleep, behind time.Sleep).
[[noreturn]] void gostack_timesleep_m(gostack::rt::G* gp, const int64_t* args) {
  gostack::rt::tsan_g0_enter();
  gostack::rt::timesleep_m(gp, args[0]);
}
}
