// Diagnostics sink.
#include "core/diag.h"

namespace gostack {

void Diag::emit(const std::string& text, bool limited) {
  ++count_;
  if (limited) ++limited_count_;
  if (sink_) {
    sink_->push_back(text);
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  if (limited_count_ > 10 && !all_errors_) throw TooManyErrors{};
}

namespace {

std::string positioned(std::string_view file, int line, std::string_view msg) {
  std::string text;
  text.reserve(file.size() + msg.size() + 16);
  text.append(file).append(":").append(std::to_string(line)).append(": ").append(msg);
  return text;
}

}  // namespace

void Diag::error(std::string_view file, int line, std::string_view msg) {
  if (line == last_line_ && file == last_file_) return;
  last_file_ = std::string(file);
  last_line_ = line;
  emit(positioned(file, line, msg), true);
}

void Diag::stage_error(std::string_view file, int line, std::string_view msg) {
  emit(positioned(file, line, msg), false);
}

void Diag::error(std::string_view msg) { emit(log_prefix_ + std::string(msg), false); }

void Diag::message(std::string_view text) {
  if (sink_) {
    sink_->push_back(std::string(text));
  } else {
    std::fprintf(out_, "%.*s\n", static_cast<int>(text.size()), text.data());
  }
}

}  // namespace gostack
