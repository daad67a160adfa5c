// The lexer and preprocessor on their own: token kinds and texts, line counting,
// macros, includes, conditionals, and the exact file:line of their errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "lex/input.h"
#include "lex/tokenizer.h"
#include "temp_dir.h"

namespace gostack::lex {
namespace {

namespace fs = std::filesystem;

// A token with its own copy of the text (the Input that produced it is gone).
struct OwnedToken {
  Tok kind;
  std::string text;
};

struct Scanned {
  std::vector<OwnedToken> tokens;  // after preprocessing, '\n' included
  std::vector<int> lines;     // Input::line() at each token
  std::vector<std::string> messages;
  std::string fatal;  // "file:line: msg" of a LexError, if any
};

Scanned scan(const std::string& text, std::vector<std::string> include_dirs = {},
             std::vector<std::string> defines = {}, std::string fallback_include_dir = "") {
  Scanned out;
  InputConfig cfg;
  cfg.include_dirs = std::move(include_dirs);
  cfg.fallback_include_dir = std::move(fallback_include_dir);
  cfg.register_file = [](const PosBase&) { return 0u; };
  cfg.report = [&out](const std::string& m) { out.messages.push_back(m); };
  Input in(cfg);
  for (const std::string& d : defines) EXPECT_FALSE(in.predefine(d).has_value()) << d;
  in.push_file("t.s", text);
  try {
    for (Tok t = in.next(); t != tok::kEOF; t = in.next()) {
      out.tokens.push_back(OwnedToken{t, std::string(in.text())});
      out.lines.push_back(in.line());
    }
  } catch (const LexError& e) {
    out.fatal = e.file + ":" + std::to_string(e.line) + ": " + e.msg;
  }
  return out;
}

std::string texts(const Scanned& s) {
  std::string out;
  for (const OwnedToken& t : s.tokens) {
    if (!out.empty()) out += ' ';
    out += t.kind == '\n' ? "\\n" : t.text;
  }
  return out;
}

TEST(Lex, TokenKinds) {
  TokenList list = tokenize("MOVQ $0x1F, 8(SP) 'a' \"s\" 1.5e3 x<<2>>1 a->b c@>d");
  const std::vector<Token>& t = list.tokens;
  std::vector<Tok> kinds;
  for (const Token& tk : t) kinds.push_back(tk.kind);
  std::vector<Tok> want = {tok::kIdent, '$', tok::kInt, ',', tok::kInt, '(', tok::kIdent, ')',
                           tok::kChar, tok::kString, tok::kFloat, tok::kIdent, tok::kLsh,
                           tok::kInt, tok::kRsh, tok::kInt, tok::kIdent, tok::kArr, tok::kIdent,
                           tok::kIdent, tok::kRot, tok::kIdent};
  EXPECT_EQ(kinds, want);
  EXPECT_EQ(t[12].text, "<<");
  EXPECT_EQ(t[14].text, ">>");
}

TEST(Lex, MiddleDotAndDivisionSlash) {
  TokenList list = tokenize("\u00B7f runtime\u00B7g sync\u2215atomic\u00B7Add");
  const std::vector<Token>& t = list.tokens;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "\"\".f");
  EXPECT_EQ(t[1].text, "runtime.g");
  EXPECT_EQ(t[2].text, "sync/atomic.Add");
  EXPECT_EQ(t[2].kind, tok::kIdent);
}

// make_token rewrites into its store only what holds a stand-in (or starts with the middle
// dot); other non-ASCII text is returned as the same view. Many rewrites fill several of the
// store's chunks, and each text stays valid.
TEST(Lex, MakeTokenRewritesIntoTheStore) {
  TextStore store;
  const std::string plain = "caf\u00E9", str = "\"a\u00B7b\u2215c\"";
  EXPECT_EQ(make_token(tok::kIdent, plain, store).text.data(), plain.data());
  EXPECT_EQ(make_token(tok::kString, str, store).text, "\"a.b/c\"");
  EXPECT_EQ(make_token(tok::kIdent, "\u00B7", store).text, "\"\".");
  EXPECT_EQ(make_token(tok::kString, "\u00B7", store).text, ".");
  EXPECT_EQ(make_token(tok::kInt, "\u00B7", store).text, "\u00B7");  // never rewritten
  std::vector<std::string_view> made;
  std::vector<std::string> want;
  for (int i = 0; i < 2000; ++i) {
    std::string name = "pkg" + std::to_string(i) + "\u00B7f";
    made.push_back(make_token(tok::kIdent, name, store).text);
    want.push_back("pkg" + std::to_string(i) + ".f");
  }
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(made[i], want[i]);
}

TEST(Lex, NumbersAsGoScansThem) {
  for (const char* s : {"0", "0x1f", "0X1F", "0b101", "0o17", "017", "1_000", "0x_ff"}) {
    TokenList list = tokenize(s);
  const std::vector<Token>& t = list.tokens;
    ASSERT_EQ(t.size(), 1u) << s;
    EXPECT_EQ(t[0].kind, tok::kInt) << s;
    EXPECT_EQ(t[0].text, s);
  }
  for (const char* s : {"1.5", ".5", "1e9", "0x1p-2", "2.5E+3"}) {
    TokenList list = tokenize(s);
  const std::vector<Token>& t = list.tokens;
    ASSERT_EQ(t.size(), 1u) << s;
    EXPECT_EQ(t[0].kind, tok::kFloat) << s;
  }
}

TEST(Lex, CommentsAndLineCounting) {
  Scanned s = scan("A // one\n/* two\nthree */ B\nC /* x */ D\n");
  EXPECT_EQ(texts(s), "A \\n B \\n C D \\n");
  // A on line 1; B follows a comment holding a newline: line 3.
  EXPECT_EQ(s.lines[0], 1);
  EXPECT_EQ(s.lines[2], 3);
  EXPECT_EQ(s.lines[4], 4);
}

// One-character tokens and ASCII identifiers (after blanks) followed by plain ASCII take
// Tokenizer::next's fast path; followed by UTF-8, NUL or the end of the text, the general
// one. Both give the same tokens and lines.
TEST(Lex, OneCharacterTokensAndWhatFollows) {
  TokenList words = tokenize(" \t\rab_1 c\u00B7d e\u00E9 \u00B7f x_\u2215y z");
  std::vector<std::string> names;
  for (const Token& t : words.tokens) names.emplace_back(t.text);
  EXPECT_EQ(names, (std::vector<std::string>{"ab_1", "c.d", "e\u00E9", "\"\".f", "x_/y", "z"}));
  // Integers: the plain ones whole; octal, floats, '_' and suffixes by the general scanner.
  TokenList nums = tokenize("7 0,0x1F)0Xa 010 1.5 0x 1_0 9e2 0b1 12\u00B7");
  std::vector<std::pair<Tok, std::string>> got_nums;
  for (const Token& t : nums.tokens) got_nums.emplace_back(t.kind, std::string(t.text));
  EXPECT_EQ(got_nums, (std::vector<std::pair<Tok, std::string>>{
                          {tok::kInt, "7"}, {tok::kInt, "0"}, {',', ","}, {tok::kInt, "0x1F"},
                          {')', ")"}, {tok::kInt, "0Xa"}, {tok::kInt, "010"}, {tok::kFloat, "1.5"},
                          {tok::kInt, "0x"}, {tok::kInt, "1_0"}, {tok::kFloat, "9e2"},
                          {tok::kInt, "0b1"}, {tok::kInt, "12"}, {tok::kIdent, "\"\"."}}));
  TokenList list = tokenize("(\u00B7x)+\n;,");
  std::vector<std::string> got;
  for (const Token& t : list.tokens) got.emplace_back(t.text);
  EXPECT_EQ(got, (std::vector<std::string>{"(", "\"\".x", ")", "+", "\n", ";", ","}));
  Scanned s = scan("A(\n)\n\n;B\n,");
  EXPECT_EQ(texts(s), "A ( \\n ) \\n \\n ; B \\n ,");
  EXPECT_EQ(s.lines, (std::vector<int>{1, 1, 2, 2, 3, 4, 4, 4, 5, 5}));
  // Read as the lookahead of ',', the NUL is reported at the ',' (as before this path).
  Scanned nul = scan(std::string("A,\0B\n", 5));
  EXPECT_EQ(nul.messages, (std::vector<std::string>{"t.s:1:2: invalid character NUL"}));
}

TEST(Lex, SemicolonsAndCarriageReturns) {
  Scanned s = scan("A; B\r\nC\n");
  EXPECT_EQ(texts(s), "A ; B \\n C \\n");
}

TEST(Lex, ObjectAndFunctionMacros) {
  Scanned s = scan("#define ONE 1\n#define ADD(a, b) a+b\nX ONE ADD(ONE, (2,3))\n");
  EXPECT_EQ(texts(s), "# # X 1 1 + ( 2 , 3 ) \\n");
  EXPECT_EQ(s.fatal, "");
}

// Arguments of one token are put in place in a copy of the body, longer ones spliced in;
// an empty argument leaves the parameter's name, as in Go. Nested calls expand inside out.
TEST(Lex, ArgumentsShortLongAndEmpty) {
  Scanned s = scan(
      "#define F(a, b) a+b*a\n"
      "#define G(x) F(x, x) x\n"
      "F(R1, 2)\nF(, y)\nF(R1 R2, (3))\nF(a, )\nG(Z)\nG((Z))\n");
  EXPECT_EQ(s.fatal, "");
  EXPECT_EQ(texts(s),
            "# # R1 + 2 * R1 \\n a + y * a \\n R1 R2 + ( 3 ) * R1 R2 \\n a + b * a \\n "
            "Z + Z * Z Z \\n ( Z ) + ( Z ) * ( Z ) ( Z ) \\n");
}

// Input::ident_is_made lets the parser skip make_token; it must never skip a rewrite. The
// cases: a file's identifiers (ASCII or not), a macro body's, an argument's, and the one read
// ahead after a function-like macro named without arguments, which Go gives the previous
// token's text (here the raw "·f").
TEST(Lex, IdentIsMadeOnlyWhenMakeTokenKeepsIt) {
  InputConfig cfg;
  cfg.register_file = [](const PosBase&) { return 0u; };
  cfg.report = [](const std::string&) {};
  Input in(cfg);
  in.push_file("t.s", "#define B runtime·b x\n#define F(a) a\nMOVQ ·f, AX\nB F(·g y)\n·f F ·h\n");
  std::vector<std::string> made, raw;
  for (Tok t = in.next(); t != tok::kEOF; t = in.next()) {
    if (t != tok::kIdent) continue;
    TextStore store;
    const std::string text(in.text());
    if (in.ident_is_made()) {
      EXPECT_EQ(make_token(t, text, store).text, text);
      made.push_back(text);
    } else {
      raw.push_back(text);
    }
  }
  EXPECT_EQ(made, (std::vector<std::string>{"MOVQ", "AX", "runtime.b", "x", "\"\".g", "y"}));
  EXPECT_EQ(raw, (std::vector<std::string>{"·f", "·f", "·f"}));
}

// Arguments may run past the end of the expansion that started the call; each expansion's
// tokens stay valid while it is read, nested or not.
TEST(Lex, ArgumentsCrossExpansionEnds) {
  Scanned s = scan("#define F(a) <a>\n#define G F(\n#define H(x) F(x\nG 1) H(2)) F(F(3))\n");
  EXPECT_EQ(texts(s), "# # # < 1 > < 2 > < < 3 > > \\n");
  EXPECT_EQ(s.fatal, "");
}

// Plain "#define NAME VALUE" lines take a shortcut through the scanner; what follows them
// must not notice (tokens, lines, scanner messages and their columns).
TEST(Lex, PlainDefineLines) {
  // A run of such lines is read at once and returns one '#' (the parser skips it): here A
  // to D, while E (an octal value) takes the general path.
  Scanned s = scan("#define A 1\n# define\tB\n#define C 0x1F \n#define D A\n#define E 07\nA B C D E\n");
  EXPECT_EQ(texts(s), "# # 1 0x1F 1 07 \\n");
  EXPECT_EQ(s.lines[5], 6);
  EXPECT_EQ(s.fatal, "");
  s = scan("#ifdef Z\n#define A 1\n#endif\n#ifdef A\nX\n#endif\nY\n");
  EXPECT_EQ(texts(s), "# # # # # Y \\n");
  // The same line through the general path (an octal value stops the shortcut) agrees.
  for (const char* tail : {"\xff B\n", "\n\n\x01\n", "\t'ab'\n", "", "A"}) {
    Scanned fast = scan(std::string("#define A 17\n") + tail);
    Scanned slow = scan(std::string("#define A 07\n") + tail);
    EXPECT_EQ(fast.tokens.size(), slow.tokens.size()) << tail;
    EXPECT_EQ(fast.lines, slow.lines) << tail;
    EXPECT_EQ(fast.messages, slow.messages) << tail;
    EXPECT_EQ(fast.fatal, slow.fatal) << tail;
  }
  // A scanner message right after the line is placed at its newline, as text/scanner does.
  EXPECT_EQ(scan("#define A 1\n\xff\n").messages, std::vector<std::string>{"t.s:1:12: invalid UTF-8 encoding"});
  EXPECT_EQ(scan("#define A 1\n#define A 2\n").fatal, "t.s:3: redefinition of macro: A");
  EXPECT_EQ(scan("#define A 1").fatal, "t.s:1: missing newline in definition for macro: A");
  // Within a run: the error names the line after the redefinition, as on the general path.
  EXPECT_EQ(scan("#define A 1\n#define B 2\n#define C 3\n#define B 4\n#define D 5\n").fatal,
            "t.s:5: redefinition of macro: B");
  EXPECT_EQ(scan("#define A 1\n#define B 2\n#define C 3\n#define B(x) 4\n").fatal,
            "t.s:5: redefinition of macro: B");
  // A run stops at anything else: a line not starting with '#', an #undef, a last line
  // without its newline.
  s = scan("#define A 1\n#define B A\n#undef A\n#define A 2\n \t#define C 3\nA B C\n#define D 4");
  EXPECT_EQ(texts(s), "# # # # 2 2 3 \\n");
  EXPECT_EQ(s.lines[4], 6);
  EXPECT_EQ(s.fatal, "t.s:7: missing newline in definition for macro: D");
  // A long run is read in batches (of 64): names and lines stay right across them.
  std::string many;
  for (int i = 0; i < 200; ++i) many += "#define N" + std::to_string(i) + " " + std::to_string(i) + "\n";
  s = scan(many + "N0 N63 N64 N199\n");
  EXPECT_EQ(texts(s), "# 0 63 64 199 \\n");
  EXPECT_EQ(s.lines[4], 201);
  EXPECT_EQ(scan(many + "#define N130 1\n").fatal, "t.s:202: redefinition of macro: N130");
  EXPECT_EQ(scan(many.substr(0, many.find("#define N100 ")) + "#define N5 1\n" + many).fatal,
            "t.s:102: redefinition of macro: N5");
}

TEST(Lex, MacroParenMustTouchName) {
  Scanned s = scan("#define A (x)\nA\n");
  EXPECT_EQ(texts(s), "# ( x ) \\n");
  // Go compares columns: a comment between keeps the '(' away, unless it holds a newline
  // after which the '(' lands in the column after the name's (Go 1.19 agrees).
  EXPECT_EQ(texts(scan("#define B/* c */(x) x\nB\n")), "# ( x ) x \\n");
  EXPECT_EQ(texts(scan("#define C/*\n*/       (x) x\nC(2)\n")), "# 2 \\n");
}

TEST(Lex, ContinuedMacroKeepsNewlines) {
  Scanned s = scan("#define M A \\\n\tB\nM\nC\n");
  EXPECT_EQ(texts(s), "# A \\n B \\n C \\n");
  // Tokens of the expansion report the line of the use; C is on line 4.
  EXPECT_EQ(s.lines[1], 3);
  EXPECT_EQ(s.lines.back(), 5);
}

TEST(Lex, MacroShadowsMnemonicAndUndef) {
  Scanned s = scan("#define MOVQ MOVL\nMOVQ\n#undef MOVQ\nMOVQ\n");
  EXPECT_EQ(texts(s), "# MOVL \\n # MOVQ \\n");
}

TEST(Lex, CommandLineDefines) {
  Scanned s = scan("X Y\n", {}, {"X=4+4", "Y"});
  EXPECT_EQ(texts(s), "4 + 4 1 \\n");
}

TEST(Lex, BadCommandLineDefine) {
  InputConfig cfg;
  cfg.register_file = [](const PosBase&) { return 0u; };
  cfg.report = [](const std::string&) {};
  Input in(cfg);
  EXPECT_EQ(in.predefine("1x").value_or(""), "parsing -D: \"1\" is not a valid identifier name");
}

TEST(Lex, Conditionals) {
  Scanned s = scan("#define A\n#ifdef A\nX\n#ifndef A\nY\n#else\nZ\n#endif\n#else\nW\n#endif\nV\n");
  EXPECT_EQ(texts(s), "# # X \\n # # Z \\n # # # V \\n");
}

TEST(Lex, IncludeSearchOrder) {
  const testutil::TempDir tmp;
  const fs::path dir = tmp.path();
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  std::ofstream(dir / "a" / "x.h") << "FROM_A\n";
  std::ofstream(dir / "b" / "x.h") << "FROM_B\n";
  std::ofstream(dir / "b" / "y.h") << "Y_B\n";
  Scanned s = scan("#include \"x.h\"\n#include \"y.h\"\n", {(dir / "a").string(), (dir / "b").string()});
  EXPECT_EQ(texts(s), "# FROM_A \\n # Y_B \\n");
}

// Each bad input stops with one message at the right line.
TEST(Lex, FatalErrors) {
  struct Case {
    const char* src;
    const char* want;
  };
  const Case cases[] = {
      {"#ifdef X\nA\n", "t.s:3: unclosed #ifdef or #ifndef"},
      {"#define A B\n#define B A\nA\n", "t.s:3: recursive macro invocation"},
      {"#define M(a,b) a\nM(1)\n", "t.s:2: wrong arg count for macro M"},
      {"#define M(a) a\nM(1\n)\n", "t.s:3: unterminated arg list invoking macro: M"},  // after the newline
      {"#define X 1\n#define X 2\n", "t.s:3: redefinition of macro: X"},
      {"#else\n", "t.s:2: unmatched #else"},
      {"#endif\n", "t.s:2: unmatched #endif"},
      {"#bogus\n", "t.s:1: unexpected token after '#': bogus"},
      {"A #define\n", "t.s:1: '#' must be first item on line"},
      {"#ifdef X Y\n", "t.s:1: expected newline after #if[n]def ; got \"Y\""},
      {"#define X \\a\n", "t.s:1: can only escape \\ or \\n in definition for macro: X"},
      {"#define X 1", "t.s:1: missing newline in definition for macro: X"},
      {"#undef Q\n", "t.s:1: #undef for undefined macro: Q"},
      {"#include \"/nonexistent/q.h\"\n",
       "t.s:2: #include: open /nonexistent/q.h: no such file or directory"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(scan(c.src).fatal, c.want) << c.src;
  }
}

// A directory named by #include opens, so the search stops there; it reads as nothing, and
// the read error is the scanner's complaint at the header's 1:1 (as Go prints it), not an
// exception (the fuzzer found that once).
TEST(Lex, IncludeOfADirectory) {
  const testutil::TempDir tmp;
  const fs::path dir = tmp.path();
  fs::create_directories(dir / "sub");
  Scanned s = scan("#include \"sub\"\nA\n", {dir.string()});
  EXPECT_EQ(s.fatal, "");
  EXPECT_EQ(texts(s), "# A \\n");
  EXPECT_EQ(s.messages, std::vector<std::string>{"sub:1:1: read " + (dir / "sub").string() + ": is a directory"});
}

// gostack's own headers are searched after Go's include path, and a miss there leaves the
// error Go gives: that of its last include directory.
TEST(Lex, FallbackIncludeDirectory) {
  const testutil::TempDir tmp;
  const fs::path dir = tmp.path();
  fs::create_directories(dir / "own");
  fs::create_directories(dir / "go");
  std::ofstream(dir / "own" / "f.h") << "OWN\n";
  std::ofstream(dir / "go" / "g.h") << "GO\n";
  std::ofstream(dir / "own" / "g.h") << "SHADOWED\n";
  auto scan_with_fallback = [&](const std::string& text) {
    return scan(text, {(dir / "go").string()}, {}, (dir / "own").string());
  };
  EXPECT_EQ(texts(scan_with_fallback("#include \"f.h\"\n#include \"g.h\"\n")), "# OWN \\n # GO \\n");
  EXPECT_EQ(scan_with_fallback("#include \"none.h\"\n").fatal,
            "t.s:2: #include: open " + (dir / "go" / "none.h").string() + ": no such file or directory");
}

TEST(Lex, SelfIncludeStops) {
  const testutil::TempDir tmp;
  const fs::path dir = tmp.path();
  std::ofstream(dir / "self.h") << "#include \"self.h\"\n";
  Scanned s = scan("#include \"self.h\"\n", {dir.string()});
  EXPECT_EQ(s.fatal, "self.h:2: input recursion");
}

// Macros that double their output at every level (a "billion laughs") end in an error once
// their expansions have produced kMaxExpandedTokens tokens, instead of running until memory
// is gone, as Go's asm does.
TEST(Lex, ExponentialMacroExpansionStops) {
  std::string text = "#define A0 x x\n";
  for (int i = 1; i <= 30; i++)
    text += "#define A" + std::to_string(i) + " A" + std::to_string(i - 1) + " A" + std::to_string(i - 1) + "\n";
  text += "A30\n";
  InputConfig cfg;
  cfg.register_file = [](const PosBase&) { return 0u; };
  cfg.report = [](const std::string&) {};
  Input in(cfg);
  in.push_file("t.s", text);
  uint64_t n = 0;
  std::string fatal;
  try {
    while (in.next() != tok::kEOF) n++;
  } catch (const LexError& e) {
    fatal = e.file + ":" + std::to_string(e.line) + ": " + e.msg;
  }
  EXPECT_EQ(fatal, "t.s:32: macro expansion too large: more than " + std::to_string(Input::kMaxExpandedTokens) + " tokens");
  EXPECT_LE(n, Input::kMaxExpandedTokens);
  // Far below the limit, expansion works as before: A10 is 2^11 x's.
  Scanned s = scan(text.substr(0, text.find("#define A11")) + "A10\n");
  EXPECT_EQ(s.fatal, "");
  EXPECT_EQ(std::count_if(s.tokens.begin(), s.tokens.end(), [](const OwnedToken& t) { return t.text == "x"; }), 2048);
}

// Scanner complaints are reported with a column and do not stop the input.
TEST(Lex, ScannerMessages) {
  Scanned s = scan("A \"abc\nB /* open");
  ASSERT_EQ(s.messages.size(), 2u);
  EXPECT_EQ(s.messages[0], "t.s:1:3: literal not terminated");
  EXPECT_EQ(s.messages[1], "t.s:2:3: comment not terminated");
  s = scan("A\xff B\n");
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_EQ(s.messages[0], "t.s:1:1: invalid UTF-8 encoding");
  s = scan("08\n");
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_EQ(s.messages[0], "t.s:1:1: invalid digit '8' in octal literal");
}

// Comments of plain ASCII are skipped a line at a time; with UTF-8, NUL or no end they go
// a character at a time. Either way the scanner's messages are placed as Go's asm places
// them (each case run through Go 1.19's asm: a message inside a comment is at its start).
TEST(Lex, CommentPositions) {
  const std::string text = "TEXT \xc2\xb7" "f(SB),0,$0\n";
  const std::pair<std::string, std::vector<std::string>> cases[] = {
      {"// plain\n\xff\n" + text, {"t.s:1:9: invalid UTF-8 encoding"}},
      {"/* a\nb */ \xff\n" + text, {"t.s:2:6: invalid UTF-8 encoding"}},
      {"/* a\xff\nb */ NOP\n" + text, {"t.s:1:1: invalid UTF-8 encoding"}},
      {"// \xc3\xa9t\xc3\xa9\n\xff\n" + text, {"t.s:1:7: invalid UTF-8 encoding"}},
      {text + "\tMOVQ $1, AX // c" + std::string(1, '\0') + "d\n\tRET\n/**/ \xff /*/ */ X\n",
       {"t.s:2:14: invalid character NUL", "t.s:4:6: invalid UTF-8 encoding"}},
      {"TEXT \xc2\xb7" "f(SB),0,$0\r\n\tRET // tail\r\n/* \r\n */\xff", {"t.s:3:1: invalid UTF-8 encoding"}},
      {text + "\tRET\n// last line no newline \xff", {"t.s:3:1: invalid UTF-8 encoding"}},
      {text + "\tRET\n/* ** / *\n*/ RET \xff\n", {"t.s:4:8: invalid UTF-8 encoding"}},
  };
  for (const auto& [src, want] : cases) EXPECT_EQ(scan(src).messages, want) << src;
  // Line numbers after a block comment over several lines.
  Scanned s = scan("A /* a\nb */ B\nC\n");
  EXPECT_EQ(texts(s), "A B \\n C \\n");
  EXPECT_EQ(s.lines, (std::vector<int>{1, 2, 3, 3, 4}));
  EXPECT_EQ(scan("X\n/* open\n").messages, std::vector<std::string>{"t.s:2:1: comment not terminated"});
}

TEST(Lex, RandomBytesNeverHang) {
  uint32_t seed = 12345;
  for (int round = 0; round < 50; ++round) {
    std::string src;
    for (int i = 0; i < 2000; ++i) {
      seed = seed * 1664525u + 1013904223u;
      src += static_cast<char>(seed >> 24);
    }
    Scanned s = scan(src);
    EXPECT_LT(s.tokens.size(), 4000u);
  }
}

// Every rune, against Go's own strconv.Quote (a Go program built at test time): the runes a
// quoted string shows as themselves and the ones it escapes, unassigned code points included,
// as the list of runes where that changes. Skipped without Go.
TEST(Lex, QuotingMatchesGoForEveryRune) {
  const std::string go = "/usr/lib/go-1.19/bin/go";
  if (!fs::exists(go)) GTEST_SKIP() << "Go 1.19 not installed";
  const testutil::TempDir tmp;
  ASSERT_FALSE(tmp.path().empty()) << "mkdtemp failed";
  const std::string& dir = tmp.path();
  std::ofstream(dir + "/main.go") << R"(package main

import (
	"fmt"
	"strconv"
)

func main() {
	shown := false
	for r := rune(0x80); r <= 0x10FFFF; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		s := string(r)
		if v := strconv.Quote(s) == "\""+s+"\""; v != shown {
			fmt.Println(r)
			shown = v
		}
	}
}
)";
  const std::string cmd = "cd " + dir + " && GOCACHE=" + dir + "/cache GOPATH=" + dir + "/gopath GO111MODULE=off " +
                          go + " run main.go 2>&1";
  std::string out;
  int status = -1;
  if (std::FILE* p = popen(cmd.c_str(), "r")) {
    for (char buf[4096]; size_t n = std::fread(buf, 1, sizeof buf, p);) out.append(buf, n);
    status = pclose(p);
  }
  ASSERT_EQ(status, 0) << "go run failed:\n" << out.substr(0, 2000);
  std::vector<int32_t> want;
  for (size_t at = 0, nl; at < out.size(); at = nl + 1) {
    nl = std::min(out.find('\n', at), out.size());
    want.push_back(std::atoi(out.c_str() + at));
  }
  ASSERT_GT(want.size(), 100u) << "the Go program printed too little:\n" << out.substr(0, 2000);
  std::vector<int32_t> got;
  bool shown = false;
  for (int32_t r = 0x80; r <= 0x10FFFF; ++r) {
    if (r >= 0xD800 && r <= 0xDFFF) continue;
    std::string s;
    append_utf8(s, r);
    if (bool v = go_quote(s) == "\"" + s + "\""; v != shown) {
      got.push_back(r);
      shown = v;
    }
  }
  EXPECT_EQ(got, want);
}

TEST(Lex, Quoting) {
  EXPECT_EQ(go_quote("a\"b\\\n\x16\xff"), "\"a\\\"b\\\\\\n\\x16\\xff\"");
  // Go's strconv escapes what it does not count as printable: format characters, space
  // separators other than ' ', private use; printable letters and symbols stay.
  EXPECT_EQ(go_quote("\xef\xbb\xbf\xc2\xa0\xee\x80\x80\xc3\xa9"), "\"\\ufeff\\u00a0\\ue000\xc3\xa9\"");
  EXPECT_EQ(go_quote("\xf3\xa0\x80\x81\xf0\x9f\x98\x80"), "\"\\U000e0001\xf0\x9f\x98\x80\"");
  EXPECT_EQ(go_quote_rune('('), "'('");
  EXPECT_EQ(go_quote_rune('\''), "'\\''");
  EXPECT_EQ(go_unquote("\"a\\tb\\x41\\101\\u00e9\"").value_or("?"), "a\tbAA\xc3\xa9");
  EXPECT_EQ(go_unquote("'\\n'").value_or("?"), "\n");
  // Not UTF-8: U+FFFD per bad byte; a real U+FFFD stays as it is.
  EXPECT_EQ(go_unquote("\"a\xff\\x01\"").value_or("?"), "a\xef\xbf\xbd\x01");
  EXPECT_EQ(go_unquote("\"\xef\xbf\xbd\xc3\"").value_or("?"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_FALSE(go_unquote("'ab'").has_value());
  EXPECT_FALSE(go_unquote("\"a\\q\"").has_value());
}

}  // namespace
}  // namespace gostack::lex
