// The numbers the assembler's inserted prologue and the runtime must agree on.
// Both sides include this header; the runtime static_asserts its G layout against it.
#pragma once

#include <cstdint>

namespace gostack::abi {

// Stack-split constants (Go's objabi/stack.go and runtime/stack.go, linux/amd64).
inline constexpr int64_t kStackSmall = 128;   // frames this small compare SP directly
inline constexpr int64_t kStackBig = 4096;    // frames above this need the underflow-safe check
inline constexpr int64_t kStackSystem = 0;    // extra space per stack for the OS (0 on Linux)
inline constexpr int64_t kStackNosplitBase = 800;  // Go 1.19: StackLimit = StackGuard - StackSystem - StackSmall
inline constexpr int64_t kStackGuard = 928;   // stack.lo + kStackGuard = stackguard0
inline constexpr int64_t kStackLimit = kStackGuard - kStackSystem - kStackSmall;  // NOSPLIT chain budget
inline constexpr int64_t kStackMin = 2048;    // a goroutine's first stack (_StackMin / _FixedStack)
inline constexpr uint64_t kStackPreempt = 0xfffffffffffffade;  // poisoned stackguard0: preempt request

static_assert(kStackLimit == 800, "Go 1.19 StackLimit on linux/amd64");
static_assert(kStackNosplitBase == kStackLimit);

// Offsets of the G fields the inserted prologue reads (Go's runtime.g).
inline constexpr int kGStackLo = 0;
inline constexpr int kGStackHi = 8;
inline constexpr int kGStackGuard0 = 16;
inline constexpr int kGStackGuard1 = 24;
inline constexpr int kGPanic = 32;

// Layout of a runtime._panic the WRAPPER prologue inspects: argp is its first word.
inline constexpr int kPanicArgp = 0;

// Layout of runtime.gobuf (a saved goroutine context; Go's order): the runtime's
// Go-syntax assembly (gogo, mcall, morestack) reads and writes these slots.
inline constexpr int kGobufSp = 0;
inline constexpr int kGobufPc = 8;
inline constexpr int kGobufG = 16;
inline constexpr int kGobufCtxt = 24;
inline constexpr int kGobufRet = 32;
inline constexpr int kGobufLr = 40;
inline constexpr int kGobufBp = 48;
inline constexpr int kGobufSize = 56;

// Further G fields the runtime's assembly touches (same offsets as Go 1.19's g).
inline constexpr int kGDefer = 40;
inline constexpr int kGM = 48;
inline constexpr int kGSched = 56;  // a gobuf

// Offsets inside the runtime's M (morestack saves the caller's context in m.morebuf).
inline constexpr int kMG0 = 0;
inline constexpr int kMMorebuf = 8;  // a gobuf
inline constexpr int kMCurg = 64;
inline constexpr int kMP = 72;

}  // namespace gostack::abi
