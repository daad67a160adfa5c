// The goroutine runtime's C++ API: start it, run assembled ABI0 functions as goroutines with
// arguments, wait for them and read their results, read the statistics.
//
//   gostack::runtime::start();
//   auto g = gostack::runtime::go<int64_t>(image->address("main.sum"), int64_t{100000});
//   int64_t r = g.wait();  // runs the scheduler on this thread until g has exited
//
// Goroutines run on every P (Options::maxprocs, default one per CPU): on start()'s thread
// while it waits, and on threads the runtime starts as work appears. The
// functions run on 2 KiB goroutine stacks that grow by copying, so they may have stack-split
// prologues (unlike gostack::abi0::call, which runs NOSPLIT code on the thread's stack).
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "gostack/abi0_call.h"

namespace gostack::runtime {

struct Options {
  uint64_t max_stack = 0;    // largest goroutine stack in bytes; 0 keeps Go's 1,000,000,000
  bool debug_stack = false;  // one stderr line per stack grow/shrink
  int32_t maxprocs = 0;      // Ps running goroutines at once; 0: $GOSTACK_MAXPROCS, else #CPUs
  // When every M is idle while start()'s thread waits and a goroutine is parked, report
  // Go's deadlock and exit 2. Turn off when other threads of yours will wake goroutines.
  bool deadlock_check = true;
};

// Brings the runtime up (once per process). The calling thread becomes m0: while it waits
// for a goroutine it runs goroutines itself; the other Ps run on threads started on demand.
void start(const Options& opts = {});

// The address of a runtime symbol assembled code may reference ("runtime.printnl",
// "runtime.morestack_noctxt", "gostack_tls_g", ...), for gostack::load_image's resolver.
const void* resolve_symbol(std::string_view name);

struct Stats {
  uint64_t goroutines_created, gfree_reused, stack_grows, stack_shrinks, stack_copied_bytes,
      stack_inuse_bytes, stack_peak_bytes, stack_sys_bytes;
};
Stats stats();

// Counters of one P (`gostack run -stats` prints them as p<id>_<name>).
struct PStats {
  int32_t id;
  uint64_t runs;         // goroutines run (each time one is scheduled)
  uint64_t steals;       // successful steals from other Ps' queues
  uint64_t stolen_gs;    // goroutines those steals took
  uint64_t global_gets;  // takes from the global queue
  uint64_t parks;        // times it had nothing to run and went idle
  uint64_t preempts;     // goroutines preempted by sysmon on it
};
std::vector<PStats> p_stats();

namespace detail {
void* make_chan(std::size_t elemsize, std::size_t capacity);
void chan_send(void* c, const void* elem);
bool chan_recv(void* c, void* elem);
void chan_close(void* c);
bool chan_try_send(void* c, const void* elem);
bool chan_try_recv(void* c, void* elem, bool* received);
std::size_t chan_len(void* c);
std::size_t chan_cap(void* c);
}  // namespace detail

// One case of select(), made by Chan<T>::send_case or Chan<T>::recv_case. A default-made
// case has no channel and never fires (Go's nil channel, to turn a case off).
struct SelectCase {
  void* c = nullptr;
  void* elem = nullptr;  // the value to send, or where a received value goes
  bool send = false;
  bool* ok = nullptr;    // receive: set to false when the channel is closed (elem zeroed)
};

// Go's select statement for C++ threads: waits until one of the cases can proceed, does it
// and returns its position in `cases`; when several can, one is chosen at random. With
// block == false it returns -1 instead of waiting (Go's default case). A send case on a closed
// channel is a fatal panic, as in Go; waiting with no case that has a channel is a fatal
// error (it would never end). Like Chan's blocking calls, on start()'s thread it runs
// goroutines while it waits. (Goroutines, which are assembled code, call runtime·selectgo.)
int select(std::initializer_list<SelectCase> cases, bool block = true);

// A channel of T (trivially copyable, under 64 KiB) shared by goroutines and C++ threads,
// with Go's semantics: unbuffered or buffered, FIFO, receive from a closed channel yields a
// zero T, send on a closed channel is a fatal panic. Blocking calls from start()'s thread run
// goroutines meanwhile; from any other thread they sleep. Pass handle() to assembled code
// (its unsafe.Pointer for runtime·chansend1 and friends). Channels are never freed.
template <class T>
class Chan {
  static_assert(std::is_trivially_copyable_v<T> && sizeof(T) < 65536);

 public:
  explicit Chan(std::size_t capacity = 0) : c_(detail::make_chan(sizeof(T), capacity)) {}
  void send(const T& v) { detail::chan_send(c_, &v); }
  // False when the channel is closed and drained (out is then a zero T).
  bool recv(T& out) { return detail::chan_recv(c_, &out); }
  T recv() {
    T v{};
    detail::chan_recv(c_, &v);
    return v;
  }
  void close() { detail::chan_close(c_); }
  // Go's select with a default case: false, doing nothing, when the operation would block.
  // try_recv sets *received (if given) to false when the channel is closed and drained.
  bool try_send(const T& v) { return detail::chan_try_send(c_, &v); }
  bool try_recv(T& out, bool* received = nullptr) {
    bool got;
    bool selected = detail::chan_try_recv(c_, &out, &got);
    if (received != nullptr) *received = got;
    return selected;
  }
  // Cases of select(): send v (which must outlive the select), or receive into out.
  SelectCase send_case(const T& v) const { return {c_, const_cast<T*>(&v), true, nullptr}; }
  SelectCase recv_case(T& out, bool* ok = nullptr) const { return {c_, &out, false, ok}; }
  std::size_t len() const { return detail::chan_len(c_); }  // values buffered now
  std::size_t cap() const { return detail::chan_cap(c_); }
  void* handle() const { return c_; }

 private:
  void* c_;
};

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

  // Waits until the goroutine exits and returns its results. Call once, from the thread that
  // created it: start()'s thread runs goroutines meanwhile, another thread sleeps.
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

// Starts fn(args...) as a new goroutine on the caller's P (start()'s thread; it runs when a
// P is free or a wait() schedules), or from another thread on the global queue, any P.
template <class R = void, class... A>
Goroutine<R, A...> go(const void* fn, A... args) {
  return Goroutine<R, A...>(fn, args...);
}

}  // namespace gostack::runtime
