// ELF object writer: hand-built Units (bytes and relocations as Go 1.19's assembler
// produces them) written as objects, inspected with readelf/llvm-objdump, and linked into
// C++ programs that call the functions through gostack/abi0_call.h.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <sstream>

#include "asm/assembler.h"
#include "object/elf_writer.h"
#include "object_test_util.h"

namespace gostack {
namespace {

using namespace objtest;

// The hand-built sample is what Go 1.19 really produces (guards the bytes above).
TEST(ElfObject, SampleMatchesGoOracle) {
  const std::string go_asm = "/usr/lib/go-1.19/pkg/tool/linux_amd64/asm";
  if (!std::filesystem::exists(go_asm)) GTEST_SKIP() << "Go 1.19 not installed";
  TempDir dir;
  write_text(dir / "sample.s", kSampleSource);
  RunResult r = run("cd " + dir.path() + " && " + go_asm +
                    " -p main -I /usr/lib/go-1.19/pkg/include -D GOOS_linux -D GOARCH_amd64"
                    " -D GOAMD64_v1 -S -o go.o ./sample.s");
  ASSERT_EQ(r.status, 0) << r.output;

  // Per symbol (by Go's name): the listed bytes and "off+siz t=type name+add" lines.
  std::map<std::string, std::vector<uint8_t>> bytes;
  std::map<std::string, std::vector<std::string>> rels;
  std::regex head(R"(^(\S+) S[A-Z]+ )"), hex(R"(^\t0x[0-9a-f]{4}((?: [0-9a-f]{2})+)  )"),
      rel(R"(^\trel (\d+\+\d+ t=\d+ \S+)$)");
  std::istringstream in(r.output);
  std::string line, cur;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, head)) {
      cur = m[1];
      bytes[cur];
    } else if (std::regex_search(line, m, hex)) {
      std::istringstream hs(m[1].str());
      unsigned v;
      while (hs >> std::hex >> v) bytes[cur].push_back(static_cast<uint8_t>(v));
    } else if (std::regex_search(line, m, rel)) {
      rels[cur].push_back(m[1]);
    }
  }

  Unit u;
  build_sample(u);
  std::vector<Symbol*> all(u.text.begin(), u.text.end());
  all.insert(all.end(), u.data.begin(), u.data.end());
  EXPECT_EQ(bytes.size(), all.size()) << r.output;
  for (Symbol* s : all) {
    ASSERT_TRUE(bytes.count(s->name)) << s->name << "\n" << r.output;
    if (s->kind != SymKind::NoPtrBss) {
      EXPECT_EQ(bytes[s->name], s->p) << s->name;
    }
    std::vector<std::string> ours;
    for (const Reloc& x : s->r) {
      ours.push_back(std::to_string(x.off) + "+" + std::to_string(x.siz) +
                     " t=" + std::to_string(static_cast<int>(x.type)) + " " +
                     (x.sym ? x.sym->name : "TLS") + "+" + std::to_string(x.add));
    }
    EXPECT_EQ(rels[s->name], ours) << s->name;
  }
}

TEST(ElfObject, SymbolNames) {
  Unit u;
  Symbol* add = u.lookup("\"\".add");
  Symbol* st = u.lookup("\"\".tab", true);
  Symbol* rt = u.lookup("runtime.morestack_noctxt");
  Symbol* nested = u.lookup("\"\".T.\"\".m");
  EXPECT_EQ(elf_symbol_name(*add, "main"), "main.add");
  EXPECT_EQ(elf_symbol_name(*add, "example.com/x/y"), "example.com/x/y.add");
  EXPECT_EQ(elf_symbol_name(*st, "main"), "main.tab<>");
  EXPECT_EQ(elf_symbol_name(*rt, "main"), "runtime.morestack_noctxt");
  EXPECT_EQ(elf_symbol_name(*nested, "p"), "p.T.p.m");
}

TEST(ElfObject, HeaderAndLayout) {
  Unit u;
  build_sample(u);
  std::vector<uint8_t> img;
  Diag diag;
  ASSERT_TRUE(write_elf_object(u, img, diag));
  ASSERT_GE(img.size(), 64u);
  EXPECT_EQ(img[0], 0x7f);
  EXPECT_EQ(img[1], 'E');
  EXPECT_EQ(img[4], 2);   // ELFCLASS64
  EXPECT_EQ(img[5], 1);   // little-endian
  EXPECT_EQ(img[16], 1);  // ET_REL
  EXPECT_EQ(img[18], 62); // EM_X86_64
}

class ElfTools : public ::testing::Test {
 protected:
  void SetUp() override {
    build_sample(unit_);
    obj_ = dir_ / "sample.o";
    Diag diag;
    ASSERT_TRUE(write_elf_object(unit_, obj_, diag));
  }
  Unit unit_;
  TempDir dir_;
  std::string obj_;
};

TEST_F(ElfTools, ReadelfSections) {
  if (!have_tool("readelf")) GTEST_SKIP() << "readelf not installed";
  RunResult r = run("readelf -SW " + obj_);
  ASSERT_EQ(r.status, 0) << r.output;
  auto has = [&](const std::string& pattern) {
    return std::regex_search(r.output, std::regex(pattern));
  };
  EXPECT_TRUE(has(R"(\.text\.main\.add +PROGBITS .* AX +0 +0 +32)")) << r.output;
  EXPECT_TRUE(has(R"(\.text\.main\.addk +PROGBITS)")) << r.output;
  EXPECT_TRUE(has(R"(\.rela\.text\.main\.addk +RELA)")) << r.output;
  EXPECT_TRUE(has(R"(\.noptrdata\.main\.k +PROGBITS .* WA )")) << r.output;
  EXPECT_TRUE(has(R"(\.data\.rel\.ro\.main\.tab<> +PROGBITS .* WA )")) << r.output;
  EXPECT_TRUE(has(R"(\.noptrbss\.main\.counter +NOBITS +0+ +[0-9a-f]+ +0+8 .* WA )")) << r.output;
  EXPECT_TRUE(has(R"(\.note\.GNU-stack +PROGBITS +0+ +[0-9a-f]+ +0+ +00 +0 +0 +1)")) << r.output;
  EXPECT_FALSE(has(R"(\.rela\.text\.main\.add )")) << "add has no relocations\n" << r.output;
}

TEST_F(ElfTools, ReadelfSymbols) {
  if (!have_tool("readelf")) GTEST_SKIP() << "readelf not installed";
  RunResult r = run("readelf -sW " + obj_);
  ASSERT_EQ(r.status, 0) << r.output;
  auto has = [&](const std::string& pattern) {
    return std::regex_search(r.output, std::regex(pattern));
  };
  EXPECT_TRUE(has(R"(16 FUNC +GLOBAL +DEFAULT +[0-9]+ main\.add\n)")) << r.output;
  EXPECT_TRUE(has(R"(96 FUNC +GLOBAL +DEFAULT +[0-9]+ main\.addk\n)")) << r.output;
  EXPECT_TRUE(has(R"(8 OBJECT +LOCAL +DEFAULT +[0-9]+ main\.tab<>\n)")) << r.output;
  EXPECT_TRUE(has(R"(8 OBJECT +GLOBAL +DEFAULT +[0-9]+ main\.counter\n)")) << r.output;
  EXPECT_TRUE(has(R"(0 TLS +GLOBAL +DEFAULT +UND gostack_tls_g\n)")) << r.output;
  EXPECT_TRUE(has(R"(0 FILE +LOCAL +DEFAULT +ABS sample\.s\n)")) << r.output;
}

TEST_F(ElfTools, ReadelfRelocations) {
  if (!have_tool("readelf")) GTEST_SKIP() << "readelf not installed";
  RunResult r = run("readelf -rW " + obj_);
  ASSERT_EQ(r.status, 0) << r.output;
  auto has = [&](const std::string& pattern) {
    return std::regex_search(r.output, std::regex(pattern));
  };
  // Go: target + add - (field + 4); ELF: S + A - field. The CMPQ's trailing imm8 is
  // already in Go's add (-1), so its ELF addend is -5.
  EXPECT_TRUE(has(R"(0+1a +[0-9a-f]+ R_X86_64_PC32 +0+ main\.k - 4\n)")) << r.output;
  EXPECT_TRUE(has(R"(0+24 +[0-9a-f]+ R_X86_64_PLT32 +0+ main\.add - 4\n)")) << r.output;
  EXPECT_TRUE(has(R"(0+30 +[0-9a-f]+ R_X86_64_PC32 +0+ main\.tab<> - 4\n)")) << r.output;
  EXPECT_TRUE(has(R"(0+3d +[0-9a-f]+ R_X86_64_PC32 +0+ main\.counter - 4\n)")) << r.output;
  EXPECT_TRUE(has(R"(0+44 +[0-9a-f]+ R_X86_64_PC32 +0+ main\.counter - 5\n)")) << r.output;
  EXPECT_TRUE(has(R"(0+5 +[0-9a-f]+ R_X86_64_TPOFF32 +0+ gostack_tls_g \+ 0\n)")) << r.output;
  EXPECT_TRUE(has(R"(0+0 +[0-9a-f]+ R_X86_64_64 +0+ main\.k \+ 0\n)")) << r.output;
}

TEST_F(ElfTools, ObjdumpDisassembly) {
  if (!have_tool("llvm-objdump")) GTEST_SKIP() << "llvm-objdump not installed";
  RunResult r = run("llvm-objdump -dr --no-show-raw-insn " + obj_);
  ASSERT_EQ(r.status, 0) << r.output;
  auto has = [&](const std::string& pattern) {
    return std::regex_search(r.output, std::regex(pattern));
  };
  EXPECT_TRUE(has(R"(<main\.add>:\n\s+0:\s+movq\s+8\(%rsp\), %rax\n\s+5:\s+addq\s+16\(%rsp\), %rax\n)"
                  R"(\s+a:\s+movq\s+%rax, 24\(%rsp\)\n\s+f:\s+retq)"))
      << r.output;
  EXPECT_TRUE(has(R"(callq\s+0x28 <main\.addk\+0x28>\n\s+0+24:\s+R_X86_64_PLT32\s+main\.add-0x4)"))
      << r.output;
  EXPECT_TRUE(has(R"(movq\s+%fs:0, %rax\n\s+0+5:\s+R_X86_64_TPOFF32\s+gostack_tls_g)")) << r.output;
}

// Links the sample into a C++ program with g++ and runs it.
void link_and_run(const TempDir& dir, const std::string& obj, const std::string& flags) {
  if (!have_tool("g++")) GTEST_SKIP() << "g++ not installed";
  std::string main_cpp = dir / "main.cpp", exe = dir / "prog";
  write_text(main_cpp, kSampleMain);
  RunResult b = run("g++ -std=c++20 -pthread " + flags + " -I" + include_dir() + " " + main_cpp +
                    " " + obj + " -o " + exe);
  ASSERT_EQ(b.status, 0) << b.output;
  RunResult r = run(exe);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output, kSampleExpected);
}

TEST_F(ElfTools, LinksIntoPieProgram) { link_and_run(dir_, obj_, "-pie -fPIE"); }
TEST_F(ElfTools, LinksIntoNonPieProgram) { link_and_run(dir_, obj_, "-no-pie -fno-PIE"); }
TEST_F(ElfTools, LinksWithGcSections) {
  link_and_run(dir_, obj_, "-ffunction-sections -Wl,--gc-sections");
}

// An unreferenced function's section is dropped by --gc-sections.
TEST(ElfObject, GcSectionsDropsUnusedFunction) {
  if (!have_tool("g++")) GTEST_SKIP() << "g++ not installed";
  Unit u;
  build_sample(u);
  add_text(u, "\"\".unused", {0xc3});
  TempDir dir;
  Diag diag;
  ASSERT_TRUE(write_elf_object(u, dir / "s.o", diag));
  write_text(dir / "main.cpp", kSampleMain);
  RunResult b = run("g++ -std=c++20 -pthread -I" + include_dir() + " " + (dir / "main.cpp") + " " +
                    (dir / "s.o") + " -Wl,--gc-sections -Wl,--print-gc-sections -o " + (dir / "prog"));
  ASSERT_EQ(b.status, 0) << b.output;
  EXPECT_NE(b.output.find("'.text.main.unused'"), std::string::npos) << b.output;
  EXPECT_EQ(b.output.find("'.text.main.add'"), std::string::npos) << b.output;
}

// DUPOK symbols defined in two objects link (COMDAT groups keep one copy).
TEST(ElfObject, DupokDefinitionsLinkOnce) {
  if (!have_tool("g++")) GTEST_SKIP() << "g++ not installed";
  TempDir dir;
  for (int i = 0; i < 2; ++i) {
    Unit u;
    u.pkgpath = "main";
    // TEXT ·seven(SB),DUPOK|NOSPLIT,$0-8: MOVQ $7, ret+0(FP); RET
    Symbol* f = add_text(u, "\"\".seven",
                         {0x48, 0xc7, 0x44, 0x24, 0x08, 0x07, 0x00, 0x00, 0x00, 0xc3});
    f->dupok = true;
    Symbol* d = add_data(u, "\"\".table", SymKind::RoData, 8, {1, 2, 3, 4, 5, 6, 7, 8});
    d->dupok = true;
    Diag diag;
    ASSERT_TRUE(write_elf_object(u, dir / ("d" + std::to_string(i) + ".o"), diag));
  }
  if (have_tool("readelf")) {
    RunResult g = run("readelf -gW " + (dir / "d0.o"));
    EXPECT_TRUE(std::regex_search(
        g.output, std::regex(R"(COMDAT group section \[ *\d+\] `\.group' \[main\.seven\] contains 1 sections:\n.*\n.*\.text\.main\.seven\n)")))
        << g.output;
  }
  write_text(dir / "main.cpp", R"(
#include <cstdint>
#include <cstdio>
#include "gostack/abi0_call.h"
GOSTACK_ABI0_EXTERN(go_seven, "main.seven");
extern "C" const unsigned char go_table[8] __asm__("main.table");
int main() { std::printf("%lld %d\n", (long long)gostack::abi0::call<int64_t>(go_seven), go_table[7]); }
)");
  RunResult b = run("g++ -std=c++20 -I" + include_dir() + " " + (dir / "main.cpp") + " " +
                    (dir / "d0.o") + " " + (dir / "d1.o") + " -o " + (dir / "prog"));
  ASSERT_EQ(b.status, 0) << b.output;
  RunResult r = run(dir / "prog");
  EXPECT_EQ(r.output, "7 8\n");
}

// Float constants ($f64.<bits>, made by the frame pass) are weak COMDAT data, so two
// objects using the same constant link.
TEST(ElfObject, FloatConstantsAreSharedAcrossObjects) {
  if (!have_tool("g++")) GTEST_SKIP() << "g++ not installed";
  TempDir dir;
  for (int i = 0; i < 2; ++i) {
    Unit u;
    u.pkgpath = "main";
    // TEXT ·onehalfN(SB),NOSPLIT,$0-8: MOVSD $1.5, X0; MOVSD X0, ret+0(FP); RET (Go 1.19 bytes)
    Symbol* f = add_text(u, "\"\".onehalf" + std::to_string(i),
                         {0xf2, 0x0f, 0x10, 0x05, 0, 0, 0, 0, 0xf2, 0x0f, 0x11, 0x44, 0x24, 0x08, 0xc3});
    Symbol* c = u.lookup("$f64.3ff8000000000000");
    c->kind = SymKind::RoData;
    c->size = 8;
    c->p = {0, 0, 0, 0, 0, 0, 0xf8, 0x3f};
    c->defined = true;
    u.const_syms.push_back(c);
    add_reloc(f, 4, 4, RelocType::PCRel, 0, c);
    Diag diag;
    ASSERT_TRUE(write_elf_object(u, dir / ("c" + std::to_string(i) + ".o"), diag));
  }
  if (have_tool("readelf")) {
    RunResult r = run("readelf -sW " + (dir / "c0.o"));
    EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(8 OBJECT +WEAK +DEFAULT +\d+ \$f64\.3ff8000000000000\n)")))
        << r.output;
  }
  write_text(dir / "main.cpp", R"(
#include <cstdio>
#include "gostack/abi0_call.h"
GOSTACK_ABI0_EXTERN(go_h0, "main.onehalf0");
GOSTACK_ABI0_EXTERN(go_h1, "main.onehalf1");
int main() { std::printf("%g %g\n", gostack::abi0::call<double>(go_h0), gostack::abi0::call<double>(go_h1)); }
)");
  RunResult b = run("g++ -std=c++20 -I" + include_dir() + " " + (dir / "main.cpp") + " " +
                    (dir / "c0.o") + " " + (dir / "c1.o") + " -o " + (dir / "prog"));
  ASSERT_EQ(b.status, 0) << b.output;
  EXPECT_EQ(run(dir / "prog").output, "1.5 1.5\n");
}

TEST(ElfObject, ErrorsAreReported) {
  std::vector<std::string> msgs;
  Diag diag;
  diag.capture(&msgs);
  std::vector<uint8_t> img;

  Unit nopkg;
  add_text(nopkg, "\"\".f", {0xc3});
  EXPECT_FALSE(write_elf_object(nopkg, img, diag));

  Unit bad;
  bad.pkgpath = "main";
  Symbol* f = add_text(bad, "\"\".f", {0xe8, 0, 0, 0, 0, 0xc3});
  add_reloc(f, 3, 4, RelocType::Call, 0, bad.lookup("\"\".g"));              // past the end
  add_reloc(f, 1, 2, RelocType::PCRel, 0, bad.lookup("\"\".g"));             // 2-byte PC-relative
  add_reloc(f, 1, 4, static_cast<RelocType>(3), 0, bad.lookup("\"\".g"));    // no ELF equivalent
  add_reloc(f, 1, 4, RelocType::Call, 0, bad.lookup("\"\".h", true));        // undefined <>
  add_data(bad, "\"\".d", SymKind::Data, 2, {1, 2, 3});
  add_data(bad, "\"\".huge", SymKind::Data, int64_t{1} << 40, {1});
  add_data(bad, "\"\".neg", SymKind::Bss, -8);
  EXPECT_FALSE(write_elf_object(bad, img, diag));

  std::string all;
  for (const auto& m : msgs) all += m + "\n";
  EXPECT_NE(all.find("cannot write an object for \"\".f without a package path (-p)"),
            std::string::npos) << all;
  EXPECT_NE(all.find("main.f: relocation at offset 3 lies outside its 6 bytes"), std::string::npos)
      << all;
  EXPECT_NE(all.find("main.f+1: relocation type 14 with size 2 has no ELF x86-64 equivalent"),
            std::string::npos) << all;
  EXPECT_NE(all.find("main.f+1: relocation type 3 has no ELF x86-64 equivalent"), std::string::npos)
      << all;
  EXPECT_NE(all.find("main.f: reference to undefined file-local symbol main.h<>"), std::string::npos)
      << all;
  EXPECT_NE(all.find("main.d: 3 bytes of data exceed its size 2"), std::string::npos) << all;
  EXPECT_NE(all.find("main.huge: symbol too large (1099511627776 bytes)"), std::string::npos) << all;
  EXPECT_NE(all.find("main.neg: symbol too large (-8 bytes)"), std::string::npos) << all;
}

TEST(ElfObject, UnwritablePathIsAnError) {
  Unit u;
  build_sample(u);
  std::vector<std::string> msgs;
  Diag diag;
  diag.capture(&msgs);
  EXPECT_FALSE(write_elf_object(u, std::string("/nonexistent-dir/x.o"), diag));
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].rfind("open /nonexistent-dir/x.o: ", 0), 0u) << msgs[0];
}

// A failed write reports the error and leaves a device alone.
TEST(ElfObject, WriteErrorKeepsDevices) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  Unit u;
  build_sample(u);
  std::vector<std::string> msgs;
  Diag diag;
  diag.capture(&msgs);
  EXPECT_FALSE(write_elf_object(u, std::string("/dev/full"), diag));
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0], "write /dev/full: No space left on device");
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/full"));
}

}  // namespace
}  // namespace gostack

namespace gostack {
namespace {

// A plain reference to f and a definition of f<ABIInternal> are two symbols in the assembler
// (as in Go), but one name in ELF: the object must not also list main.f as undefined.
TEST(ElfObject, AbiInternalDefinitionSatisfiesAbi0Reference) {
  if (!have_tool("readelf")) GTEST_SKIP() << "readelf not installed";
  Unit u;
  Diag diag;
  AsmOptions opts;
  opts.pkgpath = "main";
  opts.parse.compiling_runtime = true;
  ASSERT_TRUE(assemble_text(u, diag, "abi.s",
                            "TEXT ·caller(SB),4,$0-0\n\tCALL ·f(SB)\n\tRET\n"
                            "TEXT ·f<ABIInternal>(SB),4,$0-0\n\tRET\n",
                            opts));
  TempDir dir;
  std::string obj = dir / "abi.o";
  ASSERT_TRUE(write_elf_object(u, obj, diag));
  RunResult r = run("readelf -sW " + obj);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::regex_search(r.output, std::regex(R"(FUNC +GLOBAL +DEFAULT +[0-9]+ main\.f\n)")))
      << r.output;
  EXPECT_FALSE(std::regex_search(r.output, std::regex(R"(UND main\.f\n)"))) << r.output;
}

}  // namespace
}  // namespace gostack
