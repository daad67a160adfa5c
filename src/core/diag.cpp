// Diagnostics sink.
#include "core/diag.h"

namespace gostack {

namespace {

// The whole text, NUL bytes included (Go prints a NUL token's byte in "found ..." messages),
// and a newline.
void write_line(std::FILE* out, std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), out);
  std::fputc('\n', out);
}

std::string positioned(std::string_view file, int line, std::string_view msg) {
  std::string text;
  text.reserve(file.size() + msg.size() + 16);
  text.append(file).append(":").append(std::to_string(line)).append(": ").append(msg);
  return text;
}

}  // namespace

void Diag::emit(const std::string& text, bool limited) {
  ++count_;
  if (limited) ++limited_count_;
  if (sink_) {
    sink_->push_back(text);
  } else {
    write_line(out_, text);
  }
  if (limited_count_ > 10 && !all_errors_) throw TooManyErrors{};
}

void Diag::error(std::string_view file, int line, std::string_view msg) {
  if (line == last_line_ && file == last_file_) return;
  last_file_ = std::string(file);
  last_line_ = line;
  emit(positioned(file, line, msg), true);
}

void Diag::stage_error(std::string_view file, int line, std::string_view msg) {
  emit(positioned(file, line, msg), false);
}

void Diag::fatal(std::string_view file, int line, std::string_view msg) {
  stopped_ = true;
  emit(positioned(file, line, msg), false);
}

void Diag::error(std::string_view msg) { emit(log_prefix_ + std::string(msg), false); }

void Diag::message(std::string_view text) {
  if (sink_) {
    sink_->push_back(std::string(text));
  } else {
    write_line(out_, text);
  }
}

}  // namespace gostack
