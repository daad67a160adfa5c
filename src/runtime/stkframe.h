// Goroutine stack frames as the function tables describe them (after Go's stkframe and the
// frame arithmetic of gentraceback): the walk copystack and the traceback share.
#pragma once

#include <cstdint>

#include "functab/registry.h"
#include "runtime/runtime2.h"

namespace gostack::rt {

// One frame of assembled code. Addresses grow upwards:
//
//   fp + args   ...                  the arguments (in the caller's frame)
//   fp          first argument word  (Go's argp)
//   fp - 8      return address
//   varp        saved BP, when bp_saved (then varp = fp - 16; else varp = fp - 8)
//   [sp, varp)  locals, outgoing arguments, pushed words
struct StkFrame {
  const functab::FuncEntry* fn = nullptr;
  const functab::FuncTable* table = nullptr;
  uintptr_t pc = 0;   // where the frame continues (a return address, or a G's sched.pc)
  uint32_t off = 0;   // the pc the tables are read at, from fn->entry: pc - 1 for a return
                      // address (the CALL), pc itself when exact (Go's targetpc)
  bool at_entry = false;  // stopped at the function's first instruction (not started)
  uintptr_t sp = 0;
  uintptr_t fp = 0;
  uintptr_t varp = 0;
  bool bp_saved = false;

  // The PCDATA_StackMapIndex value selecting the bitmap of the pointer maps here: Go's rule,
  // -1 (no PCDATA yet, or a function's entry) reads bitmap 0.
  int32_t stackmap_index() const;
  // Whether this frame ends the walk: the goroutine's top frame (goexit, TOPFRAME).
  bool top() const;
};

// What a frame's pc is.
enum class PcKind {
  Return,  // a return address: the tables are read at the CALL (pc - 1)
  Sched,   // a stopped G's sched.pc: a return address (mcall, morestack), or the entry of a
           // function not started yet
  Exact,   // the instruction about to run (a signal's faulting pc)
};

// The function last found by a walk: a recursion's frames are all in one function, so most
// frames need no search of the registry (and none of its lock). Valid for one walk of a
// stopped goroutine, whose code cannot be unregistered meanwhile.
struct FuncCache {
  functab::Found last;
  functab::Found lookup(uintptr_t pc) {
    if (last && pc - last.fn->entry < last.fn->size) return last;
    functab::Found found = functab::lookup(pc);
    if (found) last = found;
    return found;
  }
};

// Describes the frame of the assembled function containing pc, whose SP is sp. False when no
// table holds the pc, or when the function writes SP directly (kFlagSpWrite: its SP deltas
// say nothing after that).
bool frame_at(uintptr_t pc, uintptr_t sp, PcKind kind, StkFrame& f, FuncCache* cache = nullptr);

// Why a walk ended.
enum class WalkEnd {
  Top,      // reached the goroutine's top frame (visited)
  Unknown,  // a pc no function table describes, or an SPWRITE function (not visited)
  Outside,  // a frame reaching outside the stack (not visited)
};

// Calls visit(frame) for each frame of a stopped goroutine, from its sched (pc, sp) outwards,
// reading return addresses from the memory of `stk`. The visitor may stop the walk by
// returning false (the walk then reports Top).
template <class Visit>
WalkEnd walk_frames(Stack stk, uintptr_t pc, uintptr_t sp, Visit&& visit) {
  FuncCache cache;
  for (PcKind kind = PcKind::Sched;; kind = PcKind::Return) {
    StkFrame f;
    if (!frame_at(pc, sp, kind, f, &cache)) return WalkEnd::Unknown;
    if (f.sp < stk.lo || f.fp > stk.hi || f.fp < f.sp + 8) return WalkEnd::Outside;
    if (!visit(static_cast<const StkFrame&>(f)) || f.top()) return WalkEnd::Top;
    pc = *reinterpret_cast<const uintptr_t*>(f.fp - 8);
    sp = f.fp;
  }
}

}  // namespace gostack::rt
