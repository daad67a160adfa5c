// Encodes one instruction (Go's asmins/doasm): picks the first form whose operand classes
// cover the Prog's, then emits prefixes, REX, opcode, ModRM/SIB, displacement, immediate
// and relocations exactly as Go 1.19 does.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/diag.h"
#include "core/symbol.h"
#include "encode/forms.h"
#include "encode/operand.h"

namespace gostack::x86 {

// Branch state kept in Prog::back during span sizing (Go's branch* bits).
constexpr uint8_t kBranchBackwards = 1 << 0;
constexpr uint8_t kBranchShort = 1 << 1;
constexpr uint8_t kBranchSeen = 1 << 2;  // the first pass has reached the instruction

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

  const Form* select_two_memo(Op op, YClass ft, YClass tt);
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
  void emit_label_branch(Prog* p, const Form& f);
  void encode_data_const(Prog* p, const Form& f);
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
  // select_two's answers for this function's instruction shapes (select_two_memo): the
  // keys (0: empty) apart from the answers, so that an encoder per function clears only
  // the keys, a quarter of the bytes; an answer is read only where its key is set.
  static constexpr int kMemoBits = 7;
  std::array<uint32_t, 1 << kMemoBits> memo_keys_{};
  std::array<const Form*, 1 << kMemoBits> memo_forms_;
};

// The class names ("Yrl", "Ym", ...) for messages and tests.
const char* class_name(YClass c);

// ---- The fast path, inline: the span loop encodes the usual instruction without a call ----

namespace detail {
inline bool fits_int8(int32_t v) { return v >= -128 && v < 128; }
}  // namespace detail

// An 8-bit displacement: plain int8, or for EVEX the displacement divided by the operand's
// memory size N when it divides exactly (compressed disp8*N).
inline bool InstrEncoder::to_disp8(int32_t v, uint8_t* disp8) const {
  if (disp8_scale_ == 0) {
    *disp8 = static_cast<uint8_t>(v);
    return detail::fits_int8(v);
  }
  if (v % disp8_scale_ != 0 || !detail::fits_int8(v / disp8_scale_)) return false;
  *disp8 = static_cast<uint8_t>(v / disp8_scale_);
  return true;
}

// ModRM.mod for a displacement v off general register `base`: 0x00, no displacement, when
// v is 0 and the base is not BP or R13 (with mod 0 those mean RIP-relative or no base);
// 0x40 with *d8 set when v fits in 8 bits (EVEX: scaled, see to_disp8); else 0x80, disp32.
inline int InstrEncoder::mod_for(RegNum base, int32_t v, uint8_t* d8) const {
  if (v == 0 && base != reg::BP && base != reg::R13) return 0x00;
  return to_disp8(v, d8) ? 0x40 : 0x80;
}

// The form's code bytes from the buffer's start, as one fixed-size copy; a REX byte (if
// rex is not 0) then goes in after the legacy prefixes, moving the opcode bytes up by one
// (again a fixed-size move), as finish would place it. Returns the end of the bytes.
inline uint8_t* InstrEncoder::put_code(const Form& f, int rex) {
  std::memcpy(buf_, f.code.data(), kMaxCode);
  uint8_t* w = buf_ + f.ncode;
  if (rex != 0) {
    std::memmove(buf_ + f.nprefix + 1, buf_ + f.nprefix, kMaxCode);
    buf_[f.nprefix] = static_cast<uint8_t>(0x40 | rex);
    ++w;
  }
  return w;
}

// A fast path for the most common shape: a plain ModRM form (Form::plain_modrm) without a
// segment prefix whose rm operand is a register (mod=3) or a memory operand off a general
// register or the SP pseudo-register (off(R), name+off(FP), off(SP)) without an index.
// Such an instruction has no relocation and cannot fail, and its bytes are known at once:
//   [the form's legacy prefixes] [REX] opcode... ModRM [SIB 0x24 for SP/R12] [disp] [imm8]
// exactly what do_form and finish give (the displacement chosen by mod_for, as in
// emit_modrm_general), written through a local pointer with n_ set once. Returns false,
// having emitted nothing, for any other instruction.
inline bool InstrEncoder::encode_plain_modrm(Prog* p, const Form& f) {
  const bool rm_is_from = f.enc == Enc::rm_r || f.enc == Enc::from_rm;
  const Addr& rm = rm_is_from ? p->from : p->to;
  RegNum base;
  if (rm.type == AddrType::Reg) {
    if (rm.offset != 0 || rm.reg < reg::AL || rm.reg > reg::Z0 + 31 || reg_low3(rm.reg) < 0) {
      return false;
    }
    base = rm.reg;
  } else if (rm.type == AddrType::Mem && rm.index == reg::NONE &&
             rm.offset == static_cast<int32_t>(rm.offset)) {
    if (rm.name == AddrName::Auto || rm.name == AddrName::Param) {
      base = reg::SP;
    } else if (rm.name == AddrName::None && rm.reg >= reg::AX && rm.reg <= reg::R15) {
      base = rm.reg;
    } else {
      return false;
    }
  } else {
    return false;
  }
  const bool imm8 = f.enc == Enc::ib_rm;
  if (imm8 && (p->from.type != AddrType::Const || p->from.name != AddrName::None)) return false;
  int regfield = f.digit, rex = (f.flags & F_W) ? kRexW : 0;
  if (f.enc == Enc::r_rm || f.enc == Enc::rm_r) {
    const RegNum r = rm_is_from ? p->to.reg : p->from.reg;
    regfield = reg_low3(r);
    rex |= reg_rex(r) & (kRexNeeded | kRexR);
  }
  const bool is_reg = rm.type == AddrType::Reg;
  rex |= reg_rex(base) & (is_reg ? kRexNeeded | kRexB : kRexB);
  const int r3 = (regfield & 7) << 3;
  uint8_t* w = put_code(f, rex);
  const int low = reg_low3(base);
  if (is_reg) {
    *w++ = static_cast<uint8_t>(0xC0 | low | r3);
  } else {
    const auto v = static_cast<int32_t>(rm.offset);
    const bool sib = base == reg::SP || base == reg::R12;
    uint8_t d8 = 0;
    const int mod = mod_for(base, v, &d8);
    *w++ = static_cast<uint8_t>(mod | low | r3);
    if (sib) *w++ = static_cast<uint8_t>(0x24);
    if (mod == 0x40) {
      *w++ = d8;
    } else if (mod == 0x80) {
      for (int k = 0; k < 4; ++k) *w++ = static_cast<uint8_t>(v >> (8 * k));
    }
  }
  if (imm8) *w++ = static_cast<uint8_t>(p->from.offset);
  n_ = static_cast<int>(w - buf_);
  return true;
}

// The branch of a Jcc/JMP/LOOP (XBEGIN: after its first byte) to a label, p->to.target
// (Go: the Zbr/Zjmp/Zloop cases). A backward branch's displacement is known: short when it
// fits, else long. A forward branch is chained on its target for the span loop to patch,
// short until that loop finds it too far:
//   short: opcode rel8 (JCXZL: 67 E3 rel8)     long JMP: E9 rel32     long Jcc: 0F 8x rel32
// A LOOP has no long form: "loop too far" is reported instead.
inline void InstrEncoder::emit_label_branch(Prog* p, const Form& f) {
  const bool xbegin = p->as == Op::XBEGIN;
  const uint8_t short_op = f.code[0];
  const uint8_t long_op = f.digit;
  Prog* q = p->to.target;
  if (p->back & kBranchBackwards) {
    int64_t v = q->pc - (p->pc + 2);
    if (v >= -128 && !xbegin) {
      if (p->as == Op::JCXZL) put(0x67);
      put(short_op);
      put(static_cast<uint8_t>(v));
    } else if (f.enc == Enc::rel_loop) {
      fail(p, "loop too far: " + std::string(op_name(p->as)));
    } else {
      v -= 5 - 2;
      if (xbegin) --v;
      if (f.enc == Enc::rel_jcc) {
        put(0x0F);
        --v;
      }
      put(long_op);
      put32(v);
    }
    return;
  }
  p->forwd = q->rel;
  q->rel = p;
  if ((p->back & kBranchShort) && !xbegin) {
    if (p->as == Op::JCXZL) put(0x67);
    put(short_op);
    put(0);
  } else if (f.enc == Enc::rel_loop) {
    fail(p, "loop too far: " + std::string(op_name(p->as)));
  } else {
    if (f.enc == Enc::rel_jcc) put(0x0F);
    put(long_op);
    put32(0);
  }
}

// BYTE/WORD/LONG/QUAD of a plain constant: its low `digit` bytes, as do_form's data case
// gives when value_of finds no relocation.
inline void InstrEncoder::encode_data_const(Prog* p, const Form& f) {
  const auto v = static_cast<uint64_t>(p->from.offset);
  for (int i = 0; i < f.digit; ++i) buf_[i] = static_cast<uint8_t>(v >> (8 * i));
  n_ = f.digit;
}

// select_two through a small direct-mapped memo of (op, from class, to class): a function
// repeats few instruction shapes, and a hit costs one compare instead of the masks.
inline const Form* InstrEncoder::select_two_memo(Op op, YClass ft, YClass tt) {
  static_assert(kNumOps < (1 << 15) && Ymax <= 256);
  const uint32_t key = 1u << 31 | static_cast<uint32_t>(op) << 16 | uint32_t{ft} << 8 | tt;
  const uint32_t slot = (key * 0x9E3779B1u) >> (32 - kMemoBits);
  if (memo_keys_[slot] != key) {
    memo_keys_[slot] = key;
    memo_forms_[slot] = select_two(op, ft, tt);
  }
  return memo_forms_[slot];
}

// Most instructions take the fast path: no segment prefix, at most from and to, no suffix,
// a plain ModRM form (encode_plain_modrm). It stays small, with everything else in
// encode_general, so that the common case pays for no more than it uses.
inline void InstrEncoder::encode(Prog* p) {
  n_ = 0;
  rex_ = 0;
  vex_ = false;
  disp8_scale_ = 0;
  bad_ = false;
  if (p->ft == 0) p->ft = operand_class(p->from);
  if (p->tt == 0) p->tt = operand_class(p->to);
  const Form* f = nullptr;
  // Segment registers and TLS are numbered after all others: one test rules out prefixes.
  if (std::max({p->from.reg, p->from.index, p->to.reg, p->to.index}) < reg::CS &&
      p->rest.empty() && p->scond == 0) {
    f = select_two_memo(p->as, static_cast<YClass>(p->ft), static_cast<YClass>(p->tt));
    if (f != nullptr && f->plain_modrm && encode_plain_modrm(p, *f)) return;
    if (f != nullptr) {
      // Code bytes alone (RET, a pseudo-instruction's none): what do_form and finish give.
      if (f->code_only) {
        n_ = static_cast<int>(put_code(*f, (f->flags & F_W) ? kRexW : 0) - buf_);
        return;
      }
      // A Jcc or JMP to a label (the usual branch; never an error, no relocation, no REX):
      // what do_form's emit_branch and finish give.
      if ((f->enc == Enc::rel_jcc || f->enc == Enc::rel_jmp) && f->flags == 0 &&
          p->to.sym == nullptr && p->to.target != nullptr && p->as != Op::XBEGIN) {
        emit_label_branch(p, *f);
        return;
      }
      // BYTE $c and the like (no symbol, so no relocation): what do_form and finish give.
      if (f->enc == Enc::data && f->flags == 0 && p->from.type == AddrType::Const &&
          p->from.name == AddrName::None && p->from.sym == nullptr) {
        encode_data_const(p, *f);
        return;
      }
    }
  }
  encode_general(p, f);
}

}  // namespace gostack::x86
