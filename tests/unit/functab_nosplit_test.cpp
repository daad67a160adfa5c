// The NOSPLIT chain check: boundaries and reports compared with Go 1.19's linker
// (go build at test time), across tables, and through `gostack asm`.
#include <gtest/gtest.h>

#include "asm/assembler.h"
#include "functab/nosplit.h"
#include "functab_test_util.h"
#include "object_test_util.h"

namespace gostack::functab {
namespace {

using namespace objtest;
using functab_test::main_options;

// a calls b; b has a frame of `frame` bytes (plus the BP slot Go adds to a nonzero frame).
std::string chain_source(int frame) {
  return "#include \"textflag.h\"\n"
         "TEXT ·a(SB),NOSPLIT,$0-0\n"
         "\tCALL ·b(SB)\n"
         "\tRET\n"
         "TEXT ·b(SB),NOSPLIT,$" + std::to_string(frame) + "-0\n"
         "\tCALL ·c(SB)\n"
         "\tRET\n"
         "TEXT ·c(SB),NOSPLIT,$0-0\n"
         "\tRET\n";
}

FuncTable table_of(const std::string& src, Unit& unit) {
  Diag diag;
  EXPECT_TRUE(assemble_text(unit, diag, "chain.s", src, main_options()));
  return build(unit, diag);
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

TEST(FunctabNosplit, Boundary) {
  // a: CALL (8) -> b: frame F+8, CALL (8) -> c: leaf. Height = 8 + (F+8) + 8 = F + 24.
  Unit fits_unit, over_unit;
  FuncTable fits = table_of(chain_source(768), fits_unit);  // 792: exactly the limit
  FuncTable over = table_of(chain_source(776), over_unit);  // 800: 8 over
  EXPECT_EQ(nosplit_limit(), 792);
  EXPECT_TRUE(check_nosplit({&fits}).empty());
  auto v = check_nosplit({&over});
  ASSERT_EQ(v.size(), 1u);
  ASSERT_NE(v[0].root, nullptr);
  EXPECT_EQ(v[0].root->name, "main.a");
  EXPECT_EQ(joined(v[0].lines),
            "main.a<0>\n"
            "    grows 8 bytes, calls main.b<0>\n"
            "        grows 792 bytes, calls main.c<0>\n"
            "        8 bytes over limit\n");
}

TEST(FunctabNosplit, CyclesIndirectCallsAndSplittableCallees) {
  Unit unit;
  FuncTable t = table_of(R"(#include "textflag.h"
TEXT ·loop(SB),NOSPLIT,$0-0
	CALL ·loop2(SB)
	RET
TEXT ·loop2(SB),NOSPLIT,$0-0
	CALL ·loop(SB)
	RET
TEXT ·ind(SB),NOSPLIT,$784-0
	CALL AX
	RET
TEXT ·split(SB),$784-0
	CALL ·far(SB)
	RET
)", unit);
  auto v = check_nosplit({&t});
  std::string all;
  for (const auto& x : v) all += joined(x.lines);
  // The indirect call from a 792-byte frame: 792+8 for the call, +8 for morestack.
  EXPECT_NE(all.find("main.ind<0>\n    grows 800 bytes, calls indirect\n"
                     "        grows 8 bytes, calls runtime.morestack<0>\n"
                     "        16 bytes over limit\n"), std::string::npos) << all;
  EXPECT_NE(all.find("infinite cycle"), std::string::npos) << all;
  // A function with a split check restarts the count; `far` is external (height 0).
  EXPECT_EQ(all.find("main.split"), std::string::npos) << all;
}

TEST(FunctabNosplit, AcrossTables) {
  // Each file alone fits (the callee is external to the caller's file); together they do not.
  Unit u1, u2;
  FuncTable t1 = table_of("#include \"textflag.h\"\nTEXT ·top(SB),NOSPLIT,$400-0\n\tCALL ·bottom(SB)\n\tRET\n", u1);
  FuncTable t2 = table_of("#include \"textflag.h\"\nTEXT ·bottom(SB),NOSPLIT,$400-0\n\tRET\n", u2);
  EXPECT_TRUE(check_nosplit({&t1}).empty());
  EXPECT_TRUE(check_nosplit({&t2}).empty());
  auto v = check_nosplit({&t1, &t2});
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(joined(v[0].lines),
            "main.top<0>\n"
            "    grows 416 bytes, calls main.bottom<0>\n"
            "        grows 408 bytes\n"
            "        32 bytes over limit\n");
}

TEST(FunctabNosplit, GostackAsmReportsWithTextLine) {
  TempDir dir;
  write_text(dir / "chain.s", chain_source(776));
  RunResult r = run("cd " + dir.path() + " && " + std::string(GOSTACK_BINARY) + " asm -p main -o chain.o chain.s");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.output,
            "chain.s:2: main.a: nosplit stack overflow (over 792 byte limit)\n"
            "\tmain.a<0>\n"
            "\t    grows 8 bytes, calls main.b<0>\n"
            "\t        grows 792 bytes, calls main.c<0>\n"
            "\t        8 bytes over limit\n"
            "asm: assembly failed\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "chain.o"));
  write_text(dir / "chain.s", chain_source(768));
  r = run("cd " + dir.path() + " && " + std::string(GOSTACK_BINARY) + " asm -p main -o chain.o chain.s");
  EXPECT_EQ(r.status, 0) << r.output;
}

// Go's linker decides the same boundary and prints the same chain.
TEST(FunctabNosplit, SameAsGoLinker) {
  const std::string go = "/usr/lib/go-1.19/bin/go";
  if (!std::filesystem::exists(go)) GTEST_SKIP() << "Go 1.19 not installed";
  for (int frame : {768, 776}) {
    SCOPED_TRACE(frame);
    TempDir dir;
    std::string src = chain_source(frame);
    write_text(dir / "chain_amd64.s", src);
    write_text(dir / "go.mod", "module main\ngo 1.19\n");
    write_text(dir / "main.go", "package main\nfunc a()\nfunc b()\nfunc c()\nfunc main() { a() }\n");
    RunResult g = run("cd " + dir.path() + " && GOCACHE=" + (dir / "cache") + " GOPATH=" + (dir / "gopath") +
                      " GOFLAGS=-mod=mod " + go + " build -o prog .");
    Unit unit;
    FuncTable t = table_of(src, unit);
    auto v = check_nosplit({&t});
    if (frame == 768) {
      EXPECT_EQ(g.status, 0) << g.output;
      EXPECT_TRUE(v.empty());
      continue;
    }
    EXPECT_NE(g.status, 0);
    ASSERT_EQ(v.size(), 1u);
    // Go: "main.a: nosplit stack over 792 byte limit" then the chain (after "# main").
    std::string expect = "main.a: nosplit stack over 792 byte limit\n" + joined(v[0].lines);
    EXPECT_NE(g.output.find(expect), std::string::npos) << g.output;
  }
}

}  // namespace
}  // namespace gostack::functab
