// Small sources run through both our front end and Go 1.19's assembler (`asm -debug`):
// the Progs must print identically, and so must every "file:line: message" error,
// including preprocessor failures, scanner complaints and bad input. Skipped without Go.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>

#include "parse_test_util.h"
#include "temp_dir.h"

namespace gostack {
namespace {

namespace fs = std::filesystem;
using testutil::run_command;
using testutil::TempDir;

struct OracleCase {
  std::string name;
  std::map<std::string, std::string> files;  // path (relative to the case dir) -> contents
  std::string flags;                         // extra assembler flags, e.g. "-I inc -D X=2"
  bool runtime = false;
};

struct Outcome {
  std::vector<std::string> progs;
  std::vector<std::string> errors;
};

Outcome run_go(const fs::path& dir, const OracleCase& c) {
  // Go removes its -o file when assembly fails: never point it at /dev/null (as root that
  // deletes the device), write into the case's own directory instead.
  std::string cmd = "cd " + dir.string() + " && " + testutil::kGoAsm + " -debug -p main " +
                    (c.runtime ? "-compiling-runtime " : "") + c.flags +
                    " -o main.o main.s 2>stderr.txt";
  Outcome o;
  o.progs = testutil::go_debug_progs(run_command(cmd));
  // Errors with a source position come from the front end; the ones without (such as
  // "invalid instruction" from Go's encoder) belong to later stages.
  static const std::regex positioned(R"(^[^\s:]+:\d+(:\d+)?: .*)");
  std::ifstream err(dir / "stderr.txt");
  for (std::string l; std::getline(err, l);) {
    if (std::regex_match(l, positioned)) o.errors.push_back(l);
  }
  return o;
}

// Splits "-I dir -D name[=value]" the way the test cases write them.
void apply_flags(const std::string& flags, ParseOptions* opts) {
  std::istringstream in(flags);
  for (std::string f; in >> f;) {
    std::string v;
    in >> v;
    if (f == "-I") {
      opts->include_dirs.push_back(v);
    } else if (f == "-D") {
      size_t eq = v.find('=');
      if (eq == std::string::npos) {
        opts->defines.push_back({v, std::nullopt});
      } else {
        opts->defines.push_back({v.substr(0, eq), v.substr(eq + 1)});
      }
    }
  }
}

Outcome run_ours(const fs::path& dir, const OracleCase& c) {
  fs::path saved = fs::current_path();
  fs::current_path(dir);
  Outcome o;
  Unit unit;
  Diag diag;
  diag.capture(&o.errors);
  ParseOptions opts;
  opts.compiling_runtime = c.runtime;
  apply_flags(c.flags, &opts);
  bool ok = false;
  try {
    ok = parse_file(unit, diag, "main.s", opts);
  } catch (const TooManyErrors&) {
  }
  if (ok) o.progs = testutil::debug_dump(unit);
  fs::current_path(saved);
  return o;
}

void PrintTo(const OracleCase& c, std::ostream* os) { *os << c.name; }

class ParseOracle : public testing::TestWithParam<OracleCase> {};

TEST_P(ParseOracle, SameAsGo) {
  if (!testutil::have_go()) GTEST_SKIP() << "Go 1.19 not installed";
  const OracleCase& c = GetParam();
  const TempDir tmp;
  ASSERT_FALSE(tmp.path().empty()) << "mkdtemp failed";
  const fs::path dir = tmp.path();
  for (const auto& [path, text] : c.files) {
    fs::create_directories((dir / path).parent_path());
    std::ofstream(dir / path, std::ios::binary) << text;
  }
  Outcome go = run_go(dir, c);
  Outcome ours = run_ours(dir, c);
  EXPECT_EQ(ours.errors, go.errors);
  if (go.errors.empty()) {
    EXPECT_EQ(ours.progs, go.progs);
  }
}

OracleCase one(std::string name, std::string text, std::string flags = "") {
  return OracleCase{std::move(name), {{"main.s", std::move(text)}}, std::move(flags)};
}

std::vector<OracleCase> cases() {
  const std::string head = "TEXT \u00B7f(SB), 0, $16-8\n";
  std::vector<OracleCase> v = {
      // Expressions: Go's precedence, uint64 arithmetic, literal forms.
      one("expr_basic", head + "\tMOVQ $(1+2*3), AX\n\tMOVQ $(0x10|0b11^0o7), AX\n"
                               "\tMOVQ $~0, AX\n\tMOVQ $'a', AX\n\tMOVQ $1_000, AX\n"
                               "\tMOVQ $-(-(-3)), AX\n\tMOVQ $(8>>1>>1), AX\n"
                               "\tMOVQ $(1<<63), AX\n\tMOVQ $(7&^2), AX\n\tRET\n"),
      one("expr_shift_ends_term", head + "\tMOVQ $(1<<2*3), AX\n\tRET\n"),
      one("expr_div_zero", head + "\tMOVQ $(7/0), AX\n\tMOVQ $(7%0), AX\n\tRET\n"),
      one("expr_high_bit", head + "\tMOVQ $(-8/2), AX\n\tMOVQ $(-1>>1), AX\n\tRET\n"),
      one("expr_range", head + "\tMOVQ $99999999999999999999, AX\n\tRET\n"),
      one("expr_octal", head + "\tMOVQ $08, AX\n\tRET\n"),
      one("expr_float", head + "\tMOVSD $1.5, X0\n\tMOVSD $(-(2.5e3)), X1\n\tMOVSD $0x1p-2, X2\n\tRET\n"),
      one("expr_missing_paren", head + "\tMOVQ $(1+2, AX\n\tRET\n"),
      // Operand shapes and instruction forms.
      one("operands", head + "\tMOVQ x+0(FP), AX\n\tMOVQ y-8(SP), BX\n\tMOVQ -8(SP), CX\n"
                             "\tMOVQ (TLS), R14\n\tLEAQ 16(AX)(BX*8), DX\n\tMOVQ $\u00B7f(SB), AX\n"
                             "\tMOVQ runtime\u00B7x<>+4(SB), AX\n\tCALL *AX\n\tJMP 2(PC)\n"
                             "\tNOP\n\tNOP\n\tMULQ DX:AX\n\tRET\n"),
      one("avx512", head + "\tVADDPD.Z X1, X2, K1, X3\n\tVADDPD.RN_SAE.Z Z1, Z2, K1, Z3\n"
                           "\tVADDPD.BCST (AX), Z2, Z3\n\tVP4DPWSSD Z5, [Z10-Z13], K1, (AX)\n"
                           "\tVPERMI2B Z1, Z2, K3, Z4\n\tRET\n"),
      one("bad_suffix", head + "\tVADDPD.Q X1, X2, X3\n\tVADDPD.Z.BCST X1, X2, X3\n"
                               "\tVADDPD.SAE.BCST X1, X2, X3\n\tRET\n"),
      one("labels", head + "loop:\n\tDECQ AX\n\tJNZ loop\n\tJMP done\n\tNOP\ndone: RET\n"
                           "TEXT \u00B7g(SB), 0, $0\nloop:\n\tJMP loop\n"),
      one("dup_label", head + "l:\n\tNOP\nl:\n\tRET\n"),
      one("undef_label", head + "\tJMP nowhere\n\tRET\n"),
      one("undef_label_next_text", head + "\tJMP nowhere\n\tRET\nTEXT \u00B7g(SB), 0, $0\n\tRET\n"),
      one("text_forms", "#include \"textflag.h\"\nTEXT \u00B7a(SB), NOSPLIT|NOFRAME, $0\n\tRET\n"
                        "TEXT \u00B7b(SB), $-8-16\n\tRET\nTEXT \u00B7c(SB), DUPOK|WRAPPER, $0-0\n\tRET\n"
                        "TEXT \u00B7d<>(SB), $8\n\tRET\nTEXT \u00B7e(SB), NOSPLIT|TOPFRAME|DUPOK, $0\n\tRET\n",
          "-I " + std::string(testutil::kGoRoot) + "/pkg/include"),
      one("text_errors", "TEXT \u00B7a(SB), $x\nTEXT \u00B7b(SB), $8-x\nTEXT \u00B7c(SB), 4, 8\n"
                         "TEXT \u00B7d(SB), $1, $2\nTEXT \u00B7e+8(SB), $0\n"),
      one("abi_not_runtime", "TEXT \u00B7a<ABIInternal>(SB), 4, $0\n\tRET\n"),
      OracleCase{"abi_runtime", {{"main.s", "TEXT \u00B7a<ABIInternal>(SB), 4, $0\n\tRET\n"
                                            "TEXT \u00B7b<ABIInternal>(SB), 0, $0\n\tRET\n"}},
                 "", true},
      OracleCase{"abi_ref_before_def",
                 {{"main.s", "TEXT \u00B7g(SB), 4, $8\n\tCALL \u00B7f(SB)\n\tRET\n"
                             "TEXT \u00B7f<ABIInternal>(SB), 4, $0\n\tCALL \u00B7f<ABIInternal>(SB)\n\tRET\n"}},
                 "", true},
      OracleCase{"goexperiment",
                 {{"main.s", "#ifdef GOEXPERIMENT_regabiargs\nTEXT \u00B7a(SB), 0, $0\n\tRET\n#endif\n"
                             "#ifdef GOEXPERIMENT_regabiwrappers\nTEXT \u00B7b(SB), 0, $0\n\tRET\n#endif\n"
                             "#ifdef GOEXPERIMENT_unified\nTEXT \u00B7c(SB), 0, $0\n\tRET\n#endif\n"}},
                 "", true},
      one("data_globl", "DATA d<>+0(SB)/8, $1\nDATA d<>+8(SB)/4, $1.5\nDATA d<>+12(SB)/4, $\"ab\"\n"
                        "GLOBL d<>(SB), 8, $16\nDATA d<>+4(SB)/4, $0\nGLOBL e(SB), $x\n"
                        "DATA f(SB)/3, $1\nPCDATA $1\nFUNCDATA $1, $2\n"),
      // Bytes that are not UTF-8 in a string (with and without an escape beside them)
      // and in a character literal: Go's unquoting makes each one U+FFFD.
      one("data_invalid_utf8", "DATA d<>+0(SB)/8, $\"a\\x01\xff" "b\"\nDATA d<>+8(SB)/4, $\"\xfe\"\n"
                               "GLOBL d<>(SB), 8, $16\n" + head + "\tMOVL $'\xff', AX\n\tRET\n"),
      // Go patches forward jumps at each TEXT; the first undefined label stops that and
      // stays pending, so the next TEXT reports it again (not c's own undefined label).
      one("undefined_label_pending",
          "TEXT a(SB), 4, $0\n\tJMP ok\n\tJMP nowhere\nok:\n\tRET\nTEXT b(SB), 4, $0\n\tRET\n"
          "TEXT c(SB), 4, $0\n\tJMP nowhere2\n\tRET\nTEXT d(SB), 4, $0\n\tRET\n"),
      // An empty macro argument leaves the parameter's name in the body (Go's quirk), which
      // may itself be a macro.
      one("macro_empty_argument", "#define a CX\n#define F(a, b) MOVQ a, b\n" + head +
                                      "\tF(, BX)\n\tRET\n"),
      one("macro_empty_argument_error", "#define F(a, b) MOVQ a, b\n" + head + "\tF(, BX)\n\tF(AX, )\n"),
      // Messages quote a mid-file byte-order mark as Go does, and print a NUL token's byte.
      one("bom_mid_file", head + "\tRET\n\xef\xbb\xbf\tRET\n"),
      one("nul_in_operand", head + std::string("\tMOVQ AX\0, BX\n", 14)),
      // Float constants as strconv.ParseFloat reads them: a hexadecimal mantissa needs a 'p'
      // exponent, and '_' only between digits.
      one("float_syntax", "DATA d<>+0(SB)/8, $0xff.5\nDATA d<>+8(SB)/8, $0x1.5e3\n"
                          "DATA d<>+16(SB)/8, $1__0.5\nDATA d<>+24(SB)/8, $1._5\n"
                          "DATA d<>+32(SB)/8, $0x1_0p-2\nDATA d<>+40(SB)/8, $1_0.5\nGLOBL d<>(SB), 8, $48\n"),
      one("pseudo_misc", head + "\tPCDATA $0, $-1\n\tFUNCDATA $0, \u00B7f(SB)\n\tPCALIGN $16\n"
                                "\tBYTE $0x90\n\tWORD $0x9090\n\tLONG $1\n\tQUAD $2\n\tRET\n"),
      // Statement-level errors.
      one("unknown_instruction", head + "\tFOO AX\n\tRET\n"),
      one("unknown_register", head + "\tMOVQ AX, FOO\n\tRET\n"),
      one("bad_scale", head + "\tMOVQ (AX)(BX*3), CX\n\tRET\n"),
      one("fp_without_name", head + "\tMOVQ 0(FP), AX\n\tRET\n"),
      one("pseudo_register", head + "\tMOVQ SB, AX\n\tMOVQ AX, FP\n\tRET\n"),
      one("missing_operand", head + "\tMOVQ AX,\n\tMOVQ , AX\n\tRET\n"),
      one("too_many_operands", head + "\tVADDPD X1, X2, X3, X4, X5, X6\n\tRET\n"),
      one("jump_operands", head + "\tJMP\n\tJMP a, b, c\n\tRET\n"),
      one("many_errors", head + "\tFOO\n\tFOO\n\tFOO\n\tFOO\n\tFOO\n\tFOO\n\tFOO\n\tFOO\n"
                                "\tFOO\n\tFOO\n\tFOO\n\tFOO\n\tFOO\n"),
      one("line_start", head + "\t$1\n"),
      one("build_tag", "//go:build amd64\n" + head + "\tRET\n//go:build linux\n"),
      // Scanner level.
      one("unterminated_string", head + "\tMOVQ $\"abc, CX\n\tRET\n"),
      one("unterminated_comment", head + "\tMOVQ AX, BX /* open\n\tRET\n"),
      one("bad_utf8", head + "\tMOVQ AX, BX // \xff\xfe\n\tRET\n"),
      one("nul_byte", head + "\tMOVQ AX, BX\n\t\x01\n"),
      one("char_literal", head + "\tMOVQ $'ab', AX\n\tRET\n"),
      one("binary", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\x16\x03", 12)),
      one("crlf", "TEXT \u00B7f(SB), 0, $0\r\n\tRET\r\n"),
      one("division_slash", "TEXT sync\u2215atomic\u00B7Add(SB), 0, $0\n\tRET\n"),
      // Preprocessor.
      one("macros", "#define ZERO(r) XORQ r, r\n#define TWO(a, b) ZERO(a); ZERO(b)\n"
                    "#define MULTI \\\n\tNOP \\\n\tNOP\n#define MOVQ MOVL\n" + head +
                    "\tTWO(AX, BX)\n\tMULTI\n\tMOVQ AX, BX\n#undef MOVQ\n\tMOVQ AX, BX\n"
                    "#define E() NOP\n\tE()\n#define N(x) x\n\tMOVQ N((AX)), BX\n\tRET\n"),
      one("macro_no_args", "#define M(a) a\n" + head + "\tMOVQ M, AX\n"),
      one("macro_argcount", "#define M(a,b) MOVQ a, b\n" + head + "\tM(AX)\n"),
      one("macro_unterminated_args", "#define M(a) a\n" + head + "\tMOVQ M(AX\n, BX)\n"),
      one("macro_recursive", "#define A B\n#define B A\n" + head + "\tA\n"),
      one("macro_self", "#define A A\n" + head + "\tA\n"),
      one("macro_redefined", "#define X 1\n#define X 2\n"),
      one("macro_dup_arg", "#define X(a,a) 1\n"),
      one("macro_bad_escape", "#define X \\a\n"),
      one("macro_no_newline", "#define X 1"),
      one("macro_space_paren", "#define A (1)\n" + head + "\tMOVQ $A, AX\n\tRET\n"),
      one("defines", head + "\tMOVQ $X, AX\n\tMOVQ $Y, AX\n#ifdef Z\n\tNOP\n#endif\n\tRET\n",
          "-D X=42 -D Y -D Z"),
      one("ifdef", "#define A\n#ifdef A\n#ifndef B\n" + head + "\tNOP\n#else\n\tFOO\n#endif\n"
                   "#else\n\tFOO\n#ifdef A\n\tFOO\n#endif\n#endif\n#ifdef B\n#define Q(x) x\n"
                   "#include \"missing.h\"\n#endif\n\tRET\n"),
      one("ifdef_unterminated", "#ifdef FOO\n" + head),
      one("else_unmatched", "#else\n"),
      one("endif_unmatched", "#endif\n"),
      one("ifdef_junk", "#ifdef X Y\n#endif\n"),
      one("hash_unknown", "#foo\n"),
      one("hash_not_first", "TEXT x(SB),$0 #define\n"),
      one("undef_unknown", "#undef Y\n"),
      one("include_missing", "#include \"nope.h\"\n"),
      one("include_not_string", "#include foo\n"),
      one("include_self", "#include \"main.s\"\n" + head),
      OracleCase{"include_lookup",
                 {{"main.s", "#include \"sub/a.h\"\n#include \"b.h\"\n" + head + "\tA_MAC\n\tB_MAC\n\tRET\n"},
                  {"sub/a.h", "#define A_MAC NOP\nTEXT \u00B7inc(SB), 0, $0\n\tRET\n"},
                  {"inc/b.h", "#define B_MAC MOVQ AX, BX\n"}},
                 "-I inc"},
      one("line_directive", "#line 10 \"foo.s\"\nTEXT \u00B7f(SB),$0\n\tFOO\n"),
      // Positions after #line print as "name:shifted[outer:physical]", nested and in includes.
      OracleCase{"line_directive_positions",
                 {{"main.s", head + "\tNOP\n#line 99 \"other.s\"\n\tNOP\n\tNOP\n#line 7 \"/abs/x.s\"\n"
                             "\tNOP\n#include \"inc.h\"\n\tNOP\n#line 0 \"zero.s\"\n\tNOP\n\tRET\n"},
                  {"inc.h", "\tNOP\n#line 5 \"gen.s\"\n\tNOP\n"}},
                 ""},
      one("line_number_hex", "#line 0x10 \"a.s\"\n"),
      one("line_number_huge", "#line 99999999999999999999 \"a.s\"\n"),
      one("line_no_name", "#line 7\n"),
  };
  return v;
}

INSTANTIATE_TEST_SUITE_P(Cases, ParseOracle, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<OracleCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace gostack
