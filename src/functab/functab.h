// Function tables: per-TEXT-symbol frame facts (entry, size, flags, SP delta per PC,
// file:line per PC, declared pointer maps) for unwinding, tracebacks and stack copying.
// The serialized form and the registry are documented in docs/functab.md.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag.h"
#include "core/symbol.h"

namespace gostack::functab {

// What a FUNCDATA $0 (arguments) or $1 (locals) declaration says about pointers.
enum class PtrMapKind : uint8_t {
  Undeclared = 0,  // no FUNCDATA: the runtime must scan the area conservatively
  GoDeclaration,   // args map from the function's Go declaration (GO_ARGS, or Go's implicit
                   // `"".f.args_stackmap` for package functions); no bitmap in the object
  NoPointers,      // NO_LOCAL_POINTERS (or any stackmap with zero-length bitmaps)
  Bitmap,          // an explicit stackmap from DATA/GLOBL: `count` bitmaps of `nbit` bits
  External,        // names a symbol this unit does not define: bitmap not visible here
};

struct PtrMap {
  PtrMapKind kind = PtrMapKind::Undeclared;
  std::string symbol;          // the FUNCDATA symbol's linker name (empty if undeclared)
  int32_t count = 0;           // Bitmap: number of bitmaps (Go's stackmap n)
  int32_t nbit = 0;            // Bitmap: bits per bitmap, one per pointer-sized word
  std::vector<uint8_t> bits;   // Bitmap: count bitmaps of (nbit+7)/8 bytes each
};

// The SP delta (bytes pushed below the entry SP, not counting the return address) in
// effect from `pc` up to the next run's pc (Go's pcsp table, run-length).
struct SpRun {
  uint32_t pc;
  int32_t sp;
};

// The source position of the instructions from `pc` up to the next run's pc.
struct LineRun {
  uint32_t pc;
  uint32_t file;  // index into FuncTable::files
  int32_t line;
};

// The value of a PCDATA table from `pc` up to the next run's pc (run-length; -1 before
// the first run, as in Go, where a table starts at -1).
struct PcValue {
  uint32_t pc;
  int32_t value;
};

// A call site, for the NOSPLIT check: a direct call (or tail jump) to `target`, or an
// indirect call (target empty).
struct Call {
  uint32_t pc;
  std::string target;  // linker name; empty for an indirect call
  bool target_abiinternal = false;
};

// Flag bits of FuncEntry::flags beyond the textflag.h word (which occupies the low 16 bits).
inline constexpr uint32_t kFlagAbiInternal = 1u << 16;
inline constexpr uint32_t kFlagSpWrite = 1u << 17;    // writes SP directly (Go's FuncFlag_SPWRITE)
inline constexpr uint32_t kFlagNoSplitEff = 1u << 18; // no stack-split check (NOSPLIT or small leaf)

struct FuncEntry {
  std::string name;    // linker name ("". replaced by the package path)
  const Symbol* sym = nullptr;  // the TEXT symbol (build sets it; not serialized)
  uint64_t entry = 0;  // address of the first instruction; 0 until loaded or registered
  uint32_t size = 0;   // code bytes
  int32_t args = 0;    // argument+result bytes (Go's ArgsSizeUnknown, -0x80000000, if absent)
  int32_t frame = 0;   // frame size below the return address, BP slot included
  uint32_t flags = 0;  // textflag.h bits | kFlag* bits
  uint8_t funcid = 0;  // Go's objabi.FuncID
  uint32_t decl_file = 0;  // the TEXT line (for diagnostics; not serialized)
  int32_t decl_line = 0;
  std::vector<SpRun> pcsp;
  std::vector<LineRun> pcline;
  std::vector<uint32_t> bp_saved;  // pc ranges [a,b), as pairs, where the caller's BP is at CFA-16
  PtrMap args_map, locals_map;
  std::vector<PcValue> stackmap_index;  // PCDATA $1 (PCDATA_StackMapIndex): which bitmap of the maps
  std::vector<Call> calls;

  bool nosplit() const { return (flags & kFlagNoSplitEff) != 0; }
  // SP delta at `pc` (an offset from entry); 0 outside the table.
  int32_t sp_delta(uint32_t pc) const;
  // Source line at `pc`; nullptr if unknown.
  const LineRun* line_at(uint32_t pc) const;
  // Whether the caller's BP is saved at CFA-16 at `pc`.
  bool bp_saved_at(uint32_t pc) const;
  // The PCDATA_StackMapIndex value at `pc`: -1 where no PCDATA $1 is in effect.
  int32_t stackmap_index_at(uint32_t pc) const;
};

// The tables of one unit (or one serialized blob): functions sorted by entry once entries
// are set, file names shared.
struct FuncTable {
  std::vector<std::string> files;
  std::vector<FuncEntry> funcs;

  // Sorts funcs by entry (call after setting entries).
  void sort_by_entry();
  // The function containing `pc` (an absolute address), by binary search; nullptr if none.
  const FuncEntry* lookup(uint64_t pc) const;
  // The file name of a line run.
  std::string_view file(const LineRun& r) const {
    return r.file < files.size() ? std::string_view(files[r.file]) : std::string_view("?");
  }
};

// Builds the table of every TEXT symbol of an assembled unit (after the frame pass and
// the encoder). Entries are left 0. Problems (a malformed stackmap) go to diag.
FuncTable build(const Unit& unit, Diag& diag);

// ---- serialized form (docs/functab.md) -------------------------------------------------

// The ELF section holding the records; a C identifier, so the linker defines
// __start_gostack_functab / __stop_gostack_functab around the collected records.
inline constexpr const char* kSectionName = "gostack_functab";

// Appends one function's record, the blob placed in the `gostack_functab` section, to `out`
// (an object writer collects every blob of a unit in one buffer). `entry_field` receives the
// offset, from the blob's start, of the 32-bit PC-relative entry field (relocated against
// the function).
void serialize(const FuncTable& table, const FuncEntry& fn, std::vector<uint8_t>& out,
               uint32_t* entry_field);

// Room for n more bytes at the end of a buffer that many blobs are appended to: grown
// geometrically (a vector's reserve(size() + n) would reallocate for every blob).
inline void reserve_more(std::vector<uint8_t>& out, size_t n) {
  if (out.capacity() - out.size() < n) out.reserve(std::max(out.size() + n, 2 * out.capacity()));
}

// Decodes every blob in [data, data+size) (as laid out by a linker: blobs back to back,
// zero padding allowed between them); `base` is the run-time address of data[0], used to
// resolve the PC-relative entry fields. Appends to `out`; returns false on malformed input.
bool deserialize(const uint8_t* data, size_t size, uint64_t base, FuncTable& out);

}  // namespace gostack::functab
