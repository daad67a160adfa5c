// Frame arithmetic for goroutine stacks from the function tables (SP delta, saved BP, PCDATA).
#include "runtime/stkframe.h"

namespace gostack::rt {

int32_t StkFrame::stackmap_index() const {
  int32_t idx = at_entry ? -1 : fn->stackmap_index_at(off);
  return idx == -1 ? 0 : idx;
}

bool StkFrame::top() const { return (fn->flags & textflag::kTopFrame) != 0; }

bool frame_at(uintptr_t pc, uintptr_t sp, PcKind kind, StkFrame& f, FuncCache* cache) {
  auto lookup = [cache](uintptr_t p) { return cache ? cache->lookup(p) : functab::lookup(p); };
  // A return address may be the first byte after its function (a CALL that never returns,
  // last in the function): read the tables at the CALL.
  functab::Found found;
  bool exact = kind == PcKind::Exact;
  if (kind != PcKind::Return) {
    found = lookup(pc);
    exact = exact || (found && found.fn->entry == pc);
  }
  if (!exact) found = lookup(pc - 1);
  if (!found || (found.fn->flags & functab::kFlagSpWrite) != 0) return false;
  f.fn = found.fn;
  f.table = found.table;
  f.pc = pc;
  f.off = static_cast<uint32_t>(exact ? pc - f.fn->entry : pc - 1 - f.fn->entry);
  f.at_entry = pc == f.fn->entry;
  f.sp = sp;
  uintptr_t retslot = sp + static_cast<uintptr_t>(f.fn->sp_delta(f.off));
  f.fp = retslot + sizeof(uintptr_t);
  f.bp_saved = f.fn->bp_saved_at(f.off);
  f.varp = f.bp_saved ? retslot - sizeof(uintptr_t) : retslot;
  return true;
}

}  // namespace gostack::rt
