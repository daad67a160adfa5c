// Writes an assembled Unit as an ELF64 x86-64 relocatable object (see docs/object-format.md).
#include "object/elf_writer.h"

#include <elf.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <bit>
#include <cstring>
#include <deque>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include "core/hash.h"
#include "functab/cfi.h"
#include "functab/functab.h"

namespace gostack {
namespace {

// One output section before layout. Index 0 of the table is the null section.
struct Section {
  // The name is lead + base, both views of text that lives as long as the Writer: literals,
  // and the symbol names Writer::defined_ views (the function table's, Writer::own_names_).
  std::string_view lead, base;
  uint32_t type = SHT_NULL;
  uint64_t flags = 0;
  uint64_t align = 1;
  uint64_t entsize = 0;
  uint32_t link = 0;
  uint32_t info = 0;
  std::vector<uint8_t> bytes;  // contents built here (tables, relocations)
  // Or (borrowing) contents that stay where they are: a symbol's bytes, zero-padded to `size`.
  bool borrowing = false;
  std::span<const uint8_t> borrowed;
  uint64_t size = 0;  // when borrowing, and of an SHT_NOBITS section
  // A name made of literals that many sections share (a function's table sections and
  // their relocations): layout() finds its string by the literals' addresses.
  bool literal_name = false;

  uint64_t sh_size() const { return borrowing || type == SHT_NOBITS ? size : bytes.size(); }
  uint64_t file_size() const { return type == SHT_NOBITS ? 0 : sh_size(); }
};

// A string table under construction: offset 0 is the empty string, each other string is
// stored once. Its index is open addressing over (offset, length) pairs of the table itself.
class StrTab {
 public:
  // Room for `expected` strings of a usual length at once.
  explicit StrTab(size_t expected) : bytes_(1, 0) {
    slots_.resize(std::bit_ceil(2 * expected + 16));
    bytes_.reserve(32 * expected + 64);
  }
  uint32_t add(std::string_view s) {
    if (s.empty()) return 0;
    if (2 * (used_ + 1) > slots_.size()) grow();
    Slot& slot = find(s);
    if (slot.off == 0) {
      slot = {static_cast<uint32_t>(bytes_.size()), static_cast<uint32_t>(s.size())};
      ++used_;
      // As bytes (char to uint8_t would be copied one by one rather than by memcpy).
      const auto* b = reinterpret_cast<const uint8_t*>(s.data());
      bytes_.insert(bytes_.end(), b, b + s.size());
      bytes_.push_back(0);
    }
    return slot.off;
  }
  std::vector<uint8_t> take() { return std::move(bytes_); }

 private:
  struct Slot {
    uint32_t off = 0, len = 0;  // off 0: empty
  };
  std::string_view text(const Slot& e) const {
    return {reinterpret_cast<const char*>(bytes_.data()) + e.off, e.len};
  }
  // The slot holding s, or the empty slot where it would go.
  Slot& find(std::string_view s) {
    const size_t mask = slots_.size() - 1;
    for (size_t i = NameHash{}(s) & mask;; i = (i + 1) & mask) {
      Slot& e = slots_[i];
      if (e.off == 0 || (e.len == s.size() && text(e) == s)) return e;
    }
  }
  void grow() {
    std::vector<Slot> old(2 * slots_.size());
    old.swap(slots_);
    for (const Slot& e : old) {
      if (e.off != 0) find(text(e)) = e;
    }
  }

  std::vector<uint8_t> bytes_;
  std::vector<Slot> slots_;
  size_t used_ = 0;
};

// Symbols are at least 8-byte aligned: drop those bits, then mix (Fibonacci hashing).
struct PointerHash {
  size_t operator()(const Symbol* s) const {
    return static_cast<size_t>((reinterpret_cast<uintptr_t>(s) >> 3) * 0x9E3779B97F4A7C15ull >> 32);
  }
};
using SymIndex = FlatIndex<const Symbol*, PointerHash>;  // Go symbol -> ELF symbol index
using NameIndex = FlatIndex<std::string_view, NameHash>;

template <class T>
void append_pod(std::vector<uint8_t>& out, const T& v) {
  const auto* p = reinterpret_cast<const uint8_t*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}

// How one Go relocation becomes an ELF RELA entry.
struct ElfReloc {
  uint32_t type;
  int64_t addend;
};

// Go's linker resolves R_CALL/R_PCREL/R_GOTPCREL as target + add - (field + siz);
// ELF's PC-relative kinds compute S + A - field, so A = add - siz.
// R_TLS_LE/R_TLS_IE keep Go's addend (the encoder already folded -4 into R_TLS_IE).
// A 4-byte R_ADDR in code is a sign-extended disp32/imm32 (R_X86_64_32S); in data it is a
// stored 32-bit address, zero-extended when read (R_X86_64_32).
std::optional<ElfReloc> map_reloc(const Reloc& r, bool in_text, std::string& why) {
  switch (r.type) {
    case RelocType::Call:
      if (r.siz == 4) return ElfReloc{R_X86_64_PLT32, r.add - 4};
      break;
    case RelocType::PCRel:
      if (r.siz == 4) return ElfReloc{R_X86_64_PC32, r.add - 4};
      break;
    case RelocType::GotPCRel:
      if (r.siz == 4) return ElfReloc{R_X86_64_GOTPCREL, r.add - 4};
      break;
    case RelocType::Addr:
      if (r.siz == 8) return ElfReloc{R_X86_64_64, r.add};
      if (r.siz == 4) return ElfReloc{in_text ? uint32_t{R_X86_64_32S} : uint32_t{R_X86_64_32}, r.add};
      break;
    case RelocType::TLS_LE:
      if (r.siz == 4) return ElfReloc{R_X86_64_TPOFF32, r.add};
      break;
    case RelocType::TLS_IE:
      if (r.siz == 4) return ElfReloc{R_X86_64_GOTTPOFF, r.add};
      break;
    default:
      why = "relocation type " + std::to_string(static_cast<int>(r.type)) +
            " has no ELF x86-64 equivalent";
      return std::nullopt;
  }
  why = "relocation type " + std::to_string(static_cast<int>(r.type)) + " with size " +
        std::to_string(r.siz) + " has no ELF x86-64 equivalent";
  return std::nullopt;
}

bool is_tls_reloc(RelocType t) { return t == RelocType::TLS_LE || t == RelocType::TLS_IE; }

// Relocations that only mark something for Go's linker and patch no bytes.
bool is_marker(const Reloc& r) { return r.type == RelocType::CallInd || r.siz == 0; }

// Where a defined symbol goes: section name prefix, type, flags, and ELF symbol type.
struct Placement {
  const char* prefix;       // of the section's name
  const char* rela_prefix;  // of its relocation section's name: ".rela" + prefix
  uint32_t type;
  uint64_t flags;
  uint8_t st_type;
};

Placement place(const Symbol& s) {
  bool has_bytes = !s.p.empty();
  switch (s.kind) {
    case SymKind::Text:
      return {".text.", ".rela.text.", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, STT_FUNC};
    case SymKind::RoData:
      // Read-only data holding addresses needs load-time relocation in a PIE; like C
      // compilers, put it where the dynamic linker may write before making it read-only.
      if (!s.r.empty()) return {".data.rel.ro.", ".rela.data.rel.ro.", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, STT_OBJECT};
      return {".rodata.", ".rela.rodata.", SHT_PROGBITS, SHF_ALLOC, STT_OBJECT};
    case SymKind::NoPtrData:
      return {".noptrdata.", ".rela.noptrdata.", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, STT_OBJECT};
    case SymKind::NoPtrBss:
      // DATA on a symbol makes it initialised data, as in Go.
      if (has_bytes) return {".noptrdata.", ".rela.noptrdata.", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, STT_OBJECT};
      return {".noptrbss.", ".rela.noptrbss.", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, STT_OBJECT};
    case SymKind::Bss:
      if (has_bytes) return {".data.", ".rela.data.", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, STT_OBJECT};
      return {".bss.", ".rela.bss.", SHT_NOBITS, SHF_ALLOC | SHF_WRITE, STT_OBJECT};
    case SymKind::TlsBss:
      return {".tbss.", ".rela.tbss.", SHT_NOBITS, SHF_ALLOC | SHF_WRITE | SHF_TLS, STT_TLS};
    case SymKind::Data:
    case SymKind::None:
      break;
  }
  return {".data.", ".rela.data.", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, STT_OBJECT};
}

class Writer {
 public:
  Writer(const Unit& unit, Diag& diag, const functab::FuncTable* table)
      : unit_(unit), diag_(diag), functab_(table) {}

  bool run(std::vector<uint8_t>& out);

 private:
  struct Defined {
    const Symbol* sym;
    std::string_view name;  // a function table entry's, or one of own_names_
    uint32_t group = 0;  // COMDAT group section index, 0 if none
    uint32_t section = 0;
    uint32_t rela = 0;
    Placement where;
    // A TEXT symbol's function table and .eh_frame sections (docs/functab.md): each has one
    // 32-bit PC-relative field relocated against the function.
    struct Aux {
      uint32_t section, rela, field;
    };
    std::array<Aux, 2> aux_at{};  // at most the two tables: no allocation
    size_t naux = 0;
    std::span<const Aux> aux() const { return {aux_at.data(), naux}; }
  };

  void error(const std::string& msg) {
    diag_.error(msg);
    ok_ = false;
  }
  // Appends a section (made in place: a Section is large to build and move) and returns
  // its index; sections_[index] sets the rest.
  uint32_t add_section(std::string_view lead, uint32_t type, uint64_t flags = 0,
                       uint64_t align = 1, uint64_t entsize = 0, uint32_t link = 0,
                       uint32_t info = 0) {
    Section& s = sections_.emplace_back();
    s.lead = lead;
    s.type = type;
    s.flags = flags;
    s.align = align;
    s.entsize = entsize;
    s.link = link;
    s.info = info;
    return static_cast<uint32_t>(sections_.size() - 1);
  }
  std::string_view name_of(const Symbol& s);
  void plan_sections();
  void add_function_tables(Defined& d, uint64_t group_flag);
  void build_symtab();
  void fill_relocs();
  void fill_groups();
  std::vector<uint8_t> layout();
  Elf64_Ehdr elf_header(uint64_t shoff) const;

  const Unit& unit_;
  Diag& diag_;
  bool ok_ = true;
  std::vector<Section> sections_{1};
  std::vector<Defined> defined_;
  std::deque<std::string> own_names_;  // the names of defined symbols other than functions
  SymIndex symindex_;  // Go symbol -> ELF symbol index
  std::vector<Elf64_Rela> relas_;  // every relocation section's entries (fill_relocs)
  // Every function's gostack_functab record and .eh_frame fragment, one after another, and
  // where each section's starts (add_function_tables).
  std::vector<uint8_t> tables_;
  struct TableRange {
    uint32_t section;
    size_t begin;
  };
  std::vector<TableRange> table_ranges_;
  size_t next_func_ = 0;  // add_function_tables: the FuncEntry expected next
  uint32_t tls_g_index_ = 0;
  uint32_t symtab_ = 0, strtab_ = 0, shstrtab_ = 0;
  const functab::FuncTable* functab_;  // the caller's, or own_functab_
  functab::FuncTable own_functab_;
};

// A defined symbol's ELF name. A function's is its table entry's (functab::build makes the
// entries in the order of unit.text, and add_function_tables takes the same one next);
// any other name is made here and kept.
std::string_view Writer::name_of(const Symbol& s) {
  const auto& funcs = functab_->funcs;
  if (next_func_ < funcs.size() && funcs[next_func_].sym == &s) return funcs[next_func_].name;
  return own_names_.emplace_back(elf_symbol_name(s, unit_.pkgpath));
}

// Allocates, for every defined symbol in source order: [COMDAT group], its section,
// [its .rela section]. The group precedes its members, as the ELF spec requires.
void Writer::plan_sections() {
  strtab_ = add_section(".strtab", SHT_STRTAB);
  symtab_ = add_section(".symtab", SHT_SYMTAB, 0, 8, sizeof(Elf64_Sym), strtab_);
  add_section(".note.GNU-stack", SHT_PROGBITS);  // non-executable stack

  std::vector<const Symbol*> syms(unit_.text.begin(), unit_.text.end());
  syms.insert(syms.end(), unit_.data.begin(), unit_.data.end());
  size_t first_const = syms.size();
  syms.insert(syms.end(), unit_.const_syms.begin(), unit_.const_syms.end());
  // At most: group, section and relocations per symbol, two tables with theirs per function.
  sections_.reserve(sections_.size() + 3 * syms.size() + 4 * unit_.text.size() + 1);
  defined_.reserve(syms.size());
  table_ranges_.reserve(2 * unit_.text.size());
  // Room for every function's tables at once, so that tables_ is not copied as it grows: a
  // record takes its fixed part, arrays and strings; a CFI fragment under 64 bytes plus 16
  // per change (a guess past which the buffer still grows, geometrically).
  size_t tables = 0;
  for (const functab::FuncEntry& f : functab_->funcs) {
    tables += 64 + 24 * f.pcsp.size() + 12 * f.pcline.size() + 20 * f.bp_saved.size() +
              24 * f.calls.size() + f.name.size() + f.args_map.symbol.size() +
              f.locals_map.symbol.size() + 256;
  }
  tables_.reserve(tables);
  for (size_t i = 0; i < syms.size(); ++i) {
    const Symbol* s = syms[i];
    Defined& d = defined_.emplace_back(Defined{s, name_of(*s), 0, 0, 0, place(*s), {}, 0});
    if (std::string why = s->kind == SymKind::Text ? "" : data_size_problem(*s); !why.empty()) {
      error(std::string(d.name) + ": " + why);
      defined_.pop_back();
      continue;
    }
    // Float constants ($f64.<bits>) are content-addressed: every object may carry a copy.
    bool comdat = (s->dupok || i >= first_const) && !s->is_static;
    if (comdat) {
      d.group = add_section(".group", SHT_GROUP, 0, 4, 4, symtab_);
    }
    uint64_t group_flag = comdat ? SHF_GROUP : 0;
    d.section = add_section(d.where.prefix, d.where.type, d.where.flags | group_flag);
    Section& sec = sections_[d.section];
    sec.base = d.name;
    if (s->kind == SymKind::Text) {
      sec.align = 32;  // Go's function alignment on amd64
      sec.borrowing = true;
      sec.borrowed = s->p;
      sec.size = s->p.size();
    } else {
      sec.align = go_data_align(s->size);
      sec.borrowing = sec.type != SHT_NOBITS;
      if (sec.borrowing) sec.borrowed = s->p;
      sec.size = static_cast<uint64_t>(s->size);  // DATA zero-padded to the GLOBL size
    }
    bool has_rela = std::any_of(s->r.begin(), s->r.end(), [](const Reloc& r) { return !is_marker(r); });
    if (has_rela) {
      d.rela = add_section(d.where.rela_prefix, SHT_RELA, SHF_INFO_LINK | group_flag, 8,
                           sizeof(Elf64_Rela), symtab_, d.section);
      sections_[d.rela].base = d.name;
    }
    if (s->kind == SymKind::Text) add_function_tables(d, group_flag);
  }
  shstrtab_ = add_section(".shstrtab", SHT_STRTAB);
  // tables_ is complete and stays put from here on.
  for (const auto& [at, begin] : table_ranges_) {
    Section& sec = sections_[at];
    sec.borrowed = std::span(tables_.data() + begin, sec.size);
  }
}

// The function's gostack_functab record and its .eh_frame CIE+FDE, in the function's
// COMDAT group if it has one (so a discarded copy takes its tables along).
void Writer::add_function_tables(Defined& d, uint64_t group_flag) {
  // functab::build makes the entries in the order of unit.text: try the next one first.
  const auto& funcs = functab_->funcs;
  auto it = next_func_ < funcs.size() && funcs[next_func_].sym == d.sym
                ? funcs.begin() + static_cast<std::ptrdiff_t>(next_func_)
                : std::find_if(funcs.begin(), funcs.end(), [&](const functab::FuncEntry& f) { return f.name == d.name; });
  if (it == funcs.end()) return;
  next_func_ = static_cast<size_t>(it - funcs.begin()) + 1;
  // Each table is appended to tables_, which its section borrows once every table is in
  // (plan_sections; the buffer may still move until then).
  auto add = [&](const char* name, uint32_t type, size_t begin, uint32_t field) {
    const uint32_t at = add_section(name, type, SHF_ALLOC | group_flag, 8);
    Section& sec = sections_[at];
    sec.borrowing = true;
    sec.size = tables_.size() - begin;
    sec.literal_name = true;
    table_ranges_.push_back({at, begin});
    const uint32_t rela = add_section(".rela", SHT_RELA, SHF_INFO_LINK | group_flag, 8,
                                      sizeof(Elf64_Rela), symtab_, at);
    sections_[rela].base = name;
    sections_[rela].literal_name = true;
    d.aux_at[d.naux++] = {at, rela, field};
  };
  uint32_t field = 0;
  size_t begin = tables_.size();
  functab::serialize(*functab_, *it, tables_, &field);
  add(functab::kSectionName, SHT_PROGBITS, begin, field);
  if (it->size > 0) {
    begin = tables_.size();
    functab::eh_frame(*it, tables_, &field);
    add(".eh_frame", SHT_X86_64_UNWIND, begin, field);
  }
}

// Symbol table: null, the source file, file-local symbols, then globals (defined, then
// undefined references in first-use order). ELF wants every local before the first global.
void Writer::build_symtab() {
  StrTab names(defined_.size() + 16);
  std::vector<Elf64_Sym> syms(1, Elf64_Sym{});
  syms.reserve(defined_.size() + 16);
  symindex_.reserve(2 * defined_.size() + 16);
  auto push = [&](std::string_view name, uint8_t bind, uint8_t type, uint16_t shndx,
                  uint64_t size) {
    Elf64_Sym e{};
    e.st_name = names.add(name);
    e.st_info = ELF64_ST_INFO(bind, type);
    e.st_shndx = shndx;
    e.st_size = size;
    syms.push_back(e);
    return static_cast<uint32_t>(syms.size() - 1);
  };
  if (!unit_.files.empty()) push(unit_.files.front().name, STB_LOCAL, STT_FILE, SHN_ABS, 0);

  auto size_of = [](const Defined& d) {
    return d.sym->kind == SymKind::Text ? d.sym->p.size()
                                        : static_cast<uint64_t>(std::max<int64_t>(d.sym->size, 0));
  };
  for (const Defined& d : defined_) {
    if (!d.sym->is_static) continue;
    symindex_[d.sym] = push(d.name, STB_LOCAL, d.where.st_type, d.section, size_of(d));
  }
  uint32_t first_global = static_cast<uint32_t>(syms.size());
  // ELF has one name space: a reference to foo (ABI0) resolves to a definition of
  // foo<ABIInternal> in this file, as Go's ABI wrappers would make it.
  NameIndex global_by_name;  // views of defined_ names
  global_by_name.reserve(defined_.size());
  for (const Defined& d : defined_) {
    if (d.sym->is_static) continue;
    uint8_t bind = d.group ? STB_WEAK : STB_GLOBAL;  // DUPOK: weak, in its own COMDAT group
    symindex_[d.sym] = push(d.name, bind, d.where.st_type, d.section, size_of(d));
    if (!global_by_name.contains(d.name)) global_by_name[d.name] = symindex_[d.sym];
  }
  for (const Defined& d : defined_) {
    for (const Reloc& r : d.sym->r) {
      if (is_marker(r)) continue;
      if (is_tls_reloc(r.type) && r.sym == nullptr) {
        if (tls_g_index_ == 0) tls_g_index_ = push(kTlsGSymbol, STB_GLOBAL, STT_TLS, SHN_UNDEF, 0);
        continue;
      }
      if (r.sym == nullptr || symindex_.contains(r.sym)) continue;
      if (r.sym->is_static) {
        error(std::string(d.name) + ": reference to undefined file-local symbol " +
              elf_symbol_name(*r.sym, unit_.pkgpath));
        symindex_[r.sym] = 0;
        continue;
      }
      std::string name = elf_symbol_name(*r.sym, unit_.pkgpath);
      if (const uint32_t* found = global_by_name.find(name)) {
        symindex_[r.sym] = *found;
        continue;
      }
      uint8_t type = is_tls_reloc(r.type) ? STT_TLS : STT_NOTYPE;
      symindex_[r.sym] = push(name, STB_GLOBAL, type, SHN_UNDEF, 0);
    }
  }

  Section& tab = sections_[symtab_];
  tab.info = first_global;
  tab.bytes.resize(syms.size() * sizeof(Elf64_Sym));
  std::memcpy(tab.bytes.data(), syms.data(), tab.bytes.size());
  sections_[strtab_].bytes = names.take();
}

// Every relocation section's entries go, one section after another, into relas_, which
// the sections then borrow (rather than each allocating its own bytes).
void Writer::fill_relocs() {
  struct Range {
    uint32_t section;
    size_t begin, end;  // in relas_
  };
  std::vector<Range> ranges;
  ranges.reserve(defined_.size() + 4 * unit_.text.size());
  auto by_offset = [](const Elf64_Rela& a, const Elf64_Rela& b) { return a.r_offset < b.r_offset; };
  // Room for all at once (at most one entry per relocation and per table field), rather
  // than copying the entries each time the vector doubles.
  size_t most = 0;
  for (const Defined& d : defined_) most += d.sym->r.size() + d.naux;
  relas_.reserve(most);
  for (const Defined& d : defined_) {
    if (d.rela == 0) continue;
    bool in_text = d.sym->kind == SymKind::Text;
    uint64_t limit = sections_[d.section].sh_size();
    const size_t begin = relas_.size();
    for (const Reloc& r : d.sym->r) {
      if (is_marker(r)) continue;
      std::string why;
      auto m = map_reloc(r, in_text, why);
      if (!m) {
        error(std::string(d.name) + "+" + std::to_string(r.off) + ": " + why);
        continue;
      }
      if (r.off < 0 || static_cast<uint64_t>(r.off) + r.siz > limit) {
        error(std::string(d.name) + ": relocation at offset " + std::to_string(r.off) + " lies outside its " +
              std::to_string(limit) + " bytes");
        continue;
      }
      uint32_t target = 0;  // no symbol: an absolute value (Go's CALL $constant)
      if (is_tls_reloc(r.type) && r.sym == nullptr) {
        target = tls_g_index_;
      } else if (r.sym != nullptr) {
        target = symindex_.at(r.sym);
      }
      Elf64_Rela e{};
      e.r_offset = static_cast<uint64_t>(r.off);
      e.r_info = ELF64_R_INFO(static_cast<uint64_t>(target), m->type);
      e.r_addend = m->addend;
      relas_.push_back(e);
    }
    const auto first = relas_.begin() + static_cast<std::ptrdiff_t>(begin);
    if (!std::is_sorted(first, relas_.end(), by_offset)) std::stable_sort(first, relas_.end(), by_offset);
    ranges.push_back({d.rela, begin, relas_.size()});
  }
  for (const Defined& d : defined_) {
    for (const Defined::Aux& a : d.aux()) {
      Elf64_Rela e{};
      e.r_offset = a.field;
      e.r_info = ELF64_R_INFO(static_cast<uint64_t>(symindex_.at(d.sym)), R_X86_64_PC32);
      ranges.push_back({a.rela, relas_.size(), relas_.size() + 1});
      relas_.push_back(e);
    }
  }
  // relas_ is complete and stays put from here on.
  for (const Range& r : ranges) {
    Section& sec = sections_[r.section];
    sec.borrowing = true;
    sec.borrowed = std::span(reinterpret_cast<const uint8_t*>(relas_.data() + r.begin),
                             (r.end - r.begin) * sizeof(Elf64_Rela));
    sec.size = sec.borrowed.size();
  }
}

void Writer::fill_groups() {
  for (const Defined& d : defined_) {
    if (d.group == 0) continue;
    Section& g = sections_[d.group];
    g.info = symindex_.at(d.sym);  // the signature: the DUPOK symbol itself
    g.bytes.reserve(4 * (3 + 2 * d.naux));  // flag, section, rela, the tables
    append_pod(g.bytes, uint32_t{GRP_COMDAT});
    append_pod(g.bytes, d.section);
    if (d.rela) append_pod(g.bytes, d.rela);
    for (const Defined::Aux& a : d.aux()) {
      append_pod(g.bytes, a.section);
      append_pod(g.bytes, a.rela);
    }
  }
}

// The ELF header of an object whose section headers start at shoff.
Elf64_Ehdr Writer::elf_header(uint64_t shoff) const {
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_ident[EI_OSABI] = ELFOSABI_SYSV;
  eh.e_type = ET_REL;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_shoff = shoff;
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_shentsize = sizeof(Elf64_Shdr);
  eh.e_shnum = static_cast<uint16_t>(sections_.size());
  eh.e_shstrndx = static_cast<uint16_t>(shstrtab_);
  return eh;
}

// File layout: ELF header, section contents (each at its alignment), section headers. The
// offsets come first, so that the image is allocated once and each part copied in once.
std::vector<uint8_t> Writer::layout() {
  StrTab shnames(sections_.size());
  std::vector<uint32_t> name_off(sections_.size(), 0);
  char short_name[256];  // one buffer for every name that fits
  std::string name;      // and one for any longer
  // The few literal names seen so far, by the addresses of their two parts.
  struct Literal {
    const char* lead;
    const char* base;
    uint32_t off;
  };
  std::array<Literal, 8> literals{};
  size_t nliterals = 0;
  for (size_t i = 1; i < sections_.size(); ++i) {
    const Section& s = sections_[i];
    if (s.literal_name) {
      auto same = [&](const Literal& l) { return l.lead == s.lead.data() && l.base == s.base.data(); };
      const auto end = literals.begin() + static_cast<std::ptrdiff_t>(nliterals);
      if (auto it = std::find_if(literals.begin(), end, same); it != end) {
        name_off[i] = it->off;
        continue;
      }
    }
    // lead + base, put together in a stack buffer when it fits (std::string's assign and
    // append cost several times the two copies); a name without a base is its lead.
    std::string_view full = s.lead;
    if (!s.base.empty()) {
      const size_t n = s.lead.size() + s.base.size();
      if (n <= sizeof short_name) {
        std::memcpy(short_name, s.lead.data(), s.lead.size());
        std::memcpy(short_name + s.lead.size(), s.base.data(), s.base.size());
        full = {short_name, n};
      } else {
        name.assign(s.lead).append(s.base);
        full = name;
      }
    }
    name_off[i] = shnames.add(full);
    if (s.literal_name && nliterals < literals.size()) {
      literals[nliterals++] = {s.lead.data(), s.base.data(), name_off[i]};
    }
  }
  name_off[shstrtab_] = shnames.add(".shstrtab");
  sections_[shstrtab_].bytes = shnames.take();

  std::vector<uint64_t> offsets(sections_.size(), 0);
  uint64_t end = sizeof(Elf64_Ehdr);
  for (size_t i = 1; i < sections_.size(); ++i) {
    const Section& s = sections_[i];
    uint64_t a = std::max<uint64_t>(s.align, 1);
    end = (end + a - 1) / a * a;
    offsets[i] = end;
    end += s.file_size();
  }
  const uint64_t shoff = (end + 7) / 8 * 8;
  // Appended in file order into room reserved for all: only the gaps are zero-filled.
  std::vector<uint8_t> out;
  out.reserve(shoff + sections_.size() * sizeof(Elf64_Shdr));
  append_pod(out, elf_header(shoff));
  for (size_t i = 1; i < sections_.size(); ++i) {
    const Section& s = sections_[i];
    if (s.type == SHT_NOBITS) continue;
    out.resize(offsets[i], 0);  // alignment padding
    std::span<const uint8_t> from = s.borrowing ? s.borrowed : std::span<const uint8_t>(s.bytes);
    out.insert(out.end(), from.begin(), from.end());
    out.resize(offsets[i] + s.file_size(), 0);  // a data symbol's zero padding
  }
  out.resize(shoff + sections_.size() * sizeof(Elf64_Shdr), 0);
  for (size_t i = 1; i < sections_.size(); ++i) {
    const Section& s = sections_[i];
    Elf64_Shdr h{};
    h.sh_name = name_off[i];
    h.sh_type = s.type;
    h.sh_flags = s.flags;
    h.sh_offset = offsets[i];
    h.sh_size = s.sh_size();
    h.sh_link = s.link;
    h.sh_info = s.info;
    h.sh_addralign = s.align;
    h.sh_entsize = s.entsize;
    std::memcpy(out.data() + shoff + i * sizeof(Elf64_Shdr), &h, sizeof h);
  }
  return out;
}

bool Writer::run(std::vector<uint8_t>& out) {
  // Without -p a `"".` name has no linker-visible form (Go's objects say <unlinkable>).
  if (unit_.pkgpath.empty() || unit_.pkgpath == "<unlinkable>") {
    auto local_pkg = [](const Symbol* s) { return s && s->name.find("\"\".") != std::string::npos; };
    for (const auto* list : {&unit_.text, &unit_.data}) {
      for (const Symbol* s : *list) {
        const Symbol* bad = local_pkg(s) ? s : nullptr;
        for (const Reloc& r : s->r) {
          if (!bad && local_pkg(r.sym)) bad = r.sym;
        }
        if (bad) {
          error("cannot write an object for " + bad->name + " without a package path (-p)");
          return false;
        }
      }
    }
  }
  if (functab_ == nullptr) {
    own_functab_ = functab::build(unit_, diag_);
    functab_ = &own_functab_;
  }
  plan_sections();
  if (sections_.size() >= SHN_LORESERVE) {
    error("too many sections for an ELF object (" + std::to_string(sections_.size()) + ")");
    return false;
  }
  build_symtab();
  fill_relocs();
  fill_groups();
  if (!ok_) return false;
  out = layout();
  return true;
}

}  // namespace

std::string data_size_problem(const Symbol& sym) {
  if (sym.size < 0 || sym.size > kMaxSymbolSize) {
    return "symbol too large (" + std::to_string(sym.size) + " bytes)";
  }
  if (sym.size < static_cast<int64_t>(sym.p.size())) {
    return std::to_string(sym.p.size()) + " bytes of data exceed its size " + std::to_string(sym.size);
  }
  return "";
}

uint64_t go_data_align(int64_t size) {
  uint64_t a = 32;
  while (a > 1 && static_cast<int64_t>(a) > size) a >>= 1;
  return a;
}

std::string elf_symbol_name(const Symbol& sym, const std::string& pkgpath) {
  constexpr std::string_view kLocalPkg = "\"\".";
  const std::string_view from = sym.name;
  // Sized once: the usual name has one `"".` (at its start) or none.
  std::string name;
  name.reserve(from.size() + pkgpath.size() + 2);
  size_t pos = 0;
  for (size_t hit; (hit = from.find(kLocalPkg, pos)) != std::string_view::npos; pos = hit + kLocalPkg.size()) {
    name.append(from.substr(pos, hit - pos)).append(pkgpath).push_back('.');
  }
  name.append(from.substr(pos));
  if (sym.is_static) name.append("<>");
  return name;
}

bool write_elf_object(const Unit& unit, std::vector<uint8_t>& out, Diag& diag,
                      const functab::FuncTable* table) {
  return Writer(unit, diag, table).run(out);
}

bool write_elf_object(const Unit& unit, const std::string& path, Diag& diag,
                      const functab::FuncTable* table) {
  std::vector<uint8_t> bytes;
  if (!write_elf_object(unit, bytes, diag, table)) return false;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    diag.error("open " + path + ": " + std::strerror(errno));
    return false;
  }
  bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok) {
    diag.error("write " + path + ": " + std::strerror(errno));
    // Leave no partial object behind, but never delete a device (-o /dev/full as root).
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) std::filesystem::remove(path, ec);
  }
  return ok;
}

}  // namespace gostack
