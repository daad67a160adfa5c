// ELF64 relocatable objects (x86-64) from an assembled Unit, for GNU ld / g++ to link.
// The section, symbol and relocation mapping is documented in docs/object-format.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/diag.h"
#include "core/symbol.h"

namespace gostack {

namespace functab {
struct FuncTable;
}

// The thread-local symbol every R_TLS_LE (and symbol-less R_TLS_IE) relocation is made
// against: the runtime's g slot. The program that links the object must define it
// (e.g. `extern "C" thread_local void* gostack_tls_g;` in the runtime).
inline constexpr const char* kTlsGSymbol = "gostack_tls_g";

// The linker-visible name of a Go symbol: every `"".` becomes `<pkgpath>.`, so `"".add`
// with -p main is `main.add`; a file-local (<>) symbol keeps its `<>` suffix.
std::string elf_symbol_name(const Symbol& sym, const std::string& pkgpath);

// Go's linker alignment for a data symbol: the largest power of two <= size, at most 32.
uint64_t go_data_align(int64_t size);

// Go's linker limit on one symbol's size.
inline constexpr int64_t kMaxSymbolSize = 2000000000;

// Why a data symbol's size cannot be laid out ("" if it can): negative, larger than
// kMaxSymbolSize, or smaller than its DATA contents.
std::string data_size_problem(const Symbol& sym);

// Serialises the unit's TEXT and data symbols as an ELF64 ET_REL image into `out`.
// Problems (a relocation the format cannot express, a `"".` name without -p, ...) are
// reported through `diag`; returns false if any was. `table` is the unit's function table
// (functab::build) when the caller has already built it for the NOSPLIT check; if null,
// it is built here.
bool write_elf_object(const Unit& unit, std::vector<uint8_t>& out, Diag& diag,
                      const functab::FuncTable* table = nullptr);

// Same, written to the file at `path` (replaced if it exists).
bool write_elf_object(const Unit& unit, const std::string& path, Diag& diag,
                      const functab::FuncTable* table = nullptr);

}  // namespace gostack
