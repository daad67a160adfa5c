// Fatal signals in goroutine code: Go's panic or throw report, the goroutine traceback, exit 2.
//
// What Go 1.19 prints (signal_unix.go sighandler, signal_amd64.go, panic.go sigpanic):
//   SIGSEGV/SIGBUS at an address below 0x1000:
//     panic: runtime error: invalid memory address or nil pointer dereference
//     [signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x...]
//   SIGSEGV/SIGBUS elsewhere:
//     unexpected fault address 0x...
//     fatal error: fault
//     [signal SIGSEGV: segmentation violation code=0x2 addr=0x... pc=0x...]
//   SIGFPE: panic: runtime error: integer divide by zero | integer overflow | floating point error
//   SIGILL, SIGTRAP (thrown, not panics):
//     SIGTRAP: trace trap
//     PC=0x... m=0 sigcode=128
// each followed by a blank line and the goroutine's traceback. gostack has no recover, so a
// panic ends the program too (Go adds "[recovered]" lines only when a deferred call runs).
#include "runtime/signal.h"

#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "runtime/print.h"
#include "runtime/runtime2.h"
#include "runtime/sched.h"

namespace gostack::rt {
namespace {

struct SigInfo {
  int sig;
  const char* name;  // Go's sigtable entry
};
constexpr SigInfo kSignals[] = {
    {SIGSEGV, "SIGSEGV: segmentation violation"},
    {SIGBUS, "SIGBUS: bus error"},
    {SIGFPE, "SIGFPE: floating-point exception"},
    {SIGILL, "SIGILL: illegal instruction"},
    {SIGTRAP, "SIGTRAP: trace trap"},
};
constexpr int kNumSignals = sizeof kSignals / sizeof kSignals[0];

struct sigaction old_actions[kNumSignals];
std::atomic<bool> crashing{false};
thread_local bool have_altstack = false;

// Go's signal stack is 32 KiB; the report and the traceback need far less.
constexpr size_t kSigStackSize = 32 << 10;

int slot_of(int sig) {
  for (int i = 0; i < kNumSignals; i++)
    if (kSignals[i].sig == sig) return i;
  return -1;
}

// Hands the signal to whoever had it before: their handler, or the default action (the
// faulting instruction runs again after we return and the signal kills the process).
void forward(int slot, int sig, siginfo_t* info, void* uctx) {
  const struct sigaction& old = old_actions[slot];
  if (old.sa_flags & SA_SIGINFO) {
    if (old.sa_sigaction != nullptr) return old.sa_sigaction(sig, info, uctx);
  } else if (old.sa_handler != SIG_DFL && old.sa_handler != SIG_IGN) {
    return old.sa_handler(sig);
  }
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, nullptr);
  if (sig == SIGTRAP || info->si_code <= 0) raise(sig);  // INT3 does not repeat on return
}

// "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x...]"
void print_signal_line(int slot, const siginfo_t* info, uintptr_t pc) {
  printstring("[signal ");
  printstring(kSignals[slot].name);
  printstring(" code=");
  printhex(static_cast<uint64_t>(static_cast<uint32_t>(info->si_code)));
  printstring(" addr=");
  printhex(reinterpret_cast<uintptr_t>(info->si_addr));
  printstring(" pc=");
  printhex(pc);
  printstring("]\n");
}

void sighandler(int sig, siginfo_t* info, void* uctx) {
  int slot = slot_of(sig);
  G* g = getg();
  // Only a running goroutine's signals are ours: on g0 the code is C++ (the runtime's or the
  // host program's, which owned this thread's stack before start()).
  if (g == nullptr || g->m == nullptr || g == g->m->g0) return forward(slot, sig, info, uctx);
  if (crashing.exchange(true)) ::_exit(2);  // a second fatal signal while reporting the first

  const mcontext_t& mc = static_cast<ucontext_t*>(uctx)->uc_mcontext;
  auto pc = static_cast<uintptr_t>(mc.gregs[REG_RIP]);
  auto sp = static_cast<uintptr_t>(mc.gregs[REG_RSP]);
  auto bp = static_cast<uintptr_t>(mc.gregs[REG_RBP]);
  auto addr = reinterpret_cast<uintptr_t>(info->si_addr);

  if (sig == SIGSEGV || sig == SIGBUS) {
    if (addr < 0x1000) {
      printstring("panic: runtime error: invalid memory address or nil pointer dereference\n");
    } else {
      printstring("unexpected fault address ");
      printhex(addr);
      printstring("\nfatal error: fault\n");
    }
    print_signal_line(slot, info, pc);
  } else if (sig == SIGFPE) {
    printstring(info->si_code == FPE_INTDIV   ? "panic: runtime error: integer divide by zero\n"
                : info->si_code == FPE_INTOVF ? "panic: runtime error: integer overflow\n"
                                              : "panic: runtime error: floating point error\n");
    print_signal_line(slot, info, pc);
  } else {
    printstring(kSignals[slot].name);
    printstring("\nPC=");
    printhex(pc);
    printstring(" m=");
    printint(g->m->id);
    printstring(" sigcode=");
    printint(info->si_code);
    printnl();
  }
  traceback_goroutine(g, pc, sp, bp);
  ::_exit(2);
}

}  // namespace

void initsig() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  minit_signals();
  struct sigaction sa = {};
  sa.sa_sigaction = sighandler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;  // a fault while reporting: exit 2
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < kNumSignals; i++) sigaction(kSignals[i].sig, &sa, &old_actions[i]);
}

void minit_signals() {
  if (have_altstack) return;
  stack_t old = {};
  if (sigaltstack(nullptr, &old) == 0 && !(old.ss_flags & SS_DISABLE) && old.ss_size >= kSigStackSize) {
    have_altstack = true;  // the host program gave this thread one already
    return;
  }
  void* mem = mmap(nullptr, kSigStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw_fatal("minit: cannot allocate the signal stack");
  stack_t st = {};
  st.ss_sp = mem;
  st.ss_size = kSigStackSize;
  if (sigaltstack(&st, nullptr) != 0) throw_fatal("minit: sigaltstack failed");
  have_altstack = true;
}

}  // namespace gostack::rt
