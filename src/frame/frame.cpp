// The frame pass for one function: the per-function part of Go's Flushplist (FUNCDATA
// for asm functions, branch resolution, progedit), then preprocess (prologue.cpp).
#include "frame/frame.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>

#include "frame/frame_internal.h"

namespace gostack {
namespace {

using frame::error_at;

// FUNCDATA table numbers (Go's objabi.FUNCDATA_*).
constexpr int64_t kFuncdataArgsPointerMaps = 0;
constexpr int64_t kFuncdataLocalsPointerMaps = 1;
constexpr int64_t kFuncdataArgInfo = 5;

// Go's objabi.FuncID values the runtime treats specially, by name in package runtime.
struct FuncIdRow {
  std::string_view name;
  uint8_t id;
};
constexpr uint8_t kFuncIdWrapper = 21;
constexpr FuncIdRow kRuntimeFuncIds[] = {
    {"abort", 1},           {"asmcgocall", 2},   {"asyncPreempt", 3},       {"cgocallback", 4},
    {"debugCallV2", 5},     {"gcBgMarkWorker", 6}, {"goexit", 7},           {"gogo", 8},
    {"gopanic", 9},         {"handleAsyncEvent", 10}, {"mcall", 11},        {"morestack", 12},
    {"mstart", 13},         {"panicwrap", 14},   {"rt0_go", 15},            {"runfinq", 16},
    {"main", 17},           {"sigpanic", 18},    {"systemstack", 19},       {"systemstack_switch", 20},
    // Hidden from tracebacks but otherwise ordinary.
    {"deferreturn", kFuncIdWrapper}, {"runOpenDeferFrame", kFuncIdWrapper},
    {"deferCallSave", kFuncIdWrapper},
};

// Go's GetFuncID, on the name with the package placeholder "" replaced by -p.
uint8_t func_id(const Unit& unit, const Symbol& fn) {
  if (fn.func->textflags & (textflag::kWrapper | textflag::kAbiWrapper)) return kFuncIdWrapper;
  constexpr std::string_view kRuntime = "runtime.";
  // Fast path: the usual "".name reads <pkgpath>.name, which starts "runtime." only when the
  // path is "runtime" or starts "runtime."; otherwise no name needs building.
  if (fn.name.starts_with("\"\".") && unit.pkgpath != "runtime" &&
      !std::string_view(unit.pkgpath).starts_with(kRuntime)) {
    return 0;
  }
  std::string name;
  size_t pos = 0;
  for (size_t hit; (hit = fn.name.find("\"\"", pos)) != std::string::npos; pos = hit + 2) {
    name.append(fn.name, pos, hit - pos).append(unit.pkgpath);
  }
  name.append(fn.name, pos, std::string::npos);
  if (!std::string_view(name).starts_with(kRuntime)) return 0;
  std::string_view rest = std::string_view(name).substr(kRuntime.size());
  for (const FuncIdRow& row : kRuntimeFuncIds) {
    if (row.name == rest) return row.id;
  }
  return 0;
}

// A symbol named after fn (fn.name + suffix, "fn.args_stackmap"), file-local if fn is
// (Go's LookupDerived). The name is put together in a stack buffer when it fits: no
// temporary string to allocate and free (Unit::lookup keeps its own copy of a new name).
Symbol* derived(Unit& unit, const Symbol* fn, std::string_view suffix) {
  char buf[256];
  const size_t n = fn->name.size() + suffix.size();
  if (n > sizeof buf) return unit.lookup(fn->name + std::string(suffix), fn->is_static);
  std::memcpy(buf, fn->name.data(), fn->name.size());
  std::memcpy(buf + fn->name.size(), suffix.data(), suffix.size());
  return unit.lookup(std::string_view(buf, n), fn->is_static);
}

// The zero-length argument and locals bitmaps shared by every FUNCDATA that names
// no_pointers_stackmap: []uint32{2, 0}, a content-addressed, read-only, dupok symbol.
// Go names it "gclocals·" + base64 of the first 16 bytes of the SHA-256 of the content.
Symbol* no_pointers_stackmap(Unit& unit) {
  Symbol* s = unit.lookup("gclocals\u00b7J5F+7Qw7O7ve2QcWC7DpeQ==");
  if (!s->on_list) {
    s->p = {2, 0, 0, 0, 0, 0, 0, 0};
    s->kind = SymKind::RoData;
    s->size = static_cast<int64_t>(s->p.size());
    s->dupok = true;
    s->defined = true;
    s->on_list = true;
    unit.data.push_back(s);
  }
  return s;
}

// A FUNCDATA of the source: a reference to the placeholder go_args_stackmap or
// no_pointers_stackmap becomes a reference to the real symbol, and the table it declares
// is noted for add_go_declaration_funcdata.
struct DeclaredFuncdata {
  bool argmap = false;   // FUNCDATA $0 (args pointer maps)
  bool arginfo = false;  // FUNCDATA $5 (arg info)
};
void resolve_funcdata(Unit& unit, Symbol* fn, Diag& diag, Prog* p, DeclaredFuncdata& declared) {
  const bool is_const = p->from.type == AddrType::Const;
  if (is_const) {
    declared.argmap |= p->from.offset == kFuncdataArgsPointerMaps;
    declared.arginfo |= p->from.offset == kFuncdataArgInfo;
  }
  if (p->to.sym == nullptr) return;
  if (p->to.sym->name == "go_args_stackmap") {
    if (!is_const || p->from.offset != kFuncdataArgsPointerMaps) {
      error_at(unit, diag, p, "FUNCDATA use of go_args_stackmap(SB) without FUNCDATA_ArgsPointerMaps");
    }
    p->to.sym = derived(unit, fn, ".args_stackmap");
  } else if (p->to.sym->name == "no_pointers_stackmap") {
    if (!is_const || p->from.offset != kFuncdataLocalsPointerMaps) {
      error_at(unit, diag, p, "FUNCDATA use of no_pointers_stackmap(SB) without FUNCDATA_LocalsPointerMaps");
    }
    p->to.sym = no_pointers_stackmap(unit);
  }
}

// Inserts "FUNCDATA $table, name(SB)" right after TEXT.
void insert_funcdata(Unit& unit, Prog* text, int64_t table, Symbol* sym) {
  Addr to;
  to.type = AddrType::Mem;
  to.name = AddrName::Extern;
  to.sym = sym;
  frame::emit(unit, text, Op::FUNCDATA, frame::const_operand(table), to);
}

// Go gives every ABI0 asm function of the package being assembled ("".name) a
// reference to the argument pointer map and the argument info the compiler emits
// from its Go declaration, unless the source declares them:
//	FUNCDATA	$5, "".name.arginfo0(SB)
//	FUNCDATA	$0, "".name.args_stackmap(SB)
void add_go_declaration_funcdata(Unit& unit, Symbol* fn, DeclaredFuncdata declared) {
  if (!fn->name.starts_with("\"\".") || fn->abi != Abi::Abi0) return;
  if (!declared.argmap) {
    insert_funcdata(unit, fn->func->text, kFuncdataArgsPointerMaps, derived(unit, fn, ".args_stackmap"));
  }
  if (!declared.arginfo) {
    insert_funcdata(unit, fn->func->text, kFuncdataArgInfo, derived(unit, fn, ".arginfo0"));
  }
}

// The source's FUNCDATA (resolve_funcdata), the FUNCDATA Go adds for a Go declaration,
// then Go's linkpatch: progedit every instruction, then point "JMP n(PC)"-style branches,
// which the parser leaves as an absolute instruction number (Prog::pc), at the first
// instruction carrying that number. One walk does the source's FUNCDATA and progedit
// (which leaves FUNCDATA alone, so the added ones need neither) and notes the facts
// preprocess needs (calls, the last instruction); N(PC) branches are rare, and only when
// the walk saw one is the list walked again to resolve them.
frame::BodyFacts linkpatch(Unit& unit, Symbol* fn, Diag& diag) {
  frame::BodyFacts body;
  Prog* text = fn->func->text;
  auto is_pc_branch = [](const Prog* p) {
    return p->to.type == AddrType::Branch && p->to.target == nullptr && p->to.sym == nullptr;
  };
  bool any_pc_branch = false;
  DeclaredFuncdata declared;
  for (Prog* p = text; p != nullptr; p = p->link) {
    if (p->as == Op::FUNCDATA) resolve_funcdata(unit, fn, diag, p, declared);
    if (frame::progedit_applies(p)) frame::progedit(unit, p);
    any_pc_branch |= is_pc_branch(p);
    body.has_call |= p->as == Op::CALL || p->as == Op::DUFFCOPY || p->as == Op::DUFFZERO;
    body.last = p;
  }
  // Added right after TEXT: the last instruction only changes when TEXT was the last.
  add_go_declaration_funcdata(unit, fn, declared);
  while (body.last->link != nullptr) body.last = body.last->link;
  if (!any_pc_branch) return body;
  std::unordered_map<int64_t, Prog*> by_pc;
  for (Prog* q = text; q != nullptr; q = q->link) by_pc.try_emplace(q->pc, q);
  for (Prog* p = text; p != nullptr; p = p->link) {
    if (!is_pc_branch(p)) continue;
    auto it = by_pc.find(p->to.offset);
    if (it == by_pc.end()) {
      char msg[64];
      std::snprintf(msg, sizeof msg, "branch out of range (%#x)", static_cast<uint32_t>(p->to.offset));
      error_at(unit, diag, p, msg);
      p->to.type = AddrType::None;
      continue;
    }
    p->to.target = it->second;
  }
  return body;
}

// Under -shared a TLS access takes two instructions (MOVQ TLS, R ; MOVQ (R)(TLS*n), R);
// preempting between them and resuming on another thread would use the wrong thread's
// TLS base, so the second one is marked async-unsafe (Go's MarkUnsafePoints, which Go
// runs as the encoder finishes; PCDATA has no bytes, so marking it here is the same):
//	MOVQ	TLS, R14
//	PCDATA	$0, $-2
//	MOVQ	(R14)(TLS*2), R14
//	PCDATA	$0, $-1          ; back to the value before the sequence
void mark_tls_unsafe_points(Unit& unit, Symbol* fn) {
  using frame::kPcdataUnsafePoint, frame::kUnsafePointUnsafe;
  auto uses_tls = [](const Prog* p) { return p->from.index == reg::TLS; };
  int64_t current = -1;  // the table's value at entry
  Prog* prev = fn->func->text;
  for (Prog* p = prev->link; p != nullptr; prev = p, p = p->link) {
    if (p->as == Op::PCDATA && p->from.offset == kPcdataUnsafePoint) {
      current = p->to.offset;
      continue;
    }
    if (current == kUnsafePointUnsafe || !uses_tls(p)) continue;
    frame::emit_pcdata(unit, prev, kPcdataUnsafePoint, kUnsafePointUnsafe);
    while (p->link != nullptr && uses_tls(p->link)) p = p->link;
    if (p->link == nullptr) break;
    p = frame::emit_pcdata(unit, p, kPcdataUnsafePoint, current);
  }
}

}  // namespace

void lower_function(Unit& unit, Symbol* fn, Diag& diag) {
  if (fn == nullptr || !fn->func || fn->func->text == nullptr) return;
  FuncInfo& fi = *fn->func;
  if (fi.textflags & textflag::kNoSplit) fn->nosplit = true;
  if (fi.textflags & textflag::kDupOk) fn->dupok = true;
  fi.funcid = func_id(unit, *fn);

  frame::BodyFacts body = linkpatch(unit, fn, diag);
  frame::preprocess(unit, fn, diag, body);
  if (unit.shared) mark_tls_unsafe_points(unit, fn);
}

}  // namespace gostack
