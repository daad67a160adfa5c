// Operands as Go's obj.Dconv prints them (cmd/internal/obj/util.go), for the -S listing and
// the parser's error messages, which differ only where DconvStyle says.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/prog.h"

namespace gostack {

struct DconvStyle {
  // Go's %q of a string constant ($"..."): lex::go_quote (core does not depend on lex).
  std::string (*quote)(std::string_view);
  // Go's DconvWithABIDetail: a symbol reference carries its ABI ("f<ABIInternal>(SB)").
  bool abi_detail = false;
};

// Appends a's text: "16(R14)", "\"\".leaf(SB)", "$24-8", "$-128", "(AX)(BX*8)".
void append_dconv(std::string& out, const Addr& a, const DconvStyle& style);

inline std::string dconv(const Addr& a, const DconvStyle& style) {
  std::string out;
  append_dconv(out, a, style);
  return out;
}

}  // namespace gostack
