// Tokens of Go's assembly language, as Go's text/scanner-based lexer produces them,
// plus the quoting helpers that error messages and string literals need.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace gostack::lex {

// A token kind: a character is its own kind (',', '(', '\n', ...); the classes below
// are negative. The numbers match Go's text/scanner and cmd/asm/internal/lex.
using Tok = int32_t;
namespace tok {
constexpr Tok kEOF = -1;
constexpr Tok kIdent = -2;
constexpr Tok kInt = -3;
constexpr Tok kFloat = -4;
constexpr Tok kChar = -5;
constexpr Tok kString = -6;
constexpr Tok kRawString = -7;
constexpr Tok kComment = -8;
// Two-character operators and markers the assembler adds on top of text/scanner.
constexpr Tok kLsh = -1000;           // <<
constexpr Tok kRsh = -1001;           // >>
constexpr Tok kArr = -1002;           // ->
constexpr Tok kRot = -1003;           // @>
constexpr Tok kInclude = -1004;       // (unused on amd64; kept for numbering)
constexpr Tok kBuildComment = -1005;  // a //go:build line
constexpr Tok kMacroName = -1006;     // name of a function-like macro used without arguments
}  // namespace tok

// A token's text is a view: into the source buffer it was scanned from, or into a TextStore
// for text the lexer had to rewrite. Both outlive the tokens handed out.
struct Token {
  Tok kind = tok::kEOF;
  std::string_view text;
};

// A growable array of tokens for the preprocessor's stores (macro bodies, arguments,
// expansions), which copy tokens in runs: a macro body between two parameter uses, an
// argument. std::vector<Token> copies such a run one token at a time (string_view's default
// constructor is not trivial, so libstdc++ does not use memmove), and a resize before the copy
// would construct every new token only to overwrite it. Here a run is one memcpy into storage
// that is never initialised before it is written.
class TokenBuffer {
  static_assert(std::is_trivially_copyable_v<Token> && std::is_trivially_destructible_v<Token>);

 public:
  TokenBuffer() = default;
  TokenBuffer(const TokenBuffer&) = delete;  // frames point into it
  TokenBuffer& operator=(const TokenBuffer&) = delete;

  size_t size() const { return size_; }
  size_t capacity() const { return cap_; }
  const Token* data() const { return data_.get(); }
  Token* data() { return data_.get(); }
  const Token& operator[](size_t i) const { return data_.get()[i]; }

  void reserve(size_t n) {
    if (n > cap_) reallocate(n);
  }
  void push_back(const Token& t) {
    if (size_ == cap_) reallocate(grown(size_ + 1));
    ::new (data_.get() + size_) Token(t);
    ++size_;
  }
  // Appends the tokens [first, last), which must not be this buffer's own.
  void append(const Token* first, const Token* last) {
    const size_t n = static_cast<size_t>(last - first);
    if (n == 0) return;
    if (size_ + n > cap_) reallocate(grown(size_ + n));
    std::memcpy(static_cast<void*>(data_.get() + size_), first, n * sizeof(Token));
    size_ += n;
  }
  void truncate(size_t n) { size_ = n; }  // n <= size()
  void clear() { size_ = 0; }

 private:
  size_t grown(size_t need) const { return std::max({need, 2 * cap_, size_t{16}}); }
  void reallocate(size_t cap);
  struct Free {
    void operator()(Token* p) const { ::operator delete(p); }
  };
  std::unique_ptr<Token, Free> data_;
  size_t size_ = 0, cap_ = 0;
};

// Append-only storage for token texts: what is kept never moves (chunks are never
// reallocated), so views into it stay valid until the store is destroyed, even if the
// store object itself is moved.
class TextStore {
 public:
  std::string_view keep(std::string_view s);
  // Writing in place: room(n) gives space for up to n bytes (valid until the next call);
  // commit(k) keeps the first k of them written there and returns them.
  char* room(size_t n) {
    if (cap_ - used_ < n) new_chunk(n);
    return chunks_.back().get() + used_;
  }
  std::string_view commit(size_t k) {
    const char* at = chunks_.back().get() + used_;
    used_ += k;
    return {at, k};
  }

 private:
  void new_chunk(size_t n);
  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t used_ = 0, cap_ = 0;
};

// Builds a token the way Go's lex.Make does: an identifier starting with the middle dot
// gets the package placeholder `""` in front, and the stand-ins U+00B7 (·) and U+2215 (∕)
// become '.' and '/'. Plain ASCII text is returned as it is; rewritten text goes to `store`.
Token make_word_token(Tok kind, std::string_view text, TextStore& store);
inline Token make_token(Tok kind, std::string_view text, TextStore& store) {
  // Both stand-ins are identifier characters: only these kinds of token can hold them.
  if (kind != tok::kIdent && kind != tok::kString && kind != tok::kChar && kind != tok::kMacroName) {
    return Token{kind, text};
  }
  return make_word_token(kind, text, store);
}

// Go's ScanToken.String(): "EOF", "identifier", ... or the character quoted as '%q' does.
std::string tok_string(Tok kind);

// Go's strconv.Quote / QuoteRune (%q of a string or a rune).
std::string go_quote(std::string_view s);
std::string go_quote_rune(int32_t r);

// Go's strconv.Unquote for "..." and '...' literals; nullopt means "invalid syntax".
std::optional<std::string> go_unquote(std::string_view lit);

// Decodes one UTF-8 sequence as Go's utf8.DecodeRune: invalid input gives U+FFFD, width 1.
int32_t decode_rune(std::string_view s, int* width);
void append_utf8(std::string& out, int32_t r);

}  // namespace gostack::lex
