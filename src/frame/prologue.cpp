// Frame layout and the inserted prologue/epilogue (Go 1.19's obj6.go preprocess, stacksplit
// and loadG for amd64, plus Go 1.16's g-in-CX prologue for -compat=go1.16).
#include <algorithm>
#include <array>
#include <string>

#include "encode/encode.h"
#include "frame/frame_internal.h"
#include "gostack/abi.h"

namespace gostack::frame {
namespace {

constexpr int32_t kPtrSize = 8;

// Go keeps the frame size and the SP delta in int32 and lets them wrap (a $2147483640
// frame plus the BP slot is printed as -2147483648); signed overflow is undefined in
// C++, so that arithmetic goes through uint32.
int32_t add32(int32_t a, int64_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
int32_t neg32(int32_t a) { return static_cast<int32_t>(0u - static_cast<uint32_t>(a)); }

// Calls that the leaf test ignores: runtime panics that take no stack arguments and
// check the stack themselves before using any (Go's isZeroArgRuntimeCall).
bool is_zero_arg_runtime_call(const Symbol* s) {
  if (s == nullptr) return false;
  std::string_view n = s->name;
  return n == "runtime.panicdivide" || n == "runtime.panicwrap" || n == "runtime.panicshift" ||
         n.starts_with("runtime.panicIndex") || n.starts_with("runtime.panicSlice");
}

// Everything the prologue builders need to know about the function.
struct Frame {
  Unit& unit;
  Symbol* fn;
  Diag& diag;
  Prog* text;
  Prog* last;             // the last instruction before the prologue builders append any
  int32_t autoffset = 0;  // bytes the prologue subtracts from SP (BP slot included)
  int32_t bpsize = 0;     // 8 if the caller's BP is saved at the top of the frame
  bool go116 = false;     // -compat=go1.16: g in CX, AX/SI/BX/DI temporaries

  int textflags() const { return fn->func->textflags; }
  bool wrapper() const { return (textflags() & textflag::kWrapper) != 0; }
  bool needctxt() const { return (textflags() & textflag::kNeedCtxt) != 0; }
  bool noframe() const { return (textflags() & textflag::kNoFrame) != 0; }
  bool cfunc() const { return fn->func->cfunc; }
  // g.stackguard0, or g.stackguard1 for functions that run on the system stack as C.
  int64_t stackguard_offset() const { return cfunc() ? abi::kGStackGuard1 : abi::kGStackGuard0; }
};

// Loads g for a function that needs it (Go 1.19's loadG):
//	MOVQ	(TLS), R14        ; -shared: MOVQ TLS, R14 ; MOVQ (R14)(TLS*2), R14
// An ABIInternal function already has g in R14 and gets nothing. Go 1.16 (g in CX):
//	MOVQ	(TLS), CX
// Returns the last instruction written; *g receives the register holding g.
Prog* load_g(Frame& f, Prog* p, RegNum* g) {
  if (!f.go116 && f.fn->abi == Abi::AbiInternal) {
    *g = kRegG;
    return p;
  }
  *g = f.go116 ? RegNum{reg::CX} : kRegG;
  Prog* load = emit(f.unit, p, Op::MOVQ, mem_operand(reg::TLS, 0), reg_operand(*g));
  Prog* next = load->link;
  progedit(f.unit, load);
  for (p = load; p->link != next; p = p->link) {
  }
  if (p->from.index == reg::TLS) p->from.scale = 2;
  return p;
}

// The compare of the Go 1.19 stack-split check, after g is loaded (R12 is REGENTRYTMP0,
// free at entry under the register ABI). Returns the last instruction; *jcs receives the
// underflow branch of the huge form, which also goes to morestack.
//   frame <= StackSmall:
//	CMPQ	SP, 16(R14)
//	PCDATA	$0, $-2
//   StackSmall < frame <= StackBig:
//	LEAQ	-(frame-StackSmall)(SP), R12
//	CMPQ	R12, 16(R14)
//	PCDATA	$0, $-2
//   frame > StackBig (SP-frame could wrap below zero):
//	MOVQ	SP, R12
//	PCDATA	$0, $-2
//	SUBQ	$(frame-StackSmall), R12
//	JCS	morestack
//	CMPQ	R12, 16(R14)
Prog* split_compare(Frame& f, Prog* p, RegNum g, Prog** jcs) {
  Unit& u = f.unit;
  const int64_t guard = f.stackguard_offset();
  const int32_t frame = f.autoffset;
  const RegNum tmp = reg::R12;
  if (frame <= abi::kStackSmall) {
    p = emit(u, p, Op::CMPQ, reg_operand(reg::SP), mem_operand(g, guard));
    return emit_pcdata(u, p, kPcdataUnsafePoint, kUnsafePointUnsafe);
  }
  if (frame <= abi::kStackBig) {
    p = emit(u, p, Op::LEAQ, mem_operand(reg::SP, -(frame - abi::kStackSmall)), reg_operand(tmp));
    p = emit(u, p, Op::CMPQ, reg_operand(tmp), mem_operand(g, guard));
    return emit_pcdata(u, p, kPcdataUnsafePoint, kUnsafePointUnsafe);
  }
  p = emit(u, p, Op::MOVQ, reg_operand(reg::SP), reg_operand(tmp));
  p = emit_pcdata(u, p, kPcdataUnsafePoint, kUnsafePointUnsafe);
  p = emit(u, p, Op::SUBQ, const_operand(frame - abi::kStackSmall), reg_operand(tmp));
  p = emit(u, p, Op::JCS, Addr{}, branch_to(nullptr));
  *jcs = p;
  return emit(u, p, Op::CMPQ, reg_operand(tmp), mem_operand(g, guard));
}

// The compare of the Go 1.16 stack-split check (g in CX, AX and SI as scratch; the
// huge form guards against preemption's poisoned stackguard instead of underflow).
//   frame <= StackSmall:
//	CMPQ	SP, 16(CX)
//	PCDATA	$0, $-2
//   StackSmall < frame <= StackBig:
//	LEAQ	-(frame-StackSmall)(SP), AX
//	CMPQ	AX, 16(CX)
//	PCDATA	$0, $-2
//   frame > StackBig:
//	MOVQ	16(CX), SI
//	PCDATA	$0, $-2
//	CMPQ	SI, $StackPreempt
//	JEQ	morestack
//	LEAQ	StackGuard(SP), AX
//	SUBQ	SI, AX
//	CMPQ	AX, $(frame+StackGuard-StackSmall)
Prog* split_compare_go116(Frame& f, Prog* p, RegNum g, Prog** jeq) {
  Unit& u = f.unit;
  const int64_t guard = f.stackguard_offset();
  const int32_t frame = f.autoffset;
  if (frame <= abi::kStackSmall) {
    p = emit(u, p, Op::CMPQ, reg_operand(reg::SP), mem_operand(g, guard));
    return emit_pcdata(u, p, kPcdataUnsafePoint, kUnsafePointUnsafe);
  }
  if (frame <= abi::kStackBig) {
    p = emit(u, p, Op::LEAQ, mem_operand(reg::SP, -(frame - abi::kStackSmall)), reg_operand(reg::AX));
    p = emit(u, p, Op::CMPQ, reg_operand(reg::AX), mem_operand(g, guard));
    return emit_pcdata(u, p, kPcdataUnsafePoint, kUnsafePointUnsafe);
  }
  p = emit(u, p, Op::MOVQ, mem_operand(g, guard), reg_operand(reg::SI));
  p = emit_pcdata(u, p, kPcdataUnsafePoint, kUnsafePointUnsafe);
  p = emit(u, p, Op::CMPQ, reg_operand(reg::SI), const_operand(static_cast<int64_t>(abi::kStackPreempt)));
  p = emit(u, p, Op::JEQ, Addr{}, branch_to(nullptr));
  *jeq = p;
  p = emit(u, p, Op::LEAQ, mem_operand(reg::SP, abi::kStackGuard), reg_operand(reg::AX));
  p = emit(u, p, Op::SUBQ, reg_operand(reg::SI), reg_operand(reg::AX));
  return emit(u, p, Op::CMPQ, reg_operand(reg::AX),
              const_operand(frame + (abi::kStackGuard - abi::kStackSmall)));
}

// Inserts the stack-split check after p (Go's stacksplit) and the call to morestack at
// the end of the function:
//	<load g>                 ; start
//	<compare, see split_compare>
//	JLS	morestack
//	PCDATA	$0, $-1
//	...                      ; frame set-up and body
// morestack:
//	NOP                      ; 0 bytes, SP adjust -frame: we are logically still at entry
//	PCDATA	$1, $-1
//	PCDATA	$0, $-2
//	CALL	runtime.morestack_noctxt(SB)   ; runtime.morestack if NEEDCTXT, morestackc if CFunc
//	PCDATA	$0, $-1
//	JMP	start                ; SP adjust +frame
// Returns the last prologue instruction; *g receives the register holding g.
Prog* stacksplit(Frame& f, Prog* p, RegNum* g) {
  Unit& u = f.unit;
  Prog* start_pred = p;
  p = load_g(f, p, g);

  Prog* early = nullptr;  // JCS (1.19 huge form) or JEQ (1.16 huge form)
  p = f.go116 ? split_compare_go116(f, p, *g, &early) : split_compare(f, p, *g, &early);
  Prog* jls = emit(u, p, Op::JLS, Addr{}, branch_to(nullptr));
  Prog* end = emit_pcdata(u, jls, kPcdataUnsafePoint, -1);

  Prog* spfix = appendp(u, f.last);
  spfix->as = Op::NOP;
  spfix->spadj = neg32(f.autoffset);
  Prog* stackmap = emit_pcdata(u, spfix, kPcdataStackMapIndex, -1);
  stackmap->pos = f.text->pos;
  Prog* unsafe = emit_pcdata(u, stackmap, kPcdataUnsafePoint, kUnsafePointUnsafe);

  const char* morestack = "runtime.morestack";
  if (f.cfunc()) {
    morestack = "runtime.morestackc";
  } else if (!f.needctxt()) {
    morestack = "runtime.morestack_noctxt";
  }
  Addr callee;
  callee.type = AddrType::Branch;
  callee.name = AddrName::Extern;
  callee.sym = u.lookup(morestack);
  Prog* call = emit(u, unsafe, Op::CALL, Addr{}, callee);
  call->pos = f.text->pos;
  Prog* restore = emit_pcdata(u, call, kPcdataUnsafePoint, -1);
  Prog* jmp = emit(u, restore, Op::JMP, Addr{}, branch_to(start_pred->link));
  jmp->spadj = f.autoffset;

  // Go 1.19 branches to the PCDATA before the call, Go 1.16 to the call: same pc.
  Prog* target = f.go116 ? call : unsafe;
  jls->to.target = target;
  if (early != nullptr) early->to.target = target;
  return end;
}

// The WRAPPER prologue, after the frame is set up: if a panic is unwinding through this
// wrapper with the caller's argp, point the panic at this frame so that recover() in
// the wrapped function works (Go's WRAPPER code). R12/R13 are REGENTRYTMP0/1 (1.16: BX/DI).
//	MOVQ	32(g), R12          ; g._panic
//	TESTQ	R12, R12
//	JNE	checkargp
// end:
//	NOP                      ; 0 bytes, a landing place
//	... body ...
// checkargp:                ; after the last instruction of the function
//	LEAQ	(frame+8)(SP), R13  ; the argp our caller passed
//	CMPQ	(R12), R13          ; _panic.argp
//	JNE	end
//	MOVQ	SP, (R12)
//	JMP	end
// Returns the NOP at end.
Prog* wrapper_prologue(Frame& f, Prog* p, RegNum g) {
  Unit& u = f.unit;
  const RegNum tmp0 = f.go116 ? reg::BX : reg::R12;
  const RegNum tmp1 = f.go116 ? reg::DI : reg::R13;
  p = emit(u, p, Op::MOVQ, mem_operand(g, abi::kGPanic), reg_operand(tmp0));
  p = emit(u, p, Op::TESTQ, reg_operand(tmp0), reg_operand(tmp0));
  Prog* jne = emit(u, p, Op::JNE, Addr{}, branch_to(nullptr));
  Prog* end = emit(u, jne, Op::NOP, Addr{}, Addr{});

  Prog* last = end;
  while (last->link != nullptr) last = last->link;
  p = emit(u, last, Op::LEAQ, mem_operand(reg::SP, int64_t{f.autoffset} + kPtrSize), reg_operand(tmp1));
  jne->to.target = p;
  p = emit(u, p, Op::CMPQ, mem_operand(tmp0, abi::kPanicArgp), reg_operand(tmp1));
  p = emit(u, p, Op::JNE, Addr{}, branch_to(end));
  p = emit(u, p, Op::MOVQ, reg_operand(reg::SP), mem_operand(tmp0, abi::kPanicArgp));
  emit(u, p, Op::JMP, Addr{}, branch_to(end));
  return end;
}

// Whether the function may skip the stack check: a small frame and no calls other
// than to the runtime panics above and the Duff's devices, which need 8 bytes less.
bool is_leaf(const Frame& f) {
  for (const Prog* q = f.text; q != nullptr; q = q->link) {
    if (q->as == Op::CALL && !is_zero_arg_runtime_call(q->to.sym)) return false;
    if ((q->as == Op::CALL || q->as == Op::DUFFCOPY || q->as == Op::DUFFZERO) &&
        f.autoffset >= abi::kStackSmall - 8) {
      return false;
    }
  }
  return true;
}

// Moves pseudo-SP/FP offsets onto the hardware SP and expands every RET into the
// epilogue. name-8(SP) is relative to the top of the locals, below the BP slot;
// name+0(FP) is the first argument, above the return address:
//	x-8(SP)   ->  x+(frame-8-8+sp_delta)(SP)
//	a+0(FP)   ->  a+(frame+8+sp_delta)(FP)      (the encoder addresses both off SP)
// where sp_delta counts the PUSHes/POPs/ADJSPs before the instruction. Each RET becomes
//	MOVQ	(frame-8)(SP), BP   ; only with a BP slot
//	ADJSP	$-frame             ; only with a frame
//	RET                         ; JMP if it names a symbol (tail call)
// Every ADJSP (the prologue's, the epilogues', the source's) is lowered on the way, as
// the encoder would lower it: Go does that as the encoder starts, and nothing between
// here and there looks at ADJSP.
// What adjust_sp does with each op: most leave SP alone unless they write it as a register
// (kSpOther); a PUSH or POP moves it by its (even) size, negative for POP; ADJSP by its
// operand; RET ends the body. One table load per instruction instead of a switch's compares.
constexpr int8_t kSpOther = 0, kSpAdjsp = 1, kSpRet = 3;
constexpr auto kSpEffect = [] {
  std::array<int8_t, kNumOps> t{};
  auto set = [&](std::initializer_list<Op> ops, int8_t v) {
    for (Op op : ops) t[static_cast<size_t>(op)] = v;
  };
  set({Op::PUSHL, Op::PUSHFL}, 4);
  set({Op::PUSHQ, Op::PUSHFQ}, 8);
  set({Op::PUSHW, Op::PUSHFW}, 2);
  set({Op::POPL, Op::POPFL}, -4);
  set({Op::POPQ, Op::POPFQ}, -8);
  set({Op::POPW, Op::POPFW}, -2);
  set({Op::ADJSP}, kSpAdjsp);
  set({Op::RET}, kSpRet);
  return t;
}();
// The two markers are odd, so no PUSH or POP size (all even) can be taken for them.
static_assert(kSpAdjsp % 2 != 0 && kSpRet % 2 != 0);

void adjust_sp(Frame& f) {
  Unit& u = f.unit;
  int32_t deltasp = 0;
  auto rebase = [&](Addr& a) {
    if (a.name == AddrName::Auto) {
      a.offset += int64_t{deltasp} - f.bpsize;
    } else if (a.name == AddrName::Param) {
      a.offset += int64_t{deltasp} + kPtrSize;
    }
  };
  for (Prog* p = f.text; p != nullptr; p = p->link) {
    rebase(p->from);
    if (!p->rest.empty()) rebase(p->rest.front().addr);
    rebase(p->to);

    const int8_t effect = kSpEffect[static_cast<size_t>(p->as)];
    if (effect == kSpOther) {
      if (p->to.type == AddrType::Reg && p->to.reg == reg::SP && p->as != Op::CMPL && p->as != Op::CMPQ) {
        f.fn->func->spwrite = true;
      }
      continue;
    }
    int32_t push = effect;
    if (effect == kSpAdjsp) {
      push = static_cast<int32_t>(p->from.offset);
      gostack::lower_adjsp(p);
    }
    if (effect != kSpRet) {
      deltasp = add32(deltasp, push);
      p->spadj = push;
      continue;
    }

    if (deltasp != f.autoffset) error_at(u, f.diag, p, f.fn->name + ": unbalanced PUSH/POP");
    if (f.autoffset != 0) {
      Addr to = p->to;
      if (f.bpsize > 0) {
        p->as = Op::MOVQ;
        p->from = mem_operand(reg::SP, int64_t{f.autoffset} - f.bpsize);
        p->from.scale = 1;
        p->to = reg_operand(reg::BP);
        p = appendp(u, p);
      }
      p->as = Op::ADJSP;
      p->from = const_operand(neg32(f.autoffset));
      p->to = Addr{};
      p->spadj = neg32(f.autoffset);
      gostack::lower_adjsp(p);
      p = appendp(u, p);
      p->as = Op::RET;
      p->to = to;
      // Code after the RET is reached by a branch from inside the frame.
      p->spadj = f.autoffset;
    }
    if (p->to.sym != nullptr) p->as = Op::JMP;
  }
}

}  // namespace

void preprocess(Unit& unit, Symbol* fn, Diag& diag, const BodyFacts& body) {
  FuncInfo& fi = *fn->func;
  Prog* text = fi.text;
  if (text == nullptr || text->link == nullptr) {
    // Go never lays out a function with no instructions: its args and locals stay 0.
    fi.args = 0;
    fi.locals = 0;
    return;
  }
  Frame f{unit, fn, diag, text, body.last};
  f.go116 = unit.compat_go116;
  f.autoffset = std::max<int32_t>(static_cast<int32_t>(text->to.offset), 0);

  const bool has_call = body.has_call;
  // The caller's BP is saved at the top of the frame, except: with NOFRAME (tail-calling
  // code), in frameless NOSPLIT functions (runtime internals), and in frameless leaves.
  if (!f.noframe() && !(f.autoffset == 0 && fn->nosplit) && !(f.autoffset == 0 && !has_call)) {
    f.bpsize = kPtrSize;
    f.autoffset = add32(f.autoffset, kPtrSize);
    text->to.offset += kPtrSize;
  }
  fi.args = text->to.argsize_set ? text->to.argsize : kArgsSizeUnknown;
  fi.locals = static_cast<int32_t>(text->to.offset);

  if (f.autoffset < abi::kStackSmall && !fn->nosplit && is_leaf(f)) fn->nosplit = true;

  Prog* p = text;
  RegNum g = reg::NONE;
  if (!fn->nosplit) {
    p = stacksplit(f, p, &g);
  } else if (f.wrapper()) {
    p = load_g(f, p, &g);
  }

  if (f.autoffset != 0) {
    if (f.autoffset % kPtrSize != 0) {
      error_at(unit, diag, text, "unaligned stack size " + std::to_string(f.autoffset));
    }
    p = emit(unit, p, Op::ADJSP, const_operand(f.autoffset), Addr{});
    p->spadj = f.autoffset;
  }
  if (f.bpsize > 0) {
    // MOVQ BP, (frame-8)(SP) ; LEAQ (frame-8)(SP), BP
    Addr slot = mem_operand(reg::SP, int64_t{f.autoffset} - f.bpsize);
    slot.scale = 1;
    p = emit(unit, p, Op::MOVQ, reg_operand(reg::BP), slot);
    p = emit(unit, p, Op::LEAQ, slot, reg_operand(reg::BP));
  }
  if (f.wrapper()) wrapper_prologue(f, p, g);

  adjust_sp(f);
}

}  // namespace gostack::frame
