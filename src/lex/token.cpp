// Token construction and Go-compatible quoting/unquoting.
#include "lex/token.h"

#include <algorithm>
#include <cstdio>

namespace gostack::lex {

int32_t decode_rune(std::string_view s, int* width) {
  constexpr int32_t kError = 0xFFFD;
  *width = 1;
  if (s.empty()) return kError;
  auto b0 = static_cast<uint8_t>(s[0]);
  if (b0 < 0x80) return b0;
  int n;
  int32_t r;
  int32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2, r = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3, r = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4, r = b0 & 0x07, min = 0x10000;
  } else {
    return kError;
  }
  if (static_cast<int>(s.size()) < n) return kError;
  for (int i = 1; i < n; ++i) {
    auto b = static_cast<uint8_t>(s[i]);
    if ((b & 0xC0) != 0x80) return kError;
    r = (r << 6) | (b & 0x3F);
  }
  if (r < min || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) return kError;
  *width = n;
  return r;
}

void append_utf8(std::string& out, int32_t r) {
  auto u = static_cast<uint32_t>(r);
  if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF)) u = 0xFFFD;
  if (u < 0x80) {
    out += static_cast<char>(u);
  } else if (u < 0x800) {
    out += static_cast<char>(0xC0 | (u >> 6));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else if (u < 0x10000) {
    out += static_cast<char>(0xE0 | (u >> 12));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (u >> 18));
    out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  }
}

namespace {

// Go's strconv.IsPrint: the runes a quoted string shows as themselves. In Latin-1, the
// ASCII graphic characters and space, and U+00A1..U+00FF but the soft hyphen; above it, the
// letters, marks, numbers, punctuation and symbols of Unicode 13.0 (Go 1.19's tables), so
// unassigned code points, separators, format characters and private use are escaped.
bool go_is_print(int32_t r) {
  if (r <= 0xFF) return (r >= 0x20 && r <= 0x7E) || (r >= 0xA1 && r != 0xAD);
  struct Range {
    int32_t first, last;
  };
  static constexpr Range kPrintable[] = {
#include "lex/printable.inc"
  };
  const Range* it = std::upper_bound(std::begin(kPrintable), std::end(kPrintable), r,
                                     [](int32_t v, const Range& range) { return v < range.first; });
  return it != std::begin(kPrintable) && r <= (it - 1)->last;
}

// Appends r escaped as Go's %q does inside the given quote character.
void append_quoted_rune(std::string& out, int32_t r, char quote) {
  switch (r) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
    case '\\': out += "\\\\"; return;
    default: break;
  }
  if (r == quote) {
    out += '\\';
    out += quote;
    return;
  }
  char buf[16];
  if (r < 0x20 || r == 0x7F) {
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(r));
    out += buf;
  } else if (r < 0x7F) {
    out += static_cast<char>(r);
  } else if (!go_is_print(r)) {
    std::snprintf(buf, sizeof buf, r > 0xFFFF ? "\\U%08x" : "\\u%04x", static_cast<unsigned>(r));
    out += buf;
  } else {
    append_utf8(out, r);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void TokenBuffer::reallocate(size_t cap) {
  // Raw storage: the tokens copied into it start their lifetime there (Token is trivially
  // copyable, an implicit-lifetime type).
  std::unique_ptr<Token, Free> bigger(static_cast<Token*>(::operator new(cap * sizeof(Token))));
  if (size_ != 0) std::memcpy(static_cast<void*>(bigger.get()), data_.get(), size_ * sizeof(Token));
  data_ = std::move(bigger);
  cap_ = cap;
}

void TextStore::new_chunk(size_t n) {
  constexpr size_t kChunk = 4096;
  cap_ = std::max(kChunk, n);
  chunks_.push_back(std::make_unique_for_overwrite<char[]>(cap_));
  used_ = 0;
}

std::string_view TextStore::keep(std::string_view s) {
  if (s.empty()) return {};
  std::copy(s.begin(), s.end(), room(s.size()));
  return commit(s.size());
}

// make_token for the kinds of token that can hold the stand-ins.
Token make_word_token(Tok kind, std::string_view text, TextStore& store) {
  // Both are multi-byte UTF-8: plain ASCII text needs no rewriting.
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<signed char>(c) >= 0; })) {
    return Token{kind, text};
  }
  constexpr std::string_view kDot = "\u00B7", kSlash = "\u2215";
  const bool quote = kind == tok::kIdent && text.starts_with(kDot);
  // The first stand-in; none (and no prefix) leaves the text as it is.
  size_t i = 0;
  while (i < text.size() && !text.substr(i).starts_with(kDot) && !text.substr(i).starts_with(kSlash)) ++i;
  if (i == text.size() && !quote) return Token{kind, text};
  // Written straight into the store: the text shrinks at each stand-in, so it needs at most
  // the two bytes of the `""` prefix more than it has.
  char* const out = store.room(text.size() + 2);
  char* o = out;
  if (quote) *o++ = '"', *o++ = '"';
  o = std::copy_n(text.data(), i, o);
  while (i < text.size()) {
    if (text.substr(i).starts_with(kDot)) {
      *o++ = '.';
      i += kDot.size();
    } else if (text.substr(i).starts_with(kSlash)) {
      *o++ = '/';
      i += kSlash.size();
    } else {
      *o++ = text[i++];
    }
  }
  return Token{kind, store.commit(static_cast<size_t>(o - out))};
}

std::string tok_string(Tok kind) {
  switch (kind) {
    case tok::kEOF: return "EOF";
    case tok::kIdent: return "identifier";
    case tok::kInt: return "integer constant";
    case tok::kFloat: return "float constant";
    case tok::kChar: return "rune constant";
    case tok::kString: return "string constant";
    case tok::kRawString: return "raw string constant";
    case tok::kComment: return "comment";
    default: return go_quote_rune(kind);
  }
}

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    int w;
    int32_t r = decode_rune(s.substr(i), &w);
    if (r == 0xFFFD && w == 1) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(static_cast<uint8_t>(s[i])));
      out += buf;
    } else {
      append_quoted_rune(out, r, '"');
    }
    i += w;
  }
  return out + "\"";
}

std::string go_quote_rune(int32_t r) {
  if (r < 0 || r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF)) r = 0xFFFD;
  std::string out = "'";
  append_quoted_rune(out, r, '\'');
  return out + "'";
}

std::optional<std::string> go_unquote(std::string_view lit) {
  if (lit.size() < 2 || lit.front() != lit.back()) return std::nullopt;
  char quote = lit.front();
  if (quote != '"' && quote != '\'') return std::nullopt;
  std::string_view body = lit.substr(1, lit.size() - 2);
  std::string out;
  int runes = 0;
  for (size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c == quote || c == '\n') return std::nullopt;
    ++runes;
    if (c != '\\') {
      // A byte that is not valid UTF-8 becomes U+FFFD, as in Go's strconv.Unquote (its
      // copy-as-is path requires valid UTF-8).
      int w;
      if (decode_rune(body.substr(i), &w) == 0xFFFD && w == 1) {
        append_utf8(out, 0xFFFD);
      } else {
        out.append(body.substr(i, w));
      }
      i += w;
      continue;
    }
    if (i + 1 >= body.size()) return std::nullopt;
    char e = body[i + 1];
    i += 2;
    switch (e) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '\'':
      case '"':
        if (e != quote) return std::nullopt;
        out += e;
        break;
      case 'x':
      case 'u':
      case 'U': {
        size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
        if (i + n > body.size()) return std::nullopt;
        uint32_t v = 0;
        for (size_t k = 0; k < n; ++k) {
          int h = hex_value(body[i + k]);
          if (h < 0) return std::nullopt;
          v = v * 16 + static_cast<uint32_t>(h);
        }
        i += n;
        if (e == 'x') {
          out += static_cast<char>(v);
        } else {
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return std::nullopt;
          append_utf8(out, static_cast<int32_t>(v));
        }
        break;
      }
      default: {
        if (e < '0' || e > '7' || i + 2 > body.size()) return std::nullopt;
        uint32_t v = static_cast<uint32_t>(e - '0');
        for (size_t k = 0; k < 2; ++k) {
          char d = body[i + k];
          if (d < '0' || d > '7') return std::nullopt;
          v = v * 8 + static_cast<uint32_t>(d - '0');
        }
        if (v > 255) return std::nullopt;
        i += 2;
        out += static_cast<char>(v);
        break;
      }
    }
  }
  if (quote == '\'' && runes != 1) return std::nullopt;
  return out;
}

}  // namespace gostack::lex
