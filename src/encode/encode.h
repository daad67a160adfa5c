// The encoder (Go's asm6.go span6/asmins): sizes branches, chooses each instruction's
// form, and emits machine code and relocations into the function symbol.
#pragma once

#include "core/diag.h"
#include "core/symbol.h"

namespace gostack {

// Encodes one lowered TEXT symbol: sets every Prog's pc and isize, and the symbol's
// p (bytes), r (relocations, Go's kinds) and size. An instruction outside the supported
// set is reported as "file:line: unsupported instruction: NAME" and emits no bytes.
void encode_function(Unit& unit, Symbol* fn, Diag& diag);

// Whether the encoder implements this op (the base set now; everything later).
bool op_supported(Op op);

}  // namespace gostack
