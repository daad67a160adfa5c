// Per-instruction rewrites of the frame pass (Go's obj6.go progedit): TLS access forms,
// branches to symbols, MOV $addr -> LEA, and float constants moved into memory; and the
// Prog-building helpers the frame pass shares.
#include <bit>
#include <cstdio>
#include <cstring>

#include "frame/frame_internal.h"

namespace gostack::frame {
namespace {

bool is_gpr_dest(const Addr& a) {
  return a.type == AddrType::Reg && a.reg >= reg::AX && a.reg <= reg::R15;
}

// The TLS forms. With a one-instruction TLS access (linux, not -shared):
//     MOVQ TLS, BX               ->  NOP
//     ... off(BX)(TLS*1) ...     ->  ... off(TLS) ...
// With -shared the code keeps the two-instruction form, and the one-instruction
// load the prologue writes is split into it:
//     MOVQ off(TLS), BX          ->  MOVQ TLS, BX ; MOVQ off(BX)(TLS*2), BX
void rewrite_tls(Unit& unit, Prog* p) {
  const bool mov = p->as == Op::MOVQ || p->as == Op::MOVL;
  if (!unit.shared) {
    if (mov && p->from.type == AddrType::Reg && p->from.reg == reg::TLS && is_gpr_dest(p->to)) {
      nopout(p);
    }
    for (Addr* a : {&p->from, &p->to}) {
      if (a->type == AddrType::Mem && a->index == reg::TLS && a->reg >= reg::AX && a->reg <= reg::R15) {
        a->reg = reg::TLS;
        a->scale = 0;
        a->index = reg::NONE;
      }
    }
    return;
  }
  if (mov && p->from.type == AddrType::Mem && p->from.reg == reg::TLS && is_gpr_dest(p->to)) {
    Prog* q = appendp(unit, p);
    q->as = p->as;
    q->from = p->from;
    q->from.type = AddrType::Mem;
    q->from.reg = p->to.reg;
    q->from.index = reg::TLS;
    q->from.scale = 2;
    q->to = p->to;
    p->from.type = AddrType::Reg;
    p->from.reg = reg::TLS;
    p->from.index = reg::NONE;
    p->from.offset = 0;
  }
}

// Content-addressable read-only constants ($f32.bits, $f64.bits), made once per value.
Symbol* const_sym(Unit& unit, const char* prefix, uint64_t bits, int width) {
  char name[32];
  std::snprintf(name, sizeof name, "%s%0*llx", prefix, width * 2, static_cast<unsigned long long>(bits));
  Symbol* s = unit.lookup(name);
  if (!s->on_list) {
    s->kind = SymKind::RoData;
    s->size = width;
    s->p.resize(width);
    for (int i = 0; i < width; ++i) s->p[i] = static_cast<uint8_t>(bits >> (8 * i));
    s->defined = true;
    s->on_list = true;
    unit.const_syms.push_back(s);
  }
  return s;
}

enum class FloatWidth { None, F32, F64 };

// Which instructions take a float constant from memory, and at which width.
FloatWidth float_operand(Op op) {
  switch (op) {
    case Op::MOVSS: case Op::FMOVF: case Op::FADDF: case Op::FSUBF: case Op::FSUBRF:
    case Op::FMULF: case Op::FDIVF: case Op::FDIVRF: case Op::FCOMF: case Op::FCOMFP:
    case Op::ADDSS: case Op::SUBSS: case Op::MULSS: case Op::DIVSS: case Op::COMISS:
    case Op::UCOMISS:
      return FloatWidth::F32;
    case Op::MOVSD: case Op::FMOVD: case Op::FADDD: case Op::FSUBD: case Op::FSUBRD:
    case Op::FMULD: case Op::FDIVD: case Op::FDIVRD: case Op::FCOMD: case Op::FCOMDP:
    case Op::ADDSD: case Op::SUBSD: case Op::MULSD: case Op::DIVSD: case Op::COMISD:
    case Op::UCOMISD:
      return FloatWidth::F64;
    default:
      return FloatWidth::None;
  }
}

// MOVSS/MOVSD $0.0 (+0 only, not -0) into X0-X15 becomes XORPS X, X; any other float
// constant operand becomes a reference to a $f32./$f64. symbol.
void rewrite_float_const(Unit& unit, Prog* p) {
  if (p->from.type != AddrType::FConst) return;  // the common case: skip the opcode switch
  FloatWidth w = float_operand(p->as);
  if (w == FloatWidth::None) return;
  if ((p->as == Op::MOVSS || p->as == Op::MOVSD) && std::bit_cast<uint64_t>(p->from.fval) == 0 &&
      p->to.type == AddrType::Reg && p->to.reg >= reg::X0 && p->to.reg <= reg::X0 + 15) {
    p->as = Op::XORPS;
    p->from = p->to;
    return;
  }
  Symbol* s = w == FloatWidth::F32
                  ? const_sym(unit, "$f32.", std::bit_cast<uint32_t>(static_cast<float>(p->from.fval)), 4)
                  : const_sym(unit, "$f64.", std::bit_cast<uint64_t>(p->from.fval), 8);
  p->from.type = AddrType::Mem;
  p->from.name = AddrName::Extern;
  p->from.sym = s;
  p->from.offset = 0;
}

}  // namespace

Prog* appendp(Unit& unit, Prog* p) {
  Prog* q = unit.new_prog();
  q->link = p->link;
  p->link = q;
  q->pos = p->pos;
  return q;
}

Addr reg_operand(RegNum r) {
  Addr a;
  a.type = AddrType::Reg;
  a.reg = r;
  return a;
}

Addr mem_operand(RegNum base, int64_t off) {
  Addr a;
  a.type = AddrType::Mem;
  a.reg = base;
  a.offset = off;
  return a;
}

Addr const_operand(int64_t v) {
  Addr a;
  a.type = AddrType::Const;
  a.offset = v;
  return a;
}

Addr branch_to(Prog* target) {
  Addr a;
  a.type = AddrType::Branch;
  a.target = target;
  return a;
}

Prog* emit(Unit& unit, Prog* p, Op as, const Addr& from, const Addr& to) {
  Prog* q = appendp(unit, p);
  q->as = as;
  q->from = from;
  q->to = to;
  return q;
}

Prog* emit_pcdata(Unit& unit, Prog* p, int64_t table, int64_t value) {
  return emit(unit, p, Op::PCDATA, const_operand(table), const_operand(value));
}

void nopout(Prog* p) {
  p->as = Op::NOP;
  p->scond = 0;
  p->from = Addr{};
  p->rest = {};
  p->reg = reg::NONE;
  p->to = Addr{};
}

void error_at(const Unit& unit, Diag& diag, const Prog* p, const std::string& msg) {
  diag.stage_error(unit.file_name(p->pos), p->pos.line, msg);
}

void progedit(Unit& unit, Prog* p) {
  rewrite_tls(unit, p);

  // The comparison predicate of CMPPS & co. parses as a bare memory operand "4";
  // the encoder's tables want it as the constant $4.
  switch (p->as) {
    case Op::CMPPD: case Op::CMPPS: case Op::CMPSD: case Op::CMPSS:
      if (p->to.type == AddrType::Mem && p->to.name == AddrName::None && p->to.reg == reg::NONE &&
          p->to.index == reg::NONE && p->to.sym == nullptr) {
        p->to.type = AddrType::Const;
      }
      break;
    default:
      break;
  }

  // CALL/JMP/RET sym(SB) are branches to a symbol.
  if ((p->as == Op::CALL || p->as == Op::JMP || p->as == Op::RET) && p->to.type == AddrType::Mem &&
      (p->to.name == AddrName::Extern || p->to.name == AddrName::Static) && p->to.sym != nullptr) {
    p->to.type = AddrType::Branch;
  }

  // MOVL/MOVQ $x(...), R compute an address: LEAL/LEAQ x(...), R.
  if (p->from.type == AddrType::Addr && (p->as == Op::MOVL || p->as == Op::MOVQ)) {
    p->as = p->as == Op::MOVL ? Op::LEAL : Op::LEAQ;
    p->from.type = AddrType::Mem;
  }

  rewrite_float_const(unit, p);
}

}  // namespace gostack::frame
