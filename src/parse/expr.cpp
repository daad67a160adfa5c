// Constant expressions in operands, with Go's assembler grammar and uint64 arithmetic:
//
//   expr   = term   { ('+' | '-' | '|' | '^') term }
//   term   = factor { ('*' | '/' | '%' | '&') factor  |  '>>' term  |  '<<' factor (ends the term) }
//   factor = int | char | ('+' | '-' | '~') factor | '(' expr ')'
//
// Go writes this as recursive descent; here the recursion is an explicit stack so
// that deeply nested or very long expressions cannot overflow the C++ stack.
#include <cerrno>
#include <cstdlib>

#include "parse/parser.h"

namespace gostack::parse {

using Kind = ExprFrame::Kind;
using Frame = ExprFrame;

namespace {

// The operators that continue a term after a factor.
bool continues_term(Tok t) {
  switch (t) {
    case '*': case '/': case '%': case '&': case lex::tok::kLsh: case lex::tok::kRsh:
      return true;
    default:
      return false;
  }
}

// The operators that continue an expression after a factor.
bool continues_expr(Tok t) {
  return t == '+' || t == '-' || t == '|' || t == '^' || continues_term(t);
}

// A factor has no operators of its own: an integer is the whole factor.
bool continues_factor(Tok) { return false; }

// An integer token's value where atoi gives it without an error: plain decimal of up to 18
// digits without a leading zero, or 0x and up to 16 hexadecimal digits. False for any other
// spelling (octal, binary, '_', longer numbers), which the general path reads.
bool quiet_uint(std::string_view s, uint64_t* out) {
  uint64_t v = 0;
  if (!s.empty() && s.size() <= 18 && (s[0] != '0' || s.size() == 1)) {
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<uint64_t>(c - '0');
    }
  } else if (s.size() > 2 && s.size() <= 18 && s[0] == '0' && (s[1] | 0x20) == 'x') {
    for (char c : s.substr(2)) {
      const char lower = static_cast<char>(c | 0x20);
      if (c >= '0' && c <= '9') {
        v = v << 4 | static_cast<uint64_t>(c - '0');
      } else if (lower >= 'a' && lower <= 'f') {
        v = v << 4 | static_cast<uint64_t>(lower - 'a' + 10);
      } else {
        return false;
      }
    }
  } else {
    return false;
  }
  *out = v;
  return true;
}

// Go's expression grammar as plain recursive descent that reports nothing: each rule returns
// false at anything that would be an error (division by zero, a shift of a negative value,
// an unexpected token, a missing ')', a character constant, an integer atoi would complain
// about) or beyond kMaxDepth nested rules; the caller then reads the expression again with
// Parser::expr's general path, which reports as Go does. Values are uint64 as in Go.
struct QuietExpr {
  static constexpr int kMaxDepth = 64;
  Operand in;
  size_t pos;
  int depth = 0;

  Tok peek() const { return pos < in.size() ? in[pos].kind : lex::tok::kEOF; }

  bool expr(uint64_t* v) {
    if (++depth > kMaxDepth || !term(v)) return false;
    for (Tok t = peek(); t == '+' || t == '-' || t == '|' || t == '^'; t = peek()) {
      ++pos;
      uint64_t r;
      if (!term(&r)) return false;
      *v = t == '+' ? *v + r : t == '-' ? *v - r : t == '|' ? (*v | r) : (*v ^ r);
    }
    --depth;
    return true;
  }

  bool term(uint64_t* v) {
    if (++depth > kMaxDepth || !factor(v)) return false;
    for (;;) {
      const Tok t = peek();
      uint64_t r;
      switch (t) {
        case '*':
        case '&':
          ++pos;
          if (!factor(&r)) return false;
          *v = t == '*' ? *v * r : (*v & r);
          break;
        case '/':
        case '%':
          ++pos;
          if (static_cast<int64_t>(*v) < 0 || !factor(&r) || r == 0) return false;
          *v = t == '/' ? *v / r : *v % r;
          break;
        case lex::tok::kLsh:  // "a << b" ends the term
          ++pos;
          if (!factor(&r) || static_cast<int64_t>(r) < 0) return false;
          *v = r >= 64 ? 0 : *v << r;
          --depth;
          return true;
        case lex::tok::kRsh:  // the shift count is a whole term
          ++pos;
          if (static_cast<int64_t>(*v) < 0 || !term(&r) || static_cast<int64_t>(r) < 0) return false;
          *v = r >= 64 ? 0 : *v >> r;
          break;
        default:
          --depth;
          return true;
      }
    }
  }

  bool factor(uint64_t* v) {
    if (++depth > kMaxDepth || pos >= in.size()) return false;
    const Token& t = in[pos++];
    switch (t.kind) {
      case lex::tok::kInt:
        if (!quiet_uint(t.text, v)) return false;
        break;
      case '+':
      case '-':
      case '~':
        if (!factor(v)) return false;
        if (t.kind == '-') *v = 0 - *v;
        if (t.kind == '~') *v = ~*v;
        break;
      case '(':
        if (!expr(v) || peek() != ')') return false;
        ++pos;
        break;
      default:
        return false;
    }
    --depth;
    return true;
  }
};

}  // namespace

// The integer token at input_[i], if there is one and no operator of `continues` follows
// it: a factor or term that needs no frame of its own.
bool Parser::lone_int(size_t i, bool (*continues)(Tok)) const {
  return i < input_.size() && input_[i].kind == lex::tok::kInt &&
         (i + 1 >= input_.size() || !continues(input_[i + 1].kind));
}

uint64_t Parser::expr() {
  // The common cases, a lone integer with or without a sign ("8", "-8" in -8(SP), "+8" in
  // x+8(FP)), without the machinery below: a unary sign binds tighter than any operator.
  if (expr_fast_paths_) {
    size_t i = input_pos_;
    const Tok sign = peek();
    if (sign == '+' || sign == '-') ++i;
    if (lone_int(i, continues_expr)) {
      input_pos_ = i + 1;
      const uint64_t v = atoi(input_[i].text);
      return sign == '-' ? 0 - v : v;
    }
  }
  // Next most common, in unrolled loops: two integers joined by '+', '-' or '*', bare or in
  // parentheses, as the whole expression ("(16*4)(SI)", "$(8-1)", "4*8(SP)"). With two
  // operands precedence does not matter and none of the three operators has an error case;
  // the integers are read in the order the general path reads them.
  if (expr_fast_paths_) {
    const size_t i = input_pos_;
    const size_t paren = peek() == '(' ? 1 : 0;
    const size_t j = i + paren;  // the first integer
    const size_t after = j + 3 + paren;
    if (after <= input_.size() && input_[j].kind == lex::tok::kInt && input_[j + 2].kind == lex::tok::kInt &&
        (paren == 0 || input_[j + 3].kind == ')') &&
        (after == input_.size() || !continues_expr(input_[after].kind))) {
      const Tok op = input_[j + 1].kind;
      if (op == '+' || op == '-' || op == '*') {
        input_pos_ = after;
        const uint64_t x = atoi(input_[j].text);
        const uint64_t y = atoi(input_[j + 2].text);
        return op == '+' ? x + y : op == '-' ? x - y : x * y;
      }
    }
  }
  // Then any expression that evaluates without an error ("((8-4)*16)(BP)", "(2*32+1*32)(SP)"
  // in unrolled loops) by plain recursive descent; anything else, errors included, by the
  // general path below, from the start.
  if (expr_fast_paths_) {
    QuietExpr q{input_, input_pos_};
    uint64_t v;
    if (q.expr(&v)) {
      input_pos_ = q.pos;
      return v;
    }
  }
  std::vector<Frame>& stack = expr_stack_;  // kept between calls: no allocation per operand
  stack.clear();
  stack.push_back({Kind::Expr});
  uint64_t ret = 0;  // value returned by the frame that just finished
  // Calls a rule: pushes its frame (which may move the stack: callers set their own frame
  // first). A term or factor that is a lone integer is read at once, without a frame; then
  // it returns true with the value in ret.
  auto call = [&](Kind k) {
    if (lone_int(input_pos_, k == Kind::Expr   ? continues_expr
                             : k == Kind::Term ? continues_term
                                               : continues_factor)) {
      ret = atoi(next().text);
      return true;
    }
    stack.push_back({k});
    return false;
  };
  // Folds ret into a term's value with the term's pending operator; false for '<<', which
  // ends the term (with the result in ret).
  auto fold_term = [&](Frame& f) {
    switch (f.op) {
      case 0: f.value = ret; break;
      case '*': f.value *= ret; break;
      case '&': f.value &= ret; break;
      case '/':
        if (ret == 0) {
          errorf("division by zero");
        } else {
          f.value /= ret;
        }
        break;
      case '%':
        if (static_cast<int64_t>(f.value) < 0) errorf("modulo of value with high bit set");
        if (ret == 0) {
          errorf("modulo by zero");
        } else {
          f.value %= ret;
        }
        break;
      case lex::tok::kLsh:
        // "a << b" ends the term: "1<<2*3" is (1<<2) followed by "*3".
        if (static_cast<int64_t>(ret) < 0) errorf("negative left shift count");
        ret = ret >= 64 ? 0 : f.value << ret;
        return false;
      case lex::tok::kRsh:
        if (static_cast<int64_t>(ret) < 0) errorf("negative right shift count");
        if (static_cast<int64_t>(f.value) < 0) errorf("right shift of value with high bit set");
        f.value = ret >= 64 ? 0 : f.value >> ret;
        break;
    }
    return true;
  };
  while (!stack.empty()) {
    Frame& f = stack.back();
    switch (f.kind) {
      case Kind::Expr: {
        if (f.state == 0) {
          f.state = 1;
          if (!call(Kind::Term)) continue;
        }
        // Each pass folds in the term just read (ret) and reads the next one.
        for (;;) {
          switch (f.op) {
            case 0: f.value = ret; break;
            case '+': f.value += ret; break;
            case '-': f.value -= ret; break;
            case '|': f.value |= ret; break;
            case '^': f.value ^= ret; break;
          }
          Tok t = peek();
          if (t == '+' || t == '-' || t == '|' || t == '^') {
            next();
            f.op = t;
            if (call(Kind::Term)) continue;
            break;
          }
          ret = f.value;
          stack.pop_back();
          break;
        }
        continue;
      }
      case Kind::Term: {
        if (f.state == 0) {
          f.state = 1;
          if (!call(Kind::Factor)) continue;
        }
        // Each pass folds in the factor (or '>>' term) just read and reads the next one.
        for (;;) {
          if (!fold_term(f)) {
            stack.pop_back();
            break;
          }
          Tok t = peek();
          if (t == '*' || t == '%' || t == '&' || t == lex::tok::kLsh || t == '/') {
            next();
            if (t == '/' && static_cast<int64_t>(f.value) < 0) errorf("divide of value with high bit set");
            f.op = t;
            if (call(Kind::Factor)) continue;
            break;
          }
          if (t == lex::tok::kRsh) {
            next();
            f.op = t;
            if (call(Kind::Term)) continue;  // the shift count is a whole term
            break;
          }
          ret = f.value;
          stack.pop_back();
          break;
        }
        continue;
      }
      case Kind::Factor: {
        if (f.state == 1) {  // a unary operator or parenthesis is complete
          switch (f.op) {
            case '+': break;
            case '-': ret = 0 - ret; break;
            case '~': ret = ~ret; break;
            case '(':
              if (next().kind != ')') errorf("missing closing paren");
              break;
          }
          stack.pop_back();
          continue;
        }
        const Token& t = next();
        switch (t.kind) {
          case lex::tok::kInt:
            ret = atoi(t.text);
            stack.pop_back();
            continue;
          case lex::tok::kChar: {
            std::optional<std::string> s = lex::go_unquote(t.text);
            ret = 0;
            if (!s) {
              errorf("invalid syntax");
            } else {
              int w;
              int32_t r = lex::decode_rune(*s, &w);
              if (w == 1 && r == 0xFFFD) errorf("illegal UTF-8 encoding for character constant");
              ret = static_cast<uint64_t>(r);
            }
            stack.pop_back();
            continue;
          }
          case '+':
          case '-':
          case '~':
            f.state = 1;
            f.op = t.kind;
            call(Kind::Factor);
            continue;
          case '(':
            f.state = 1;
            f.op = '(';
            call(Kind::Expr);
            continue;
          default:
            errorf("unexpected " + std::string(t.text) + " evaluating expression");
            ret = 0;
            stack.pop_back();
            continue;
        }
      }
    }
  }
  return ret;
}

// floatExpr = fconst | '-' floatExpr | '+' floatExpr | '(' floatExpr ')'
double Parser::float_expr() {
  std::vector<Tok> pending;  // unary signs and open parentheses, innermost last
  double v = 0;
  for (;;) {
    const Token& t = next();
    if (t.kind == '(' || t.kind == '+' || t.kind == '-') {
      pending.push_back(t.kind);
      continue;
    }
    if (t.kind == lex::tok::kFloat) {
      v = atof(t.text);
    } else {
      errorf("unexpected " + std::string(t.text) + " evaluating float expression");
    }
    break;
  }
  for (auto it = pending.rbegin(); it != pending.rend(); ++it) {
    if (*it == '-') {
      v = -v;
    } else if (*it == '(') {
      if (next().kind != ')') errorf("missing closing paren");
    }
  }
  return v;
}

namespace {

enum class UintError { kNone, kSyntax, kRange };

const char* error_text(UintError e) {
  return e == UintError::kRange ? "value out of range" : "invalid syntax";
}

// Go's strconv.ParseUint(s, 0, 64): base prefixes 0x/0o/0b/0, '_' between digits.
// Returns false with err set to kSyntax or kRange.
bool parse_uint(std::string_view s, uint64_t* out, UintError* err) {
  int base = 10;
  bool prefixed = false;
  if (s.size() >= 2 && s[0] == '0') {
    char c = static_cast<char>(s[1] | 0x20);
    if (c == 'x') base = 16, s = s.substr(2), prefixed = true;
    else if (c == 'o') base = 8, s = s.substr(2), prefixed = true;
    else if (c == 'b') base = 2, s = s.substr(2), prefixed = true;
    else base = 8, s = s.substr(1), prefixed = true;
  }
  *err = UintError::kSyntax;
  if (s.empty() && !(prefixed && base == 8)) return false;
  // Underscores must sit between digits (or right after a base prefix).
  char prev = prefixed ? '0' : '.';
  uint64_t v = 0;
  bool overflow = false;
  for (char c : s) {
    if (c == '_') {
      if (prev != '0') return false;
      prev = '_';
      continue;
    }
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') d = (c | 0x20) - 'a' + 10;
    else return false;
    if (d >= base) return false;
    prev = '0';
    uint64_t next;
    if (__builtin_mul_overflow(v, static_cast<uint64_t>(base), &next) ||
        __builtin_add_overflow(next, static_cast<uint64_t>(d), &next)) {
      overflow = true;
    }
    v = next;
  }
  if (prev == '_') return false;
  if (overflow) {
    *err = UintError::kRange;
    *out = UINT64_MAX;
    return false;
  }
  *out = v;
  *err = UintError::kNone;
  return true;
}

}  // namespace

uint64_t Parser::atoi_general(std::string_view s) {
  // Hexadecimal of up to 16 digits (masks, constants in tables), and the decimals atoi
  // reads inline: no overflow possible, no error.
  if (uint64_t v; quiet_uint(s, &v)) return v;
  uint64_t v = 0;
  UintError err;
  if (!parse_uint(s, &v, &err)) {
    errorf("strconv.ParseUint: parsing " + lex::go_quote(s) + ": " + error_text(err));
    return err == UintError::kRange ? v : 0;
  }
  return v;
}

int64_t Parser::positive_atoi(std::string_view s) {
  uint64_t v = 0;
  UintError err;
  if (!parse_uint(s, &v, &err) || v > static_cast<uint64_t>(INT64_MAX)) {
    if (err == UintError::kNone || v > static_cast<uint64_t>(INT64_MAX)) err = UintError::kRange;
    errorf("strconv.ParseInt: parsing " + lex::go_quote(s) + ": " + error_text(err));
    return err == UintError::kRange ? INT64_MAX : 0;
  }
  return static_cast<int64_t>(v);
}

namespace {

// Go's strconv underscoreOK: '_' only between digits, or between a base prefix and a digit.
bool underscores_ok(std::string_view s) {
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) s.remove_prefix(1);
  char saw = '^';  // '^' start, '0' digit or prefix, '_' underscore, '!' anything else
  size_t i = 0;
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' && ((s[1] | 0x20) == 'b' || (s[1] | 0x20) == 'o' || (s[1] | 0x20) == 'x')) {
    i = 2;
    saw = '0';
    hex = (s[1] | 0x20) == 'x';
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if ((c >= '0' && c <= '9') || (hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
      saw = '0';
    } else if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
    } else {
      if (saw == '_') return false;
      saw = '!';
    }
  }
  return saw != '_';
}

}  // namespace

// Go's strconv.ParseFloat on a float token's text. strtod takes more than Go does: a
// hexadecimal mantissa without a 'p' exponent ("0xff.5") and misplaced underscores are
// syntax errors in Go.
double Parser::atof(std::string_view s) {
  std::string clean;
  for (char c : s) {
    if (c != '_') clean += c;
  }
  std::string_view digits = clean;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) digits.remove_prefix(1);
  const bool hex = digits.size() >= 2 && digits[0] == '0' && (digits[1] | 0x20) == 'x';
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(clean.c_str(), &end);
  if (end == clean.c_str() || *end != '\0' || (hex && digits.find_first_of("pP") == std::string_view::npos) ||
      (clean.size() != s.size() && !underscores_ok(s))) {
    errorf("strconv.ParseFloat: parsing " + lex::go_quote(s) + ": invalid syntax");
    return 0;
  }
  if (errno == ERANGE && (v > 1 || v < -1)) {
    errorf("strconv.ParseFloat: parsing " + lex::go_quote(s) + ": value out of range");
  }
  return v;
}

}  // namespace gostack::parse
