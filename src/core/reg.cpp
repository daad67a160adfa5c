// Register names as Go prints them, and the source-spelling lookup, both from one table of
// spellings the compiler builds.
#include "core/reg.h"

#include <array>
#include <string>

#include "core/hash.h"

namespace gostack {
namespace {

constexpr std::string_view kGpr8[] = {"AL",  "CL",  "DL",   "BL",   "SPB",  "BPB",  "SIB",  "DIB",
                                      "R8B", "R9B", "R10B", "R11B", "R12B", "R13B", "R14B", "R15B"};
constexpr std::string_view kGpr64[] = {"AX", "CX", "DX",  "BX",  "SP",  "BP",  "SI",  "DI",
                                       "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"};
constexpr std::string_view kHigh8[] = {"AH", "CH", "DH", "BH"};
constexpr std::string_view kSeg[] = {"CS", "SS", "DS", "ES", "FS", "GS", "GDTR", "IDTR", "LDTR", "MSW", "TASK"};

// One spelling: up to 7 characters, held by value so the table is a compile-time constant.
struct Spelling {
  std::array<char, 8> text{};
  uint8_t len = 0;
  RegNum reg = reg::NONE;
  constexpr std::string_view view() const { return {text.data(), len}; }
};

constexpr Spelling spell(std::string_view prefix, int n, RegNum r) {
  Spelling s;
  s.reg = r;
  for (char c : prefix) s.text[s.len++] = c;
  if (n >= 10) s.text[s.len++] = static_cast<char>('0' + n / 10);
  if (n >= 0) s.text[s.len++] = static_cast<char>('0' + n % 10);
  return s;
}

// Go's printed name of each machine register (the numbered banks and the named ones).
constexpr Spelling machine_name(RegNum r) {
  using namespace reg;
  if (r >= AL && r <= R15B) return spell(kGpr8[r - AL], -1, r);
  if (r >= AX && r <= R15) return spell(kGpr64[r - AX], -1, r);
  if (r >= AH && r <= BH) return spell(kHigh8[r - AH], -1, r);
  if (r >= F0 && r <= F7) return spell("F", r - F0, r);
  if (r >= M0 && r <= M7) return spell("M", r - M0, r);
  if (r >= K0 && r <= K7) return spell("K", r - K0, r);
  if (is_x(r)) return spell("X", r - X0, r);
  if (is_y(r)) return spell("Y", r - Y0, r);
  if (is_z(r)) return spell("Z", r - Z0, r);
  if (r >= CS && r <= TASK) return spell(kSeg[r - CS], -1, r);
  if (r >= CR0 && r < CR0 + 16) return spell("CR", r - CR0, r);
  if (r >= DR0 && r < DR0 + 8) return spell("DR", r - DR0, r);
  if (r >= TR0 && r < TR0 + 8) return spell("TR", r - TR0, r);
  if (r == TLS) return spell("TLS", -1, r);
  return Spelling{};
}

// Every source spelling: the machine registers in number order, then "g" (R14) and the
// pseudo-registers.
constexpr size_t kMachine = reg::MAXREG - reg::AL;
constexpr auto kSpellings = [] {
  std::array<Spelling, kMachine + 4> t{};
  for (size_t i = 0; i < kMachine; ++i) t[i] = machine_name(static_cast<RegNum>(reg::AL + i));
  t[kMachine] = spell("g", -1, kRegG);
  t[kMachine + 1] = spell("SB", -1, reg::SB);
  t[kMachine + 2] = spell("FP", -1, reg::FP);
  t[kMachine + 3] = spell("PC", -1, reg::PC);
  return t;
}();

constexpr std::string_view spelling_of(size_t e) { return kSpellings[e].view(); }

// Built by the compiler: the assembler runs once per file, and a hash map built at run time
// cost more than a typical file's register lookups.
constexpr auto kTable = NameTable<1024>::build(0, kSpellings.size(), spelling_of);

}  // namespace

std::string reg_name(RegNum r) {
  using namespace reg;
  if (r == NONE) return "NONE";
  if (r == SB) return "SB";
  if (r == FP) return "FP";
  if (r == PC) return "PC";
  if (r >= AL && r < MAXREG) return std::string(kSpellings[r - AL].view());
  return "R???" + std::to_string(r);
}

std::optional<RegNum> lookup_reg(std::string_view name) {
  const int e = kTable.find(name, spelling_of);
  if (e < 0) return std::nullopt;
  return kSpellings[e].reg;
}

}  // namespace gostack
