// Shared set-up for the runtime unit tests: the runtime is brought up once per test process.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "gostack/runtime.h"
#include "object/image.h"
#include "runtime/proc.h"
#include "runtime/stack.h"

namespace gostack::rt::testing {

// The tests run on the process's main thread, which becomes m0 with two Ps.
inline void ensure_runtime() {
  if (!runtime_started()) schedinit(2);
}

inline P* current_p() { return getg()->m->p; }

// Assembles Go assembly (package main, textflag.h/funcdata.h available) into an in-memory
// image whose runtime references resolve to this runtime, for goroutines run with
// gostack::runtime::go. Diagnostics go to stderr; nullptr on error.
inline std::unique_ptr<Image> load_program(const std::string& name, const std::string& text) {
  AsmOptions opts;
  opts.pkgpath = "main";
  opts.parse.builtin_include_dir = std::string(GOSTACK_SOURCE_DIR) + "/include/goasm";
  Diag diag(stderr);
  return assemble_image(name, text, opts, runtime::resolve_symbol, diag);
}

// deep(n) recurses n frames of 512 bytes (528 with return address and saved BP): calling it
// grows the caller's stack. Its arguments carry Go's implicit args_stackmap: conservative.
inline constexpr const char* kDeepSource = R"(
TEXT ·deep(SB), $512-8
	MOVQ n+0(FP), AX
	CMPQ AX, $0
	JEQ done
	DECQ AX
	MOVQ AX, 0(SP)
	CALL ·deep(SB)
done:
	RET
)";

// Base fixture: runtime up, stack debug switches at their defaults before and after each test.
class RuntimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ensure_runtime();
    stack_debug() = StackDebug{};
  }
  void TearDown() override { stack_debug() = StackDebug{}; }
};

}  // namespace gostack::rt::testing
