// Builds .eh_frame CIE+FDE pairs from SP-delta runs (see cfi.h and docs/functab.md).
#include "functab/cfi.h"

#include <algorithm>
#include <array>
#include <bit>
#include <climits>
#include <cstdint>
#include <cstring>
#include <string_view>

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

// Call-frame bytes written through a pointer into room the caller has made (eh_frame sizes
// it for the worst case and trims it after), rather than a vector's push_back per byte.
class Bytes {
 public:
  explicit Bytes(uint8_t* at) : w_(at) {}
  uint8_t* pos() const { return w_; }
  void byte(uint8_t b) { *w_++ = b; }
  void u32(uint32_t v) {
    static_assert(std::endian::native == std::endian::little);  // DWARF here is little-endian
    std::memcpy(w_, &v, 4);
    w_ += 4;
  }
  void uleb(uint64_t v) {
    do {
      uint8_t b = v & 0x7f;
      v >>= 7;
      byte(v ? (b | 0x80) : b);
    } while (v);
  }
  void sleb(int64_t v) {
    for (;;) {
      uint8_t b = v & 0x7f;
      v >>= 7;
      bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
      byte(done ? b : (b | 0x80));
      if (done) return;
    }
  }
  // At most 5 bytes.
  void advance(uint32_t delta) {
    if (delta == 0) return;
    if (delta < 0x40) {
      byte(kAdvanceLoc | static_cast<uint8_t>(delta));
    } else if (delta <= 0xff) {
      byte(kAdvanceLoc1);
      byte(static_cast<uint8_t>(delta));
    } else if (delta <= 0xffff) {
      byte(kAdvanceLoc2);
      byte(static_cast<uint8_t>(delta));
      byte(static_cast<uint8_t>(delta >> 8));
    } else {
      byte(kAdvanceLoc4);
      u32(delta);
    }
  }
  // Pads the entry that starts at `start` (its length field) to a multiple of 8 with
  // DW_CFA_nop and fills in the length.
  void finish_entry(uint8_t* start) {
    while ((w_ - start) % 8 != 0) byte(kNop);
    const auto len = static_cast<uint32_t>(w_ - start - 4);
    std::memcpy(start, &len, 4);
  }

 private:
  uint8_t* w_;
};

// CIE: "zR", code alignment 1, data alignment -8, return address column 16;
// initial rules: CFA = RSP+8, return address at CFA-8.
std::vector<uint8_t> make_cie(bool absolute) {
  std::array<uint8_t, 64> room{};
  Bytes b(room.data());
  b.u32(0);  // length, filled in
  b.u32(0);  // CIE id
  b.byte(1);  // version
  for (char c : std::string_view("zR")) b.byte(static_cast<uint8_t>(c));
  b.byte(0);
  b.uleb(1);
  b.sleb(kDataAlign);
  b.uleb(kRegRa);
  b.uleb(1);  // augmentation data length
  b.byte(absolute ? kAbsptr : kPcrelSdata4);
  b.byte(kDefCfa);
  b.uleb(kRegRsp);
  b.uleb(8);
  b.byte(kOffset | kRegRa);
  b.uleb(1);  // CFA-8
  b.finish_entry(room.data());
  return std::vector<uint8_t>(room.data(), b.pos());
}

}  // namespace

void eh_frame(const FuncEntry& fn, std::vector<uint8_t>& out, uint32_t* pc_begin_field,
              bool absolute) {
  // The CIE is the same for every function: made once, copied in.
  static const std::vector<uint8_t> kCies[2] = {make_cie(false), make_cie(true)};
  const std::vector<uint8_t>& cie_bytes = kCies[absolute ? 1 : 0];
  // The fragment goes at the buffer's end; its offsets are its own. Room for the worst
  // case: the FDE's fixed part takes under 32 bytes, each change under 16, the padding
  // under 8; the buffer is cut back to what was written at the end.
  const size_t cie = out.size();
  const size_t room = cie_bytes.size() + 32 + 16 * (fn.pcsp.size() + fn.bp_saved.size()) + 8;
  reserve_more(out, room);
  out.resize(cie + room);
  uint8_t* const start = out.data() + cie;
  std::memcpy(start, cie_bytes.data(), cie_bytes.size());
  Bytes b(start + cie_bytes.size());

  uint8_t* const fde = b.pos();
  b.u32(0);
  b.u32(static_cast<uint32_t>(b.pos() - start));  // CIE pointer: back to the CIE
  if (pc_begin_field) *pc_begin_field = static_cast<uint32_t>(b.pos() - start);
  if (absolute) {
    b.u32(static_cast<uint32_t>(fn.entry));
    b.u32(static_cast<uint32_t>(fn.entry >> 32));
    b.u32(fn.size);  // pc_range, 8 bytes
    b.u32(0);
  } else {
    b.u32(0);        // pc_begin, relocated
    b.u32(fn.size);  // pc_range
  }
  b.uleb(0);         // no augmentation data

  // The instructions for one pc's change: the CFA offset (new_sp, INT32_MIN for none) and
  // whether RBP is saved (bp: 1 saved, 0 restored, -1 no change).
  uint32_t loc = 0;
  int sp = 0;
  auto change = [&](uint32_t pc, int new_sp, int bp) {
    bool sp_changes = new_sp != INT32_MIN && new_sp != sp;
    if (!sp_changes && bp < 0) return;
    b.advance(pc - loc);
    loc = pc;
    if (sp_changes) {  // at most 6 bytes: |cfa| < 2^32 takes at most 5 as LEB128
      sp = new_sp;
      int64_t cfa = int64_t{8} + sp;
      if (cfa >= 0) {
        b.byte(kDefCfaOffset);
        b.uleb(static_cast<uint64_t>(cfa));
      } else {
        b.byte(kDefCfaOffsetSf);  // factored by the data alignment (-8)
        b.sleb(cfa / kDataAlign);
      }
    }
    if (bp == 1) {
      b.byte(kOffset | kRegRbp);
      b.uleb(2);  // CFA-16
    } else if (bp == 0) {
      b.byte(kRestore | kRegRbp);
    }
  };

  // Fast path: a function that never saves RBP (no frame, or frameless NOSPLIT code) has only
  // its SP runs, whose pcs build makes strictly increasing: they are the changes as they are.
  if (fn.bp_saved.empty()) {
    for (const SpRun& r : fn.pcsp) {
      if (r.pc < fn.size) change(r.pc, r.sp, -1);
    }
    b.finish_entry(fde);
    out.resize(static_cast<size_t>(b.pos() - out.data()));
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
  b.finish_entry(fde);
  out.resize(static_cast<size_t>(b.pos() - out.data()));
}

}  // namespace gostack::functab
