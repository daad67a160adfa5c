// Ms and Ps (after Go's proc.go): schedule/findrunnable on every M, stealing, idle Ms parked on
// futex notes (startm/stopm/wakep), m0 inside run_scheduler, checkdead, and sysmon (retake:
// preemption of long-running Gs, hand-off of Ps held by Ms in a long C++ call).
#include "runtime/mproc.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/runq.h"
#include "runtime/sched.h"
#include "runtime/time.h"
#include "runtime/tsan_fiber.h"

extern "C" {
[[noreturn]] void rt_gogo(gostack::rt::Gobuf* buf) __asm__("runtime.gogo");
void gostack_rt_enter(void (*fn)());
[[noreturn]] void gostack_rt_leave();
}

namespace gostack::rt {
namespace {

constexpr uint64_t kForcePreemptNs = 10'000'000;  // Go's forcePreemptNS: 10 ms time slice
constexpr uint64_t kSyscallRetakeNs = 20'000;     // a P in a C++ call for a sysmon tick (20 us)
constexpr int kStealTries = 4;

bool deadlock_check = true;
// Set when m0 first enters the scheduler. Before that, readying a G wakes no other P, so the
// first goroutine (main·main) runs on m0, as Go's mainStarted arranges.
std::atomic<bool> main_started{false};

M* curm() { return getg()->m; }


// ---- the idle lists (sched.lock held) ----

void mput(M* mp) {
  mp->schedlink = sched.midle;
  sched.midle = mp;
  sched.nmidle++;
  if (mp == m0()) sched.m0idle = true;
  checkdead();
}

M* mget() {
  M* mp = sched.midle;
  if (mp != nullptr) {
    sched.midle = mp->schedlink;
    sched.nmidle--;
    if (mp == m0()) sched.m0idle = false;
  }
  return mp;
}

void mremove(M* target) {
  for (M** link = &sched.midle; *link != nullptr; link = &(*link)->schedlink) {
    if (*link == target) {
      *link = target->schedlink;
      sched.nmidle--;
      if (target == m0()) sched.m0idle = false;
      return;
    }
  }
  throw_fatal("mremove: M not idle");
}

void pidleput(P* pp) {
  if (!runqempty(pp)) throw_fatal("pidleput: P has non-empty run queue");
  pp->link = sched.pidle;
  sched.pidle = pp;
  sched.npidle.fetch_add(1, std::memory_order_acq_rel);
}

P* pidleget() {
  P* pp = sched.pidle;
  if (pp != nullptr) {
    sched.pidle = pp->link;
    sched.npidle.fetch_sub(1, std::memory_order_acq_rel);
  }
  return pp;
}

// Takes `want` off the idle list if it is there, else any idle P.
P* pidleget_prefer(P* want) {
  for (P** link = &sched.pidle; *link != nullptr; link = &(*link)->link) {
    if (*link == want) {
      *link = want->link;
      sched.npidle.fetch_sub(1, std::memory_order_acq_rel);
      return want;
    }
  }
  return pidleget();
}

// ---- Ms as threads ----

void mstart_entry() {
  tsan_g0_enter();
  schedule();
}

void* mstart_thread(void* arg) {
  auto* mp = static_cast<M*>(arg);
  minit_thread(mp);
  P* pp = mp->nextp;
  mp->nextp = nullptr;
  acquirep(pp);
  gostack_rt_enter(mstart_entry);
  throw_fatal("mstart: scheduler returned");
}

// Go's newm: a new OS thread becomes M `id` and runs the scheduler on pp.
void newm(P* pp, bool spinning, int64_t id) {
  M* mp = new M;
  mp->id = id;
  mp->nextp = pp;
  mp->spinning = spinning;
  mp->fastrand = static_cast<uint32_t>(id) * 0x9e3779b9u + 1;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  if (::pthread_create(&t, &attr, mstart_thread, mp) != 0) throw_fatal("newm: cannot create an OS thread");
  pthread_attr_destroy(&attr);
}

// Go's startm: runs pp (an idle P if nullptr; none: nothing to do) on an idle M or a new one.
void startm(P* pp, bool spinning) {
  lock(sched.lock);
  if (pp == nullptr) {
    pp = pidleget();
    if (pp == nullptr) {
      unlock(sched.lock);
      if (spinning) sched.nmspinning.fetch_sub(1, std::memory_order_acq_rel);
      return;
    }
  }
  M* mp = mget();
  if (mp == nullptr) {
    int64_t id = sched.mcount++;
    unlock(sched.lock);
    newm(pp, spinning, id);
    return;
  }
  unlock(sched.lock);
  mp->spinning = spinning;
  mp->nextp = pp;
  notewakeup(mp->park);
}

// Go's handoffp: a P whose M stopped running Go code goes to a new M if it has work, else idle.
void handoffp(P* pp) {
  if (!runqempty(pp) || sched.runqsize.load(std::memory_order_relaxed) != 0) {
    startm(pp, false);
    return;
  }
  LockGuard guard(sched.lock);
  pidleput(pp);
}

// Go's stopm: parks this M (without a P) until startm hands it one. m0 does not park once
// what it waits for is done (it returns without a P and leaves run_scheduler).
void stopm() {
  M* mp = curm();
  if (mp->p != nullptr) throw_fatal("stopm holding p");
  lock(sched.lock);
  if (mp == m0() && sched.m0wait != nullptr && sched.m0wait->done.load(std::memory_order_acquire)) {
    unlock(sched.lock);
    return;
  }
  mput(mp);
  unlock(sched.lock);
  notesleep(mp->park);
  noteclear(mp->park);
  if (mp->nextp != nullptr) {
    P* pp = mp->nextp;
    mp->nextp = nullptr;
    acquirep(pp);
  }
}

bool m0_should_leave(M* mp) {
  return mp == m0() && sched.m0wait != nullptr && sched.m0wait->done.load(std::memory_order_acquire);
}

void resetspinning(M* mp) {
  mp->spinning = false;
  int32_t n = sched.nmspinning.fetch_sub(1, std::memory_order_acq_rel) - 1;
  if (n < 0) throw_fatal("findrunnable: negative nmspinning");
  // The last spinning M found work: start another to look for more (Go's delicate dance).
  if (n == 0) wakep();
}

// m0 leaves run_scheduler: Gs left on its P go to the global queue (for the other Ps);
// without a P it takes an idle one back (allp[0] first) for its C++ caller.
[[noreturn]] void m0_leave(M* mp) {
  if (mp->spinning) {
    mp->spinning = false;
    sched.nmspinning.fetch_sub(1, std::memory_order_acq_rel);
  }
  if (P* pp = mp->p) {
    while (G* gp = runqget(pp, nullptr)) {
      LockGuard guard(sched.lock);
      globrunqput(gp);
    }
  } else {
    lock(sched.lock);
    P* pp2 = pidleget_prefer(allp[0]);
    unlock(sched.lock);
    if (pp2 != nullptr) acquirep(pp2);
  }
  if (sched.runqsize.load(std::memory_order_relaxed) != 0 && sched.npidle.load(std::memory_order_acquire) > 0)
    startm(nullptr, false);
  {
    LockGuard guard(sched.lock);
    sched.m0wait = nullptr;
  }
  gostack_rt_leave();
}

// Go's findrunnable: local queue, global queue, stealing (as a spinning M); then the P goes
// idle and the M parks. nullptr only for m0 leaving run_scheduler.
G* findrunnable(bool* inherit) {
  M* mp = curm();
  for (;;) {
    if (m0_should_leave(mp)) return nullptr;
    if (mp->p == nullptr) {
      // Only m0 wakes without a P: for a leave that a newer wait no longer wants.
      lock(sched.lock);
      P* got = pidleget();
      unlock(sched.lock);
      if (got == nullptr) {
        stopm();
        continue;
      }
      acquirep(got);
    }
    P* pp = mp->p;
    if (G* gp = runqget(pp, inherit)) return gp;
    *inherit = false;
    if (sched.runqsize.load(std::memory_order_relaxed) != 0) {
      LockGuard guard(sched.lock);
      if (G* gp = globrunqget(pp, 0)) {
        counter_add(pp->global_gets, 1);
        return gp;
      }
    }
    int32_t procs = gomaxprocs();
    if (procs > 1 && (mp->spinning || 2 * sched.nmspinning.load(std::memory_order_acquire) <
                                           procs - sched.npidle.load(std::memory_order_acquire))) {
      if (!mp->spinning) {
        mp->spinning = true;
        sched.nmspinning.fetch_add(1, std::memory_order_acq_rel);
      }
      for (int i = 0; i < kStealTries; i++) {
        uint32_t start = fastrand(mp) % static_cast<uint32_t>(procs);
        for (int32_t k = 0; k < procs; k++) {
          P* p2 = allp[(start + static_cast<uint32_t>(k)) % static_cast<uint32_t>(procs)];
          if (p2 == pp) continue;
          uint32_t before = pp->runqtail.load(std::memory_order_relaxed);
          if (G* gp = runqsteal(pp, p2, i == kStealTries - 1)) {
            counter_add(pp->steals, 1);
            counter_add(pp->stolen_gs, 1 + (pp->runqtail.load(std::memory_order_relaxed) - before));
            return gp;
          }
        }
      }
    }
    // Nothing found: give the P up.
    lock(sched.lock);
    if (m0_should_leave(mp)) {
      unlock(sched.lock);
      return nullptr;
    }
    if (sched.runqsize.load(std::memory_order_relaxed) != 0) {
      G* gp = globrunqget(pp, 0);
      unlock(sched.lock);
      counter_add(pp->global_gets, 1);
      return gp;
    }
    counter_add(pp->parks, 1);
    pidleput(releasep());
    unlock(sched.lock);
    if (mp->spinning) {
      // A G readied while we were spinning saw nmspinning > 0 and started nobody: look again.
      mp->spinning = false;
      if (sched.nmspinning.fetch_sub(1, std::memory_order_acq_rel) - 1 < 0)
        throw_fatal("findrunnable: negative nmspinning");
      for (P* p2 : allp) {
        if (runqempty(p2)) continue;
        lock(sched.lock);
        P* got = pidleget();
        unlock(sched.lock);
        if (got != nullptr) {
          acquirep(got);
          mp->spinning = true;
          sched.nmspinning.fetch_add(1, std::memory_order_acq_rel);
        }
        break;
      }
      if (mp->p != nullptr) continue;
    }
    stopm();
  }
}

// ---- sysmon ----

// Go's preemptone: asks the G running on pp to stop at its next prologue.
void preemptone(P* pp) {
  M* mp = __atomic_load_n(&pp->m, __ATOMIC_ACQUIRE);
  if (mp == nullptr) return;
  G* gp = __atomic_load_n(&mp->curg, __ATOMIC_ACQUIRE);
  if (gp == nullptr || gp == mp->g0) return;
  __atomic_store_n(&gp->preempt, true, __ATOMIC_RELAXED);
  __atomic_store_n(&gp->stackguard0, abi::kStackPreempt, __ATOMIC_RELEASE);
}

// Go's retake: preempts Gs that ran 10 ms on one P; takes Ps from Ms stuck in a C++ call.
void retake(uint64_t now) {
  for (P* pp : allp) {
    uint32_t s = pp->status.load(std::memory_order_acquire);
    if (s != Prunning && s != Psyscall) continue;
    uint32_t t = __atomic_load_n(&pp->schedtick, __ATOMIC_RELAXED);
    if (pp->sysmon_tick != t) {
      pp->sysmon_tick = t;
      pp->sysmon_when = now;
      continue;
    }
    if (s == Prunning) {
      if (now - pp->sysmon_when >= kForcePreemptNs) {
        preemptone(pp);
        pp->sysmon_when = now;  // ask again after another slice
      }
      continue;
    }
    // Psyscall: worth handing off when there is work, or no other P is free to look for it.
    bool work = !runqempty(pp) || sched.runqsize.load(std::memory_order_relaxed) != 0;
    if (!work && now - pp->sysmon_when < kForcePreemptNs) continue;
    if (now - pp->sysmon_when < kSyscallRetakeNs) continue;
    uint32_t expect = Psyscall;
    if (pp->status.compare_exchange_strong(expect, Pidle, std::memory_order_acq_rel)) handoffp(pp);
  }
}

void* sysmon_thread(void*) {
  int64_t delay = 20'000;  // nanoseconds; backs off to 10 ms while nothing needs it
  for (;;) {
    // Sleeping goroutines that are due run now; the sleep ends when the next one is due.
    sysmon_sleep(fire_timers(nanotime(), delay));
    bool busy = sched.npidle.load(std::memory_order_acquire) < gomaxprocs();
    delay = busy ? 20'000 : std::min<int64_t>(delay * 2, 10'000'000);
    retake(static_cast<uint64_t>(nanotime()));
  }
  return nullptr;
}

}  // namespace

void set_deadlock_check(bool on) { deadlock_check = on; }

int32_t gomaxprocs() { return static_cast<int32_t>(allp.size()); }

int32_t mcount() {
  LockGuard guard(sched.lock);
  return sched.mcount;
}

PStats p_stats(int32_t id) {
  P* pp = allp[static_cast<size_t>(id)];
  auto ld = [](const std::atomic<uint64_t>& c) { return c.load(std::memory_order_relaxed); };
  return PStats{id, ld(pp->runs), ld(pp->steals), ld(pp->stolen_gs), ld(pp->global_gets), ld(pp->parks), ld(pp->preempts)};
}

void checkdead() {
  if (!deadlock_check) return;
  int32_t run = sched.mcount - sched.nmidle;
  if (run > 0) return;
  if (timers_pending()) return;  // sysmon will ready a sleeping goroutine
  if (run < 0) throw_fatal("checkdead: inconsistent counts");
  struct Count {
    int waiting = 0;
    int64_t runnable = -1;
  } count;
  forEachG(
      [](G* gp, void* arg) {
        auto* c = static_cast<Count*>(arg);
        uint32_t st = readgstatus(gp);
        if (st == Gwaiting || st == Gpreempted) c->waiting++;
        if (st == Grunnable || st == Grunning || st == Gsyscall) c->runnable = gp->goid;
      },
      &count);
  if (count.runnable >= 0) {
    printstring("runtime: checkdead: find g ");
    printint(count.runnable);
    printstring(" in a runnable state\n");
    throw_fatal("checkdead: runnable g");
  }
  if (count.waiting == 0) throw_fatal("no goroutines (main called runtime.Goexit) - deadlock!");
  fatal_deadlock();
  exit_process(2);
}

void goyield_global(G* gp) {
  M* mp = curm();
  P* pp = mp->p;
  casgstatus(gp, Grunning, Grunnable);
  dropg(mp, gp);
  // With nothing local to run, schedule would take the global queue next anyway: do it under
  // the same lock (one lock round trip per yield instead of two).
  G* next = nullptr;
  {
    LockGuard guard(sched.lock);
    globrunqput(gp);
    if (!m0_should_leave(mp) && runqempty(pp)) next = globrunqget(pp, 0);
  }
  if (next != nullptr) {
    counter_add(pp->global_gets, 1);
    execute(next, false);
  }
  schedule();
}

GOSTACK_HOT void gosched_m(G* gp) {
  M* mp = curm();
  P* pp = mp->p;
  counter_add(pp->goscheds, 1);
  // Go's gosched_m puts gp at the global queue's tail and schedules. While that queue is empty
  // the local queue's tail is the same place in the order: the scheduler drains runnext and
  // the local queue before it looks at the global queue, and every G queued here now runs
  // before gp either way. It costs no lock, and when nothing else is runnable gp comes
  // straight back. (Other Ps may steal gp from here as they would take it from there.)
  if (sched.runqsize.load(std::memory_order_relaxed) != 0 || m0_should_leave(mp)) goyield_global(gp);
  casgstatus(gp, Grunning, Grunnable);
  dropg(mp, gp);
  runqput(pp, gp, false);
  bool inherit = false;
  G* next = runqget(pp, &inherit);
  if (next == nullptr) schedule();  // a thief took gp and all else meanwhile
  execute(next, inherit);
}

void schedule_m0() {
  M* mp = curm();
  while (mp->p == nullptr) {
    if (m0_should_leave(mp)) m0_leave(mp);
    lock(sched.lock);
    P* pp = pidleget_prefer(allp[0]);
    unlock(sched.lock);
    if (pp != nullptr)
      acquirep(pp);
    else
      stopm();
  }
  schedule();
}

GOSTACK_HOT void schedule() {
  M* mp = curm();
  for (;;) {
    if (m0_should_leave(mp)) m0_leave(mp);
    P* pp = mp->p;
    G* gp = nullptr;
    bool inherit = false;
    // Every 61st round looks at the global queue first, so it cannot starve.
    if (pp->schedtick % 61 == 0 && sched.runqsize.load(std::memory_order_relaxed) != 0) {
      LockGuard guard(sched.lock);
      gp = globrunqget(pp, 1);
      if (gp != nullptr) counter_add(pp->global_gets, 1);
    }
    if (gp == nullptr) gp = runqget(pp, &inherit);
    if (gp == nullptr) gp = findrunnable(&inherit);
    if (gp == nullptr) m0_leave(mp);
    if (mp->spinning) resetspinning(mp);
    execute(gp, inherit);
  }
}

GOSTACK_HOT void execute(G* gp, bool inherit_time) {
  M* mp = curm();
  P* pp = mp->p;
  __atomic_store_n(&mp->curg, gp, __ATOMIC_RELEASE);
  gp->m = mp;
  casgstatus(gp, Grunnable, Grunning);
  // sysmon may write a stale preempt request into gp at any time: atomics on both sides. A
  // shrink request from runtime·GC stays, for gp's first prologue check.
  if (__atomic_load_n(&gp->stackguard0, __ATOMIC_RELAXED) == abi::kStackPreempt &&
      !__atomic_load_n(&gp->preemptShrink, __ATOMIC_RELAXED))
    __atomic_store_n(&gp->stackguard0, gp->stack.lo + abi::kStackGuard, __ATOMIC_RELAXED);
  if (!inherit_time) __atomic_store_n(&pp->schedtick, pp->schedtick + 1, __ATOMIC_RELAXED);
  counter_add(pp->runs, 1);
  rt_gogo(&gp->sched);
}

void wakep() {
  if (sched.npidle.load(std::memory_order_acquire) == 0) return;
  int32_t zero = 0;
  if (sched.nmspinning.load(std::memory_order_acquire) != 0 ||
      !sched.nmspinning.compare_exchange_strong(zero, 1, std::memory_order_acq_rel))
    return;
  startm(nullptr, true);
}

void readyg(G* gp, bool next) {
  G* g = getg();
  P* pp = g != nullptr && g->m != nullptr ? g->m->p : nullptr;
  if (pp != nullptr) {
    runqput(pp, gp, next);
    if (main_started.load(std::memory_order_relaxed)) wakep();
    return;
  }
  injectglist(&gp, 1, nullptr, nullptr);
}

void injectglist(G* const* gs, int n, void (*settle)(int n, void* arg), void* arg) {
  {
    LockGuard guard(sched.lock);
    for (int i = 0; i < n; i++) globrunqput(gs[i]);
    if (settle != nullptr) settle(n, arg);
  }
  // Not wakep: a spinning M may be about to give up without looking at the global queue.
  for (int i = 0; i < n && sched.npidle.load(std::memory_order_acquire) > 0; i++) startm(nullptr, false);
}

void wake_m0_for(const ExitWaiter* w) {
  lock(sched.lock);
  if (sched.m0wait == w && sched.m0idle) {
    mremove(m0());
    m0()->nextp = nullptr;
    unlock(sched.lock);
    notewakeup(m0()->park);
    return;
  }
  unlock(sched.lock);
}

void mstart_runtime() {
  // Gs queued before the first entry (not counting runnext, which m0 runs next) need Ps.
  P* pp = curm()->p;
  if (pp != nullptr && pp->runqhead.load(std::memory_order_acquire) != pp->runqtail.load(std::memory_order_acquire))
    wakep();
  if (main_started.exchange(true)) return;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t t;
  if (::pthread_create(&t, &attr, sysmon_thread, nullptr) != 0) throw_fatal("cannot create sysmon thread");
  pthread_attr_destroy(&attr);
}

void entersyscall_m(G* gp) {
  M* mp = curm();
  P* pp = mp->p;
  gp->syscallsp = gp->sched.sp;
  casgstatus(gp, Grunning, Gsyscall);
  // A new tick: sysmon measures the call from now (Go keeps a separate syscalltick).
  __atomic_store_n(&pp->schedtick, pp->schedtick + 1, __ATOMIC_RELAXED);
  mp->oldp = pp;
  mp->p = nullptr;
  __atomic_store_n(&pp->m, static_cast<M*>(nullptr), __ATOMIC_RELEASE);
  pp->status.store(Psyscall, std::memory_order_release);
}

bool exitsyscall_fast(G* gp) {
  M* mp = curm();
  P* oldp = mp->oldp;
  mp->oldp = nullptr;
  uint32_t expect = Psyscall;
  P* pp = nullptr;
  if (oldp != nullptr && oldp->status.compare_exchange_strong(expect, Pidle, std::memory_order_acq_rel)) {
    pp = oldp;
  } else {
    LockGuard guard(sched.lock);
    pp = pidleget();
  }
  if (pp == nullptr) return false;
  acquirep(pp);
  gp->syscallsp = 0;
  casgstatus(gp, Gsyscall, Grunning);
  return true;
}

void exitsyscall_park(G* gp) {
  M* mp = curm();
  gp->syscallsp = 0;
  casgstatus(gp, Gsyscall, Grunnable);
  dropg(mp, gp);
  {
    LockGuard guard(sched.lock);
    globrunqput(gp);
  }
  stopm();
  schedule();
}

}  // namespace gostack::rt
