// The public C++ API (include/gostack/runtime.h) over the scheduler.
#include "gostack/runtime.h"

#include <unistd.h>

#include <string>

#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/sched.h"
#include "runtime/stack.h"
#include "runtime/stackcopy.h"
#include "runtime/stats.h"

namespace gostack::runtime {

namespace detail {
struct Pending {
  rt::FuncVal fv;
  rt::ExitWaiter waiter;
};
}  // namespace detail

void start(const Options& opts) {
  rt::schedinit(1);
  if (opts.max_stack != 0) rt::maxstacksize = opts.max_stack;
  if (opts.debug_stack) rt::stack_debug().log_moves = true;
}

const void* resolve_symbol(std::string_view name) {
  if (name == "gostack_tls_g") return &rt::gostack_tls_g;
  return rt::runtime_symbol(std::string(name).c_str());
}

Stats stats() {
  rt::RuntimeStats s = rt::runtime_stats();
  return {s.goroutines_created, s.gfree_reused,       s.stack_grows,      s.stack_shrinks,
          s.stack_copied_bytes, s.stack_inuse_bytes, s.stack_peak_bytes, s.stack_sys_bytes};
}

namespace detail {

Pending* spawn(const void* fn, void* frame, std::size_t size) {
  if (!rt::runtime_started()) rt::throw_fatal("gostack::runtime::go before start");
  auto* p = new Pending;
  p->fv.fn = reinterpret_cast<uintptr_t>(fn);
  rt::G* gp = rt::spawn_goroutine(&p->fv, frame, static_cast<int32_t>(size));
  // The results land in the caller's frame buffer when the goroutine exits, even before wait().
  p->waiter.frame = frame;
  p->waiter.len = size;
  gp->waiter = &p->waiter;
  return p;
}

void wait(Pending* p) {
  while (!p->waiter.done) {
    // Returns when a waited-for goroutine exits (perhaps another one) or nothing is runnable.
    if (!rt::run_scheduler() && !p->waiter.done) {
      rt::fatal_deadlock();
      ::_exit(2);
    }
  }
  delete p;
}

}  // namespace detail
}  // namespace gostack::runtime
