// Run queues: per-P lock-free ring with runnext, work stealing, and the global queue.
#include "runtime/runq.h"

#include <unistd.h>

#include "runtime/print.h"

namespace gostack::rt {

namespace {

constexpr uint32_t kRunqSize = kLocalRunQueue;

// Thieves are the other Ps' Ms. With one P there are none, and only the M holding the P
// touches its queue (the P changes hands through locks and status changes that order the two
// holders), so the owner's takes need no CAS or exchange: ordered loads and stores do, for
// readers such as runqempty. That saves the switch paths their locked instructions.
bool no_thieves() { return allp.size() == 1; }

// Moves half of a full local queue plus gp to the global queue. False if a thief took
// something meanwhile (then the queue has room and the caller retries the fast path).
bool runqputslow(P* pp, G* gp, uint32_t h, uint32_t t) {
  G* batch[kRunqSize / 2 + 1];
  uint32_t n = (t - h) / 2;
  if (n != kRunqSize / 2) throw_fatal("runqputslow: queue is not full");
  for (uint32_t i = 0; i < n; i++) batch[i] = pp->runq[(h + i) % kRunqSize].load(std::memory_order_relaxed);
  if (!pp->runqhead.compare_exchange_strong(h, h + n, std::memory_order_release)) return false;
  batch[n] = gp;
  GQueue q;
  for (uint32_t i = 0; i <= n; i++) q.pushBack(batch[i]);
  LockGuard guard(sched.lock);
  sched.runq.pushBackAll(q);
  sched.runqsize += static_cast<int32_t>(n + 1);
  return true;
}

// Copies half of pp's queue into batch starting at batch_head (a ring of kRunqSize) and
// commits the removal. Returns how many were taken.
uint32_t runqgrab(P* pp, std::atomic<G*>* batch, uint32_t batch_head, bool steal_runnext) {
  for (;;) {
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);
    uint32_t t = pp->runqtail.load(std::memory_order_acquire);
    uint32_t n = t - h;
    n = n - n / 2;
    if (n == 0) {
      if (steal_runnext) {
        G* next = pp->runnext.load(std::memory_order_acquire);
        if (next != nullptr) {
          if (pp->status.load(std::memory_order_relaxed) == Prunning) {
            // Give the victim a moment to run the G it probably just readied (Go: 3 us),
            // rather than bouncing it between Ps.
            ::usleep(3);
          }
          if (!pp->runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel)) continue;
          batch[batch_head % kRunqSize].store(next, std::memory_order_relaxed);
          return 1;
        }
      }
      return 0;
    }
    if (n > kRunqSize / 2) continue;  // h and t read at different times: inconsistent
    for (uint32_t i = 0; i < n; i++) {
      G* g = pp->runq[(h + i) % kRunqSize].load(std::memory_order_relaxed);
      batch[(batch_head + i) % kRunqSize].store(g, std::memory_order_relaxed);
    }
    if (pp->runqhead.compare_exchange_strong(h, h + n, std::memory_order_release)) return n;
  }
}

}  // namespace

void runqput(P* pp, G* gp, bool next) {
  if (next) {
    G* old = nullptr;
    if (no_thieves()) {
      old = pp->runnext.load(std::memory_order_relaxed);
      pp->runnext.store(gp, std::memory_order_release);
    } else {
      old = pp->runnext.exchange(gp, std::memory_order_acq_rel);
    }
    if (old == nullptr) return;
    gp = old;  // the displaced runnext goes to the regular queue
  }
  for (;;) {
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);
    uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
    if (t - h < kRunqSize) {
      pp->runq[t % kRunqSize].store(gp, std::memory_order_relaxed);
      pp->runqtail.store(t + 1, std::memory_order_release);  // publishes the slot
      return;
    }
    if (runqputslow(pp, gp, h, t)) return;
  }
}

G* runqget(P* pp, bool* inherit_time) {
  // Only the owner sets runnext non-null, so a failed CAS means a thief took it: no retry.
  bool alone = no_thieves();
  G* next = pp->runnext.load(std::memory_order_acquire);
  if (next != nullptr) {
    bool took = true;
    if (alone)
      pp->runnext.store(nullptr, std::memory_order_relaxed);
    else
      took = pp->runnext.compare_exchange_strong(next, nullptr, std::memory_order_acq_rel);
    if (took) {
      if (inherit_time) *inherit_time = true;
      return next;
    }
  }
  if (inherit_time) *inherit_time = false;
  for (;;) {
    uint32_t h = pp->runqhead.load(std::memory_order_acquire);
    uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
    if (t == h) return nullptr;
    G* gp = pp->runq[h % kRunqSize].load(std::memory_order_relaxed);
    if (alone) {
      pp->runqhead.store(h + 1, std::memory_order_release);
      return gp;
    }
    if (pp->runqhead.compare_exchange_strong(h, h + 1, std::memory_order_release)) return gp;
  }
}

bool runqempty(const P* pp) {
  // Read head, tail, runnext, then tail again: if tail did not move, the three reads describe
  // one moment (a put into runnext that kicks a G to the tail moves tail).
  for (;;) {
    uint32_t head = pp->runqhead.load(std::memory_order_acquire);
    uint32_t tail = pp->runqtail.load(std::memory_order_acquire);
    G* next = pp->runnext.load(std::memory_order_acquire);
    if (tail == pp->runqtail.load(std::memory_order_acquire)) return head == tail && next == nullptr;
  }
}

G* runqsteal(P* pp, P* p2, bool steal_runnext) {
  uint32_t t = pp->runqtail.load(std::memory_order_relaxed);
  uint32_t n = runqgrab(p2, pp->runq, t, steal_runnext);
  if (n == 0) return nullptr;
  n--;
  G* gp = pp->runq[(t + n) % kRunqSize].load(std::memory_order_relaxed);
  if (n == 0) return gp;
  uint32_t h = pp->runqhead.load(std::memory_order_acquire);
  if (t - h + n >= kRunqSize) throw_fatal("runqsteal: runq overflow");
  pp->runqtail.store(t + n, std::memory_order_release);
  return gp;
}

void globrunqput(G* gp) {
  sched.runq.pushBack(gp);
  sched.runqsize++;
}

G* globrunqget(P* pp, int32_t max) {
  if (sched.runqsize == 0) return nullptr;
  int32_t n = sched.runqsize / static_cast<int32_t>(allp.size()) + 1;
  if (n > sched.runqsize) n = sched.runqsize;
  if (max > 0 && n > max) n = max;
  if (n > static_cast<int32_t>(kRunqSize / 2)) n = kRunqSize / 2;
  sched.runqsize -= n;
  G* gp = sched.runq.pop();
  for (n--; n > 0; n--) runqput(pp, sched.runq.pop(), false);
  return gp;
}

}  // namespace gostack::rt
