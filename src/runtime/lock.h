// The runtime's mutex: a futex-based lock with spinning, after Go's lock_futex.go.
#pragma once

#include <atomic>
#include <cstdint>

namespace gostack::rt {

// A zero-initialised Mutex is unlocked. While an M holds runtime locks its m.locks count is
// raised, which (as in Go) will forbid preempting it.
struct Mutex {
  std::atomic<uint32_t> key{0};  // 0 unlocked, 1 locked, 2 locked with sleepers
};

void lock(Mutex& l);
void unlock(Mutex& l);  // throws "unlock of unlocked lock" on misuse

// A one-shot event (Go's note): one thread sleeps until another wakes it. noteclear before
// reuse; notewakeup at most once per clear; notesleep returns at once if already woken.
struct Note {
  std::atomic<uint32_t> key{0};
};
void noteclear(Note& n);
void notewakeup(Note& n);
void notesleep(Note& n);
// Sleeps until woken or `ns` nanoseconds pass; true if woken.
bool notetsleep(Note& n, int64_t ns);

// Scoped holder for C++ code paths.
class LockGuard {
 public:
  explicit LockGuard(Mutex& l) : l_(l) { lock(l_); }
  ~LockGuard() { unlock(l_); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  Mutex& l_;
};

}  // namespace gostack::rt
