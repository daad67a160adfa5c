// Opcode names and the mnemonic lookup table (with Go's aliases).
#include "core/op.h"

#include <array>
#include <string>
#include <unordered_map>

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

const std::unordered_map<std::string_view, Op, ShortNameHash>& table() {
  static const auto* t = [] {
    auto* m = new std::unordered_map<std::string_view, Op, ShortNameHash>();
    for (int i = 1; i < kNumOps; ++i) (*m)[kNames[i]] = static_cast<Op>(i);
    for (const Alias& a : kAliases) (*m)[a.name] = a.op;
    return m;
  }();
  return *t;
}

}  // namespace

std::string_view op_name(Op op) {
  auto i = static_cast<size_t>(op);
  return i < kNames.size() ? kNames[i] : std::string_view("???");
}

std::optional<Op> lookup_op(std::string_view name) {
  const auto& t = table();
  auto it = t.find(name);
  if (it == t.end()) return std::nullopt;
  return it->second;
}

bool is_jump_word(std::string_view word) {
  return (!word.empty() && word[0] == 'J') || word == "CALL" || word.substr(0, 4) == "LOOP" ||
         word == "XBEGIN";
}

}  // namespace gostack
