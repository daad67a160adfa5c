// Register names as Go prints them, and the source-spelling lookup table.
#include "core/reg.h"

#include <deque>
#include <string>
#include <unordered_map>

#include "core/hash.h"

namespace gostack {
namespace {

constexpr std::string_view kGpr8[] = {"AL",  "CL",  "DL",   "BL",   "SPB",  "BPB",  "SIB",  "DIB",
                                      "R8B", "R9B", "R10B", "R11B", "R12B", "R13B", "R14B", "R15B"};
constexpr std::string_view kGpr64[] = {"AX", "CX", "DX",  "BX",  "SP",  "BP",  "SI",  "DI",
                                       "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15"};
constexpr std::string_view kHigh8[] = {"AH", "CH", "DH", "BH"};
constexpr std::string_view kSeg[] = {"CS", "SS", "DS", "ES", "FS", "GS", "GDTR", "IDTR", "LDTR", "MSW", "TASK"};

using Table = std::unordered_map<std::string_view, RegNum, ShortNameHash>;

// Keyed by views of the names, which live in `names` (lookups then need no string).
const Table& table() {
  static const auto* t = [] {
    static std::deque<std::string> names;
    auto* m = new Table();
    for (RegNum r = reg::AL; r < reg::MAXREG; ++r) (*m)[names.emplace_back(reg_name(r))] = r;
    (*m)["g"] = kRegG;
    (*m)["SB"] = reg::SB;
    (*m)["FP"] = reg::FP;
    (*m)["PC"] = reg::PC;
    return m;
  }();
  return *t;
}

}  // namespace

std::string reg_name(RegNum r) {
  using namespace reg;
  if (r == NONE) return "NONE";
  if (r == SB) return "SB";
  if (r == FP) return "FP";
  if (r == PC) return "PC";
  if (r >= AL && r <= R15B) return std::string(kGpr8[r - AL]);
  if (r >= AX && r <= R15) return std::string(kGpr64[r - AX]);
  if (r >= AH && r <= BH) return std::string(kHigh8[r - AH]);
  if (r >= F0 && r <= F7) return "F" + std::to_string(r - F0);
  if (r >= M0 && r <= M7) return "M" + std::to_string(r - M0);
  if (r >= K0 && r <= K7) return "K" + std::to_string(r - K0);
  if (is_x(r)) return "X" + std::to_string(r - X0);
  if (is_y(r)) return "Y" + std::to_string(r - Y0);
  if (is_z(r)) return "Z" + std::to_string(r - Z0);
  if (r >= CS && r <= TASK) return std::string(kSeg[r - CS]);
  if (r >= CR0 && r < CR0 + 16) return "CR" + std::to_string(r - CR0);
  if (r >= DR0 && r < DR0 + 8) return "DR" + std::to_string(r - DR0);
  if (r >= TR0 && r < TR0 + 8) return "TR" + std::to_string(r - TR0);
  if (r == TLS) return "TLS";
  return "R???" + std::to_string(r);
}

std::optional<RegNum> lookup_reg(std::string_view name) {
  const auto& t = table();
  auto it = t.find(name);
  if (it == t.end()) return std::nullopt;
  return it->second;
}

}  // namespace gostack
