// The statement and operand parser (Go's cmd/asm/internal/asm parse.go + asm.go, amd64
// only): turns preprocessed tokens into Progs, symbols and DATA contents with exactly
// the Addr conventions Go's parser uses.
#pragma once

#include <array>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/diag.h"
#include "core/symbol.h"
#include "lex/input.h"
#include "lex/token.h"

namespace gostack::parse {

using lex::Tok;
using lex::Token;
// An operand's tokens: a view into the statement's token list (or a caller's tokens).
using Operand = std::span<const Token>;
// A statement's operands: a view into the parser's operand list (or a caller's).
using Operands = std::span<const Operand>;

// One pending rule of Parser::expr's explicit-stack recursive descent.
struct ExprFrame {
  enum class Kind : uint8_t { Expr, Term, Factor };
  Kind kind;
  int state = 0;     // 0: not started; 1: waiting for an operand's value
  uint64_t value = 0;
  Tok op = 0;        // operator waiting for its right operand (0 = first operand)
};

// Go's objabi.ArgsSizeUnknown: TEXT gave $frame without -args.
constexpr int32_t kArgsSizeUnknown = INT32_MIN;

class Parser {
 public:
  Parser(Unit& unit, Diag& diag, lex::Input& input, bool compiling_runtime);

  // Parses the whole input. Returns false if any error was reported, except an undefined
  // label found when the last function is patched: Go reports it and goes on (see parse()).
  bool parse();

  // Operand parsing on its own (tests): parses `tokens` as one operand.
  Addr parse_operand(const Operand& tokens, bool is_jump = false);
  // A pseudo-op with its operands already split (tests); false if `word` is not one.
  bool parse_pseudo(std::string_view word, Operands operands) {
    floats_or_strings_ = true;  // tokens line() has not seen
    return pseudo(word, operands);
  }
  // Tests: off sends every expression through expr()'s general path, to compare with.
  void set_expr_fast_paths(bool on) { expr_fast_paths_ = on; }
  // Starts a new source line for error reporting (tests: one error per line).
  void set_line(int line) { line_num_ = line; }

 private:
  // Statement level (parse.cpp).
  bool line(std::string_view* word, std::string* cond, Operands* operands);
  Tok next_token(lex::Input& in);
  Token* grow_stmt_tokens(Token* out, Token** limit, Token** first, const Operand* ops_end);
  Operand* grow_stmt_operands(Operand* out, Operand** limit);
  void errorf(const std::string& msg);
  Pos pos() const { return Pos{lex_.file_index(), line_num_}; }
  bool pseudo(std::string_view word, Operands operands);
  // A jump: its operands into Addrs, then asm_jump.
  void jump(Op op, std::string_view word, std::string_view cond, Operands operands);
  void finish();  // resolves N(PC) branch targets

  // What a statement's first word is: a pseudo-op, an instruction or neither.
  enum class Pseudo : uint8_t { None, Data, Funcdata, Globl, Pcdata, Pcalign, Text };
  struct WordInfo {
    Pseudo pseudo = Pseudo::None;
    bool is_op = false;  // names an instruction (and is no pseudo-op)
    bool is_jump = false;
    Op op = Op::XXX;
  };
  static WordInfo classify(std::string_view word);
  // classify through a direct-mapped cache of words up to 16 bytes (a file uses few mnemonics).
  const WordInfo& classify_cached(std::string_view word);
  void run_pseudo(Pseudo kind, Operands operands);

  // Pseudo-ops and instruction shapes (asm.cpp).
  void append(Prog* prog, std::string_view cond);
  void note_in_function(Prog* prog);
  bool set_suffix(Prog* prog, std::string_view cond);
  bool bind_labels(Prog* prog);
  bool valid_symbol(const char* pseudo, const Addr& a, bool offset_ok);
  bool valid_immediate(const char* pseudo, const Addr& a);
  int64_t eval_integer(const char* pseudo, const Operand& op);
  void asm_text(Operands operands);
  void asm_data(Operands operands);
  void asm_globl(Operands operands);
  void asm_pcdata(Operands operands);
  void asm_pcalign(Operands operands);
  void asm_funcdata(Operands operands);
  // `label` is the last operand's text when it is a lone label name (then a.back() holds no symbol).
  void asm_jump(Op op, std::string_view cond, std::vector<Addr>& a, std::string_view label);
  // Parses the operands of a non-jump instruction straight into their Prog fields.
  void asm_instruction(Op op, std::string_view word, std::string_view cond,
                       Operands operands);
  void patch();
  void init_text_sym(Symbol* s, int flag);
  void globl(Symbol* s, int64_t size, int flag);
  bool prep_write(Symbol* s, int64_t off, int64_t siz);

  // Operands (operand.cpp).
  Addr address(const Operand& op);
  void address_into(const Operand& op, Addr* a);  // `a` is a default Addr
  // An instruction operand: also rejects a bare pseudo-register outside jumps.
  void instruction_operand(std::string_view word, const Operand& op, Addr* a);
  void pseudo_register_error(std::string_view word);
  void operand(Addr* a);
  bool base_register_operand(const Operand& op, Addr* a);
  std::optional<RegNum> find_register(std::string_view name) const;
  std::optional<RegNum> find_register_miss(std::string_view name, uint64_t key) const;
  bool at_start_of_register(std::string_view name) const;
  // `found` is the register `name` names, if any (looked up once by the caller).
  bool register_ref(std::string_view name, std::optional<RegNum> found, RegNum* r);
  bool register_(std::string_view name, std::optional<RegNum> found, int prefix, RegNum* r1,
                 RegNum* r2, int16_t* scale);
  void symbol_reference(Addr* a, std::string_view name, int prefix);
  void set_pseudo_register(Addr* a, std::string_view reg, bool is_static, int prefix);
  void sym_ref_attrs(std::string_view name, bool issue_error, bool* is_static, Abi* abi);
  void register_indirect(Addr* a, int prefix);
  std::optional<RegNum> plain_base_register(const Token* open) const;
  void index_register(Addr* a);
  void register_list(Addr* a);
  int16_t parse_scale(std::string_view s);

  // Expressions (expr.cpp).
  uint64_t expr();
  bool lone_int(size_t i, bool (*continues)(Tok)) const;
  double float_expr();
  uint64_t atoi(std::string_view s);
  uint64_t atoi_general(std::string_view s);  // atoi's path for all but short plain decimals
  double atof(std::string_view s);
  int64_t positive_atoi(std::string_view s);

  // Token cursor over the current operand (inline: the operand and expression parsers
  // step through every token with these).
  static constexpr Token kEOFToken{lex::tok::kEOF, "EOF"};
  const Token& next() { return more() ? input_[input_pos_++] : kEOFToken; }
  void back() {
    if (input_pos_ == 0) {
      errorf("internal error: backing up before BOL");
    } else {
      --input_pos_;
    }
  }
  Tok peek() const { return more() ? input_[input_pos_].kind : lex::tok::kEOF; }
  bool more() const { return input_pos_ < input_.size(); }
  const Token& get(Tok expected) {
    if (peek() != expected) expected_token_error(expected);
    return next();
  }
  void expected_error(std::string_view what);
  void expected_token_error(Tok expected);
  void expect_operand_end();
  // Whether a float, or else a string, token lies ahead in the operand: 'f', 's' or 0.
  char constant_kind() const;

  Unit& unit_;
  Diag& diag_;
  lex::Input& lex_;
  bool compiling_runtime_;

  int line_num_ = 0;
  int error_line_ = -1;
  int error_count_ = 0;
  bool saw_code_ = false;
  int64_t pc_ = 0;
  Operand input_;
  size_t input_pos_ = 0;
  // Label names view token texts, which outlive the parse.
  std::vector<std::string_view> pending_labels_;
  std::unordered_map<std::string_view, Prog*> labels_;
  struct Patch {
    Addr* addr;
    std::string_view label;
  };
  std::vector<Patch> to_patch_;
  // The function being read (append links each Prog into its list): its TEXT, null before the
  // first TEXT, and its last Prog.
  Prog* text_ = nullptr;
  Prog* tail_ = nullptr;
  std::vector<Prog*> pc_branch_texts_;  // TEXTs of the functions with an N(PC) branch, in order
  std::unordered_map<std::string_view, int64_t> data_addr_;  // keyed by the symbol's name
  bool is_jump_ = false;
  // Whether the operand tokens may hold a float or string constant: false when line() saw
  // none in the statement, so that constant_kind need not look (true for tokens from tests).
  bool floats_or_strings_ = true;
  bool expr_fast_paths_ = true;
  // Storage reused from statement to statement (the parser is not re-entrant).
  std::vector<ExprFrame> expr_stack_;
  std::vector<Addr> addrs_;          // the current jump's operands
  // The current statement's operand tokens, in order; its size is the room line() has.
  std::vector<Token> stmt_tokens_;
  // The current statement's operands, views of stmt_tokens_; its size too is line()'s room.
  std::vector<Operand> stmt_operands_;
  lex::TextStore store_;             // token texts the parser rewrote (Go's lex.Make)
  struct RegCacheEntry {
    uint64_t key = 0;  // the name's bytes
    uint8_t len = 0;   // 0: unused
    RegNum reg = 0;
    bool is_reg = false;
  };
  mutable std::array<RegCacheEntry, 256> reg_cache_{};
  struct WordCacheEntry {
    uint64_t lo = 0, hi = 0;  // the word's bytes
    uint8_t len = 0;          // 0: unused
    WordInfo info;
  };
  std::array<WordCacheEntry, 256> word_cache_{};
  WordInfo uncached_word_;  // classify_cached's answer for a word the cache does not hold
  void fill_word_cache(WordCacheEntry& e, std::string_view word, uint64_t lo, uint64_t hi);
};

// The bytes of a name of 1 to 8 bytes as a little-endian integer, zero above the name. Two
// overlapping 4-byte loads (or a 2-byte and a byte load under 4 bytes) that stay inside the name
// replace a loop over its bytes; where they overlap they read the same bytes.
inline uint64_t short_name_key(const char* p, size_t n) {
  if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return uint64_t{lo} | (uint64_t{hi} << (8 * (n - 4)));
  }
  const uint64_t first = static_cast<uint8_t>(p[0]);
  if (n == 1) return first;
  uint16_t two;
  std::memcpy(&two, p, 2);
  return n == 2 ? two : two | (uint64_t{static_cast<uint8_t>(p[2])} << 16);
}

// The register `name` names, through a direct-mapped cache of names up to 8 bytes
// (registers, and the mnemonics and symbols looked up to learn that they are not
// registers); inline, as operands ask it of nearly every identifier. No register's name
// (core/reg.cpp spells them in at most 7 bytes; Go's table adds "MAXREG") is longer than
// 8 bytes: a longer name, as most symbols' and many labels' are, is none without a look-up.
inline std::optional<RegNum> Parser::find_register(std::string_view name) const {
  if (name.size() > 8) return std::nullopt;
  if (name.empty()) return find_register_miss(name, 0);
  const uint64_t key = short_name_key(name.data(), name.size());
  const RegCacheEntry& e = reg_cache_[((key ^ name.size()) * 0x9E3779B97F4A7C15ull) >> 56];
  if (e.len != name.size() || e.key != key) return find_register_miss(name, key);
  return e.is_reg ? std::optional<RegNum>(e.reg) : std::nullopt;
}

// Plain decimal without a leading zero, short enough not to overflow (the usual integer)
// inline; everything else, with the errors, through atoi_general.
inline uint64_t Parser::atoi(std::string_view s) {
  if (!s.empty() && s.size() <= 18 && (s[0] != '0' || s.size() == 1)) {
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) v = v * 10 + static_cast<uint64_t>(s[i] - '0');
    if (i == s.size()) return v;
  }
  return atoi_general(s);
}

// Inline, as every operand comes through here and most take a fast path.
inline void Parser::address_into(const Operand& op, Addr* a) {
  // The two shapes most operands have, a lone register (three in four in the corpus) and
  // $integer (one in eight), straight to the Addr operand() would build for them; then the
  // commonest memory operands, (R) and off(R).
  if (op.size() == 1 && op[0].kind == lex::tok::kIdent) {
    if (std::optional<RegNum> r = find_register(op[0].text)) {
      a->type = AddrType::Reg;
      a->reg = *r;
      return;
    }
  } else if (op.size() == 2 && op[0].kind == '$' && op[1].kind == lex::tok::kInt) {
    a->type = AddrType::Const;
    a->offset = static_cast<int64_t>(atoi(op[1].text));
    return;
  } else if (op.size() >= 3 && op.size() <= 5 && op[op.size() - 1].kind == ')' && base_register_operand(op, a)) {
    return;
  }
  input_ = op;
  input_pos_ = 0;
  operand(a);
}

inline void Parser::instruction_operand(std::string_view word, const Operand& op, Addr* a) {
  address_into(op, a);
  // Jumps may name PC; elsewhere a bare pseudo-register is an error. The register first:
  // the fast paths have it at hand.
  if ((a->reg == reg::SB || a->reg == reg::FP || a->reg == reg::PC) && !is_jump_) {
    pseudo_register_error(word);
  }
}

// Go's obj.Dconv for the operand forms error messages show.
std::string describe_addr(const Addr& a, bool abi_detail = false);

}  // namespace gostack::parse
