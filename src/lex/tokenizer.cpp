// Scanner for one source file, modelled on Go's text/scanner with cmd/asm's settings:
// whitespace is tab, CR and space (newline is a token); chars, floats, identifiers,
// ints, strings and comments are recognized; raw strings are not.
#include "lex/tokenizer.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace gostack::lex {
namespace {

constexpr int32_t kEOFChar = -1;

// Unicode letters outside ASCII, approximated by the major alphabetic blocks
// (Go uses unicode.IsLetter; assembly sources practically never go beyond these).
bool is_unicode_letter(int32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (c == 0xAA || c == 0xB5 || c == 0xBA) return true;
  if (c >= 0xC0 && c <= 0x24F) return c != 0xD7 && c != 0xF7;
  struct Range {
    int32_t lo, hi;
  };
  static constexpr Range kLetters[] = {
      {0x250, 0x2C1},   {0x370, 0x373},   {0x376, 0x377},   {0x37B, 0x37D},   {0x386, 0x386},
      {0x388, 0x3FF},   {0x400, 0x481},   {0x48A, 0x52F},   {0x531, 0x556},   {0x561, 0x587},
      {0x5D0, 0x5EA},   {0x620, 0x64A},   {0x904, 0x939},   {0xE01, 0xE30},   {0x10A0, 0x10FF},
      {0x1E00, 0x1FFF}, {0x3041, 0x3096}, {0x30A1, 0x30FA}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF},
      {0xAC00, 0xD7A3}, {0xFF21, 0xFF3A}, {0xFF41, 0xFF5A},
  };
  return std::any_of(std::begin(kLetters), std::end(kLetters),
                     [c](const Range& r) { return c >= r.lo && c <= r.hi; });
}

bool is_unicode_digit(int32_t c) {
  return (c >= '0' && c <= '9') || (c >= 0x660 && c <= 0x669) || (c >= 0x6F0 && c <= 0x6F9) ||
         (c >= 0x966 && c <= 0x96F) || (c >= 0xFF10 && c <= 0xFF19);
}

// cmd/asm accepts the middle dot (·, for '.') and division slash (∕, for '/') in names.
bool is_ident_rune(int32_t ch, int i) {
  if (ch == kEOFChar) return false;
  if (is_unicode_letter(ch) || ch == '_' || ch == 0x00B7 || ch == 0x2215) return true;
  return i > 0 && is_unicode_digit(ch);
}

// Byte classes of the scanner's ASCII fast paths.
enum : uint8_t { kLetter = 1, kDigit = 2, kHexLetter = 4 };
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = kLetter;
  for (int c = 'a'; c <= 'f'; ++c) t[c] = t[c - 'a' + 'A'] = kLetter | kHexLetter;
  t['_'] = kLetter;
  for (int c = '0'; c <= '9'; ++c) t[c] = kDigit;
  return t;
}();

bool is_ascii_ident_byte(char c) { return kByteClass[static_cast<uint8_t>(c)] & (kLetter | kDigit); }

// A plain decimal or 0x-hexadecimal integer whose first digit is `first` and whose next byte
// is at p: the end of its digits, or nullptr when what follows could continue a number (a
// letter, a digit, '.', a non-ASCII byte), for text/scanner's general rules to read. A '0'
// followed by digits (octal) is not plain. The NUL after the source is in no class: it ends
// every loop.
inline const char* plain_int_end(char first, const char* p) {
  auto cls = [](const char* q) { return kByteClass[static_cast<uint8_t>(*q)]; };
  if (first == '0') {
    if ((*p | 0x20) == 'x' && (cls(p + 1) & (kDigit | kHexLetter))) {
      p += 2;
      while (cls(p) & (kDigit | kHexLetter)) ++p;
    }
  } else {
    while (cls(p) & kDigit) ++p;
  }
  if (static_cast<uint8_t>(*p) >= 0x80 || (cls(p) & (kLetter | kDigit)) || *p == '.') return nullptr;
  return p;
}

// What a token that starts with an ASCII character is, for scan()'s dispatch: most tokens
// are told apart by this one lookup. Every other ASCII character is a token by itself.
enum class Start : uint8_t {
  Punct, Blank, Letter, Digit, Newline,
  PairFirst,  // '-', '@', '<', '>': may begin a two-character operator
  Quote, Apostrophe, Dot, Slash,
  Other,  // EOF or a character outside ASCII
};
constexpr std::array<Start, 128> kStart = [] {
  std::array<Start, 128> t{};
  t['\t'] = t['\r'] = t[' '] = Start::Blank;
  for (int c = 0; c < 128; ++c) {
    if (kByteClass[c] & kLetter) t[c] = Start::Letter;
    if (kByteClass[c] & kDigit) t[c] = Start::Digit;
  }
  t['\n'] = Start::Newline;
  t['-'] = t['@'] = t['<'] = t['>'] = Start::PairFirst;
  t['"'] = Start::Quote;
  t['\''] = Start::Apostrophe;
  t['.'] = Start::Dot;
  t['/'] = Start::Slash;
  return t;
}();

// The characters that are a token by themselves (punctuation, '\n'), NUL aside: next()'s
// fast path.
constexpr std::array<bool, 128> kOneCharToken = [] {
  std::array<bool, 128> t{};
  for (int c = 1; c < 128; ++c) t[c] = kStart[c] == Start::Punct || kStart[c] == Start::Newline;
  return t;
}();

Start start_of(int32_t ch) { return static_cast<uint32_t>(ch) < kStart.size() ? kStart[ch] : Start::Other; }

// The end of the run of ASCII letters, digits and '_' at p, which must stop at a byte of the
// buffer that ends at buf_end (scan_simple_defines: the line's '\n').
const char* ident_end(const char* p, const char* buf_end) {
#if defined(__SSE2__)
  // 16 bytes at a time while they lie in the buffer. Signed compares: bytes >= 0x80 are
  // negative, in no range. c | 0x20 is in a-z exactly for the letters of either case.
  auto in = [](__m128i v, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
  };
  while (buf_end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i ok = _mm_or_si128(_mm_or_si128(in(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z'), in(v, '0', '9')),
                                    _mm_cmpeq_epi8(v, _mm_set1_epi8('_')));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(ok));
    if (mask != 0xffff) return p + __builtin_ctz(~mask);
    p += 16;
  }
#endif
  while (is_ascii_ident_byte(*p)) ++p;
  return p;
}

// Whether s is all ASCII other than NUL: characters that advance() takes one byte at a time.
// Bit 7 of c | (c - 1) is set exactly for NUL and bytes >= 0x80; an OR over bytes vectorizes.
bool plain_ascii(std::string_view s) {
  uint8_t acc = 0;
  for (char ch : s) {
    const auto c = static_cast<uint8_t>(ch);
    acc |= c | static_cast<uint8_t>(c - 1);
  }
  return (acc & 0x80) == 0;
}

int32_t lower(int32_t ch) { return ('a' - 'A') | ch; }
bool is_decimal(int32_t ch) { return ch >= '0' && ch <= '9'; }
bool is_hex(int32_t ch) { return is_decimal(ch) || (lower(ch) >= 'a' && lower(ch) <= 'f'); }

int digit_val(int32_t ch) {
  if (is_decimal(ch)) return ch - '0';
  if (lower(ch) >= 'a' && lower(ch) <= 'f') return lower(ch) - 'a' + 10;
  return 16;
}

std::string lit_name(int32_t prefix) {
  switch (prefix) {
    case 'x': return "hexadecimal literal";
    case 'o':
    case '0': return "octal literal";
    case 'b': return "binary literal";
    default: return "decimal literal";
  }
}

// Index of the first misplaced '_' in a number literal, or -1 (text/scanner's rule).
int invalid_sep(std::string_view x) {
  int32_t x1 = ' ';
  int32_t d = '.';
  size_t i = 0;
  if (x.size() >= 2 && x[0] == '0') {
    x1 = lower(x[1]);
    if (x1 == 'x' || x1 == 'o' || x1 == 'b') {
      d = '0';
      i = 2;
    }
  }
  for (; i < x.size(); ++i) {
    int32_t p = d;
    d = x[i];
    if (d == '_') {
      if (p != '0') return static_cast<int>(i);
    } else if (is_decimal(d) || (x1 == 'x' && is_hex(d))) {
      d = '0';
    } else {
      if (p == '_') return static_cast<int>(i) - 1;
      d = '.';
    }
  }
  if (d == '_') return static_cast<int>(x.size()) - 1;
  return -1;
}

}  // namespace

Tokenizer::Tokenizer(std::string name, std::string_view source, Report report)
    : name_(std::move(name)), src_(source), report_(std::move(report)) {}

// The characters from byte `from` to byte `to`: one per byte of ASCII, as advance() reads them.
int Tokenizer::chars(size_t from, size_t to) const {
  int n = 0;
  for (size_t i = from; i < to; ++n) {
    int width = 1;
    if (static_cast<uint8_t>(src_[i]) >= 0x80) decode_rune(src_.substr(i), &width);
    i += static_cast<size_t>(width);
  }
  return n;
}

// Messages name the start of the token being scanned, or else the lookahead character.
void Tokenizer::error(const std::string& msg) {
  tok_end_ = static_cast<long>(src_pos_) - last_char_len_;
  const auto [line, col] = position(tok_pos_ >= 0 ? static_cast<size_t>(tok_pos_) : src_pos_ - last_char_len_);
  report_(name_ + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + msg);
}

// text/scanner counts a line per '\n' read and a column per character (a '\n' is the last
// character of its line; EOF is one past the last character). The same count, continued
// from the last position asked for (errors come in order), or from the start of the source
// for an earlier one.
std::pair<int, int> Tokenizer::position(size_t offset) const {
  if (offset < memo_offset_) memo_offset_ = 0, memo_line_ = 1, memo_col_ = 1;
  size_t line_start = memo_offset_;
  int newlines = 0;
  for (const char* p = src_.data() + memo_offset_, *end = src_.data() + offset;;) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (nl == nullptr) break;
    ++newlines;
    p = nl + 1;
    line_start = static_cast<size_t>(p - src_.data());
  }
  memo_line_ += newlines;
  memo_col_ = (newlines > 0 ? 1 : memo_col_) + chars(line_start, offset);
  memo_offset_ = offset;
  return {memo_line_, memo_col_};
}

int32_t Tokenizer::advance_slow() {
  if (src_pos_ >= src_.size()) {
    last_char_len_ = 0;
    return kEOFChar;
  }
  int width = 1;
  int32_t ch = static_cast<uint8_t>(src_[src_pos_]);
  if (ch >= 0x80) {
    ch = decode_rune(src_.substr(src_pos_), &width);
    if (ch == 0xFFFD && width == 1) {
      src_pos_ += 1;
      last_char_len_ = 1;
      error("invalid UTF-8 encoding");
      return ch;
    }
  }
  src_pos_ += width;
  last_char_len_ = width;
  if (ch == 0) error("invalid character NUL");
  return ch;
}

int32_t Tokenizer::first_char() {
  ch_ = advance();
  if (ch_ == 0xFEFF) ch_ = advance();  // byte-order mark
  return ch_;
}

// The identifier whose first character is the lookahead; returns the character after it.
[[gnu::always_inline]] inline int32_t Tokenizer::scan_identifier() {
  // ASCII letters, digits and '_' directly (what advance() would do for each of them; the
  // NUL after the source ends the run).
  const char* p = src_.data() + src_pos_;
  while (is_ascii_ident_byte(*p)) ++p;
  src_pos_ = static_cast<size_t>(p - src_.data());
  int32_t ch = advance();
  if (ch >= 0 && ch < 0x80) return ch;  // not an identifier character: the loop above ate those
  for (int i = 1; is_ident_rune(ch, i); ++i) {
    ascii_ident_ = false;  // ch is a non-ASCII letter or digit (the loop takes ASCII ones)
    ch = advance();
  }
  return ch;
}

// A plain decimal or 0x-hexadecimal integer ending in an ASCII character that cannot
// continue a number: scanned without text/scanner's general rules. `ch` (its first digit)
// is consumed. Returns the character after it, or kNotPlain, changing nothing, for anything
// else. (Returned rather than stored through a pointer: the caller's character then stays
// in a register.)
int32_t Tokenizer::scan_plain_int(int32_t ch) {
  const char* p = plain_int_end(static_cast<char>(ch), src_.data() + src_pos_);
  if (p == nullptr) return kNotPlain;
  src_pos_ = static_cast<size_t>(p - src_.data());
  return advance();
}

int32_t Tokenizer::digits(int32_t ch, int base, int32_t* invalid, int* digsep) {
  if (base <= 10) {
    int32_t max = '0' + base;
    while (is_decimal(ch) || ch == '_') {
      int ds = 1;
      if (ch == '_') {
        ds = 2;
      } else if (ch >= max && invalid != nullptr && *invalid == 0) {
        *invalid = ch;
      }
      *digsep |= ds;
      ch = advance();
    }
  } else {
    while (is_hex(ch) || ch == '_') {
      *digsep |= ch == '_' ? 2 : 1;
      ch = advance();
    }
  }
  return ch;
}

std::pair<Tok, int32_t> Tokenizer::scan_number(int32_t ch, bool seen_dot) {
  int base = 10;
  int32_t prefix = 0;
  int digsep = 0;
  int32_t invalid = 0;
  Tok tok = tok::kInt;
  if (!seen_dot) {
    if (ch == '0') {
      ch = advance();
      switch (lower(ch)) {
        case 'x': ch = advance(), base = 16, prefix = 'x'; break;
        case 'o': ch = advance(), base = 8, prefix = 'o'; break;
        case 'b': ch = advance(), base = 2, prefix = 'b'; break;
        default: base = 8, prefix = '0', digsep = 1; break;
      }
    }
    ch = digits(ch, base, &invalid, &digsep);
    if (ch == '.') {
      ch = advance();
      seen_dot = true;
    }
  }
  if (seen_dot) {
    tok = tok::kFloat;
    if (prefix == 'o' || prefix == 'b') error("invalid radix point in " + lit_name(prefix));
    ch = digits(ch, base, &invalid, &digsep);
  }
  if ((digsep & 1) == 0) error(lit_name(prefix) + " has no digits");
  int32_t e = lower(ch);
  if (e == 'e' || e == 'p') {
    if (e == 'e' && prefix != 0 && prefix != '0') {
      error(go_quote_rune(ch) + " exponent requires decimal mantissa");
    } else if (e == 'p' && prefix != 'x') {
      error(go_quote_rune(ch) + " exponent requires hexadecimal mantissa");
    }
    ch = advance();
    tok = tok::kFloat;
    if (ch == '+' || ch == '-') ch = advance();
    int ds = 0;
    ch = digits(ch, 10, nullptr, &ds);
    digsep |= ds;
    if ((ds & 1) == 0) error("exponent has no digits");
  } else if (prefix == 'x' && tok == tok::kFloat) {
    error("hexadecimal mantissa requires a 'p' exponent");
  }
  if (tok == tok::kInt && invalid != 0) {
    error("invalid digit " + go_quote_rune(invalid) + " in " + lit_name(prefix));
  }
  if (digsep & 2) {
    tok_end_ = static_cast<long>(src_pos_) - last_char_len_;
    if (invalid_sep(token_text()) >= 0) error("'_' must separate successive digits");
  }
  return {tok, ch};
}

int32_t Tokenizer::scan_digits(int32_t ch, int base, int n) {
  while (n > 0 && digit_val(ch) < base) {
    ch = advance();
    --n;
  }
  if (n > 0) error("invalid char escape");
  return ch;
}

int32_t Tokenizer::scan_escape(int32_t quote) {
  int32_t ch = advance();
  switch (ch) {
    case 'a': case 'b': case 'f': case 'n': case 'r': case 't': case 'v': case '\\':
      return advance();
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
      return scan_digits(ch, 8, 3);
    case 'x': return scan_digits(advance(), 16, 2);
    case 'u': return scan_digits(advance(), 16, 4);
    case 'U': return scan_digits(advance(), 16, 8);
    default:
      if (ch == quote) return advance();
      error("invalid char escape");
      return ch;
  }
}

int Tokenizer::scan_string(int32_t quote) {
  int n = 0;
  int32_t ch = advance();
  while (ch != quote) {
    if (ch == '\n' || ch < 0) {
      error("literal not terminated");
      return n;
    }
    ch = ch == '\\' ? scan_escape(quote) : advance();
    ++n;
  }
  return n;
}

int32_t Tokenizer::scan_comment(int32_t ch) {
  if (ch == '/') {
    // Most comments are plain ASCII to the end of the line: skipped at once (advance() would
    // read each byte as one character) after a check the compiler vectorizes. Each skip
    // below is followed by an advance(), which sets last_char_len_.
    const char* rest = src_.data() + src_pos_;
    const void* nl = std::memchr(rest, '\n', src_.size() - src_pos_);
    const size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - rest) : src_.size() - src_pos_;
    if (plain_ascii({rest, len})) src_pos_ += len;
    // Otherwise printable ASCII and tabs directly (what advance() would do for each of them);
    // the rest (UTF-8, NUL, the newline, EOF) one character at a time.
    auto skip_plain = [this] {
      size_t end = src_pos_;
      while (src_.data()[end] != '\n' && static_cast<uint8_t>(src_.data()[end] - 1) < 0x7f) ++end;
      src_pos_ = end;
    };
    skip_plain();
    ch = advance();
    while (ch != '\n' && ch >= 0) {
      skip_plain();
      ch = advance();
    }
    return ch;
  }
  // A block comment of plain ASCII up to its "*/": skipped at once as above.
  if (const size_t close = src_.find("*/", src_pos_);
      close != std::string_view::npos && plain_ascii(src_.substr(src_pos_, close - src_pos_))) {
    const size_t end = close + 2;
    src_pos_ = end;
    return advance();
  }
  ch = advance();
  for (;;) {
    if (ch < 0) {
      error("comment not terminated");
      break;
    }
    int32_t ch0 = ch;
    ch = advance();
    if (ch0 == '*' && ch == '/') {
      ch = advance();
      break;
    }
  }
  return ch;
}

// Inlined into next_token(), its only caller, which runs once per token next() does not take.
[[gnu::always_inline]] inline Tok Tokenizer::scan() {
  int32_t ch = peek_char();
  Start what = start_of(ch);
  if (what == Start::Blank) {
    // Outside any token: an error reading the character after the blanks is reported there.
    tok_pos_ = -1;
    // The blanks that follow are plain ASCII: skipped at once, up to the next character.
    const char* p = src_.data() + src_pos_;
    while (*p == '\t' || *p == '\r' || *p == ' ') ++p;
    src_pos_ = static_cast<size_t>(p - src_.data());
    ch = advance();
    what = start_of(ch);
  }

  tok_pos_ = static_cast<long>(src_pos_) - last_char_len_;

  Tok tok = ch;
  switch (what) {
    case Start::Letter:
      tok = tok::kIdent;
      ascii_ident_ = true;
      ch = scan_identifier();
      break;
    case Start::Digit:
      tok = tok::kInt;
      if (const int32_t after = scan_plain_int(ch); after != kNotPlain) {
        ch = after;
      } else {
        std::tie(tok, ch) = scan_number(ch, false);
      }
      break;
    case Start::Other:
      if (ch == kEOFChar) break;
      if (is_ident_rune(ch, 0)) {
        tok = tok::kIdent;
        ascii_ident_ = false;
        ch = scan_identifier();
      } else {
        ch = advance();
      }
      break;
    case Start::Quote:
      scan_string('"');
      tok = tok::kString;
      ch = advance();
      break;
    case Start::Apostrophe:
      if (scan_string('\'') != 1) error("invalid char literal");
      tok = tok::kChar;
      ch = advance();
      break;
    case Start::Dot:
      ch = advance();
      if (is_decimal(ch)) std::tie(tok, ch) = scan_number(ch, true);
      break;
    case Start::Slash:
      ch = advance();
      if (ch == '/' || ch == '*') {
        ch = scan_comment(ch);
        tok = tok::kComment;
      }
      break;
    case Start::Newline:
      ch = advance();
      ++line_;
      break;
    case Start::PairFirst: {
      // The second character of the operator is the lookahead. It is consumed as
      // text/scanner's Next() would, outside any token (a message about what follows it
      // names the lookahead, not the operator); the operator's text is both characters.
      ch = advance();
      Tok pair = 0;
      switch (tok) {
        case '-': pair = ch == '>' ? tok::kArr : 0; break;
        case '@': pair = ch == '>' ? tok::kRot : 0; break;
        case '<': pair = ch == '<' ? tok::kLsh : 0; break;
        case '>': pair = ch == '>' ? tok::kRsh : 0; break;
        default: break;
      }
      if (pair != 0) {
        const long first = tok_pos_;
        tok_pos_ = -1;
        ch = advance();
        tok_pos_ = first;
        tok = pair;
      }
      break;
    }
    case Start::Punct:
    case Start::Blank:  // (not after the skip above)
      ch = advance();
      break;
  }
  tok_end_ = static_cast<long>(src_pos_) - last_char_len_;
  ch_ = ch;
  return tok;
}

// The commonest tokens, taken here in a small out-of-line function (inlining it into the
// parser's loop cost more than it saved): after any blanks, a one-character token
// (punctuation, '\n'), an ASCII identifier or a plain integer, followed by plain ASCII. That
// is what scan() would do for them (advance() reading each character as one byte);
// everything else, which this leaves untouched, goes to next_token() (a tail call). Since
// only ASCII bytes are taken, last_char_len_, which next_token() relies on, is 1 before this
// and stays 1 after it.
Tok Tokenizer::next() {
  // A plain ASCII lookahead was read as one byte, at src_pos_ - 1 (-2, nothing read yet, and
  // EOF are not ASCII).
  if (static_cast<uint32_t>(ch_) >= 0x80) return next_token();
  const char* const base = src_.data();
  size_t at = src_pos_ - 1;
  while (base[at] == ' ' || base[at] == '\t' || base[at] == '\r') ++at;
  const auto c = static_cast<uint8_t>(base[at]);
  size_t end = at + 1;  // the token's end
  Tok tok = c;
  auto cls = [base](size_t i) { return kByteClass[static_cast<uint8_t>(base[i])]; };
  if (cls(at) & kLetter) {
    while (is_ascii_ident_byte(base[end])) ++end;
    tok = tok::kIdent;
  } else if (cls(at) & kDigit) {
    const char* const e = plain_int_end(static_cast<char>(c), base + end);
    if (e == nullptr) return next_token();  // more of a number, or not a plain one
    end = static_cast<size_t>(e - base);
    tok = tok::kInt;
  } else if (c >= 0x80 || !kOneCharToken[c]) {
    return next_token();
  }
  const auto after = static_cast<uint8_t>(base[end]);
  if (after - 1u >= 0x7fu) return next_token();  // NUL, the end, or UTF-8 (an identifier's too)
  tok_pos_ = static_cast<long>(at);
  tok_end_ = static_cast<long>(end);
  src_pos_ = end + 1;
  ch_ = after;
  if (tok == tok::kIdent) ascii_ident_ = true;
  line_ += tok == '\n';
  return tok;
}

Tok Tokenizer::next_token() {
  Tok tok = scan();
  while (tok == tok::kComment) {  // skipped, but for a //go:build line
    const std::string_view t = text();
    // A line comment stops before its newline; only a block comment can hold some.
    if (t[1] == '*') line_ += static_cast<int>(std::count(t.begin(), t.end(), '\n'));
    if (t.starts_with("//go:build")) return tok::kBuildComment;
    tok = scan();
  }
  return tok;
}

TokenList tokenize(std::string_view text) {
  TokenList out;
  // Kept with the NUL the tokenizer needs after its source.
  std::string_view src = out.store.keep(std::string(text) + '\0');
  src.remove_suffix(1);
  Tokenizer tz("command line", src, [](const std::string&) {});
  for (Tok t = tz.next(); t != tok::kEOF; t = tz.next()) {
    out.tokens.push_back(make_token(t, tz.text(), out.store));
  }
  return out;
}

// A run of lines "define NAME [VALUE]" with plain ASCII words, where VALUE is one
// identifier or plain integer (what go_asm.h is made of), read in one go: the first line
// after the '#' token just returned (or, if at_hash, from the lookahead '#' that starts it),
// the others from the '#' that starts each. Stops at the first line of another shape, which
// is left unread for next(), or after `max` lines. The scanner then stands where next()
// would after returning the last line's '\n'.
size_t Tokenizer::scan_simple_defines(bool at_hash, SimpleDefine* out, size_t max) {
  // The lookahead must be plain ASCII, one byte just read.
  if (ch_ <= 0 || ch_ >= 0x80 || last_char_len_ != 1) return 0;
  // A line's '\n' or the NUL after the source ends every scan below (no class or blank
  // matches them), so the loops need no bounds checks; each line must end at a '\n'.
  const char* const base = src_.data();
  const char* const buf_end = base + src_.size();
  const char* line = base + src_pos_ - 1;  // the line's first unread character
  auto cls = [](const char* q) { return kByteClass[static_cast<uint8_t>(*q)]; };
  auto is_blank = [](const char* q) { return *q == ' ' || *q == '\t'; };
  auto skip_blanks = [&](const char* q) {
    while (is_blank(q)) ++q;
    return q;
  };
  size_t n = 0;
  // "#define " as go_asm.h and most headers write it, as a little-endian word.
  uint64_t hash_define;
  std::memcpy(&hash_define, "#define ", 8);
  for (; n < max; at_hash = true) {
    const char* p = line;
    // Most lines start with exactly "#define ": its 8 bytes compared at once (the shortest
    // such line, "#define A\n", is 10 bytes). Other spacings take the general path.
    uint64_t word = 0;
    if (at_hash && buf_end - p >= 10) std::memcpy(&word, p, 8);
    if (word == hash_define) {
      p += 8;
    } else {
      if (at_hash && *p++ != '#') break;
      p = skip_blanks(p);
      // "define" and a blank; the shortest line, "define A\n", is 9 bytes.
      if (buf_end - p < 9 || std::memcmp(p, "define", 6) != 0 || !is_blank(p + 6)) break;
      p += 7;
    }
    p = skip_blanks(p);
    const char* b = p;
    if (!(cls(p) & kLetter)) break;
    p = ident_end(p, buf_end);
    SimpleDefine& d = out[n];
    d.name = {b, static_cast<size_t>(p - b)};
    d.body = Token{};  // kEOF: no body
    if (is_blank(p)) {
      p = skip_blanks(p);
      b = p;
      if (cls(p) & kLetter) {
        d.body.kind = tok::kIdent;
        p = ident_end(p, buf_end);
      } else if (p[0] == '0' && (p[1] | 0x20) == 'x') {  // p[1] is at most the '\n'
        p += 2;
        if (!(cls(p) & (kDigit | kHexLetter))) break;
        while (cls(p) & (kDigit | kHexLetter)) ++p;
        d.body.kind = tok::kInt;
      } else if (cls(p) & kDigit) {
        const bool zero = *p == '0';
        while (cls(p) & kDigit) ++p;
        if (zero && p - b > 1) break;  // octal: the general scanner checks its digits
        d.body.kind = tok::kInt;
      } else if (*p != '\n') {
        break;
      }
      d.body.text = {b, static_cast<size_t>(p - b)};
      p = skip_blanks(p);
    }
    if (*p != '\n') break;
    ++n;
    ++line_;
    line = p + 1;
  }
  if (n == 0) return 0;
  // The state after scanning the last '\n' token: consumed, counted, and the next
  // character read as the lookahead.
  const auto at = static_cast<size_t>(line - 1 - base);
  src_pos_ = at + 1;
  last_char_len_ = 1;
  tok_pos_ = static_cast<long>(at);
  ch_ = advance();
  tok_end_ = static_cast<long>(src_pos_) - last_char_len_;
  return n;
}

// Counted from the start of its line (a #define's line: short).
int Tokenizer::col_at(size_t at) const {
  size_t line_start = at;
  while (line_start > 0 && src_[line_start - 1] != '\n') --line_start;
  return 1 + chars(line_start, at);
}

}  // namespace gostack::lex
