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
  Sudog* dequeue();           // skips (and drops) select cases whose G another case won
  void remove(Sudog* sg);
  void remove_if_queued(Sudog* sg);  // Go's dequeueSudoG: sg may have left the queue already
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

// One case of a select (Go's scase): a send case's elem is the value, a receive case's the
// destination (nullptr: the value is dropped). A nil c is never ready.
struct Scase {
  Hchan* c;
  void* elem;
};

// Go's select for a C++ thread (select.cpp): cases holds nsends send cases, then nrecvs
// receive cases. Completes one ready case, chosen at random, and returns its index, with
// *recvOK false for a receive from a closed channel (elem zeroed); with !block, -1 when none
// is ready. Otherwise waits as chanrecv_thread does. A send case on a closed channel is the
// fatal panic; blocking with no case that has a channel is a fatal error (it never ends).
int64_t select_thread(Scase* cases, int64_t nsends, int64_t nrecvs, bool block, bool* recvOK);

// Go's len(c) and cap(c) (0 for a nil channel).
int64_t chanlen(Hchan* c);
int64_t chancap(Hchan* c);

// Go's closechan; callable from g0 or a plain thread. Closing a nil or closed channel is fatal.
void closechan(Hchan* c);

// Locks the channels gp is parked on (one, or every channel of its select), if gp is still
// parked and no channel has claimed it yet; true then, and until unlock_parked_chans nobody
// can wake gp or write through its sudogs' elems. For stack shrinking (select.cpp).
bool lock_parked_chans(G* gp);
void unlock_parked_chans(G* gp);

// ---- the pieces selectgo (select.cpp) shares with the channel operations ----

// With c locked: a value handed to the dequeued receiver sg (send_direct), or taken from the
// dequeued sender sg (recv_direct; from a full buffer, whose tail gets sg's value); then sg is
// off c. The caller unlocks c and then wakes sg.
void send_direct(Hchan* c, Sudog* sg, const void* ep);
void recv_direct(Hchan* c, Sudog* sg, void* ep);
// With c locked: a value into the buffer's tail (room is known) or out of its head (one is).
void buf_put(Hchan* c, const void* ep);
void buf_take(Hchan* c, void* ep);
void clear_elem(Hchan* c, void* p);  // zeroes c's element at p (nullptr: nothing)
// Wakes a waiter dequeued from a channel, after its lock is released.
void wake(Sudog* sg);
// True on the thread that started the runtime (m0, on g0): it runs goroutines while it waits
// for a channel (run_scheduler); any other thread sleeps on a note.
bool runs_goroutines_while_blocked();
// A select case sg was found on a queue: true if its waiter is now ours to wake (Go's
// selectDone CAS), false if another case got there first.
bool claim_select(Sudog* sg);

// Go's fatal panic without recover: "panic: <msg>", the goroutine's traceback, exit 2.
[[noreturn]] void fatalpanic(const char* msg);

}  // namespace gostack::rt
