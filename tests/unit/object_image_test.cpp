// In-memory images (src/object/image.h): hand-built Units loaded into W^X memory,
// relocated against a resolver, and run through the ABI0 call helper.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "gostack/abi0_call.h"
#include "object/elf_writer.h"
#include "object/image.h"
#include "object_test_util.h"

// Outside symbols the images below reference: an ABI0 function (ret = 2*x) and a variable.
__asm__(R"(
  .text
  .globl image_test_double
  .type image_test_double,@function
image_test_double:
  movq 8(%rsp), %rax
  addq %rax, %rax
  movq %rax, 16(%rsp)
  ret
  .size image_test_double, .-image_test_double
)");
extern "C" void image_test_double();
extern "C" int64_t image_test_bias;
int64_t image_test_bias = 1000;

namespace gostack {
namespace {

using namespace objtest;
using abi0::call;

thread_local void* test_g_slot = nullptr;

const void* sample_resolver(std::string_view name) {
  if (name == kTlsGSymbol) return &test_g_slot;
  if (name == "ext.double") return reinterpret_cast<const void*>(&image_test_double);
  if (name == "ext.bias") return &image_test_bias;
  return nullptr;
}

// Go 1.19's encoding (with -p main) of
//   TEXT ·callext(SB),NOSPLIT,$16-16
//     MOVQ x+0(FP), AX; MOVQ AX, 0(SP); CALL ext·double(SB)
//     MOVQ 8(SP), AX; ADDQ ext·bias(SB), AX; MOVQ AX, ret+8(FP); RET
void build_callext(Unit& u) {
  u.pkgpath = "main";
  Symbol* f = add_text(
      u, "\"\".callext",
      {0x48, 0x83, 0xec, 0x18, 0x48, 0x89, 0x6c, 0x24, 0x10, 0x48, 0x8d, 0x6c, 0x24, 0x10,
       0x48, 0x8b, 0x44, 0x24, 0x20, 0x48, 0x89, 0x04, 0x24, 0xe8, 0x00, 0x00, 0x00, 0x00,
       0x48, 0x8b, 0x44, 0x24, 0x08, 0x48, 0x03, 0x05, 0x00, 0x00, 0x00, 0x00, 0x48, 0x89,
       0x44, 0x24, 0x28, 0x48, 0x8b, 0x6c, 0x24, 0x10, 0x48, 0x83, 0xc4, 0x18, 0xc3});
  add_reloc(f, 24, 4, RelocType::Call, 0, u.lookup("ext.double"));
  add_reloc(f, 36, 4, RelocType::PCRel, 0, u.lookup("ext.bias"));
}

// Protections of the pages in [lo, hi) from /proc/self/maps, e.g. {"r-xp", "r--p", "rw-p"}.
std::vector<std::string> protections(const void* lo_p, size_t size) {
  auto lo = reinterpret_cast<uintptr_t>(lo_p), hi = lo + size;
  std::vector<std::string> out;
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream in(line);
    std::string range, perms;
    in >> range >> perms;
    size_t dash = range.find('-');
    uintptr_t a = std::stoull(range.substr(0, dash), nullptr, 16);
    uintptr_t b = std::stoull(range.substr(dash + 1), nullptr, 16);
    if (a < hi && b > lo) out.push_back(perms);
  }
  return out;
}

TEST(Image, RunsSampleFunctions) {
  Unit u;
  build_sample(u);
  Diag diag;
  auto img = load_image(u, sample_resolver, diag);
  ASSERT_NE(img, nullptr);
  void* add = img->address("main.add");
  void* addk = img->address("main.addk");
  void* getg = img->address("main.getg");
  auto* counter = static_cast<int64_t*>(img->address("main.counter"));
  ASSERT_TRUE(add && addk && getg && counter);
  EXPECT_NE(img->address("main.tab<>"), nullptr);
  EXPECT_EQ(img->address("main.nothing"), nullptr);

  EXPECT_EQ(call<int64_t>(add, int64_t{2}, int64_t{40}), 42);
  EXPECT_EQ(call<int64_t>(add, int64_t{-7}, int64_t{3}), -4);
  for (int64_t i = 0; i < 6; ++i) EXPECT_EQ(call<int64_t>(addk, i), 200 + i);
  EXPECT_EQ(call<int64_t>(addk, int64_t{6}), 1206);  // counter reached 7
  EXPECT_EQ(*counter, 7);

  test_g_slot = reinterpret_cast<void*>(0x1234);
  EXPECT_EQ(call<void*>(getg), reinterpret_cast<void*>(0x1234));
  void* seen = nullptr;
  std::thread([&] {
    test_g_slot = reinterpret_cast<void*>(0x5678);
    seen = call<void*>(getg);
  }).join();
  EXPECT_EQ(seen, reinterpret_cast<void*>(0x5678));
}

TEST(Image, PagesAreNeverWritableAndExecutable) {
  Unit u;
  build_sample(u);
  Diag diag;
  auto img = load_image(u, sample_resolver, diag);
  ASSERT_NE(img, nullptr);
  std::vector<std::string> perms = protections(img->base(), img->size());
  ASSERT_FALSE(perms.empty());
  // Layout: text, then rodata, then data, each on its own pages.
  EXPECT_EQ(perms.front(), "r-xp");
  EXPECT_NE(std::find(perms.begin(), perms.end(), "r--p"), perms.end());
  EXPECT_EQ(perms.back(), "rw-p");
  for (const std::string& p : perms) EXPECT_FALSE(p[1] == 'w' && p[2] == 'x') << p;
  // The rodata table holds main.k's address, filled in by the loader.
  void* k = img->address("main.k");
  EXPECT_EQ(*static_cast<void**>(img->address("main.tab<>")), k);
}

TEST(Image, CallsAndReadsOutsideSymbols) {
  Unit u;
  build_callext(u);
  Diag diag;
  auto img = load_image(u, sample_resolver, diag);
  ASSERT_NE(img, nullptr);
  void* f = img->address("main.callext");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(call<int64_t>(f, int64_t{21}), 1042);
  image_test_bias = -50;
  EXPECT_EQ(call<int64_t>(f, int64_t{5}), -40);
  image_test_bias = 1000;
}

TEST(Image, UndefinedSymbolsAreListed) {
  Unit u;
  build_callext(u);
  Symbol* f = u.text[0];
  add_reloc(f, 24, 4, RelocType::Call, 0, u.lookup("\"\".missing"));
  add_reloc(f, 24, 4, RelocType::Call, 0, u.lookup("\"\".hidden", true));
  std::vector<std::string> msgs;
  Diag diag;
  diag.capture(&msgs);
  auto img = load_image(u, [](std::string_view) -> const void* { return nullptr; }, diag);
  EXPECT_EQ(img, nullptr);
  // One message per target in relocation order; no position, as this unit has no Progs.
  EXPECT_EQ(msgs, (std::vector<std::string>{"main.callext: relocation target ext.double not defined",
                                            "main.callext: relocation target ext.bias not defined",
                                            "main.callext: relocation target main.missing not defined",
                                            "main.callext: relocation target main.hidden<> not defined"}));
}

TEST(Image, BadRelocationIsAnError) {
  Unit u;
  u.pkgpath = "main";
  Symbol* f = add_text(u, "\"\".f", {0x90, 0xc3});
  add_reloc(f, 1, 4, RelocType::PCRel, 0, f);
  std::vector<std::string> msgs;
  Diag diag;
  diag.capture(&msgs);
  EXPECT_EQ(load_image(u, sample_resolver, diag), nullptr);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], "main.f+1: relocation lies outside the symbol's 2 bytes");
}

}  // namespace
}  // namespace gostack
