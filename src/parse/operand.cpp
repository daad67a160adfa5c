// Operand parsing: registers, $constants, memory references, symbols with their
// pseudo-registers (SB, FP, SP, PC) and register lists, filling Addr as Go does.
//
// General shape: [$|*] sym[<>|<ABI>][±off](SB|FP|SP|PC) [(base)][(index*scale)]
// with every part optional; the parser scans left to right.
#include "parse/parser.h"

namespace gostack::parse {
namespace {

bool is_pseudo(RegNum r) { return r == reg::SB || r == reg::FP || r == reg::PC; }

// Go's register table for amd64: every name x86.Register lists (including the odd
// "MAXREG"), plus g, SB, FP and PC. SP is the hardware stack pointer here.
std::optional<RegNum> register_named(std::string_view name) {
  if (name == "MAXREG") return reg::MAXREG;
  return lookup_reg(name);
}

// Go's obj.RegListX86Lo: marks an Addr.Offset as an x86 register range.
constexpr int64_t kRegListX86Lo = int64_t{1} << 61;

}  // namespace

// find_register's slow path: the first look-up of a name (which it caches; `key` holds the
// name's bytes), and the empty name.
std::optional<RegNum> Parser::find_register_miss(std::string_view name, uint64_t key) const {
  std::optional<RegNum> r = register_named(name);
  if (name.empty()) return r;
  reg_cache_[((key ^ name.size()) * 0x9E3779B97F4A7C15ull) >> 56] =
      RegCacheEntry{key, static_cast<uint8_t>(name.size()), r.value_or(0), r.has_value()};
  return r;
}

void Parser::expected_token_error(Tok expected) { expected_error(lex::tok_string(expected)); }

// "expected <what>, found <next token>" (the caller has seen that the next token differs).
void Parser::expected_error(std::string_view what) {
  errorf("expected " + std::string(what) + ", found " + std::string(next().text));
}

void Parser::expect_operand_end() {
  if (peek() != lex::tok::kEOF) expected_error("end of operand");
}

char Parser::constant_kind() const {
  char kind = 0;
  if (!floats_or_strings_) return kind;
  for (size_t i = input_pos_; i < input_.size(); ++i) {
    if (input_[i].kind == lex::tok::kFloat) return 'f';
    if (input_[i].kind == lex::tok::kString) kind = 's';
  }
  return kind;
}

Addr Parser::address(const Operand& op) {
  Addr a;
  address_into(op, &a);
  return a;
}

void Parser::pseudo_register_error(std::string_view word) {
  errorf("illegal use of pseudo-register in " + std::string(word));
}

Addr Parser::parse_operand(const Operand& tokens, bool is_jump) {
  is_jump_ = is_jump;
  floats_or_strings_ = true;  // tokens line() has not seen
  return address(tokens);
}

int16_t Parser::parse_scale(std::string_view s) {
  if (s == "1" || s == "2" || s == "4" || s == "8") return static_cast<int16_t>(s[0] - '0');
  errorf("bad scale: " + std::string(s));
  return 0;
}

// address_into's fast path for (R), off(R), +off(R) and -off(R) with a plain integer offset
// and a base register that is no pseudo-register (op ends in ')' and has 3 to 5 tokens): the
// Addr operand() makes for them (Mem, the offset, the base), or false for any other operand.
bool Parser::base_register_operand(const Operand& op, Addr* a) {
  const size_t n = op.size();
  if (n == 4 && op[0].kind != lex::tok::kInt) return false;
  if (n == 5 && ((op[0].kind != '-' && op[0].kind != '+') || op[1].kind != lex::tok::kInt)) return false;
  const std::optional<RegNum> base = plain_base_register(&op[n - 3]);
  if (!base) return false;
  if (n > 3) {
    const uint64_t off = atoi(op[n - 4].text);
    a->offset = static_cast<int64_t>(op[0].kind == '-' ? 0 - off : off);
  }
  a->type = AddrType::Mem;
  a->reg = *base;
  return true;
}

void Parser::operand(Addr* a) {
  if (input_.empty()) {
    errorf("empty operand: cannot happen");
    return;
  }
  int prefix = 0;
  if (peek() == '$' || peek() == '*') {
    prefix = peek();
    next();
  }

  // Symbol: sym±offset(SB)
  const Token& tok = next();
  const std::string_view name = tok.text;
  const std::optional<RegNum> found =
      tok.kind == lex::tok::kIdent ? find_register(name) : std::optional<RegNum>();
  const bool is_register = found.has_value();
  if (tok.kind == lex::tok::kIdent && !is_register) {
    symbol_reference(a, name, prefix);
    if (peek() == lex::tok::kEOF) return;
  }

  // Register list: [X0-X3]
  if (tok.kind == '[') {
    if (prefix != 0) errorf("illegal use of register list");
    register_list(a);
    expect_operand_end();
    return;
  }

  // Register: AX
  if (is_register) {
    RegNum r1 = 0, r2 = 0;
    int16_t scale = 0;
    if (register_(name, found, prefix, &r1, &r2, &scale)) {
      if (scale != 0) errorf("expected simple register reference");
      a->type = AddrType::Reg;
      a->reg = r1;
    }
    expect_operand_end();
    return;
  }

  // Constant.
  bool have_constant = false;
  switch (tok.kind) {
    case lex::tok::kInt:
    case lex::tok::kFloat:
    case lex::tok::kString:
    case lex::tok::kChar:
    case '+':
    case '-':
    case '~':
      have_constant = true;
      break;
    case '(': {
      // A parenthesized expression or (reg).
      const Token& t2 = next();
      if (t2.kind == lex::tok::kEOF) {
        errorf("missing right parenthesis");
        return;
      }
      std::string_view rname = t2.text;
      back();
      have_constant = !at_start_of_register(rname);
      if (!have_constant) back();  // put back the '('
      break;
    }
    default:
      break;
  }
  if (have_constant) {
    back();
    const char kind = constant_kind();  // Go asks for a float anywhere first, then a string
    if (kind == 'f') {
      if (prefix != '$') errorf("floating-point constant must be an immediate");
      a->type = AddrType::FConst;
      a->fval = float_expr();
      expect_operand_end();
      return;
    }
    if (kind == 's') {
      if (prefix != '$') {
        errorf("string constant must be an immediate");
        return;
      }
      std::optional<std::string> s = lex::go_unquote(get(lex::tok::kString).text);
      if (!s) errorf("string parse error: invalid syntax");
      a->type = AddrType::SConst;
      a->sval = unit_.intern(s.value_or(""));
      expect_operand_end();
      return;
    }
    a->offset = static_cast<int64_t>(expr());
    if (peek() != '(') {
      a->type = prefix == '$' ? AddrType::Const : prefix == '*' ? AddrType::Indir : AddrType::Mem;
      expect_operand_end();
      return;
    }
  }

  // Register indirection: (reg) or (index*scale); we are on the '('.
  register_indirect(a, prefix);
  expect_operand_end();
}

bool Parser::at_start_of_register(std::string_view name) const {
  return find_register(name).has_value();
}

bool Parser::register_ref(std::string_view name, std::optional<RegNum> found, RegNum* r) {
  if (found) {
    *r = *found;
    return true;
  }
  errorf("expected register; found " + std::string(name));
  return false;
}

// A register reference where no symbol is present, as in 4(AX), including the
// forms R1:R2 and R1*scale. Mirrors Go: after a "," or "+" second register the
// error is reported but the first register is still returned as valid.
bool Parser::register_(std::string_view name, std::optional<RegNum> found, int prefix, RegNum* r1,
                       RegNum* r2, int16_t* scale) {
  *r1 = 0, *r2 = 0, *scale = 0;
  if (!register_ref(name, found, r1)) return false;
  if (prefix != 0 && prefix != '*') {
    std::string p(1, static_cast<char>(prefix));
    errorf("prefix " + p + " not allowed for register: " + p + std::string(name));
  }
  Tok c = peek();
  if (c == ':' || c == ',' || c == '+') {
    Tok sep = next().kind;
    if (sep == ',') {
      errorf("(register,register) not supported on this architecture");
      return true;
    }
    if (sep == '+') {
      errorf("(register+register) not supported on this architecture");
      return true;
    }
    std::string_view name2 = next().text;
    if (!register_ref(name2, find_register(name2), r2)) return false;
  }
  if (peek() == '*') {
    next();
    *scale = parse_scale(next().text);
  }
  return true;
}

void Parser::symbol_reference(Addr* a, std::string_view name, int prefix) {
  a->type = prefix == '$' ? AddrType::Addr : prefix == '*' ? AddrType::Indir : AddrType::Mem;
  bool is_static = false;
  Abi abi = Abi::Abi0;
  sym_ref_attrs(name, true, &is_static, &abi);
  if (peek() == '+' || peek() == '-') a->offset = static_cast<int64_t>(expr());
  a->sym = unit_.lookup(name, is_static, abi);
  if (peek() == lex::tok::kEOF) {
    if (prefix == 0 && is_jump_) return;  // a bare name in a jump is a label
    errorf("illegal or missing addressing mode for symbol " + std::string(name));
    return;
  }
  // Expect (SB), (FP), (PC) or (SP).
  get('(');
  std::string_view reg_name = get(lex::tok::kIdent).text;
  get(')');
  set_pseudo_register(a, reg_name, is_static, prefix);
}

void Parser::set_pseudo_register(Addr* a, std::string_view reg_name, bool is_static,
                                 int prefix) {
  if (a->reg != reg::NONE) errorf("internal error: reg " + std::string(reg_name) + " already set in pseudo");
  if (reg_name == "FP") {
    a->name = AddrName::Param;
  } else if (reg_name == "PC") {
    if (prefix != 0) errorf("illegal addressing mode for PC");
    a->type = AddrType::Branch;  // the name stays unset; see asm_jump
  } else if (reg_name == "SB") {
    a->name = is_static ? AddrName::Static : AddrName::Extern;
  } else if (reg_name == "SP") {
    a->name = AddrName::Auto;  // the pseudo-SP: a named local
  } else {
    errorf("expected pseudo-register; found " + std::string(reg_name));
  }
  if (prefix == '$') a->type = AddrType::Addr;
}

// Optional "<>" (file-local symbol) or "<ABI0>"/"<ABIInternal>" after a name.
void Parser::sym_ref_attrs(std::string_view name, bool issue_error, bool* is_static, Abi* abi) {
  *abi = Abi::Abi0;
  *is_static = false;
  if (peek() != '<') return;
  next();
  Tok t = peek();
  if (t == '>') {
    *is_static = true;
  } else if (t == lex::tok::kIdent) {
    std::string_view abistr = get(lex::tok::kIdent).text;
    if (!compiling_runtime_) {
      if (issue_error) {
        errorf("ABI selector only permitted when compiling runtime, reference was to " +
               lex::go_quote(name));
      }
    } else if (abistr == "ABI0") {
      *abi = Abi::Abi0;
    } else if (abistr == "ABIInternal") {
      *abi = Abi::AbiInternal;
    } else if (issue_error) {
      errorf("malformed ABI selector " + lex::go_quote(abistr) + " in reference to " +
             lex::go_quote(name));
    }
  }
  get('>');
}

// The register named in "( REG )" at open[0..2] (three tokens the caller has) if it is a
// hardware (not pseudo) register: the common base of a memory operand.
std::optional<RegNum> Parser::plain_base_register(const Token* open) const {
  if (open[0].kind != '(' || open[1].kind != lex::tok::kIdent || open[2].kind != ')') return std::nullopt;
  std::optional<RegNum> r = find_register(open[1].text);
  if (r && is_pseudo(*r)) return std::nullopt;
  return r;
}

// (R), (R*scale), (R)(R*scale), or a pseudo-register such as (FP) after a name.
void Parser::register_indirect(Addr* a, int prefix) {
  // Most operands are off(R) or off(R)(I*scale): the base register straight to the Addr, as
  // the general path below would set it.
  if (peek() == '(') {
    std::optional<RegNum> base;
    if (input_pos_ + 3 <= input_.size()) base = plain_base_register(&input_[input_pos_]);
    if (base) {
      input_pos_ += 3;
      a->type = prefix == '$' ? AddrType::Addr : AddrType::Mem;
      a->reg = *base;
      if (peek() == '(') index_register(a);
      return;
    }
  }
  get('(');
  const Token& tok = next();
  std::string_view name = tok.text;
  RegNum r1 = 0, r2 = 0;
  int16_t scale = 0;
  if (!register_(name, find_register(name), 0, &r1, &r2, &scale)) errorf("indirect through non-register " + std::string(tok.text));
  get(')');
  a->type = AddrType::Mem;
  if (is_pseudo(r1)) {
    if (r2 != 0) {
      errorf("cannot use pseudo-register in pair");
      return;
    }
    // (SB), (SP) and (FP) need a name in front: 0(FP) is not legal.
    if (name != "PC" && a->name == AddrName::None) {
      errorf("cannot reference " + std::string(name) + " without a symbol");
    }
    set_pseudo_register(a, name, false, prefix);
    return;
  }
  a->reg = r1;
  if (r2 != 0) errorf("indirect through register pair");
  if (prefix == '$') a->type = AddrType::Addr;
  if (scale == 0 && peek() == '(') {
    index_register(a);
  } else if (scale != 0) {
    // Only (R*scale): the register is an index.
    a->reg = reg::NONE;
    a->index = r1;
    a->scale = scale;
  }
}

// The index of the general form (R)(R*scale), on its '('.
void Parser::index_register(Addr* a) {
  next();
  // The usual (R*1|2|4|8) without register_'s other forms.
  const size_t i = input_pos_;
  if (i + 3 < input_.size() && input_[i].kind == lex::tok::kIdent && input_[i + 1].kind == '*' &&
      input_[i + 2].kind == lex::tok::kInt && input_[i + 3].kind == ')') {
    const std::string_view s = input_[i + 2].text;
    std::optional<RegNum> r = find_register(input_[i].text);
    if (r && s.size() == 1 && (s[0] == '1' || s[0] == '2' || s[0] == '4' || s[0] == '8')) {
      a->index = *r;
      a->scale = static_cast<int16_t>(s[0] - '0');
      input_pos_ += 4;
      return;
    }
  }
  const Token& t2 = next();
  RegNum i1 = 0, i2 = 0;
  int16_t iscale = 0;
  if (!register_(t2.text, find_register(t2.text), 0, &i1, &i2, &iscale)) errorf("indirect through non-register " + std::string(t2.text));
  if (i2 != 0) errorf("unimplemented two-register form");
  a->index = i1;
  a->scale = iscale;
  get(')');
}

// [Rlo-Rhi]: the AVX-512 4VNNIW multi-register source (the '[' has been read).
void Parser::register_list(Addr* a) {
  std::string lo_name(next().text);
  auto lo = find_register(lo_name);
  if (!lo) {
    if (lo_name == "EOF") {
      errorf("register list: expected ']', found EOF");
    } else {
      errorf("register list: bad low register in `[" + lo_name + "`");
    }
    return;
  }
  if (Tok t = next().kind; t != '-') {
    errorf("register list: expected '-' after `[" + lo_name + "`, found " + lex::tok_string(t));
    return;
  }
  std::string hi_name(next().text);
  auto hi = find_register(hi_name);
  if (!hi) {
    errorf("register list: bad high register in `[" + lo_name + "-" + hi_name + "`");
    return;
  }
  if (Tok t = next().kind; t != ']') {
    errorf("register list: expected ']' after `[" + lo_name + "-" + hi_name + "`, found " +
           lex::tok_string(t));
  }
  a->type = AddrType::RegList;
  a->reg = *lo;
  a->offset = int64_t{*lo} | (int64_t{*hi} << 16) | kRegListX86Lo;
}

}  // namespace gostack::parse
