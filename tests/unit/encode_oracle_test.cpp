// Differential test against Go 1.19's assembler: builds many instructions from a pool of
// operands (every register kind, addressing mode and immediate range), renders them as
// Go assembly, assembles them with Go (`asm -S`) and with our encoder, and compares each
// instruction's bytes and relocations, and which instructions are rejected. Every
// encoding we produce is also decoded with Zydis (when available): it must be exactly one
// instruction of the same length. Skips when Go 1.19 is not installed.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "encode/encode.h"
#include "encode/forms.h"
#include "encode_test_util.h"

namespace gostack {
namespace {

using test::GoOracle;

// The one-operand instructions whose operand Go's parser stores as the destination.
bool unary_dst(std::string_view op) {
  static const std::set<std::string_view> k = {
      "BSWAPL", "BSWAPQ", "CLDEMOTE", "CLFLUSH", "CLFLUSHOPT", "CLWB", "CMPXCHG16B",
      "CMPXCHG8B", "DECB", "DECL", "DECQ", "DECW", "FBSTP", "FFREE", "FLDENV", "FSAVE", "FSTCW",
      "FSTENV", "FSTSW", "FXSAVE64", "FXSAVE", "INCB", "INCL", "INCQ", "INCW", "NEGB", "NEGL",
      "NEGQ", "NEGW", "NOTB", "NOTL", "NOTQ", "NOTW", "POPL", "POPQ", "POPW", "RDFSBASEL",
      "RDFSBASEQ", "RDGSBASEL", "RDGSBASEQ", "RDRANDL", "RDRANDQ", "RDRANDW", "RDSEEDL",
      "RDSEEDQ", "RDSEEDW", "SETCC", "SETCS", "SETEQ", "SETGE", "SETGT", "SETHI", "SETLE",
      "SETLS", "SETLT", "SETMI", "SETNE", "SETOC", "SETOS", "SETPC", "SETPL", "SETPS", "SGDT",
      "SIDT", "SLDTL", "SLDTQ", "SLDTW", "SMSWL", "SMSWQ", "SMSWW", "STMXCSR", "STRL", "STRQ",
      "STRW", "XSAVE64", "XSAVE", "XSAVEC64", "XSAVEC", "XSAVEOPT64", "XSAVEOPT", "XSAVES64",
      "XSAVES",
  };
  return k.count(op) != 0;
}

// Data, lone prefixes and NOP (a pseudo-op, though Go still emits its operands' segment
// prefixes) are not instructions a decoder can check.
bool decodable(Op op) {
  static const std::set<std::string_view> k = {"BYTE", "WORD", "LONG",     "QUAD", "LOCK",
                                               "REP",  "REPN", "XACQUIRE", "XRELEASE", "NOP"};
  return k.count(op_name(op)) == 0;
}

struct Operand {
  std::string text;  // Go syntax
  Addr addr;
};

// The operand pool: registers of each class, memory in each addressing mode, and
// immediates at every class boundary.
std::vector<Operand> operand_pool(Unit& unit) {
  std::vector<Operand> pool;
  auto reg = [&](RegNum r) { pool.push_back({reg_name(r), test::reg_addr(r)}); };
  for (int r : std::initializer_list<int>{reg::AL, reg::CL, reg::DL, reg::SIB, reg::R8B, reg::R15B, reg::AH, reg::BH,
                   reg::AX, reg::CX, reg::DX, reg::BX, reg::SP, reg::BP, reg::SI, reg::R8,
                   reg::R12, reg::R13, reg::R15, reg::X0, reg_x(1), reg_x(9), reg_x(15),
                   reg_y(0), reg_y(5), reg_y(12), reg_x(17), reg::K1, reg::M0,
                   static_cast<RegNum>(reg::M0 + 5), static_cast<RegNum>(reg::F0 + 2),
                   reg::CR0, static_cast<RegNum>(reg::CR0 + 8),
                   static_cast<RegNum>(reg::DR0 + 7), reg::FS, reg::GS}) {
    reg(static_cast<RegNum>(r));
  }
  auto mem = [&](std::string text, RegNum base, int64_t off, RegNum index = reg::NONE,
                 int scale = 0) { pool.push_back({text, test::mem_addr(base, off, index, scale)}); };
  mem("(AX)", reg::AX, 0);
  mem("(SP)", reg::SP, 0);
  mem("8(BP)", reg::BP, 8);
  mem("(R13)", reg::R13, 0);
  mem("-129(R12)", reg::R12, -129);
  mem("0x12345(R9)", reg::R9, 0x12345);
  mem("(AX)(BX*4)", reg::AX, 0, reg::BX, 4);
  mem("8(SP)(R9*8)", reg::SP, 8, reg::R9, 8);
  mem("(R13)(CX*1)", reg::R13, 0, reg::CX, 1);
  mem("256(BP)(R15*2)", reg::BP, 256, reg::R15, 2);
  mem("(TLS)", reg::TLS, 0);
  mem("(AX)(X1*4)", reg::AX, 0, reg_x(1), 4);
  mem("8(R13)(Y9*8)", reg::R13, 8, reg_y(9), 8);
  mem("0x28(GS)", reg::GS, 0x28);
  mem("0x1000", reg::NONE, 0x1000);
  Symbol* sym = unit.lookup("sym");
  for (int64_t off : {0, 8}) {
    pool.push_back({off ? "sym+8(SB)" : "sym(SB)", test::extern_addr(sym, off)});
  }
  for (int64_t v : std::initializer_list<int64_t>{
           0, 1, 3, 7, 127, 128, 255, 256, -1, -128, -129, 0x7fff, 0x8000, 0x7fffffff,
           0x80000000LL, 0xffffffffLL, 0x100000000LL, -0x80000000LL, -0x80000001LL,
           0x123456789abcLL}) {
    pool.push_back({"$" + std::to_string(v), test::const_addr(v)});
  }
  return pool;
}

struct Case {
  Op op;
  std::vector<const Operand*> ops;  // Go order
};

std::string render(const Case& c) {
  std::string s(op_name(c.op));
  for (size_t i = 0; i < c.ops.size(); ++i) s += (i ? ", " : " ") + c.ops[i]->text;
  return s;
}

// Builds the Prog the parser would: the last operand is To, the first From, a middle one
// a RestArg; one operand goes to To for Go's unary-destination ops.
Prog* to_prog(Unit& unit, const Case& c, int line) {
  Prog* p = unit.new_prog();
  p->as = c.op;
  p->pos.line = line;
  size_t n = c.ops.size();
  if (n == 1) {
    (unary_dst(op_name(c.op)) ? p->to : p->from) = c.ops[0]->addr;
  } else if (n >= 2) {
    p->from = c.ops[0]->addr;
    p->rest = unit.new_rest(n - 2);
    for (size_t i = 1; i + 1 < n; ++i) p->rest[i - 1].addr = c.ops[i]->addr;
    p->to = c.ops[n - 1]->addr;
  }
  return p;
}

std::vector<Case> make_cases(const std::vector<Operand>& pool, std::mt19937& rng,
                             bool all_ops) {
  std::vector<Op> ops;
  if (all_ops) {
    // Every op costs Go seconds; by default a fixed sixteenth of them (Go's encoder test
    // files cover every form already). GOSTACK_LONG_TESTS=1 compares all ops (~10 min).
    const int stride = std::getenv("GOSTACK_LONG_TESTS") ? 1 : 16;
    for (int i = 1; i < kNumOps; ++i) {
      Op op = static_cast<Op>(i);
      if (i % stride != 0) continue;
      if (op_supported(op) && op != Op::TEXT && op != Op::FUNCDATA && op != Op::PCDATA &&
          op != Op::ADJSP && op != Op::CALL && op != Op::JMP && op != Op::RET &&
          op != Op::DUFFCOPY && op != Op::DUFFZERO && op != Op::XBEGIN &&
          !(op_name(op)[0] == 'J') && op_name(op).substr(0, 4) != "LOOP") {
        ops.push_back(op);
      }
    }
  } else {
    for (const char* name : test::kBaseOps) ops.push_back(*lookup_op(name));
  }
  std::vector<Case> cases;
  std::uniform_int_distribution<size_t> pick(0, pool.size() - 1);
  for (Op op : ops) {
    if (op == Op::RET) {
      // Go checks PUSH/POP balance at each RET, so RET goes first. RET with an operand
      // is the frame pass's business (it becomes a JMP).
      cases.insert(cases.begin(), {op, {}});
      continue;
    }
    cases.push_back({op, {}});
    for (const Operand& a : pool) cases.push_back({op, {&a}});
    const int pairs = all_ops ? 60 : 400;
    if (!all_ops) {
      for (const Operand& a : pool) {
        for (const Operand& b : pool) cases.push_back({op, {&a, &b}});
      }
    } else {
      for (int i = 0; i < pairs; ++i) cases.push_back({op, {&pool[pick(rng)], &pool[pick(rng)]}});
    }
    const int triples = all_ops ? 40 : 200;
    for (int i = 0; i < triples; ++i) {
      cases.push_back({op, {&pool[pick(rng)], &pool[pick(rng)], &pool[pick(rng)]}});
    }
    for (int i = 0; all_ops && i < 20; ++i) {
      cases.push_back(
          {op, {&pool[pick(rng)], &pool[pick(rng)], &pool[pick(rng)], &pool[pick(rng)]}});
    }
  }
  return cases;
}

// Runs Go on the cases until it accepts the remainder; returns the lines Go's assembler
// (not its parser) rejected, and fills `accepted` with Go's listing of the rest.
struct Outcome {
  std::set<int> encoder_errors;  // case indexes
  std::set<int> parser_errors;
  std::vector<int> accepted;     // case indexes, in order
  test::Listing listing;         // of the accepted cases
};

std::string source_of(const std::vector<Case>& cases, const std::vector<int>& live) {
  std::string src = "#include \"textflag.h\"\nTEXT ·f(SB), NOSPLIT|NOFRAME, $0-0\n";
  int64_t pushed = 0;  // Go's frame pass rejects a RET with PUSHes/POPs unbalanced
  for (int i : live) {
    src += "\t" + render(cases[i]) + "\n";
    std::string_view name = op_name(cases[i].op);
    int64_t width = name.back() == 'Q' ? 8 : name.back() == 'L' ? 4 : 2;
    if (name.substr(0, 4) == "PUSH" && name.substr(0, 5) != "PUSHA") pushed += width;
    if (name.substr(0, 3) == "POP" && name.substr(0, 4) != "POPA" && name != "POPCNTQ" &&
        name != "POPCNTL" && name != "POPCNTW") {
      pushed -= width;
    }
  }
  if (pushed != 0) src += "\tADJSP $" + std::to_string(-pushed) + "\n";
  src += "\tRET\n";
  return src;
}

// Some of Go's assembler errors carry no position ("asm: asmand: bad address"): find
// the cases that cause them by bisection.
void find_unplaced(GoOracle& go, const std::vector<Case>& cases, const std::vector<int>& live,
                   std::set<int>* bad) {
  test::GoResult r = go.assemble(source_of(cases, live));
  if (!r.failed) return;
  if (live.size() == 1) {
    bad->insert(live[0]);
    return;
  }
  std::vector<int> lo(live.begin(), live.begin() + live.size() / 2);
  std::vector<int> hi(live.begin() + live.size() / 2, live.end());
  find_unplaced(go, cases, lo, bad);
  find_unplaced(go, cases, hi, bad);
}

Outcome run_go(GoOracle& go, const std::vector<Case>& cases, std::vector<int> live) {
  Outcome out;
  for (int round = 0; round < 6; ++round) {
    test::GoResult r = go.assemble(source_of(cases, live));
    if (!r.failed) {
      out.accepted = live;
      out.listing = test::parse_listing(r.listing);
      return out;
    }
    std::set<int> unplaced;
    if (r.error_lines.empty()) find_unplaced(go, cases, live, &unplaced);
    std::vector<int> next;
    for (size_t k = 0; k < live.size(); ++k) {
      int line = static_cast<int>(k) + 3;
      if (r.error_lines.count(line)) {
        (r.parse_failed ? out.parser_errors : out.encoder_errors).insert(live[k]);
      } else if (unplaced.count(live[k])) {
        out.encoder_errors.insert(live[k]);
      } else {
        next.push_back(live[k]);
      }
    }
    live.swap(next);
  }
  ADD_FAILURE() << "Go kept rejecting lines: " << go.assemble(source_of(cases, live)).errors;
  return out;
}

void compare_with_go(bool all_ops, int* matched, int* total, int* unsupported) {
  GoOracle go;
  if (!go.available()) GTEST_SKIP() << "Go 1.19 not installed";
  Unit unit;
  unit.files.emplace_back("t.s");
  std::mt19937 rng(1234);
  std::vector<Operand> pool = operand_pool(unit);
  std::vector<Case> cases = make_cases(pool, rng, all_ops);
  // Our encoder on every case, one function per case so errors stay per case.
  int mismatches = 0;
  Symbol* fn = unit.lookup("f");
  fn->func = std::make_unique<FuncInfo>();
  auto encode_one = [&](int i, std::vector<std::string>* errors) {
    fn->func->text = to_prog(unit, cases[i], i + 3);
    Diag diag;
    diag.capture(errors);
    encode_function(unit, fn, diag);
    return fn;
  };
  test::Zydis zydis;
  std::set<std::string> undecodable;
  // Go is much faster on many small files than on one with many errors.
  constexpr size_t kChunk = 20000;
  for (size_t start = 0; start < cases.size(); start += kChunk) {
  std::vector<int> chunk;
  for (size_t i = start; i < std::min(cases.size(), start + kChunk); ++i) {
    // An op gostack reports as unsupported (one without forms) is not compared.
    std::vector<std::string> errors;
    encode_one(static_cast<int>(i), &errors);
    if (!errors.empty() && errors.front().find("unsupported instruction") != std::string::npos) {
      ++*unsupported;
      continue;
    }
    chunk.push_back(static_cast<int>(i));
  }
  Outcome go_out = run_go(go, cases, chunk);
  for (int i : go_out.encoder_errors) {
    std::vector<std::string> errors;
    encode_one(i, &errors);
    if (errors.empty() && ++mismatches < 30) {
      ADD_FAILURE() << render(cases[i]) << ": Go rejects it, we accept it";
    }
  }
  *total += static_cast<int>(go_out.accepted.size());
  for (size_t k = 0; k < go_out.accepted.size(); ++k) {
    int i = go_out.accepted[k];
    std::vector<std::string> errors;
    encode_one(i, &errors);
    const test::ListedInsn& want = go_out.listing.insns[k];
    std::string got = test::hex(fn->p);
    bool ok = errors.empty() && got == want.hex && test::relocs_text(*fn) == want.relocs;
    if (ok && decodable(cases[i].op) && !zydis.decodes_as_one(fn->p)) {
      // Go itself emits these bytes; note them, the match with Go is what counts here.
      undecodable.insert(std::string(op_name(cases[i].op)));
    }
    if (ok) {
      ++*matched;
    } else if (++mismatches < 30) {
      ADD_FAILURE() << render(cases[i]) << ": want " << want.hex << " " << want.relocs
                    << " got " << got << " " << test::relocs_text(*fn)
                    << (errors.empty() ? "" : " error: " + errors.front());
    }
  }
  }
  if (!undecodable.empty()) {
    std::string list;
    for (const std::string& op : undecodable) list += " " + op;
    std::printf("Go emits bytes Zydis does not decode as one instruction for:%s\n", list.c_str());
  }
}

TEST(EncodeOracle, BaseOpsAgainstGo) {
  int matched = 0, total = 0, unsupported = 0;
  compare_with_go(false, &matched, &total, &unsupported);
  std::printf("base ops: %d of %d instructions Go accepts match byte for byte\n", matched, total);
  EXPECT_EQ(unsupported, 0);
  EXPECT_EQ(matched, total);
}

TEST(EncodeOracle, AllOpsAgainstGo) {
  int matched = 0, total = 0, unsupported = 0;
  compare_with_go(true, &matched, &total, &unsupported);
  std::printf("all legacy, VEX and EVEX ops: %d of %d instructions Go accepts match byte for "
              "byte, %d cases unsupported\n", matched, total, unsupported);
  EXPECT_EQ(matched, total);
}

}  // namespace
}  // namespace gostack
