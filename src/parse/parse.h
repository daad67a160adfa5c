// The front end: preprocesses Go assembly (lex/) and parses it into Progs and symbols.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diag.h"
#include "core/symbol.h"

namespace gostack {

struct ParseOptions {
  std::vector<std::string> include_dirs;  // -I, in order
  // -D name[=value]; a name without value defines it as "1" (as Go does).
  std::vector<std::pair<std::string, std::optional<std::string>>> defines;
  std::string trimpath;          // -trimpath: rewrites file names in positions
  bool compiling_runtime = false;
  std::string builtin_include_dir;  // gostack's own textflag.h/funcdata.h, searched after -I dirs
};

// Parses `path` (reading it and its #includes from disk) into `unit`: one TEXT symbol per
// function with its Prog list (FuncInfo::text, then Prog::link), data symbols with their
// DATA contents and GLOBL flags. Errors go to `diag` as "file:line: message".
// Returns false if any error was reported.
bool parse_file(Unit& unit, Diag& diag, const std::string& path, const ParseOptions& opts);

// The same for source text already in memory; `#include` still reads from disk. The text is
// read in place, not copied (the tokenizer needs the NUL byte a std::string ends in).
// `go_ok`, if given, receives Go's verdict on the parse, which is true even when the last
// function's undefined label was reported: Go's assembler runs its later stages then.
bool parse_text(Unit& unit, Diag& diag, std::string_view filename, const std::string& text,
                const ParseOptions& opts, bool* go_ok = nullptr);

}  // namespace gostack
