// Whole-file parsing without the Go oracle: functions and their Prog lists, labels and
// N(PC) targets, DATA/GLOBL contents, huge expressions, and error positions.
#include <gtest/gtest.h>

#include "asm/assembler.h"
#include "parse_test_util.h"

namespace gostack {
namespace {

struct Parsed {
  Unit unit;
  Diag diag;
  std::vector<std::string> errors;
  bool ok = false;
};

std::unique_ptr<Parsed> parse(const std::string& text, bool runtime = false) {
  auto p = std::make_unique<Parsed>();
  p->diag.capture(&p->errors);
  ParseOptions opts;
  opts.compiling_runtime = runtime;
  opts.builtin_include_dir = GOSTACK_SOURCE_DIR "/include/goasm";
  try {
    p->ok = parse_text(p->unit, p->diag, "t.s", text, opts);
  } catch (const TooManyErrors&) {
    p->ok = false;
  }
  return p;
}

std::vector<const Prog*> body(const Symbol* s) {
  std::vector<const Prog*> out;
  for (const Prog* p = s->func->text; p != nullptr; p = p->link) out.push_back(p);
  return out;
}

TEST(ParseProgram, FunctionsAndFrames) {
  auto p = parse("#include \"textflag.h\"\n"
                 "TEXT \u00B7a(SB), NOSPLIT|WRAPPER, $24-16\n\tMOVQ x+0(FP), AX\n\tRET\n"
                 "TEXT runtime\u00B7b(SB), $8\n\tRET\n");
  ASSERT_TRUE(p->ok) << p->errors[0];
  ASSERT_EQ(p->unit.text.size(), 2u);
  const Symbol* a = p->unit.text[0];
  EXPECT_EQ(a->name, "\"\".a");
  EXPECT_EQ(a->kind, SymKind::Text);
  EXPECT_TRUE(a->nosplit);
  EXPECT_EQ(a->func->textflags, textflag::kNoSplit | textflag::kWrapper);
  EXPECT_EQ(a->func->args, 16);
  EXPECT_EQ(a->func->locals, 24);
  auto progs = body(a);
  ASSERT_EQ(progs.size(), 3u);
  EXPECT_EQ(progs[0]->as, Op::TEXT);
  EXPECT_EQ(progs[0]->to.type, AddrType::TextSize);
  EXPECT_TRUE(progs[0]->to.argsize_set);
  EXPECT_EQ(progs[1]->as, Op::MOVQ);
  EXPECT_EQ(progs[1]->pos.line, 3);
  EXPECT_EQ(progs[2]->as, Op::RET);
  EXPECT_EQ(progs[2]->link, nullptr);  // the list ends at the next TEXT

  const Symbol* b = p->unit.text[1];
  EXPECT_EQ(b->name, "runtime.b");
  EXPECT_EQ(b->func->args, parse::kArgsSizeUnknown);
  EXPECT_FALSE(body(b)[0]->to.argsize_set);
}

TEST(ParseProgram, LabelsAndPcRelativeTargets) {
  auto p = parse("TEXT \u00B7f(SB), 0, $0\nloop:\n\tDECQ AX\n\tJNZ loop\n\tJMP 2(PC)\n"
                 "\tNOP\n\tJMP done\ndone:\n\tRET\n");
  ASSERT_TRUE(p->ok) << p->errors[0];
  auto progs = body(p->unit.text[0]);
  ASSERT_EQ(progs.size(), 7u);
  EXPECT_EQ(progs[2]->to.type, AddrType::Branch);
  EXPECT_EQ(progs[2]->to.target, progs[1]);  // JNZ loop -> DECQ
  EXPECT_EQ(progs[3]->to.target, progs[5]);  // JMP 2(PC) -> the Prog two ahead
  EXPECT_EQ(progs[5]->to.target, progs[6]);  // JMP done -> RET
  EXPECT_EQ(progs[5]->to.sym, nullptr);
  // A label is looked up by its name: no symbol is made for it.
  EXPECT_EQ(p->unit.find("loop", false), nullptr);
  EXPECT_EQ(p->unit.find("done", false), nullptr);
}

TEST(ParseProgram, InstructionShapes) {
  auto p = parse("TEXT \u00B7f(SB), 0, $0\n\tNEGQ AX\n\tPUSHQ AX\n\tRET\n"
                 "\tVPERMI2B Z1, Z2, K3, Z4\n\tVADDPD.RZ_SAE.Z Z1, Z2, K1, Z3\n\tMULQ DX:AX\n");
  ASSERT_TRUE(p->ok) << p->errors[0];
  auto progs = body(p->unit.text[0]);
  EXPECT_EQ(progs[1]->to.reg, reg::AX);  // NEGQ: a destination
  EXPECT_EQ(progs[1]->from.type, AddrType::None);
  EXPECT_EQ(progs[2]->from.reg, reg::AX);  // PUSHQ: a source
  const Prog* vp = progs[4];
  EXPECT_EQ(vp->from.reg, reg_z(1));
  ASSERT_EQ(vp->rest.size(), 2u);
  EXPECT_EQ(vp->rest[0].addr.reg, reg_z(2));
  EXPECT_EQ(vp->rest[1].addr.reg, reg::K3);
  EXPECT_FALSE(vp->rest[0].is_dest);
  EXPECT_EQ(vp->to.reg, reg_z(4));
  EXPECT_EQ(progs[5]->scond, scond::kRZ_SAE | scond::kZ);
  EXPECT_EQ(progs[6]->from.reg, reg::AX);  // DX:AX is written DX, AX reversed
  EXPECT_EQ(progs[6]->to.reg, reg::DX);
}

TEST(ParseProgram, DataAndGlobl) {
  auto p = parse("#include \"textflag.h\"\n"
                 "DATA t<>+0(SB)/8, $0x0102030405060708\nDATA t<>+8(SB)/4, $1.5\n"
                 "DATA t<>+12(SB)/2, $\"hi\"\nDATA t<>+16(SB)/8, $\u00B7f+4(SB)\n"
                 "GLOBL t<>(SB), RODATA, $24\n"
                 "GLOBL b(SB), NOPTR, $8\nDATA d(SB)/1, $7\nGLOBL d(SB), NOPTR, $1\nGLOBL z(SB), $4\n");
  ASSERT_TRUE(p->ok) << p->errors[0];
  ASSERT_EQ(p->unit.data.size(), 4u);
  const Symbol* t = p->unit.data[0];
  EXPECT_TRUE(t->is_static);
  EXPECT_EQ(t->kind, SymKind::RoData);
  EXPECT_EQ(t->size, 24);
  std::vector<uint8_t> want = {8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0xc0, 0x3f, 'h', 'i', 0, 0,
                               0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(t->p, want);
  ASSERT_EQ(t->r.size(), 1u);
  EXPECT_EQ(t->r[0].off, 16);
  EXPECT_EQ(t->r[0].siz, 8);
  EXPECT_EQ(t->r[0].type, RelocType::Addr);
  EXPECT_EQ(t->r[0].add, 4);
  EXPECT_EQ(t->r[0].sym->name, "\"\".f");
  EXPECT_EQ(p->unit.data[1]->kind, SymKind::NoPtrBss);
  EXPECT_EQ(p->unit.data[2]->kind, SymKind::NoPtrData);
  EXPECT_EQ(p->unit.data[3]->kind, SymKind::Bss);
}

// A string DATA of width 0 is Go's WriteString error; the empty symbol must not be written
// (found by the fuzzer: memcpy into a null buffer, undefined behaviour under UBSan).
TEST(ParseProgram, DataStringWiderThanItsWidth) {
  auto p = parse("DATA \u00B7x+0(SB)/0, $\"abc\"\nGLOBL \u00B7x(SB), $8\n");
  ASSERT_EQ(p->errors.size(), 1u);
  EXPECT_EQ(p->errors[0], "WriteString: bad string size: 0 < 3");
}

// Long and deeply nested constant expressions are evaluated without recursion.
TEST(ParseProgram, HugeExpressions) {
  const int n = 200000;
  auto value_of = [](const std::string& expr) -> std::optional<int64_t> {
    auto p = parse("TEXT \u00B7f(SB), 0, $0\n\tMOVQ $" + expr + ", AX\n");
    if (!p->ok) return std::nullopt;
    return body(p->unit.text[0])[1]->from.offset;
  };
  std::string sum = "1";
  for (int i = 1; i < n; ++i) sum += "+1";
  EXPECT_EQ(value_of(sum), n);
  std::string parens = std::string(n, '(') + "5" + std::string(n, ')');
  EXPECT_EQ(value_of(parens), 5);
  std::string negs = std::string(n, '-') + "3";  // an even count cancels out
  EXPECT_EQ(value_of(negs), 3);
  std::string shifts = "1024";
  for (int i = 1; i < n; ++i) shifts += ">>0";
  EXPECT_EQ(value_of(shifts), 1024);
  std::string floats = "$" + std::string(n, '(') + "1.5" + std::string(n, ')');
  auto p = parse("TEXT \u00B7f(SB), 0, $0\n\tMOVSD " + floats + ", X0\n");
  ASSERT_TRUE(p->ok);
  EXPECT_EQ(body(p->unit.text[0])[1]->from.fval, 1.5);
}

// Each bad input yields its message on the right line, and parsing stops cleanly.
TEST(ParseProgram, ErrorsAtTheirLines) {
  struct Case {
    const char* src;
    const char* want;
  };
  const Case cases[] = {
      {"TEXT \u00B7f(SB), 0, $0\n\tFOO AX\n", "t.s:2: unrecognized instruction \"FOO\""},
      {"TEXT \u00B7f(SB), 0, $0\n\tMOVQ AX, FOO\n",
       "t.s:2: illegal or missing addressing mode for symbol FOO"},
      {"TEXT \u00B7f(SB), 0, $0\n\tMOVQ (AX)(BX*3), CX\n", "t.s:2: bad scale: 3"},
      {"TEXT \u00B7f(SB), 0, $0\nl:\n\tNOP\nl:\n\tRET\n", "t.s:5: label \"l\" multiply defined"},
      {"TEXT \u00B7f(SB), 0, $0\n\tJMP nowhere\n\tRET\n", "t.s:4: undefined label nowhere"},
      {"TEXT \u00B7f(SB), 0, $0\n\tMOVQ 0(FP), AX\n", "t.s:2: cannot reference FP without a symbol"},
      {"TEXT \u00B7f(SB), 0, $0\n\tMOVQ $(1/0), AX\n", "t.s:2: division by zero"},
      {"TEXT \u00B7f(SB), 0, $0\n\tMOVQ $\"ab, AX\n", "t.s:2:8: literal not terminated"},
      {"TEXT \u00B7f<ABIInternal>(SB), 0, $0\n",
       "t.s:1: ABI selector only permitted when compiling runtime, reference was to \"\\\"\\\".f\""},
      {"TEXT \u00B7f(SB), 0, $0\n\tJMP 5(PC)\n", "t.s:2: branch out of range (0x7)"},
      {"#ifdef X\nTEXT \u00B7f(SB), 0, $0\n", "t.s:3: unclosed #ifdef or #ifndef"},
      // Sizes read as strconv.Atoi does (int64); a string's size is held to 1 GiB, where Go
      // would try to allocate it.
      {"DATA d<>+0(SB)/12345678901, $1\n", "t.s:1: bad int size for DATA argument: 12345678901"},
      {"DATA d<>+0(SB)/99999999999999999999, $1\n",
       "t.s:1: bad size for DATA argument: \"99999999999999999999\""},
      {"DATA d<>+0(SB)/12345678901, $\"ab\"\n", "prepwrite: bad off=0 siz=12345678901 s=d"},
      {"\x7f" "ELF\x02\x01", "t.s:1: expected identifier, found \"\\x7f\""},
  };
  for (const Case& c : cases) {
    auto p = parse(c.src);
    EXPECT_FALSE(p->ok) << c.src;
    ASSERT_FALSE(p->errors.empty()) << c.src;
    EXPECT_EQ(p->errors[0], c.want) << c.src;
  }
}

// An N(PC) branch to no instruction is reported once, at its line, by the whole pipeline
// (the frame pass and the encoder add nothing), and a count at the int64 limits wraps as
// Go's arithmetic does instead of overflowing (Go itself panics on these after its message).
TEST(ParseProgram, NumberedBranchOutOfRangeReportedOnce) {
  Unit unit;
  Diag diag;
  std::vector<std::string> errors;
  diag.capture(&errors);
  AsmOptions opts;
  opts.pkgpath = "main";
  const std::string src =
      "TEXT \u00B7f(SB), 0, $0\n\tJMP 5(PC)\n\tJMP 0x7fffffffffffffff(PC)\n"
      "\tJMP -0x8000000000000000(PC)\n\tRET\n";
  EXPECT_FALSE(assemble_text(unit, diag, "t.s", src, opts));
  EXPECT_EQ(errors, (std::vector<std::string>{"t.s:2: branch out of range (0x7)", "t.s:3: branch out of range (0x2)",
                                              "t.s:4: branch out of range (0x4)"}));
}

TEST(ParseProgram, TenErrorsThenStop) {
  std::string src = "TEXT \u00B7f(SB), 0, $0\n";
  for (int i = 0; i < 20; ++i) src += "\tFOO\n";
  auto p = parse(src);
  EXPECT_FALSE(p->ok);
  EXPECT_EQ(p->errors.size(), 11u);  // Diag stops after the eleventh, as Go does
}

}  // namespace
}  // namespace gostack
