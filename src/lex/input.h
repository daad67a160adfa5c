// The preprocessor (Go's cmd/asm/internal/lex Input): a stack of token readers (files
// and macro bodies) with #include, #define/#undef, #ifdef/#ifndef/#else/#endif and #line.
// Its errors are fatal, as in Go: they throw LexError and end the assembly.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/hash.h"
#include "lex/token.h"
#include "lex/tokenizer.h"

namespace gostack::lex {

// A fatal preprocessor error at file:line (Go prints it and exits).
struct LexError {
  std::string file;
  int line;
  std::string msg;
};

struct Macro {
  std::string name;
  std::optional<std::vector<std::string>> args;  // nullopt: object-like macro
  std::vector<Token> tokens;
  // For a function-like macro, per body token: the index of the parameter it names, or -1.
  std::vector<int> param_of;
};

// One layer of input: a file being scanned or the expansion of one macro.
class TokenReader {
 public:
  virtual ~TokenReader() = default;
  virtual Tok next() = 0;
  virtual std::string_view text() const = 0;  // valid until the next call
  virtual const std::string& file() const = 0;  // name for messages (after #line)
  virtual int line() const = 0;
  virtual int col() const = 0;
  uint32_t file_index = 0;  // physical file (index into Unit::files) for positions
};

struct InputConfig {
  std::vector<std::string> include_dirs;  // searched after the name itself, in order
  // Registers a file name for positions; returns its index.
  std::function<uint32_t(const std::string&)> register_file;
  // Receives non-fatal scanner messages ("file:line:col: msg").
  std::function<void(const std::string&)> report;
};

class Input {
 public:
  explicit Input(InputConfig cfg);
  ~Input();

  // Defines a macro from -D name[=value]; returns an error message if the name is bad.
  std::optional<std::string> predefine(const std::string& spec);
  // Starts reading `name` whose contents are `source`.
  void push_file(const std::string& name, std::string source);

  Tok next();  // next token after preprocessing
  const std::string& text() const { return text_; }
  const std::string& file() const;
  int line() const;
  uint32_t file_index() const;

 private:
  Tok stack_next();
  std::string_view stack_text() const;
  [[noreturn]] void fail(const std::string& msg) const;
  [[noreturn]] void expect_text(const std::string& msg) const;
  bool enabled() const;
  void expect_newline(const std::string& directive);
  bool hash();
  std::string macro_name();
  void define();
  void macro_definition(const std::string& name, std::optional<std::vector<std::string>>* args,
                        std::vector<Token>* tokens);
  void invoke_macro(const Macro& macro);
  std::vector<std::vector<Token>> args_for(const Macro& macro);
  void ifdef(bool truth);
  void else_();
  void endif();
  void include();
  void line_directive();
  void undef();
  void push(std::unique_ptr<TokenReader> r);

  InputConfig cfg_;
  // File names macro expansions report (node-based: stable addresses), the last one used;
  // declared before stack_, whose readers refer to them.
  std::unordered_set<std::string> names_;
  const std::string* last_name_ = nullptr;
  // Every macro defined so far, never removed before the Input ends: an expansion reads its
  // macro in place even if the body #undefs or redefines it. Declared before stack_ too.
  std::deque<Macro> macro_store_;
  std::vector<std::unique_ptr<TokenReader>> stack_;
  // The macros in force, looked up for every identifier, keyed by the macro's own name.
  std::unordered_map<std::string_view, const Macro*, ShortNameHash> macros_;
  void add_macro(Macro m);
  std::vector<bool> ifdef_stack_;
  bool beginning_of_line_ = true;
  std::string text_;
  bool peek_ = false;
  Tok peek_token_ = tok::kEOF;
  std::string peek_text_;
};

// Reads a whole file; nullopt and an errno-style message ("no such file or directory") if not.
std::optional<std::string> read_file(const std::string& path, std::string* err);

// Go's filepath.Dir / filepath.Join (with Clean).
std::string path_dir(const std::string& path);
std::string path_join(const std::string& dir, const std::string& name);

}  // namespace gostack::lex
