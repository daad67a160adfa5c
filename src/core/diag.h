// Diagnostics: "file:line: message" on the error stream, one per line, at most ten
// unless -e (all errors) is given, as Go's assembler does.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
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

  // Reports an error at a source position already formatted as file and line.
  // A second error on the same file:line is dropped (Go reports one error per line).
  void error(std::string_view file, int line, std::string_view msg);
  // Reports an error without position (e.g. a missing input file).
  void error(std::string_view msg);
  // Prints a diagnostic that is not counted as an error (Go's text/scanner complaints,
  // which Go prints without failing the assembly).
  void message(std::string_view text);

  int count() const { return count_; }

 private:
  void emit(const std::string& text);

  std::FILE* out_;
  std::vector<std::string>* sink_ = nullptr;
  bool all_errors_ = false;
  int count_ = 0;
  std::string last_file_;
  int last_line_ = -1;
};

}  // namespace gostack
