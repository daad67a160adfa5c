// Function tables of in-memory images: registered for PC lookup and for the C++ unwinder
// while the Image lives; the NOSPLIT check on the in-memory path.
#include <gtest/gtest.h>
#include <unwind.h>

#include <cstdlib>
#include <stdexcept>

#include "functab/registry.h"
#include "gostack/abi0_call.h"
#include "functab_test_util.h"
#include "object/image.h"

namespace gostack {
namespace {

using functab_test::kOuterSource;
using functab_test::main_options;

int64_t callback_arg = 0;
uintptr_t seen_return_pc = 0;
bool throw_from_callback = false;

_Unwind_Reason_Code second_frame(_Unwind_Context* c, void* depth) {
  if ((*static_cast<int*>(depth))++ == 1) {
    seen_return_pc = _Unwind_GetIP(c);
    return _URC_END_OF_STACK;
  }
  return _URC_NO_REASON;
}

extern "C" __attribute__((noinline)) void functab_image_callback() {
  callback_arg += 1;
  int depth = 0;
  _Unwind_Backtrace(second_frame, &depth);  // frame 0: here; frame 1: the image's function
  if (throw_from_callback) throw std::runtime_error("through the image");
}

const void* resolve(std::string_view name) {
  if (name == "callback") return reinterpret_cast<const void*>(&functab_image_callback);
  if (name == "callback_arg") return &callback_arg;
  return nullptr;
}

TEST(FunctabImage, TableRegisteredWhileImageLives) {
  Diag diag;
  auto img = assemble_image("img.s", kOuterSource, main_options(), resolve, diag);
  ASSERT_NE(img, nullptr);
  const void* outer = img->address("main.outer");
  ASSERT_EQ(img->functab().funcs.size(), 1u);
  EXPECT_EQ(img->functab().funcs[0].entry, reinterpret_cast<uint64_t>(outer));

  seen_return_pc = 0;
  EXPECT_EQ(abi0::call<int64_t>(outer, int64_t{41}), 42);
  // The C++ unwinder stepped from the callback into the image's frame; the registry
  // maps that return address to main.outer, line 8 (the CALL), 24 bytes of frame.
  ASSERT_NE(seen_return_pc, 0u);
  functab::Found f = functab::lookup(seen_return_pc - 1);
  ASSERT_TRUE(f);
  EXPECT_EQ(f.fn->name, "main.outer");
  uint32_t off = static_cast<uint32_t>(seen_return_pc - 1 - f.fn->entry);
  ASSERT_NE(f.fn->line_at(off), nullptr);
  EXPECT_EQ(f.fn->line_at(off)->line, 8);
  EXPECT_EQ(f.table->file(*f.fn->line_at(off)), "img.s");
  EXPECT_EQ(f.fn->sp_delta(off), 24);

  uint64_t pc = f.fn->entry;
  img.reset();
  EXPECT_FALSE(functab::lookup(pc));
}

TEST(FunctabImageDeathTest, ExceptionUnwindsThroughImageFrame) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        Diag diag;
        auto img = assemble_image("img.s", kOuterSource, main_options(), resolve, diag);
        if (img == nullptr) std::_Exit(2);
        throw_from_callback = true;
        try {
          abi0::call<int64_t>(img->address("main.outer"), int64_t{1});
        } catch (const std::runtime_error&) {
          std::_Exit(0);
        }
        std::_Exit(3);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(FunctabImage, NosplitOverflowRejected) {
  Diag diag;
  std::vector<std::string> errors;
  diag.capture(&errors);
  auto img = assemble_image("deep.s", "#include \"textflag.h\"\nTEXT ·a(SB),NOSPLIT,$800-0\n\tRET\n",
                            main_options(), resolve, diag);
  EXPECT_EQ(img, nullptr);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0],
            "deep.s:2: main.a: nosplit stack overflow (over 792 byte limit)\n"
            "\tmain.a<0>\n"
            "\t    grows 808 bytes\n"
            "\t    16 bytes over limit");
}

}  // namespace
}  // namespace gostack
