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

// The mnemonic table, built by the compiler: open addressing with linear probing over
// kSlots entries (load about 0.4). A slot holds 0 (empty), an op number (its kNames entry) or
// kNumOps + an index into kAliases; an alias spelled like an op replaces it.
constexpr size_t kSlots = 4096;
constexpr size_t kAliasCount = std::size(kAliases);
static_assert(kNumOps + kAliasCount < 65536 && (kNumOps + kAliasCount) * 2 < kSlots);

constexpr std::string_view entry_name(uint16_t e) {
  return e < kNumOps ? kNames[e] : kAliases[e - kNumOps].name;
}

constexpr std::array<uint16_t, kSlots> build_table() {
  std::array<uint16_t, kSlots> slots{};
  auto insert = [&slots](uint16_t e) {
    size_t i = ShortNameHash()(entry_name(e)) & (kSlots - 1);
    while (slots[i] != 0 && entry_name(slots[i]) != entry_name(e)) i = (i + 1) & (kSlots - 1);
    slots[i] = e;
  };
  for (int i = 1; i < kNumOps; ++i) insert(static_cast<uint16_t>(i));
  for (size_t j = 0; j < kAliasCount; ++j) insert(static_cast<uint16_t>(kNumOps + j));
  return slots;
}

constexpr std::array<uint16_t, kSlots> kTable = build_table();

}  // namespace

std::string_view op_name(Op op) {
  auto i = static_cast<size_t>(op);
  return i < kNames.size() ? kNames[i] : std::string_view("???");
}

std::optional<Op> lookup_op(std::string_view name) {
  for (size_t i = ShortNameHash()(name) & (kSlots - 1); kTable[i] != 0; i = (i + 1) & (kSlots - 1)) {
    const uint16_t e = kTable[i];
    if (entry_name(e) != name) continue;
    return e < kNumOps ? static_cast<Op>(e) : kAliases[e - kNumOps].op;
  }
  return std::nullopt;
}

bool is_jump_word(std::string_view word) {
  return (!word.empty() && word[0] == 'J') || word == "CALL" || word.substr(0, 4) == "LOOP" ||
         word == "XBEGIN";
}

}  // namespace gostack
