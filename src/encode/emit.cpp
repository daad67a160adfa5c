// One instruction's bytes: form selection, prefixes, REX, ModRM/SIB, immediates and
// relocations, following Go 1.19's asm6.go (doasm, asmandsz, asmidx, vaddr, asmins).
#include "encode/emit.h"

#include <algorithm>
#include <cstring>

#include "encode/operand.h"
#include "listing/listing.h"

namespace gostack::x86 {
namespace {

constexpr const char* kClassNames[Ymax] = {
    "Yxxx", "Ynone", "Yi0", "Yi1", "Yu2", "Yi8", "Yu8", "Yu7", "Ys32", "Yi32", "Yi64",
    "Yiauto", "Yal", "Ycl", "Yax", "Ycx", "Yrb", "Yrl", "Yrl32", "Yrf", "Yf0", "Yrx", "Ymb",
    "Yml", "Ym", "Ybr", "Ycs", "Yss", "Yds", "Yes", "Yfs", "Ygs", "Ygdtr", "Yidtr", "Yldtr",
    "Ymsw", "Ytask", "Ycr0", "Ycr1", "Ycr2", "Ycr3", "Ycr4", "Ycr5", "Ycr6", "Ycr7", "Ycr8",
    "Ydr0", "Ydr1", "Ydr2", "Ydr3", "Ydr4", "Ydr5", "Ydr6", "Ydr7", "Ytr0", "Ytr1", "Ytr2",
    "Ytr3", "Ytr4", "Ytr5", "Ytr6", "Ytr7", "Ymr", "Ymm", "Yxr0", "YxrEvexMulti4", "Yxr",
    "YxrEvex", "Yxm", "YxmEvex", "Yxvm", "YxvmEvex", "YyrEvexMulti4", "Yyr", "YyrEvex", "Yym",
    "YymEvex", "Yyvm", "YyvmEvex", "YzrMulti4", "Yzr", "Yzm", "Yzvm", "Yk0", "Yknot0", "Yk",
    "Ykm", "Ytls", "Ytextsize", "Yindir"};

// Go rewrites a byte op's 64-bit register operands to their byte registers (AX -> AL).
void to_byte_reg(Addr& a, uint8_t& cached_class) {
  if (a.type == AddrType::Reg && a.index == reg::NONE && a.reg >= reg::AX && a.reg <= reg::R15) {
    a.reg = static_cast<RegNum>(a.reg + (reg::AL - reg::AX));
    cached_class = 0;
  }
}

bool is_global(const Addr& a) {
  return a.name == AddrName::Extern || a.name == AddrName::Static || a.name == AddrName::GotRef;
}

constexpr auto build_prefix_table() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = is_legacy_prefix(c);
  return t;
}
constexpr auto kLegacyPrefix = build_prefix_table();

// The ops whose register operands gather_regs_distinct checks.
bool is_gather(Op op) {
  switch (op) {
    case Op::VGATHERDPD: case Op::VGATHERQPD: case Op::VGATHERDPS: case Op::VGATHERQPS:
    case Op::VPGATHERDD: case Op::VPGATHERQD: case Op::VPGATHERDQ: case Op::VPGATHERQQ:
      return true;
    default:
      return false;
  }
}

// Around DUFFZERO/DUFFCOPY Go keeps BP valid for profilers:
//   MOVQ BP, -16(SP); LEAQ -16(SP), BP; CALL ...; MOVQ 0(BP), BP
constexpr uint8_t kDuffBefore[] = {0x48, 0x89, 0x6c, 0x24, 0xf0, 0x48, 0x8d, 0x6c, 0x24, 0xf0};
constexpr uint8_t kDuffAfter[] = {0x48, 0x8b, 0x6d, 0x00};

}  // namespace

const char* class_name(YClass c) { return c < Ymax ? kClassNames[c] : "Y?"; }

void InstrEncoder::fail(Prog* p, const std::string& msg) {
  bad_ = true;
  ++errors_;
  diag_.stage_error(unit_.file_name(p->pos), p->pos.line, msg);
}

// Go: vaddr. The value an operand contributes to a displacement or immediate; globals
// and TLS slots contribute 0 plus a relocation (which the caller must want).
int64_t InstrEncoder::value_of(Prog* p, const Addr& a, Reloc* rel) {
  if (rel) *rel = Reloc{};
  if (is_global(a)) {
    if (!rel) {
      fail(p, "invalid instruction: " + std::string(op_name(p->as)) + ": " +
                  format_addr(unit_, *p, a) + " needs a relocation here");
      return 0;
    }
    rel->siz = 4;
    rel->type = a.name == AddrName::GotRef ? RelocType::GotPCRel : RelocType::PCRel;
    rel->off = -1;
    rel->sym = a.sym;
    rel->add = a.offset;
    return 0;
  }
  if ((a.type == AddrType::Mem || a.type == AddrType::Addr) && a.reg == reg::TLS) {
    if (!rel) {
      fail(p, "invalid instruction: " + std::string(op_name(p->as)) + ": TLS operand here");
      return 0;
    }
    if (!unit_.shared) {
      rel->type = RelocType::TLS_LE;
      rel->siz = 4;
      rel->off = -1;
      rel->add = a.offset;
    }
    return 0;
  }
  return a.offset;
}

void InstrEncoder::emit_disp32(int32_t v, const Reloc* rel) {
  if (rel && rel->siz != 0) {
    Reloc r = *rel;
    r.off = static_cast<int32_t>(n_);  // made absolute in finish()
    add_reloc(r);
  }
  put32(v);
}

// A zero rel32 field with its relocation.
void InstrEncoder::emit_rel32(RelocType type, Symbol* sym, int64_t add) {
  Reloc r;
  r.off = n_;
  r.type = type;
  r.siz = 4;
  r.sym = sym;
  r.add = add;
  add_reloc(r);
  put32(0);
}

// Go: relput4. A 32-bit immediate that may carry a relocation.
void InstrEncoder::emit_imm32(Prog* p, const Addr& a) {
  Reloc rel;
  int64_t v = value_of(p, a, &rel);
  emit_disp32(static_cast<int32_t>(v), &rel);
}

// Go: asmidx. The SIB byte.
void InstrEncoder::emit_sib(Prog* p, int scale, RegNum index, RegNum base) {
  int sib = 0;
  bool ok = true;
  if (index == reg::NONE) {
    sib = 4 << 3;
  } else {
    bool gpr = index >= reg::AX && index <= reg::R15 && index != reg::SP;
    if (!gpr && !is_x(index) && !is_y(index) && !is_z(index)) ok = false;
    sib = reg_low3(index) << 3;
    switch (scale) {
      case 1: break;
      case 2: sib |= 1 << 6; break;
      case 4: sib |= 2 << 6; break;
      case 8: sib |= 3 << 6; break;
      default: ok = false;
    }
  }
  if (base == reg::NONE) {
    sib |= 5;
  } else if (base >= reg::AX && base <= reg::R15) {
    sib |= reg_low3(base);
  } else {
    ok = false;
  }
  if (!ok) {
    fail(p, "invalid instruction: " + std::string(op_name(p->as)) +
                ": bad index/base/scale in address");
    put(0);
    return;
  }
  put(static_cast<uint8_t>(sib));
}

// The displacement mod_for chose: none, d8, or v as disp32 (with its relocation, if any).
inline void InstrEncoder::emit_disp(int mod, int32_t v, uint8_t d8, const Reloc* rel) {
  if (mod == 0x40) {
    put(d8);
  } else if (mod == 0x80) {
    emit_disp32(v, rel);
  }
}

// Go: asmandsz. ModRM (+SIB, displacement) for operand `a` with `regfield` in ModRM.reg;
// `rex` holds the REX bits the reg field needs. A plain register (mod=3) is the common
// case and stays inline; everything else, and every error, is emit_modrm_general's.
inline void InstrEncoder::emit_modrm(Prog* p, const Addr& a, int regfield, int rex) {
  if (a.type == AddrType::Reg && a.offset == 0 && a.reg >= reg::AL && a.reg <= reg::Z0 + 31 &&
      reg_low3(a.reg) >= 0) {
    put(static_cast<uint8_t>(0xC0 | reg_low3(a.reg) | (regfield & 7) << 3));
    rex_ |= (reg_rex(a.reg) & (kRexNeeded | kRexB)) | (rex & (kRexNeeded | kRexR));
    return;
  }
  emit_modrm_general(p, a, regfield, rex);
}

void InstrEncoder::emit_modrm_general(Prog* p, const Addr& a, int regfield, int rex) {
  // "invalid instruction: OP: bad address A" + detail; built only on error.
  auto bad = [&](const char* detail = "") {
    fail(p, "invalid instruction: " + std::string(op_name(p->as)) + ": bad address " +
                format_addr(unit_, *p, a) + detail);
  };
  rex &= kRexNeeded | kRexR;
  if (a.offset != static_cast<int64_t>(static_cast<int32_t>(a.offset)) && p->as != Op::LEAL) {
    fail(p, "offset too large in " + std::string(op_name(p->as)));
  }
  int32_t v = static_cast<int32_t>(a.offset);
  const int r3 = (regfield & 7) << 3;

  if (a.type == AddrType::Reg) {
    if (a.reg < reg::AL || a.reg > reg::Z0 + 31 || v != 0 || reg_low3(a.reg) < 0) {
      bad();
      return;
    }
    put(static_cast<uint8_t>(0xC0 | reg_low3(a.reg) | r3));
    rex_ |= (reg_rex(a.reg) & (kRexNeeded | kRexB)) | rex;
    return;
  }
  if (a.type != AddrType::Mem) {
    bad();
    return;
  }

  Reloc rel;
  if (a.index != reg::NONE && a.index != reg::TLS) {
    // base + index*scale + disp
    RegNum base = a.reg;
    if (is_global(a)) {
      bad(" (a global cannot be indexed on amd64)");
      return;
    }
    if (a.name == AddrName::Auto || a.name == AddrName::Param) base = reg::SP;
    rex_ |= (reg_rex(a.index) & kRexX) | (reg_rex(base) & kRexB) | rex;
    if (base == reg::NONE) {
      put(static_cast<uint8_t>(0x04 | r3));
      emit_sib(p, a.scale, a.index, base);
      emit_disp32(v, nullptr);
      return;
    }
    uint8_t d8 = 0;
    const int mod = mod_for(base, v, &d8);
    put(static_cast<uint8_t>(mod | 0x04 | r3));
    emit_sib(p, a.scale, a.index, base);
    emit_disp(mod, v, d8, nullptr);
    return;
  }

  RegNum base = a.reg;
  if (is_global(a)) {
    if (a.sym == nullptr) bad();
    base = reg::NONE;
    v = static_cast<int32_t>(value_of(p, a, &rel));
  } else if (a.name == AddrName::Auto || a.name == AddrName::Param) {
    base = reg::SP;
  }
  if (base == reg::TLS) v = static_cast<int32_t>(value_of(p, a, &rel));

  rex_ |= (reg_rex(base) & kRexB) | rex;
  if (base == reg::NONE || (base >= reg::CS && base <= reg::GS) || base == reg::TLS) {
    if (base == reg::NONE && is_global(a)) {
      if (a.name == AddrName::GotRef && (a.offset != 0 || a.index != 0 || a.scale != 0)) {
        fail(p, std::string(op_name(p->as)) + " has offset against gotref");
      }
      put(static_cast<uint8_t>(0x05 | r3));  // RIP-relative disp32
    } else {
      put(static_cast<uint8_t>(0x04 | r3));  // SIB, no base, no index: absolute disp32
      put(0x25);
    }
    emit_disp32(v, &rel);
    return;
  }
  if (base == reg::SP || base == reg::R12) {
    // These bases need a SIB byte.
    uint8_t d8 = 0;
    const int mod = mod_for(base, v, &d8);
    put(static_cast<uint8_t>(mod | reg_low3(base) | r3));
    emit_sib(p, a.scale, reg::NONE, base);
    emit_disp(mod, v, d8, &rel);
    return;
  }
  if (base >= reg::AX && base <= reg::R15) {
    if (a.index == reg::TLS && !unit_.shared) {
      // off(reg)(TLS*1): the offset is the TLS slot, resolved by the linker.
      rel = Reloc{};
      rel.type = RelocType::TLS_LE;
      rel.siz = 4;
      rel.add = v;
      v = 0;
    }
    // A relocated displacement is always 32 bits.
    uint8_t d8 = 0;
    const int mod = rel.siz != 0 ? 0x80 : mod_for(base, v, &d8);
    put(static_cast<uint8_t>(mod | reg_low3(base) | r3));
    emit_disp(mod, v, d8, &rel);
    return;
  }
  bad();
}

// Jcc/JMP/LOOP to a label or to a symbol (Go: the Zbr/Zjmp/Zloop cases).
void InstrEncoder::emit_branch(Prog* p, const Form& f) {
  const bool xbegin = p->as == Op::XBEGIN;
  const uint8_t short_op = f.code[0];
  const uint8_t long_op = f.digit;
  if (xbegin) put(short_op);
  if (p->to.sym != nullptr) {
    if (f.enc != Enc::rel_jmp) {
      fail(p, "invalid instruction: " + std::string(op_name(p->as)) +
                  ": a conditional branch cannot target a symbol");
      return;
    }
    put(long_op);
    emit_rel32(RelocType::Call, p->to.sym, 0);  // R_CALL lets the linker use a trampoline
    return;
  }
  if (p->to.target == nullptr) {
    fail(p, "jmp/branch/loop without target");
    return;
  }
  emit_label_branch(p, f);
}

// Go: asmvex. The 2-byte (C5) form when only VEX.R is needed, the map is 0F and W is 0;
// else the 3-byte (C4) form. `vex` holds W (bit 7), the map (bits 3-5), L (bit 2), pp.
void InstrEncoder::emit_vex(const Addr* rm, const Addr* v, const Addr* r, uint8_t vex,
                            uint8_t opcode) {
  vex_ = true;
  const int rex_r = r ? reg_rex(r->reg) & kRexR : 0;
  const int rex_b = rm ? reg_rex(rm->reg) & kRexB : 0;
  const int rex_x = rm ? reg_rex(rm->index) & kRexX : 0;
  const int map = (vex >> 3) & 7;
  const int wlp = vex & 0x87;
  int vvvv = v ? (reg_low3(v->reg) | ((reg_rex(v->reg) & kRexR) << 1)) & 0xF : 0;
  vvvv ^= 0xF;
  if (map == 1 && (rex_x | rex_b) == 0 && !(vex & 0x80)) {
    put(0xC5);
    put(static_cast<uint8_t>(((rex_r << 5) ^ 0x80) | vvvv << 3 | wlp));
  } else {
    put(0xC4);
    put(static_cast<uint8_t>((((rex_r | rex_x | rex_b) << 5) ^ 0xE0) | map));
    put(static_cast<uint8_t>(vvvv << 3 | wlp));
  }
  put(opcode);
}

// The 4-byte EVEX prefix and the opcode (Go: asmevex):
//   62 | P0 [R X B R' 0 0 m m] | P1 [W vvvv 1 p p] | P2 [z L'L b V' a a a] | opcode
// R/X/B/R'/vvvv/V' are stored inverted. The suffix (Prog::scond) sets z (.Z), b with L'L as
// the rounding mode (.RN_SAE...), or b alone (.BCST, .SAE); the form's P2 template says
// which suffixes it allows and the disp8*N scale that memory operands then use.
void InstrEncoder::emit_evex(Prog* p, const Form& f, const Addr* rm, const Addr* v,
                             const Addr* r, const Addr* k) {
  vex_ = true;
  const uint8_t t1 = f.code[0], t2 = f.code[1];
  const int base = p->scond & 7;
  const bool zeroing = (p->scond & scond::kZ) != 0;
  const bool bcst = base == scond::kBCST;
  const bool sae = base == scond::kSAE;
  // L'L for each rounding suffix: RN 0, RD 1, RU 2, RZ 3.
  int rounding = -1;
  switch (base) {
    case scond::kRN_SAE: rounding = 0; break;
    case scond::kRD_SAE: rounding = 1; break;
    case scond::kRU_SAE: rounding = 2; break;
    case scond::kRZ_SAE: rounding = 3; break;
    default: break;
  }
  const bool rm_mem = rm != nullptr && rm->type == AddrType::Mem;
  if (bcst) {
    disp8_scale_ = (t2 & 0x18) == 0x08 ? 4 : (t2 & 0x18) == 0x10 ? 8 : 1;
  } else {
    disp8_scale_ = 1 << ((t2 >> 5) & 7);
  }

  // The message names the instruction; its position is already the diagnostic's file:line.
  auto bad = [&](const char* why) { fail(p, std::string(why) + ": " + format_instruction(unit_, *p)); };
  int z = 0, ll = (t1 >> 2) & 3, b = 0;
  if (zeroing) {
    if (!(t2 & 0x04)) bad("unsupported zeroing");
    z = 1;
  }
  if (rounding >= 0) {
    if (rm_mem) {
      bad("illegal rounding with memory argument");
    } else if (!(t2 & 0x02)) {
      bad("unsupported rounding");
    }
    b = 1;
    ll = rounding;
  } else if (bcst) {
    if (!rm_mem) {
      bad("illegal broadcast without memory argument");
    } else if (!(t2 & 0x18)) {
      bad("unsupported broadcast");
    }
    b = 1;
  } else if (sae) {
    if (rm_mem) {
      bad("illegal SAE with memory argument");
    } else if (!(t2 & 0x01)) {
      bad("unsupported SAE");
    }
    b = 1;
  }

  const int r_rex = r ? reg_rex(r->reg) : 0;
  int x_bit = 1;
  if (rm && rm->index == reg::NONE && (reg_rex(rm->reg) & kRexEvexR)) x_bit = 0;
  else if (rm && (reg_rex(rm->index) & kRexX)) x_bit = 0;
  const int b_bit = rm && (reg_rex(rm->reg) & kRexB) ? 0 : 1;
  const int p0 = ((r_rex & kRexR) ? 0 : 0x80) | x_bit << 6 | b_bit << 5 |
                 ((r_rex & kRexEvexR) ? 0 : 0x10) | ((t1 >> 4) & 3);
  int vvvv = v ? (reg_low3(v->reg) | ((reg_rex(v->reg) & kRexR) << 1)) & 0xF : 0;
  const int p1 = (t1 & 0x80) | (vvvv ^ 0xF) << 3 | 0x04 | (t1 & 3);
  int v_hi = 1;
  if (rm && (reg_rex(rm->index) & kRexEvexR)) v_hi = 0;
  else if (v && (reg_rex(v->reg) & kRexEvexR)) v_hi = 0;
  const int aaa = k ? reg_low3(k->reg) & 7 : 0;
  const int p2 = z << 7 | ll << 5 | b << 4 | v_hi << 3 | aaa;
  put(0x62);
  put(static_cast<uint8_t>(p0));
  put(static_cast<uint8_t>(p1));
  put(static_cast<uint8_t>(p2));
  put(f.code[2]);
}

// EVEX forms with four or five operands: from, rest[0..2], to (Go: unpackOps4/5).
void InstrEncoder::emit_evex_multi(Prog* p, const Form& f) {
  static const Addr kNone;
  auto rest = [&](size_t i) -> const Addr& { return i < p->rest.size() ? p->rest[i].addr : kNone; };
  const Addr& a0 = p->from;
  const Addr& a1 = rest(0);
  const Addr& a2 = rest(1);
  const Addr& to = p->to;
  bool imm = true;
  switch (f.enc) {
    case Enc::e_i_rm_k_vo:  // imm, rm, k, vvvv
      emit_evex(p, f, &a1, &to, nullptr, &a2);
      emit_modrm(p, a1, f.digit, 0);
      break;
    case Enc::e_i_r_k_rm:  // imm, reg, k, rm
      emit_evex(p, f, &to, nullptr, &a1, &a2);
      emit_modrm(p, to, reg_low3(a1.reg), reg_rex(a1.reg));
      break;
    case Enc::e_i_rm_k_r:  // imm, rm, k, reg
      emit_evex(p, f, &a1, nullptr, &to, &a2);
      emit_modrm(p, a1, reg_low3(to.reg), reg_rex(to.reg));
      break;
    case Enc::e_i_rm_v_r:  // imm, rm, vvvv, reg
      emit_evex(p, f, &a1, &a2, &to, nullptr);
      emit_modrm(p, a1, reg_low3(to.reg), reg_rex(to.reg));
      break;
    case Enc::e_i_rm_v_k_r:  // imm, rm, vvvv, k, reg
      emit_evex(p, f, &a1, &a2, &to, &rest(2));
      emit_modrm(p, a1, reg_low3(to.reg), reg_rex(to.reg));
      break;
    case Enc::e_rm_v_k_r:  // rm, vvvv, k, reg
      emit_evex(p, f, &a0, &a1, &to, &a2);
      emit_modrm(p, a0, reg_low3(to.reg), reg_rex(to.reg));
      imm = false;
      break;
    case Enc::e_r_v_k_rm:  // reg, vvvv, k, rm
      emit_evex(p, f, &to, &a1, &a0, &a2);
      emit_modrm(p, to, reg_low3(a0.reg), reg_rex(a0.reg));
      imm = false;
      break;
    default:
      return;
  }
  if (imm) put(static_cast<uint8_t>(a0.offset));
}

// AVX2 gathers fault (#UD) unless mask, index and destination are distinct registers;
// AVX-512 gathers unless index and destination are.
bool InstrEncoder::gather_regs_distinct(Prog* p) {
  if (!is_gather(p->as)) return true;
  const Addr* f3 = p->from3();
  if (f3 == nullptr) return true;
  auto number = [](RegNum r) {
    return reg_low3(r) | ((reg_rex(r) & kRexR) << 1) | (reg_rex(r) & kRexEvexR);
  };
  if (is_k(f3->reg)) {
    // AVX-512 gathers (explicit K mask) only need index != destination.
    if (number(p->from.index) == number(p->to.reg)) {
      fail(p, "index and destination registers should be distinct: " +
                  std::string(op_name(p->as)));
      return false;
    }
    return true;
  }
  const int index = number(f3->index), mask = number(p->from.reg), dest = number(p->to.reg);
  if (dest == mask || dest == index || mask == index) {
    fail(p, "mask, index, and destination registers should be distinct: " +
                std::string(op_name(p->as)));
    return false;
  }
  return true;
}

bool InstrEncoder::do_form(Prog* p, const Form& f) {
  if (f.flags & F_W) rex_ |= kRexW;
  if (f.flags & (F_ByteRegs | F_Only32 | F_NoRex)) {
    if (f.flags & F_ByteRegs) {
      to_byte_reg(p->from, p->ft);
      to_byte_reg(p->to, p->tt);
    }
    if (f.flags & F_Only32) {
      fail(p, "invalid instruction: " + std::string(op_name(p->as)) + " is illegal in 64-bit mode");
    }
    if (f.flags & F_NoRex) rex_ = 0;
  }
  const Addr* from3 = p->from3();
  static const Addr kNone;
  const Addr& f3 = from3 ? *from3 : kNone;
  auto code = [&](int add_to_last = 0) {
    for (int i = 0; i < f.ncode; ++i) {
      put(static_cast<uint8_t>(f.code[i] + (i == f.ncode - 1 ? add_to_last : 0)));
    }
  };
  auto imm_z = [&](const Addr& a) {  // 16 or 32 bits by operand size
    if (f.flags & F_Imm16) {
      put16(value_of(p, a, nullptr));
    } else {
      emit_imm32(p, a);
    }
  };
  auto reg_of = [&](const Addr& a) { return reg_low3(a.reg); };
  auto reg_rex_of = [&](const Addr& a) { return reg_rex(a.reg); };

  switch (f.enc) {
    case Enc::pseudo:
      break;
    case Enc::lit:
      code();
      break;
    case Enc::rm_r:
      if (f.flags & F_ByteFrom) to_byte_reg(p->from, p->ft);
      code();
      emit_modrm(p, p->from, reg_of(p->to), reg_rex_of(p->to));
      break;
    case Enc::r_rm:
      code();
      emit_modrm(p, p->to, reg_of(p->from), reg_rex_of(p->from));
      break;
    case Enc::rm3_r:
      code();
      emit_modrm(p, f3, reg_of(p->to), reg_rex_of(p->to));
      break;
    case Enc::from_rm:
      code();
      emit_modrm(p, p->from, f.digit, 0);
      break;
    case Enc::to_rm:
      code();
      emit_modrm(p, p->to, f.digit, 0);
      break;
    case Enc::callind_rm: {
      Reloc r;
      r.off = 0;  // at the instruction's start, not at its displacement
      r.type = RelocType::CallInd;
      add_reloc(r);
      code();
      emit_modrm(p, p->to, f.digit, 0);
      break;
    }
    case Enc::ib_rm:
      code();
      emit_modrm(p, p->to, f.digit, 0);
      put(static_cast<uint8_t>(value_of(p, p->from, nullptr)));
      break;
    case Enc::iz_rm:
      code();
      emit_modrm(p, p->to, f.digit, 0);
      imm_z(p->from);
      break;
    case Enc::rm_ib:
      code();
      emit_modrm(p, p->from, f.digit, 0);
      put(static_cast<uint8_t>(value_of(p, p->to, nullptr)));
      break;
    case Enc::rm_iz:
      code();
      emit_modrm(p, p->from, f.digit, 0);
      imm_z(p->to);
      break;
    case Enc::ib:
      code();
      put(static_cast<uint8_t>(value_of(p, p->from, nullptr)));
      break;
    case Enc::to_ib:
      code();
      put(static_cast<uint8_t>(value_of(p, p->to, nullptr)));
      break;
    case Enc::iz:
      code();
      imm_z(p->from);
      break;
    case Enc::to_iz:
      code();
      imm_z(p->to);
      break;
    case Enc::iw_opt:
      code();
      if (p->from.type != AddrType::None) put16(value_of(p, p->from, nullptr));
      break;
    case Enc::ib_oreg:
      rex_ |= reg_rex_of(p->to) & (kRexB | kRexNeeded);
      code(reg_of(p->to));
      put(static_cast<uint8_t>(value_of(p, p->from, nullptr)));
      break;
    case Enc::iz_oreg:
      rex_ |= reg_rex_of(p->to) & kRexB;
      code(reg_of(p->to));
      imm_z(p->from);
      break;
    case Enc::iq_oreg: {
      int64_t v = p->from.offset;
      int64_t high = v >> 32;
      if (high == 0) {
        // Zero-extends: MOVL's B8+r imm32 writes the whole register.
        rex_ &= ~(kRexNeeded | kRexW);
        rex_ |= reg_rex_of(p->to) & kRexB;
        put(static_cast<uint8_t>(0xB8 + reg_of(p->to)));
        put32(v);
      } else if (high == -1 && (v & (int64_t(1) << 31))) {
        // Sign-extends: REX.W C7 /0 imm32.
        put(0xC7);
        emit_modrm(p, p->to, 0, 0);
        put32(v);
      } else {
        rex_ |= reg_rex_of(p->to) & kRexB;
        put(static_cast<uint8_t>(f.code[0] + reg_of(p->to)));
        put64(v);
      }
      break;
    }
    case Enc::oreg_to:
      rex_ |= reg_rex_of(p->to) & (kRexB | kRexNeeded);
      code(reg_of(p->to));
      break;
    case Enc::oreg_from:
      rex_ |= reg_rex_of(p->from) & (kRexB | kRexNeeded);
      code(reg_of(p->from));
      break;
    case Enc::ib_rr:
      code();
      emit_modrm(p, p->to, reg_of(p->to), reg_rex_of(p->to));
      put(static_cast<uint8_t>(value_of(p, p->from, nullptr)));
      break;
    case Enc::iz_rr:
      code();
      emit_modrm(p, p->to, reg_of(p->to), reg_rex_of(p->to));
      imm_z(p->from);
      break;
    case Enc::i_rm3_r:
    case Enc::i_r3_rm:
      code();
      if (f.enc == Enc::i_r3_rm) {
        emit_modrm(p, p->to, reg_of(f3), reg_rex_of(f3));
      } else {
        emit_modrm(p, f3, reg_of(p->to), reg_rex_of(p->to));
      }
      if (!(f.flags & F_ImmFull)) {
        put(static_cast<uint8_t>(p->from.offset));
      } else if (f.flags & F_Imm16) {
        put16(p->from.offset);
      } else {
        put32(p->from.offset);
      }
      break;
    case Enc::rm_r3_ib:
      code();
      emit_modrm(p, p->from, reg_of(f3), reg_rex_of(f3));
      put(static_cast<uint8_t>(p->to.offset));
      break;
    case Enc::addr_r: {
      code();
      Addr mem = p->from;
      mem.type = AddrType::Mem;
      emit_modrm(p, mem, reg_of(p->to), reg_rex_of(p->to));
      break;
    }
    case Enc::data: {
      Reloc rel;
      int64_t v = value_of(p, p->from, &rel);
      if (rel.siz != 0) {
        rel.siz = f.digit;
        rel.off = n_;
        add_reloc(rel);
      }
      for (int i = 0; i < f.digit; ++i) put(static_cast<uint8_t>(v >> (8 * i)));
      break;
    }
    case Enc::rel_jcc:
    case Enc::rel_jmp:
    case Enc::rel_loop:
      emit_branch(p, f);
      break;
    case Enc::call_rel:
    case Enc::call_duff: {
      if (p->to.sym == nullptr) {
        fail(p, "call without target");
        break;
      }
      const bool duff = f.enc == Enc::call_duff;
      if (duff) {
        std::memcpy(buf_ + n_, kDuffBefore, sizeof kDuffBefore);
        n_ += sizeof kDuffBefore;
      }
      code();
      emit_rel32(RelocType::Call, p->to.sym, p->to.offset);
      if (duff) {
        std::memcpy(buf_ + n_, kDuffAfter, sizeof kDuffAfter);
        n_ += sizeof kDuffAfter;
      }
      break;
    }
    case Enc::call_const:
    case Enc::jmp_const:
      code();
      emit_rel32(RelocType::PCRel, nullptr, p->to.offset);
      break;
    case Enc::callind_sym:
      code();
      emit_rel32(RelocType::PCRel, p->to.sym, p->to.offset);
      break;
    case Enc::sreg_rm:
      code();
      emit_modrm(p, p->to, f.digit, 0);
      rex_ |= reg_rex_of(p->from) & (kRexR | kRexNeeded);
      break;
    case Enc::rm_sreg:
      code();
      emit_modrm(p, p->from, f.digit, 0);
      rex_ |= reg_rex_of(p->to) & (kRexR | kRexNeeded);
      break;
    case Enc::shift3_ib:
    case Enc::shift3_cl:
      code();
      emit_modrm(p, p->to, reg_of(f3), reg_rex_of(f3));
      if (f.enc == Enc::shift3_ib) put(static_cast<uint8_t>(p->from.offset));
      break;
    case Enc::v_rm_v_r:
      emit_vex(&p->from, from3, &p->to, f.code[0], f.code[1]);
      emit_modrm(p, p->from, reg_of(p->to), reg_rex_of(p->to));
      break;
    case Enc::v_rm_v_ro:
      emit_vex(&p->from, from3, &p->to, f.code[0], f.code[1]);
      emit_modrm(p, p->from, f.digit, 0);
      break;
    case Enc::v_r_v_rm:
      emit_vex(&p->to, from3, &p->from, f.code[0], f.code[1]);
      emit_modrm(p, p->to, reg_of(p->from), reg_rex_of(p->from));
      break;
    case Enc::v_i_rm_vo:
      emit_vex(from3, &p->to, nullptr, f.code[0], f.code[1]);
      emit_modrm(p, f3, f.digit, 0);
      put(static_cast<uint8_t>(p->from.offset));
      break;
    case Enc::v_v_rm_r:
      emit_vex(from3, &p->from, &p->to, f.code[0], f.code[1]);
      emit_modrm(p, f3, reg_of(p->to), reg_rex_of(p->to));
      break;
    case Enc::v_i_rm_r:
      emit_vex(from3, nullptr, &p->to, f.code[0], f.code[1]);
      emit_modrm(p, f3, reg_of(p->to), reg_rex_of(p->to));
      put(static_cast<uint8_t>(p->from.offset));
      break;
    case Enc::v_i_r_v:
      emit_vex(from3, &p->to, nullptr, f.code[0], f.code[1]);
      put(static_cast<uint8_t>(f.digit | (reg_low3(f3.reg) & 7)));
      put(static_cast<uint8_t>(p->from.offset));
      break;
    case Enc::v_i_rm_v_r:
    case Enc::v_hr_rm_v_r: {
      // Four operands: from, rest[0], rest[1], to.
      const Addr& rm = p->rest.size() > 0 ? p->rest[0].addr : kNone;
      const Addr& v = p->rest.size() > 1 ? p->rest[1].addr : kNone;
      emit_vex(&rm, &v, &p->to, f.code[0], f.code[1]);
      emit_modrm(p, rm, reg_of(p->to), reg_rex_of(p->to));
      if (f.enc == Enc::v_i_rm_v_r) {
        put(static_cast<uint8_t>(p->from.offset));
      } else {
        RegNum hr = p->from.reg;
        put(static_cast<uint8_t>((reg_low3(hr) | ((reg_rex(hr) & kRexR) << 1) |
                                  (reg_rex(hr) & kRexEvexR)) << 4));
      }
      break;
    }
    case Enc::v_only:
      emit_vex(&p->from, from3, &p->to, f.code[0], f.code[1]);
      break;
    case Enc::v_rm_r_vo:
      emit_vex(&p->from, &p->to, from3, f.code[0], f.code[1]);
      emit_modrm(p, p->from, f.digit, 0);
      break;
    case Enc::v_i_r_rm:
      emit_vex(&p->to, nullptr, from3, f.code[0], f.code[1]);
      emit_modrm(p, p->to, reg_of(f3), reg_rex_of(f3));
      put(static_cast<uint8_t>(p->from.offset));
      break;
    case Enc::e_k_rmo:
      emit_evex(p, f, &p->to, nullptr, nullptr, &p->from);
      emit_modrm(p, p->to, f.digit, 0);
      break;
    case Enc::e_i_rm_vo:
      emit_evex(p, f, from3, &p->to, nullptr, nullptr);
      emit_modrm(p, f3, f.digit, 0);
      put(static_cast<uint8_t>(p->from.offset));
      break;
    case Enc::e_i_r_rm:
      emit_evex(p, f, &p->to, nullptr, from3, nullptr);
      emit_modrm(p, p->to, reg_of(f3), reg_rex_of(f3));
      put(static_cast<uint8_t>(p->from.offset));
      break;
    case Enc::e_i_rm_r:
      emit_evex(p, f, from3, nullptr, &p->to, nullptr);
      emit_modrm(p, f3, reg_of(p->to), reg_rex_of(p->to));
      put(static_cast<uint8_t>(p->from.offset));
      break;
    case Enc::e_r_v_rm:
      emit_evex(p, f, &p->to, from3, &p->from, nullptr);
      emit_modrm(p, p->to, reg_of(p->from), reg_rex_of(p->from));
      break;
    case Enc::e_rm_v_r:
      emit_evex(p, f, &p->from, from3, &p->to, nullptr);
      emit_modrm(p, p->from, reg_of(p->to), reg_rex_of(p->to));
      break;
    case Enc::e_rm_k_r:
      emit_evex(p, f, &p->from, nullptr, &p->to, from3);
      emit_modrm(p, p->from, reg_of(p->to), reg_rex_of(p->to));
      break;
    case Enc::e_r_k_rm:
      emit_evex(p, f, &p->to, nullptr, &p->from, from3);
      emit_modrm(p, p->to, reg_of(p->from), reg_rex_of(p->from));
      break;
    case Enc::e_i_rm_k_vo:
    case Enc::e_i_r_k_rm:
    case Enc::e_i_rm_k_r:
    case Enc::e_i_rm_v_r:
    case Enc::e_i_rm_v_k_r:
    case Enc::e_rm_v_k_r:
    case Enc::e_r_v_k_rm:
      emit_evex_multi(p, f);
      break;
    case Enc::tls_load:
      if (!unit_.shared) {
        fail(p, "invalid instruction: MOVQ TLS, reg: linux/amd64 without -shared reads g as "
                "(TLS) directly");
        break;
      }
      // Initial-exec TLS: MOVQ g@gottpoff(%rip), reg, with an R_TLS_IE relocation.
      rex_ = kRexW | (reg_rex_of(p->to) & kRexR);
      put(0x8B);
      put(static_cast<uint8_t>(0x05 | (reg_of(p->to) << 3)));
      emit_rel32(RelocType::TLS_IE, nullptr, -4);
      break;
  }
  return !bad_;
}

void InstrEncoder::no_form(Prog* p) {
  // Find the first operand no form of this op accepts, to name it in the message.
  FormRange forms = forms_for(p->as);
  const Addr* ops[kMaxArgs + 1];
  int nops = 0;
  if (p->from.type != AddrType::None) ops[nops++] = &p->from;
  for (const RestArg& r : p->rest) {
    if (nops < kMaxArgs) ops[nops++] = &r.addr;
  }
  if (p->to.type != AddrType::None && nops < kMaxArgs + 1) ops[nops++] = &p->to;
  std::string msg = "invalid instruction: " + std::string(op_name(p->as)) + ": ";
  int culprit = -1;
  for (int i = 0; i < nops && culprit < 0; ++i) {
    YClass c = operand_class(*ops[i]);
    bool fits = false;
    for (const Form* f = forms.begin; f != forms.end && !fits; ++f) {
      if (i < kMaxArgs && kCover[c][f->args[i]]) fits = true;
    }
    if (!fits) culprit = i;
  }
  if (culprit >= 0) {
    msg += "operand " + std::to_string(culprit + 1) + " (" +
           format_addr(unit_, *p, *ops[culprit]) + ", class " +
           class_name(operand_class(*ops[culprit])) + ") does not fit";
  } else {
    msg += "no form takes these operands together (";
    for (int i = 0; i < nops; ++i) {
      if (i) msg += ", ";
      msg += class_name(operand_class(*ops[i]));
    }
    msg += ")";
  }
  msg += "; forms:";
  for (const Form* f = forms.begin; f != forms.end; ++f) {
    msg += f == forms.begin ? " " : " | ";
    for (int i = 0; i < kMaxArgs && f->args[i] != Yxxx; ++i) {
      if (i) msg += ",";
      msg += class_name(f->args[i]);
    }
  }
  fail(p, msg);
}

// Go: asmins. Inserts REX after the legacy prefixes and fixes this instruction's
// relocations: absolute offsets, the REX shift, and PC-relative addends measured from
// the end of the instruction (an immediate may follow the displacement).
inline void InstrEncoder::finish(Prog* p, size_t first_reloc) {
  const bool rex = rex_ != 0 && !vex_;
  if (rex) {
    int at = 0;
    while (at < n_ && kLegacyPrefix[buf_[at]]) ++at;
    // An instruction with REX is at most 15 bytes, so moving a fixed 16 (a constant-size
    // copy the compiler inlines) is enough; the buffer has room past them.
    static_assert(sizeof buf_ >= 16 + 16 + 1);
    if (n_ - at <= 16 && at <= 16) {
      std::memmove(buf_ + at + 1, buf_ + at, 16);
    } else {
      std::memmove(buf_ + at + 1, buf_ + at, n_ - at);
    }
    buf_[at] = static_cast<uint8_t>(0x40 | rex_);
    ++n_;
  }
  for (size_t i = first_reloc; i < fn_->r.size(); ++i) {
    Reloc& r = fn_->r[i];
    r.off += static_cast<int32_t>(p->pc);
    if (rex) ++r.off;
    if (r.type == RelocType::PCRel) r.add -= p->pc + n_ - (r.off + r.siz);
  }
}

// Everything encode's fast path leaves: `f` is the form select_two chose when the
// instruction has no segment prefix, from and to only and no suffix; null otherwise.
void InstrEncoder::encode_general(Prog* p, const Form* f) {
  if (f == nullptr) {
    if (std::max({p->from.reg, p->from.index, p->to.reg, p->to.index}) >= reg::CS) {
      bool tls_error = false;
      if (int pre = segment_prefix(p->from, unit_.shared, &tls_error)) put(static_cast<uint8_t>(pre));
      if (int pre = segment_prefix(p->to, unit_.shared, &tls_error)) put(static_cast<uint8_t>(pre));
      if (tls_error) {
        fail(p, "invalid instruction: " + std::string(op_name(p->as)) +
                    ": (TLS) cannot be addressed directly with -shared");
        n_ = 0;
        return;
      }
    }
    // A gather always has a third operand, so only select_form's instructions need the
    // register check.
    if (p->rest.empty() && p->scond == 0) {
      f = select_two(p->as, static_cast<YClass>(p->ft), static_cast<YClass>(p->tt));
    } else {
      if (is_gather(p->as) && !gather_regs_distinct(p)) {
        n_ = 0;
        return;
      }
      f = select_form(p);
    }
    if (f == nullptr) {
      n_ = 0;
      no_form(p);
      return;
    }
    // After a segment prefix, encode_plain_modrm (which writes from the buffer's start)
    // does not apply.
    if (n_ == 0 && f->plain_modrm && encode_plain_modrm(p, *f)) return;
  }
  const size_t first_reloc = fn_->r.size();
  if (!do_form(p, *f)) {
    n_ = 0;
    fn_->r.resize(first_reloc);
    return;
  }
  finish(p, first_reloc);
}

// Go's ycover search, for instructions with more than two operands or a suffix: the first
// row whose classes cover the operands'. Ordinary rows take the operands as one list (from,
// rest..., to); Positional rows (Go's ymovtab) match from, rest[0] and to by position.
// p->ft and p->tt are already set.
const Form* InstrEncoder::select_form(Prog* p) {
  const auto ft = static_cast<YClass>(p->ft);
  const auto tt = static_cast<YClass>(p->tt);
  // The usual three-operand shape (from, one rest operand, to; no suffix): by masks.
  if (p->rest.size() == 1 && p->scond == 0 && ft != Ynone && tt != Ynone) {
    Addr& mid = p->rest.front().addr;
    if (mid.cls == 0) mid.cls = static_cast<int8_t>(operand_class(mid));
    return select_three(p->as, ft, static_cast<YClass>(mid.cls), tt);
  }
  const FormRange forms = forms_for(p->as);

  YClass args[kMaxArgs + 4];
  int nargs = 0;
  if (ft != Ynone) args[nargs++] = ft;
  static_assert(Ymax <= INT8_MAX, "Addr::cls holds a class");
  for (RestArg& r : p->rest) {
    if (r.addr.cls == 0) r.addr.cls = static_cast<int8_t>(operand_class(r.addr));
    if (nargs < kMaxArgs + 3) args[nargs++] = static_cast<YClass>(r.addr.cls);
  }
  if (tt != Ynone) args[nargs++] = tt;
  const YClass f3t = p->rest.empty() ? Ynone : static_cast<YClass>(p->rest.front().addr.cls);

  for (const Form* f = forms.begin; f != forms.end; ++f) {
    bool match;
    if (f->flags & F_Positional) {
      match = kCover[ft][f->args[0]] && kCover[f3t][f->args[1]] && kCover[tt][f->args[2]];
    } else {
      // Go: a suffix (.Z, .BCST, rounding/SAE) selects EVEX forms only.
      if (p->scond != 0 && !is_evex(f->enc)) continue;
      match = nargs >= kMaxArgs || f->args[nargs] == Yxxx;
      for (int i = 0; i < nargs && match; ++i) {
        match = kCover[args[i]][i < kMaxArgs ? f->args[i] : Yxxx];
      }
    }
    if (match) return f;
  }
  return nullptr;
}

}  // namespace gostack::x86
