// Operand facts the encoder needs: each operand's class (Go's oclass), register numbers
// in ModRM/REX terms, and the segment prefix an operand asks for.
#pragma once

#include <array>
#include <cstdint>

#include "core/prog.h"
#include "encode/forms.h"

namespace gostack::x86 {

// REX bits as Go's encoder accumulates them; kRexNeeded alone still forces a REX byte
// (SPL/BPL/SIL/DIL).
constexpr int kRexB = 1 << 0, kRexX = 1 << 1, kRexR = 1 << 2, kRexW = 1 << 3;
constexpr int kRexNeeded = 0x40;
constexpr int kRexEvexR = 1 << 4;

struct RegInfo {
  int8_t low3 = -1;  // ModRM/SIB/opcode field value, -1 if the register has none
  uint8_t rex = 0;   // REX bits the register needs in any position (all three of R/X/B)
};

constexpr std::array<RegInfo, reg::MAXREG + 1> build_reg_info() {
  std::array<RegInfo, reg::MAXREG + 1> t{};
  auto set = [&](int first, int n, int low_base, auto rex_of) {
    for (int i = 0; i < n; ++i) t[first + i] = RegInfo{int8_t((low_base + i) & 7), rex_of(i)};
  };
  set(reg::AL, 16, 0, [](int i) -> uint8_t {
    if (i >= 4 && i < 8) return kRexNeeded;          // SPB..DIB
    return i >= 8 ? kRexR | kRexX | kRexB : 0;       // R8B..R15B
  });
  set(reg::AX, 16, 0, [](int i) -> uint8_t { return i >= 8 ? kRexR | kRexX | kRexB : 0; });
  set(reg::AH, 4, 4, [](int) -> uint8_t { return 0; });
  set(reg::F0, 8, 0, [](int) -> uint8_t { return 0; });
  set(reg::M0, 8, 0, [](int) -> uint8_t { return 0; });
  set(reg::K0, 8, 0, [](int) -> uint8_t { return 0; });
  for (int bank : {int(reg::X0), int(reg::Y0), int(reg::Z0)}) {
    set(bank, 32, 0, [](int i) -> uint8_t {
      uint8_t r = (i & 8) ? kRexR | kRexX | kRexB : 0;
      return i >= 16 ? uint8_t(r | kRexEvexR) : r;
    });
  }
  for (int i = 8; i < 16; ++i) t[reg::CR0 + i].rex = kRexR;
  return t;
}
inline constexpr auto kRegInfo = build_reg_info();

inline int reg_low3(RegNum r) { return r >= 0 && r <= reg::MAXREG ? kRegInfo[r].low3 : -1; }
inline int reg_rex(RegNum r) { return r >= 0 && r <= reg::MAXREG ? kRegInfo[r].rex : 0; }

// The most specific class of an operand (Go's oclass). Never fails: an operand no form
// can take is Yxxx. Registers (the most common operand) are one table lookup and an absent
// operand is Ynone, both inline.
// By register number from 0 (Yxxx below reg::AL): one bounds test and one load.
extern const std::array<YClass, reg::MAXREG> kRegClass;
inline YClass reg_class(RegNum r) {
  const auto i = static_cast<uint16_t>(r);  // a negative number is out of range too
  return i < reg::MAXREG ? kRegClass[i] : Yxxx;
}
YClass operand_class_of_other(const Addr& a);
inline YClass operand_class(const Addr& a) {
  if (a.type == AddrType::Reg) return reg_class(a.reg);
  // Memory off a register (or none) without an index or a pseudo-register name, the usual
  // memory operand: Ym, as operand_class_of_other's mem_class would find.
  if (a.type == AddrType::Mem && a.index == reg::NONE && a.name == AddrName::None) return Ym;
  return a.type == AddrType::None ? Ynone : operand_class_of_other(a);
}

// The segment-override prefix byte an operand needs (0 if none). `shared` is -shared.
// Sets *tls_error when the operand is (TLS) under -shared, which Go cannot assemble.
// Only segment registers and TLS (numbered after every other register) ask for one, so the
// common case is one inline comparison.
int segment_prefix_of_special(const Addr& a, bool shared, bool* tls_error);
inline int segment_prefix(const Addr& a, bool shared, bool* tls_error) {
  if (a.reg < reg::CS && a.index < reg::CS) return 0;
  return segment_prefix_of_special(a, shared, tls_error);
}

}  // namespace gostack::x86
