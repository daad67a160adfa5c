// Function tables and CFI in linked programs: C++ calls an assembled function that calls
// back into C++; the callback unwinds (and throws) through the assembled frame, finds it
// in the linker-collected gostack_functab records, and gdb backtraces through it.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "functab_test_util.h"
#include "object_test_util.h"

namespace gostack {
namespace {

using namespace objtest;
using functab_test::kOuterSource;

constexpr const char* kMain = R"(
#include <unwind.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>
#include "gostack/abi0_call.h"
#include "functab/registry.h"

GOSTACK_ABI0_EXTERN(go_outer, "main.outer");
extern "C" { int64_t callback_arg = 0; }

static std::vector<uintptr_t> pcs;
static _Unwind_Reason_Code step(_Unwind_Context* c, void*) {
  pcs.push_back(_Unwind_GetIP(c));
  return _URC_NO_REASON;
}

extern "C" __attribute__((noinline)) void callback() {
  callback_arg *= 10;
  _Unwind_Backtrace(step, nullptr);
  if (std::getenv("TRAP")) __builtin_trap();
  if (std::getenv("THROW")) throw std::runtime_error("thrown through main.outer");
}

int main() {
  std::printf("tables %ld\n", gostack::functab::register_linked_tables());
  std::printf("result %lld\n", (long long)gostack::abi0::call<int64_t>(go_outer, int64_t{5}));
  bool reached_main = false;
  for (uintptr_t pc : pcs) {
    if (_Unwind_FindEnclosingFunction(reinterpret_cast<void*>(pc)) == reinterpret_cast<void*>(&main)) reached_main = true;
    auto f = gostack::functab::lookup(pc - 1);  // the call instruction
    if (!f) continue;
    const auto* line = f.fn->line_at(static_cast<uint32_t>(pc - 1 - f.fn->entry));
    std::printf("frame %s %.*s:%d sp=%d\n", f.fn->name.c_str(), (int)f.table->file(*line).size(),
                f.table->file(*line).data(), line->line, f.fn->sp_delta(static_cast<uint32_t>(pc - 1 - f.fn->entry)));
  }
  std::printf("reached main %d\n", reached_main);
  setenv("THROW", "1", 1);
  try {
    gostack::abi0::call<int64_t>(go_outer, int64_t{1});
  } catch (const std::exception& e) {
    std::printf("caught: %s\n", e.what());
  }
}
)";

class FunctabLink : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_tool("g++")) GTEST_SKIP() << "g++ not installed";
    write_text(dir_ / "outer.s", kOuterSource);
    RunResult a = run("cd " + dir_.path() + " && " + GOSTACK_BINARY + " asm -p main -o outer.o outer.s");
    ASSERT_EQ(a.status, 0) << a.output;
    write_text(dir_ / "main.cpp", kMain);
    std::string lib = (std::filesystem::path(GOSTACK_BINARY).parent_path() / "libgostack_asm.a").string();
    RunResult b = run("g++ -std=c++20 -g " + std::string(GOSTACK_TEST_LINK_FLAGS) + " -I" + include_dir() + " -I" + std::string(GOSTACK_SOURCE_DIR) + "/src " +
                      (dir_ / "main.cpp") + " " + (dir_ / "outer.o") + " " + lib + " -o " + (dir_ / "prog"));
    ASSERT_EQ(b.status, 0) << b.output;
  }
  TempDir dir_;
};

TEST_F(FunctabLink, UnwindLookupAndThrowThroughAssembledFrame) {
  RunResult r = run(dir_ / "prog");
  ASSERT_EQ(r.status, 0) << r.output;
  // The CALL is on line 8; SP delta 24 there ($16 frame + BP slot).
  EXPECT_EQ(r.output,
            "tables 1\n"
            "result 50\n"
            "frame main.outer outer.s:8 sp=24\n"
            "reached main 1\n"
            "caught: thrown through main.outer\n");
}

TEST_F(FunctabLink, GdbBacktraceThroughAssembledFrame) {
  if (!have_tool("gdb")) GTEST_SKIP() << "gdb not installed";
  RunResult r = run("TRAP=1 gdb -nx -batch -ex run -ex bt " + (dir_ / "prog"));
  // #0 callback  #1 main.outer (gdb may print it Go-style, main[outer])  #2 gostack_abi0_call ... main
  std::regex chain(R"(#0 [^\n]*callback[^\n]*\n#1 [^\n]*main[.\[]outer[^\n]*\n#2 [^\n]*gostack_abi0_call[\s\S]*in main \()");
  EXPECT_TRUE(std::regex_search(r.output, chain)) << r.output;
  EXPECT_EQ(r.output.find("Backtrace stopped"), std::string::npos) << r.output;
}

TEST_F(FunctabLink, ReadelfShowsTheFrameRules) {
  if (!have_tool("readelf")) GTEST_SKIP() << "readelf not installed";
  RunResult r = run("readelf --debug-dump=frames-interp " + (dir_ / "outer.o"));
  // SUBQ $24,SP is 4 bytes at 0; MOVQ BP,16(SP) 5 bytes; MOVQ 16(SP),BP before ADDQ; RET.
  EXPECT_NE(r.output.find("0000000000000004 rsp+32   u     c-8"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("0000000000000009 rsp+32   c-16  c-8"), std::string::npos) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"([0-9a-f]{16} rsp\+8 +u +c-8 +\n)"))) << r.output;
}

}  // namespace
}  // namespace gostack
