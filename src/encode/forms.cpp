// The form table (generated rows, forms_x86.inc) and its per-op index, both built at
// compile time.
#include "encode/forms.h"

namespace gostack::x86 {
namespace {

using enum Op;
using enum Enc;
constexpr Form kForms[] = {
#include "encode/forms_x86.inc"
};

constexpr int kNumForms = sizeof(kForms) / sizeof(kForms[0]);

struct Index {
  std::array<uint16_t, kNumOps> first{};
  std::array<uint16_t, kNumOps> count{};
};

// Rows of one op are contiguous in the table; this records where each op's run starts.
constexpr Index build_index() {
  Index ix{};
  for (int i = 0; i < kNumForms; ++i) {
    auto op = static_cast<int>(kForms[i].op);
    if (ix.count[op] == 0) ix.first[op] = static_cast<uint16_t>(i);
    ++ix.count[op];
  }
  return ix;
}
constexpr Index kIndex = build_index();

constexpr bool runs_are_contiguous() {
  for (int op = 0; op < kNumOps; ++op) {
    for (int i = kIndex.first[op]; i < kIndex.first[op] + kIndex.count[op]; ++i) {
      if (static_cast<int>(kForms[i].op) != op) return false;
    }
  }
  return true;
}
static_assert(runs_are_contiguous(), "forms of one op must be adjacent in the table");

}  // namespace

FormRange forms_for(Op op) {
  auto i = static_cast<size_t>(op);
  if (i >= kIndex.first.size() || kIndex.count[i] == 0) return {nullptr, nullptr};
  const Form* b = &kForms[kIndex.first[i]];
  return {b, b + kIndex.count[i]};
}

bool has_encodable_forms(Op op) {
  auto i = static_cast<size_t>(op);
  return i < kIndex.count.size() && kIndex.count[i] != 0;
}

}  // namespace gostack::x86
