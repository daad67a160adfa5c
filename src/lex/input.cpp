// Preprocessor: include stack, macros and conditional assembly, following the rules of
// Go's cmd/asm/internal/lex (input.go, stack.go, slice.go).
#include "lex/input.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace gostack::lex {
namespace {

// A file being scanned.
class FileReader : public TokenReader {
 public:
  FileReader(std::string name, std::string source, Tokenizer::Report report)
      : tz_(std::move(name), std::move(source), std::move(report)) {}
  Tok next() override { return tz_.next(); }
  std::string_view text() const override { return tz_.text(); }
  const std::string& file() const override { return tz_.name(); }
  int line() const override { return tz_.line(); }
  int col() const override { return tz_.col(); }
  void rename(std::string name) { tz_.set_name(std::move(name)); }

 private:
  Tokenizer tz_;
};

// The expansion of one macro: a list of tokens reported at the invoking line. An object-like
// macro's body is read in place; other expansions own theirs. `file` and the macro are owned
// by the Input (its interned names, its macro store), so outlive the reader.
class SliceReader : public TokenReader {
 public:
  SliceReader(const std::string& file, int line, std::vector<Token> tokens)
      : file_(file), line_(line), own_(std::move(tokens)), tokens_(&own_) {}
  SliceReader(const std::string& file, int line, const Macro& macro)
      : file_(file), line_(line), tokens_(&macro.tokens) {}
  Tok next() override {
    ++pos_;
    return pos_ < static_cast<long>(tokens_->size()) ? (*tokens_)[pos_].kind : tok::kEOF;
  }
  std::string_view text() const override {
    return pos_ >= 0 && pos_ < static_cast<long>(tokens_->size()) ? std::string_view((*tokens_)[pos_].text)
                                                                  : std::string_view();
  }
  const std::string& file() const override { return file_; }
  int line() const override { return line_; }
  // Go's Slice reports the token index as the column (only used to tell
  // "#define A(x)" from "#define A (x)" inside a macro body).
  int col() const override { return static_cast<int>(pos_); }

 private:
  const std::string& file_;
  int line_;
  std::vector<Token> own_;
  const std::vector<Token>* tokens_;
  long pos_ = -1;
};

// Go's path.Clean for slash-separated paths.
std::string clean(const std::string& path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string> parts;
  std::stringstream ss(path);
  std::string part;
  while (std::getline(ss, part, '/')) {
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

std::optional<std::string> read_file(const std::string& path, std::string* err) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::string e = std::strerror(errno ? errno : ENOENT);
    if (!e.empty()) e[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(e[0])));
    *err = "open " + path + ": " + e;
    return std::nullopt;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    *err = "read " + path + ": is a directory";
    return std::nullopt;
  }
  return buf.str();
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

Input::Input(InputConfig cfg) : cfg_(std::move(cfg)) {}
Input::~Input() = default;

std::optional<std::string> Input::predefine(const std::string& spec) {
  std::string name = spec, value = "1";
  size_t eq = spec.find('=');
  if (eq != std::string::npos && eq > 0) {
    name = spec.substr(0, eq);
    value = spec.substr(eq + 1);
  }
  std::vector<Token> toks = tokenize(name);
  if (toks.size() != 1 || toks[0].kind != tok::kIdent) {
    std::string shown = toks.empty() ? "" : toks[0].text;
    return "parsing -D: " + go_quote(shown) + " is not a valid identifier name";
  }
  macros_.erase(name);
  add_macro(Macro{name, std::nullopt, tokenize(value)});
  return std::nullopt;
}

void Input::push_file(const std::string& name, std::string source) {
  auto r = std::make_unique<FileReader>(name, std::move(source), cfg_.report);
  r->file_index = cfg_.register_file(name);
  push(std::move(r));
}

void Input::push(std::unique_ptr<TokenReader> r) {
  if (stack_.size() > 100) fail("input recursion");
  stack_.push_back(std::move(r));
}

const std::string& Input::file() const { return stack_.back()->file(); }
int Input::line() const { return stack_.back()->line(); }
uint32_t Input::file_index() const { return stack_.back()->file_index; }

Tok Input::stack_next() {
  Tok t = stack_.back()->next();
  while (t == tok::kEOF && stack_.size() > 1) {
    stack_.pop_back();
    t = stack_.back()->next();
  }
  return t;
}

std::string_view Input::stack_text() const { return stack_.back()->text(); }

void Input::fail(const std::string& msg) const { throw LexError{file(), line(), msg}; }

void Input::expect_text(const std::string& msg) const {
  fail(msg + " ; got " + go_quote(stack_text()));
}

bool Input::enabled() const { return ifdef_stack_.empty() || ifdef_stack_.back(); }

void Input::expect_newline(const std::string& directive) {
  if (stack_next() != '\n') expect_text("expected newline after " + directive);
}

Tok Input::next() {
  if (peek_) {
    peek_ = false;
    text_ = peek_text_;
    return peek_token_;
  }
  // A macro that expands to itself (directly or not) never yields a token: give up
  // after 100 expansions in a row, as Go does.
  for (int nesting = 0; nesting < 100;) {
    Tok t = stack_next();
    if (t == '#') {
      if (!beginning_of_line_) fail("'#' must be first item on line");
      beginning_of_line_ = hash();
      text_ = "#";
      return '#';
    }
    if (t == tok::kIdent) {
      auto it = macros_.find(stack_text());
      if (it != macros_.end()) {
        ++nesting;
        invoke_macro(*it->second);
        continue;
      }
    }
    if (t == tok::kEOF && !ifdef_stack_.empty()) fail("unclosed #ifdef or #ifndef");
    beginning_of_line_ = t == '\n';
    if (enabled()) {
      text_ = stack_text();
      return t;
    }
  }
  fail("recursive macro invocation");
}

// Handles a directive after '#'; returns whether it was processed (a skipped
// directive inside a false #ifdef returns false).
bool Input::hash() {
  if (stack_next() != tok::kIdent) expect_text("expected identifier after '#'");
  std::string word(stack_text());
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
    fail("unexpected token after '#': " + word);
  }
  return true;
}

std::string Input::macro_name() {
  if (stack_next() != tok::kIdent) expect_text("expected identifier after # directive");
  return std::string(stack_text());
}

void Input::define() {
  Macro m{macro_name(), std::nullopt, {}};
  macro_definition(m.name, &m.args, &m.tokens);
  if (macros_.count(m.name)) fail("redefinition of macro: " + m.name);
  add_macro(std::move(m));
}

void Input::add_macro(Macro m) {
  if (m.args) {
    m.param_of.assign(m.tokens.size(), -1);
    for (size_t k = 0; k < m.tokens.size(); ++k) {
      if (m.tokens[k].kind != tok::kIdent) continue;
      const std::vector<std::string>& formals = *m.args;
      auto it = std::find(formals.begin(), formals.end(), m.tokens[k].text);
      if (it != formals.end()) m.param_of[k] = static_cast<int>(it - formals.begin());
    }
  }
  const Macro& stored = macro_store_.emplace_back(std::move(m));
  macros_.emplace(stored.name, &stored);
}

void Input::macro_definition(const std::string& name,
                             std::optional<std::vector<std::string>>* args,
                             std::vector<Token>* tokens) {
  int prev_col = stack_.back()->col();
  Tok t = stack_next();
  if (t == '\n' || t == tok::kEOF) return;  // empty body
  // "#define A(x)" has a parameter list, "#define A (x)" does not: the '(' must
  // immediately follow the name.
  if (t == '(' && stack_.back()->col() == prev_col + 1) {
    bool accept_arg = true;
    args->emplace();
    for (;;) {
      t = stack_next();
      if (t == ')') {
        t = stack_next();
        break;
      }
      if (t == ',') {
        if (accept_arg) fail("bad syntax in definition for macro: " + name);
        accept_arg = true;
      } else if (t == tok::kIdent) {
        if (!accept_arg) fail("bad syntax in definition for macro: " + name);
        std::string arg(stack_text());
        for (const std::string& a : **args) {
          if (a == arg) fail("duplicate argument " + arg + " in definition for macro: " + name);
        }
        (*args)->push_back(arg);
        accept_arg = false;
      } else {
        fail("bad definition for macro: " + name);
      }
    }
  }
  // The body runs to the end of the line; "\" continues it, and the escaped newline
  // stays in the body as a statement separator.
  while (t != '\n') {
    if (t == tok::kEOF) fail("missing newline in definition for macro: " + name);
    if (t == '\\') {
      t = stack_next();
      if (t != '\n' && t != '\\') fail("can only escape \\ or \\n in definition for macro: " + name);
    }
    tokens->push_back(make_token(t, stack_text()));
    t = stack_next();
  }
}

void Input::invoke_macro(const Macro& macro) {
  // Interned: reading the arguments below may pop (and free) the reader this came from.
  const std::string& cur = stack_.back()->file();
  if (last_name_ == nullptr || *last_name_ != cur) last_name_ = &*names_.insert(cur).first;
  const std::string& file = *last_name_;
  int line = stack_.back()->line();
  uint32_t index = stack_.back()->file_index;
  auto push_slice = [&](std::vector<Token> toks) {
    auto r = std::make_unique<SliceReader>(file, line, std::move(toks));
    r->file_index = index;
    push(std::move(r));
  };
  if (!macro.args) {
    auto r = std::make_unique<SliceReader>(file, line, macro);
    r->file_index = index;
    push(std::move(r));
    return;
  }
  Tok t = stack_next();
  if (t != '(') {
    // A function-like macro named without arguments stands for its name. Go keeps the
    // looked-ahead token with the text of the previous token; so do we.
    peek_token_ = t;
    peek_text_ = text_;
    peek_ = true;
    push_slice({make_token(tok::kMacroName, macro.name)});
    return;
  }
  std::vector<std::vector<Token>> actuals = args_for(macro);
  std::vector<Token> body;
  body.reserve(macro.tokens.size() + 8);
  for (size_t k = 0; k < macro.tokens.size(); ++k) {
    const int param = macro.param_of[k];
    if (param >= 0 && static_cast<size_t>(param) < actuals.size()) {
      body.insert(body.end(), actuals[param].begin(), actuals[param].end());
    } else {
      body.push_back(macro.tokens[k]);
    }
  }
  push_slice(std::move(body));
}

// Collects the actual arguments of a macro call; the '(' has been read.
std::vector<std::vector<Token>> Input::args_for(const Macro& macro) {
  std::vector<std::vector<Token>> args;
  for (;;) {
    std::vector<Token> arg;
    int nesting = 0;
    Tok t;
    for (;;) {
      t = stack_next();
      if (t == tok::kEOF || t == '\n') fail("unterminated arg list invoking macro: " + macro.name);
      if (nesting == 0 && (t == ')' || t == ',')) break;
      if (t == '(') ++nesting;
      if (t == ')') --nesting;
      arg.push_back(make_token(t, stack_text()));
    }
    args.push_back(std::move(arg));
    if (t == ')') break;
  }
  if (macro.args->empty() && args.size() == 1 && args[0].empty()) {
    args.clear();
  } else if (args.size() != macro.args->size()) {
    fail("wrong arg count for macro " + macro.name);
  }
  return args;
}

void Input::ifdef(bool truth) {
  std::string name = macro_name();
  expect_newline("#if[n]def");
  if (!enabled()) {
    truth = false;
  } else if (!macros_.count(name)) {
    truth = !truth;
  }
  ifdef_stack_.push_back(truth);
}

void Input::else_() {
  expect_newline("#else");
  if (ifdef_stack_.empty()) fail("unmatched #else");
  size_t n = ifdef_stack_.size();
  if (n == 1 || ifdef_stack_[n - 2]) ifdef_stack_[n - 1] = !ifdef_stack_[n - 1];
}

void Input::endif() {
  expect_newline("#endif");
  if (ifdef_stack_.empty()) fail("unmatched #endif");
  ifdef_stack_.pop_back();
}

// #include "name": the name as given (relative to the working directory), then each
// include directory in order (the top-level file's directory first).
void Input::include() {
  if (stack_next() != tok::kString) expect_text("expected string after #include");
  std::optional<std::string> name = go_unquote(stack_text());
  if (!name) fail("unquoting include file name:  invalid syntax");
  expect_newline("#include");
  std::string err;
  std::optional<std::string> src = read_file(*name, &err);
  for (size_t i = 0; !src && i < cfg_.include_dirs.size(); ++i) {
    src = read_file(path_join(cfg_.include_dirs[i], *name), &err);
  }
  if (!src) fail("#include: " + err);
  push_file(*name, std::move(*src));
}

// #line 337 "file": later messages name that file. (Go also shifts line numbers in
// its listing; positions here stay physical.)
void Input::line_directive() {
  if (stack_next() != tok::kInt) expect_text("expected line number after #line");
  if (stack_next() != tok::kString) expect_text("expected file name in #line");
  std::optional<std::string> file = go_unquote(stack_text());
  if (!file) fail("unquoting #line file name:  invalid syntax");
  Tok t = stack_next();
  if (t != '\n') fail("unexpected token at end of #line:  " + tok_string(t));
  if (auto* f = dynamic_cast<FileReader*>(stack_.back().get())) f->rename(*file);
}

void Input::undef() {
  std::string name = macro_name();
  if (!macros_.count(name)) fail("#undef for undefined macro: " + name);
  if (stack_next() != '\n') fail("syntax error in #undef for macro: " + name);
  macros_.erase(name);
}

}  // namespace gostack::lex
