// Operands rendered as Go's obj.Dconv does (core/dconv.h), for the parser's error messages
// ("GLOBL: expected immediate constant; found 8(AX)") and for operand tests.
#include "core/dconv.h"
#include "lex/token.h"
#include "parse/parser.h"

namespace gostack::parse {

std::string describe_addr(const Addr& a, bool abi_detail) {
  // The messages have always spelled a $(float)'s infinities and NaN as C's %g does.
  return dconv(a, DconvStyle{.quote = lex::go_quote,
                             .abi_detail = abi_detail,
                             .floats = DconvStyle::Floats::CNames});
}

}  // namespace gostack::parse
