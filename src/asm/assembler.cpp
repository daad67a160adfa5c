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

bool finish(Unit& unit, Diag& diag) {
  if (diag.count() != 0) return false;
  for (Symbol* fn : unit.text) {
    lower_function(unit, fn, diag);
    encode_function(unit, fn, diag);
  }
  return diag.count() == 0;
}

}  // namespace

bool assemble_text(Unit& unit, Diag& diag, std::string_view filename, std::string_view text,
                   const AsmOptions& opts, bool* parsed) {
  configure(unit, opts);
  const bool ok = parse_text(unit, diag, filename, text, opts.parse);
  if (parsed) *parsed = ok;
  if (!ok) return false;
  return finish(unit, diag);
}

}  // namespace gostack
