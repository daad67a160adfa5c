// Goroutine tracebacks for fatal errors (after Go's traceback.go): frames are walked with the
// function tables' SP deltas where a PC belongs to an assembled function, else by saved BPs.
#include <cstdint>

#include "functab/registry.h"
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

// The traceback of gp from (pc, sp, bp); `first` says what the first pc is.
void traceback_from(G* gp, uintptr_t pc, uintptr_t sp, uintptr_t bp, PcKind first) {
  printstring("\ngoroutine ");
  printint(gp->goid);
  printstring(" [running]:\n");
  bool call = false;
  for (int n = 0;; n++) {
    if (n == kMaxFrames) {
      printstring("...additional frames elided...\n");
      break;
    }
    print_frame(pc, call);
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
  traceback_from(gp, gp->sched.pc, gp->sched.sp, gp->sched.bp, PcKind::Sched);
}

void traceback_goroutine(G* gp, uintptr_t pc, uintptr_t sp, uintptr_t bp) {
  traceback_from(gp, pc, sp, bp, PcKind::Exact);
}

}  // namespace gostack::rt
