// The whole assembler pipeline for one input file: parse -> frame -> encode, then the
// requested outputs. The command-line driver and the tests call this.
#pragma once

#include <string>

#include "core/diag.h"
#include "core/symbol.h"
#include "parse/parse.h"

namespace gostack {

struct AsmOptions {
  ParseOptions parse;
  std::string pkgpath;       // -p
  bool shared = false;       // -shared
  bool compat_go116 = false; // -compat=go1.16
};

// Assembles `text`, the contents of the file `filename`, into `unit`. Returns false if any
// error was reported. If `parsed` is given it tells whether parsing succeeded, i.e. a failure
// came from a later stage (Go's message then names no file, and the -S listing still exists).
bool assemble_text(Unit& unit, Diag& diag, std::string_view filename, const std::string& text,
                   const AsmOptions& opts, bool* parsed = nullptr);

}  // namespace gostack
