// Symbols (Go's LSym), relocations, and the Unit that owns everything one assembly
// run produces. The stages communicate only through these types.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/prog.h"

namespace gostack {

// Relocation kinds, numbered as Go's objabi.RelocType (the listing prints the number).
enum class RelocType : uint8_t {
  None = 0,
  Addr = 1,      // R_ADDR: absolute address, 4 or 8 bytes
  Call = 7,      // R_CALL: PC-relative call target
  CallInd = 10,  // R_CALLIND: marks an indirect call (size 0, no bytes patched)
  PCRel = 14,    // R_PCREL: PC-relative data reference
  TLS_LE = 15,   // R_TLS_LE: offset of the thread-local g slot
  TLS_IE = 16,   // R_TLS_IE
  GotPCRel = 29, // R_GOTPCREL
};

struct Reloc {
  int32_t off = 0;   // byte offset in the symbol's data
  uint8_t siz = 0;   // bytes patched (0 for CallInd)
  RelocType type = RelocType::None;
  int64_t add = 0;
  Symbol* sym = nullptr;  // null for TLS_LE (printed as "TLS")
};

// Symbol kinds, numbered as Go's objabi.SymKind.
enum class SymKind : uint8_t { None = 0, Text, RoData, NoPtrData, Data, Bss, NoPtrBss, TlsBss };

// TEXT/GLOBL flags (textflag.h values).
namespace textflag {
constexpr int kNoProf = 1, kDupOk = 2, kNoSplit = 4, kRoData = 8, kNoPtr = 16, kWrapper = 32,
              kNeedCtxt = 64, kTlsBss = 256, kNoFrame = 512, kReflectMethod = 1024,
              kTopFrame = 2048, kAbiWrapper = 4096;
}  // namespace textflag

enum class Abi : uint8_t { Abi0, AbiInternal };

// Per-function information (Go's FuncInfo), filled by the parser and the frame pass.
struct FuncInfo {
  int32_t args = 0;      // argument+result bytes ($frame-ARGS); Go's ArgsSizeUnknown if absent
  int32_t locals = 0;    // frame size after the frame pass (BP slot included)
  int textflags = 0;     // flags given on the TEXT line
  Prog* text = nullptr;  // the TEXT Prog; the body follows through Prog::link
  bool is_asm = true;    // listing prints "asm"
  bool topframe = false;
  bool cfunc = false;
  uint8_t funcid = 0;    // Go's objabi.FuncID (runtime-special functions, wrappers); set by the frame pass
  bool spwrite = false;  // Go's FuncFlag_SPWRITE: the body writes SP directly (frame pass)
  // FUNCDATA/PCDATA declared in source, in order, for the function table (object issue).
  std::vector<Prog*> funcdata;
};

struct Symbol {
  std::string name;  // Go's form: "".foo, runtime.morestack, "".foo<> is name "".foo with is_static
  SymKind kind = SymKind::None;
  Abi abi = Abi::Abi0;
  bool is_static = false;  // <> file-local (the listing prints "static"? no: Go marks it via name)
  bool dupok = false;
  bool nosplit = false;
  bool defined = false;    // has a TEXT or GLOBL in this unit
  bool on_list = false;    // already in Unit::text or Unit::data
  int64_t size = 0;
  int flags = 0;           // GLOBL/TEXT flag word as written
  std::vector<uint8_t> p;  // contents: code or DATA bytes
  std::vector<Reloc> r;
  std::unique_ptr<FuncInfo> func;  // for TEXT symbols
};

// Objects that never move once made (Symbol* and Prog* are held everywhere). They live in
// chunks that grow geometrically, kFirst, 2*kFirst, ... up to kMax objects: a small file
// allocates and touches little memory, a large one allocates few chunks. A chunk's storage is
// left untouched until an object is made in it.
template <typename T, size_t kFirst, size_t kMax>
class StableArena {
 public:
  StableArena() = default;
  StableArena(const StableArena&) = delete;
  StableArena& operator=(const StableArena&) = delete;
  ~StableArena() {
    for (size_t i = 0; i < chunks_.size(); ++i) {
      const Chunk& c = chunks_[i];
      std::destroy(c.begin, i + 1 == chunks_.size() ? next_ : c.made_end);
      std::allocator<T>().deallocate(c.begin, c.cap);
    }
  }
  // A new T, aggregate-initialised (T{}: each member from its default initializer).
  T* make() {
    if (next_ == end_) add_chunk(1);
    return ::new (static_cast<void*>(next_++)) T{};
  }
  // n new Ts in a row (n > 0): what is left of the current chunk is skipped if they do not fit.
  T* make_n(size_t n) {
    if (static_cast<size_t>(end_ - next_) < n) add_chunk(n);
    T* first = next_;
    for (size_t i = 0; i < n; ++i) ::new (static_cast<void*>(next_++)) T{};
    return first;
  }

 private:
  struct Chunk {
    T* begin;
    T* made_end;  // one past the last object made; for the last chunk, next_ says it
    size_t cap;
  };
  static constexpr size_t capacity(size_t chunk) {
    return chunk >= 32 || (kFirst << chunk) > kMax ? kMax : kFirst << chunk;
  }
  // Starts a chunk with room for at least n objects.
  void add_chunk(size_t n) {
    if (!chunks_.empty()) chunks_.back().made_end = next_;
    const size_t cap = std::max(capacity(chunks_.size()), n);
    T* p = std::allocator<T>().allocate(cap);
    chunks_.push_back(Chunk{p, p, cap});
    next_ = p;
    end_ = p + cap;
  }
  std::vector<Chunk> chunks_;
  T* next_ = nullptr;  // where the next object goes in the last chunk
  T* end_ = nullptr;   // the end of the last chunk
};

// Symbols of one name space by name: open addressing with linear probing in a power-of-two
// table kept at most half full, each slot holding the name's hash so a lookup hashes once and
// compares names only on a hash match. The keys are the symbols' own names.
class SymbolTable {
 public:
  static size_t hash(std::string_view name) { return std::hash<std::string_view>()(name); }
  Symbol* find(std::string_view name, size_t h) const;
  // Adds sym (its name must not be in the table yet) under hash h.
  void insert(Symbol* sym, size_t h);

 private:
  struct Slot {
    size_t hash = 0;
    Symbol* sym = nullptr;  // null: empty
  };
  static constexpr size_t kInitialSlots = 64;
  void grow();
  std::vector<Slot> slots_;
  size_t count_ = 0;
};

// One assembly run: symbols, the instruction arena, the file names used in positions,
// and the options that change code generation.
struct Unit {
  // Options that affect the generated code or listing (set from the command line).
  std::string pkgpath;          // -p
  bool compiling_runtime = false;
  bool shared = false;          // -shared (Go's Flag_shared)
  bool compat_go116 = false;    // -compat=go1.16: pre-register-ABI prologue (g in CX)

  std::vector<PosBase> files;      // Pos::file indexes this
  std::vector<Symbol*> text;       // TEXT symbols in source order
  std::vector<Symbol*> data;       // GLOBL'd data symbols in source order
  // Content-addressable constants the frame pass creates ($f64.*, $f32.*: Go's constSyms);
  // Go lists and writes them after `data`, sorted by name.
  std::vector<Symbol*> const_syms;

  // Finds or creates a symbol. static_ symbols are file-local (<>) and live in their own space;
  // as in Go, an ABIInternal symbol is distinct from the ABI0 symbol of the same name.
  Symbol* lookup(std::string_view name, bool is_static = false, Abi abi = Abi::Abi0);
  Symbol* find(std::string_view name, bool is_static = false) const;

  // Finds or adds a position base; returns its index for Pos::file.
  uint32_t pos_base(const PosBase& base);
  // The file name messages give for pos ("?" for a position with no base).
  std::string_view file_name(const Pos& pos) const;
  // The line a listing or a traceback gives for pos: shifted by a #line directive.
  uint64_t rel_line(const Pos& pos) const;
  // The position as Go's listing prints it: "name:line", or after `#line` the shifted
  // position followed by the physical one, "other.s:98[./l.s:5]".
  std::string format_pos(const Pos& pos) const;

  Prog* new_prog() { return progs_.make(); }
  // Storage for n extra operands of one Prog (Prog::rest), empty for n == 0.
  std::span<RestArg> new_rest(size_t n) {
    return n == 0 ? std::span<RestArg>() : std::span<RestArg>(rest_args_.make_n(n), n);
  }
  std::string_view intern(std::string s) {
    strings_.push_back(std::move(s));
    return strings_.back();
  }

 private:
  // Progs: 16 in the first chunk (a tiny file touches one page), up to 512 a chunk.
  StableArena<Prog, 16, 512> progs_;
  // Prog::rest storage: few instructions have a third operand.
  StableArena<RestArg, 16, 256> rest_args_;
  std::deque<std::string> strings_;
  StableArena<Symbol, 16, 256> symbols_;  // names are stable table keys
  // The symbols by name, one space each for file-local (<>), ABI0 and ABIInternal names:
  // like Go's Link, foo<ABIInternal> is not foo. Keys view Symbol::name.
  enum Space { kStatic, kAbi0, kAbiInternal, kSpaces };
  static Space space(bool is_static, Abi abi) {
    return is_static ? kStatic : abi == Abi::AbiInternal ? kAbiInternal : kAbi0;
  }
  SymbolTable by_name_[kSpaces];
};

}  // namespace gostack
