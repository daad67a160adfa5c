// ThreadSanitizer bookkeeping for the runtime's stack switches (no-ops in other builds).
//
// C++ runs only on g0, but it leaves by gogo and comes back through mcall/morestack at the
// top of g0's stack: every C++ activation that switched to a goroutine is abandoned without
// returning. TSan keeps a shadow call stack per fiber that would grow with each abandoned
// activation, so each fresh entry to C++ from assembly (tsan_g0_enter) moves the thread to a
// new TSan fiber and destroys the abandoned one; run_scheduler's return to its C++ caller
// (tsan_g0_leave) switches back to the thread's own fiber. Goroutine code is not
// instrumented, so goroutines need no fibers of their own; the happens-before edges between
// Ms come from the runtime's atomics and locks, which TSan sees.
#pragma once

#if defined(__SANITIZE_THREAD__)
#define GOSTACK_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GOSTACK_TSAN 1
#endif
#endif

#ifdef GOSTACK_TSAN
#include <sanitizer/tsan_interface.h>
#endif

namespace gostack::rt {

#ifdef GOSTACK_TSAN
namespace tsan_detail {
inline thread_local void* thread_fiber = nullptr;  // the thread's own fiber (before any entry)
inline thread_local void* g0_fiber = nullptr;      // the fiber of the current C++ activation
inline thread_local unsigned entries = 0;          // since g0_fiber was made
constexpr unsigned kEntriesPerFiber = 512;          // at most ~10 stale frames each
}  // namespace tsan_detail

inline void tsan_g0_enter() {
  using namespace tsan_detail;
  if (g0_fiber != nullptr && ++entries < kEntriesPerFiber) return;
  entries = 0;
  if (thread_fiber == nullptr) thread_fiber = __tsan_get_current_fiber();
  void* old = g0_fiber;
  void* fresh = __tsan_create_fiber(0);
  __tsan_switch_to_fiber(fresh, 0);
  g0_fiber = fresh;
  if (old != nullptr) __tsan_destroy_fiber(old);
}

inline void tsan_g0_leave() {
  using namespace tsan_detail;
  void* cur = g0_fiber;
  g0_fiber = nullptr;
  entries = 0;
  if (cur == nullptr) return;
  __tsan_switch_to_fiber(thread_fiber, 0);
  __tsan_destroy_fiber(cur);
}
#else
inline void tsan_g0_enter() {}
inline void tsan_g0_leave() {}
#endif

}  // namespace gostack::rt
