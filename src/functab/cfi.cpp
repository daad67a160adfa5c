// Builds .eh_frame CIE+FDE pairs from SP-delta runs (see cfi.h and docs/functab.md).
#include "functab/cfi.h"

#include <algorithm>
#include <climits>
#include <cstdint>

namespace gostack::functab {
namespace {

// DWARF register numbers and call-frame opcodes used here (x86-64 psABI, DWARF 4 §6.4.2).
constexpr uint8_t kRegRbp = 6, kRegRsp = 7, kRegRa = 16;
constexpr uint8_t kAdvanceLoc = 0x40, kOffset = 0x80, kRestore = 0xc0;
constexpr uint8_t kAdvanceLoc1 = 0x02, kAdvanceLoc2 = 0x03, kAdvanceLoc4 = 0x04;
constexpr uint8_t kDefCfa = 0x0c, kDefCfaOffset = 0x0e, kDefCfaOffsetSf = 0x13, kNop = 0x00;
constexpr int kDataAlign = -8;
constexpr uint8_t kPcrelSdata4 = 0x1b;  // DW_EH_PE_pcrel | DW_EH_PE_sdata4
constexpr uint8_t kAbsptr = 0x00;       // DW_EH_PE_absptr: 8-byte addresses

void uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void sleb(std::vector<uint8_t>& out, int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}

void u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void set_u32(std::vector<uint8_t>& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// Pads an entry that started at `start` (its length field) to a multiple of 8 with
// DW_CFA_nop and fills in the length.
void finish_entry(std::vector<uint8_t>& out, size_t start) {
  while ((out.size() - start) % 8 != 0) out.push_back(kNop);
  set_u32(out, start, static_cast<uint32_t>(out.size() - start - 4));
}

void advance(std::vector<uint8_t>& out, uint32_t delta) {
  if (delta == 0) return;
  if (delta < 0x40) {
    out.push_back(kAdvanceLoc | static_cast<uint8_t>(delta));
  } else if (delta <= 0xff) {
    out.push_back(kAdvanceLoc1);
    out.push_back(static_cast<uint8_t>(delta));
  } else if (delta <= 0xffff) {
    out.push_back(kAdvanceLoc2);
    out.push_back(static_cast<uint8_t>(delta));
    out.push_back(static_cast<uint8_t>(delta >> 8));
  } else {
    out.push_back(kAdvanceLoc4);
    u32(out, delta);
  }
}

// CIE: "zR", code alignment 1, data alignment -8, return address column 16;
// initial rules: CFA = RSP+8, return address at CFA-8.
std::vector<uint8_t> make_cie(bool absolute) {
  std::vector<uint8_t> out;
  size_t cie = out.size();
  u32(out, 0);  // length, filled in
  u32(out, 0);  // CIE id
  out.push_back(1);  // version
  for (char c : std::string_view("zR")) out.push_back(static_cast<uint8_t>(c));
  out.push_back(0);
  uleb(out, 1);
  sleb(out, kDataAlign);
  uleb(out, kRegRa);
  uleb(out, 1);  // augmentation data length
  out.push_back(absolute ? kAbsptr : kPcrelSdata4);
  out.push_back(kDefCfa);
  uleb(out, kRegRsp);
  uleb(out, 8);
  out.push_back(kOffset | kRegRa);
  uleb(out, 1);  // CFA-8
  finish_entry(out, cie);
  return out;
}

}  // namespace

void eh_frame(const FuncEntry& fn, std::vector<uint8_t>& out, uint32_t* pc_begin_field,
              bool absolute) {
  // The CIE is the same for every function: made once, copied in.
  static const std::vector<uint8_t> kCies[2] = {make_cie(false), make_cie(true)};
  const std::vector<uint8_t>& cie_bytes = kCies[absolute ? 1 : 0];
  // The fragment goes at the buffer's end; its offsets are its own. The FDE's fixed part
  // takes under 32 bytes, each change under 8.
  const size_t cie = out.size();
  reserve_more(out, cie_bytes.size() + 32 + 8 * (fn.pcsp.size() + fn.bp_saved.size()));
  out.insert(out.end(), cie_bytes.begin(), cie_bytes.end());

  size_t fde = out.size();
  u32(out, 0);
  u32(out, static_cast<uint32_t>(out.size() - cie));  // CIE pointer: back to the CIE
  if (pc_begin_field) *pc_begin_field = static_cast<uint32_t>(out.size() - cie);
  if (absolute) {
    u32(out, static_cast<uint32_t>(fn.entry));
    u32(out, static_cast<uint32_t>(fn.entry >> 32));
    u32(out, fn.size);  // pc_range, 8 bytes
    u32(out, 0);
  } else {
    u32(out, 0);        // pc_begin, relocated
    u32(out, fn.size);  // pc_range
  }
  uleb(out, 0);         // no augmentation data

  // The instructions for one pc's change: the CFA offset (new_sp, INT32_MIN for none) and
  // whether RBP is saved (bp: 1 saved, 0 restored, -1 no change).
  uint32_t loc = 0;
  int sp = 0;
  auto change = [&](uint32_t pc, int new_sp, int bp) {
    bool sp_changes = new_sp != INT32_MIN && new_sp != sp;
    if (!sp_changes && bp < 0) return;
    advance(out, pc - loc);
    loc = pc;
    if (sp_changes) {
      sp = new_sp;
      int64_t cfa = int64_t{8} + sp;
      if (cfa >= 0) {
        out.push_back(kDefCfaOffset);
        uleb(out, static_cast<uint64_t>(cfa));
      } else {
        out.push_back(kDefCfaOffsetSf);  // factored by the data alignment (-8)
        sleb(out, cfa / kDataAlign);
      }
    }
    if (bp == 1) {
      out.push_back(kOffset | kRegRbp);
      uleb(out, 2);  // CFA-16
    } else if (bp == 0) {
      out.push_back(kRestore | kRegRbp);
    }
  };

  // Fast path: a function that never saves RBP (no frame, or frameless NOSPLIT code) has only
  // its SP runs, whose pcs build makes strictly increasing: they are the changes as they are.
  if (fn.bp_saved.empty()) {
    for (const SpRun& r : fn.pcsp) {
      if (r.pc < fn.size) change(r.pc, r.sp, -1);
    }
    finish_entry(out, fde);
    return;
  }

  // Changes by pc: the CFA offset (from the SP runs) and whether RBP is saved. Both lists
  // come in pc order; one stable sort merges them, and for equal pcs the later entry of a
  // kind wins.
  struct Change {
    uint32_t pc;
    int sp;  // INT32_MIN: no SP change here
    int bp;  // 1 saved, 0 restored, -1 none
  };
  std::vector<Change> changes;
  changes.reserve(fn.pcsp.size() + fn.bp_saved.size());
  for (const SpRun& r : fn.pcsp) {
    if (r.pc < fn.size) changes.push_back({r.pc, r.sp, -1});
  }
  for (size_t i = 0; i < fn.bp_saved.size(); ++i) {
    if (fn.bp_saved[i] < fn.size) changes.push_back({fn.bp_saved[i], INT32_MIN, i % 2 == 0 ? 1 : 0});
  }
  auto by_pc = [](const Change& a, const Change& b) { return a.pc < b.pc; };
  if (!std::is_sorted(changes.begin(), changes.end(), by_pc)) {
    std::stable_sort(changes.begin(), changes.end(), by_pc);
  }
  // Folds the entries at one pc into one change.
  size_t n = 0;
  for (const Change& c : changes) {
    if (n > 0 && changes[n - 1].pc == c.pc) {
      Change& into = changes[n - 1];
      if (c.sp != INT32_MIN) into.sp = c.sp;
      if (c.bp >= 0) into.bp = c.bp;
    } else {
      changes[n++] = c;
    }
  }
  changes.resize(n);
  for (const auto& [pc, new_sp, bp] : changes) change(pc, new_sp, bp);
  finish_entry(out, fde);
}

}  // namespace gostack::functab
