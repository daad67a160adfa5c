// DWARF call-frame information (.eh_frame) derived from a function table's SP deltas, so
// gdb, perf and C++ unwinders walk through assembled frames.
#pragma once

#include <cstdint>
#include <vector>

#include "functab/functab.h"

namespace gostack::functab {

// Appends to `out` one self-contained .eh_frame fragment for `fn`: a CIE and one FDE. The
// FDE's pc_begin is at *pc_begin_field (from the fragment's start): for objects a 32-bit
// PC-relative field, to be relocated against the function's entry (R_X86_64_PC32, addend
// 0); with `absolute` (in-memory images) the 8-byte address fn.entry itself. Rules:
// CFA = RSP + 8 + spdelta at every pc; the return address at CFA-8; the caller's RBP at
// CFA-16 wherever the frame has saved it.
void eh_frame(const FuncEntry& fn, std::vector<uint8_t>& out, uint32_t* pc_begin_field,
              bool absolute = false);

}  // namespace gostack::functab
