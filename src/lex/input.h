// The preprocessor (Go's cmd/asm/internal/lex Input): a stack of token readers (files
// and macro bodies) with #include, #define/#undef, #ifdef/#ifndef/#else/#endif and #line.
// Its errors are fatal, as in Go: they throw LexError and end the assembly.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/prog.h"
#include "lex/token.h"
#include "lex/tokenizer.h"

namespace gostack::lex {

// A fatal preprocessor error at file:line (Go prints it and exits).
struct LexError {
  std::string file;
  int line;
  std::string msg;
};

// A #define. Its body is a run of tokens in the Input's macro token store, kept until the
// Input ends: an expansion reads its macro in place even if the body #undefs or redefines it.
struct Macro {
  std::string_view name;
  bool function_like = false;
  uint32_t nparams = 0;
  uint32_t first = 0, count = 0;  // body: Input::macro_tokens_[first, first + count)
  // Function-like: the body tokens that name a parameter, Input::param_uses_[first_use, + uses).
  uint32_t first_use = 0, uses = 0;
};

struct InputConfig {
  std::vector<std::string> include_dirs;  // searched after the name itself, in order
  // Searched last, where Go's search has failed (gostack's own textflag.h and funcdata.h);
  // a miss there leaves Go's error (that of the last include directory) in the message.
  std::string fallback_include_dir;
  // Registers a position base (a file, or the text after a #line); returns its index.
  std::function<uint32_t(const PosBase&)> register_file;
  // Receives non-fatal scanner messages ("file:line:col: msg").
  std::function<void(const std::string&)> report;
};

class Input {
 public:
  // Macros that use an argument or another macro twice double their output at each level,
  // so a few lines can ask for more tokens than memory holds (Go's asm runs until it is
  // killed). Once the expansions of one input have produced this many tokens, over ten times
  // what the whole standard-library corpus holds, the input is rejected.
  static constexpr uint64_t kMaxExpandedTokens = uint64_t{1} << 22;

  explicit Input(InputConfig cfg);
  Input(const Input&) = delete;  // frames point at its token lists
  Input& operator=(const Input&) = delete;
  ~Input();

  // Defines a macro from -D name[=value]; returns an error message if the name is bad.
  std::optional<std::string> predefine(const std::string& spec);
  // Starts reading `name` whose contents are `source`.
  void push_file(const std::string& name, std::string source);
  // The same for a source read where it is, with no copy (a std::string ends in the NUL byte
  // the tokenizer stops at); it must outlive the Input.
  void push_text(const std::string& name, const std::string& source);
  void push_text(const std::string& name, std::string&& source) = delete;  // would dangle

  Tok next();  // next token after preprocessing
  // Text of the last token: a view that stays valid until the Input is destroyed.
  std::string_view text() const { return text_; }
  // For an identifier just returned: whether make_token would return its text unchanged.
  bool ident_is_made() const { return made_; }
  const std::string& file() const;
  int line() const {
    const Frame& f = stack_.back();
    return f.tz ? f.tz->line() : f.line;
  }
  uint32_t file_index() const { return stack_.back().file_index; }

 private:
  // One layer of input: a file being scanned, or a list of tokens (a macro body or the
  // expansion of a function-like macro) reported at the line that invoked the macro.
  struct Frame {
    Tokenizer* tz = nullptr;  // the file, or null for a token list
    // Token list: tokens [begin, begin + count) of *list, which is macro_tokens_ or
    // expansion_; pos is the current token's index in the list, -1 before the first.
    const TokenBuffer* list = nullptr;
    uint32_t begin = 0, count = 0;
    int32_t pos = -1;
    const std::string* file = nullptr;  // token lists: name for messages (interned)
    int line = 0;
    uint32_t file_index = 0;  // position base (index into Unit::files) for positions
  };

  void push_source(const std::string& name, std::string_view src, bool header);
  Tok stack_next();  // the next token of the frames, its text kept in stack_text_
  // The same, the text given in *text (next() keeps it in a register, not in stack_text_),
  // and for an identifier in *made whether make_token would return its text unchanged: a
  // file's if plain ASCII, and always a token list's (macro bodies and arguments are stored
  // made).
  Tok stack_read(std::string_view* text, bool* made);
  std::string_view stack_text() const { return stack_text_; }
  // make_token of the token stack_next returned last, t: an identifier already made (see
  // stack_made) is kept as it is.
  Token stack_token(Tok t) {
    return t == tok::kIdent && stack_made() ? Token{t, stack_text_} : make_token(t, stack_text_, store_);
  }
  // For the identifier stack_next returned last: whether make_token would keep its text.
  bool stack_made() const { return stack_made_; }
  // Where a column would be measured now, for working the column out later if it is needed.
  struct ColMark {
    const Tokenizer* tz;  // a file: the column of its character at `offset`
    size_t offset;
    int pos;              // else a token list's index
  };
  ColMark stack_col_mark() const;
  static int col_of(const ColMark& m) { return m.tz != nullptr ? m.tz->col_at(m.offset) : m.pos; }
  bool follows_at_once(const ColMark& before) const;
  [[noreturn]] void fail(const std::string& msg) const;
  [[noreturn]] void expect_text(const std::string& msg) const;
  bool enabled() const { return enabled_; }
  void ifdef_changed() { enabled_ = ifdef_stack_.empty() || ifdef_stack_.back(); }
  void expect_newline(const std::string& directive);
  Tok directive();
  bool hash();
  std::string_view macro_name();
  void define();
  void define_simple(const Tokenizer& tz, const Tokenizer::SimpleDefine* defs, size_t n);
  void macro_definition(Macro& m);
  void invoke_macro(Macro macro);
  bool args_for(const Macro& macro);
  void ifdef(bool truth);
  void else_();
  void endif();
  void include();
  void line_directive();
  void undef();
  void push(const Frame& f);
  // push for a macro's expansion, counted against kMaxExpandedTokens.
  void push_expansion(const Frame& f);
  void count_expansion(uint32_t tokens) {  // inline: once per one-token macro used
    expanded_ += tokens;
    if (expanded_ > kMaxExpandedTokens) expansion_too_large();
  }
  [[noreturn, gnu::cold]] void expansion_too_large() const;
  void pop();

  // The macro table: open addressing with linear probing, at most half full. A slot holds
  // a macros_ index (or kEmpty, kErased) and the high half of its name's hash, which is
  // compared before the name.
  struct Slot {
    int32_t index;
    uint32_t tag;
  };
  static constexpr int32_t kEmpty = -1, kErased = -2;
  const Macro* find_macro(std::string_view name) const;
  const Macro* lookup_macro(std::string_view name) const;  // no filter
  bool insert_macro(std::string_view name, uint32_t index);  // false if the name is in force
  void add_macro(const Macro& m);  // m's name must not be in force
  void remove_macro(std::string_view name);
  void reserve_macros(size_t n);
  void rehash(size_t size);

  InputConfig cfg_;
  TextStore store_;                  // rewritten token texts, -D names and values
  // Every file read; token texts view them.
  std::deque<std::string> sources_;                 // push_file's
  std::vector<std::unique_ptr<char[]>> buffers_;    // #include's
  std::vector<std::unique_ptr<Tokenizer>> files_;
  // File names token lists report (node-based: stable addresses), the last one used.
  std::unordered_set<std::string> names_;
  const std::string* last_name_ = nullptr;
  const std::string* last_source_ = nullptr;  // the file() string last_name_ was made from
  std::vector<Frame> stack_;
  std::string_view stack_text_;  // text of the token stack_next returned last
  bool stack_made_ = false;      // and stack_read's *made for it

  std::vector<Macro> macros_;        // every macro defined so far
  TokenBuffer macro_tokens_;  // their bodies
  // The body tokens of function-like macros that name a parameter, in body order.
  struct ParamUse {
    uint32_t pos;    // index in the body
    uint32_t param;  // index of the parameter
  };
  std::vector<ParamUse> param_uses_;
  std::unique_ptr<Slot[]> slots_;  // the macros in force, by name
  size_t slot_count_ = 0;          // a power of two
  size_t slots_filled_ = 0;        // slots not kEmpty
  // A quick "certainly not a macro": per first byte, bits for (length, last byte) of the
  // names ever defined (not cleared by #undef).
  uint64_t filter_[256] = {};

  // Expansions of function-like macros, a stack in step with the frames that read them.
  TokenBuffer expansion_;
  uint64_t expanded_ = 0;  // tokens all macro expansions of this input have produced
  // The actual arguments of the invocation being expanded, one after another.
  TokenBuffer arg_tokens_;
  std::vector<uint32_t> arg_ends_;

  std::array<Tokenizer::SimpleDefine, 64> define_batch_;  // directive()'s #define lines
  std::vector<uint8_t> ifdef_stack_;  // per open #if[n]def: is its text enabled
  bool enabled_ = true;               // the innermost one's, or true outside them
  bool beginning_of_line_ = true;
  std::string_view text_;
  bool made_ = false;  // ident_is_made() of the last token next() returned
  bool peek_ = false;
  Tok peek_token_ = tok::kEOF;
  std::string_view peek_text_;
};

// ---- The per-token path, inline: the parser's token loop compiles into one function
// with it (a call per token cost more than most tokens need).

// Bit of the macro filter for a name: its length and its last character.
inline uint64_t macro_filter_bit(std::string_view s) {
  return uint64_t{1} << ((s.size() * 7 + static_cast<uint8_t>(s.back())) & 63);
}

inline Tok Input::stack_read(std::string_view* text, bool* made) {
  for (;;) {
    Frame& f = stack_.back();
    Tok t;
    if (f.tz != nullptr) {
      t = f.tz->next();
      *text = f.tz->text();
      *made = f.tz->ascii_ident();
    } else if (++f.pos < static_cast<int32_t>(f.count)) {
      const Token& tk = (*f.list)[f.begin + static_cast<uint32_t>(f.pos)];
      t = tk.kind;
      *text = tk.text;
      *made = true;
    } else {
      t = tok::kEOF;
      *text = {};
    }
    if (t != tok::kEOF || stack_.size() == 1) return t;
    pop();
  }
}

inline Tok Input::stack_next() { return stack_read(&stack_text_, &stack_made_); }

// Asked of every identifier; the filter answers most. `name` is an identifier token's text
// (callers check the kind), never empty: no test for that on this path.
inline const Macro* Input::find_macro(std::string_view name) const {
  if (!(filter_[static_cast<uint8_t>(name[0])] & macro_filter_bit(name))) return nullptr;
  return lookup_macro(name);
}

inline Tok Input::next() {
  if (peek_) {
    // The token read ahead after a function-like macro's name comes with raw text, as read.
    peek_ = false;
    made_ = false;
    text_ = peek_text_;
    return peek_token_;
  }
  // A macro that expands to itself (directly or not) never yields a token: give up
  // after 100 expansions in a row, as Go does.
  for (int nesting = 0; nesting < 100;) {
    std::string_view text;
    bool made;
    Tok t = stack_read(&text, &made);
    if (t == '#') return directive();
    if (t == tok::kIdent) {
      made_ = made;
      if (const Macro* m = find_macro(text)) {
        ++nesting;
        // Most macros stand for one token that needs no more preprocessing (NOSPLIT, the
        // offsets of go_asm.h): it is read here, as it would be from the frame
        // invoke_macro would push, whose file, line and position base are those of the
        // frame on top, and which the next read would pop.
        const Token* body = macro_tokens_.data() + m->first;
        const bool at_most_one_plain =
            !m->function_like &&
            (m->count == 0 || (m->count == 1 && body->kind != '#' &&
                               (body->kind != tok::kIdent || find_macro(body->text) == nullptr)));
        if (!at_most_one_plain) {
          invoke_macro(*m);
          continue;
        }
        count_expansion(m->count);
        if (m->count == 0) continue;
        t = body->kind;
        text = body->text;
        made_ = true;  // stored made
      }
    }
    if (t == tok::kEOF && !ifdef_stack_.empty()) fail("unclosed #ifdef or #ifndef");
    beginning_of_line_ = t == '\n';
    if (enabled()) {
      text_ = text;
      return t;
    }
  }
  fail("recursive macro invocation");
}

// Go's check of a -D name (the text before '='): nullopt if it is one identifier, else the
// message ("parsing -D: \"1\" is not a valid identifier name").
std::optional<std::string> check_define_name(std::string_view name);

// Reads a whole file; nullopt and an errno-style message ("open name: no such file or
// directory") if it cannot be opened. A read error (a directory) ends the text where it
// happened, and its message ("read name: is a directory") goes to *read_err if given.
std::optional<std::string> read_file(const std::string& path, std::string* err,
                                     std::string* read_err = nullptr);

// Go's filepath.Dir / filepath.Join (with Clean).
std::string path_dir(const std::string& path);
std::string path_join(const std::string& dir, const std::string& name);

}  // namespace gostack::lex
