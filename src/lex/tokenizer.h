// The lowest lexing layer: turns the bytes of one file into tokens exactly as Go's
// text/scanner (configured by cmd/asm's Tokenizer) does, including its one-character
// lookahead and its non-fatal "file:line:col: msg" errors. Only byte offsets are kept
// per token; text/scanner's line and column are worked out when a message or the
// "#define A(x)" check asks for them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lex/token.h"

namespace gostack::lex {

class Tokenizer {
 public:
  // `report` receives scanner errors already formatted as "file:line:col: message".
  using Report = std::function<void(const std::string&)>;
  // `source` must outlive the tokenizer and the texts it hands out (they view it), and be
  // followed by a NUL byte (source.data()[source.size()] == 0): the scanning loops stop
  // there without checking the length at each byte.
  Tokenizer(std::string name, std::string_view source, Report report);

  // Next token; comments are skipped, '\n' is a token. The commonest tokens followed by plain
  // ASCII (one-character tokens, about half of a file's once blanks are skipped; ASCII
  // identifiers; plain decimal and 0x integers) are taken at little more than the cost of
  // the call; all others by next_token().
  Tok next();
  // Text of the last token next() returned: a view into the source (two-character
  // operators included). next() leaves tok_pos_ <= tok_end_, both set.
  std::string_view text() const {
    return {src_.data() + tok_pos_, static_cast<size_t>(tok_end_ - tok_pos_)};
  }
  // Whether the last identifier scanned was all ASCII: text that make_token returns unchanged.
  bool ascii_ident() const { return ascii_ident_; }
  int line() const { return line_; }  // line of the last token (after '\n': the next line)
  // The lookahead's byte offset, and the column (1-based, in characters) of a byte's character.
  size_t lookahead_offset() const { return src_pos_ - static_cast<size_t>(last_char_len_); }
  int col_at(size_t offset) const;
  const std::string& name() const { return name_; }
  // A plain "#define NAME [VALUE]" line: the name, and the value (one token) or, if none, a
  // token of kind kEOF.
  struct SimpleDefine {
    std::string_view name;
    Token body;
  };
  // Reads up to `max` consecutive such lines at once into `out` (go_asm.h is thousands of
  // them): the first right after a '#' token, or, if at_hash, from the '#' that is the
  // lookahead character. Returns how many; 0, having read nothing, if the first line has
  // any other shape.
  size_t scan_simple_defines(bool at_hash, SimpleDefine* out, size_t max);
  void set_name(std::string name) { name_ = std::move(name); }

 private:
  // text/scanner's next(): reads one character; plain ASCII other than NUL inline (the NUL
  // that follows the source takes the slow path, which sees the end).
  int32_t advance() {
    const auto c = static_cast<uint8_t>(src_.data()[src_pos_]);
    if (c - 1u < 0x7fu) {
      ++src_pos_;
      last_char_len_ = 1;
      return c;
    }
    return advance_slow();
  }
  int32_t advance_slow();
  Tok next_token();  // next() in general
  // text/scanner's line and column (1-based, in characters) of the character at `offset`.
  std::pair<int, int> position(size_t offset) const;
  int chars(size_t from, size_t to) const;
  int32_t peek_char() { return ch_ != -2 ? ch_ : first_char(); }
  int32_t first_char();
  Tok scan();
  void error(const std::string& msg);
  int32_t scan_identifier();
  static constexpr int32_t kNotPlain = -3;  // no character (advance() gives EOF as -1)
  int32_t scan_plain_int(int32_t ch);
  std::pair<Tok, int32_t> scan_number(int32_t ch, bool seen_dot);
  int32_t digits(int32_t ch, int base, int32_t* invalid, int* digsep);
  int32_t scan_digits(int32_t ch, int base, int n);
  int32_t scan_escape(int32_t quote);
  int scan_string(int32_t quote);
  int32_t scan_comment(int32_t ch);
  std::string_view token_text() const {
    if (tok_pos_ < 0) return {};
    const long end = tok_end_ > tok_pos_ ? tok_end_ : tok_pos_;
    return {src_.data() + tok_pos_, static_cast<size_t>(end - tok_pos_)};
  }

  std::string name_;
  std::string_view src_;
  Report report_;
  int line_ = 1;  // the assembler's line count
  bool ascii_ident_ = false;

  // text/scanner state.
  size_t src_pos_ = 0;     // the byte after the lookahead character
  int last_char_len_ = 0;  // the lookahead's bytes (0 at EOF)
  int32_t ch_ = -2;        // lookahead; -2 = nothing read yet
  // The current token's bytes; tok_pos_ is -1 outside a token (text/scanner's invalid
  // Position: errors are then reported at the lookahead character).
  long tok_pos_ = -1;
  long tok_end_ = 0;
  // The last position worked out, where the next one's count starts (errors come in order).
  mutable size_t memo_offset_ = 0;
  mutable int memo_line_ = 1, memo_col_ = 1;
};

// Tokens of a string, with the storage their texts view.
struct TokenList {
  std::vector<Token> tokens;
  TextStore store;
};

// Splits a string into tokens (Go's lex.Tokenize; used for -D values and in tests).
TokenList tokenize(std::string_view text);

}  // namespace gostack::lex
