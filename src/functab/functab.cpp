// Builds function tables from an assembled Unit, looks PCs up, and reads/writes the
// serialized blobs of the gostack_functab section (format in docs/functab.md).
#include "functab/functab.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <unordered_map>

#include "object/elf_writer.h"

namespace gostack::functab {
namespace {

constexpr int64_t kFuncdataArgs = 0;    // FUNCDATA_ArgsPointerMaps
constexpr int64_t kFuncdataLocals = 1;  // FUNCDATA_LocalsPointerMaps
constexpr int64_t kPcdataStackMapIndex = 1;  // PCDATA_StackMapIndex

// The end pc of the instruction p: where the next instruction starts (Prog::pc is set by
// the encoder; pseudo-instructions take no bytes and share the next one's pc).
uint32_t end_pc(const Prog* p, uint32_t size) {
  return p->link != nullptr ? static_cast<uint32_t>(p->link->pc) : size;
}

bool is_reg(const Addr& a, RegNum r) { return a.type == AddrType::Reg && a.reg == r; }
bool is_sp_slot(const Addr& a, int64_t off) {
  return a.type == AddrType::Mem && a.name == AddrName::None && a.reg == reg::SP &&
         a.index == reg::NONE && a.offset == off;
}

// Reads a Go runtime.stackmap {int32 n; int32 nbit; uint8 bytes[n*((nbit+7)/8)]} from a
// DATA-initialised symbol. Returns an error text, or "" on success.
std::string read_stackmap(const Symbol& s, PtrMap& m) {
  auto word = [&](size_t off) {
    int32_t v = 0;
    if (off + 4 <= s.p.size()) std::memcpy(&v, s.p.data() + off, 4);
    return v;
  };
  int32_t n = word(0), nbit = word(4);
  if (s.size < 8 || n < 0 || nbit < 0 || nbit > (1 << 24) || n > (1 << 20)) {
    return "malformed stack map " + m.symbol + " (n=" + std::to_string(n) +
           ", nbit=" + std::to_string(nbit) + ")";
  }
  size_t bytes = static_cast<size_t>(n) * ((static_cast<size_t>(nbit) + 7) / 8);
  if (8 + bytes > static_cast<size_t>(s.size)) {
    return "stack map " + m.symbol + " needs " + std::to_string(8 + bytes) +
           " bytes but has size " + std::to_string(s.size);
  }
  m.count = n;
  m.nbit = nbit;
  m.bits.assign(bytes, 0);
  for (size_t i = 0; i < bytes && 8 + i < s.p.size(); ++i) m.bits[i] = s.p[8 + i];
  m.kind = nbit == 0 ? PtrMapKind::NoPointers : PtrMapKind::Bitmap;
  return "";
}

PtrMap ptr_map(const Unit& unit, const Symbol& fn, const Symbol* sym, Diag& diag,
               const Prog* where) {
  PtrMap m;
  if (sym == nullptr) return m;
  m.symbol = elf_symbol_name(*sym, unit.pkgpath);
  constexpr std::string_view kArgsStackmap = ".args_stackmap";
  const std::string_view name = sym->name;
  if (name.size() == fn.name.size() + kArgsStackmap.size() && name.starts_with(fn.name) &&
      name.ends_with(kArgsStackmap)) {  // fn.name + ".args_stackmap", without building it
    m.kind = PtrMapKind::GoDeclaration;
  } else if (sym->defined || sym->on_list) {
    if (std::string why = read_stackmap(*sym, m); !why.empty()) {
      diag.stage_error(unit.file_name(where->pos), where->pos.line, why);
    }
  } else {
    m.kind = PtrMapKind::External;
  }
  return m;
}

void put_at(std::vector<uint8_t>& out, size_t off, uint32_t v) { std::memcpy(out.data() + off, &v, 4); }

// Blob header and record layout (docs/functab.md). All fields little-endian.
constexpr uint32_t kMagic = 0x54465347;  // "GSFT"
constexpr uint32_t kVersion = 2;  // 2: the PCDATA_StackMapIndex table after the call sites
constexpr size_t kHeaderSize = 64;

struct Reader {
  const uint8_t* p;
  size_t n;
  bool ok = true;
  template <class T>
  T at(size_t off) {
    T v{};
    if (off + sizeof(T) > n) {
      ok = false;
      return v;
    }
    std::memcpy(&v, p + off, sizeof(T));
    return v;
  }
  std::string str(size_t off) {
    if (off >= n) {
      ok = false;
      return "";
    }
    const void* end = std::memchr(p + off, 0, n - off);
    if (end == nullptr) {
      ok = false;
      return "";
    }
    return std::string(reinterpret_cast<const char*>(p + off));
  }
};

}  // namespace

int32_t FuncEntry::sp_delta(uint32_t pc) const {
  auto it = std::upper_bound(pcsp.begin(), pcsp.end(), pc,
                             [](uint32_t v, const SpRun& r) { return v < r.pc; });
  if (it == pcsp.begin() || pc >= size) return 0;
  return std::prev(it)->sp;
}

const LineRun* FuncEntry::line_at(uint32_t pc) const {
  auto it = std::upper_bound(pcline.begin(), pcline.end(), pc,
                             [](uint32_t v, const LineRun& r) { return v < r.pc; });
  if (it == pcline.begin() || pc >= size) return nullptr;
  return &*std::prev(it);
}

int32_t FuncEntry::stackmap_index_at(uint32_t pc) const {
  auto it = std::upper_bound(stackmap_index.begin(), stackmap_index.end(), pc,
                             [](uint32_t v, const PcValue& r) { return v < r.pc; });
  if (it == stackmap_index.begin() || pc >= size) return -1;
  return std::prev(it)->value;
}

bool FuncEntry::bp_saved_at(uint32_t pc) const {
  for (size_t i = 0; i + 1 < bp_saved.size(); i += 2) {
    if (pc >= bp_saved[i] && pc < bp_saved[i + 1]) return true;
  }
  return false;
}

void FuncTable::sort_by_entry() {
  std::stable_sort(funcs.begin(), funcs.end(),
                   [](const FuncEntry& a, const FuncEntry& b) { return a.entry < b.entry; });
}

const FuncEntry* FuncTable::lookup(uint64_t pc) const {
  auto it = std::upper_bound(funcs.begin(), funcs.end(), pc,
                             [](uint64_t v, const FuncEntry& f) { return v < f.entry; });
  if (it == funcs.begin()) return nullptr;
  const FuncEntry& f = *std::prev(it);
  return pc - f.entry < f.size ? &f : nullptr;
}

// The line tracebacks report: the one a #line directive gives, as in Go's pc-line tables.
static int32_t line_of(const Unit& unit, const Pos& pos) { return static_cast<int32_t>(unit.rel_line(pos)); }

FuncTable build(const Unit& unit, Diag& diag) {
  FuncTable t;
  t.files.reserve(unit.files.size());
  for (const PosBase& b : unit.files) t.files.push_back(b.name);
  t.funcs.reserve(unit.text.size());
  for (const Symbol* s : unit.text) {
    if (!s->func || s->func->text == nullptr) continue;
    const FuncInfo& fi = *s->func;
    FuncEntry& f = t.funcs.emplace_back();  // filled in place (an entry is large to move)
    f.name = elf_symbol_name(*s, unit.pkgpath);
    f.sym = s;
    f.size = static_cast<uint32_t>(s->p.size());
    // Instructions average about 4 bytes, and most start a line run: room for them at
    // once instead of growing the vector step by step. A frame's SP runs (prologue,
    // epilogues, the code after them) are a handful.
    f.pcline.reserve(f.size / 4 + 1);
    f.pcsp.reserve(8);
    f.args = fi.args;
    f.frame = fi.locals;
    f.flags = static_cast<uint32_t>(fi.textflags & 0xffff);
    if (s->abi == Abi::AbiInternal) f.flags |= kFlagAbiInternal;
    if (fi.spwrite) f.flags |= kFlagSpWrite;
    if (s->nosplit) f.flags |= kFlagNoSplitEff;
    if (fi.topframe) f.flags |= textflag::kTopFrame;
    f.funcid = fi.funcid;
    f.decl_file = fi.text->pos.file;
    f.decl_line = line_of(unit, fi.text->pos);

    // SP delta in effect at each instruction: the sum of the spadj of every instruction
    // before it (an instruction's own adjustment takes effect after it, as in Go's
    // pctospadj). The caller's BP is saved from the instruction after the prologue's
    // `MOVQ BP, (sp-8)(SP)` until the epilogue's `MOVQ (sp-8)(SP), BP`.
    int32_t sp = 0;
    // The SP delta of the last SP run, kept here rather than read back from the vector
    // (INT64_MIN: no run yet).
    int64_t run_sp = INT64_MIN;
    // The position of the last line run's check, as its 8 bytes: one compare per instruction.
    uint64_t last_pos = std::bit_cast<uint64_t>(Pos{UINT32_MAX, 0});
    // The last position base seen without a #line directive, whose lines are the physical
    // ones (Unit::rel_line's first case, without the call): UINT32_MAX before any.
    uint32_t plain_file = UINT32_MAX;
    bool bp_saved = false, after_ret = false;
    int32_t save_sp = 0;  // SP delta where the prologue saved BP
    const Prog* first = fi.text->link;
    for (const Prog* p = first; p != nullptr; p = p->link) {
      uint32_t pc = static_cast<uint32_t>(p->pc), next = end_pc(p, f.size);
      if (next > pc) {
        // Code after a RET is reached by a branch; it runs inside the full frame (BP
        // saved) if its SP delta is the one the save happened at.
        if (after_ret && !bp_saved && !f.bp_saved.empty() && sp == save_sp) {
          f.bp_saved.push_back(pc);
          bp_saved = true;
        }
        after_ret = false;
        if (sp != run_sp) {
          f.pcsp.push_back({pc, sp});
          run_sp = sp;
        }
        // Most instructions stay on the file and line base of the one before: only a new
        // position (or base) needs its line computed and compared.
        if (std::bit_cast<uint64_t>(p->pos) != last_pos) {
          last_pos = std::bit_cast<uint64_t>(p->pos);
          const uint32_t file = p->pos.file;
          if (file != plain_file && file < unit.files.size() && unit.files[file].outer < 0) {
            plain_file = file;
          }
          const LineRun lr{pc, file, file == plain_file ? p->pos.line : line_of(unit, p->pos)};
          if (f.pcline.empty() || f.pcline.back().line != lr.line || f.pcline.back().file != lr.file) {
            f.pcline.push_back(lr);
          }
        }
      }
      switch (p->as) {
        case Op::MOVQ:
          if (sp > 0 && is_reg(p->from, reg::BP) && is_sp_slot(p->to, sp - 8) && !bp_saved) {
            if (f.bp_saved.empty()) f.bp_saved.reserve(4);  // save, restore, [again,] end
            f.bp_saved.push_back(next);
            bp_saved = true;
            save_sp = sp;
          } else if (bp_saved && is_sp_slot(p->from, sp - 8) && is_reg(p->to, reg::BP)) {
            f.bp_saved.push_back(next);
            bp_saved = false;
          }
          break;
        case Op::RET:
          after_ret = true;
          break;
        case Op::FUNCDATA:
          if (p->from.type != AddrType::Const) break;
          if (p->from.offset == kFuncdataArgs) f.args_map = ptr_map(unit, *s, p->to.sym, diag, p);
          if (p->from.offset == kFuncdataLocals) f.locals_map = ptr_map(unit, *s, p->to.sym, diag, p);
          break;
        case Op::PCDATA:
          // PCDATA takes no bytes: its value holds from the next instruction (p->pc) on.
          if (p->from.type == AddrType::Const && p->from.offset == kPcdataStackMapIndex) {
            auto value = static_cast<int32_t>(p->to.offset);
            auto& runs = f.stackmap_index;
            if (!runs.empty() && runs.back().pc == p->pc) runs.pop_back();
            int32_t before = runs.empty() ? -1 : runs.back().value;
            if (value != before) runs.push_back({static_cast<uint32_t>(p->pc), value});
          }
          break;
        default:
          break;
      }
      sp += p->spadj;
    }
    if (bp_saved) f.bp_saved.push_back(f.size);
    // The call sites, one per call relocation, counted first for one allocation.
    const auto is_call = [](const Reloc& r) {
      return (r.type == RelocType::Call && r.sym != nullptr) || r.type == RelocType::CallInd;
    };
    f.calls.reserve(static_cast<size_t>(std::count_if(s->r.begin(), s->r.end(), is_call)));
    for (const Reloc& r : s->r) {
      if (r.type == RelocType::Call && r.sym != nullptr) {
        f.calls.push_back({static_cast<uint32_t>(r.off), elf_symbol_name(*r.sym, unit.pkgpath),
                           r.sym->abi == Abi::AbiInternal});
      } else if (r.type == RelocType::CallInd) {
        f.calls.push_back({static_cast<uint32_t>(r.off), ""});
      }
    }
  }
  return t;
}

// ---- serialization ---------------------------------------------------------------------
//
// One blob per function (so each can sit in its function's COMDAT group):
//   header (64 bytes):
//     0  u32 magic "GSFT"      4  u32 version        8  u32 total size (multiple of 8)
//     12 i32 entry, PC-relative to this field (entry = address of field + value)
//     16 u32 size   20 i32 args   24 i32 frame   28 u32 flags
//     32 u8 funcid  33 u8 args kind  34 u8 locals kind  35 u8 reserved
//     36 u32 name offset (strings)
//     40 u32 pcsp offset, 44 u32 pcsp count       (u32 pc, i32 sp) pairs
//     48 u32 line offset, 52 u32 line count       (u32 pc, u32 file string offset, i32 line)
//     56 u32 bp offset,   60 u32 bp count         u32 pcs, pairs [a,b)
//   then the three arrays; the args and locals maps, each a u32 symbol-name string offset
//   followed, for kinds Bitmap and NoPointers only, by i32 count, i32 nbit and the bytes
//   padded to 4; the call sites (u32 count, then u32 pc and u32 target string offset,
//   0xffffffff for indirect); the PCDATA_StackMapIndex runs (u32 count, then u32 pc and
//   i32 value); the NUL-terminated strings; zero padding to 8.

namespace {

// The string area at the end of a blob: each distinct string once, NUL-terminated, in
// first-use order, appended to the blob (which starts at `base` in its buffer; offsets are
// the blob's). A blob has a handful of strings, found by a linear search; past 16 a hash
// index takes over (a function calling thousands of others).
class StringArea {
 public:
  StringArea(std::vector<uint8_t>& buffer, size_t base) : bytes_(buffer), base_(base) {}
  // The offset of s in the blob; s must outlive the area.
  uint32_t add(std::string_view s) {
    if (index_.empty()) {
      for (size_t i = 0; i < nseen_; ++i) {
        if (seen_[i].text() == s) return seen_[i].off;
      }
      if (nseen_ < kLinear) {
        seen_[nseen_] = {s.data(), s.size(), append(s)};
        return seen_[nseen_++].off;
      }
      for (const Seen& e : seen_) index_.emplace(e.text(), e.off);
    }
    auto [it, fresh] = index_.try_emplace(s, static_cast<uint32_t>(bytes_.size() - base_));
    if (fresh) append(s);
    return it->second;
  }

 private:
  uint32_t append(std::string_view s) {
    const auto off = static_cast<uint32_t>(bytes_.size() - base_);
    // As bytes (char to uint8_t would be copied one by one rather than by memcpy).
    const auto* b = reinterpret_cast<const uint8_t*>(s.data());
    bytes_.insert(bytes_.end(), b, b + s.size());
    bytes_.push_back(0);
    return off;
  }
  std::vector<uint8_t>& bytes_;
  size_t base_;
  // The strings so far while there are few: the first nseen_ entries are set. Plain members
  // with no initialisers, so that the array is not cleared for every blob.
  static constexpr size_t kLinear = 16;
  struct Seen {
    const char* data;
    size_t size;
    uint32_t off;
    std::string_view text() const { return {data, size}; }
  };
  Seen seen_[kLinear];
  size_t nseen_ = 0;
  std::unordered_map<std::string_view, uint32_t> index_;
};

bool has_bitmap(const PtrMap& m) { return m.kind == PtrMapKind::Bitmap || m.kind == PtrMapKind::NoPointers; }

}  // namespace

void serialize(const FuncTable& table, const FuncEntry& fn, std::vector<uint8_t>& out,
               uint32_t* entry_field) {
  // Everything before the strings has a size known up front: it is written in place while
  // the strings are appended after it.
  size_t fixed = kHeaderSize + 8 * fn.pcsp.size() + 12 * fn.pcline.size() + 4 * fn.bp_saved.size();
  for (const PtrMap* m : {&fn.args_map, &fn.locals_map}) {
    fixed += 4;
    if (has_bitmap(*m)) fixed += 8 + (m->bits.size() + 3) / 4 * 4;
  }
  fixed += 4 + 8 * fn.calls.size() + 4 + 8 * fn.stackmap_index.size();
  // The blob goes at the buffer's end; `at` and every offset written are the blob's own.
  const size_t base = out.size();
  reserve_more(out, fixed + fn.name.size() + 256);
  out.resize(base + fixed, 0);
  StringArea strings(out, base);
  size_t at = 0;
  auto put32 = [&](uint32_t v) {
    put_at(out, base + at, v);
    at += 4;
  };
  auto put_str = [&](std::string_view s) { put32(strings.add(s)); };

  put32(kMagic);
  put32(kVersion);
  put32(0);  // total size, below
  put32(0);  // entry, relocated
  put32(fn.size);
  put32(static_cast<uint32_t>(fn.args));
  put32(static_cast<uint32_t>(fn.frame));
  put32(fn.flags);
  out[base + 32] = fn.funcid;
  out[base + 33] = static_cast<uint8_t>(fn.args_map.kind);
  out[base + 34] = static_cast<uint8_t>(fn.locals_map.kind);
  at = 36;
  put_str(fn.name);
  const size_t arrays_at = kHeaderSize;
  at = arrays_at;
  for (const SpRun& r : fn.pcsp) {
    put32(r.pc);
    put32(static_cast<uint32_t>(r.sp));
  }
  const size_t lines_at = at;
  // Every line run names a file, nearly always the one the run before named: the area is
  // asked again only when the file changes (it gives a file the offset it gave before).
  // Each row is the run itself with the file's string offset in place of its index: one
  // 12-byte copy (the blob is little-endian, as the host) and one field rewritten.
  static_assert(sizeof(LineRun) == 12 && std::endian::native == std::endian::little);
  uint32_t last_file = UINT32_MAX, last_off = 0;
  const size_t nfiles = table.files.size();
  for (const LineRun& r : fn.pcline) {
    uint32_t off;
    if (r.file >= nfiles) {
      off = strings.add("?");  // a file the table does not name (only a hand-built entry)
    } else if (r.file == last_file) {
      off = last_off;
    } else {
      last_file = r.file;
      off = last_off = strings.add(table.files[r.file]);
    }
    // Read the buffer's address after the area may have grown it.
    uint8_t* row = out.data() + base + at;
    std::memcpy(row, &r, 12);
    std::memcpy(row + 4, &off, 4);
    at += 12;
  }
  const size_t bp_at = at;
  for (uint32_t pc : fn.bp_saved) put32(pc);
  for (const PtrMap* m : {&fn.args_map, &fn.locals_map}) {
    put_str(m->symbol);
    if (!has_bitmap(*m)) continue;
    put32(static_cast<uint32_t>(m->count));
    put32(static_cast<uint32_t>(m->nbit));
    if (!m->bits.empty()) std::memcpy(out.data() + base + at, m->bits.data(), m->bits.size());
    at += (m->bits.size() + 3) / 4 * 4;
  }
  put32(static_cast<uint32_t>(fn.calls.size()));
  for (const Call& c : fn.calls) {
    put32(c.pc);
    if (c.target.empty()) {
      put32(0xffffffffu);
    } else {
      put_str(c.target);
    }
  }
  put32(static_cast<uint32_t>(fn.stackmap_index.size()));
  for (const PcValue& v : fn.stackmap_index) {
    put32(v.pc);
    put32(static_cast<uint32_t>(v.value));
  }
  // The array headers.
  put_at(out, base + 40, static_cast<uint32_t>(arrays_at));
  put_at(out, base + 44, static_cast<uint32_t>(fn.pcsp.size()));
  put_at(out, base + 48, static_cast<uint32_t>(lines_at));
  put_at(out, base + 52, static_cast<uint32_t>(fn.pcline.size()));
  put_at(out, base + 56, static_cast<uint32_t>(bp_at));
  put_at(out, base + 60, static_cast<uint32_t>(fn.bp_saved.size()));
  const size_t total = (out.size() - base + 7) / 8 * 8;
  out.resize(base + total, 0);
  put_at(out, base + 8, static_cast<uint32_t>(total));
  if (entry_field != nullptr) *entry_field = 12;
}

bool deserialize(const uint8_t* data, size_t size, uint64_t base, FuncTable& out) {
  std::unordered_map<std::string, uint32_t> file_index;
  for (uint32_t i = 0; i < out.files.size(); ++i) file_index.emplace(out.files[i], i);
  size_t pos = 0;
  while (pos < size) {
    if (size - pos < 4 || (size - pos >= 4 && Reader{data + pos, size - pos}.at<uint32_t>(0) == 0)) {
      pos += 4;  // alignment padding between objects' sections
      continue;
    }
    Reader r{data + pos, size - pos};
    uint32_t total = r.at<uint32_t>(8);
    if (r.at<uint32_t>(0) != kMagic || r.at<uint32_t>(4) != kVersion || total < kHeaderSize ||
        total > size - pos) {
      return false;
    }
    r.n = total;
    FuncEntry f;
    f.entry = base + pos + 12 + static_cast<int64_t>(r.at<int32_t>(12));
    f.size = r.at<uint32_t>(16);
    f.args = r.at<int32_t>(20);
    f.frame = r.at<int32_t>(24);
    f.flags = r.at<uint32_t>(28);
    f.funcid = r.at<uint8_t>(32);
    f.args_map.kind = static_cast<PtrMapKind>(r.at<uint8_t>(33));
    f.locals_map.kind = static_cast<PtrMapKind>(r.at<uint8_t>(34));
    f.name = r.str(r.at<uint32_t>(36));
    size_t off = r.at<uint32_t>(40);
    uint32_t n = r.at<uint32_t>(44);
    if (n > total / 8) return false;
    for (uint32_t i = 0; i < n; ++i, off += 8) f.pcsp.push_back({r.at<uint32_t>(off), r.at<int32_t>(off + 4)});
    off = r.at<uint32_t>(48);
    n = r.at<uint32_t>(52);
    if (n > total / 12) return false;
    for (uint32_t i = 0; i < n; ++i, off += 12) {
      std::string file = r.str(r.at<uint32_t>(off + 4));
      auto [it, fresh] = file_index.try_emplace(file, static_cast<uint32_t>(out.files.size()));
      if (fresh) out.files.push_back(file);
      f.pcline.push_back({r.at<uint32_t>(off), it->second, r.at<int32_t>(off + 8)});
    }
    off = r.at<uint32_t>(56);
    n = r.at<uint32_t>(60);
    if (n > total / 4) return false;
    for (uint32_t i = 0; i < n; ++i, off += 4) f.bp_saved.push_back(r.at<uint32_t>(off));
    for (PtrMap* m : {&f.args_map, &f.locals_map}) {
      m->symbol = r.str(r.at<uint32_t>(off));
      off += 4;
      if (m->kind != PtrMapKind::Bitmap && m->kind != PtrMapKind::NoPointers) continue;
      m->count = r.at<int32_t>(off);
      m->nbit = r.at<int32_t>(off + 4);
      off += 8;
      if (m->count < 0 || m->nbit < 0) return false;
      size_t bytes = static_cast<size_t>(m->count) * ((static_cast<size_t>(m->nbit) + 7) / 8);
      if (bytes > total || off + bytes > total) return false;
      m->bits.assign(data + pos + off, data + pos + off + bytes);
      off = (off + bytes + 3) / 4 * 4;
    }
    n = r.at<uint32_t>(off);
    off += 4;
    if (n > total / 8) return false;
    for (uint32_t i = 0; i < n; ++i, off += 8) {
      uint32_t target = r.at<uint32_t>(off + 4);
      f.calls.push_back({r.at<uint32_t>(off), target == 0xffffffffu ? "" : r.str(target)});
    }
    n = r.at<uint32_t>(off);
    off += 4;
    if (n > total / 8) return false;
    for (uint32_t i = 0; i < n; ++i, off += 8) f.stackmap_index.push_back({r.at<uint32_t>(off), r.at<int32_t>(off + 4)});
    if (!r.ok) return false;
    out.funcs.push_back(std::move(f));
    pos += total;
  }
  return true;
}

}  // namespace gostack::functab
