// Pseudo-ops (TEXT, DATA, GLOBL, PCDATA, FUNCDATA, PCALIGN), jumps and labels, and the
// placement of operands into Prog fields for amd64 instructions (Go's asm.go).
#include <bitset>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <set>

#include "parse/parser.h"

namespace gostack::parse {
namespace {

// Instructions whose single operand is a destination (Go's x86 unaryDst): it goes
// to Prog::to instead of Prog::from.
// A bit per Op, so the test is one load.
struct OpSet {
  OpSet(std::initializer_list<Op> ops) {
    for (Op op : ops) bits[static_cast<size_t>(op)] = true;
  }
  bool contains(Op op) const { return bits[static_cast<size_t>(op)]; }
  std::bitset<kNumOps> bits;
};
const OpSet& unary_dst() {
  static const OpSet ops = {
      Op::BSWAPL,    Op::BSWAPQ,    Op::CLDEMOTE,  Op::CLFLUSH,    Op::CLFLUSHOPT, Op::CLWB,
      Op::CMPXCHG16B, Op::CMPXCHG8B, Op::DECB,     Op::DECL,       Op::DECQ,       Op::DECW,
      Op::FBSTP,     Op::FFREE,     Op::FLDENV,    Op::FSAVE,      Op::FSTCW,      Op::FSTENV,
      Op::FSTSW,     Op::FXSAVE64,  Op::FXSAVE,    Op::INCB,       Op::INCL,       Op::INCQ,
      Op::INCW,      Op::NEGB,      Op::NEGL,      Op::NEGQ,       Op::NEGW,       Op::NOTB,
      Op::NOTL,      Op::NOTQ,      Op::NOTW,      Op::POPL,       Op::POPQ,       Op::POPW,
      Op::RDFSBASEL, Op::RDFSBASEQ, Op::RDGSBASEL, Op::RDGSBASEQ,  Op::RDRANDL,    Op::RDRANDQ,
      Op::RDRANDW,   Op::RDSEEDL,   Op::RDSEEDQ,   Op::RDSEEDW,    Op::SETCC,      Op::SETCS,
      Op::SETEQ,     Op::SETGE,     Op::SETGT,     Op::SETHI,      Op::SETLE,      Op::SETLS,
      Op::SETLT,     Op::SETMI,     Op::SETNE,     Op::SETOC,      Op::SETOS,      Op::SETPC,
      Op::SETPL,     Op::SETPS,     Op::SGDT,      Op::SIDT,       Op::SLDTL,      Op::SLDTQ,
      Op::SLDTW,     Op::SMSWL,     Op::SMSWQ,     Op::SMSWW,      Op::STMXCSR,    Op::STRL,
      Op::STRQ,      Op::STRW,      Op::XSAVE64,   Op::XSAVE,      Op::XSAVEC64,   Op::XSAVEC,
      Op::XSAVEOPT64, Op::XSAVEOPT, Op::XSAVES64,  Op::XSAVES,
  };
  return ops;
}

// The AVX-512 opcode suffixes Go accepts (evex.go's opSuffixTable), as Prog::scond bits.
struct Suffix {
  const char* text;
  uint8_t scond;
};
constexpr Suffix kSuffixes[] = {
    {"Z", scond::kZ},
    {"SAE", scond::kSAE},
    {"SAE.Z", scond::kSAE | scond::kZ},
    {"RN_SAE", scond::kRN_SAE},
    {"RZ_SAE", scond::kRZ_SAE},
    {"RD_SAE", scond::kRD_SAE},
    {"RU_SAE", scond::kRU_SAE},
    {"RN_SAE.Z", scond::kRN_SAE | scond::kZ},
    {"RZ_SAE.Z", scond::kRZ_SAE | scond::kZ},
    {"RD_SAE.Z", scond::kRD_SAE | scond::kZ},
    {"RU_SAE.Z", scond::kRU_SAE | scond::kZ},
    {"BCST", scond::kBCST},
    {"BCST.Z", scond::kBCST | scond::kZ},
};

// Explains why a suffix combination is not in the table (Go's inferSuffixError).
std::string suffix_error(const std::string& cond) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t dot = cond.find('.', start);
    parts.push_back(cond.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::set<std::string> seen, unknown;
  bool bcst = false, round = false;
  std::vector<std::string> msg;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& s = parts[i];
    if (s == "Z") {
      if (i != parts.size() - 1) msg.push_back("Z suffix should be the last");
    } else if (s == "BCST") {
      bcst = true;
    } else if (s == "SAE" || s == "RN_SAE" || s == "RZ_SAE" || s == "RD_SAE" || s == "RU_SAE") {
      round = true;
    } else {
      if (!unknown.count(s)) msg.push_back("unknown suffix " + lex::go_quote(s));
      unknown.insert(s);
    }
    if (seen.count(s)) msg.push_back("duplicate suffix " + lex::go_quote(s));
    seen.insert(s);
  }
  if (bcst && round) msg.push_back("can't combine rounding/SAE and broadcast");
  if (msg.empty()) return "bad suffix combination";
  std::string out;
  for (size_t i = 0; i < msg.size(); ++i) out += (i ? "; " : "") + msg[i];
  return out;
}

std::string op_str(Op op) { return std::string(op_name(op)); }

}  // namespace

// Counts prog and links it at the end of its function's list; `cond` is the statement's suffix
// (".Z", ".BCST"...) or empty. Most statements have neither suffix nor label, so those
// two are handled out of line. Each TEXT starts a list of its own; as in Go's Flushplist,
// Progs before the first TEXT belong to no function and are dropped, and so is every END
// (they still count for N(PC)). Inline: every statement that makes a Prog ends here.
[[gnu::always_inline]] inline void Parser::append(Prog* prog, std::string_view cond) {
  if (!cond.empty() && !set_suffix(prog, cond)) return;
  if (prog->as == Op::TEXT) {
    text_ = tail_ = prog;
  } else if (text_ != nullptr && prog->as != Op::END) {
    tail_->link = prog;
    tail_ = prog;
    if (prog->as == Op::FUNCDATA || prog->to.type == AddrType::Branch) note_in_function(prog);
  }
  ++pc_;
  if (!pending_labels_.empty() && !bind_labels(prog)) return;
  prog->pc = pc_;
}

// append's rare cases, out of line: a FUNCDATA joins its function's list, and an N(PC) branch
// (a label's target is set, now or by patch) marks its function for finish.
[[gnu::noinline]] void Parser::note_in_function(Prog* prog) {
  if (prog->as == Op::FUNCDATA) text_->from.sym->func->funcdata.push_back(prog);
  if (prog->to.type == AddrType::Branch && prog->to.target == nullptr && prog->to.sym == nullptr &&
      (pc_branch_texts_.empty() || pc_branch_texts_.back() != text_)) {
    pc_branch_texts_.push_back(text_);
  }
}

// Sets prog's scond from the suffix; false (after the error) if Go does not know it.
bool Parser::set_suffix(Prog* prog, std::string_view cond) {
  const std::string c(cond[0] == '.' ? cond.substr(1) : cond);
  bool found = false;
  for (const Suffix& s : kSuffixes) {
    if (c == s.text) {
      prog->scond = s.scond;
      found = true;
    }
  }
  if (!found) errorf(suffix_error(c));
  return found;
}

// The labels before this statement name prog; false after a label defined twice.
bool Parser::bind_labels(Prog* prog) {
  for (std::string_view label : pending_labels_) {
    if (labels_.count(label)) {
      errorf("label " + lex::go_quote(label) + " multiply defined");
      return false;
    }
    labels_[label] = prog;
  }
  pending_labels_.clear();
  return true;
}

bool Parser::valid_symbol(const char* pseudo, const Addr& a, bool offset_ok) {
  const std::string_view name = a.sym ? std::string_view(a.sym->name) : "<erroneous symbol>";
  if (a.sym == nullptr || (a.name != AddrName::Extern && a.name != AddrName::Static) ||
      a.scale != 0 || a.reg != reg::NONE) {
    errorf(std::string(pseudo) + " symbol " + lex::go_quote(name) + " must be a symbol(SB)");
    return false;
  }
  if (!offset_ok && a.offset != 0) {
    errorf(std::string(pseudo) + " symbol " + lex::go_quote(name) + " must not be offset from SB");
    return false;
  }
  return true;
}

bool Parser::valid_immediate(const char* pseudo, const Addr& a) {
  if (a.type != AddrType::Const || a.name != AddrName::None || a.reg != reg::NONE ||
      a.index != reg::NONE) {
    errorf(std::string(pseudo) + ": expected immediate constant; found " + describe_addr(a));
    return false;
  }
  return true;
}

// A plain integer operand (no '$'), as in the flags of TEXT and GLOBL.
int64_t Parser::eval_integer(const char* pseudo, const Operand& op) {
  Addr a = address(op);
  if (a.type != AddrType::Mem || a.name != AddrName::None || a.reg != reg::NONE ||
      a.index != reg::NONE) {
    errorf(std::string(pseudo) + ": expected integer constant; found " + describe_addr(a));
  }
  return a.offset;
}

void Parser::init_text_sym(Symbol* s, int flag) {
  if (s->func) diag_.error("InitTextSym double init for " + s->name);
  s->func = std::make_unique<FuncInfo>();
  if (s->on_list) diag_.error("symbol " + s->name + " listed multiple times");
  s->on_list = true;
  s->dupok = (flag & textflag::kDupOk) != 0;
  s->nosplit = (flag & textflag::kNoSplit) != 0;
  s->kind = SymKind::Text;
  s->defined = true;
  s->flags = flag;
  s->func->textflags = flag;
  s->func->topframe = (flag & textflag::kTopFrame) != 0;
  unit_.text.push_back(s);
}

// TEXT name(SB), [flags,] $frame[-args]
void Parser::asm_text(Operands operands) {
  if (operands.size() != 2 && operands.size() != 3) {
    errorf("expect two or three operands for TEXT");
    return;
  }
  // Labels are function scoped: resolve the previous function's, start a new space.
  patch();
  labels_.clear();

  Addr name_addr = address(operands[0]);
  if (!valid_symbol("TEXT", name_addr, false)) return;
  const std::string& name = name_addr.sym->name;
  size_t next_op = 1;
  int64_t flag = 0;
  if (operands.size() == 3) {
    flag = eval_integer("TEXT", operands[1]);
    ++next_op;
  }
  if (name_addr.sym->abi == Abi::AbiInternal && (flag & textflag::kNoSplit) == 0) {
    errorf("TEXT " + lex::go_quote(name) + ": ABIInternal requires NOSPLIT");
  }

  // $frame-args is two numbers, not a subtraction; only frame may be negative and
  // -args may be missing (then the size is unknown).
  const Operand& op_all = operands[next_op];
  if (op_all.size() < 2 || op_all[0].kind != '$') {
    errorf("TEXT " + name + ": frame size must be an immediate constant");
    return;
  }
  size_t i = 1;
  bool negative = false;
  if (op_all[i].kind == '-') {
    negative = true;
    ++i;
  }
  if (i >= op_all.size() || op_all[i].kind != lex::tok::kInt) {
    errorf("TEXT " + name + ": frame size must be an immediate constant");
    return;
  }
  int64_t frame = positive_atoi(op_all[i].text);
  if (negative) frame = -frame;
  ++i;
  int64_t args = kArgsSizeUnknown;
  if (i < op_all.size()) {
    if (op_all.size() - i != 2 || op_all[i].kind != '-' || op_all[i + 1].kind != lex::tok::kInt) {
      errorf("TEXT " + name + ": argument size must be of form -integer");
      return;
    }
    args = positive_atoi(op_all[i + 1].text);
  }
  Symbol* s = name_addr.sym;
  init_text_sym(s, static_cast<int>(flag));
  Prog* prog = unit_.new_prog();
  prog->as = Op::TEXT;
  prog->pos = pos();
  prog->from = name_addr;
  prog->to.type = AddrType::TextSize;
  prog->to.offset = frame;
  prog->to.argsize = static_cast<int32_t>(args);
  prog->to.argsize_set = args != kArgsSizeUnknown;
  s->func->text = prog;
  s->func->args = static_cast<int32_t>(args);
  s->func->locals = static_cast<int32_t>(frame);
  append(prog, {});
}

// Go's LSym.prepwrite: checks the range, turns BSS into DATA, grows the contents. Go does
// not bound the size (a DATA string of /999999999999 makes it try to allocate that much);
// gostack holds the end to the same 1 GiB as the offset and reports it with Go's message.
bool Parser::prep_write(Symbol* s, int64_t off, int64_t siz) {
  constexpr int64_t kLimit = int64_t{1} << 30;
  if (off < 0 || siz < 0 || off >= kLimit || siz > kLimit - off) {
    diag_.error("prepwrite: bad off=" + std::to_string(off) + " siz=" + std::to_string(siz) +
                " s=" + s->name);
    return false;
  }
  switch (s->kind) {
    case SymKind::None:
    case SymKind::Bss: s->kind = SymKind::Data; break;
    case SymKind::NoPtrBss: s->kind = SymKind::NoPtrData; break;
    case SymKind::TlsBss: diag_.error("cannot supply data for STLSBSS var " + s->name); break;
    default: break;
  }
  int64_t end = off + siz;
  if (static_cast<int64_t>(s->p.size()) < end) s->p.resize(static_cast<size_t>(end));
  if (end > s->size) s->size = end;
  return true;
}

namespace {
void put_le(std::vector<uint8_t>& p, int64_t off, int siz, uint64_t v) {
  for (int i = 0; i < siz; ++i) p[static_cast<size_t>(off + i)] = static_cast<uint8_t>(v >> (8 * i));
}
}  // namespace

// DATA sym+off(SB)/width, value
void Parser::asm_data(Operands operands) {
  if (operands.size() != 2) {
    errorf("expect two operands for DATA");
    return;
  }
  const Operand op = operands[0];
  const size_t n = op.size();
  if (n < 3 || op[n - 2].kind != '/' || op[n - 1].kind != lex::tok::kInt) {
    errorf("expect /size for DATA argument");
    return;
  }
  // strconv.Atoi: decimal digits only (a leading 0 is still decimal), within int64.
  const std::string_view szop = op[n - 1].text;
  int64_t sz = 0;
  bool sz_ok = !szop.empty();
  for (char c : szop) {
    sz_ok = sz_ok && c >= '0' && c <= '9' && sz <= (INT64_MAX - (c - '0')) / 10;
    if (sz_ok) sz = sz * 10 + (c - '0');
  }
  if (!sz_ok) {
    sz = 0;
    errorf("bad size for DATA argument: " + lex::go_quote(szop));
  }
  Addr name_addr = address(op.first(n - 2));
  if (!valid_symbol("DATA", name_addr, true)) return;
  const std::string& name = name_addr.sym->name;

  Addr value = address(operands[1]);
  switch (value.type) {
    case AddrType::Const:
    case AddrType::FConst:
    case AddrType::SConst:
    case AddrType::Addr: break;
    default:
      errorf("DATA value must be an immediate constant or address");
      return;
  }
  // Entries must not overlap; Go simply requires increasing offsets.
  auto [last, first_entry] = data_addr_.try_emplace(name, 0);
  if (!first_entry && name_addr.offset < last->second) {
    errorf("overlapping DATA entry for " + name);
    return;
  }
  last->second = static_cast<int64_t>(static_cast<uint64_t>(name_addr.offset) + static_cast<uint64_t>(sz));

  Symbol* s = name_addr.sym;
  int64_t off = name_addr.offset;
  switch (value.type) {
    case AddrType::Const:
      if (sz == 1 || sz == 2 || sz == 4 || sz == 8) {
        if (prep_write(s, off, sz)) put_le(s->p, off, static_cast<int>(sz), static_cast<uint64_t>(value.offset));
      } else {
        errorf("bad int size for DATA argument: " + std::to_string(sz));
      }
      break;
    case AddrType::FConst:
      if (sz == 4) {
        float f = static_cast<float>(value.fval);
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        if (prep_write(s, off, 4)) put_le(s->p, off, 4, bits);
      } else if (sz == 8) {
        uint64_t bits;
        std::memcpy(&bits, &value.fval, 8);
        if (prep_write(s, off, 8)) put_le(s->p, off, 8, bits);
      } else {
        errorf("bad float size for DATA argument: " + std::to_string(sz));
      }
      break;
    case AddrType::SConst:
      if (static_cast<size_t>(sz) < value.sval.size()) {
        diag_.error("WriteString: bad string size: " + std::to_string(sz) + " < " +
                    std::to_string(value.sval.size()));
      }
      if (prep_write(s, off, sz)) {
        size_t len = std::min(value.sval.size(), static_cast<size_t>(sz));
        if (len > 0) std::memcpy(s->p.data() + off, value.sval.data(), len);  // /0: data() may be null
      }
      break;
    case AddrType::Addr:
      if (sz == 8) {
        if (prep_write(s, off, sz)) {
          Reloc r;
          r.off = static_cast<int32_t>(off);
          r.siz = static_cast<uint8_t>(sz);
          r.type = RelocType::Addr;
          r.add = value.offset;
          r.sym = value.sym;
          s->r.push_back(r);
        }
      } else {
        errorf("bad addr size for DATA argument: " + std::to_string(sz));
      }
      break;
    default: break;
  }
}

// Go's Link.Globl: the symbol's size and kind from the GLOBL flags.
void Parser::globl(Symbol* s, int64_t size, int flag) {
  if (s->on_list) diag_.error("symbol " + s->name + " listed multiple times");
  s->on_list = true;
  s->defined = true;
  s->flags = flag;
  unit_.data.push_back(s);
  s->size = size;
  if (s->kind == SymKind::None) s->kind = SymKind::Bss;
  if (flag & textflag::kDupOk) s->dupok = true;
  if (flag & textflag::kRoData) {
    s->kind = SymKind::RoData;
  } else if (flag & textflag::kNoPtr) {
    s->kind = s->kind == SymKind::Data ? SymKind::NoPtrData : SymKind::NoPtrBss;
  } else if (flag & textflag::kTlsBss) {
    s->kind = SymKind::TlsBss;
  }
}

// GLOBL sym(SB), [flags,] $size
void Parser::asm_globl(Operands operands) {
  if (operands.size() != 2 && operands.size() != 3) {
    errorf("expect two or three operands for GLOBL");
    return;
  }
  Addr name_addr = address(operands[0]);
  if (!valid_symbol("GLOBL", name_addr, false)) return;
  size_t next_op = 1;
  int64_t flag = 0;
  if (operands.size() == 3) {
    flag = eval_integer("GLOBL", operands[1]);
    ++next_op;
  }
  Addr size = address(operands[next_op]);
  if (!valid_immediate("GLOBL", size)) return;
  globl(name_addr.sym, size.offset, static_cast<int>(flag));
}

// PCDATA $table, $value
void Parser::asm_pcdata(Operands operands) {
  if (operands.size() != 2) {
    errorf("expect two operands for PCDATA");
    return;
  }
  Addr key = address(operands[0]);
  if (!valid_immediate("PCDATA", key)) return;
  Addr value = address(operands[1]);
  if (!valid_immediate("PCDATA", value)) return;
  Prog* prog = unit_.new_prog();
  prog->as = Op::PCDATA;
  prog->pos = pos();
  prog->from = key;
  prog->to = value;
  append(prog, {});
}

// PCALIGN $n (Go gives it no source position).
void Parser::asm_pcalign(Operands operands) {
  if (operands.size() != 1) {
    errorf("expect one operand for PCALIGN");
    return;
  }
  Addr key = address(operands[0]);
  if (!valid_immediate("PCALIGN", key)) return;
  Prog* prog = unit_.new_prog();
  prog->as = Op::PCALIGN;
  prog->from = key;
  append(prog, {});
}

// FUNCDATA $slot, sym(SB)
void Parser::asm_funcdata(Operands operands) {
  if (operands.size() != 2) {
    errorf("expect two operands for FUNCDATA");
    return;
  }
  Addr value = address(operands[0]);
  if (!valid_immediate("FUNCDATA", value)) return;
  Addr name_addr = address(operands[1]);
  if (!valid_symbol("FUNCDATA", name_addr, true)) return;
  Prog* prog = unit_.new_prog();
  prog->as = Op::FUNCDATA;
  prog->pos = pos();
  prog->from = value;
  prog->to = name_addr;
  append(prog, {});
}

// JMP label / JMP 3(PC) / JMP AX / CALL sym(SB) / JMP *sym(SB) ...
void Parser::asm_jump(Op op, std::string_view cond, std::vector<Addr>& a, std::string_view label) {
  Prog* prog = unit_.new_prog();
  prog->pos = pos();
  prog->as = op;
  Addr* target;
  switch (a.size()) {
    case 1: target = &a[0]; break;
    case 2:
      target = &a[1];
      prog->from = a[0];
      break;
    default:
      errorf("wrong number of arguments to " + op_str(op) + " instruction");
      return;
  }
  Addr& to = prog->to;
  if (target->type == AddrType::Branch) {
    // N(PC): an absolute count of Progs; +1 because append has not counted this one yet.
    to = Addr{};
    to.type = AddrType::Branch;
    // Unsigned, so that an offset near the int64 limits wraps as Go's arithmetic does
    // instead of overflowing (finish() then finds no Prog there and says so).
    to.offset = static_cast<int64_t>(static_cast<uint64_t>(pc_) + 1 + static_cast<uint64_t>(target->offset));
  } else if (target->type == AddrType::Reg) {
    to = *target;
  } else if (target->type == AddrType::Mem &&
             (target->name == AddrName::Extern || target->name == AddrName::Static)) {
    to = *target;
  } else if (target->type == AddrType::Indir &&
             (target->name == AddrName::Extern || target->name == AddrName::Static)) {
    to = *target;
    to.type = AddrType::Indir;
  } else if (target->type == AddrType::Mem && target->reg == reg::NONE && target->offset == 0) {
    // A label: by the name jump() kept (target is the last operand), else by its symbol's.
    if (label.empty()) {
      if (target->sym == nullptr) return;  // the operand already failed to parse
      label = target->sym->name;
    }
    auto it = labels_.find(label);
    if (it == labels_.end()) {
      to_patch_.push_back({&to, label});
    } else {
      to = Addr{};
      to.type = AddrType::Branch;
      to.target = it->second;
    }
  } else if (target->type == AddrType::Mem && target->name == AddrName::None) {
    to = *target;  // JMP 4(AX)
  } else if (target->type == AddrType::Const) {
    to = a[0];  // JMP $4 (Go takes the first operand here)
  } else if (target->type == AddrType::None) {
    // JMP with an empty target.
  } else {
    errorf("cannot assemble jump " + describe_addr(*target));
    return;
  }
  append(prog, cond);
}

// Resolves the pending forward jumps against the labels in scope, at each TEXT and at the
// end, as Go's patch does: the first undefined label stops it and the whole list stays
// pending, so the next TEXT looks the same jumps up again among its predecessor's labels
// (and reports that label once more, at its own line).
void Parser::patch() {
  for (const Patch& p : to_patch_) {
    auto it = labels_.find(p.label);
    if (it == labels_.end()) {
      errorf("undefined label " + std::string(p.label));
      return;
    }
    *p.addr = Addr{};
    p.addr->type = AddrType::Branch;
    p.addr->target = it->second;
  }
  to_patch_.clear();
}

// Operand placement for amd64: the last operand is the destination; a middle
// operand goes to the rest list (Go's From3/RestArgs), all as sources. Each operand is
// parsed in place; errors come in operand order, then the operand count's.
void Parser::asm_instruction(Op op, std::string_view word, std::string_view cond,
                             Operands operands) {
  Prog* prog = unit_.new_prog();
  prog->pos = pos();
  prog->as = op;
  const size_t n = operands.size();
  switch (n) {
    case 0: break;
    case 1:
      instruction_operand(word, operands[0],
                          unary_dst().contains(op) || op == Op::RET || op == Op::GETCALLERPC ? &prog->to
                                                                                          : &prog->from);
      break;
    case 2:
    case 3:
    case 4:
    case 5:
      instruction_operand(word, operands[0], &prog->from);
      if (n > 2) {  // a two-operand instruction (most) keeps the empty rest the Prog was made with
        prog->rest = unit_.new_rest(n - 2);
        for (size_t i = 1; i + 1 < n; ++i) instruction_operand(word, operands[i], &prog->rest[i - 1].addr);
      }
      instruction_operand(word, operands[n - 1], &prog->to);
      break;
    default: {
      for (const Operand& o : operands) {
        Addr a;
        instruction_operand(word, o, &a);
      }
      errorf("can't handle " + op_str(op) + " instruction with " + std::to_string(n) + " operands");
      return;
    }
  }
  append(prog, cond);
}

}  // namespace gostack::parse
