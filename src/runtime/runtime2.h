// The runtime's core data structures: G, M, P and sched, laid out as in Go 1.19's runtime2.go.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "gostack/abi.h"
#include "runtime/lock.h"

namespace gostack::rt {

struct G;
struct M;
struct P;

// Stack sizes and cache geometry (Go's runtime/stack.go and malloc.go, linux/amd64).
inline constexpr uintptr_t kFixedStack = 2048;      // smallest stack; _StackMin rounded to 2^k
inline constexpr int kNumStackOrders = 4;           // pooled sizes: 2, 4, 8 and 16 KiB
inline constexpr uintptr_t kStackCacheSize = 32768; // per-P cache bound; also the pool span size

// A stack is exactly the bytes [lo, hi), nothing hidden on either side.
struct Stack {
  uintptr_t lo = 0;
  uintptr_t hi = 0;
};

// A saved execution context: what gogo restores and mcall/morestack record.
struct Gobuf {
  uintptr_t sp = 0;
  uintptr_t pc = 0;
  G* g = nullptr;
  void* ctxt = nullptr;  // closure context register (DX on amd64)
  uintptr_t ret = 0;
  uintptr_t lr = 0;      // unused on amd64, kept for Go's layout
  uintptr_t bp = 0;      // frame pointer
};

// An active panic. The WRAPPER prologue compares argp with the caller's argument pointer.
struct Panic {
  uintptr_t argp = 0;
  Panic* link = nullptr;
};

struct Defer;  // deferred calls are not implemented yet; only the slot exists (offset 40)

// Goroutine status values (Go's numbering; 5 and 7 are unused in Go 1.19 too).
enum GStatus : uint32_t {
  Gidle = 0,       // just allocated, not yet initialised
  Grunnable = 1,   // on a run queue, not executing user code
  Grunning = 2,    // executing user code, owns its stack, has an M and a P
  Gsyscall = 3,    // in a system call / C++ call, not executing user code
  Gwaiting = 4,    // blocked in the runtime
  Gdead = 6,       // unused: just exited, on a free list, or being initialised
  Gcopystack = 8,  // its stack is being moved; it is not running
  Gpreempted = 9,  // stopped itself for a suspendG preemption
};

// Why a goroutine is parked (Go's waitReason), shown in deadlock reports.
enum class WaitReason : uint8_t {
  None,
  ChanReceive,
  ChanSend,
  ChanReceiveNilChan,
  ChanSendNilChan,
  Select,         // parked in runtime·selectgo on one or more channels
  SelectNoCases,  // a select without cases: parked for good
  Preempted,          // stopped by suspendG for a stack scan
  GarbageCollection,  // in runtime·GC, waiting for other goroutines to be scanned
  Sleep,              // in runtime·timeSleep
};
const char* waitreason_string(WaitReason r);

struct ExitWaiter;

// A waiter on a channel (Go's sudog): a parked G; a plain C++ thread sleeping on `note`; or
// m0 running goroutines inside run_scheduler until `waiter` is done.
// `elem` points at the value to send or the slot to receive into; for a G it points into
// the G's own stack, so moving that stack moves elem too (adjustsudogs in sched.cpp).
// A G parked in select waits with one sudog per channel case (from the sudog cache, select.cpp),
// chained from G::waiting through waitlink in lock order; a plain channel operation uses the
// G's own sudog. note and waitlink share a word: a thread waiter never is on a G's list.
struct Sudog {
  G* g = nullptr;
  union {
    Note* note = nullptr;   // plain-thread waiter when g == nullptr
    Sudog* waitlink;        // g != nullptr: the G's next sudog (G::waiting list)
  };
  ExitWaiter* waiter = nullptr;  // m0 waiting in run_scheduler
  Sudog* next = nullptr;    // wait-queue links
  Sudog* prev = nullptr;
  void* elem = nullptr;
  void* c = nullptr;        // the Hchan waited on
  bool success = false;     // woken by a value (true) or by close (false)
  bool isSelect = false;    // a select case: whoever wakes g must first win g->selectDone
};

// A goroutine. Field order keeps the offsets the assembler and abi.h rely on (up to sched)
// and then packs the rest without holes: every G costs its bytes plus its stack while parked
// (issue 6 measures memory per parked goroutine), and Gs come from slabs (proc.cpp) without an
// allocator header.
struct G {
  Stack stack;                  // offset 0: [lo, hi)
  uintptr_t stackguard0 = 0;    // offset 16: compared with SP by the prologue; may be kStackPreempt
  uintptr_t stackguard1 = 0;    // offset 24: compared by C-stack (g0-only) checks; ~0 on user Gs
  Panic* panic_ = nullptr;      // offset 32: innermost panic (Go's _panic)
  Defer* defer_ = nullptr;      // offset 40: innermost defer (Go's _defer)
  M* m = nullptr;               // offset 48: current M, nullptr when not running
  Gobuf sched;                  // offset 56: saved context when not running
  uintptr_t syscallsp = 0;      // sched.sp while in Gsyscall (the stack must not move then)
  int64_t goid = 0;
  G* schedlink = nullptr;       // link on run queues and free lists
  uintptr_t gopc = 0;           // PC of the go statement that created this G
  struct ExitWaiter* waiter = nullptr;  // told when the G exits (the C++ API's wait)
  Sudog* waiting = nullptr;     // sudogs this G is parked on (Go's gp.waiting); elem adjusted on moves
  // The Hchan whose queue holds this G's sudog; in select the lowest-addressed of its
  // channels (locking it first keeps the G's sudog list in place, see lock_parked_chans).
  std::atomic<void*> parkingOnChan{nullptr};
  std::atomic<uint32_t> atomicstatus{Gidle};
  uint32_t argoff = 0;          // its argument frame starts at stack.hi - argoff (fixed across moves)
  // The G's own sudog: without select a G waits on one channel. no_unique_address lets the
  // small fields below live in its tail padding (assignments to a Sudog leave that alone).
  [[no_unique_address]] Sudog sudog;
  WaitReason waitreason = WaitReason::None;
  // Preemption requests. Other Ms write them (sysmon, suspendG, runtime·GC), so every access
  // is atomic (__atomic builtins: the fields stay plain bools in the packed tail).
  bool preempt = false;         // preemption requested; mirrors stackguard0 == kStackPreempt
  bool preemptStop = false;     // on preemption, park in Gpreempted for suspendG (preempt.h)
  bool preemptShrink = false;   // shrink the stack at the next synchronous safe point
  // Parked in select: 0 until one of its channels claims it (CAS to 1, under that channel's
  // lock); the losers skip its other sudogs (Go's g.selectDone).
  std::atomic<uint8_t> selectDone{0};
};

// Someone waiting for a G to finish: goexit0 copies `len` bytes of the G's argument frame
// (arguments then results) to `frame`. Then, for a plain thread (`thread`), it wakes `note`
// (its last touch: the thread may free the waiter at once); for m0, which waits inside
// run_scheduler, it sets `done` and wakes m0 if m0 is parked.
struct ExitWaiter {
  void* frame = nullptr;
  size_t len = 0;
  bool thread = false;
  // The program's main goroutine (gostack run): if it calls runtime·Goexit, the program goes
  // on without it and ends in checkdead once every other goroutine is gone, as in Go.
  bool program_main = false;
  std::atomic<bool> done{false};
  Note note;
};

static_assert(offsetof(Stack, lo) == 0 && offsetof(Stack, hi) == 8);
static_assert(offsetof(G, stack) + offsetof(Stack, lo) == abi::kGStackLo);
static_assert(offsetof(G, stack) + offsetof(Stack, hi) == abi::kGStackHi);
static_assert(offsetof(G, stackguard0) == abi::kGStackGuard0);
static_assert(offsetof(G, stackguard1) == abi::kGStackGuard1);
static_assert(offsetof(G, panic_) == abi::kGPanic);
static_assert(offsetof(Panic, argp) == abi::kPanicArgp);
static_assert(offsetof(G, defer_) == abi::kGDefer);
static_assert(offsetof(G, m) == abi::kGM);
static_assert(offsetof(G, sched) == abi::kGSched);
static_assert(offsetof(Gobuf, sp) == abi::kGobufSp);
static_assert(offsetof(Gobuf, pc) == abi::kGobufPc);
static_assert(offsetof(Gobuf, g) == abi::kGobufG);
static_assert(offsetof(Gobuf, ctxt) == abi::kGobufCtxt);
static_assert(offsetof(Gobuf, ret) == abi::kGobufRet);
static_assert(offsetof(Gobuf, lr) == abi::kGobufLr);
static_assert(offsetof(Gobuf, bp) == abi::kGobufBp);
static_assert(sizeof(Gobuf) == abi::kGobufSize);
static_assert(sizeof(G) <= 240, "G grew: it is part of every parked goroutine's cost");

struct M {
  G* g0 = nullptr;              // offset 0: goroutine with the scheduling (system) stack
  Gobuf morebuf;                // offset 8: caller context saved by morestack
  G* curg = nullptr;            // offset 64: user G running on this M
  P* p = nullptr;               // offset 72: attached P, nullptr when not executing Go code
  int64_t id = 0;
  int32_t locks = 0;            // runtime locks held; non-zero forbids preemption
  const char* preemptoff = nullptr;  // reason preemption is off; also bypasses P stack caches
  uint64_t procid = 0;          // OS thread id
  Note park;                    // an idle M sleeps here (stopm) until startm hands it a P
  M* schedlink = nullptr;       // link on sched.midle
  P* nextp = nullptr;           // the P startm hands over
  P* oldp = nullptr;            // the P it left in Psyscall (entersyscall), to take back
  bool spinning = false;        // looking for work without having found any
  uint32_t fastrand = 0;        // per-M random state (steal order, select's poll order)
};

static_assert(offsetof(M, g0) == abi::kMG0);
static_assert(offsetof(M, morebuf) == abi::kMMorebuf);
static_assert(offsetof(M, curg) == abi::kMCurg);
static_assert(offsetof(M, p) == abi::kMP);

// One xorshift step of the random state x (never 0).
inline uint32_t xorshift32(uint32_t& x) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

// Go's fastrand: the M's random state, for the steal order and select's poll order.
inline uint32_t fastrand(M* mp) { return xorshift32(mp->fastrand); }

// Intrusive lists of Gs through G::schedlink.
// GList is a stack (push/pop at the head); GQueue is a FIFO with a tail.
struct GQueue {
  G* head = nullptr;
  G* tail = nullptr;
  bool empty() const { return head == nullptr; }
  void push(G* gp);       // at the head
  void pushBack(G* gp);   // at the tail
  void pushBackAll(GQueue q);  // appends the whole queue, keeping its order
  G* pop();               // from the head; nullptr when empty
};

struct GList {
  G* head = nullptr;
  bool empty() const { return head == nullptr; }
  void push(G* gp);
  void pushAll(GQueue q);  // prepends the whole queue, keeping its order
  G* pop();
};

// A free-list link stored in the first word of a free stack.
struct GcLink {
  GcLink* next;
};

// A per-P cache of free stacks of one order.
struct StackFreeList {
  GcLink* list = nullptr;
  uintptr_t size = 0;  // total bytes on list
};

enum PStatus : uint32_t { Pidle = 0, Prunning = 1, Psyscall = 2, Pgcstop = 3, Pdead = 4 };

inline constexpr int kLocalRunQueue = 256;  // bounded local run queue, as in Go
inline constexpr uint64_t kGoidCacheBatch = 16;

struct P {
  int32_t id = 0;
  std::atomic<uint32_t> status{Pidle};
  M* m = nullptr;  // back link to the M running this P

  // goid allocation in batches from sched.goidgen (Go's goidcache).
  uint64_t goidcache = 0;
  uint64_t goidcacheend = 0;

  // Run queue (runq.h), without a lock: only the owner pushes at the tail; the owner and
  // stealers take from the head with a CAS. Slots are atomics because a stealer may read a
  // slot the owner is refilling (its CAS then fails and the value is dropped).
  std::atomic<uint32_t> runqhead{0};
  std::atomic<uint32_t> runqtail{0};
  std::atomic<G*> runq[kLocalRunQueue] = {};
  std::atomic<G*> runnext{nullptr};  // runs before runq, inheriting the time slice

  // Dead Gs for reuse (gfput/gfget).
  struct {
    GList list;
    int32_t n = 0;
  } gFree;

  // Free stacks by order (Go keeps these in the P's mcache).
  StackFreeList stackcache[kNumStackOrders];

  P* link = nullptr;         // on sched.pidle
  // Incremented when a G starts a new time slice; every 61st round takes the global queue
  // first. Starts at 1: in Go the runtime's own goroutines have run before main, so main's
  // first Gosched does not come straight back from the global queue.
  uint32_t schedtick = 1;
  // sysmon's view (Go's sysmontick): the schedtick it saw last and when.
  uint32_t sysmon_tick = 0;
  uint64_t sysmon_when = 0;

  // Free sudogs for select (Go's sudogcache), linked through Sudog::next; acquire_sudog and
  // release_sudog (select.cpp) balance it against sched.sudogcache.
  Sudog* sudogcache = nullptr;
  int32_t nsudogcache = 0;

  // Counters owned by this P: written only by the M holding it (relaxed load+store, no RMW),
  // summed over allp by readers.
  std::atomic<uint64_t> goroutines_created{0};
  std::atomic<uint64_t> gfree_reused{0};
  std::atomic<uint64_t> runs{0};         // Gs executed on this P
  std::atomic<uint64_t> steals{0};       // successful steals from other Ps
  std::atomic<uint64_t> stolen_gs{0};    // Gs taken by those steals
  std::atomic<uint64_t> global_gets{0};  // Gs taken from the global queue
  std::atomic<uint64_t> parks{0};        // times its M found nothing and gave it up
  std::atomic<uint64_t> preempts{0};     // Gs preempted (sysmon) while running on it
  std::atomic<uint64_t> goscheds{0};     // runtime·Gosched calls on it
};

// Global scheduler state.
struct Sched {
  std::atomic<uint64_t> goidgen{0};

  Mutex lock;      // protects the global run queue
  GQueue runq;     // global run queue
  std::atomic<int32_t> runqsize{0};  // changed under lock; read without it as a hint

  // Idle Ms and Ps, and the spinning count (Go's midle, pidle, nmspinning); under lock.
  M* midle = nullptr;
  int32_t nmidle = 0;
  int32_t mcount = 0;           // Ms created, m0 included (sysmon not counted)
  P* pidle = nullptr;
  std::atomic<int32_t> npidle{0};
  std::atomic<int32_t> nmspinning{0};
  const ExitWaiter* m0wait = nullptr;  // what m0 waits for inside run_scheduler, else nullptr
  bool m0idle = false;          // m0 is parked in stopm inside run_scheduler

  // The central pool behind the Ps' sudog caches (Go's sudoglock, sudogcache).
  Mutex sudoglock;
  Sudog* sudogcache = nullptr;

  // Global pool of dead Gs, split by whether they still own a stack.
  struct {
    Mutex lock;
    GList stack;    // Gs with a stack of the starting size
    GList noStack;  // Gs whose stack was freed
    int32_t n = 0;
  } gFree;
};

extern Sched sched;
extern std::vector<P*>& allp;  // all Ps, index = id; fixed after schedinit; never destroyed

// The current G: the thread-local slot that the assembler's (TLS) operand resolves to.
// It holds g0 while C++ runtime code runs and the user G while Go-syntax code runs.
// constinit: no dynamic initialisation, so reads need no TLS wrapper call.
extern "C" constinit thread_local G* gostack_tls_g __attribute__((tls_model("initial-exec")));

inline G* getg() { return gostack_tls_g; }
inline void setg(G* gp) { gostack_tls_g = gp; }

// GCC compiles a noreturn function as if it ran once (for size: small calls stay calls). The
// scheduler's switch paths never return (they end in gogo) yet run on every switch; they are
// marked hot to be optimised for speed.
#define GOSTACK_HOT __attribute__((hot))

// Sets gp's stack guard. sysmon may store kStackPreempt into any G a P runs (even one that has
// since exited and been reused), so every write is atomic; a request that meets this store is
// dropped, or honoured at the next prologue through gp->preempt, as in Go.
inline void set_stackguard0(G* gp, uintptr_t v) { __atomic_store_n(&gp->stackguard0, v, __ATOMIC_RELAXED); }

// Relaxed add on a single-writer counter (no locked instruction).
inline void counter_add(std::atomic<uint64_t>& c, uint64_t n) {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

}  // namespace gostack::rt
