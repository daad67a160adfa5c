// Calling Go ABI0 assembly functions from C++ on an ordinary thread stack (header-only).
//
// Go's ABI0 passes everything in memory: at the callee's entry 0(SP) is the return address
// and its argument frame starts at 8(SP) -- arguments in order, each at its own alignment,
// then the results starting at the next multiple of 8 (Go's a+0(FP), ..., ret+N(FP)).
// Every register except SP (and BP, which Go's frame convention preserves) may be
// clobbered. gostack::abi0::call builds that frame, calls through a small trampoline
// that saves the System V callee-saved registers, and returns the results:
//
//   // add.s (gostack asm -p main):  TEXT ·add(SB),NOSPLIT,$0-24 ... MOVQ AX, ret+16(FP); RET
//   GOSTACK_ABI0_EXTERN(go_add, "main.add");
//   int64_t r = gostack::abi0::call<int64_t>(go_add, int64_t{2}, int64_t{40});  // 42
//   auto [q, rem] = gostack::abi0::call<std::tuple<int64_t, int64_t>>(go_divmod, a, b);
//
// Only for NOSPLIT functions (and calls they make to NOSPLIT functions): the thread
// stack has no goroutine, so a stack-split prologue would read a g that does not exist.
// Arguments and results must be trivially copyable types whose C++ layout matches Go's
// (integers, floats, pointers, bool, structs of those). The C++ argument types define the
// frame: pass int64_t{2} for a Go int, not the int literal 2 (which would take 4 bytes).
#pragma once

#include <array>
#include <cstddef>
#include <cstring>
#include <tuple>
#include <type_traits>

// Declares `cname` as the C++ handle of the ABI0 function the linker knows as `goname`
// (e.g. "main.add"); take its address only, never call it directly.
#define GOSTACK_ABI0_EXTERN(cname, goname) extern "C" void cname() __asm__(goname)

// The trampoline: copies frame_size bytes from `frame` to the bottom of a fresh stack
// area, calls `fn`, and copies the (possibly updated) area back to `frame`.
extern "C" void gostack_abi0_call(const void* fn, void* frame, std::size_t frame_size);

// Defined in every translation unit that includes this header, in a COMDAT group so the
// linker keeps one copy. %rbp anchors our saved state across the callee (ABI0 code may
// clobber every other register); the frame area is 16-byte aligned at the call.
__asm__(R"(
  .pushsection .text.gostack_abi0_call,"axG",@progbits,gostack_abi0_call,comdat
  .weak gostack_abi0_call
  .type gostack_abi0_call,@function
  .p2align 4
gostack_abi0_call:
  .cfi_startproc
  pushq %rbp
  .cfi_def_cfa_offset 16
  .cfi_offset %rbp, -16
  movq %rsp, %rbp
  .cfi_def_cfa_register %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  pushq %rsi            # -48(%rbp): caller's frame buffer
  pushq %rdx            # -56(%rbp): its size
  leaq 15(%rdx), %rax
  andq $-16, %rax
  subq %rax, %rsp
  andq $-16, %rsp
  movq %rdi, %rax       # fn
  movq %rsp, %rdi
  movq %rdx, %rcx
  cld
  rep movsb             # frame -> 0(%rsp), which the callee sees as 8(SP)
  call *%rax
  movq -48(%rbp), %rdi
  movq -56(%rbp), %rcx
  movq %rsp, %rsi
  cld
  rep movsb             # results (and any argument updates) back to the caller
  leaq -40(%rbp), %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  .cfi_def_cfa %rsp, 8
  ret
  .cfi_endproc
  .size gostack_abi0_call, .-gostack_abi0_call
  .popsection
)");

namespace gostack::abi0 {
namespace detail {

constexpr std::size_t align_up(std::size_t n, std::size_t a) { return (n + a - 1) / a * a; }

template <class R>
struct Results {
  using type = std::tuple<R>;
};
template <>
struct Results<void> {
  using type = std::tuple<>;
};
template <class... R>
struct Results<std::tuple<R...>> {
  using type = std::tuple<R...>;
};

// Offsets of the arguments A... and results R... in Go's ABI0 frame, and its size.
template <class ArgTuple, class ResTuple>
struct Frame;
template <class... A, class... R>
struct Frame<std::tuple<A...>, std::tuple<R...>> {
  static constexpr std::size_t kSizes[] = {sizeof(A)..., sizeof(R)..., 0};
  static constexpr std::size_t kAligns[] = {alignof(A)..., alignof(R)..., 1};
  struct Layout {
    std::array<std::size_t, sizeof...(A) + sizeof...(R) + 1> off{};
    std::size_t size = 0;
  };
  static constexpr Layout compute() {
    Layout l;
    std::size_t at = 0;
    for (std::size_t i = 0; i < sizeof...(A) + sizeof...(R); ++i) {
      if (i == sizeof...(A)) at = align_up(at, 8);  // results start pointer-aligned
      at = align_up(at, kAligns[i]);
      l.off[i] = at;
      at += kSizes[i];
    }
    l.size = align_up(at, 8);
    return l;
  }
  static constexpr Layout kLayout = compute();
};

template <class T>
constexpr bool kFrameType = std::is_trivially_copyable_v<T> && !std::is_reference_v<T>;

}  // namespace detail

// Size in bytes of the ABI0 argument frame for arguments A... and results R (void, one
// type, or std::tuple of several) -- the number after the dash in `$0-24`.
template <class R, class... A>
constexpr std::size_t frame_size() {
  return detail::Frame<std::tuple<A...>, typename detail::Results<R>::type>::kLayout.size;
}

// Calls the ABI0 function at `fn` with `args`; returns its result(s) as R: void, one
// type, or std::tuple<...> for several results in declaration order.
template <class R = void, class... A>
R call(const void* fn, A... args) {
  using Res = typename detail::Results<R>::type;
  using F = detail::Frame<std::tuple<A...>, Res>;
  static_assert((detail::kFrameType<A> && ...), "ABI0 arguments must be trivially copyable");
  constexpr auto layout = F::kLayout;
  alignas(16) unsigned char frame[layout.size == 0 ? 16 : layout.size] = {};
  {
    std::size_t i = 0;
    ((std::memcpy(frame + layout.off[i++], &args, sizeof(A))), ...);
  }
  gostack_abi0_call(fn, frame, layout.size);
  if constexpr (std::is_void_v<R>) {
    return;
  } else {
    Res results{};
    std::apply(
        [&](auto&... out) {
          std::size_t i = sizeof...(A);
          ((std::memcpy(&out, frame + layout.off[i++], sizeof(out))), ...);
        },
        results);
    if constexpr (std::tuple_size_v<Res> == 1 && !std::is_same_v<R, Res>) {
      return std::get<0>(results);
    } else {
      return results;
    }
  }
}

// Same, for a function declared with GOSTACK_ABI0_EXTERN.
template <class R = void, class... A>
R call(void (*fn)(), A... args) {
  return call<R>(reinterpret_cast<const void*>(fn), args...);
}

}  // namespace gostack::abi0
