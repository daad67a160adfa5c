// Loads an assembled Unit into W^X memory and applies its relocations (see image.h).
//
// Layout of the one anonymous mapping, each region starting on a page boundary:
//   text     functions (32-byte aligned), then one 16-byte stub per outside call target:
//              ff 25 00 00 00 00   jmp *0(%rip)
//              <8-byte address>    (+ 2 bytes padding)
//   rodata   RODATA symbols, then 8-byte slots for GOT-style references (R_GOTPCREL,
//            R_TLS_IE)
//   data     DATA, NOPTR data and bss symbols
// The mapping is created read+write, filled and relocated, then text becomes read+execute
// and rodata read-only; no page is ever writable and executable at once.
#include "object/image.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "functab/cfi.h"
#include "functab/nosplit.h"
#include "functab/registry.h"
#include "object/elf_writer.h"

// libgcc's unwinder registry for run-time generated code (unwind-dw2-fde.h).
extern "C" void __register_frame(void*);
extern "C" void __deregister_frame(void*);

namespace gostack {

Image::~Image() {
  if (!eh_frame_.empty()) __deregister_frame(eh_frame_.data());
  if (functab_) functab::unregister_table(functab_.get());
  if (base_ != nullptr) munmap(base_, size_);
}

void* Image::address(std::string_view name) const {
  auto it = symbols_.find(std::string(name));
  return it == symbols_.end() ? nullptr : it->second;
}

namespace {

constexpr uint64_t kStubSize = 16;
constexpr uint64_t kTextAlign = 32;

uint64_t align_up(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }

bool fits_int32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

// The thread pointer (%fs base): the TCB's first word points to itself on x86-64 Linux.
uintptr_t thread_pointer() {
  uintptr_t tp;
  __asm__("movq %%fs:0, %0" : "=r"(tp));
  return tp;
}

}  // namespace

class ImageLoader {
 public:
  ImageLoader(const Unit& unit, const SymbolResolver& resolve, Diag& diag)
      : unit_(unit), resolve_(resolve), diag_(diag) {}

  std::unique_ptr<Image> run();

 private:
  enum Region { kText, kRoData, kData };
  struct Placed {
    const Symbol* sym;
    Region region;
    uint64_t off;  // within its region
  };
  // An outside symbol: its resolved address, and its stub / address-slot offsets if used.
  struct Outside {
    uintptr_t addr = 0;
    bool near = false;             // referenced directly with a 32-bit field
    std::optional<uint64_t> stub;  // offset in text
    std::optional<uint64_t> slot;  // offset in rodata
    bool tls_slot = false;         // the slot holds a thread-pointer offset (R_TLS_IE)
  };

  void error(const std::string& msg) {
    diag_.error(msg);
    ok_ = false;
  }
  static bool is_tls(const Reloc& r) {
    return r.type == RelocType::TLS_LE || r.type == RelocType::TLS_IE;
  }
  // Kinds that go through an address slot in the image (Go's GOT-style references).
  static bool is_got(const Reloc& r) {
    return r.type == RelocType::GotPCRel || r.type == RelocType::TLS_IE;
  }
  std::string target_name(const Reloc& r) const {
    return r.sym ? elf_symbol_name(*r.sym, unit_.pkgpath) : std::string(kTlsGSymbol);
  }
  void place_symbols();
  void resolve_outside();
  void report_undefined(const Symbol& from, const Reloc& r, const std::string& target);
  bool map_memory();
  uint8_t* at(Region r, uint64_t off) const { return base_ + region_start_[r] + off; }
  uintptr_t target(const Reloc& r) const;
  void apply(const Placed& p, const Reloc& r);
  bool protect();
  void register_tables(Image& image);

  const Unit& unit_;
  const SymbolResolver& resolve_;
  Diag& diag_;
  bool ok_ = true;
  std::vector<Placed> placed_;
  std::unordered_map<const Symbol*, size_t> placed_index_;
  std::unordered_map<std::string, Outside> outside_;  // by linker name
  uint64_t region_size_[3] = {0, 0, 0};
  uint64_t region_start_[3] = {0, 0, 0};
  uint64_t page_ = 4096;
  uint8_t* base_ = nullptr;
  size_t total_ = 0;
};

void ImageLoader::place_symbols() {
  auto place = [&](const Symbol* s, Region region, uint64_t align, uint64_t size) {
    uint64_t off = align_up(region_size_[region], align);
    placed_index_[s] = placed_.size();
    placed_.push_back({s, region, off});
    region_size_[region] = off + size;
  };
  for (const Symbol* s : unit_.text) place(s, kText, kTextAlign, s->p.size());
  std::vector<const Symbol*> data(unit_.data.begin(), unit_.data.end());
  data.insert(data.end(), unit_.const_syms.begin(), unit_.const_syms.end());
  for (const Symbol* s : data) {
    if (s->kind == SymKind::TlsBss) {
      error(elf_symbol_name(*s, unit_.pkgpath) + ": TLSBSS symbols cannot be loaded in memory");
      continue;
    }
    if (std::string why = data_size_problem(*s); !why.empty()) {
      error(elf_symbol_name(*s, unit_.pkgpath) + ": " + why);
      continue;
    }
    Region region = s->kind == SymKind::RoData ? kRoData : kData;
    place(s, region, go_data_align(s->size), static_cast<uint64_t>(s->size));
  }
}

// Resolves every outside target, and allocates the stubs and slots they need. Every
// undefined target is reported, once per symbol referring to it.
void ImageLoader::resolve_outside() {
  for (const Placed& p : placed_) {
    std::vector<std::string> reported;  // targets already reported for this symbol
    for (const Reloc& r : p.sym->r) {
      if (r.type == RelocType::CallInd || r.siz == 0) continue;
      if (r.sym == nullptr && !is_tls(r)) continue;  // absolute target (CALL $constant)
      bool defined = r.sym != nullptr && placed_index_.count(r.sym) != 0;
      if (defined && !is_got(r)) continue;  // direct reference inside the image
      std::string name = target_name(r);
      auto [it, fresh] = outside_.try_emplace(name);
      Outside& o = it->second;
      if (fresh && !defined) {  // an own symbol's address is known after mapping
        const void* a = nullptr;
        if (r.sym == nullptr || !r.sym->is_static) a = resolve_ ? resolve_(name) : nullptr;
        o.addr = reinterpret_cast<uintptr_t>(a);
      }
      if (!defined && o.addr == 0 && std::find(reported.begin(), reported.end(), name) == reported.end()) {
        reported.push_back(name);
        report_undefined(*p.sym, r, name);
      }
      o.near |= r.type == RelocType::PCRel || (r.type == RelocType::Addr && r.siz == 4);
      if (r.type == RelocType::Call && !o.stub) {
        o.stub = align_up(region_size_[kText], kStubSize);
        region_size_[kText] = *o.stub + kStubSize;
      }
      if (is_got(r) && !o.slot) {
        o.slot = align_up(region_size_[kRoData], 8);
        o.tls_slot = r.type == RelocType::TLS_IE;
        region_size_[kRoData] = *o.slot + 8;
      }
    }
  }
}

// Go's linker message, "main.main: relocation target main.missing not defined", with the
// position of the referencing instruction when the reference is in code.
void ImageLoader::report_undefined(const Symbol& from, const Reloc& r, const std::string& target) {
  std::string msg = elf_symbol_name(from, unit_.pkgpath) + ": relocation target " + target + " not defined";
  ok_ = false;
  const Prog* at = nullptr;
  if (from.func != nullptr)
    for (const Prog* q = from.func->text; q != nullptr && q->pc <= r.off; q = q->link) at = q;
  if (at != nullptr && at->pos.file < unit_.files.size())
    diag_.stage_error(unit_.file_name(at->pos), at->pos.line, msg);
  else
    diag_.error(msg);
}

// Maps the image, preferring a place within 32-bit reach of the outside symbols that are
// referenced PC-relatively, so such references can be resolved directly.
bool ImageLoader::map_memory() {
  region_start_[kText] = 0;
  region_start_[kRoData] = align_up(region_size_[kText], page_);
  region_start_[kData] = region_start_[kRoData] + align_up(region_size_[kRoData], page_);
  total_ = align_up(region_start_[kData] + region_size_[kData], page_);
  if (total_ == 0) total_ = page_;

  uintptr_t lo = UINTPTR_MAX, hi = 0;
  for (const auto& [name, o] : outside_) {
    if (!o.near || o.addr == 0) continue;
    lo = std::min(lo, o.addr);
    hi = std::max(hi, o.addr);
  }
  std::vector<uintptr_t> hints;
  if (hi != 0) {
    constexpr uintptr_t kStep = uintptr_t{1} << 28;  // 256 MiB
    uintptr_t mid = lo / 2 + hi / 2;
    for (uintptr_t d = kStep; d < (uintptr_t{1} << 31); d += kStep) {
      hints.push_back(align_up(mid + d, page_));
      if (mid > d + total_) hints.push_back(align_up(mid - d - total_, page_));
    }
  }
  hints.push_back(0);
  for (uintptr_t hint : hints) {
    void* m = mmap(reinterpret_cast<void*>(hint), total_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) continue;
    auto b = reinterpret_cast<uintptr_t>(m);
    bool near = hi == 0 || (fits_int32(static_cast<int64_t>(lo - b)) &&
                            fits_int32(static_cast<int64_t>(hi - (b + total_))));
    if (near || hint == 0) {
      base_ = static_cast<uint8_t*>(m);
      return true;
    }
    munmap(m, total_);
  }
  error("cannot map " + std::to_string(total_) + " bytes for the image");
  return false;
}

// The address a relocation's value is computed from (Go's "target"): the image's own
// symbol, an outside symbol, its stub (calls), or its address slot (GOT-style kinds).
uintptr_t ImageLoader::target(const Reloc& r) const {
  if (r.sym == nullptr && !is_tls(r)) return 0;
  if (!is_got(r) && r.sym != nullptr && placed_index_.count(r.sym)) {
    const Placed& t = placed_[placed_index_.at(r.sym)];
    return reinterpret_cast<uintptr_t>(at(t.region, t.off));
  }
  const Outside& o = outside_.at(target_name(r));
  if (is_got(r)) return reinterpret_cast<uintptr_t>(at(kRoData, *o.slot));
  if (r.type == RelocType::Call) return reinterpret_cast<uintptr_t>(at(kText, *o.stub));
  return o.addr;
}

// Computes and stores one relocation with Go's linker semantics.
void ImageLoader::apply(const Placed& p, const Reloc& r) {
  std::string where = elf_symbol_name(*p.sym, unit_.pkgpath) + "+" + std::to_string(r.off);
  if (r.off < 0 || static_cast<uint64_t>(r.off) + r.siz > p.sym->p.size()) {
    error(where + ": relocation lies outside the symbol's " + std::to_string(p.sym->p.size()) +
          " bytes");
    return;
  }
  uint8_t* field = at(p.region, p.off) + r.off;
  auto pc = reinterpret_cast<uintptr_t>(field);
  int64_t value = 0;
  switch (r.type) {
    case RelocType::Call:
    case RelocType::PCRel:
    case RelocType::GotPCRel:
    case RelocType::TLS_IE:
      if (r.siz != 4) break;
      // Go: target + add - (field + siz); R_TLS_IE's add already holds the -4.
      value = static_cast<int64_t>(target(r) - pc) + r.add -
              (r.type == RelocType::TLS_IE ? 0 : 4);
      if (!fits_int32(value)) {
        error(where + ": " + target_name(r) + " is out of 32-bit PC-relative reach of the image");
        return;
      }
      {
        int32_t v = static_cast<int32_t>(value);
        std::memcpy(field, &v, 4);
      }
      return;
    case RelocType::Addr:
      value = static_cast<int64_t>(target(r)) + r.add;
      if (r.siz == 8) {
        std::memcpy(field, &value, 8);
        return;
      }
      if (r.siz == 4) {
        bool ok = p.region == kText ? fits_int32(value) : (value >= 0 && value <= UINT32_MAX);
        if (!ok) {
          error(where + ": address of " + target_name(r) + " does not fit in 4 bytes");
          return;
        }
        uint32_t v = static_cast<uint32_t>(value);
        std::memcpy(field, &v, 4);
        return;
      }
      break;
    case RelocType::TLS_LE:
      if (r.siz != 4) break;
      value = static_cast<int64_t>(target(r) - thread_pointer()) + r.add;
      if (!fits_int32(value)) {
        error(where + ": " + target_name(r) + " is not in static TLS (offset from the thread pointer " +
              std::to_string(value) + ")");
        return;
      }
      {
        int32_t v = static_cast<int32_t>(value);
        std::memcpy(field, &v, 4);
      }
      return;
    default:
      break;
  }
  error(where + ": relocation type " + std::to_string(static_cast<int>(r.type)) + " with size " +
        std::to_string(r.siz) + " cannot be resolved in memory");
}

bool ImageLoader::protect() {
  auto set = [&](Region r, uint64_t size, int prot) {
    if (size == 0) return true;
    return mprotect(at(r, 0), align_up(size, page_), prot) == 0;
  };
  if (!set(kText, region_size_[kText], PROT_READ | PROT_EXEC) ||
      !set(kRoData, region_size_[kRoData], PROT_READ)) {
    error(std::string("mprotect: ") + std::strerror(errno));
    return false;
  }
  return true;
}

std::unique_ptr<Image> ImageLoader::run() {
  long ps = sysconf(_SC_PAGESIZE);
  if (ps > 0) page_ = static_cast<uint64_t>(ps);
  place_symbols();
  resolve_outside();
  if (!ok_ || !map_memory()) return nullptr;
  std::unique_ptr<Image> image(new Image);
  image->base_ = base_;
  image->size_ = total_;

  for (const Placed& p : placed_) {
    if (!p.sym->p.empty()) std::memcpy(at(p.region, p.off), p.sym->p.data(), p.sym->p.size());
    image->symbols_[elf_symbol_name(*p.sym, unit_.pkgpath)] = at(p.region, p.off);
  }
  for (auto& [name, o] : outside_) {
    auto self = image->symbols_.find(name);
    if (self != image->symbols_.end()) o.addr = reinterpret_cast<uintptr_t>(self->second);
    if (o.stub) {
      static const uint8_t kJmp[6] = {0xff, 0x25, 0, 0, 0, 0};  // jmp *0(%rip)
      std::memcpy(at(kText, *o.stub), kJmp, sizeof kJmp);
      std::memcpy(at(kText, *o.stub + sizeof kJmp), &o.addr, 8);
    }
  }
  for (auto& [name, o] : outside_) {
    if (!o.slot) continue;
    // R_TLS_IE's slot holds the thread-pointer offset; R_GOTPCREL's the address.
    uint64_t v = o.tls_slot ? o.addr - thread_pointer() : o.addr;
    std::memcpy(at(kRoData, *o.slot), &v, 8);
  }
  for (const Placed& p : placed_) {
    for (const Reloc& r : p.sym->r) {
      if (r.type == RelocType::CallInd || r.siz == 0) continue;
      apply(p, r);
    }
  }
  if (!ok_ || !protect()) return nullptr;  // the Image's destructor unmaps
  register_tables(*image);
  return image;
}

// Registers the function table (for functab::lookup) and the CFI (for C++ unwinding and
// exceptions through the image's frames): one CIE+FDE per function, back to back, with
// absolute pc_begin fields, and the zero terminator __register_frame expects.
void ImageLoader::register_tables(Image& image) {
  auto table = std::make_shared<functab::FuncTable>(functab::build(unit_, diag_));
  for (functab::FuncEntry& f : table->funcs) f.entry = reinterpret_cast<uint64_t>(image.address(f.name));
  std::vector<uint8_t>& eh = image.eh_frame_;
  for (const functab::FuncEntry& f : table->funcs) {
    if (f.size == 0) continue;
    functab::eh_frame(f, eh, nullptr, /*absolute=*/true);
  }
  if (!eh.empty()) {
    eh.resize(eh.size() + 4, 0);
    __register_frame(eh.data());
  }
  image.functab_ = table;
  functab::register_table(std::move(table));
}

std::unique_ptr<Image> load_image(const Unit& unit, const SymbolResolver& resolve, Diag& diag) {
  return ImageLoader(unit, resolve, diag).run();
}

std::unique_ptr<Image> assemble_image(std::string_view filename, std::string_view text,
                                      const AsmOptions& opts, const SymbolResolver& resolve,
                                      Diag& diag) {
  Unit unit;
  if (!assemble_text(unit, diag, filename, std::string(text), opts)) return nullptr;
  if (!functab::check_nosplit(functab::build(unit, diag), diag)) return nullptr;
  return load_image(unit, resolve, diag);
}

}  // namespace gostack
