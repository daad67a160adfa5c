// The assembler's intermediate form: operands (Addr) and instructions (Prog), modelled
// on Go's cmd/internal/obj so that each later stage can follow Go's rules exactly.
//
// Data flow: lex -> parse (fills Progs) -> frame (rewrites pseudo-registers, inserts the
// prologue) -> encode (sizes branches, emits bytes and relocations) -> listing / objects.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/op.h"
#include "core/reg.h"

namespace gostack {

struct Symbol;
struct Prog;

// What kind of operand an Addr is (Go's obj.TYPE_*).
enum class AddrType : uint8_t {
  None,
  Branch,    // jump target: target/offset set by the parser (label, N(PC), or symbol)
  TextSize,  // TEXT's $frame-args: offset = frame size, val.argsize = args size
  Mem,       // off(base)(index*scale), sym+off(SB), name+off(FP), (TLS)
  Const,     // $imm (also $sym for address-of when name != None: see Addr)
  FConst,    // $1.5
  SConst,    // $"abc" (DATA only)
  Reg,       // AX, X3, K1 ...
  Addr,      // $sym+off(SB), $off(reg): an address computed, not loaded
  RegList,   // [X0-X3] style register ranges (encoded in offset as a bitmask)
  Special,   // arch special operands (not used on amd64 in Go 1.19)
  Indir,     // *sym(SB) or *$imm: indirect through memory (Go's TYPE_INDIR)
};

// Which pseudo-register a memory operand is relative to (Go's obj.NAME_*).
enum class AddrName : uint8_t {
  None,
  Extern,  // sym(SB)
  Static,  // sym<>(SB): file-local
  Auto,    // name-off(SP): local in the frame (pseudo-SP)
  Param,   // name+off(FP): argument (pseudo-FP)
  GotRef,  // sym@GOT(SB)
};

// Members are ordered so that an Addr packs into 64 bytes (and a Prog into 208): every
// Prog is made zeroed and its operands are copied about, so size is time.
struct Addr {
  AddrType type = AddrType::None;
  AddrName name = AddrName::None;
  RegNum reg = reg::NONE;    // base register (or the register itself for Reg)
  RegNum index = reg::NONE;  // index register
  int16_t scale = 0;         // index scale (1,2,4,8); Go also parks a register here for some forms
  int64_t offset = 0;
  Symbol* sym = nullptr;
  // Operand-kind specific payload (Go keeps these in Addr.Val).
  double fval = 0;          // FConst
  std::string_view sval;    // SConst (storage owned by the Unit)
  Prog* target = nullptr;   // Branch to a label or N(PC) target
  int32_t argsize = 0;      // TextSize: the args part of $frame-args
  bool argsize_set = false; // TextSize: whether -args was given (Go prints $frame only otherwise)
  int8_t cls = 0;           // encoder's cached operand class (Go's Class), 0 = not yet computed
};

// Extra operands beyond From/To (Go's RestArgs): AVX three- and four-operand forms.
struct RestArg {
  Addr addr;
  bool is_dest = false;  // Go's OperandPos: Source or Destination
};

// Source position: position base (index into Unit::files) and a 1-based physical line.
struct Pos {
  uint32_t file = 0;
  int32_t line = 0;
};

// Where positions are counted from (Go's src.PosBase): a file, or the text after a
// `#line N "name"` directive inside one.
struct PosBase {
  PosBase(std::string n = {}) : name(std::move(n)) {}  // a plain file base
  std::string name;   // the name messages use: as printed (after -trimpath), or #line's
  // A #line base: the base the directive stood in, and physical line `start` is line `line`
  // of `name`. Go sets start to the directive's line + 2 (one past a line count that has
  // already passed the directive's newline), so the text right after `#line 99` is line 98
  // in Go's listing; we keep that.
  int32_t outer = -1;
  int32_t start = 0;
  uint64_t line = 0;
  bool operator==(const PosBase&) const = default;
};

// Mark bits used by the frame pass and encoder (Go's x86 Mark values).
namespace mark {
constexpr uint16_t kDoneLeaf = 1 << 0;
constexpr uint16_t kLeaf = 1 << 1;
}  // namespace mark

// Instruction suffix bits for AVX-512 (Go's Scond): mask zeroing, broadcast, rounding, SAE.
namespace scond {
constexpr uint8_t kNone = 0;
// Rounding control / suffix codes as Go's x86 evex.go numbers them.
constexpr uint8_t kRN_SAE = 1, kRZ_SAE = 2, kRD_SAE = 3, kRU_SAE = 4, kSAE = 5;
constexpr uint8_t kBCST = 6;
constexpr uint8_t kZ = 1 << 3;  // or'ed with the above
}  // namespace scond

struct Prog {
  Prog* link = nullptr;   // next instruction in the function (or in the file before TEXT split)
  Op as = Op::XXX;
  RegNum reg = reg::NONE;     // second source register (Go's Prog.Reg)
  RegNum regto2 = reg::NONE;  // second destination
  uint8_t scond = 0;          // AVX-512 suffixes (scond::*)
  Addr from;
  Addr to;
  // Third and later operands, Go order: storage owned by the Unit (Unit::new_rest), so that
  // a Prog owns no heap memory of its own.
  std::span<RestArg> rest;
  Pos pos;
  // Filled by later stages.
  int64_t pc = 0;
  Prog* forwd = nullptr;   // encoder: forward-branch chain
  Prog* rel = nullptr;     // encoder: branch relocation chain
  int32_t spadj = 0;  // change of SP by this instruction (frame pass)
  uint16_t mark = 0;
  uint8_t isize = 0;  // encoded size in bytes
  uint8_t back = 0;   // encoder: backward-branch state
  uint8_t ft = 0, tt = 0;  // encoder: cached operand classes

  // Convenience for Go's p.GetFrom3(): the first rest operand, if any.
  const Addr* from3() const { return rest.empty() ? nullptr : &rest.front().addr; }
};
static_assert(sizeof(Addr) == 64 && sizeof(Prog) == 208, "a member order that pads: see above Addr");

}  // namespace gostack
