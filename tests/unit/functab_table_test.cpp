// Function tables built from assembled source: SP deltas, lines, flags, pointer maps,
// PC lookup, the serialized form, and the CFI compared with Go's linker output.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <regex>
#include <sstream>

#include "asm/assembler.h"
#include "functab/cfi.h"
#include "functab/functab.h"
#include "functab_test_util.h"
#include "object_test_util.h"

namespace gostack::functab {
namespace {

using namespace objtest;
using functab_test::main_options;

constexpr const char* kSource = R"(#include "textflag.h"
#include "funcdata.h"

DATA ·argmap<>+0(SB)/4, $1
DATA ·argmap<>+4(SB)/4, $3
DATA ·argmap<>+8(SB)/1, $5
GLOBL ·argmap<>(SB), RODATA, $12

TEXT ·small(SB),$16-8
	MOVQ x+0(FP), AX
	CALL ·leaf(SB)
	RET

TEXT ·leaf(SB),NOSPLIT,$0-0
	RET

TEXT ·locals(SB),NOSPLIT|WRAPPER,$32-16
	NO_LOCAL_POINTERS
	FUNCDATA $FUNCDATA_ArgsPointerMaps, ·argmap<>(SB)
	PUSHQ AX
	PCDATA $PCDATA_StackMapIndex, $0
	POPQ AX
	RET

TEXT other·f(SB),NOSPLIT|NOFRAME,$0-0
	RET
)";

FuncTable assemble(const char* src, Unit& unit) {
  Diag diag;
  std::vector<std::string> errors;
  diag.capture(&errors);
  EXPECT_TRUE(assemble_text(unit, diag, "t.s", src, main_options())) << ::testing::PrintToString(errors);
  FuncTable t = build(unit, diag);
  EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(errors);
  return t;
}

const FuncEntry& by_name(const FuncTable& t, const std::string& name) {
  for (const FuncEntry& f : t.funcs) {
    if (f.name == name) return f;
  }
  ADD_FAILURE() << "no function " << name;
  static FuncEntry none;
  return none;
}

std::vector<std::pair<uint32_t, int32_t>> runs(const FuncEntry& f) {
  std::vector<std::pair<uint32_t, int32_t>> v;
  for (const SpRun& r : f.pcsp) v.emplace_back(r.pc, r.sp);
  return v;
}

TEST(FunctabBuild, SpDeltasLinesAndFlags) {
  Unit unit;
  FuncTable t = assemble(kSource, unit);
  ASSERT_EQ(t.funcs.size(), 4u);
  const FuncEntry& small = by_name(t, "main.small");
  // Go 1.19's prologue for $16-8 (listing): MOVQ (TLS),R14; CMPQ; JLS; SUBQ $24,SP @0x0f;
  // MOVQ BP,16(SP) @0x13; LEAQ; ...; MOVQ 16(SP),BP; ADDQ $24,SP @0x2c; RET @0x30;
  // CALL morestack @0x31; JMP.
  EXPECT_EQ(runs(small), (std::vector<std::pair<uint32_t, int32_t>>{{0, 0}, {0x13, 24}, {0x30, 0}}));
  EXPECT_EQ(small.size, 0x38u);
  EXPECT_EQ(small.args, 8);
  EXPECT_EQ(small.frame, 24);
  EXPECT_FALSE(small.nosplit());
  EXPECT_EQ(small.sp_delta(0x12), 0);
  EXPECT_EQ(small.sp_delta(0x13), 24);
  EXPECT_EQ(small.sp_delta(0x2f), 24);
  EXPECT_EQ(small.sp_delta(0x30), 0);
  // BP saved after MOVQ BP,16(SP) (0x18) until MOVQ 16(SP),BP ends (0x2c).
  EXPECT_EQ(small.bp_saved, (std::vector<uint32_t>{0x18, 0x2c}));
  ASSERT_NE(small.line_at(0x1d), nullptr);
  EXPECT_EQ(small.line_at(0x1d)->line, 10);  // MOVQ x+0(FP), AX
  EXPECT_EQ(t.file(*small.line_at(0x1d)), "t.s");
  EXPECT_EQ(small.line_at(0x22)->line, 11);  // CALL
  EXPECT_EQ(small.line_at(0x31)->line, 9);   // the morestack call: the TEXT line
  ASSERT_EQ(small.calls.size(), 2u);
  EXPECT_EQ(small.calls[0].target, "main.leaf");
  EXPECT_EQ(small.calls[1].target, "runtime.morestack_noctxt");
  EXPECT_EQ(small.args_map.kind, PtrMapKind::GoDeclaration);
  EXPECT_EQ(small.args_map.symbol, "main.small.args_stackmap");
  EXPECT_EQ(small.locals_map.kind, PtrMapKind::Undeclared);

  const FuncEntry& leaf = by_name(t, "main.leaf");
  EXPECT_EQ(runs(leaf), (std::vector<std::pair<uint32_t, int32_t>>{{0, 0}}));
  EXPECT_TRUE(leaf.nosplit());
  EXPECT_TRUE(leaf.bp_saved.empty());

  const FuncEntry& locals = by_name(t, "main.locals");
  EXPECT_TRUE(locals.flags & textflag::kWrapper);
  EXPECT_TRUE(locals.flags & textflag::kNoSplit);
  EXPECT_EQ(locals.frame, 40);
  EXPECT_EQ(locals.locals_map.kind, PtrMapKind::NoPointers);
  ASSERT_EQ(locals.args_map.kind, PtrMapKind::Bitmap);
  EXPECT_EQ(locals.args_map.symbol, "main.argmap<>");
  EXPECT_EQ(locals.args_map.count, 1);
  EXPECT_EQ(locals.args_map.nbit, 3);
  EXPECT_EQ(locals.args_map.bits, (std::vector<uint8_t>{5}));
  // PUSHQ inside the 40-byte frame: 48 until POPQ.
  int32_t max_sp = 0;
  for (const SpRun& r : locals.pcsp) max_sp = std::max(max_sp, r.sp);
  EXPECT_EQ(max_sp, 48);
  ASSERT_EQ(locals.stackmap_index.size(), 1u);  // index 0 from POPQ on
  EXPECT_EQ(locals.stackmap_index[0].value, 0);

  const FuncEntry& other = by_name(t, "other.f");
  EXPECT_TRUE(other.flags & textflag::kNoFrame);
  EXPECT_EQ(other.args_map.kind, PtrMapKind::Undeclared);  // not a package function: no Go declaration
}

TEST(FunctabBuild, MalformedStackmapIsAnError) {
  Unit unit;
  Diag diag;
  std::vector<std::string> errors;
  diag.capture(&errors);
  ASSERT_TRUE(assemble_text(unit, diag, "bad.s", R"(
DATA ·m<>+0(SB)/4, $4
DATA ·m<>+4(SB)/4, $64
GLOBL ·m<>(SB), 8, $12
TEXT ·f(SB),4,$0-0
	FUNCDATA $1, ·m<>(SB)
	RET
)", main_options()));
  build(unit, diag);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "bad.s:6: stack map main.m<> needs 40 bytes but has size 12");
}

// PCDATA $1 (PCDATA_StackMapIndex) selects the bitmap of the FUNCDATA maps per pc: -1 until
// the first PCDATA, each value from the instruction after its PCDATA on; the prologue's
// `PCDATA $1, $-1` before the morestack call is recorded like any other.
TEST(FunctabBuild, StackMapIndexRuns) {
  Unit unit;
  FuncTable t = assemble(R"(#include "funcdata.h"
DATA ·lm<>+0(SB)/4, $2
DATA ·lm<>+4(SB)/4, $1
DATA ·lm<>+8(SB)/1, $0
DATA ·lm<>+9(SB)/1, $1
GLOBL ·lm<>(SB), 8, $10
TEXT ·f(SB),$8-0
	FUNCDATA $FUNCDATA_LocalsPointerMaps, ·lm<>(SB)
	MOVQ $0, x-8(SP)
	PCDATA $PCDATA_StackMapIndex, $1
	MOVQ SP, x-8(SP)
	PCDATA $PCDATA_StackMapIndex, $0
	PCDATA $PCDATA_StackMapIndex, $1
	CALL ·f(SB)
	RET
)",
                         unit);
  const FuncEntry& f = by_name(t, "main.f");
  ASSERT_EQ(f.locals_map.kind, PtrMapKind::Bitmap);
  EXPECT_EQ(f.locals_map.bits, (std::vector<uint8_t>{0, 1}));
  // Runs: 1 from the second MOVQ (the PCDATA $0 then $1 at one pc collapse to 1, the same
  // value, so no new run), -1 from the morestack call of the prologue's tail.
  ASSERT_EQ(f.stackmap_index.size(), 2u) << ::testing::PrintToString(f.stackmap_index.size());
  EXPECT_EQ(f.stackmap_index[0].value, 1);
  EXPECT_EQ(f.stackmap_index[1].value, -1);
  uint32_t second_movq = f.stackmap_index[0].pc;
  EXPECT_EQ(f.stackmap_index_at(0), -1);
  EXPECT_EQ(f.stackmap_index_at(second_movq - 1), -1);
  EXPECT_EQ(f.stackmap_index_at(second_movq), 1);
  EXPECT_EQ(f.stackmap_index_at(f.stackmap_index[1].pc), -1);
  EXPECT_EQ(f.stackmap_index_at(f.size), -1);
  ASSERT_NE(f.line_at(second_movq), nullptr);
  EXPECT_EQ(f.line_at(second_movq)->line, 11);
}

TEST(FunctabBuild, LookupAndSerializationRoundTrip) {
  Unit unit;
  FuncTable t = assemble(kSource, unit);
  // Lay the functions out as a loader would and serialize them back to back.
  std::vector<uint8_t> blob;
  uint64_t base = 0x100000;
  std::map<std::string, uint64_t> entries;
  uint64_t code = 0x400000;
  for (FuncEntry& f : t.funcs) {
    f.entry = code;
    entries[f.name] = code;
    code += (f.size + 31) / 32 * 32;
    uint32_t field = 0;
    const size_t start = blob.size();
    serialize(t, f, blob, &field);  // appended after the records before it
    ASSERT_EQ((blob.size() - start) % 8, 0u);
    int32_t rel = static_cast<int32_t>(static_cast<int64_t>(f.entry) - static_cast<int64_t>(base + start + field));
    std::memcpy(blob.data() + start + field, &rel, 4);
    blob.resize(blob.size() + 8, 0);  // linker padding between objects
  }
  FuncTable back;
  ASSERT_TRUE(deserialize(blob.data(), blob.size(), base, back));
  ASSERT_EQ(back.funcs.size(), t.funcs.size());
  for (size_t i = 0; i < t.funcs.size(); ++i) {
    const FuncEntry &a = t.funcs[i], &b = back.funcs[i];
    EXPECT_EQ(a.name, b.name);
    EXPECT_EQ(a.entry, b.entry);
    EXPECT_EQ(a.size, b.size);
    EXPECT_EQ(a.args, b.args);
    EXPECT_EQ(a.frame, b.frame);
    EXPECT_EQ(a.flags, b.flags);
    EXPECT_EQ(runs(a), runs(b));
    EXPECT_EQ(a.bp_saved, b.bp_saved);
    EXPECT_EQ(a.args_map.kind, b.args_map.kind);
    EXPECT_EQ(a.args_map.symbol, b.args_map.symbol);
    EXPECT_EQ(a.args_map.bits, b.args_map.bits);
    EXPECT_EQ(a.locals_map.kind, b.locals_map.kind);
    EXPECT_EQ(a.stackmap_index.size(), b.stackmap_index.size());
    for (size_t j = 0; j < a.stackmap_index.size() && j < b.stackmap_index.size(); ++j) {
      EXPECT_EQ(a.stackmap_index[j].pc, b.stackmap_index[j].pc);
      EXPECT_EQ(a.stackmap_index[j].value, b.stackmap_index[j].value);
    }
    ASSERT_EQ(a.pcline.size(), b.pcline.size());
    for (size_t j = 0; j < a.pcline.size(); ++j) {
      EXPECT_EQ(a.pcline[j].line, b.pcline[j].line);
      EXPECT_EQ(back.file(b.pcline[j]), "t.s");
    }
    ASSERT_EQ(a.calls.size(), b.calls.size());
  }
  back.sort_by_entry();
  const uint64_t small = entries["main.small"];
  ASSERT_NE(back.lookup(small + 0x20), nullptr);
  EXPECT_EQ(back.lookup(small + 0x20)->name, "main.small");
  EXPECT_EQ(back.lookup(small + 0x20)->sp_delta(0x20), 24);
  EXPECT_EQ(back.lookup(small - 1), nullptr);
  EXPECT_EQ(back.lookup(small + 0x38), nullptr);  // alignment padding after the function
  // Truncated or corrupted input is rejected, never read out of bounds.
  FuncTable junk;
  EXPECT_FALSE(deserialize(blob.data(), 40, base, junk));
  std::vector<uint8_t> bad = blob;
  bad[44] = 0xff;  // pcsp count of the first record far beyond its size
  bad[45] = 0xff;
  EXPECT_FALSE(deserialize(bad.data(), bad.size(), base, junk));
}

// A blob stores each string once: with 40 call targets (past the small linear search, into
// the hash index), each named twice, every target still reads back and the strings area
// holds each name once.
TEST(FunctabBuild, SerializedStringsSharedPastSixteen) {
  FuncTable t;
  t.files = {"a.s"};
  FuncEntry f;
  f.name = "main.caller";
  f.size = 400;
  f.pcline = {{0, 0, 1}, {4, 0, 2}, {8, 7, 3}};  // file 7 does not exist: "?"
  for (uint32_t i = 0; i < 80; ++i) f.calls.push_back({i * 4, "main.callee" + std::to_string(i % 40)});
  f.calls.push_back({400, ""});
  uint32_t field = 0;
  std::vector<uint8_t> blob;
  serialize(t, f, blob, &field);
  FuncTable back;
  ASSERT_TRUE(deserialize(blob.data(), blob.size(), 0, back));
  ASSERT_EQ(back.funcs.size(), 1u);
  const FuncEntry& b = back.funcs[0];
  EXPECT_EQ(b.name, "main.caller");
  ASSERT_EQ(b.calls.size(), f.calls.size());
  for (size_t i = 0; i < f.calls.size(); ++i) EXPECT_EQ(b.calls[i].target, f.calls[i].target) << i;
  ASSERT_EQ(b.pcline.size(), 3u);
  EXPECT_EQ(back.file(b.pcline[1]), "a.s");
  EXPECT_EQ(back.file(b.pcline[2]), "?");
  const std::string all(blob.begin(), blob.end());
  for (int i = 0; i < 40; ++i) {
    const std::string name = "main.callee" + std::to_string(i) + std::string(1, '\0');
    const size_t at = all.find(name);
    ASSERT_NE(at, std::string::npos) << i;
    EXPECT_EQ(all.find(name, at + 1), std::string::npos) << i;
  }
}

// The CFI folds an SP change and a BP save at the same pc into one row, whichever list
// names the pc first.
TEST(FunctabCfi, ChangesAtOnePcFold) {
  FuncEntry f;
  f.size = 32;
  f.pcsp = {{0, 0}, {1, 8}, {5, 16}, {20, 8}};
  f.bp_saved = {5, 20};
  FuncEntry g = f;
  g.bp_saved = {1, 20};
  std::vector<uint8_t> a, b;
  eh_frame(f, a, nullptr);
  eh_frame(g, b, nullptr);
  // The FDE instructions after the fixed part: advance 1, CFA+16; advance 4, CFA+24, RBP
  // at CFA-16; advance 15, CFA+16, RBP restored (then padding).
  const std::vector<uint8_t> fde_a = {0x41, 0x0e, 16, 0x44, 0x0e, 24, 0x86, 2, 0x4f, 0x0e, 16, 0xc6};
  const std::vector<uint8_t> fde_b = {0x41, 0x0e, 16, 0x86, 2, 0x44, 0x0e, 24, 0x4f, 0x0e, 16, 0xc6};
  auto contains = [](const std::vector<uint8_t>& hay, const std::vector<uint8_t>& needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
  };
  EXPECT_TRUE(contains(a, fde_a));
  EXPECT_TRUE(contains(b, fde_b));
  // Appended after other bytes, a fragment is the same (its offsets are its own).
  std::vector<uint8_t> c(5, 0xaa);
  uint32_t field_a = 0, field_c = 0;
  eh_frame(f, a = {}, &field_a);
  eh_frame(f, c, &field_c);
  EXPECT_EQ(std::vector<uint8_t>(c.begin() + 5, c.end()), a);
  EXPECT_EQ(field_c, field_a);
  // Without a BP save only the SP runs make rows.
  FuncEntry h = f;
  h.bp_saved.clear();
  std::vector<uint8_t> d;
  eh_frame(h, d, nullptr);
  EXPECT_TRUE(contains(d, {0x41, 0x0e, 16, 0x44, 0x0e, 24, 0x4f, 0x0e, 16, 0x00}));
}

// CFA rows (pc offset from the function's start -> CFA offset from RSP) of one FDE in
// llvm-dwarfdump's output, consecutive duplicates dropped.
std::map<std::string, std::vector<std::pair<uint64_t, int>>> cfa_rows(const std::string& dump,
                                                                       const std::map<uint64_t, std::string>& names) {
  std::map<std::string, std::vector<std::pair<uint64_t, int>>> out;
  std::istringstream in(dump);
  std::string line, current;
  uint64_t start = 0;
  std::regex fde(R"(FDE cie=\w+ pc=([0-9a-f]+)\.\.\.([0-9a-f]+))");
  std::regex row(R"(^\s+0x([0-9a-f]+): CFA=RSP\+(\d+))");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, fde)) {
      start = std::stoull(m[1], nullptr, 16);
      auto it = names.find(start);
      current = it == names.end() ? "" : it->second;
    } else if (!current.empty() && std::regex_search(line, m, row)) {
      auto& v = out[current];
      uint64_t pc = std::stoull(m[1], nullptr, 16) - start;
      int cfa = std::stoi(m[2]);
      if (v.empty() || v.back().second != cfa) v.emplace_back(pc, cfa);
    }
  }
  return out;
}

// Go's linker writes .debug_frame from its pcsp tables; ours must give the same CFA at
// every pc, both in the table and in the .eh_frame gostack writes.
TEST(FunctabGoOracle, CfaRowsMatchGoLinkerDebugFrame) {
  const std::string go = "/usr/lib/go-1.19/bin/go";
  if (!std::filesystem::exists(go)) GTEST_SKIP() << "Go 1.19 not installed";
  if (!have_tool("llvm-dwarfdump") || !have_tool("nm")) GTEST_SKIP() << "llvm-dwarfdump/nm not installed";
  TempDir dir;
  std::string src = kSource;
  src.resize(src.find("TEXT other"));
  // Go 1.19's linker takes funcdata only from the compiler's go.func.* symbols.
  src.erase(src.find("\tFUNCDATA $FUNCDATA_ArgsPointerMaps"), std::string("\tFUNCDATA $FUNCDATA_ArgsPointerMaps, ·argmap<>(SB)\n").size());
  write_text(dir / "f_amd64.s", src);
  write_text(dir / "go.mod", "module main\ngo 1.19\n");
  write_text(dir / "main.go", "package main\nfunc small(x int64)\nfunc leaf()\nfunc locals(a, b int64)\n"
                              "func main() { small(1); leaf(); locals(1, 2) }\n");
  RunResult b = run("cd " + dir.path() + " && GOCACHE=" + (dir / "cache") + " GOPATH=" + (dir / "gopath") +
                    " GOFLAGS=-mod=mod GO111MODULE=on " + go + " build -ldflags=-compressdwarf=false -o prog .");
  ASSERT_EQ(b.status, 0) << b.output;
  std::map<uint64_t, std::string> names;
  std::istringstream syms(run("nm " + (dir / "prog")).output);
  for (std::string line; std::getline(syms, line);) {
    std::smatch m;
    if (std::regex_search(line, m, std::regex(R"(^([0-9a-f]+) T (main\.\w+)\.abi0$)"))) {
      names[std::stoull(m[1], nullptr, 16)] = m[2];
    }
  }
  auto go_rows = cfa_rows(run("llvm-dwarfdump --debug-frame " + (dir / "prog")).output, names);

  Unit unit;
  FuncTable t = assemble(src.c_str(), unit);
  for (const char* fn : {"main.small", "main.leaf", "main.locals"}) {
    SCOPED_TRACE(fn);
    ASSERT_TRUE(go_rows.count(fn));
    std::vector<std::pair<uint64_t, int>> ours;
    for (const SpRun& r : by_name(t, fn).pcsp) ours.emplace_back(r.pc, 8 + r.sp);
    EXPECT_EQ(ours, go_rows[fn]);
  }

  // The same rows from the .eh_frame in gostack's object (function addresses are 0 there,
  // so FDEs are told apart by their order: one per function, in source order).
  RunResult a = run("cd " + dir.path() + " && " + std::string(GOSTACK_BINARY) + " asm -p main -o f.o f_amd64.s");
  ASSERT_EQ(a.status, 0) << a.output;
  if (!have_tool("readelf")) GTEST_SKIP() << "readelf not installed";
  // One .eh_frame section per function (readelf shows each; llvm-dwarfdump wants one).
  std::string dump = run("readelf --debug-dump=frames-interp " + (dir / "f.o")).output;
  std::vector<std::vector<std::pair<uint64_t, int>>> fdes;
  std::istringstream in(dump);
  std::smatch m;
  for (std::string line; std::getline(in, line);) {
    if (line.find(" FDE ") != std::string::npos) fdes.push_back({{0, 8}});  // the CIE's rule
    if (!fdes.empty() && std::regex_search(line, m, std::regex(R"(^([0-9a-f]{16}) rsp\+(\d+))"))) {
      int cfa = std::stoi(m[2]);
      if (fdes.back().back().second != cfa) fdes.back().emplace_back(std::stoull(m[1], nullptr, 16), cfa);
    }
  }
  ASSERT_EQ(fdes.size(), 3u) << dump;
  EXPECT_EQ(fdes[0], go_rows["main.small"]);
  EXPECT_EQ(fdes[1], go_rows["main.leaf"]);
  EXPECT_EQ(fdes[2], go_rows["main.locals"]);
}

}  // namespace
}  // namespace gostack::functab
