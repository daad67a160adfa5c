// The frame pass (Go's obj6.go progedit + preprocess, and the per-function part of
// plist.go): rewrites pseudo-FP/SP references, lays out the frame, and inserts the
// prologue, the stack-split check, the epilogue and the FUNCDATA Go adds for asm.
#pragma once

#include "core/diag.h"
#include "core/symbol.h"

namespace gostack {

// Lowers one TEXT symbol in place, before encoding. Errors (bad FP/SP references,
// ABIInternal without NOSPLIT...) go to diag.
void lower_function(Unit& unit, Symbol* fn, Diag& diag);

}  // namespace gostack
