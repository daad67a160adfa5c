// Runtime printing to stderr without allocation, and throw_fatal.
#include "runtime/print.h"

#include <unistd.h>

#include <cerrno>

namespace gostack::rt {

namespace {

void write_all(const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(2, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report a failing stderr
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace

void printstring(std::string_view s) { write_all(s.data(), s.size()); }

void printuint(uint64_t v) {
  char buf[20];
  int i = sizeof buf;
  do {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  write_all(buf + i, sizeof buf - i);
}

void printint(int64_t v) {
  if (v < 0) {
    printstring("-");
    printuint(0 - static_cast<uint64_t>(v));  // well defined for INT64_MIN
    return;
  }
  printuint(static_cast<uint64_t>(v));
}

void printhex(uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char buf[18];
  int i = sizeof buf;
  do {
    buf[--i] = kDigits[v & 15];
    v >>= 4;
  } while (v != 0);
  buf[--i] = 'x';
  buf[--i] = '0';
  write_all(buf + i, sizeof buf - i);
}

void printsp() { printstring(" "); }
void printnl() { printstring("\n"); }

namespace {
void (*throw_hook)() = nullptr;
}

void set_throw_hook(void (*hook)()) { throw_hook = hook; }

void throw_fatal(const char* msg) {
  printstring("fatal error: ");
  printstring(msg);
  printnl();
  if (throw_hook != nullptr) {
    void (*hook)() = throw_hook;
    throw_hook = nullptr;  // a throw inside the hook ends the process without recursing
    hook();
  }
  ::_exit(2);
}

}  // namespace gostack::rt
