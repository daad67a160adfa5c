// Operand classification (Go's oclass) and segment prefixes (Go's prefixof), amd64 only.
#include "encode/operand.h"

namespace gostack::x86 {
namespace {

bool is_pseudo(RegNum r) { return r >= reg::SB && r <= reg::PSEUDO_SP; }

YClass const_class(int64_t v) {
  if (v == 0) return Yi0;
  if (v == 1) return Yi1;
  if (v >= 0 && v <= 3) return Yu2;
  if (v >= 0 && v <= 127) return Yu7;
  if (v >= 0 && v <= 255) return Yu8;
  if (v >= -128 && v <= 127) return Yi8;
  if (static_cast<int64_t>(static_cast<int32_t>(v)) == v) return Ys32;  // sign-extends
  if ((v >> 32) == 0) return Yi32;                                       // zero-extends
  return Yi64;
}

// operand_class (operand.h) answers the commonest memory operand, no index and no name,
// inline with Ym, which is what this finds for it: keep the two in step.
YClass mem_class(const Addr& a) {
  if (a.index == reg::SP || is_pseudo(a.index)) return Yxxx;  // not an index register
  // A vector index makes a VSIB operand.
  if (is_x(a.index)) return a.index - reg::X0 < 16 ? Yxvm : YxvmEvex;
  if (is_y(a.index)) return a.index - reg::Y0 < 16 ? Yyvm : YyvmEvex;
  if (is_z(a.index)) return Yzvm;
  switch (a.name) {
    case AddrName::Extern:
    case AddrName::Static:
    case AddrName::GotRef:
      // Globals are RIP-relative: no base, no index.
      if (a.reg != reg::NONE || a.index != reg::NONE || a.scale != 0) return Yxxx;
      break;
    case AddrName::Auto:
    case AddrName::Param:
      if (a.reg != reg::SP && a.reg != reg::NONE) return Yxxx;
      break;
    case AddrName::None:
      break;
  }
  return Ym;
}

constexpr YClass classify_reg(RegNum r) {
  using namespace reg;
  switch (r) {
    case AL: return Yal;
    case AX: return Yax;
    case CL: return Ycl;
    case CX: return Ycx;
    case DX: case BX: return Yrx;
    case SPB: return Yxxx;  // Go leaves SPB out of the byte-register class
    case F0: return Yf0;
    case X0: return Yxr0;
    case K0: return Yk0;
    case TLS: return Ytls;
    default: break;
  }
  if (r >= DL && r <= R15B) return Yrb;
  if (r >= AH && r <= BH) return Yrb;
  if (r >= SP && r <= R15) return Yrl;
  if (r > F0 && r <= F0 + 7) return Yrf;
  if (r >= M0 && r <= M0 + 7) return Ymr;
  if (is_x(r)) return r - X0 < 16 ? Yxr : YxrEvex;
  if (is_y(r)) return r - Y0 < 16 ? Yyr : YyrEvex;
  if (is_z(r)) return Yzr;
  if (r > K0 && r <= K7) return Yknot0;
  if (r >= CS && r <= TASK) return static_cast<YClass>(Ycs + (r - CS));
  if (r >= CR0 && r <= CR0 + 8) return static_cast<YClass>(Ycr0 + (r - CR0));
  if (r >= DR0 && r < DR0 + 8) return static_cast<YClass>(Ydr0 + (r - DR0));
  if (r >= TR0 && r < TR0 + 8) return static_cast<YClass>(Ytr0 + (r - TR0));
  return Yxxx;
}

// classify_reg for every register, looked up once per register operand.
constexpr auto build_reg_classes() {
  std::array<YClass, reg::MAXREG> t{};
  for (int r = 0; r < reg::MAXREG; ++r) t[r] = r >= reg::AL ? classify_reg(static_cast<RegNum>(r)) : Yxxx;
  return t;
}

YClass reglist_class(const Addr& a) {
  // [Rn-Rm] ranges: Go packs the first register in bits 0-15 and the last in 16-31.
  auto lo = static_cast<RegNum>(a.offset & 0xFFFF);
  auto hi = static_cast<RegNum>((a.offset >> 16) & 0xFFFF);
  int span = (reg_low3(hi) | ((reg_rex(hi) & kRexR) << 1) | (reg_rex(hi) & kRexEvexR)) -
             (reg_low3(lo) | ((reg_rex(lo) & kRexR) << 1) | (reg_rex(lo) & kRexEvexR));
  if (span != 3) return Yxxx;
  if (is_x(lo) && is_x(hi)) return YxrEvexMulti4;
  if (is_y(lo) && is_y(hi)) return YyrEvexMulti4;
  if (is_z(lo) && is_z(hi)) return YzrMulti4;
  return Yxxx;
}

}  // namespace

constexpr std::array<YClass, reg::MAXREG> kRegClass = build_reg_classes();

YClass operand_class_of_other(const Addr& a) {
  switch (a.type) {
    case AddrType::None: return Ynone;
    case AddrType::Branch: return Ybr;
    case AddrType::Mem: return mem_class(a);
    case AddrType::TextSize: return Ytextsize;
    case AddrType::Indir:  // *name(SB): only a bare named address
      return a.name != AddrName::None && a.reg == reg::NONE && a.index == reg::NONE &&
                     a.scale == 0
                 ? Yindir
                 : Yxxx;
    case AddrType::Reg: return reg_class(a.reg);
    case AddrType::RegList: return reglist_class(a);
    case AddrType::Addr:
      switch (a.name) {
        case AddrName::Extern:
        case AddrName::Static:
        case AddrName::Auto:
        case AddrName::Param:
          return Yiauto;  // assembled as a LEA of the address
        case AddrName::GotRef:
          return Yxxx;
        case AddrName::None:
          break;
      }
      // $off(reg) without a name: Go classifies it by its offset like a constant.
      if (a.sym != nullptr) return Yxxx;
      return const_class(a.offset);
    case AddrType::Const:
      return a.sym != nullptr ? Yxxx : const_class(a.offset);
    case AddrType::FConst:
    case AddrType::SConst:
    case AddrType::Special:
      return Yxxx;
  }
  return Yxxx;
}

int segment_prefix_of_special(const Addr& a, bool shared, bool* tls_error) {
  if (a.type == AddrType::Mem && a.name == AddrName::None) {
    switch (a.reg) {
      case reg::CS: return 0x2E;
      case reg::DS: return 0x3E;
      case reg::ES: return 0x26;
      case reg::FS: return 0x64;
      case reg::GS: return 0x65;
      case reg::TLS:
        // linux/amd64 reaches the g slot through FS (local-exec); -shared code must use
        // the two-instruction initial-exec sequence instead.
        if (shared) *tls_error = true;
        return 0x64;
      default: break;
    }
  }
  switch (a.index) {
    case reg::CS: return 0x2E;
    case reg::DS: return 0x3E;
    case reg::ES: return 0x26;
    case reg::TLS: return shared ? 0x64 : 0;
    case reg::FS: return 0x64;
    case reg::GS: return 0x65;
    default: return 0;
  }
}

}  // namespace gostack::x86
