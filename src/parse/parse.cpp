// Statement splitting and the front end's entry points: reads preprocessed tokens a
// line at a time ({label:} WORD[.suffix] operand, operand ...), dispatches pseudo-ops
// and instructions, and hands the Unit its functions and data symbols.
#include "parse/parse.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "parse/parser.h"

namespace gostack {
namespace parse {

Parser::Parser(Unit& unit, Diag& diag, lex::Input& input, bool compiling_runtime)
    : unit_(unit), diag_(diag), lex_(input), compiling_runtime_(compiling_runtime) {}

// One error per source line, as Go reports.
void Parser::errorf(const std::string& msg) {
  if (line_num_ == error_line_) return;
  error_line_ = line_num_;
  ++error_count_;
  diag_.error(lex_.file(), line_num_, msg);
}

// The next token, skipping //go:build lines (allowed only before any code) and the
// '#' that marks a processed directive. Inlined into line(), its only caller, once per token;
// `in` is lex_, which line() keeps in a local.
[[gnu::always_inline]] inline Tok Parser::next_token(lex::Input& in) {
  for (;;) {
    Tok t = in.next();
    if (t == lex::tok::kBuildComment) {
      if (saw_code_) errorf("misplaced //go:build comment");
      continue;
    }
    if (t != '\n') saw_code_ = true;
    if (t == '#') continue;
    return t;
  }
}

namespace {

// What a punctuation character does in a statement (Parser::line); most are kept as
// operand tokens as they are.
enum class Punct : uint8_t { Keep, Split, Comma, Colon, Open, Close, Dot, Directive };
constexpr std::array<Punct, 128> kPunct = [] {
  std::array<Punct, 128> t{};
  t['\n'] = t[';'] = Punct::Split;
  t[','] = Punct::Comma;
  t[':'] = Punct::Colon;
  t['('] = t['['] = Punct::Open;
  t[')'] = t[']'] = Punct::Close;
  t['.'] = Punct::Dot;
  t['#'] = Punct::Directive;
  return t;
}();

}  // namespace

// Reads one statement. Returns false at EOF or after an error that ends parsing. The
// operands view stmt_tokens_, valid until the next call.
bool Parser::line(std::string_view* word, std::string* cond, Operands* operands) {
  // The input through a local: the member would be reloaded after each store to a token.
  lex::Input& in = lex_;
  for (;;) {  // once per label
    Tok t;
    for (;;) {
      t = next_token(in);
      // Errors in this statement are reported at the line where it starts.
      line_num_ = in.line();
      if (t == '\n' || t == ';') continue;
      if (t == lex::tok::kEOF) return false;
      break;
    }
    if (t != lex::tok::kIdent) {
      errorf("expected identifier, found " + lex::go_quote(in.text()));
      return false;
    }
    *word = in.text();
    cond->clear();
    floats_or_strings_ = false;
    // The statement's tokens go to stmt_tokens_ through a cursor kept in a local (the
    // vector's size is only its capacity here): per token, one compare and the copy. The
    // operands, views of them moved along if the storage grows, go to stmt_operands_ the
    // same way.
    Token* out = stmt_tokens_.data();
    Token* limit = out + stmt_tokens_.size();
    Operand* op_out = stmt_operands_.data();
    Operand* op_limit = op_out + stmt_operands_.size();
    int nesting = 0;
    int colon = -1;
    bool is_label = false;
    while (t != '\n' && t != ';') {
      Token* first = out;  // the operand's first token (grow_stmt_tokens moves it along)
      for (;;) {
        // saw_code_ is set (the statement's word was code), so next_token's bookkeeping
        // reduces to the '#' and //go:build cases below.
        t = in.next();
        // Read at once, while it is in registers (the cold calls below could change it, as far
        // as the compiler knows, and would make it reload).
        const std::string_view text = in.text();
        // Identifiers, numbers, strings and characters (kinds kRawString..kIdent), about
        // half the tokens, neither split nor nest and are never a suffix or label: straight
        // to the copy. Identifiers need no rewriting when plain ASCII or made in a macro body.
        if (static_cast<uint32_t>(t - lex::tok::kRawString) <=
            static_cast<uint32_t>(lex::tok::kIdent - lex::tok::kRawString)) {
          if (out == limit) out = grow_stmt_tokens(out, &limit, &first, op_out);
          // Stored field by field: a Token built first (either way) goes through a stack copy.
          if (t == lex::tok::kIdent && in.ident_is_made()) {
            out->kind = t;
            out->text = text;
          } else {
            *out = lex::make_token(t, text, store_);
            if (t == lex::tok::kFloat || t == lex::tok::kString) floats_or_strings_ = true;
          }
          ++out;
          continue;
        }
        // Punctuation through kPunct; the other classes (EOF, //go:build, the two-character
        // operators, a function-like macro's bare name) here.
        Punct what = Punct::Keep;
        if (static_cast<uint32_t>(t) < kPunct.size()) {
          what = kPunct[static_cast<uint32_t>(t)];
        } else if (t == lex::tok::kEOF) {
          errorf("unexpected EOF");
          return false;
        } else if (t == lex::tok::kBuildComment) {
          errorf("misplaced //go:build comment");
          continue;
        }
        // The frequent kinds by tests in order of frequency (cheaper than a switch's jump table):
        // operands split at commas outside parentheses and statements at line ends and ';'.
        if (what == Punct::Comma) {
          if (nesting == 0) break;
        } else if (what == Punct::Split) {
          break;
        } else if (what == Punct::Open) {
          ++nesting;
        } else if (what == Punct::Close) {
          --nesting;
        } else if (what != Punct::Keep) {
          bool split = false;
          switch (what) {
            case Punct::Directive: continue;  // the '#' of a processed directive
            case Punct::Dot:  // before any operand token: an instruction suffix such as .Z or .BCST
              if (out == stmt_tokens_.data()) {
                t = next_token(in);
                std::string_view str = in.text();
                if (t != lex::tok::kIdent) errorf("instruction suffix expected identifier, found " + std::string(str));
                *cond += '.';
                *cond += str;
                continue;
              }
              break;
            // The old register-pair syntax AX:DX means DX, AX.
            case Punct::Colon:
              if (out == stmt_tokens_.data()) {  // before any operand token: the word was a label
                pending_labels_.push_back(*word);
                is_label = true;
                split = true;
              } else if (nesting == 0) {
                if (colon >= 0) {
                  errorf("invalid ':' in operand");
                  *operands = Operands(stmt_operands_.data(), op_out);
                  return true;
                }
                colon = static_cast<int>(op_out - stmt_operands_.data());
                split = true;
              }
              break;
            default: break;
          }
          if (split) break;
        }
        if (out == limit) out = grow_stmt_tokens(out, &limit, &first, op_out);
        // Punctuation and operators as they are (what make_token returns for them); a
        // function-like macro's bare name is made like an identifier.
        if (t != lex::tok::kMacroName) {
          out->kind = t;
          out->text = text;
        } else {
          *out = lex::make_token(t, text, store_);
        }
        ++out;
      }
      if (is_label) break;
      if (out != first) {
        if (op_out == op_limit) op_out = grow_stmt_operands(op_out, &op_limit);
        *op_out++ = Operand(first, out);
        if (colon >= 0 && op_out - stmt_operands_.data() == colon + 2) {
          std::swap(stmt_operands_[colon], stmt_operands_[colon + 1]);
          colon = -1;
        }
      } else if (op_out != stmt_operands_.data() || t == ',' || colon >= 0) {
        errorf("missing operand");
      }
    }
    if (!is_label) {
      *operands = Operands(stmt_operands_.data(), op_out);
      return true;
    }
  }
}

// Doubles stmt_tokens_ when the statement's cursor `out` reaches its end: returns the
// cursor in the new storage, sets *limit to its end and moves *first (the operand being
// read) and the operands found so far (stmt_operands_ up to ops_end).
Token* Parser::grow_stmt_tokens(Token* out, Token** limit, Token** first, const Operand* ops_end) {
  const Token* const old = stmt_tokens_.data();
  const size_t used = static_cast<size_t>(out - old);
  stmt_tokens_.resize(std::max<size_t>(64, 2 * stmt_tokens_.size()));
  Token* const now = stmt_tokens_.data();
  for (Operand* op = stmt_operands_.data(); op != ops_end; ++op) *op = Operand(now + (op->data() - old), op->size());
  *limit = now + stmt_tokens_.size();
  *first = now + (*first - old);
  return now + used;
}

// Doubles stmt_operands_ when the statement's operand cursor `out` reaches its end, as
// grow_stmt_tokens does for the tokens.
Operand* Parser::grow_stmt_operands(Operand* out, Operand** limit) {
  const size_t used = static_cast<size_t>(out - stmt_operands_.data());
  stmt_operands_.resize(std::max<size_t>(8, 2 * stmt_operands_.size()));
  *limit = stmt_operands_.data() + stmt_operands_.size();
  return stmt_operands_.data() + used;
}

Parser::WordInfo Parser::classify(std::string_view word) {
  static constexpr std::pair<std::string_view, Pseudo> kPseudos[] = {
      {"DATA", Pseudo::Data},     {"FUNCDATA", Pseudo::Funcdata}, {"GLOBL", Pseudo::Globl},
      {"PCDATA", Pseudo::Pcdata}, {"PCALIGN", Pseudo::Pcalign},   {"TEXT", Pseudo::Text},
  };
  WordInfo info;
  for (const auto& [name, kind] : kPseudos) {
    if (word == name) {
      info.pseudo = kind;
      return info;
    }
  }
  if (std::optional<Op> op = lookup_op(word)) {
    info.is_op = true;
    info.op = *op;
    info.is_jump = is_jump_word(word);
  }
  return info;
}

// The entry stays valid until the next call.
const Parser::WordInfo& Parser::classify_cached(std::string_view word) {
  if (word.empty() || word.size() > 16) {
    uncached_word_ = classify(word);
    return uncached_word_;
  }
  const size_t n = word.size();
  const uint64_t lo = short_name_key(word.data(), std::min<size_t>(n, 8));
  uint64_t hi = 0;
  if (n > 8) {  // bytes 8..n-1: the word's last 8 bytes, shifted down past those lo holds
    std::memcpy(&hi, word.data() + n - 8, 8);
    hi >>= 8 * (16 - n);
  }
  WordCacheEntry& e = word_cache_[((lo ^ (hi * 31) ^ word.size()) * 0x9E3779B97F4A7C15ull) >> 56];
  if (e.len != word.size() || e.lo != lo || e.hi != hi) fill_word_cache(e, word, lo, hi);
  return e.info;
}

// classify_cached's miss, kept out of line so that the hit path stays small.
[[gnu::noinline]] void Parser::fill_word_cache(WordCacheEntry& e, std::string_view word, uint64_t lo,
                                               uint64_t hi) {
  e = WordCacheEntry{lo, hi, static_cast<uint8_t>(word.size()), classify(word)};
}

void Parser::run_pseudo(Pseudo kind, Operands operands) {
  switch (kind) {
    case Pseudo::None: break;
    case Pseudo::Data: asm_data(operands); break;
    case Pseudo::Funcdata: asm_funcdata(operands); break;
    case Pseudo::Globl: asm_globl(operands); break;
    case Pseudo::Pcdata: asm_pcdata(operands); break;
    case Pseudo::Pcalign: asm_pcalign(operands); break;
    case Pseudo::Text: asm_text(operands); break;
  }
}

bool Parser::pseudo(std::string_view word, Operands operands) {
  const Pseudo kind = classify(word).pseudo;
  run_pseudo(kind, operands);
  return kind != Pseudo::None;
}

void Parser::jump(Op op, std::string_view word, std::string_view cond,
                  Operands operands) {
  std::vector<Addr>& addrs = addrs_;
  addrs.assign(operands.size(), Addr{});
  // The usual target, a label (a lone identifier that names no register), is kept as its
  // name: the symbol Go's operand parser would make for it is used for nothing but that name.
  std::string_view label;
  for (size_t i = 0; i < operands.size(); ++i) {
    const Operand& o = operands[i];
    if (i + 1 == operands.size() && o.size() == 1 && o[0].kind == lex::tok::kIdent && !find_register(o[0].text)) {
      addrs[i].type = AddrType::Mem;
      label = o[0].text;
    } else {
      instruction_operand(word, o, &addrs[i]);
    }
  }
  asm_jump(op, cond, addrs, label);
}

bool Parser::parse() {
  std::string_view word;
  std::string cond;
  Operands operands;
  while (line(&word, &cond, &operands)) {
    // A reference into the cache: the handlers below never classify another word, so it
    // stays valid while w is read.
    const WordInfo& w = classify_cached(word);
    if (w.pseudo != Pseudo::None) {
      run_pseudo(w.pseudo, operands);
    } else if (w.is_op) {
      is_jump_ = w.is_jump;
      if (w.is_jump) {
        jump(w.op, word, cond, operands);
      } else {
        asm_instruction(w.op, word, cond, operands);
      }
    } else {
      errorf("unrecognized instruction " + lex::go_quote(word));
    }
  }
  if (error_count_ > 0) return false;
  // Go patches the last function after its error check: an undefined label there is
  // reported, yet the parse counts as done and the later stages still run (the encoder then
  // rejects the jump left without a target).
  patch();
  finish();
  return true;
}

// Resolves N(PC) branch targets to the Prog with that count inside the same function (append
// has split the Progs into functions and noted which have such branches).
void Parser::finish() {
  // The function's Progs by count, from its TEXT's on (null for a count an END took, as
  // dropped Progs do), built when first needed; the counts rise along the list.
  std::vector<Prog*> by_pc;
  for (Prog* text : pc_branch_texts_) {
    by_pc.clear();
    for (Prog* p = text; p != nullptr; p = p->link) {
      if (p->to.type != AddrType::Branch || p->to.target != nullptr || p->to.sym != nullptr) {
        continue;
      }
      if (by_pc.empty()) {
        for (Prog* q = text; q != nullptr; q = q->link) {
          const size_t i = static_cast<size_t>(q->pc - text->pc);
          if (i >= by_pc.size()) by_pc.resize(i + 1, nullptr);
          if (by_pc[i] == nullptr) by_pc[i] = q;
        }
      }
      const uint64_t i = static_cast<uint64_t>(p->to.offset) - static_cast<uint64_t>(text->pc);
      Prog* q = i < by_pc.size() ? by_pc[i] : nullptr;
      if (q == nullptr) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%#x", static_cast<uint32_t>(p->to.offset));
        diag_.stage_error(unit_.file_name(p->pos), p->pos.line, std::string("branch out of range (") + buf + ")");
        ++error_count_;
        // Go panics right after this message; the later stages here still run (see
        // parse()), so the branch is pointed at itself for them to take as resolved
        // rather than report the same line again (the frame pass's N(PC) check, for
        // Progs made without the parser, would).
        p->to.target = p;
        continue;
      }
      p->to.target = q;
    }
  }
}

}  // namespace parse

namespace {

// `source` is read in place: it outlives the Input made here.
bool run(Unit& unit, Diag& diag, const std::string& name, const std::string& source,
         const ParseOptions& opts, bool* go_ok) {
  lex::InputConfig cfg;
  cfg.include_dirs.push_back(lex::path_dir(name));
  cfg.include_dirs.insert(cfg.include_dirs.end(), opts.include_dirs.begin(), opts.include_dirs.end());
  cfg.fallback_include_dir = opts.builtin_include_dir;
  cfg.register_file = [&unit](const PosBase& base) { return unit.pos_base(base); };
  cfg.report = [&diag](const std::string& msg) { diag.message(msg); };
  lex::Input input(std::move(cfg));
  // The runtime sees the Go experiments enabled by default on amd64 as macros.
  if (opts.compiling_runtime) {
    input.predefine("GOEXPERIMENT_regabiwrappers");
    input.predefine("GOEXPERIMENT_regabiargs");
  }
  for (const auto& [def_name, value] : opts.defines) {
    std::string spec = value ? def_name + "=" + *value : def_name;
    if (auto err = input.predefine(spec)) {
      diag.error(*err);
      return false;
    }
  }
  unit.compiling_runtime = opts.compiling_runtime;
  try {
    input.push_text(name, source);
    parse::Parser parser(unit, diag, input, opts.compiling_runtime);
    const bool ok = parser.parse();
    if (go_ok) *go_ok = ok;
    return ok && diag.count() == 0;
  } catch (const lex::LexError& e) {
    diag.fatal(e.file, e.line, e.msg);
    return false;
  }
}

}  // namespace

bool parse_file(Unit& unit, Diag& diag, const std::string& path, const ParseOptions& opts) {
  std::string err;
  std::optional<std::string> src = lex::read_file(path, &err);
  if (!src) {
    diag.error(err);
    return false;
  }
  return run(unit, diag, path, *src, opts, nullptr);
}

bool parse_text(Unit& unit, Diag& diag, std::string_view filename, const std::string& text,
                const ParseOptions& opts, bool* go_ok) {
  if (go_ok) *go_ok = false;
  return run(unit, diag, std::string(filename), text, opts, go_ok);
}

}  // namespace gostack
