// Helpers shared by the frame pass's files (not part of the stage interface).
#pragma once

#include <cstdint>
#include <string>

#include "core/diag.h"
#include "core/symbol.h"

namespace gostack::frame {

// Go's ArgsSizeUnknown: the args size of a TEXT written without "-args".
inline constexpr int32_t kArgsSizeUnknown = INT32_MIN;

// PCDATA tables and values the frame pass writes (Go's objabi.PCDATA_*).
inline constexpr int64_t kPcdataUnsafePoint = 0;
inline constexpr int64_t kPcdataStackMapIndex = 1;
inline constexpr int64_t kUnsafePointUnsafe = -2;

// Operands as Go's obj.Addr literals: AX, 16(R14), $8, a branch to a Prog.
Addr reg_operand(RegNum r);
Addr mem_operand(RegNum base, int64_t off);
Addr const_operand(int64_t v);
Addr branch_to(Prog* target);

// Inserts a fresh Prog after p, at p's source position (Go's obj.Appendp).
Prog* appendp(Unit& unit, Prog* p);
// Appends "as from, to" after p and returns it.
Prog* emit(Unit& unit, Prog* p, Op as, const Addr& from, const Addr& to);
// Appends "PCDATA $table, $value" after p and returns it.
Prog* emit_pcdata(Unit& unit, Prog* p, int64_t table, int64_t value);

// Turns p into a zero-byte NOP, dropping its operands (Go's obj.Nopout).
void nopout(Prog* p);

// Reports an error at p's position.
void error_at(const Unit& unit, Diag& diag, const Prog* p, const std::string& msg);

// Go's progedit: per-instruction rewrites done before the frame is laid out
// (TLS access forms, CALL/JMP/RET to a symbol, MOV $addr -> LEA, float constants).
void progedit(Unit& unit, Prog* p);

// Whether progedit may change p (it certainly leaves p alone if not): an operand on TLS,
// an address or float constant source, or a memory destination of CALL/JMP/RET or of a
// compare whose predicate parsed as memory. Most instructions are none of these and skip
// the call.
inline bool progedit_applies(const Prog* p) {
  if (p->from.type == AddrType::Addr || p->from.type == AddrType::FConst ||
      p->from.reg == reg::TLS || p->from.index == reg::TLS) {
    return true;
  }
  if (p->to.type != AddrType::Mem) return false;
  switch (p->as) {
    case Op::CALL: case Op::JMP: case Op::RET:
    case Op::CMPPD: case Op::CMPPS: case Op::CMPSD: case Op::CMPSS:
      return true;
    default:
      return p->to.index == reg::TLS;
  }
}

// What the progedit walk learned about a function's body, so that preprocess need not
// walk the list again for it.
struct BodyFacts {
  bool has_call = false;  // a CALL, DUFFCOPY or DUFFZERO
  Prog* last = nullptr;   // the function's last instruction
};

// Go's preprocess: frame layout, prologue, stack-split check, epilogues and the
// pseudo-SP/FP rewriting for one function whose Prog list has been progedit'ed.
void preprocess(Unit& unit, Symbol* fn, Diag& diag, const BodyFacts& body);

}  // namespace gostack::frame
