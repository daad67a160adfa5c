// Test helper: builds a function's Prog list by hand, as the parser would, so the frame
// pass and the listing can be tested without the front end and the encoder.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/diag.h"
#include "core/symbol.h"
#include "frame/frame.h"
#include "listing/listing.h"

namespace gostack::testing {

inline Addr R(RegNum r) {
  Addr a;
  a.type = AddrType::Reg;
  a.reg = r;
  return a;
}

inline Addr M(RegNum base, int64_t off = 0) {
  Addr a;
  a.type = AddrType::Mem;
  a.reg = base;
  a.offset = off;
  return a;
}

inline Addr C(int64_t v) {
  Addr a;
  a.type = AddrType::Const;
  a.offset = v;
  return a;
}

// name+off(FP), name-off(SP) (pseudo-SP) and sym+off(SB).
inline Addr Named(Unit& u, AddrName name, const std::string& sym, int64_t off) {
  Addr a;
  a.type = AddrType::Mem;
  a.name = name;
  a.sym = u.lookup(sym);
  a.offset = off;
  return a;
}

// One function of a unit under construction.
class FnBuilder {
 public:
  // TEXT name(SB), flags, $frame-args (args < 0: "$frame" without args).
  FnBuilder(Unit& u, const std::string& name, int flags, int64_t frame, int32_t args, int line,
            Abi abi = Abi::Abi0)
      : u_(u) {
    sym_ = u.lookup(name, false, abi);
    sym_->kind = SymKind::Text;
    sym_->abi = abi;
    sym_->defined = true;
    sym_->on_list = true;
    sym_->flags = flags;
    sym_->nosplit = (flags & textflag::kNoSplit) != 0;
    sym_->dupok = (flags & textflag::kDupOk) != 0;
    sym_->func = std::make_unique<FuncInfo>();
    sym_->func->textflags = flags;
    sym_->func->args = args;
    Prog* t = u.new_prog();
    t->as = Op::TEXT;
    t->pos = {0, line};
    t->from.type = AddrType::Mem;
    t->from.name = AddrName::Extern;
    t->from.sym = sym_;
    t->to.type = AddrType::TextSize;
    t->to.offset = frame;
    t->to.argsize = args;
    t->to.argsize_set = args >= 0;
    sym_->func->text = t;
    last_ = t;
    u.text.push_back(sym_);
  }

  Prog* add(int line, Op as, Addr from = {}, Addr to = {}) {
    Prog* p = u_.new_prog();
    p->as = as;
    p->from = from;
    p->to = to;
    p->pos = {0, line};
    last_->link = p;
    last_ = p;
    return p;
  }

  // CALL sym(SB) as the parser leaves it (a memory operand; progedit makes it a branch).
  Prog* call(int line, const std::string& sym) {
    return add(line, Op::CALL, {}, Named(u_, AddrName::Extern, sym, 0));
  }

  Symbol* sym() const { return sym_; }

 private:
  Unit& u_;
  Symbol* sym_;
  Prog* last_;
};

// The function's instructions as the listing prints them, after numbering every Prog
// by its index (in place of the encoder's pc), so branch targets read as indexes.
inline std::vector<std::string> listing_lines(const Unit& u, const Symbol* fn) {
  std::vector<std::string> out;
  int64_t i = 0;
  for (Prog* p = fn->func->text; p != nullptr; p = p->link) p->pc = i++;
  for (const Prog* p = fn->func->text; p != nullptr; p = p->link) out.push_back(format_prog(u, *p));
  return out;
}

using Lines = std::vector<std::string>;

// A unit with one file "t.s" whose diagnostics are captured in `errors`.
struct FrameFixture : ::testing::Test {
  Unit u;
  Diag diag;
  std::vector<std::string> errors;
  FrameFixture() {
    u.files = {PosBase("t.s")};
    diag.capture(&errors);
  }
  // Lowers f and returns its listing lines (see listing_lines).
  Lines lower(FnBuilder& f) {
    lower_function(u, f.sym(), diag);
    return listing_lines(u, f.sym());
  }
};

}  // namespace gostack::testing
