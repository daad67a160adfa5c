// The runtime's futex mutex (after Go's lock_futex.go): try, spin, yield, then sleep in the kernel.
#include "runtime/lock.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/print.h"
#include "runtime/runtime2.h"

namespace gostack::rt {

namespace {

constexpr uint32_t kUnlocked = 0;
constexpr uint32_t kLocked = 1;
constexpr uint32_t kSleeping = 2;  // locked, and some thread may be asleep on the futex

constexpr int kActiveSpin = 4;       // rounds of busy spinning (only with more than one CPU)
constexpr int kActiveSpinPauses = 30;
constexpr int kPassiveSpin = 1;      // rounds of sched_yield

void futexsleep(std::atomic<uint32_t>* addr, uint32_t val, const struct timespec* ts = nullptr) {
  // Sleeps only if *addr still holds val; spurious wake-ups are fine, the caller loops.
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(addr), FUTEX_WAIT_PRIVATE, val, ts, nullptr, 0);
}

void futexwakeup(std::atomic<uint32_t>* addr, int n) {
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(addr), FUTEX_WAKE_PRIVATE, n, nullptr, nullptr, 0);
}

int ncpu() {
  static const int n = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  return n;
}

void adjust_m_locks(int delta) {
  G* gp = getg();
  if (gp == nullptr || gp->m == nullptr) return;  // a thread the runtime does not own
  gp->m->locks += delta;
  if (gp->m->locks < 0) throw_fatal("runtime·unlock: lock count");
}

}  // namespace

void lock(Mutex& l) {
  adjust_m_locks(+1);
  // Speculative grab for the uncontended case.
  uint32_t v = l.key.exchange(kLocked, std::memory_order_acquire);
  if (v == kUnlocked) return;

  // v is kLocked or kSleeping. Whatever we set key to on success must keep
  // any sleeper recorded, so "wait" remembers the strongest state seen.
  uint32_t wait = v;
  int spin = ncpu() > 1 ? kActiveSpin : 0;
  for (;;) {
    for (int i = 0; i < spin; i++) {
      uint32_t expect = kUnlocked;
      if (l.key.load(std::memory_order_relaxed) == kUnlocked &&
          l.key.compare_exchange_strong(expect, wait, std::memory_order_acquire))
        return;
      for (int k = 0; k < kActiveSpinPauses; k++) __builtin_ia32_pause();
    }
    for (int i = 0; i < kPassiveSpin; i++) {
      uint32_t expect = kUnlocked;
      if (l.key.load(std::memory_order_relaxed) == kUnlocked &&
          l.key.compare_exchange_strong(expect, wait, std::memory_order_acquire))
        return;
      ::sched_yield();
    }
    v = l.key.exchange(kSleeping, std::memory_order_acquire);
    if (v == kUnlocked) return;
    wait = kSleeping;
    futexsleep(&l.key, kSleeping);
  }
}

void unlock(Mutex& l) {
  uint32_t v = l.key.exchange(kUnlocked, std::memory_order_release);
  if (v == kUnlocked) throw_fatal("unlock of unlocked lock");
  if (v == kSleeping) futexwakeup(&l.key, 1);
  adjust_m_locks(-1);
}

void noteclear(Note& n) { n.key.store(0, std::memory_order_relaxed); }

void notewakeup(Note& n) {
  uint32_t old = n.key.exchange(1, std::memory_order_release);
  if (old != 0) throw_fatal("notewakeup - double wakeup");
  futexwakeup(&n.key, 1);
}

void notesleep(Note& n) {
  while (n.key.load(std::memory_order_acquire) == 0) futexsleep(&n.key, 0);
}

bool notetsleep(Note& n, int64_t ns) {
  struct timespec now;
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  int64_t deadline = now.tv_sec * 1000000000LL + now.tv_nsec + ns;
  while (n.key.load(std::memory_order_acquire) == 0) {
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t left = deadline - (now.tv_sec * 1000000000LL + now.tv_nsec);
    if (left <= 0) return false;
    struct timespec ts{static_cast<time_t>(left / 1000000000LL), static_cast<long>(left % 1000000000LL)};
    futexsleep(&n.key, 0, &ts);
  }
  return true;
}

}  // namespace gostack::rt
