// Goroutine tracebacks for fatal errors (after Go's traceback.go): frames are walked with the
// function tables' SP deltas where a PC belongs to an assembled function, else by saved BPs.
#include <unwind.h>

#include <cstdint>
#include <cstring>

#include "functab/registry.h"
#include "runtime/exesyms.h"
#include "runtime/print.h"
#include "runtime/sched.h"
#include "runtime/stkframe.h"

namespace gostack::rt {
namespace {

constexpr int kMaxFrames = 100;  // Go 1.19 prints at most 100 frames, then elides the rest

bool in_stack(const G* gp, uintptr_t p) { return gp->stack.lo <= p && p + 8 <= gp->stack.hi; }

uintptr_t load(uintptr_t p) { return *reinterpret_cast<const uintptr_t*>(p); }

// Prints "name(...)\n\tfile:line +0xoff\n" for pc; `call` says pc is a return address, so
// its line is that of the call instruction (pc-1).
void print_frame(uintptr_t pc, bool call) {
  functab::Found found = functab::lookup(call ? pc - 1 : pc);
  if (!found) {
    printstring("?()\n\t?:0 pc=");
    printhex(pc);
    printnl();
    return;
  }
  const functab::FuncEntry* fn = found.fn;
  printstring(fn->name);
  printstring("(...)\n\t");
  uint32_t off = static_cast<uint32_t>(pc - fn->entry);
  const functab::LineRun* line = fn->line_at(call && off > 0 ? off - 1 : off);
  if (line != nullptr) {
    printstring(found.table->file(*line));
    printstring(":");
    printint(line->line);
  } else {
    printstring("?:0");
  }
  printstring(" +");
  printhex(off);
  printnl();
}

struct Pcs {
  uintptr_t pc[kMaxFrames];
  int n = 0;
};

_Unwind_Reason_Code collect_pc(_Unwind_Context* ctx, void* arg) {
  auto* pcs = static_cast<Pcs*>(arg);
  if (pcs->n == kMaxFrames) return _URC_END_OF_STACK;
  int before_insn = 0;
  pcs->pc[pcs->n++] = _Unwind_GetIPInfo(ctx, &before_insn);
  return _URC_NO_REASON;
}

// Go's "runtime stack:" section: the g0 frames of a throw on the system stack, from
// throw_fatal down to the assembled function that entered C++ (runtime.morestack, mcall,
// asmcgocall), found with the C++ unwinder. C++ frames are named from the executable's
// symbol table ("?" when it is stripped) with no file:line; assembled ones by their tables.
void traceback_runtime_stack() {
  Pcs pcs;
  _Unwind_Backtrace(collect_pc, &pcs);
  printstring("\nruntime stack:\n");
  bool started = false;
  for (int i = 0; i < pcs.n; i++) {
    uintptr_t pc = pcs.pc[i];
    if (functab::lookup(pc - 1)) {  // assembled: the switch from the goroutine; stop there
      print_frame(pc, true);
      break;
    }
    char name[256];
    uintptr_t start = 0;
    bool known = exe_function_at(pc - 1, name, sizeof name, &start);
    if (!started) {
      // Skip the traceback's own frames and the hook: start at the throw.
      if (!known || std::strstr(name, "throw_fatal") == nullptr) continue;
      started = true;
    }
    printstring(known ? name : "?");
    printstring("(...)\n\t?:0 +");
    printhex(known ? pc - start : pc);
    printnl();
  }
}

// Whether the function at pc is the runtime's own (Go's showframe hides those from a user
// goroutine's traceback: a goroutine parked in runtime·selectgo shows the caller's frame).
bool runtime_frame(uintptr_t pc, bool call) {
  functab::Found found = functab::lookup(call ? pc - 1 : pc);
  return found && found.fn->name.rfind("runtime.", 0) == 0;
}

// The traceback of gp from (pc, sp, bp) under "goroutine N [status]:"; `first` says what the
// first pc is. With hide_runtime, the runtime's frames are walked but not printed.
void traceback_from(G* gp, uintptr_t pc, uintptr_t sp, uintptr_t bp, PcKind first, const char* status,
                    bool hide_runtime) {
  printstring("\ngoroutine ");
  printint(gp->goid);
  printstring(" [");
  printstring(status);
  printstring("]:\n");
  bool call = first == PcKind::Return;
  for (int n = 0;; n++) {
    if (n == kMaxFrames) {
      printstring("...additional frames elided...\n");
      break;
    }
    if (!hide_runtime || !runtime_frame(pc, call)) print_frame(pc, call);
    StkFrame f;
    if (frame_at(pc, sp, call ? PcKind::Return : first, f)) {
      // Precise: the return address sits just above this frame's SP delta.
      if (f.top()) break;
      uintptr_t retp = f.fp - 8;
      if (!in_stack(gp, retp)) break;
      if (f.bp_saved) bp = load(f.varp);
      pc = load(retp);
      sp = f.fp;
    } else {
      // Unknown code: follow the saved-BP chain.
      if (!in_stack(gp, bp) || bp < sp) break;
      pc = load(bp + 8);
      sp = bp + 16;
      bp = load(bp);
    }
    call = true;
  }
  if (gp->gopc != 0) {
    printstring("created by ");
    functab::Found found = functab::lookup(gp->gopc - 1);
    if (found) {
      printstring(found.fn->name);
      printnl();
    } else {
      printstring("?\n");
    }
  }
}

}  // namespace

void traceback_curg() {
  G* g = getg();
  if (g == nullptr || g->m == nullptr || g->m->curg == nullptr) return;
  G* gp = g->m->curg;
  // A G stopped by morestack or mcall: sched holds its pc/sp/bp.
  if (gp->sched.sp == 0) return;
  traceback_from(gp, gp->sched.pc, gp->sched.sp, gp->sched.bp, PcKind::Sched, "running", false);
}

void traceback_throw() {
  G* g = getg();
  if (g != nullptr && g->m != nullptr && g == g->m->g0 && g->m->curg != nullptr) traceback_runtime_stack();
  traceback_curg();
}

void traceback_goroutine(G* gp, uintptr_t pc, uintptr_t sp, uintptr_t bp) {
  traceback_from(gp, pc, sp, bp, PcKind::Exact, "running", false);
}

void traceback_parked(G* gp) {
  // Parked through a runtime entry (mcall or mcallargs): sched.pc is a return address.
  traceback_from(gp, gp->sched.pc, gp->sched.sp, gp->sched.bp, PcKind::Return, waitreason_string(gp->waitreason),
                 true);
}

}  // namespace gostack::rt
