// The public C++ API (include/gostack/runtime.h) over the scheduler.
#include "gostack/runtime.h"

#include <unistd.h>

#include <string>
#include <vector>

#include "runtime/chan.h"
#include "runtime/mproc.h"
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
  rt::schedinit(opts.maxprocs > 0 ? opts.maxprocs : rt::default_maxprocs());
  rt::set_deadlock_check(opts.deadlock_check);
  if (opts.max_stack != 0) rt::maxstacksize = opts.max_stack;
  if (opts.debug_stack) rt::stack_debug().log_moves = true;
}

const void* resolve_symbol(std::string_view name) {
  if (name == "gostack_tls_g") return &rt::gostack_tls_g;
  return rt::runtime_symbol(std::string(name).c_str());
}

std::vector<PStats> p_stats() {
  std::vector<PStats> out;
  for (int32_t i = 0; i < rt::gomaxprocs(); i++) {
    rt::PStats s = rt::p_stats(i);
    out.push_back({s.id, s.runs, s.steals, s.stolen_gs, s.global_gets, s.parks, s.preempts});
  }
  return out;
}

Stats stats() {
  rt::RuntimeStats s = rt::runtime_stats();
  return {s.goroutines_created, s.gfree_reused,       s.stack_grows,      s.stack_shrinks,
          s.stack_copied_bytes, s.stack_inuse_bytes, s.stack_peak_bytes, s.stack_sys_bytes};
}

namespace detail {

void* make_chan(std::size_t elemsize, std::size_t capacity) {
  if (!rt::runtime_started()) rt::throw_fatal("gostack::runtime::Chan before start");
  return rt::makechan(static_cast<int64_t>(elemsize), static_cast<int64_t>(capacity));
}
void chan_send(void* c, const void* elem) { rt::chansend_thread(static_cast<rt::Hchan*>(c), elem); }
bool chan_recv(void* c, void* elem) { return rt::chanrecv_thread(static_cast<rt::Hchan*>(c), elem); }
void chan_close(void* c) { rt::closechan(static_cast<rt::Hchan*>(c)); }
bool chan_try_send(void* c, const void* elem) { return rt::selectnbsend(static_cast<rt::Hchan*>(c), elem); }
bool chan_try_recv(void* c, void* elem, bool* received) {
  return rt::selectnbrecv(static_cast<rt::Hchan*>(c), elem, received);
}
std::size_t chan_len(void* c) { return static_cast<std::size_t>(rt::chanlen(static_cast<rt::Hchan*>(c))); }
std::size_t chan_cap(void* c) { return static_cast<std::size_t>(rt::chancap(static_cast<rt::Hchan*>(c))); }

}  // namespace detail

int select(std::initializer_list<SelectCase> cases, bool block) {
  if (!rt::runtime_started()) rt::throw_fatal("gostack::runtime::select before start");
  // selectgo's layout: the send cases first, then the receives; pos maps back to `cases`.
  std::vector<rt::Scase> sc;
  std::vector<int> pos;
  sc.reserve(cases.size());
  pos.reserve(cases.size());
  for (bool sends : {true, false}) {
    int i = 0;
    for (const SelectCase& cs : cases) {
      if (cs.send == sends) {
        sc.push_back({static_cast<rt::Hchan*>(cs.c), cs.elem});
        pos.push_back(i);
      }
      i++;
    }
  }
  int64_t nsends = 0;
  for (const SelectCase& cs : cases) nsends += cs.send;
  bool ok;
  int64_t k = rt::select_thread(sc.data(), nsends, static_cast<int64_t>(sc.size()) - nsends, block, &ok);
  if (k < 0) return -1;
  const SelectCase& chosen = cases.begin()[pos[static_cast<size_t>(k)]];
  if (!chosen.send && chosen.ok != nullptr) *chosen.ok = ok;
  return pos[static_cast<size_t>(k)];
}

namespace detail {

Pending* spawn(const void* fn, void* frame, std::size_t size) {
  if (!rt::runtime_started()) rt::throw_fatal("gostack::runtime::go before start");
  auto* p = new Pending;
  p->fv.fn = reinterpret_cast<uintptr_t>(fn);
  // The results land in the caller's frame buffer when the goroutine exits, even before wait().
  p->waiter.frame = frame;
  p->waiter.len = size;
  // The thread that called start() (m0) runs goroutines while it waits; any other thread
  // sleeps until the goroutine's exit wakes it.
  p->waiter.thread = rt::getg() == nullptr;
  rt::spawn_goroutine(&p->fv, frame, static_cast<int32_t>(size), &p->waiter);
  return p;
}

void wait(Pending* p) {
  if (p->waiter.thread)
    rt::notesleep(p->waiter.note);
  else
    rt::run_scheduler(&p->waiter);
  delete p;
}

}  // namespace detail
}  // namespace gostack::runtime
