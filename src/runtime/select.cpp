// Go's select statement (after Go's select.go): runtime·selectgo for assembled code and
// select_thread for C++ threads, the per-P sudog cache a G parked on several channels draws
// from, and the channel locking that lets the stack of a G parked in select move.
//
// selectgo runs as two mcalls (asm_amd64.s). The first polls the cases in a random order with
// every channel locked and either completes one (the G resumes with AX = 0) or queues one
// sudog per case and parks. The first channel to claim the G (g.selectDone 0 -> 1, under that
// channel's lock) completes its case and wakes the G with the winning sudog in AX; the second
// mcall then takes the other sudogs off their queues and stores the results.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/chan.h"
#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/sched.h"
#include "runtime/tsan_fiber.h"

namespace gostack::rt {
namespace {

constexpr int32_t kSudogCacheMax = 128;  // per P, as Go's cap(pp.sudogcache)
constexpr int64_t kMaxCases = 1 << 16;   // the poll and lock orders are uint16 indices

// runtime·selectgo's ABI0 frame: selectgo(cas0 *scase, order0 *uint16, pc0 *uintptr,
// nsends int, nrecvs int, block bool) (int, bool). cas0 holds the send cases then the
// receive cases; order0 is the caller's scratch of 2 * ncases uint16s (the poll order, then
// the lock order); pc0 is for the race detector and unused here.
struct SelectFrame {
  Scase* cas0;
  uint16_t* order0;
  uintptr_t* pc0;
  int64_t nsends;
  int64_t nrecvs;
  bool block;
  int64_t casi;  // result: the case chosen, -1 when none was ready and !block
  bool recvOK;   // result: a receive case got a value (false: its channel is closed)
};
static_assert(offsetof(SelectFrame, block) == 40 && offsetof(SelectFrame, casi) == 48 &&
              offsetof(SelectFrame, recvOK) == 56);

// A select in progress: the frame's cases and the lock order of the norder cases whose
// channel is not nil (sorted by channel address, so equal channels are adjacent).
struct Select {
  Scase* cases;
  uint16_t* lockorder;
  int64_t nsends;
  int64_t norder;
  Hchan* chan(int64_t k) const { return cases[lockorder[k]].c; }
};

// Go's fastrandn: a uniform value in [0, n) from the M's random state, or on a plain thread
// (select_thread) from one of its own.
uint32_t fastrandn(uint32_t n) {
  thread_local uint32_t thread_state = 0;
  uint32_t r;
  if (G* g = getg()) {
    r = fastrand(g->m);
  } else {
    if (thread_state == 0) thread_state = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(&thread_state) >> 4) | 1;
    r = xorshift32(thread_state);
  }
  return static_cast<uint32_t>((uint64_t{r} * n) >> 32);
}

// Locks every channel once, in address order (Go's sellock).
void sellock(const Select& s) {
  Hchan* last = nullptr;
  for (int64_t k = 0; k < s.norder; k++) {
    Hchan* c = s.chan(k);
    if (c != last) lock(c->lock);
    last = c;
  }
}

// Unlocks them in reverse order, the first (lowest) channel last: while it is held nobody
// else finishes a select-parked G's wakeup or moves its stack (see lock_parked_chans), so the
// lock order in the G's stack stays readable to the end.
void selunlock(const Select& s) {
  for (int64_t k = s.norder - 1; k >= 0; k--) {
    Hchan* c = s.chan(k);
    if (k > 0 && c == s.chan(k - 1)) continue;
    unlock(c->lock);
  }
}

// The unlockf of a select park (Go's selparkcommit): gp is Gwaiting and off its M.
bool selparkcommit(G*, void* arg) {
  selunlock(*static_cast<const Select*>(arg));
  return true;
}

// Go's acquireSudog: a clean sudog from this P's cache, refilled from the central pool up to
// half its size, or a new one.
Sudog* acquire_sudog() {
  P* pp = getg()->m->p;
  if (pp->sudogcache == nullptr) {
    lock(sched.sudoglock);
    while (pp->nsudogcache < kSudogCacheMax / 2 && sched.sudogcache != nullptr) {
      Sudog* sg = sched.sudogcache;
      sched.sudogcache = sg->next;
      sg->next = pp->sudogcache;
      pp->sudogcache = sg;
      pp->nsudogcache++;
    }
    unlock(sched.sudoglock);
    if (pp->sudogcache == nullptr) return new Sudog;  // kept for good, like every channel
  }
  Sudog* sg = pp->sudogcache;
  pp->sudogcache = sg->next;
  pp->nsudogcache--;
  sg->next = nullptr;
  return sg;
}

// Go's releaseSudog: back to this P's cache; a full cache gives half to the central pool.
void release_sudog(Sudog* sg) {
  *sg = Sudog{};
  P* pp = getg()->m->p;
  if (pp->nsudogcache == kSudogCacheMax) {
    Sudog* first = nullptr;
    Sudog* last = nullptr;
    for (; pp->nsudogcache > kSudogCacheMax / 2; pp->nsudogcache--) {
      Sudog* s = pp->sudogcache;
      pp->sudogcache = s->next;
      s->next = first;
      first = s;
      if (last == nullptr) last = s;
    }
    lock(sched.sudoglock);
    last->next = sched.sudogcache;
    sched.sudogcache = first;
    unlock(sched.sudoglock);
  }
  sg->next = pp->sudogcache;
  pp->sudogcache = sg;
  pp->nsudogcache++;
}

[[noreturn]] void finish(G* gp, SelectFrame* f, int64_t casi, bool recvOK) {
  f->casi = casi;
  f->recvOK = recvOK;
  resume(gp);
}

[[noreturn]] void send_on_closed(const Select& s) {
  selunlock(s);
  fatalpanic("send on closed channel");
}

// The poll order, a random permutation of the cases with a channel (inside-out
// Fisher-Yates; a nil channel's case never becomes ready, so it is neither polled nor
// locked), and the lock order, the same cases sorted by channel address. order holds
// 2 * ncases uint16s.
Select order_cases(Scase* cases, int64_t ncases, int64_t nsends, uint16_t* order) {
  uint16_t* pollorder = order;
  uint16_t* lockorder = order + ncases;
  int64_t norder = 0;
  for (int64_t i = 0; i < ncases; i++) {
    if (cases[i].c == nullptr) continue;
    uint32_t j = fastrandn(static_cast<uint32_t>(norder + 1));
    pollorder[norder] = pollorder[j];
    pollorder[j] = static_cast<uint16_t>(i);
    norder++;
  }
  std::copy(pollorder, pollorder + norder, lockorder);
  std::sort(lockorder, lockorder + norder, [cases](uint16_t a, uint16_t b) {
    return reinterpret_cast<uintptr_t>(cases[a].c) < reinterpret_cast<uintptr_t>(cases[b].c);
  });
  return Select{cases, lockorder, nsends, norder};
}

// With every channel locked: completes the first ready case in poll order (pollorder[0,
// norder)), unlocks them all and returns its index with *recvOK; -1, all still locked, when
// no case is ready.
int64_t poll_ready(const Select& s, const uint16_t* pollorder, bool* recvOK) {
  for (int64_t k = 0; k < s.norder; k++) {
    int64_t casi = pollorder[k];
    Hchan* c = s.cases[casi].c;
    void* elem = s.cases[casi].elem;
    if (casi < s.nsends) {
      if (c->closed) send_on_closed(s);
      if (Sudog* sg = c->recvq.dequeue()) {
        send_direct(c, sg, elem);
        selunlock(s);
        wake(sg);
      } else if (c->qcount < c->dataqsiz) {
        buf_put(c, elem);
        selunlock(s);
      } else {
        continue;
      }
      *recvOK = false;
      return casi;
    }
    *recvOK = true;
    if (Sudog* sg = c->sendq.dequeue()) {
      recv_direct(c, sg, elem);
      selunlock(s);
      wake(sg);
      return casi;
    }
    if (c->qcount > 0) {
      buf_take(c, elem);
      selunlock(s);
      return casi;
    }
    if (c->closed) {
      selunlock(s);
      clear_elem(c, elem);
      *recvOK = false;
      return casi;
    }
  }
  return -1;
}

// Queues sg for case lockorder[k] (channels locked).
void enqueue_case(const Select& s, int64_t k, Sudog* sg) {
  int64_t casi = s.lockorder[k];
  sg->isSelect = true;
  sg->elem = s.cases[casi].elem;
  sg->c = s.cases[casi].c;
  if (casi < s.nsends)
    s.cases[casi].c->sendq.enqueue(sg);
  else
    s.cases[casi].c->recvq.enqueue(sg);
}

// Takes every sudog of a woken select but `won` off its queue (all channels locked); sg
// starts their waitlink list, in lock order. Returns won's case. release (if not nullptr)
// disposes of each sudog.
int64_t dequeue_losers(const Select& s, Sudog* sg, const Sudog* won, void (*release)(Sudog*)) {
  int64_t casi = -1;
  for (int64_t k = 0; k < s.norder; k++) {
    int64_t i = s.lockorder[k];
    if (sg == won)
      casi = i;
    else if (i < s.nsends)
      s.cases[i].c->sendq.remove_if_queued(sg);
    else
      s.cases[i].c->recvq.remove_if_queued(sg);
    Sudog* following = sg->waitlink;
    if (release != nullptr) release(sg);
    sg = following;
  }
  if (casi < 0) throw_fatal("selectgo: bad wakeup");
  return casi;
}

// Go's selectgo up to the park: on g0 for gp, stopped in runtime·selectgo.
[[noreturn]] void select_poll(G* gp, SelectFrame* f) {
  int64_t ncases = f->nsends + f->nrecvs;
  if (f->nsends < 0 || f->nrecvs < 0 || ncases > kMaxCases) throw_fatal("selectgo: bad number of cases");
  if (ncases == 0) {
    if (f->block) gopark(gp, nullptr, nullptr, WaitReason::SelectNoCases);  // for good
    finish(gp, f, -1, false);
  }
  Select s = order_cases(f->cas0, ncases, f->nsends, f->order0);
  sellock(s);
  bool recvOK;
  int64_t casi = poll_ready(s, f->order0, &recvOK);
  if (casi >= 0) finish(gp, f, casi, recvOK);
  if (!f->block) {
    selunlock(s);
    finish(gp, f, -1, false);
  }

  // Wait on every channel: one sudog per case, listed from gp->waiting in lock order.
  Sudog** nextp = &gp->waiting;
  for (int64_t k = 0; k < s.norder; k++) {
    Sudog* sg = acquire_sudog();
    sg->g = gp;
    enqueue_case(s, k, sg);
    *nextp = sg;
    nextp = &sg->waitlink;
  }
  *nextp = nullptr;
  gp->parkingOnChan.store(s.norder > 0 ? s.chan(0) : nullptr, std::memory_order_relaxed);
  // Every case has a nil channel: no sudog, no lock, parked for good as in Go.
  gopark(gp, s.norder > 0 ? selparkcommit : nullptr, &s, WaitReason::Select);
}

// Go's selectgo after the park: gp was woken by the case whose sudog is `won`.
[[noreturn]] void select_woken(G* gp, SelectFrame* f, Sudog* won) {
  int64_t ncases = f->nsends + f->nrecvs;
  Select s{f->cas0, f->order0 + ncases, f->nsends, 0};
  for (int64_t i = 0; i < ncases; i++) s.norder += f->cas0[i].c != nullptr;
  sellock(s);
  gp->selectDone.store(0, std::memory_order_relaxed);
  gp->parkingOnChan.store(nullptr, std::memory_order_relaxed);
  Sudog* sg = gp->waiting;
  gp->waiting = nullptr;
  bool success = won->success;  // read before the sudog goes back to the cache
  int64_t casi = dequeue_losers(s, sg, won, release_sudog);
  if (casi < s.nsends && !success) send_on_closed(s);  // its channel was closed
  selunlock(s);
  finish(gp, f, casi, casi >= s.nsends && success);
}

// A plain thread blocked in select: its sudogs point here through Sudog::waiter (isSelect
// with g == nullptr). The channel that wins `claimed` records its sudog in `won`; wake() then
// ends the wait (done for m0 in run_scheduler, the note for any other thread).
struct SelectWaiter : ExitWaiter {
  std::atomic<uint8_t> claimed{0};
  Sudog* won = nullptr;
};

}  // namespace

bool claim_select(Sudog* sg) {
  uint8_t open = 0;
  if (sg->g != nullptr) return sg->g->selectDone.compare_exchange_strong(open, 1, std::memory_order_acq_rel);
  auto* w = static_cast<SelectWaiter*>(sg->waiter);
  if (!w->claimed.compare_exchange_strong(open, 1, std::memory_order_acq_rel)) return false;
  w->won = sg;
  return true;
}

int64_t select_thread(Scase* cases, int64_t nsends, int64_t nrecvs, bool block, bool* recvOK) {
  int64_t ncases = nsends + nrecvs;
  if (nsends < 0 || nrecvs < 0 || ncases > kMaxCases) throw_fatal("select: bad number of cases");
  std::vector<uint16_t> order(static_cast<size_t>(2 * ncases));
  Select s = order_cases(cases, ncases, nsends, order.data());
  sellock(s);
  int64_t casi = poll_ready(s, order.data(), recvOK);
  if (casi >= 0) return casi;
  *recvOK = false;
  if (!block) {
    selunlock(s);
    return -1;
  }
  if (s.norder == 0) throw_fatal("select: no case with a channel, from a thread: blocks forever");
  SelectWaiter w;
  bool on_m0 = runs_goroutines_while_blocked();
  w.thread = !on_m0;
  std::vector<Sudog> sgs(static_cast<size_t>(s.norder));
  for (int64_t k = 0; k < s.norder; k++) {
    sgs[k].waiter = &w;
    enqueue_case(s, k, &sgs[k]);
    sgs[k].waitlink = k + 1 < s.norder ? &sgs[k + 1] : nullptr;
  }
  selunlock(s);
  if (on_m0)
    run_scheduler(&w);
  else
    notesleep(w.note);
  sellock(s);
  bool success = w.won->success;
  casi = dequeue_losers(s, sgs.data(), w.won, nullptr);
  if (casi < nsends && !success) send_on_closed(s);
  selunlock(s);
  *recvOK = casi >= nsends && success;
  return casi;
}

// The lowest channel's lock comes first, as everywhere. Holding it, the G's list of sudogs
// stays as it was parked: the G itself only changes it in select_woken, after locking that
// same channel. With all of them held and selectDone still 0, no case has claimed the G and
// none can.
bool lock_parked_chans(G* gp) {
  auto* c0 = static_cast<Hchan*>(gp->parkingOnChan.load(std::memory_order_relaxed));
  if (c0 == nullptr) return false;
  lock(c0->lock);
  if (gp->parkingOnChan.load(std::memory_order_relaxed) != c0 || readgstatus(gp) != Gwaiting) {
    unlock(c0->lock);
    return false;
  }
  Sudog* first = gp->waiting;
  if (!first->isSelect) return true;
  if (gp->selectDone.load(std::memory_order_acquire) != 0) {  // claimed: about to run
    unlock(c0->lock);
    return false;
  }
  Hchan* last = c0;
  for (Sudog* sg = first->waitlink; sg != nullptr; sg = sg->waitlink) {
    auto* c = static_cast<Hchan*>(sg->c);
    if (c != last) lock(c->lock);
    last = c;
  }
  if (gp->selectDone.load(std::memory_order_acquire) == 0) return true;
  unlock_parked_chans(gp);
  return false;
}

// The lowest channel goes last: until then the G cannot change its list (select_woken locks
// that channel first), and nothing read here (c, waitlink) is written by the channels' other
// users, who may take a sudog off its queue as soon as its channel is unlocked.
void unlock_parked_chans(G* gp) {
  Sudog* first = gp->waiting;
  auto* c0 = static_cast<Hchan*>(first->c);
  if (first->isSelect) {
    Hchan* last = c0;
    for (Sudog* sg = first->waitlink; sg != nullptr; sg = sg->waitlink) {
      auto* c = static_cast<Hchan*>(sg->c);
      if (c != last) unlock(c->lock);
      last = c;
    }
  }
  unlock(c0->lock);
}

}  // namespace gostack::rt

// ---- entry points of the assembly stubs (asm_amd64.s), on g0 with the caller stopped ----

using namespace gostack::rt;

extern "C" {

// The first half of runtime·selectgo; slot[0] is selectgo's argument pointer.
[[noreturn]] void gostack_selectpoll_m(G* gp, void** slot) {
  tsan_g0_enter();
  select_poll(gp, static_cast<SelectFrame*>(slot[0]));
}

// The second half, after a wakeup: slot[1] is the winning sudog.
[[noreturn]] void gostack_selectwoken_m(G* gp, void** slot) {
  tsan_g0_enter();
  select_woken(gp, static_cast<SelectFrame*>(slot[0]), static_cast<Sudog*>(slot[1]));
}

}  // extern "C"
