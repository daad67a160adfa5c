// Instruction opcodes (Go's "As"): the generic pseudo-ops shared by every Go architecture,
// then every amd64 mnemonic Go 1.19 knows, in Go's order (ops.def, generated).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gostack {

enum class Op : uint16_t {
  // Generic ops, as Go's cmd/internal/obj defines them for every architecture.
  XXX,
  CALL,
  DUFFCOPY,
  DUFFZERO,
  END,
  FUNCDATA,
  JMP,
  NOP,
  PCALIGN,
  PCDATA,
  RET,
  GETCALLERPC,
  TEXT,
  UNDEF,
  // amd64 mnemonics.
#define GOSTACK_OP(name) name,
#include "core/ops.def"
#undef GOSTACK_OP
  LAST
};

constexpr int kNumOps = static_cast<int>(Op::LAST);

// The mnemonic as Go prints it ("MOVQ", "CALL", "JLS").
std::string_view op_name(Op op);

// Looks up a mnemonic as written in source, including Go's aliases
// (JA -> JHI, JZ -> JEQ, MOVD -> MOVQ, ...). Pseudo-ops DATA/GLOBL are not ops.
std::optional<Op> lookup_op(std::string_view name);

// True for mnemonics Go's x86 parser treats as jumps (their operand is a branch
// target): decided on the word as written, before aliases are resolved.
bool is_jump_word(std::string_view word);

}  // namespace gostack
