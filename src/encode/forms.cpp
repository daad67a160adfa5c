// The form table (generated rows, forms_x86.inc) and its per-op index, both built at
// compile time.
#include "encode/forms.h"

namespace gostack::x86 {

namespace {
using enum Op;
using enum Enc;
}  // namespace

constexpr Form kForms[] = {
#include "encode/forms_x86.inc"
};

namespace {

constexpr int kNumForms = sizeof(kForms) / sizeof(kForms[0]);

// Rows of one op are contiguous in the table; this records where each op's run starts.
constexpr FormIndex build_index() {
  FormIndex ix{};
  for (int i = 0; i < kNumForms; ++i) {
    auto op = static_cast<int>(kForms[i].op);
    if (ix.count[op] == 0) ix.first[op] = static_cast<uint16_t>(i);
    ++ix.count[op];
  }
  return ix;
}

}  // namespace

constexpr FormIndex kFormIndex = build_index();

namespace {

constexpr bool runs_are_contiguous() {
  for (int op = 0; op < kNumOps; ++op) {
    for (int i = kFormIndex.first[op]; i < kFormIndex.first[op] + kFormIndex.count[op]; ++i) {
      if (static_cast<int>(kForms[i].op) != op) return false;
    }
  }
  return true;
}
static_assert(runs_are_contiguous(), "forms of one op must be adjacent in the table");

// The encoder relies on a row's classes having no gap: once one is Yxxx, all later are.
constexpr bool classes_are_packed() {
  for (const Form& f : kForms) {
    for (int i = 1; i < kMaxArgs; ++i) {
      if (f.args[i - 1] == Yxxx && f.args[i] != Yxxx) return false;
    }
  }
  return true;
}
static_assert(classes_are_packed(), "a form's operand classes must not have gaps");

}  // namespace

}  // namespace gostack::x86
