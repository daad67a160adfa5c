// The goroutine runtime's C++ API: start it, run assembled ABI0 functions as goroutines with
// arguments, wait for them and read their results, read the statistics.
//
//   gostack::runtime::start();
//   auto g = gostack::runtime::go<int64_t>(image->address("main.sum"), int64_t{100000});
//   int64_t r = g.wait();  // runs the scheduler on this thread until g has exited
//
// One P on the thread that called start() (multi-core scheduling is a later issue). The
// functions run on 2 KiB goroutine stacks that grow by copying, so they may have stack-split
// prologues (unlike gostack::abi0::call, which runs NOSPLIT code on the thread's stack).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>

#include "gostack/abi0_call.h"

namespace gostack::runtime {

struct Options {
  uint64_t max_stack = 0;    // largest goroutine stack in bytes; 0 keeps Go's 1,000,000,000
  bool debug_stack = false;  // one stderr line per stack grow/shrink
};

// Brings the runtime up on the calling thread (once per process). The thread's own stack
// becomes g0's: every later call below must come from this thread.
void start(const Options& opts = {});

// The address of a runtime symbol assembled code may reference ("runtime.printnl",
// "runtime.morestack_noctxt", "gostack_tls_g", ...), for gostack::load_image's resolver.
const void* resolve_symbol(std::string_view name);

struct Stats {
  uint64_t goroutines_created, gfree_reused, stack_grows, stack_shrinks, stack_copied_bytes,
      stack_inuse_bytes, stack_peak_bytes, stack_sys_bytes;
};
Stats stats();

namespace detail {
struct Pending;  // a started goroutine with its argument frame
// Starts fn with the ABI0 argument frame at `frame`; when it exits, its final frame
// (arguments then results) is copied back there. `frame` must stay in place until then.
Pending* spawn(const void* fn, void* frame, std::size_t size);
// Runs goroutines until this one has exited, then releases the Pending.
void wait(Pending* p);
}  // namespace detail

// A goroutine whose function returns R (void, one type, or std::tuple<...>).
template <class R, class... A>
class Goroutine {
 public:
  Goroutine(const void* fn, A... args) {
    std::size_t i = 0;
    ((std::memcpy(frame_ + kLayout.off[i++], &args, sizeof(A))), ...);
    pending_ = detail::spawn(fn, frame_, kLayout.size);
  }
  // Not copyable or movable: the runtime writes the results into frame_ when it exits.
  Goroutine(const Goroutine&) = delete;
  Goroutine& operator=(const Goroutine&) = delete;

  // Runs the scheduler until the goroutine exits and returns its results. Call once.
  R wait() {
    detail::wait(pending_);
    pending_ = nullptr;
    if constexpr (!std::is_void_v<R>) {
      Res results{};
      std::apply(
          [&](auto&... out) {
            std::size_t i = sizeof...(A);
            ((std::memcpy(&out, frame_ + kLayout.off[i++], sizeof(out))), ...);
          },
          results);
      if constexpr (std::tuple_size_v<Res> == 1 && !std::is_same_v<R, Res>)
        return std::get<0>(results);
      else
        return results;
    }
  }

 private:
  using Res = typename abi0::detail::Results<R>::type;
  static constexpr auto kLayout = abi0::detail::Frame<std::tuple<A...>, Res>::kLayout;
  alignas(16) unsigned char frame_[kLayout.size == 0 ? 16 : kLayout.size] = {};
  detail::Pending* pending_ = nullptr;
};

// Starts fn(args...) as a new goroutine (queued; it runs when a wait() schedules).
template <class R = void, class... A>
Goroutine<R, A...> go(const void* fn, A... args) {
  return Goroutine<R, A...>(fn, args...);
}

}  // namespace gostack::runtime
