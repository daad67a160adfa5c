// amd64 registers, numbered in Go's order so that arithmetic on register numbers
// (low 3 bits, REX extension, X/Y/Z banks) works as it does in Go's obj/x86.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gostack {

using RegNum = int16_t;

namespace reg {
enum : RegNum {
  NONE = 0,
  // Go numbers amd64 registers from obj.RBaseAMD64 + 1 (2049); we keep the same
  // offsets so printed register numbers and bank arithmetic line up.
  AL = (2 << 10) + 1, CL, DL, BL, SPB, BPB, SIB, DIB, R8B, R9B, R10B, R11B, R12B, R13B, R14B, R15B,
  AX, CX, DX, BX, SP, BP, SI, DI, R8, R9, R10, R11, R12, R13, R14, R15,
  AH, CH, DH, BH,
  F0, F1, F2, F3, F4, F5, F6, F7,
  M0, M1, M2, M3, M4, M5, M6, M7,
  K0, K1, K2, K3, K4, K5, K6, K7,
  X0,
  Y0 = X0 + 32,
  Z0 = Y0 + 32,
  CS = Z0 + 32, SS, DS, ES, FS, GS,
  GDTR, IDTR, LDTR, MSW, TASK,
  CR0,
  DR0 = CR0 + 16,
  TR0 = DR0 + 8,
  TLS = TR0 + 8,
  MAXREG,
  // Pseudo-registers of Go's assembler (obj.REG_ pseudo space lives below the arch bases).
  SB = 1,  // static base: sym(SB)
  FP,      // argument frame pointer: name+off(FP)
  PC,      // program counter: N(PC)
  PSEUDO_SP,  // used only where Go distinguishes pseudo SP internally
};
}  // namespace reg

constexpr RegNum reg_x(int n) { return static_cast<RegNum>(reg::X0 + n); }
constexpr RegNum reg_y(int n) { return static_cast<RegNum>(reg::Y0 + n); }
constexpr RegNum reg_z(int n) { return static_cast<RegNum>(reg::Z0 + n); }

constexpr bool is_gpr8(RegNum r) { return r >= reg::AL && r <= reg::R15B; }
constexpr bool is_gpr64(RegNum r) { return r >= reg::AX && r <= reg::R15; }
constexpr bool is_x(RegNum r) { return r >= reg::X0 && r < reg::X0 + 32; }
constexpr bool is_y(RegNum r) { return r >= reg::Y0 && r < reg::Y0 + 32; }
constexpr bool is_z(RegNum r) { return r >= reg::Z0 && r < reg::Z0 + 32; }
constexpr bool is_k(RegNum r) { return r >= reg::K0 && r <= reg::K7; }

// The register of the g pointer on amd64 under the register ABI ("g" in source).
constexpr RegNum kRegG = reg::R14;

// Go's printed name: "AX", "R14B", "X15", "SB"... ("NONE" for 0, "R???" otherwise).
std::string reg_name(RegNum r);

// Looks up a register by its source spelling, including "g" (R14) and the
// pseudo-registers SB, FP, PC. "SP" is the hardware SP; the parser decides
// whether a name+off(SP) reference means the pseudo-SP.
std::optional<RegNum> lookup_reg(std::string_view name);

}  // namespace gostack
