// The runtime's futex mutex (after Go's lock_futex.go): try, spin, yield, then sleep in the kernel.
#include "runtime/lock.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
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

void futexsleep(std::atomic<uint32_t>* addr, uint32_t val) {
  // Sleeps only if *addr still holds val; spurious wake-ups are fine, the caller loops.
  ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(addr), FUTEX_WAIT_PRIVATE, val, nullptr, nullptr, 0);
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

}  // namespace gostack::rt
