// Test helpers for the front end: run the parser on text or files, print its Progs in the
// format of Go's `asm -debug` (one line per Prog as the parser appends it), and run
// Go's own assembler as the oracle when it is installed.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "parse/parse.h"
#include "parse/parser.h"

namespace gostack::testutil {

inline const char* kGoAsm = "/usr/lib/go-1.19/pkg/tool/linux_amd64/asm";
inline const char* kGoRoot = "/usr/lib/go-1.19";

inline bool have_go() { return std::filesystem::exists(kGoAsm); }

// Go's Symbol.TextAttrString as the parser leaves it (before the frame pass).
inline std::string text_attrs(const Symbol& s) {
  std::string out;
  auto add = [&](bool on, const char* name) {
    if (on) out += std::string(out.empty() ? "" : "|") + name;
  };
  add(s.dupok, "DUPOK");
  add(s.flags & textflag::kNoSplit, "NOSPLIT");
  add(s.flags & textflag::kReflectMethod, "REFLECTMETHOD");
  add(s.flags & textflag::kWrapper, "WRAPPER");
  add(s.flags & textflag::kNeedCtxt, "NEEDCTXT");
  add(s.flags & textflag::kNoFrame, "NOFRAME");
  add(s.is_static, "STATIC");
  add(s.flags & textflag::kAbiWrapper, "ABIWRAPPER");
  add(s.abi == Abi::AbiInternal, "ABIInternal");
  add(s.func && s.func->topframe, "TOPFRAME");  // a FuncFlag, printed last
  return out;
}

inline std::string scond_text(uint8_t sc) {
  if (sc == 0) return "";
  std::string s;
  switch (sc & ~scond::kZ) {
    case scond::kSAE: s = ".SAE"; break;
    case scond::kRN_SAE: s = ".RN_SAE"; break;
    case scond::kRZ_SAE: s = ".RZ_SAE"; break;
    case scond::kRD_SAE: s = ".RD_SAE"; break;
    case scond::kRU_SAE: s = ".RU_SAE"; break;
    case scond::kBCST: s = ".BCST"; break;
    default: break;
  }
  if (sc & scond::kZ) s += ".Z";
  return s;
}

// One operand as Go's -debug shows it at append time: a branch to a label that is
// defined later has not been patched yet and prints as nothing.
inline std::string debug_addr(const Prog& p, const Addr& a) {
  if (a.type == AddrType::Branch && a.sym == nullptr && a.target != nullptr) {
    if (a.offset != 0) return std::to_string(a.offset) + "(PC)";
    if (a.target->pc >= p.pc) return "";  // not yet patched when Go printed it
  }
  return parse::describe_addr(a);
}

// Prog.String() of Go (the part of a -debug line after the parser's line number).
// A Prog without position (Go's PCALIGN) has line 0.
inline std::string debug_line(const Unit& u, const Prog& p) {
  char pc[16];
  std::snprintf(pc, sizeof pc, "%05lld", static_cast<long long>(p.pc));
  std::string s = pc;
  s += p.pos.line == 0 ? std::string(" (<unknown line number>)\t")
                       : " (" + u.format_pos(p.pos) + ")\t";
  s += std::string(op_name(p.as)) + scond_text(p.scond);
  std::string sep = "\t";
  auto put = [&](const std::string& t) {
    if (t.empty()) return;
    s += sep + t;
    sep = ", ";
  };
  if (p.from.type != AddrType::None) put(debug_addr(p, p.from));
  for (const RestArg& r : p.rest) put(debug_addr(p, r.addr));
  if (p.as == Op::TEXT) put(text_attrs(*p.from.sym));
  if (p.to.type != AddrType::None) put(debug_addr(p, p.to));
  return s;
}

// All Progs of the unit in source order, one debug line each.
inline std::vector<std::string> debug_dump(const Unit& u) {
  std::vector<const Prog*> progs;
  for (const Symbol* s : u.text) {
    for (const Prog* p = s->func->text; p != nullptr; p = p->link) progs.push_back(p);
  }
  std::vector<std::string> out;
  for (const Prog* p : progs) out.push_back(debug_line(u, *p));
  return out;
}

// Runs a shell command, returns its stdout.
inline std::string run_command(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* f = popen(cmd.c_str(), "r");
  if (!f) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  int st = pclose(f);
  if (status) *status = st;
  return out;
}

inline std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t nl = s.find('\n', start);
    if (nl == std::string::npos) nl = s.size();
    out.push_back(s.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// Go's -debug output without the leading parser line number: one Prog.String() per Prog.
inline std::vector<std::string> go_debug_progs(const std::string& out) {
  std::vector<std::string> progs;
  for (const std::string& l : split_lines(out)) {
    size_t sp = l.find(' ');
    if (!l.empty() && l[0] >= '0' && l[0] <= '9' && sp != std::string::npos) {
      progs.push_back(l.substr(sp + 1));
    }
  }
  return progs;
}

// A parser over an empty file, for feeding it operands directly.
struct OperandHarness {
  Unit unit;
  Diag diag;
  std::vector<std::string> errors;
  lex::Input input;
  parse::Parser parser;

  explicit OperandHarness(bool runtime = false)
      : input(config()), parser(unit, diag, input, runtime) {
    diag.capture(&errors);
    diag.set_all_errors(true);
    input.push_file("t.s", "");
  }
  lex::InputConfig config() {
    lex::InputConfig c;
    c.register_file = [this](const PosBase& b) { return unit.pos_base(b); };
    c.report = [this](const std::string& m) { errors.push_back(m); };
    return c;
  }
  Addr operand(const std::string& text, bool jump = false) {
    parser.set_line(++line);
    return parser.parse_operand(lex::tokenize(text).tokens, jump);
  }
  // The message of the last error, without its "file:line: " prefix.
  std::string last_error() const {
    if (errors.empty()) return "";
    const std::string& e = errors.back();
    size_t at = e.find(": ");
    return at == std::string::npos ? e : e.substr(at + 2);
  }
  int line = 0;
};

}  // namespace gostack::testutil
