// Channels (after Go's chan.go): send, receive and close for goroutines (on g0, parking with
// gopark) and for plain C++ threads (sleeping on a note), and the assembly entry points.
#include "runtime/chan.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/mproc.h"
#include "runtime/sched.h"
#include "runtime/tsan_fiber.h"

extern "C" void rt_panicsendclosed() __asm__("runtime.panicsendclosed");

namespace gostack::rt {

namespace {

constexpr int64_t kMaxElemSize = 1 << 16;  // hchan.elemsize is a uint16, as in Go
constexpr int64_t kMaxAlloc = int64_t{1} << 40;

// All channels ever made (they are never freed; the list keeps them reachable, as allgs
// keeps Gs).
std::atomic<Hchan*> allchans{nullptr};

uint8_t* chanbuf(Hchan* c, uint64_t i) { return c->buf + i * c->elemsize; }

void copy_elem(Hchan* c, void* dst, const void* src) {
  if (c->elemsize != 0 && dst != nullptr && src != nullptr) std::memcpy(dst, src, c->elemsize);
}

// The unlockf of a channel park (Go's chanparkcommit): gp is Gwaiting and off its M now.
bool chanparkcommit(G*, void* lock) {
  unlock(*static_cast<Mutex*>(lock));
  return true;
}

// A sudog leaves its queue: the waiter's G no longer points at it (c is locked). A select's
// sudogs stay on the G's list: the G takes them all off in selectgo once it runs.
void detach(Sudog* sg) {
  if (sg->isSelect) return;
  if (sg->g != nullptr) {
    sg->g->waiting = nullptr;
    sg->g->parkingOnChan.store(nullptr, std::memory_order_relaxed);
  }
  sg->c = nullptr;
}

// A parked sender woken by close: it resumes in runtime·panicsendclosed, as if its call of
// chansend1 had called it, so the panic's traceback shows the sending frame.
void redirect_to_send_panic(G* gp) {
  gp->sched.sp -= sizeof(uintptr_t);
  *reinterpret_cast<uintptr_t*>(gp->sched.sp) = gp->sched.pc;
  gp->sched.pc = reinterpret_cast<uintptr_t>(&rt_panicsendclosed);
}

// The non-blocking part of a send, with c locked. True when done (c unlocked).
bool try_send(Hchan* c, const void* ep) {
  if (c->closed) {
    unlock(c->lock);
    fatalpanic("send on closed channel");
  }
  if (Sudog* sg = c->recvq.dequeue()) {
    send_direct(c, sg, ep);
    unlock(c->lock);
    wake(sg);
    return true;
  }
  if (c->qcount < c->dataqsiz) {
    buf_put(c, ep);
    unlock(c->lock);
    return true;
  }
  return false;
}

// The non-blocking part of a receive, with c locked. True when done (c unlocked); *ok says
// whether a value arrived (false: closed and drained, *ep zeroed).
bool try_recv(Hchan* c, void* ep, bool* ok) {
  if (c->closed && c->qcount == 0) {
    unlock(c->lock);
    clear_elem(c, ep);
    *ok = false;
    return true;
  }
  *ok = true;
  if (Sudog* sg = c->sendq.dequeue()) {
    recv_direct(c, sg, ep);
    unlock(c->lock);
    wake(sg);
    return true;
  }
  if (c->qcount > 0) {
    buf_take(c, ep);
    unlock(c->lock);
    return true;
  }
  return false;
}

// Parks gp on q with its own sudog; c is locked and is unlocked once gp is off the M.
[[noreturn]] void park_on(Hchan* c, WaitQ& q, G* gp, void* ep, WaitReason reason) {
  Sudog* sg = &gp->sudog;
  *sg = Sudog{};
  sg->g = gp;
  sg->elem = ep;
  sg->c = c;
  gp->waiting = sg;
  q.enqueue(sg);
  gp->parkingOnChan.store(c, std::memory_order_relaxed);
  gopark(gp, chanparkcommit, &c->lock, reason);
}

// A thread's blocking wait on q; returns sg.success. c is locked on entry. m0 (the thread
// that started the runtime) runs goroutines meanwhile, so one of them can complete the
// operation even on one P; any other thread sleeps on a note.
bool thread_wait(Hchan* c, WaitQ& q, void* ep) {
  Note note;
  ExitWaiter w;
  Sudog sg;
  sg.elem = ep;
  sg.c = c;
  bool on_m0 = runs_goroutines_while_blocked();
  if (on_m0)
    sg.waiter = &w;
  else
    sg.note = &note;
  q.enqueue(&sg);
  unlock(c->lock);
  if (on_m0)
    run_scheduler(&w);
  else
    notesleep(note);
  return sg.success;
}

}  // namespace

// Wakes a dequeued waiter after c is unlocked. A G resumes with sched.ret in AX (gogo loads
// it): sg->success, which runtime·chanrecv2 returns as its ok flag, or for a select the
// winning sudog, which selectgo's second half looks for.
void wake(Sudog* sg) {
  if (sg->g != nullptr) {
    sg->g->sched.ret = sg->isSelect ? reinterpret_cast<uintptr_t>(sg) : sg->success;
    goready(sg->g);
  } else if (ExitWaiter* w = sg->waiter) {
    if (w->thread) {  // a thread in select (select.cpp); the note is the last touch
      notewakeup(w->note);
      return;
    }
    w->done.store(true, std::memory_order_release);
    wake_m0_for(w);
  } else {
    notewakeup(*sg->note);
  }
}

void clear_elem(Hchan* c, void* p) {
  if (p != nullptr && c->elemsize != 0) std::memset(p, 0, c->elemsize);
}

bool runs_goroutines_while_blocked() {
  G* g = getg();
  return g != nullptr && g->m == m0() && g == g->m->g0;
}

void send_direct(Hchan* c, Sudog* sg, const void* ep) {
  copy_elem(c, sg->elem, ep);
  sg->elem = nullptr;
  sg->success = true;
  detach(sg);
}

void recv_direct(Hchan* c, Sudog* sg, void* ep) {
  if (c->dataqsiz == 0) {
    copy_elem(c, ep, sg->elem);
  } else {
    // The buffer is full: take its head and put the sender's value at the tail.
    uint8_t* qp = chanbuf(c, c->recvx);
    copy_elem(c, ep, qp);
    copy_elem(c, qp, sg->elem);
    if (++c->recvx == c->dataqsiz) c->recvx = 0;
    c->sendx = c->recvx;
  }
  sg->elem = nullptr;
  sg->success = true;
  detach(sg);
}

void buf_put(Hchan* c, const void* ep) {
  copy_elem(c, chanbuf(c, c->sendx), ep);
  if (++c->sendx == c->dataqsiz) c->sendx = 0;
  c->qcount++;
}

void buf_take(Hchan* c, void* ep) {
  uint8_t* qp = chanbuf(c, c->recvx);
  copy_elem(c, ep, qp);
  clear_elem(c, qp);
  if (++c->recvx == c->dataqsiz) c->recvx = 0;
  c->qcount--;
}


void WaitQ::enqueue(Sudog* sg) {
  sg->next = nullptr;
  sg->prev = last;
  if (last != nullptr)
    last->next = sg;
  else
    first = sg;
  last = sg;
}

Sudog* WaitQ::dequeue() {
  while (Sudog* sg = first) {
    remove(sg);
    // A select case is taken only by whoever wins its G; a loser drops the sudog, which the
    // G would remove itself (its other channel completed the select).
    if (sg->isSelect && !claim_select(sg)) continue;
    return sg;
  }
  return nullptr;
}

void WaitQ::remove_if_queued(Sudog* sg) {
  if (sg->prev == nullptr && first != sg) return;
  remove(sg);
}

void WaitQ::remove(Sudog* sg) {
  if (sg->prev != nullptr)
    sg->prev->next = sg->next;
  else
    first = sg->next;
  if (sg->next != nullptr)
    sg->next->prev = sg->prev;
  else
    last = sg->prev;
  sg->next = sg->prev = nullptr;
}

Hchan* makechan(int64_t elemsize, int64_t size) {
  if (elemsize < 0 || elemsize >= kMaxElemSize) throw_fatal("makechan: invalid channel element type");
  if (size < 0 || (elemsize != 0 && size > kMaxAlloc / elemsize)) fatalpanic("makechan: size out of range");
  size_t bufbytes = static_cast<size_t>(elemsize * size);
  void* mem = std::calloc(1, sizeof(Hchan) + bufbytes);
  if (mem == nullptr) throw_fatal("out of memory (makechan)");
  Hchan* c = new (mem) Hchan;
  c->buf = reinterpret_cast<uint8_t*>(c + 1);
  c->elemsize = static_cast<uint16_t>(elemsize);
  c->dataqsiz = static_cast<uint64_t>(size);
  c->alllink = allchans.load(std::memory_order_relaxed);
  while (!allchans.compare_exchange_weak(c->alllink, c, std::memory_order_release, std::memory_order_relaxed)) {
  }
  return c;
}

void chansend_g(Hchan* c, const void* ep, G* gp) {
  if (c == nullptr) gopark(gp, nullptr, nullptr, WaitReason::ChanSendNilChan);  // forever
  lock(c->lock);
  if (try_send(c, ep)) resume(gp);
  park_on(c, c->sendq, gp, const_cast<void*>(ep), WaitReason::ChanSend);
}

void chanrecv_g(Hchan* c, void* ep, G* gp) {
  if (c == nullptr) gopark(gp, nullptr, nullptr, WaitReason::ChanReceiveNilChan);
  lock(c->lock);
  bool ok;
  if (try_recv(c, ep, &ok)) {
    gp->sched.ret = ok;
    resume(gp);
  }
  park_on(c, c->recvq, gp, ep, WaitReason::ChanReceive);
}

bool selectnbsend(Hchan* c, const void* ep) {
  if (c == nullptr) return false;
  lock(c->lock);
  if (try_send(c, ep)) return true;
  unlock(c->lock);
  return false;
}

bool selectnbrecv(Hchan* c, void* ep, bool* received) {
  if (c != nullptr) {
    lock(c->lock);
    if (try_recv(c, ep, received)) return true;
    unlock(c->lock);
  }
  *received = false;
  return false;
}

int64_t chanlen(Hchan* c) {
  if (c == nullptr) return 0;
  lock(c->lock);
  int64_t n = static_cast<int64_t>(c->qcount);
  unlock(c->lock);
  return n;
}

int64_t chancap(Hchan* c) { return c == nullptr ? 0 : static_cast<int64_t>(c->dataqsiz); }

void chansend_thread(Hchan* c, const void* ep) {
  if (c == nullptr) throw_fatal("chansend: nil channel from a thread blocks forever");
  lock(c->lock);
  if (try_send(c, ep)) return;
  if (!thread_wait(c, c->sendq, const_cast<void*>(ep))) fatalpanic("send on closed channel");
}

bool chanrecv_thread(Hchan* c, void* ep) {
  if (c == nullptr) throw_fatal("chanrecv: nil channel from a thread blocks forever");
  lock(c->lock);
  bool ok;
  if (try_recv(c, ep, &ok)) return ok;
  return thread_wait(c, c->recvq, ep);
}

void closechan(Hchan* c) {
  if (c == nullptr) fatalpanic("close of nil channel");
  lock(c->lock);
  if (c->closed) {
    unlock(c->lock);
    fatalpanic("close of closed channel");
  }
  c->closed = true;
  // Everyone waiting leaves: receivers with a zero value, senders to their panic.
  Sudog* wakelist = nullptr;
  while (Sudog* sg = c->recvq.dequeue()) {
    clear_elem(c, sg->elem);
    sg->elem = nullptr;
    sg->success = false;
    detach(sg);
    sg->next = wakelist;
    wakelist = sg;
  }
  while (Sudog* sg = c->sendq.dequeue()) {
    sg->elem = nullptr;
    sg->success = false;
    detach(sg);
    // (A select's send case panics in selectgo itself, on seeing !success.)
    if (sg->g != nullptr && !sg->isSelect) redirect_to_send_panic(sg->g);
    sg->next = wakelist;
    wakelist = sg;
  }
  unlock(c->lock);
  // A woken thread's sudog lives on its stack: read the link before waking it.
  while (Sudog* sg = wakelist) {
    wakelist = sg->next;
    wake(sg);
  }
}

void fatalpanic(const char* msg) {
  printstring("panic: ");
  printstring(msg);
  printnl();
  traceback_curg();
  ::_exit(2);
}

}  // namespace gostack::rt

// ---- entry points of the assembly stubs (asm_amd64.s), on g0 with the caller stopped ----

using namespace gostack::rt;

extern "C" {

// func makechan(elemsize int, size int) (c unsafe.Pointer)
[[noreturn]] void gostack_makechan_m(G* gp, int64_t* argp) {
  tsan_g0_enter();
  argp[2] = reinterpret_cast<int64_t>(makechan(argp[0], argp[1]));
  resume(gp);
}

// func chansend1(c, elem unsafe.Pointer)
[[noreturn]] void gostack_chansend1_m(G* gp, void** argp) {
  tsan_g0_enter();
  chansend_g(static_cast<Hchan*>(argp[0]), argp[1], gp);
}

// func chanrecv1(c, elem unsafe.Pointer) (runtime·chanrecv2 calls it and takes its flag from AX)
[[noreturn]] void gostack_chanrecv1_m(G* gp, void** argp) {
  tsan_g0_enter();
  chanrecv_g(static_cast<Hchan*>(argp[0]), argp[1], gp);
}

// func selectnbsend(c, elem unsafe.Pointer) (selected bool)
[[noreturn]] void gostack_selectnbsend_m(G* gp, void** argp) {
  tsan_g0_enter();
  bool selected = selectnbsend(static_cast<Hchan*>(argp[0]), argp[1]);
  reinterpret_cast<uint8_t*>(argp)[16] = selected;
  resume(gp);
}

// func selectnbrecv(elem, c unsafe.Pointer) (selected, received bool)
[[noreturn]] void gostack_selectnbrecv_m(G* gp, void** argp) {
  tsan_g0_enter();
  bool received;
  bool selected = selectnbrecv(static_cast<Hchan*>(argp[1]), argp[0], &received);
  reinterpret_cast<uint8_t*>(argp)[16] = selected;
  reinterpret_cast<uint8_t*>(argp)[17] = received;
  resume(gp);
}

// func chanlen(c unsafe.Pointer) int and func chancap(c unsafe.Pointer) int (asmcgocall)
void gostack_chanlen(int64_t* argp) { argp[1] = chanlen(reinterpret_cast<Hchan*>(argp[0])); }
void gostack_chancap(int64_t* argp) { argp[1] = chancap(reinterpret_cast<Hchan*>(argp[0])); }

// func closechan(c unsafe.Pointer)
[[noreturn]] void gostack_closechan_m(G* gp, void** argp) {
  tsan_g0_enter();
  closechan(static_cast<Hchan*>(argp[0]));
  resume(gp);
}

// A sender woken by close lands here (see redirect_to_send_panic).
[[noreturn]] void gostack_panicsendclosed_m(G*, void*) { fatalpanic("send on closed channel"); }

}  // extern "C"
