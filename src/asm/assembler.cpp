// Runs the stages in order over every function of a unit.
#include "asm/assembler.h"

#include "encode/encode.h"
#include "frame/frame.h"

namespace gostack {
namespace {

void configure(Unit& unit, const AsmOptions& opts) {
  unit.pkgpath = opts.pkgpath;
  unit.compiling_runtime = opts.parse.compiling_runtime;
  unit.shared = opts.shared;
  unit.compat_go116 = opts.compat_go116;
}

// Runs after a successful parse, which may still have reported an undefined label in the
// last function (see Parser::parse).
bool finish(Unit& unit, Diag& diag) {
  for (Symbol* fn : unit.text) {
    lower_function(unit, fn, diag);
    encode_function(unit, fn, diag);
  }
  return diag.count() == 0;
}

}  // namespace

bool assemble_text(Unit& unit, Diag& diag, std::string_view filename, const std::string& text,
                   const AsmOptions& opts, bool* parsed) {
  configure(unit, opts);
  bool go_ok = false;
  parse_text(unit, diag, filename, text, opts.parse, &go_ok);
  if (parsed) *parsed = go_ok;
  // finish's verdict counts every error reported, the parser's included.
  return go_ok && finish(unit, diag);
}

}  // namespace gostack
