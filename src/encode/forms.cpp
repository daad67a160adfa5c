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

// ---- Selection masks (forms.h, select_two) ----

constexpr int kMaxRows = 64;  // one bit per row of an op
constexpr bool rows_fit_masks() {
  for (int op = 0; op < kNumOps; ++op) {
    if (kFormIndex.count[op] > kMaxRows) return false;
  }
  return true;
}
static_assert(rows_fit_masks(), "an op has more rows than a selection mask has bits");

// A column's identity: the class each row of the op wants in that position, or kUnused for
// rows the column does not speak for (Positional rows in an ordinary column, and so on),
// up to the last row it speaks for. A column that speaks for no row is column 0.
constexpr uint8_t kUnused = 0xFF;
struct ColumnKey {
  int len = 0;
  std::array<uint8_t, kMaxRows> want{};
  constexpr bool operator==(const ColumnKey& o) const {
    if (len != o.len) return false;
    for (int r = 0; r < len; ++r) {
      if (want[r] != o.want[r]) return false;
    }
    return true;
  }
};
enum ColumnKind { kFirst0, kFirst1, kFirst2, kFrom, kMid, kTo, kNumKinds };

constexpr ColumnKey column_key(int op, int kind) {
  ColumnKey k;
  for (int r = 0; r < kFormIndex.count[op]; ++r) {
    const Form& f = kForms[kFormIndex.first[op] + r];
    const bool positional = (f.flags & F_Positional) != 0;
    int want = -1;
    switch (kind) {
      case kFirst0: if (!positional) want = f.args[0]; break;
      case kFirst1: if (!positional) want = f.args[1]; break;
      case kFirst2: if (!positional) want = f.args[2]; break;
      case kFrom: if (positional) want = f.args[0]; break;
      case kMid: if (positional) want = f.args[1]; break;
      case kTo: if (positional) want = f.args[2]; break;
      default: break;
    }
    k.want[r] = want < 0 ? kUnused : static_cast<uint8_t>(want);
    if (want >= 0) k.len = r + 1;
  }
  return k;
}

constexpr uint32_t key_hash(const ColumnKey& k) {
  uint32_t h = 2166136261u;  // FNV-1a
  for (int r = 0; r < k.len; ++r) h = (h ^ k.want[r]) * 16777619u;
  return h;
}

// The distinct columns of all ops (found through a small open-addressing hash table) and
// each op's column numbers.
constexpr int kMaxColumns = 512;
struct Columns {
  int n = 1;  // keys[0]: the empty column
  std::array<ColumnKey, kMaxColumns> keys{};
  std::array<std::array<uint16_t, kNumKinds>, kNumOps> of_op{};
  bool overflow = false;
};

constexpr Columns build_columns() {
  Columns c;
  constexpr uint32_t kSlots = 2 * kMaxColumns;
  std::array<int16_t, kSlots> slot{};
  for (auto& s : slot) s = -1;
  auto intern = [&](const ColumnKey& k) -> uint16_t {
    if (k.len == 0) return 0;
    for (uint32_t h = key_hash(k) % kSlots;; h = (h + 1) % kSlots) {
      if (slot[h] < 0) {
        if (c.n == kMaxColumns) {
          c.overflow = true;
          return 0;
        }
        c.keys[c.n] = k;
        slot[h] = static_cast<int16_t>(c.n);
        return static_cast<uint16_t>(c.n++);
      }
      if (c.keys[slot[h]] == k) return static_cast<uint16_t>(slot[h]);
    }
  };
  for (int op = 0; op < kNumOps; ++op) {
    if (kFormIndex.count[op] == 0) continue;
    for (int kind = 0; kind < kNumKinds; ++kind) c.of_op[op][kind] = intern(column_key(op, kind));
  }
  return c;
}
constexpr Columns kColumns = build_columns();
static_assert(!kColumns.overflow, "more distinct selection columns than kMaxColumns");

static_assert(kColumns.n <= kMaxSelectColumns, "more selection columns than kColumnMasks holds");

constexpr std::array<uint64_t, kMaxSelectColumns * Ymax> build_column_masks() {
  std::array<uint64_t, kMaxSelectColumns * Ymax> m{};
  for (int col = 0; col < kColumns.n; ++col) {
    for (int r = 0; r < kColumns.keys[col].len; ++r) {
      const uint8_t want = kColumns.keys[col].want[r];
      if (want == kUnused) continue;
      for (int cls = 0; cls < Ymax; ++cls) {
        if (kCover[cls][want]) m[col * Ymax + cls] |= uint64_t{1} << r;
      }
    }
  }
  return m;
}

constexpr std::array<FormSelect, kNumOps> build_select() {
  std::array<FormSelect, kNumOps> t{};
  for (int op = 0; op < kNumOps; ++op) {
    FormSelect& s = t[op];
    s.first = kFormIndex.first[op];
    s.first0 = kColumns.of_op[op][kFirst0] * Ymax;
    s.first1 = kColumns.of_op[op][kFirst1] * Ymax;
    s.first2 = kColumns.of_op[op][kFirst2] * Ymax;
    s.from = kColumns.of_op[op][kFrom] * Ymax;
    s.mid = kColumns.of_op[op][kMid] * Ymax;
    s.to = kColumns.of_op[op][kTo] * Ymax;
    for (int r = 0; r < kFormIndex.count[op]; ++r) {
      const Form& f = kForms[kFormIndex.first[op] + r];
      const uint64_t bit = uint64_t{1} << r;
      if (f.flags & F_Positional) {
        s.positional3 |= bit;
        if (kCover[Ynone][f.args[1]]) s.positional |= bit;
      } else {
        if (f.args[2] == Yxxx) s.two |= bit;
        if (f.args[3] == Yxxx) s.three |= bit;
      }
    }
  }
  return t;
}

}  // namespace

constexpr std::array<uint64_t, kMaxSelectColumns * Ymax> kColumnMasks = build_column_masks();
constexpr std::array<FormSelect, kNumOps> kFormSelect = build_select();

}  // namespace gostack::x86
