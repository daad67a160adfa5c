// Helpers shared by the frame pass's files (not part of the stage interface).
#pragma once

#include <cstdint>
#include <string>

#include "core/diag.h"
#include "core/symbol.h"

namespace gostack::frame {

// Go's ArgsSizeUnknown: the args size of a TEXT written without "-args".
inline constexpr int32_t kArgsSizeUnknown = INT32_MIN;

// Inserts a fresh Prog after p, at p's source position (Go's obj.Appendp).
Prog* appendp(Unit& unit, Prog* p);

// Turns p into a zero-byte NOP, dropping its operands (Go's obj.Nopout).
void nopout(Prog* p);

// Reports an error at p's position.
void error_at(const Unit& unit, Diag& diag, const Prog* p, const std::string& msg);

// Go's progedit: per-instruction rewrites done before the frame is laid out
// (TLS access forms, CALL/JMP/RET to a symbol, MOV $addr -> LEA, float constants).
void progedit(Unit& unit, Prog* p);

// Go's preprocess: frame layout, prologue, stack-split check, epilogues and the
// pseudo-SP/FP rewriting for one function whose Prog list has been progedit'ed.
void preprocess(Unit& unit, Symbol* fn, Diag& diag);

}  // namespace gostack::frame
