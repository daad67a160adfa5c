// Preprocessor: include stack, macros and conditional assembly, following the rules of
// Go's cmd/asm/internal/lex (input.go, stack.go, slice.go).
#include "lex/input.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash.h"

namespace gostack::lex {
namespace {

// Name equality inline (a memcmp call costs more than the short names it compares), by the
// same overlapping loads as hash_name, never reading outside either name.
[[gnu::always_inline]] inline bool same_name(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  if (n != b.size()) return false;
  const char *p = a.data(), *q = b.data();
  auto differ = [p, q](size_t at, size_t k) { return load_word(p + at, k) != load_word(q + at, k); };
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8)
      if (differ(i, 8)) return false;
    return !differ(n - 8, 8);
  }
  if (n >= 4) return !differ(0, 4) && !differ(n - 4, 4);
  return n == 0 || (p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1]);
}

// The kind of token `s` is if it is one plain token that tokenize() returns as it is: an
// identifier of ASCII letters, digits and '_', or a decimal integer without a leading zero
// (what -D names and values usually are). nullopt for anything else, left to tokenize().
std::optional<Tok> plain_word(std::string_view s) {
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (s.empty()) return std::nullopt;
  if (digit(s[0])) {
    if (s[0] == '0' && s.size() > 1) return std::nullopt;  // octal: the scanner checks its digits
    if (std::all_of(s.begin(), s.end(), digit)) return tok::kInt;
    return std::nullopt;
  }
  if (letter(s[0]) && std::all_of(s.begin(), s.end(), [&](char c) { return letter(c) || digit(c); })) {
    return tok::kIdent;
  }
  return std::nullopt;
}

// Whether path.Clean would return the path as it is: names separated by single slashes,
// none of them "." or "..", no slash at the end (what an include directory and a header
// name joined usually are).
bool is_clean(std::string_view path) {
  if (path.empty() || (path.size() > 1 && path.back() == '/')) return false;
  for (size_t start = path[0] == '/' ? 1 : 0; start <= path.size();) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view part = path.substr(start, slash - start);
    if (part.empty() ? path.size() > 1 : part == "." || part == "..") return false;
    start = slash + 1;
  }
  return true;
}

// Go's path.Clean for slash-separated paths.
std::string clean(std::string_view path) {
  if (is_clean(path)) return std::string(path);
  if (path.empty()) return ".";
  const bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  for (size_t start = 0; start <= path.size();) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view part = path.substr(start, slash - start);
    start = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
      continue;
    }
    parts.push_back(part);
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

}  // namespace

// An errno-style message as Go's os errors read: "open name: no such file or directory".
static std::string os_error(const char* op, const std::string& path, int errnum) {
  std::string e = std::strerror(errnum);
  if (!e.empty()) e[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(e[0])));
  return std::string(op) + " " + path + ": " + e;
}

// A whole file in a buffer that is not zero-filled first (a go_asm.h is read per assembly),
// followed by a NUL byte (which Tokenizer wants after its source); null and the open
// error's errno in *open_errno if it cannot be opened (#include tries several names and
// reports only the last failure: its message is made when needed). A read error (the name
// is a directory, which opens) ends the text there and is given in *read_err ("read name:
// is a directory"), as Go's scanner reports it and goes on with what it read.
static std::unique_ptr<char[]> read_raw(const std::string& path, size_t* size, int* open_errno,
                                        std::string* read_err) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *open_errno = errno;
    return nullptr;
  }
  // The size is a hint (a pipe has none); two bytes more let the read that sees EOF fit
  // and leave room for the NUL.
  struct stat st {};
  size_t cap = ::fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<size_t>(st.st_size) + 2 : 4096;
  auto out = std::make_unique_for_overwrite<char[]>(cap);
  size_t used = 0;
  for (;;) {
    if (cap - used < 2) {
      auto bigger = std::make_unique_for_overwrite<char[]>(2 * cap);
      std::memcpy(bigger.get(), out.get(), used);
      out = std::move(bigger);
      cap *= 2;
    }
    const ssize_t n = ::read(fd, out.get() + used, cap - used - 1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) *read_err = os_error("read", path, errno);
    if (n <= 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  out[used] = '\0';
  *size = used;
  return out;
}

std::optional<std::string> read_file(const std::string& path, std::string* err, std::string* read_err) {
  size_t size = 0;
  std::string unreported;
  int open_errno = 0;
  std::unique_ptr<char[]> text = read_raw(path, &size, &open_errno, read_err ? read_err : &unreported);
  if (!text) {
    *err = os_error("open", path, open_errno);
    return std::nullopt;
  }
  return std::string(text.get(), size);
}

std::string path_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return clean(path.substr(0, slash + 1));
}

std::string path_join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return clean(name);
  return clean(dir + "/" + name);
}


Input::Input(InputConfig cfg) : cfg_(std::move(cfg)) { rehash(256); }
Input::~Input() = default;

std::optional<std::string> check_define_name(std::string_view name) {
  if (plain_word(name) == tok::kIdent) return std::nullopt;
  TokenList toks = tokenize(name);
  if (toks.tokens.size() == 1 && toks.tokens[0].kind == tok::kIdent) return std::nullopt;
  std::string shown = toks.tokens.empty() ? "" : std::string(toks.tokens[0].text);
  return "parsing -D: " + go_quote(shown) + " is not a valid identifier name";
}

std::optional<std::string> Input::predefine(const std::string& spec) {
  std::string name = spec, value = "1";
  size_t eq = spec.find('=');
  if (eq != std::string::npos && eq > 0) {
    name = spec.substr(0, eq);
    value = spec.substr(eq + 1);
  }
  if (std::optional<std::string> bad = check_define_name(name)) return bad;
  remove_macro(name);
  Macro m;
  m.name = store_.keep(name);
  m.first = static_cast<uint32_t>(macro_tokens_.size());
  if (const std::optional<Tok> kind = plain_word(value)) {
    macro_tokens_.push_back(Token{*kind, store_.keep(value)});
  } else {
    for (const Token& t : tokenize(value).tokens) {
      macro_tokens_.push_back(Token{t.kind, store_.keep(t.text)});
    }
  }
  m.count = static_cast<uint32_t>(macro_tokens_.size()) - m.first;
  add_macro(m);
  return std::nullopt;
}

void Input::push_file(const std::string& name, std::string source) {
  push_source(name, sources_.emplace_back(std::move(source)), false);
}

void Input::push_text(const std::string& name, const std::string& source) {
  push_source(name, source, false);
}

// Starts reading `src`, which stays in sources_ or buffers_ (or the caller's, push_text).
void Input::push_source(const std::string& name, std::string_view src, bool header) {
  // Room for what a file of #defines (a go_asm.h) adds, so that the stores grow once: about
  // one body token and one macro per 24 bytes (go_asm.h lines average 30).
  const size_t tokens = macro_tokens_.size() + src.size() / 16;
  if (tokens > macro_tokens_.capacity()) macro_tokens_.reserve(std::max(tokens, 2 * macro_tokens_.capacity()));
  const size_t macros = macros_.size() + src.size() / 24;
  if (macros > macros_.capacity()) macros_.reserve(std::max(macros, 2 * macros_.capacity()));
  // The table is cleared when allocated (its slots are larger than the stores'): reserved
  // only for the #include'd headers that hold most #defines, grown on demand otherwise.
  if (header) reserve_macros(macros);
  files_.push_back(std::make_unique<Tokenizer>(name, src, cfg_.report));
  Frame f;
  f.tz = files_.back().get();
  f.file_index = cfg_.register_file(PosBase(name));
  push(f);
}

void Input::push(const Frame& f) {
  if (stack_.size() > 100) fail("input recursion");
  stack_.push_back(f);
}

// Drops the top frame; an expansion's tokens go with it (expansions are read LIFO).
void Input::pop() {
  const Frame& f = stack_.back();
  if (f.list == &expansion_) expansion_.truncate(f.begin);
  stack_.pop_back();
}

const std::string& Input::file() const {
  const Frame& f = stack_.back();
  return f.tz ? f.tz->name() : *f.file;
}


// Go's Slice reports the token index as the column (only used to tell "#define A(x)" from
// "#define A (x)" inside a macro body).
Input::ColMark Input::stack_col_mark() const {
  const Frame& f = stack_.back();
  return f.tz != nullptr ? ColMark{f.tz, f.tz->lookahead_offset(), 0} : ColMark{nullptr, 0, f.pos};
}

// Whether the token just read starts at the column after `before` (Go compares columns).
// In a file, a token one byte wide read right at `before` does (the usual "#define F(x)"),
// without counting columns from the start of the line.
bool Input::follows_at_once(const ColMark& before) const {
  const ColMark now = stack_col_mark();
  if (now.tz != nullptr && now.tz == before.tz && now.offset == before.offset + 1) return true;
  return col_of(now) == col_of(before) + 1;
}

void Input::fail(const std::string& msg) const { throw LexError{file(), line(), msg}; }

void Input::expect_text(const std::string& msg) const {
  fail(msg + " ; got " + go_quote(stack_text()));
}


void Input::expect_newline(const std::string& directive) {
  if (stack_next() != '\n') expect_text("expected newline after " + directive);
}

// The '#' of a directive, processed (Input::next's rare case).
Tok Input::directive() {
  if (!beginning_of_line_) fail("'#' must be first item on line");
  // Plain "#define NAME VALUE" lines straight from a file: read in batches. A go_asm.h is
  // thousands of them in a row: the ones that follow this one are taken here too (the parser
  // ignores the '#' a directive returns, so one '#' for the run is the same).
  Tokenizer* tz = stack_.back().tz;
  Tokenizer::SimpleDefine* const batch = define_batch_.data();
  size_t n;
  if (tz != nullptr && enabled() && (n = tz->scan_simple_defines(false, batch, define_batch_.size())) > 0) {
    do {
      define_simple(*tz, batch, n);
    } while ((n = tz->scan_simple_defines(true, batch, define_batch_.size())) > 0);
    beginning_of_line_ = true;
  } else {
    beginning_of_line_ = hash();
  }
  text_ = "#";
  return '#';
}

// Handles a directive after '#'; returns whether it was processed (a skipped
// directive inside a false #ifdef returns false).
bool Input::hash() {
  if (stack_next() != tok::kIdent) expect_text("expected identifier after '#'");
  std::string_view word = stack_text();
  if (!enabled() && word != "else" && word != "endif" && word != "ifdef" && word != "ifndef" &&
      word != "line") {
    return false;
  }
  if (word == "define") {
    define();
  } else if (word == "else") {
    else_();
  } else if (word == "endif") {
    endif();
  } else if (word == "ifdef") {
    ifdef(true);
  } else if (word == "ifndef") {
    ifdef(false);
  } else if (word == "include") {
    include();
  } else if (word == "line") {
    line_directive();
  } else if (word == "undef") {
    undef();
  } else {
    fail("unexpected token after '#': " + std::string(word));
  }
  return true;
}

std::string_view Input::macro_name() {
  if (stack_next() != tok::kIdent) expect_text("expected identifier after # directive");
  return stack_text();
}

void Input::define() {
  Macro m;
  m.name = macro_name();
  macro_definition(m);
  if (find_macro(m.name)) fail("redefinition of macro: " + std::string(m.name));
  add_macro(m);
}

// Enters the n #defines whose lines tz has just read (each a name and one body token, or
// none if its kind is kEOF).
void Input::define_simple(const Tokenizer& tz, const Tokenizer::SimpleDefine* defs, size_t n) {
  for (size_t k = 0; k < n; ++k) {
    const std::string_view name = defs[k].name;
    if (!insert_macro(name, static_cast<uint32_t>(macros_.size()))) {
      // Reported, as by Go, at the line after the #define (its newline was read).
      const int line = tz.line() - static_cast<int>(n - 1 - k);
      throw LexError{tz.name(), line, "redefinition of macro: " + std::string(name)};
    }
    const bool has_body = defs[k].body.kind != tok::kEOF;
    macros_.push_back(Macro{.name = name,
                            .first = static_cast<uint32_t>(macro_tokens_.size()),
                            .count = has_body ? 1u : 0u});
    if (has_body) macro_tokens_.push_back(defs[k].body);
    filter_[static_cast<uint8_t>(name[0])] |= macro_filter_bit(name);
  }
}

// Reads the rest of a #define into m (parameters, body tokens in the macro store).
void Input::macro_definition(Macro& m) {
  const std::string_view name = m.name;
  m.first = static_cast<uint32_t>(macro_tokens_.size());
  m.first_use = static_cast<uint32_t>(param_uses_.size());
  // The column after the name, worked out only if a '(' follows (the source does not change).
  const ColMark after_name = stack_col_mark();
  Tok t = stack_next();
  if (t == '\n' || t == tok::kEOF) return;  // empty body
  // "#define A(x)" has a parameter list, "#define A (x)" does not: the '(' must
  // immediately follow the name.
  std::vector<std::string_view> params;
  if (t == '(' && follows_at_once(after_name)) {
    bool accept_arg = true;
    m.function_like = true;
    for (;;) {
      t = stack_next();
      if (t == ')') {
        t = stack_next();
        break;
      }
      if (t == ',') {
        if (accept_arg) fail("bad syntax in definition for macro: " + std::string(name));
        accept_arg = true;
      } else if (t == tok::kIdent) {
        if (!accept_arg) fail("bad syntax in definition for macro: " + std::string(name));
        std::string_view arg = stack_text();
        for (std::string_view a : params) {
          if (a == arg) fail("duplicate argument " + std::string(arg) + " in definition for macro: " + std::string(name));
        }
        params.push_back(arg);
        accept_arg = false;
      } else {
        fail("bad definition for macro: " + std::string(name));
      }
    }
    m.nparams = static_cast<uint32_t>(params.size());
  }
  // The body runs to the end of the line; "\" continues it, and the escaped newline
  // stays in the body as a statement separator.
  while (t != '\n') {
    if (t == tok::kEOF) fail("missing newline in definition for macro: " + std::string(name));
    if (t == '\\') {
      t = stack_next();
      if (t != '\n' && t != '\\') fail("can only escape \\ or \\n in definition for macro: " + std::string(name));
    }
    Token tk = stack_token(t);
    int32_t param = -1;
    if (t == tok::kIdent) {
      // Names differ mostly in length or first letter: those are compared before the bytes.
      for (size_t i = 0; i < params.size(); ++i) {
        if (params[i].size() == tk.text.size() && params[i][0] == tk.text[0] && params[i] == tk.text) {
          param = static_cast<int32_t>(i);
          break;
        }
      }
    }
    macro_tokens_.push_back(tk);
    if (param >= 0) {
      param_uses_.push_back(ParamUse{m.count, static_cast<uint32_t>(param)});
      ++m.uses;
    }
    ++m.count;
    t = stack_next();
  }
}

void Input::invoke_macro(Macro macro) {
  // Interned: reading the arguments below may pop the frame this came from.
  const std::string& cur = file();
  if (&cur != last_source_ && (last_name_ == nullptr || *last_name_ != cur)) {
    last_name_ = &*names_.insert(cur).first;
  }
  last_source_ = &cur;
  Frame f;
  f.file = last_name_;
  f.line = line();
  f.file_index = stack_.back().file_index;
  if (!macro.function_like) {
    f.list = &macro_tokens_;
    f.begin = macro.first;
    f.count = macro.count;
    push_expansion(f);
    return;
  }
  Tok t = stack_next();
  if (t != '(') {
    // A function-like macro named without arguments stands for its name. Go keeps the
    // looked-ahead token with the text of the previous token; so do we.
    peek_token_ = t;
    peek_text_ = text_;
    peek_ = true;
    f.list = &expansion_;
    f.begin = static_cast<uint32_t>(expansion_.size());
    f.count = 1;
    expansion_.push_back(Token{tok::kMacroName, macro.name});
    push(f);
    return;
  }
  const bool long_args = args_for(macro);
  f.list = &expansion_;
  f.begin = static_cast<uint32_t>(expansion_.size());
  // The body with each parameter replaced by its argument. args_for left exactly one
  // argument per parameter. An empty argument leaves the parameter's own name in the body,
  // as in Go (its map of actuals holds no tokens for it, which Go reads as "not a
  // parameter"): F(, x) with F(a, b) yields `a`.
  const Token* body = macro_tokens_.data() + macro.first;
  if (!long_args) {
    // Every argument at most one token (registers, numbers: most calls): the body copied
    // whole, each parameter then overwritten in place by its argument.
    expansion_.append(body, body + macro.count);
    Token* out = expansion_.data() + f.begin;
    for (uint32_t i = macro.first_use; i < macro.first_use + macro.uses; ++i) {
      const ParamUse use = param_uses_[i];
      const uint32_t from = use.param == 0 ? 0 : arg_ends_[use.param - 1];
      if (from != arg_ends_[use.param]) out[use.pos] = arg_tokens_[from];
    }
    f.count = macro.count;
    push_expansion(f);
    return;
  }
  // Otherwise the runs of body tokens between parameters are copied whole.
  uint32_t k = 0;  // the body tokens before k are copied
  for (uint32_t i = macro.first_use; i < macro.first_use + macro.uses; ++i) {
    const ParamUse use = param_uses_[i];
    const uint32_t from = use.param == 0 ? 0 : arg_ends_[use.param - 1];
    const uint32_t to = arg_ends_[use.param];
    if (from == to) continue;  // the name stays: copied with the run after it
    expansion_.append(body + k, body + use.pos);
    expansion_.append(arg_tokens_.data() + from, arg_tokens_.data() + to);
    k = use.pos + 1;
  }
  expansion_.append(body + k, body + macro.count);
  f.count = static_cast<uint32_t>(expansion_.size()) - f.begin;
  push_expansion(f);
}

void Input::push_expansion(const Frame& f) {
  count_expansion(f.count);
  push(f);
}

void Input::expansion_too_large() const {
  fail("macro expansion too large: more than " + std::to_string(kMaxExpandedTokens) + " tokens");
}

// Collects the actual arguments of a macro call into arg_tokens_/arg_ends_; the '(' has
// been read. Returns whether any argument is longer than one token.
bool Input::args_for(const Macro& macro) {
  arg_tokens_.clear();
  arg_ends_.clear();
  bool long_args = false;
  for (;;) {
    int nesting = 0;
    Tok t;
    for (;;) {
      t = stack_next();
      if (t == tok::kEOF || t == '\n') {
        fail("unterminated arg list invoking macro: " + std::string(macro.name));
      }
      if (nesting == 0 && (t == ')' || t == ',')) break;
      if (t == '(') ++nesting;
      if (t == ')') --nesting;
      arg_tokens_.push_back(stack_token(t));
    }
    long_args |= arg_tokens_.size() - (arg_ends_.empty() ? 0 : arg_ends_.back()) > 1;
    arg_ends_.push_back(static_cast<uint32_t>(arg_tokens_.size()));
    if (t == ')') break;
  }
  if (macro.nparams == 0 && arg_ends_.size() == 1 && arg_ends_[0] == 0) {
    arg_ends_.clear();
  } else if (arg_ends_.size() != macro.nparams) {
    fail("wrong arg count for macro " + std::string(macro.name));
  }
  return long_args;
}

void Input::ifdef(bool truth) {
  std::string_view name = macro_name();
  expect_newline("#if[n]def");
  if (!enabled()) {
    truth = false;
  } else if (!find_macro(name)) {
    truth = !truth;
  }
  ifdef_stack_.push_back(truth);
  ifdef_changed();
}

void Input::else_() {
  expect_newline("#else");
  if (ifdef_stack_.empty()) fail("unmatched #else");
  size_t n = ifdef_stack_.size();
  if (n == 1 || ifdef_stack_[n - 2]) ifdef_stack_[n - 1] = !ifdef_stack_[n - 1];
  ifdef_changed();
}

void Input::endif() {
  expect_newline("#endif");
  if (ifdef_stack_.empty()) fail("unmatched #endif");
  ifdef_stack_.pop_back();
  ifdef_changed();
}

// #include "name": the name as given (relative to the working directory), then each
// include directory in order (the top-level file's directory first), then gostack's own
// headers. The first that opens is read (a directory too: Go's scanner then reports the
// read error at the header's 1:1); if none does, the error is the last one Go would report,
// that of the last include directory.
void Input::include() {
  if (stack_next() != tok::kString) expect_text("expected string after #include");
  std::optional<std::string> name = go_unquote(stack_text());
  if (!name) fail("unquoting include file name:  invalid syntax");
  expect_newline("#include");
  std::string read_err;
  std::string tried = *name;  // the last path of Go's search tried, and why it failed
  int open_errno = 0;
  size_t size = 0;
  std::unique_ptr<char[]> src = read_raw(tried, &size, &open_errno, &read_err);
  for (size_t i = 0; !src && i < cfg_.include_dirs.size(); ++i) {
    tried = path_join(cfg_.include_dirs[i], *name);
    src = read_raw(tried, &size, &open_errno, &read_err);
  }
  if (!src && !cfg_.fallback_include_dir.empty()) {
    int unused;
    src = read_raw(path_join(cfg_.fallback_include_dir, *name), &size, &unused, &read_err);
  }
  if (!src) fail("#include: " + os_error("open", tried, open_errno));
  if (!read_err.empty() && cfg_.report) cfg_.report(*name + ":1:1: " + read_err);
  push_source(*name, std::string_view(buffers_.emplace_back(std::move(src)).get(), size), true);
}

// Go's strconv.Atoi on a decimal integer token: the #line number.
static std::optional<uint64_t> line_number(std::string_view text, std::string* why) {
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      *why = "invalid syntax";
      return std::nullopt;
    }
    if (v > (uint64_t{INT64_MAX} - (c - '0')) / 10) {
      *why = "value out of range";
      return std::nullopt;
    }
    v = v * 10 + (c - '0');
  }
  return v;
}

// #line 337 "file": later messages name that file, and the listing numbers the following
// lines from 337 (see PosBase).
void Input::line_directive() {
  if (stack_next() != tok::kInt) expect_text("expected line number after #line");
  std::string why;
  std::optional<uint64_t> n = line_number(stack_text(), &why);
  if (!n) fail("error parsing #line (cannot happen): strconv.Atoi: parsing " + go_quote(stack_text()) + ": " + why);
  if (stack_next() != tok::kString) expect_text("expected file name in #line");
  std::optional<std::string> file = go_unquote(stack_text());
  if (!file) fail("unquoting #line file name:  invalid syntax");
  Tok t = stack_next();
  if (t != '\n') fail("unexpected token at end of #line:  " + tok_string(t));
  Frame& f = stack_.back();
  if (f.tz != nullptr) {
    PosBase base(*file);
    base.outer = static_cast<int32_t>(f.file_index);
    base.start = f.tz->line() + 1;
    base.line = *n;
    f.file_index = cfg_.register_file(base);
    f.tz->set_name(*file);
    last_source_ = nullptr;  // that name changed in place
  }
}

void Input::undef() {
  std::string_view name = macro_name();
  if (!find_macro(name)) fail("#undef for undefined macro: " + std::string(name));
  if (stack_next() != '\n') fail("syntax error in #undef for macro: " + std::string(name));
  remove_macro(name);
}

const Macro* Input::lookup_macro(std::string_view name) const {
  const uint64_t h = hash_name(name);
  const auto tag = static_cast<uint32_t>(h >> 32);
  const size_t mask = slot_count_ - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot s = slots_[i];
    if (s.index == kEmpty) return nullptr;
    if (s.tag == tag && s.index >= 0) {
      const Macro& m = macros_[static_cast<size_t>(s.index)];
      if (same_name(m.name, name)) return &m;
    }
  }
}

// Enters macros_[index] under `name` unless a macro of that name is in force.
[[gnu::always_inline]] inline bool Input::insert_macro(std::string_view name, uint32_t index) {
  if ((slots_filled_ + 1) * 2 > slot_count_) rehash(slot_count_ * 2);
  const uint64_t h = hash_name(name);
  const auto tag = static_cast<uint32_t>(h >> 32);
  const size_t mask = slot_count_ - 1;
  Slot* free = nullptr;  // the first erased slot on the probe, where the name goes if absent
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.index == kEmpty) {
      if (free == nullptr) {
        free = &s;
        ++slots_filled_;
      }
      *free = Slot{static_cast<int32_t>(index), tag};
      return true;
    }
    if (s.index == kErased) {
      if (free == nullptr) free = &s;
    } else if (s.tag == tag && same_name(macros_[static_cast<size_t>(s.index)].name, name)) {
      return false;
    }
  }
}

void Input::add_macro(const Macro& m) {
  insert_macro(m.name, static_cast<uint32_t>(macros_.size()));
  macros_.push_back(m);
  if (!m.name.empty()) filter_[static_cast<uint8_t>(m.name[0])] |= macro_filter_bit(m.name);
}

void Input::remove_macro(std::string_view name) {
  const uint64_t h = hash_name(name);
  const size_t mask = slot_count_ - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.index == kEmpty) return;
    if (s.index >= 0 && same_name(macros_[static_cast<size_t>(s.index)].name, name)) {
      s.index = kErased;
      return;
    }
  }
}

// Room for n macros in force without rehashing.
void Input::reserve_macros(size_t n) {
  if (2 * n > slot_count_) rehash(std::bit_ceil(2 * n));
}

// Rebuilds the table with `size` slots (a power of two), dropping erased ones.
void Input::rehash(size_t size) {
  // Every slot kEmpty, written as an 8-byte word: the compiler then stores two slots at a time
  // (Slot assignments took five instructions per slot; a go_asm.h's table has 8192).
  auto fresh = std::make_unique_for_overwrite<Slot[]>(size);
  const uint64_t empty = std::bit_cast<uint64_t>(Slot{kEmpty, 0});
  for (Slot *s = fresh.get(), *end = s + size; s != end; ++s) std::memcpy(s, &empty, sizeof empty);
  std::unique_ptr<Slot[]> old = std::exchange(slots_, std::move(fresh));
  const size_t old_count = std::exchange(slot_count_, size);
  slots_filled_ = 0;
  const size_t mask = size - 1;
  for (size_t k = 0; k < old_count; ++k) {
    const Slot s = old[k];
    if (s.index < 0) continue;
    size_t i = hash_name(macros_[static_cast<size_t>(s.index)].name) & mask;
    while (slots_[i].index != kEmpty) i = (i + 1) & mask;
    slots_[i] = s;
    ++slots_filled_;
  }
}

}  // namespace gostack::lex
