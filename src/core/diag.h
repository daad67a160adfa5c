// Diagnostics, with Go's two kinds of error: the parser's ("file:line: message", one per
// line, at most ten unless -e is given) and the later stages' (Go's ctxt.Diag: every one
// printed, none counted toward that limit).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/prog.h"

namespace gostack {

class TooManyErrors {};  // thrown after the tenth error without -e; the driver catches it

class Diag {
 public:
  explicit Diag(std::FILE* out = stderr) : out_(out) {}

  void set_all_errors(bool all) { all_errors_ = all; }
  // Where messages go; tests capture them.
  void capture(std::vector<std::string>* sink) { sink_ = sink; }

  // A parser error at a source position already formatted as file and line. A second
  // error on the same file:line is dropped (Go's parser reports one error per line), and
  // the eleventh throws TooManyErrors unless all errors were asked for.
  void error(std::string_view file, int line, std::string_view msg);
  // An error of a later stage (encoder, frame pass, symbol checks) at a source position:
  // always printed, and not counted toward the parser's limit, like Go's ctxt.Diag.
  void stage_error(std::string_view file, int line, std::string_view msg);
  // An error without a position (a file that cannot be opened, a symbol's data out of
  // range): printed after the log prefix, and not counted toward the limit.
  void error(std::string_view msg);
  // A fatal error at a source position (Go's preprocessor errors, on which Go's assembler
  // prints the message and exits at once): always printed, and marks the assembly as
  // stopped, so that the driver adds no summary line after it.
  void fatal(std::string_view file, int line, std::string_view msg);
  // What errors without a position start with: `gostack asm` sets Go's "asm: ", which Go's
  // log package puts before them.
  void set_log_prefix(std::string prefix) { log_prefix_ = std::move(prefix); }
  // Prints a diagnostic that is not counted as an error (Go's text/scanner complaints,
  // which Go prints without failing the assembly).
  void message(std::string_view text);

  int count() const { return count_; }
  bool stopped() const { return stopped_; }

 private:
  void emit(const std::string& text, bool limited);

  std::FILE* out_;
  std::vector<std::string>* sink_ = nullptr;
  bool all_errors_ = false;
  std::string log_prefix_;
  int count_ = 0;          // every error
  int limited_count_ = 0;  // the parser's, which the limit of ten applies to
  bool stopped_ = false;   // a fatal error was reported
  std::string last_file_;
  int last_line_ = -1;
};

}  // namespace gostack
