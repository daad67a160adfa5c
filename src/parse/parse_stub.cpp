// Placeholder until the front end lands (replaced by lex/ + parse/).
#include "parse/parse.h"

namespace gostack {
bool parse_file(Unit&, Diag& diag, const std::string& path, const ParseOptions&) {
  diag.error(path + ": front end not built yet");
  return false;
}
bool parse_text(Unit&, Diag& diag, std::string_view filename, std::string_view, const ParseOptions&) {
  diag.error(std::string(filename) + ": front end not built yet");
  return false;
}
}  // namespace gostack
