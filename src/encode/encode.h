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

// Whether the encoder implements this op: Go's legacy and VEX forms. Ops that have only
// EVEX (AVX-512) forms are not implemented yet; an op with both reports an instruction
// that only an EVEX form would fit as unsupported too.
bool op_supported(Op op);

// Lowers ADJSP $n as the encoder does (Go's span6) before it encodes a function: SUBQ $n,
// SP or ADDQ $-n, SP, and ADJSP $0 a NOP. The frame pass calls it for the ADJSPs it
// accounts for, so that its output already reads as Go's listing.
void lower_adjsp(Prog* p);

}  // namespace gostack
