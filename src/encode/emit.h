// Encodes one instruction (Go's asmins/doasm): picks the first form whose operand classes
// cover the Prog's, then emits prefixes, REX, opcode, ModRM/SIB, displacement, immediate
// and relocations exactly as Go 1.19 does.
#pragma once

#include <cstdint>
#include <string>

#include "core/diag.h"
#include "core/symbol.h"
#include "encode/forms.h"

namespace gostack::x86 {

// Branch state kept in Prog::back during span sizing (Go's branch* bits).
constexpr uint8_t kBranchBackwards = 1 << 0;
constexpr uint8_t kBranchShort = 1 << 1;
constexpr uint8_t kBranchLoopHead = 1 << 2;

class InstrEncoder {
 public:
  InstrEncoder(Unit& unit, Symbol* fn, Diag& diag) : unit_(unit), fn_(fn), diag_(diag) {}

  // The size of the buffer bytes() points at (an instruction is never longer).
  static constexpr int kMaxSize = 64;

  // Encodes p, whose pc is already set, into the internal buffer and appends its
  // relocations to the function symbol. Forward branches are chained on their target
  // (Prog::rel / Prog::forwd) for the span loop to patch. Errors are reported to diag.
  void encode(Prog* p);

  const uint8_t* bytes() const { return buf_; }
  int size() const { return n_; }
  int errors() const { return errors_; }

 private:
  void put(uint8_t b) { buf_[n_++] = b; }
  void put16(int64_t v) { put(uint8_t(v)); put(uint8_t(v >> 8)); }
  void put32(int64_t v) { put16(v); put16(v >> 16); }
  void put64(int64_t v) { put32(v); put32(v >> 32); }

  void encode_general(Prog* p, const Form* f);
  const Form* select_form(Prog* p);
  uint8_t* put_code(const Form& f, int rex);
  bool encode_plain_modrm(Prog* p, const Form& f);
  bool do_form(Prog* p, const Form& f);
  void emit_modrm(Prog* p, const Addr& a, int regfield, int rex);
  void emit_modrm_general(Prog* p, const Addr& a, int regfield, int rex);
  void emit_sib(Prog* p, int scale, RegNum index, RegNum base);
  int mod_for(RegNum base, int32_t v, uint8_t* d8) const;
  void emit_disp(int mod, int32_t v, uint8_t d8, const Reloc* rel);
  void emit_disp32(int32_t v, const Reloc* rel);
  int64_t value_of(Prog* p, const Addr& a, Reloc* rel);
  void emit_imm32(Prog* p, const Addr& a);
  void emit_rel32(RelocType type, Symbol* sym, int64_t add);
  void emit_branch(Prog* p, const Form& f);
  void emit_vex(const Addr* rm, const Addr* v, const Addr* r, uint8_t vex, uint8_t opcode);
  void emit_evex(Prog* p, const Form& f, const Addr* rm, const Addr* v, const Addr* r,
                 const Addr* k);
  void emit_evex_multi(Prog* p, const Form& f);
  bool to_disp8(int32_t v, uint8_t* disp8) const;
  bool gather_regs_distinct(Prog* p);
  void add_reloc(Reloc r) { fn_->r.push_back(r); }
  void fail(Prog* p, const std::string& msg);
  void no_form(Prog* p);
  void finish(Prog* p, size_t first_reloc);

  Unit& unit_;
  Symbol* fn_;
  Diag& diag_;
  uint8_t buf_[kMaxSize];
  int n_ = 0;
  int rex_ = 0;
  bool vex_ = false;  // a VEX or EVEX prefix carries the REX bits
  int disp8_scale_ = 0;  // EVEX: displacements are scaled by this (compressed disp8*N)
  int errors_ = 0;
  bool bad_ = false;
};

// The class names ("Yrl", "Ym", ...) for messages and tests.
const char* class_name(YClass c);

}  // namespace gostack::x86
