// Instruction forms: Go's operand classes (asm6.go's Y*), their widening relation (ycover),
// and the table format, one row per form, that the encoder searches in order.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <initializer_list>

#include "core/op.h"

namespace gostack::x86 {

// Operand classes, in Go's order and with Go's names: oclass() gives an operand its most
// specific class, and a form accepts it if the form's class covers that one (kCover).
enum YClass : uint8_t {
  Yxxx,     // no valid class
  Ynone,    // operand absent
  Yi0,      // $0
  Yi1,      // $1
  Yu2,      // $x, 0 <= x <= 3
  Yi8,      // $x, fits in int8
  Yu8,      // $x, fits in uint8
  Yu7,      // $x, 0 <= x <= 127 (fits in both int8 and uint8)
  Ys32,     // $x, fits in int32
  Yi32,     // $x, fits in uint32 (and not int32)
  Yi64,     // $x, any other 64-bit value
  Yiauto,   // $name(SB), $name(SP): an address (assembled as LEA)
  Yal, Ycl, Yax, Ycx,
  Yrb,      // byte register
  Yrl,      // general register
  Yrl32,    // general register, 32-bit target
  Yrf,      // F1..F7
  Yf0,      // F0
  Yrx,      // DX, BX
  Ymb,      // byte register or memory
  Yml,      // general register or memory
  Ym,       // memory
  Ybr,      // branch target
  Ycs, Yss, Yds, Yes, Yfs, Ygs,
  Ygdtr, Yidtr, Yldtr, Ymsw, Ytask,
  Ycr0, Ycr1, Ycr2, Ycr3, Ycr4, Ycr5, Ycr6, Ycr7, Ycr8,
  Ydr0, Ydr1, Ydr2, Ydr3, Ydr4, Ydr5, Ydr6, Ydr7,
  Ytr0, Ytr1, Ytr2, Ytr3, Ytr4, Ytr5, Ytr6, Ytr7,
  Ymr,            // M0..M7
  Ymm,            // MMX register or memory
  Yxr0,           // X0 only ("<XMM0>" in the Intel manual)
  YxrEvexMulti4,  // [X<n>-X<n+3>]
  Yxr,            // X0..X15
  YxrEvex,        // X0..X31
  Yxm,            // Yxr or memory
  YxmEvex,        // YxrEvex or memory
  Yxvm,           // VSIB vector index, X0..X15
  YxvmEvex,       // VSIB vector index, X0..X31
  YyrEvexMulti4,
  Yyr,            // Y0..Y15
  YyrEvex,        // Y0..Y31
  Yym, YymEvex,
  Yyvm, YyvmEvex,
  YzrMulti4,
  Yzr,            // Z0..Z31
  Yzm,
  Yzvm,
  Yk0,            // K0
  Yknot0,         // K1..K7 (a write mask)
  Yk,             // K0..K7
  Ykm,            // Yk or memory
  Ytls,           // the TLS pseudo-register
  Ytextsize,      // TEXT's $frame-args
  Yindir,         // *sym(SB)
  Ymax
};

// Which narrower classes each class also accepts (Go's instinit), besides itself.
// Deliberately not transitive: these are exactly Go's pairs.
struct Widening {
  YClass narrow, wide;
};
inline constexpr Widening kWidenings[] = {
    {Yi0, Yu2}, {Yi1, Yu2},
    {Yi0, Yi8}, {Yi1, Yi8}, {Yu2, Yi8}, {Yu7, Yi8},
    {Yi0, Yu7}, {Yi1, Yu7}, {Yu2, Yu7},
    {Yi0, Yu8}, {Yi1, Yu8}, {Yu2, Yu8}, {Yu7, Yu8},
    {Yi0, Ys32}, {Yi1, Ys32}, {Yu2, Ys32}, {Yu7, Ys32}, {Yu8, Ys32}, {Yi8, Ys32},
    {Yi0, Yi32}, {Yi1, Yi32}, {Yu2, Yi32}, {Yu7, Yi32}, {Yu8, Yi32}, {Yi8, Yi32}, {Ys32, Yi32},
    {Yi0, Yi64}, {Yi1, Yi64}, {Yu7, Yi64}, {Yu2, Yi64}, {Yu8, Yi64}, {Yi8, Yi64}, {Ys32, Yi64},
    {Yi32, Yi64},
    {Yal, Yrb}, {Ycl, Yrb}, {Yax, Yrb}, {Ycx, Yrb}, {Yrx, Yrb}, {Yrl, Yrb},
    {Ycl, Ycx},
    {Yax, Yrx}, {Ycx, Yrx},
    {Yax, Yrl}, {Ycx, Yrl}, {Yrx, Yrl}, {Yrl32, Yrl},
    {Yf0, Yrf},
    {Yal, Ymb}, {Ycl, Ymb}, {Yax, Ymb}, {Ycx, Ymb}, {Yrx, Ymb}, {Yrb, Ymb}, {Yrl, Ymb}, {Ym, Ymb},
    {Yax, Yml}, {Ycx, Yml}, {Yrx, Yml}, {Yrl, Yml}, {Yrl32, Yml}, {Ym, Yml},
    {Yax, Ymm}, {Ycx, Ymm}, {Yrx, Ymm}, {Yrl, Ymm}, {Yrl32, Ymm}, {Ym, Ymm}, {Ymr, Ymm},
    {Yxr0, Yxr},
    {Ym, Yxm}, {Yxr0, Yxm}, {Yxr, Yxm},
    {Ym, Yym}, {Yyr, Yym},
    {Yxr0, YxrEvex}, {Yxr, YxrEvex},
    {Ym, YxmEvex}, {Yxr0, YxmEvex}, {Yxr, YxmEvex}, {YxrEvex, YxmEvex},
    {Yyr, YyrEvex},
    {Ym, YymEvex}, {Yyr, YymEvex}, {YyrEvex, YymEvex},
    {Ym, Yzm}, {Yzr, Yzm},
    {Yk0, Yk}, {Yknot0, Yk},
    {Yk0, Ykm}, {Yknot0, Ykm}, {Yk, Ykm}, {Ym, Ykm},
    {Yxvm, YxvmEvex},
    {Yyvm, YyvmEvex},
};

using CoverTable = std::array<std::array<bool, Ymax>, Ymax>;

constexpr CoverTable build_cover() {
  CoverTable t{};
  for (int i = 0; i < Ymax; ++i) t[i][i] = true;
  for (const Widening& w : kWidenings) t[w.narrow][w.wide] = true;
  return t;
}

// kCover[actual][wanted]: an operand of class `actual` fits a form slot of class `wanted`.
inline constexpr CoverTable kCover = build_cover();

// How a form lays out its operands after the opcode bytes. Names list the operands in Go
// order (source first); "rm" is ModRM.rm (register or memory), "r" is ModRM.reg, "oreg"
// is a register added to the last opcode byte, ib/iw/iz/iq are 8/16/16-or-32/64-bit
// immediates, "3" marks the third operand (Prog::rest[0]).
enum class Enc : uint8_t {
  pseudo,       // no bytes (TEXT, FUNCDATA, PCDATA, NOP)
  lit,          // the opcode bytes only
  rm_r,         // from -> rm, to -> reg
  r_rm,         // from -> reg, to -> rm
  rm3_r,        // from3 -> rm, to -> reg
  from_rm,      // from -> rm, ModRM.reg = digit
  to_rm,        // to -> rm, ModRM.reg = digit
  callind_rm,   // CALL through register/memory: to -> rm /digit, plus an R_CALLIND mark
  ib_rm,        // from imm8, to -> rm /digit
  iz_rm,        // from imm16/32, to -> rm /digit
  rm_ib,        // from -> rm /digit, to imm8 (CMP order)
  rm_iz,        // from -> rm /digit, to imm16/32
  ib,           // from imm8
  to_ib,        // to imm8
  iz,           // from imm16/32 (the accumulator is implied)
  to_iz,        // to imm16/32
  iw_opt,       // optional imm16 from from (RETF)
  ib_oreg,      // from imm8, to -> opcode register
  iz_oreg,      // from imm16/32, to -> opcode register
  iq_oreg,      // MOVQ $imm, reg: B8+r imm32 when the value zero-extends, C7 /0 when it
                // sign-extends, else REX.W B8+r imm64
  oreg_to,      // to -> opcode register
  oreg_from,    // from -> opcode register
  ib_rr,        // from imm8, to -> both reg and rm (IMUL $i, r)
  iz_rr,        // from imm16/32, to -> both reg and rm
  i_rm3_r,      // from imm (8, or 16/32 with ImmFull), from3 -> rm, to -> reg
  i_r3_rm,      // from imm, from3 -> reg, to -> rm
  rm_r3_ib,     // from -> rm, from3 -> reg, to imm8
  addr_r,       // $addr -> LEA: from (as memory) -> rm, to -> reg
  data,         // BYTE/WORD/LONG/QUAD: the value, digit = width
  rel_jcc,      // Jcc: short opcode, or 0F + digit with rel32
  rel_jmp,      // JMP: short opcode, or digit with rel32 (and JMP sym: R_CALL)
  rel_loop,     // LOOP/JCXZ: short only
  call_rel,     // CALL sym: E8 rel32, R_CALL
  call_duff,    // DUFFZERO/DUFFCOPY: CALL wrapped in the BP save/restore Go adds
  call_const,   // CALL $n: E8 with R_PCREL
  jmp_const,    // JMP $n: E9 with R_PCREL
  callind_sym,  // CALL *sym(SB): FF 15, R_PCREL
  sreg_rm,      // from special register (CRn/DRn...) -> reg field, to -> rm /digit
  rm_sreg,      // from -> rm /digit, to special register -> reg field
  shift3_ib,    // SHLQ $i, r, rm: from imm8, from3 -> reg, to -> rm
  shift3_cl,    // SHLQ CX, r, rm
  tls_load,     // MOVQ TLS, reg (initial-exec TLS, -shared only)
  // VEX forms: code = {VEX byte (Go's W|M|L|P layout), opcode}. Names list the operands in
  // Go order: "v" is VEX.vvvv, "hr" a register in imm8[7:4], "o" a ModRM digit.
  v_rm_v_r,     // from -> rm, from3 -> vvvv, to -> reg
  v_rm_v_ro,    // from -> rm /digit, from3 -> vvvv
  v_r_v_rm,     // from -> reg, from3 -> vvvv, to -> rm
  v_i_rm_vo,    // from imm8, from3 -> rm /digit, to -> vvvv
  v_v_rm_r,     // from -> vvvv, from3 -> rm, to -> reg (gathers)
  v_i_rm_r,     // from imm8, from3 -> rm, to -> reg
  v_i_r_v,      // from imm8, from3 -> opcode register, to -> vvvv
  v_i_rm_v_r,   // from imm8, rest[0] -> rm, rest[1] -> vvvv, to -> reg
  v_only,       // no operands (VZEROUPPER)
  v_rm_r_vo,    // from -> rm /digit, from3 -> reg, to -> vvvv
  v_i_r_rm,     // from imm8, from3 -> reg, to -> rm
  v_hr_rm_v_r,  // from -> imm8[7:4], rest[0] -> rm, rest[1] -> vvvv, to -> reg
  // EVEX (AVX-512) forms: code = {P1 template [W1mmLLpp], P2 template [NNNbbZRS], opcode};
  // NNN is the disp8*N scale, bb the broadcast element size, Z/R/S allow zeroing, rounding
  // and SAE. "k" is the opmask (EVEX.aaa); other names as for VEX forms.
  e_k_rmo,         // from -> aaa, to -> rm /digit
  e_i_rm_vo,       // from imm8, from3 -> rm /digit, to -> vvvv
  e_i_rm_k_vo,     // from imm8, rest[0] -> rm /digit, rest[1] -> aaa, to -> vvvv
  e_i_r_rm,        // from imm8, from3 -> reg, to -> rm
  e_i_r_k_rm,      // from imm8, rest[0] -> reg, rest[1] -> aaa, to -> rm
  e_i_rm_r,        // from imm8, from3 -> rm, to -> reg
  e_i_rm_k_r,      // from imm8, rest[0] -> rm, rest[1] -> aaa, to -> reg
  e_i_rm_v_r,      // from imm8, rest[0] -> rm, rest[1] -> vvvv, to -> reg
  e_i_rm_v_k_r,    // from imm8, rest[0] -> rm, rest[1] -> vvvv, rest[2] -> aaa, to -> reg
  e_r_v_rm,        // from -> reg, from3 -> vvvv, to -> rm
  e_rm_v_r,        // from -> rm, from3 -> vvvv, to -> reg
  e_rm_k_r,        // from -> rm, from3 -> aaa, to -> reg
  e_r_k_rm,        // from -> reg, from3 -> aaa, to -> rm
  e_rm_v_k_r,      // from -> rm, rest[0] -> vvvv, rest[1] -> aaa, to -> reg
  e_r_v_k_rm,      // from -> reg, rest[0] -> vvvv, rest[1] -> aaa, to -> rm
};

constexpr bool is_evex(Enc e) { return e >= Enc::e_k_rmo; }

// Form flags.
enum : uint8_t {
  F_W = 1 << 0,           // REX.W
  F_ByteRegs = 1 << 1,    // byte op: AX..R15 operands are taken as AL..R15B (Go's Pb)
  F_ByteFrom = 1 << 2,    // the source register is taken as its byte register (MOVBLZX)
  F_NoRex = 1 << 3,       // clear REX.W (Go's *_nr MMX/XMM MOVQ forms)
  F_Imm16 = 1 << 4,       // 16-bit operand size: imm16 where the form takes imm16/32
  F_ImmFull = 1 << 5,     // i_rm3_r/i_r3_rm: immediate is 16/32-bit, not 8
  F_Positional = 1 << 6,  // match from, from3, to by position (Go's ymovtab rows)
  F_Only32 = 1 << 7,      // valid only in 32-bit mode: an error on amd64
};

constexpr int kMaxArgs = 5;
constexpr int kMaxCode = 8;  // 6 would do; 8 lets the encoder copy them as one word

// Bytes that may precede a REX prefix (legacy and segment prefixes): Go puts REX after them.
constexpr bool is_legacy_prefix(int c) {
  return c == 0xF2 || c == 0xF3 || (c >= 0x64 && c <= 0x67) || c == 0x2E || c == 0x3E ||
         c == 0x26;
}

struct Form {
  Op op;
  std::array<YClass, kMaxArgs> args{};  // Go order; Yxxx-padded
  Enc enc;
  uint8_t flags;
  uint8_t ncode = 0;
  std::array<uint8_t, kMaxCode> code{};  // prefixes, escapes and opcode, as emitted
  uint8_t digit;  // ModRM.reg digit; long opcode for branches; width for data
  // Derived: how many of the code bytes are legacy prefixes (REX goes after them), and
  // whether the form is a plain ModRM form (an rm operand, a register or digit in
  // ModRM.reg, at most an imm8, no flag but REX.W) that InstrEncoder::encode_plain_modrm can
  // emit directly for common rm operands.
  uint8_t nprefix = 0;
  bool plain_modrm = false;
  // Also derived: the form is its code bytes alone (lit, or pseudo with none), with REX.W
  // at most: InstrEncoder::encode_code_only writes it.
  bool code_only = false;

  constexpr Form(Op o, std::initializer_list<YClass> a, Enc e, uint8_t f,
                 std::initializer_list<uint8_t> c, uint8_t d)
      : op(o), enc(e), flags(f), digit(d) {
    int i = 0;
    for (YClass y : a) args[i++] = y;
    for (uint8_t b : c) code[ncode++] = b;
    while (nprefix < ncode && is_legacy_prefix(code[nprefix])) ++nprefix;
    plain_modrm = (e == Enc::r_rm || e == Enc::rm_r || e == Enc::from_rm || e == Enc::to_rm ||
                   e == Enc::ib_rm) &&
                  (f & ~F_W) == 0 && nprefix < ncode;
    code_only = (e == Enc::lit || e == Enc::pseudo) && (f & ~F_W) == 0;
  }
};

// The rows for one op, in the order they are tried.
struct FormRange {
  const Form* begin;
  const Form* end;
};

// Where each op's rows start in the table and how many there are (forms.cpp); both are
// looked up for every instruction, so they are inline.
struct FormIndex {
  std::array<uint16_t, kNumOps> first;
  std::array<uint16_t, kNumOps> count;
};
extern const Form kForms[];
extern const FormIndex kFormIndex;

inline FormRange forms_for(Op op) {
  auto i = static_cast<size_t>(op);
  if (i >= kFormIndex.count.size()) return {nullptr, nullptr};
  const Form* b = &kForms[kFormIndex.first[i]];
  return {b, b + kFormIndex.count[i]};
}
// Whether op has any form (pseudo-ops such as GLOBL have none here).
inline bool has_encodable_forms(Op op) {
  auto i = static_cast<size_t>(op);
  return i < kFormIndex.count.size() && kFormIndex.count[i] != 0;
}

// Selection of the common instruction shape (from and to only, no suffix) by bit masks,
// built at compile time in forms.cpp. Bit r of a mask stands for the op's r-th row. A
// column holds, for each operand class, the rows whose class in one position covers it
// (kCover); ops whose rows want the same classes share columns. Column 0 has no rows.
// Columns are stored one after another, Ymax masks each.
constexpr int kMaxSelectColumns = 320;
extern const std::array<uint64_t, kMaxSelectColumns * Ymax> kColumnMasks;
struct FormSelect {
  uint16_t first;     // the op's first row in kForms
  uint32_t first0;    // column offsets: ordinary rows' first, second and third classes,
  uint32_t first1;
  uint32_t first2;
  uint32_t from;      // Positional rows' from, middle and to classes
  uint32_t mid;
  uint32_t to;
  uint64_t two;          // ordinary rows with at most two classes
  uint64_t three;        // ordinary rows with at most three classes
  uint64_t positional;   // Positional rows that take no middle operand
  uint64_t positional3;  // all Positional rows
};
extern const std::array<FormSelect, kNumOps> kFormSelect;

// The first row of op (Go's order) that takes operands of classes ft and tt (either may be
// Ynone, absent) when the instruction has no other operand and no suffix; nullptr if none.
// Ordinary rows take the present operands as a list, Positional rows take from and to as
// such; the row-by-row ycover tests become one AND of masks per kind of row.
inline const Form* select_two(Op op, YClass ft, YClass tt) {
  const auto i = static_cast<size_t>(op);
  if (i >= kFormSelect.size()) return nullptr;
  const FormSelect& s = kFormSelect[i];
  const YClass l0 = ft != Ynone ? ft : tt != Ynone ? tt : Yxxx;  // the list, Yxxx past its end
  const YClass l1 = ft != Ynone && tt != Ynone ? tt : Yxxx;
  uint64_t rows = kColumnMasks[s.first0 + l0] & kColumnMasks[s.first1 + l1] & s.two;
  if (s.positional != 0) {
    rows |= kColumnMasks[s.from + ft] & kColumnMasks[s.to + tt] & s.positional;
  }
  if (rows == 0) return nullptr;
  return &kForms[s.first + std::countr_zero(rows)];
}

// The same for an instruction with from, one more operand (class mt) and to, all present,
// and no suffix: the list is (ft, mt, tt), and Positional rows take them by position.
inline const Form* select_three(Op op, YClass ft, YClass mt, YClass tt) {
  const auto i = static_cast<size_t>(op);
  if (i >= kFormSelect.size()) return nullptr;
  const FormSelect& s = kFormSelect[i];
  uint64_t rows = kColumnMasks[s.first0 + ft] & kColumnMasks[s.first1 + mt] &
                  kColumnMasks[s.first2 + tt] & s.three;
  if (s.positional3 != 0) {
    rows |= kColumnMasks[s.from + ft] & kColumnMasks[s.mid + mt] & kColumnMasks[s.to + tt] &
            s.positional3;
  }
  if (rows == 0) return nullptr;
  return &kForms[s.first + std::countr_zero(rows)];
}

}  // namespace gostack::x86
