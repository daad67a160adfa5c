// In-memory images: an assembled Unit loaded into this process's memory, relocated against
// a symbol resolver, with code executable and never writable at the same time (W^X).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asm/assembler.h"
#include "core/diag.h"
#include "core/symbol.h"
#include "functab/functab.h"

namespace gostack {

// Returns the address of a symbol the image references but does not define, by its
// linker name ("runtime.morestack_noctxt", "main.helper"), or nullptr if unknown.
// For the thread-local g slot (kTlsGSymbol, "gostack_tls_g") it returns the calling
// thread's address of a static-TLS variable; the loader turns that into the variable's
// offset from the thread pointer, which is the same in every thread.
using SymbolResolver = std::function<const void*(std::string_view name)>;

// A loaded unit. Code pages are read+execute, read-only data (and the image's own address
// slots) read-only, data and bss read+write. The memory is released when the Image dies.
class Image {
 public:
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;
  ~Image();

  // Address of a symbol the unit defines, by linker name ("main.add", "main.tab<>");
  // nullptr if the unit defines no such symbol.
  void* address(std::string_view name) const;

  // The mapping, for inspection (e.g. checking page protections).
  const void* base() const { return base_; }
  size_t size() const { return size_; }

  // The image's function table (entries are addresses in the image). It is registered with
  // functab::lookup and its CFI with the C++ unwinder while the Image lives.
  const functab::FuncTable& functab() const { return *functab_; }

 private:
  friend class ImageLoader;
  Image() = default;

  void* base_ = nullptr;
  size_t size_ = 0;
  std::unordered_map<std::string, void*> symbols_;
  std::shared_ptr<functab::FuncTable> functab_;
  std::vector<uint8_t> eh_frame_;  // registered with __register_frame; ends with a zero word
};

// Loads `unit` (already assembled) into memory. Symbols the unit references but does not
// define are looked up through `resolve`; those it cannot find are reported in one error
// listing them all. Calls to outside symbols go through absolute-jump stubs in the image, so
// they reach any address; PC-relative data references and 4-byte absolute addresses must
// fit in 32 bits, and the loader places the image near the referenced symbols to make
// that likely. Returns nullptr (with errors in `diag`) on failure.
std::unique_ptr<Image> load_image(const Unit& unit, const SymbolResolver& resolve, Diag& diag);

// The whole in-memory path: assembles Go assembly `text` (errors as "filename:line: ...")
// and loads the result. The Image keeps no reference to the text or the Unit.
std::unique_ptr<Image> assemble_image(std::string_view filename, std::string_view text,
                                      const AsmOptions& opts, const SymbolResolver& resolve,
                                      Diag& diag);

}  // namespace gostack
