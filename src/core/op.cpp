// Opcode names and the mnemonic lookup table (with Go's aliases).
#include "core/op.h"

#include <array>
#include <string>
#include <iterator>

#include "core/hash.h"

namespace gostack {
namespace {

constexpr std::array<std::string_view, kNumOps> kNames = {
    "XXX", "CALL", "DUFFCOPY", "DUFFZERO", "END", "FUNCDATA", "JMP", "NOP",
    "PCALIGN", "PCDATA", "RET", "GETCALLERPC", "TEXT", "UNDEF",
#define GOSTACK_OP(name) #name,
#include "core/ops.def"
#undef GOSTACK_OP
};

struct Alias {
  std::string_view name;
  Op op;
};

// Alternate spellings Go's assembler accepts (cmd/asm/internal/arch, x86 section).
constexpr Alias kAliases[] = {
    {"JA", Op::JHI},    {"JAE", Op::JCC},   {"JB", Op::JCS},    {"JBE", Op::JLS},
    {"JC", Op::JCS},    {"JE", Op::JEQ},    {"JG", Op::JGT},    {"JHS", Op::JCC},
    {"JL", Op::JLT},    {"JLO", Op::JCS},   {"JNA", Op::JLS},   {"JNAE", Op::JCS},
    {"JNB", Op::JCC},   {"JNBE", Op::JHI},  {"JNC", Op::JCC},   {"JNG", Op::JLE},
    {"JNGE", Op::JLT},  {"JNL", Op::JGE},   {"JNLE", Op::JGT},  {"JNO", Op::JOC},
    {"JNP", Op::JPC},   {"JNS", Op::JPL},   {"JNZ", Op::JNE},   {"JO", Op::JOS},
    {"JP", Op::JPS},    {"JPE", Op::JPS},   {"JPO", Op::JPC},   {"JS", Op::JMI},
    {"JZ", Op::JEQ},    {"MASKMOVDQU", Op::MASKMOVOU},          {"MOVD", Op::MOVQ},
    {"MOVDQ2Q", Op::MOVQ},                  {"MOVNTDQ", Op::MOVNTO},
    {"MOVOA", Op::MOVO},                    {"PSLLDQ", Op::PSLLO},
    {"PSRLDQ", Op::PSRLO},                  {"PADDD", Op::PADDL},
    {"MOVBELL", Op::MOVBEL},                {"MOVBEQQ", Op::MOVBEQ},
    {"MOVBEWW", Op::MOVBEW},
};

// The mnemonic table, built by the compiler. Entry e is op e for e < kNumOps, else alias
// e - kNumOps; an alias spelled like an op replaces it. XXX (op 0) is not a mnemonic.
constexpr size_t kAliasCount = std::size(kAliases);

constexpr std::string_view entry_name(size_t e) {
  return e < kNumOps ? kNames[e] : kAliases[e - kNumOps].name;
}

constexpr auto kTable = NameTable<4096>::build(1, kNumOps + kAliasCount, entry_name);

}  // namespace

std::string_view op_name(Op op) {
  auto i = static_cast<size_t>(op);
  return i < kNames.size() ? kNames[i] : std::string_view("???");
}

std::optional<Op> lookup_op(std::string_view name) {
  const int e = kTable.find(name, entry_name);
  if (e < 0) return std::nullopt;
  return e < kNumOps ? static_cast<Op>(e) : kAliases[e - kNumOps].op;
}

bool is_jump_word(std::string_view word) {
  return (!word.empty() && word[0] == 'J') || word == "CALL" || word.substr(0, 4) == "LOOP" ||
         word == "XBEGIN";
}

}  // namespace gostack
