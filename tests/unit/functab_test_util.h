// Shared pieces of the function-table tests: assembler options and the callback program.
#pragma once

#include <string>

#include "asm/assembler.h"

namespace gostack::functab_test {

inline AsmOptions main_options() {
  AsmOptions opts;
  opts.pkgpath = "main";
  opts.parse.builtin_include_dir = std::string(GOSTACK_SOURCE_DIR) + "/include/goasm";
  return opts;
}

// outer(x) stores x in callback_arg, calls the C++ function `callback` with the stack
// 16-byte aligned (entry SP is 8 mod 16; the $16 frame plus the saved BP make 24), and
// returns callback_arg. The CALL is on line 8.
inline constexpr const char* kOuterSource = R"(#include "textflag.h"

// outer(x): callback_arg = x; callback(); return callback_arg
// (called from C++ through gostack::abi0::call)
TEXT ·outer(SB),NOSPLIT,$16-16
	MOVQ x+0(FP), AX
	MOVQ AX, callback_arg(SB)
	CALL callback(SB)
	MOVQ callback_arg(SB), AX
	MOVQ AX, ret+8(FP)
	RET
)";

}  // namespace gostack::functab_test
