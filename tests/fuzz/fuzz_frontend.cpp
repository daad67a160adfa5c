// libFuzzer target: arbitrary bytes through the whole assembler (preprocessor, parser, frame
// pass, encoder, listing). Any crash, sanitizer report, hang or memory blow-up is a bug:
// bad input must only ever produce diagnostics.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "asm/assembler.h"
#include "listing/listing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  gostack::Unit unit;
  std::vector<std::string> messages;
  gostack::Diag diag;
  diag.capture(&messages);
  gostack::AsmOptions opts;
  opts.pkgpath = "main";
  opts.parse.builtin_include_dir = GOSTACK_FUZZ_INCLUDE_DIR;
  opts.parse.defines = {{"GOOS_linux", std::nullopt}, {"GOARCH_amd64", std::nullopt}};
  try {
    if (gostack::assemble_text(unit, diag, "fuzz.s", text, opts)) {
      std::string listing;
      gostack::write_listing(unit, listing);
    }
  } catch (const gostack::TooManyErrors&) {
    // the eleventh error stops the run, as in Go; nothing else may escape
  }
  return 0;
}
