// Channels (after Go's chan.go): hchan with a ring buffer and FIFO sudog queues of waiting Gs
// or plain C++ threads; direct hand-off to a waiting receiver; close wakes everyone.
#pragma once

#include <cstdint>

#include "runtime/runtime2.h"

namespace gostack::rt {

// FIFO of sudogs (Go's waitq).
struct WaitQ {
  Sudog* first = nullptr;
  Sudog* last = nullptr;
  void enqueue(Sudog* sg);
  Sudog* dequeue();
  void remove(Sudog* sg);
};

struct Hchan {
  Mutex lock;            // protects every field below, and the sudogs on the queues
  uint64_t qcount = 0;   // values in buf
  uint64_t dataqsiz = 0; // buf capacity (0: unbuffered)
  uint8_t* buf = nullptr;
  uint16_t elemsize = 0;
  bool closed = false;
  uint64_t sendx = 0;    // next slot to send into
  uint64_t recvx = 0;    // next slot to receive from
  WaitQ recvq;           // parked receivers
  WaitQ sendq;           // parked senders
  Hchan* alllink = nullptr;  // every channel stays on one list (never freed: no GC)
};

// Go's makechan. Channels are never freed (there is no garbage collector).
// An element of 64 KiB or more, or a negative size, is a fatal error (Go panics).
Hchan* makechan(int64_t elemsize, int64_t size);

// Blocking operations for a G stopped in mcall on this M (the caller is on g0): they finish
// the operation and resume gp, or park it (gopark) and run the scheduler. Never return.
[[noreturn]] void chansend_g(Hchan* c, const void* ep, G* gp);
[[noreturn]] void chanrecv_g(Hchan* c, void* ep, G* gp);

// The same for a C++ thread (no G): a plain thread sleeps on a futex while blocked; m0 (the
// runtime's starting thread) runs goroutines inside run_scheduler meanwhile.
void chansend_thread(Hchan* c, const void* ep);
bool chanrecv_thread(Hchan* c, void* ep);  // false: closed and empty, *ep zeroed

// Go's selectnbsend / selectnbrecv: a send or receive that never blocks; false when it would
// have. From g0 or any thread. A send on a closed channel is still a fatal panic.
bool selectnbsend(Hchan* c, const void* ep);
bool selectnbrecv(Hchan* c, void* ep, bool* received);  // *received: false if closed and drained

// Go's len(c) and cap(c) (0 for a nil channel).
int64_t chanlen(Hchan* c);
int64_t chancap(Hchan* c);

// Go's closechan; callable from g0 or a plain thread. Closing a nil or closed channel is fatal.
void closechan(Hchan* c);

// Locks the channel gp is parked on and returns it, if gp is still parked on a channel
// (then its sudog's elem stays put until unlock). nullptr otherwise. For stack shrinking.
Hchan* lock_parked_chan(G* gp);

// Go's fatal panic without recover: "panic: <msg>", the goroutine's traceback, exit 2.
[[noreturn]] void fatalpanic(const char* msg);

}  // namespace gostack::rt
