// Shared set-up for the runtime unit tests: the runtime is brought up once per test process.
#pragma once

#include <gtest/gtest.h>

#include "runtime/proc.h"
#include "runtime/stack.h"

namespace gostack::rt::testing {

// The tests run on the process's main thread, which becomes m0 with two Ps.
inline void ensure_runtime() {
  if (!runtime_started()) schedinit(2);
}

inline P* current_p() { return getg()->m->p; }

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
