// Runtime printing to stderr without allocation (Go's print builtins) and throw_fatal (Go's throw).
#pragma once

#include <cstdint>
#include <string_view>

namespace gostack::rt {

// Each call writes straight to fd 2 with write(2); nothing is buffered or allocated, so these
// are safe on any stack and while runtime locks are held.
void printstring(std::string_view s);
void printint(int64_t v);
void printuint(uint64_t v);
void printhex(uint64_t v);  // "0x" followed by lower-case hex digits, as Go prints hex(v)
void printsp();
void printnl();

// Go's throw: prints "fatal error: <msg>" on stderr and ends the process with exit status 2,
// without running atexit handlers or destructors. Used for broken runtime invariants.
[[noreturn]] void throw_fatal(const char* msg);

// Installs the function throw_fatal calls after its message and before exiting: the
// scheduler's goroutine traceback.
void set_throw_hook(void (*hook)());

}  // namespace gostack::rt
