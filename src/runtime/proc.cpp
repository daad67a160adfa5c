// G lifecycle: bootstrap of m0/g0/Ps, malg, allgs, status changes, the G free lists.
#include "runtime/proc.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <new>
#include <vector>

#include "runtime/print.h"
#include "runtime/signal.h"
#include "runtime/stack.h"

namespace gostack::rt {

extern "C" {
constinit thread_local G* gostack_tls_g __attribute__((tls_model("initial-exec"))) = nullptr;
}

Sched sched;
// Ps and Gs live as long as the process (as in Go). The containers are never destroyed, so
// nothing runs at exit that could free them under a goroutine still using them.
std::vector<P*>& allp = *new std::vector<P*>;
uint32_t startingStackSize = kFixedStack;

namespace {

M m0_;
G g0_of_m0;
std::atomic<uint64_t> created_without_p{0};
bool started = false;

// Gs are never freed (as in Go). They come from slabs of kGsPerSlab, handed out in order with
// no allocator header or padding between them, and the slabs are Go's allgs: forEachG walks
// them. (A G is ~240 bytes of every parked goroutine's cost besides its 2 KiB stack.)
constexpr size_t kGSlabBytes = 64 << 10;
constexpr size_t kGsPerSlab = kGSlabBytes / sizeof(G);
Mutex allglock;
std::vector<G*>& gslabs = *new std::vector<G*>;  // under allglock
size_t allgcount = 0;                            // Gs handed out; under allglock

uint32_t round2(int32_t x) {
  uint32_t s = 1;
  while (s < static_cast<uint32_t>(x)) s <<= 1;
  return s;
}

// g0 runs on the OS thread's own stack; its bounds come from the thread attributes.
void init_g0_on_this_thread(G* g0, M* mp) {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) != 0 || pthread_attr_getstack(&attr, &addr, &size) != 0)
    throw_fatal("schedinit: cannot read the thread's stack bounds");
  pthread_attr_destroy(&attr);
  g0->stack.lo = reinterpret_cast<uintptr_t>(addr);
  g0->stack.hi = g0->stack.lo + size;
  g0->stackguard0 = g0->stack.lo + abi::kStackGuard;
  g0->stackguard1 = g0->stackguard0;  // C++ code may run on g0
  g0->m = mp;
  mp->g0 = g0;
  mp->procid = static_cast<uint64_t>(::syscall(SYS_gettid));
}

// Moves Gs from pp's free list to the global lists while pp holds at least `threshold`,
// sorting them by whether they still own a stack.
void gfree_spill(P* pp, int32_t threshold) {
  int32_t inc = 0;
  GQueue stackQ, noStackQ;
  while (pp->gFree.n >= threshold) {
    G* g = pp->gFree.list.pop();
    pp->gFree.n--;
    if (g->stack.lo == 0)
      noStackQ.push(g);
    else
      stackQ.push(g);
    inc++;
  }
  LockGuard guard(sched.gFree.lock);
  sched.gFree.noStack.pushAll(noStackQ);
  sched.gFree.stack.pushAll(stackQ);
  sched.gFree.n += inc;
}

}  // namespace

// ---- intrusive G lists ----

void GQueue::push(G* gp) {
  gp->schedlink = head;
  head = gp;
  if (tail == nullptr) tail = gp;
}

void GQueue::pushBack(G* gp) {
  gp->schedlink = nullptr;
  if (tail != nullptr)
    tail->schedlink = gp;
  else
    head = gp;
  tail = gp;
}

void GQueue::pushBackAll(GQueue q) {
  if (q.tail == nullptr) return;
  q.tail->schedlink = nullptr;
  if (tail != nullptr)
    tail->schedlink = q.head;
  else
    head = q.head;
  tail = q.tail;
}

G* GQueue::pop() {
  G* gp = head;
  if (gp != nullptr) {
    head = gp->schedlink;
    if (head == nullptr) tail = nullptr;
  }
  return gp;
}

void GList::push(G* gp) {
  gp->schedlink = head;
  head = gp;
}

void GList::pushAll(GQueue q) {
  if (q.empty()) return;
  q.tail->schedlink = head;
  head = q.head;
}

G* GList::pop() {
  G* gp = head;
  if (gp != nullptr) head = gp->schedlink;
  return gp;
}

// ---- bootstrap ----

void schedinit(int32_t nprocs) {
  if (started) throw_fatal("schedinit called twice");
  if (nprocs < 1) throw_fatal("schedinit: need at least one P");
  started = true;
  stackinit();
  init_g0_on_this_thread(&g0_of_m0, &m0_);
  setg(&g0_of_m0);
  initsig();
  m0_.fastrand = 0x2545f491u;
  sched.mcount = 1;
  for (int32_t i = 0; i < nprocs; i++) {
    P* pp = new P;
    pp->id = i;
    allp.push_back(pp);
  }
  // P 0 runs on m0; the others wait on the idle list for Ms (highest id first off the list).
  for (int32_t i = 1; i < nprocs; i++) {
    allp[static_cast<size_t>(i)]->link = sched.pidle;
    sched.pidle = allp[static_cast<size_t>(i)];
  }
  sched.npidle.store(nprocs - 1, std::memory_order_release);
  acquirep(allp[0]);
}

bool runtime_started() { return started; }

M* m0() { return &m0_; }

int32_t default_maxprocs() {
  if (const char* env = std::getenv("GOSTACK_MAXPROCS")) {
    long n = std::strtol(env, nullptr, 10);
    if (n > 0 && n <= 1024) return static_cast<int32_t>(n);
  }
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int32_t>(n) : 1;
}

void minit_thread(M* mp) {
  G* g0 = new G;
  init_g0_on_this_thread(g0, mp);
  setg(g0);
  minit_signals();
}

void acquirep(P* pp) {
  M* mp = getg()->m;
  if (mp->p != nullptr) throw_fatal("wirep: already in go");
  if (pp->m != nullptr || pp->status.load(std::memory_order_relaxed) != Pidle) throw_fatal("wirep: invalid p state");
  mp->p = pp;
  __atomic_store_n(&pp->m, mp, __ATOMIC_RELEASE);
  pp->status.store(Prunning, std::memory_order_release);
}

P* releasep() {
  M* mp = getg()->m;
  P* pp = mp->p;
  if (pp == nullptr || pp->m != mp || pp->status.load(std::memory_order_relaxed) != Prunning)
    throw_fatal("releasep: invalid arg");
  mp->p = nullptr;
  __atomic_store_n(&pp->m, static_cast<M*>(nullptr), __ATOMIC_RELEASE);
  pp->status.store(Pidle, std::memory_order_release);
  return pp;
}

// ---- Gs ----

G* malg(int32_t stacksize) {
  G* newg = nullptr;
  {
    LockGuard guard(allglock);
    if (allgcount == gslabs.size() * kGsPerSlab) gslabs.push_back(static_cast<G*>(::operator new(kGSlabBytes)));
    newg = new (gslabs.back() + allgcount % kGsPerSlab) G;
    allgcount++;
  }
  if (stacksize >= 0) {
    // _StackSystem is 0 on Linux, so this only rounds up to a power of two.
    uint32_t size = round2(static_cast<int32_t>(abi::kStackSystem) + stacksize);
    newg->stack = stackalloc(size);
    set_stackguard0(newg, newg->stack.lo + abi::kStackGuard);
    newg->stackguard1 = ~uintptr_t{0};
    // The lowest word is cleared: Go records g there on signal stacks on some systems, and
    // a fresh word keeps tracebacks from reading stale data.
    *reinterpret_cast<uintptr_t*>(newg->stack.lo) = 0;
  }
  return newg;
}

size_t allglen() {
  LockGuard guard(allglock);
  return allgcount;
}

void forEachG(void (*f)(G* gp, void* arg), void* arg) {
  LockGuard guard(allglock);
  for (size_t i = 0; i < allgcount; i++) f(&gslabs[i / kGsPerSlab][i % kGsPerSlab], arg);
}

void forEachGRace(void (*f)(G* gp, void* arg), void* arg) {
  size_t n = allglen();
  for (size_t i = 0; i < n; i += kGsPerSlab) {
    G* slab;
    {
      LockGuard guard(allglock);  // gslabs may grow (and move) meanwhile
      slab = gslabs[i / kGsPerSlab];
    }
    for (size_t j = 0; j < kGsPerSlab && i + j < n; j++) f(&slab[j], arg);
  }
}

uint32_t readgstatus(const G* gp) { return gp->atomicstatus.load(std::memory_order_acquire); }

void casgstatus_fail(const G* gp, uint32_t oldval, uint32_t newval) {
  if (oldval == newval) throw_fatal("casgstatus: bad incoming values");
  printstring("runtime: casgstatus: goid=");
  printint(gp->goid);
  printstring(" status=");
  printuint(readgstatus(gp));
  printstring(" oldval=");
  printuint(oldval);
  printstring(" newval=");
  printuint(newval);
  printnl();
  throw_fatal("casgstatus: bad status");
}

// A dead G goes on the P's free list. A stack of a non-standard size (grown, or left from an
// older startingStackSize) is freed first, so free lists only hold standard stacks.
// When the local list reaches 64, Gs move to the global lists until 31 remain locally (the
// loop moves while n >= 32, as Go's does), each to the with-stack or without-stack list.
void gfput(P* pp, G* gp) {
  if (readgstatus(gp) != Gdead) throw_fatal("gfput: bad status (not Gdead)");

  uintptr_t stksize = gp->stack.hi - gp->stack.lo;
  if (gp->stack.lo != 0 && stksize != startingStackSize) {
    stackfree(gp->stack);
    gp->stack.lo = 0;
    gp->stack.hi = 0;
    set_stackguard0(gp, 0);
  }

  pp->gFree.list.push(gp);
  pp->gFree.n++;
  if (pp->gFree.n >= 64) gfree_spill(pp, 32);
}

G* gfget(P* pp) {
  if (pp->gFree.list.empty() && (!sched.gFree.stack.empty() || !sched.gFree.noStack.empty())) {
    // Move a batch (up to 32) of free Gs to the P, preferring Gs that still have a stack.
    LockGuard guard(sched.gFree.lock);
    while (pp->gFree.n < 32) {
      G* g = sched.gFree.stack.pop();
      if (g == nullptr) {
        g = sched.gFree.noStack.pop();
        if (g == nullptr) break;
      }
      sched.gFree.n--;
      pp->gFree.list.push(g);
      pp->gFree.n++;
    }
  }
  G* gp = pp->gFree.list.pop();
  if (gp == nullptr) return nullptr;
  pp->gFree.n--;
  if (gp->stack.lo != 0 && gp->stack.hi - gp->stack.lo != startingStackSize) {
    // Right size when it was freed, but startingStackSize changed since.
    stackfree(gp->stack);
    gp->stack.lo = 0;
    gp->stack.hi = 0;
    set_stackguard0(gp, 0);
  }
  if (gp->stack.lo == 0) {
    gp->stack = stackalloc(startingStackSize);
    set_stackguard0(gp, gp->stack.lo + abi::kStackGuard);
  }
  return gp;
}

void gfpurge(P* pp) { gfree_spill(pp, 1); }

// newg_alloc for a thread without a P: the global free lists, a goid of its own.
G* newg_alloc_nop() {
  G* newg = nullptr;
  {
    LockGuard guard(sched.gFree.lock);
    newg = sched.gFree.stack.pop();
    if (newg == nullptr) newg = sched.gFree.noStack.pop();
    if (newg != nullptr) sched.gFree.n--;
  }
  if (newg == nullptr) {
    newg = malg(static_cast<int32_t>(startingStackSize));
    casgstatus(newg, Gidle, Gdead);
  } else if (newg->stack.lo == 0) {
    newg->stack = stackalloc(startingStackSize);
    set_stackguard0(newg, newg->stack.lo + abi::kStackGuard);
  }
  newg->goid = static_cast<int64_t>(sched.goidgen.fetch_add(1, std::memory_order_relaxed) + 1);
  created_without_p.fetch_add(1, std::memory_order_relaxed);
  return newg;
}

G* newg_alloc(P* pp) {
  if (pp == nullptr) return newg_alloc_nop();
  G* newg = gfget(pp);
  if (newg != nullptr) {
    counter_add(pp->gfree_reused, 1);
  } else {
    newg = malg(static_cast<int32_t>(startingStackSize));
    casgstatus(newg, Gidle, Gdead);
  }
  if (newg->stack.hi == 0) throw_fatal("newproc1: newg missing stack");
  if (readgstatus(newg) != Gdead) throw_fatal("newproc1: new g is not Gdead");
  if (pp->goidcache == pp->goidcacheend) {
    // Take goids from the global generator in batches, so Ps do not contend on it.
    pp->goidcache = sched.goidgen.fetch_add(kGoidCacheBatch, std::memory_order_relaxed) + 1;
    pp->goidcacheend = pp->goidcache + kGoidCacheBatch;
  }
  newg->goid = static_cast<int64_t>(pp->goidcache++);
  counter_add(pp->goroutines_created, 1);
  return newg;
}

void gdestroy(G* gp) {
  casgstatus(gp, Grunning, Gdead);
  M* mp = getg()->m;
  if (mp->curg == gp) __atomic_store_n(&mp->curg, static_cast<G*>(nullptr), __ATOMIC_RELEASE);
  gp->m = nullptr;
  // sysmon, suspendG and runtime·GC may still write these (see runtime2.h)
  __atomic_store_n(&gp->preempt, false, __ATOMIC_RELAXED);
  __atomic_store_n(&gp->preemptStop, false, __ATOMIC_RELAXED);
  __atomic_store_n(&gp->preemptShrink, false, __ATOMIC_RELAXED);
  gp->defer_ = nullptr;
  gp->panic_ = nullptr;
  gp->sched = Gobuf{};
  gp->syscallsp = 0;
  gfput(mp->p, gp);
}

ProcStats proc_stats() {
  ProcStats st{created_without_p.load(std::memory_order_relaxed), 0, 0};
  for (P* pp : allp) {
    st.goroutines_created += pp->goroutines_created.load(std::memory_order_relaxed);
    st.gfree_reused += pp->gfree_reused.load(std::memory_order_relaxed);
  }
  LockGuard guard(sched.gFree.lock);
  st.sched_gfree_n = sched.gFree.n;
  return st;
}

}  // namespace gostack::rt
