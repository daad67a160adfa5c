// Operands rendered as Go's obj.Dconv does (core/dconv.h), for the parser's error messages
// ("GLOBL: expected immediate constant; found 8(AX)") and for operand tests.
#include "core/dconv.h"
#include "lex/token.h"
#include "parse/parser.h"

namespace gostack::parse {

std::string describe_addr(const Addr& a, bool abi_detail) {
  return dconv(a, DconvStyle{.quote = lex::go_quote, .abi_detail = abi_detail});
}

}  // namespace gostack::parse
