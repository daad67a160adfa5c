// End to end: Go assembly source through the whole pipeline into an ELF object
// (`gostack asm -o`) linked into C++ programs, and into an in-memory image.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "asm/assembler.h"
#include "gostack/abi0_call.h"
#include "object/elf_writer.h"
#include "object/image.h"
#include "object_test_util.h"

namespace gostack {
namespace {

using namespace objtest;

constexpr const char* kAddSource = R"(#include "textflag.h"

TEXT ·add(SB),NOSPLIT,$0-24
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET
)";

AsmOptions main_options() {
  AsmOptions opts;
  opts.pkgpath = "main";
  opts.parse.builtin_include_dir = std::string(GOSTACK_SOURCE_DIR) + "/include/goasm";
  return opts;
}

std::string gostack_bin() { return GOSTACK_BINARY; }
// Builds `cpp` with the objects and runs it; returns its output.
std::string link_and_run(const TempDir& dir, const std::string& cpp, const std::string& objs) {
  write_text(dir / "main.cpp", cpp);
  RunResult b = run("g++ -std=c++20 -pthread -I" + include_dir() + " " + (dir / "main.cpp") + " " +
                    objs + " -o " + (dir / "prog"));
  EXPECT_EQ(b.status, 0) << b.output;
  if (b.status != 0) return "";
  RunResult r = run(dir / "prog");
  EXPECT_EQ(r.status, 0) << r.output;
  return r.output;
}

TEST(ObjectEndToEnd, AddLinksIntoCpp) {
  if (!have_tool("g++")) GTEST_SKIP() << "g++ not installed";
  TempDir dir;
  write_text(dir / "add.s", kAddSource);
  RunResult a = run("cd " + dir.path() + " && " + gostack_bin() + " asm -p main -o add.o add.s");
  ASSERT_EQ(a.status, 0) << a.output;
  if (have_tool("readelf")) {
    RunResult s = run("readelf -sW " + (dir / "add.o"));
    EXPECT_TRUE(std::regex_search(s.output, std::regex(R"(16 FUNC +GLOBAL +DEFAULT +\d+ main\.add\n)")))
        << s.output;
  }
  std::string out = link_and_run(dir, R"(
#include <cstdint>
#include <cstdio>
#include "gostack/abi0_call.h"
GOSTACK_ABI0_EXTERN(go_add, "main.add");
int main() { std::printf("%lld\n", (long long)gostack::abi0::call<int64_t>(go_add, int64_t{2}, int64_t{40})); }
)",
                                 dir / "add.o");
  EXPECT_EQ(out, "42\n");
}

// Data of every kind, a call, PC-relative references and a TLS read, assembled by gostack.
TEST(ObjectEndToEnd, SampleLinksIntoCpp) {
  if (!have_tool("g++")) GTEST_SKIP() << "g++ not installed";
  TempDir dir;
  write_text(dir / "sample.s", kSampleSource);
  RunResult a = run("cd " + dir.path() + " && " + gostack_bin() + " asm -p main -o sample.o sample.s");
  ASSERT_EQ(a.status, 0) << a.output;
  EXPECT_EQ(link_and_run(dir, kSampleMain, dir / "sample.o"), kSampleExpected);
}

// The pipeline hands the writer what Go's assembler produces (build_sample is checked
// against Go 1.19's listing): same symbols, kinds, flags, bytes and relocations.
TEST(ObjectEndToEnd, AssembledUnitMatchesGo) {
  Unit ours, go;
  Diag diag;
  ASSERT_TRUE(assemble_text(ours, diag, "sample.s", kSampleSource, main_options()));
  build_sample(go);
  auto describe = [](const Unit& u) {
    std::vector<std::string> out;
    for (const auto* list : {&u.text, &u.data}) {
      for (const Symbol* s : *list) {
        std::string d = s->name + (s->is_static ? "<>" : "") + " kind=" +
                        std::to_string(static_cast<int>(s->kind)) + " size=" + std::to_string(s->size) +
                        " dupok=" + std::to_string(s->dupok) + " bytes=";
        for (uint8_t b : s->p) d += std::to_string(b) + ",";
        for (const Reloc& r : s->r) {
          d += " rel " + std::to_string(r.off) + "+" + std::to_string(r.siz) + " t=" +
               std::to_string(static_cast<int>(r.type)) + " " + (r.sym ? r.sym->name : "TLS") + "+" +
               std::to_string(r.add);
        }
        out.push_back(d);
      }
    }
    return out;
  };
  EXPECT_EQ(describe(ours), describe(go));
}

TEST(ObjectEndToEnd, NoPackagePathIsAnError) {
  TempDir dir;
  write_text(dir / "add.s", kAddSource);
  RunResult a = run("cd " + dir.path() + " && " + gostack_bin() + " asm -o add.o add.s");
  EXPECT_EQ(a.status, 1) << a.output;
  EXPECT_NE(a.output.find("cannot write an object for \"\".add without a package path (-p)"),
            std::string::npos)
      << a.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "add.o"));
}

thread_local void* e2e_g_slot = nullptr;


TEST(ImageEndToEnd, SourceRunsInMemory) {
  Diag diag;
  auto img = assemble_image("sample.s", kSampleSource, main_options(),
                            [](std::string_view name) -> const void* {
                              return name == kTlsGSymbol ? &e2e_g_slot : nullptr;
                            },
                            diag);
  ASSERT_NE(img, nullptr);
  using abi0::call;
  EXPECT_EQ(call<int64_t>(img->address("main.add"), int64_t{2}, int64_t{40}), 42);
  for (int64_t i = 0; i < 6; ++i) EXPECT_EQ(call<int64_t>(img->address("main.addk"), i), 200 + i);
  EXPECT_EQ(call<int64_t>(img->address("main.addk"), int64_t{6}), 1206);
  e2e_g_slot = &diag;
  EXPECT_EQ(call<void*>(img->address("main.getg")), static_cast<void*>(&diag));
}

TEST(ImageEndToEnd, UndefinedSymbolsAreListed) {
  std::vector<std::string> msgs;
  Diag diag;
  diag.capture(&msgs);
  auto img = assemble_image("u.s", R"(#include "textflag.h"
TEXT ·f(SB),NOSPLIT,$8-0
	CALL ·g(SB)
	MOVQ runtime·x(SB), AX
	RET
)",
                            main_options(), [](std::string_view) -> const void* { return nullptr; },
                            diag);
  EXPECT_EQ(img, nullptr);
  // Go's linker wording, at the referencing instruction.
  EXPECT_EQ(msgs, (std::vector<std::string>{"u.s:3: main.f: relocation target main.g not defined",
                                            "u.s:4: main.f: relocation target runtime.x not defined"}));
}

TEST(ImageEndToEnd, SyntaxErrorsComeFromTheAssembler) {
  std::vector<std::string> msgs;
  Diag diag;
  diag.capture(&msgs);
  auto img = assemble_image("bad.s", "TEXT ·f(SB),$0\n\tFROB AX\n", main_options(), nullptr, diag);
  EXPECT_EQ(img, nullptr);
  ASSERT_FALSE(msgs.empty());
  EXPECT_EQ(msgs[0].rfind("bad.s:2: ", 0), 0u) << msgs[0];
}

}  // namespace
}  // namespace gostack
