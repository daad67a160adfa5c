// Fatal signals raised by goroutine code (after Go's signal_unix.go): a fault, a division
// error, a trap or an illegal instruction in assembled code is reported as Go reports it, with
// a traceback of the goroutine, and ends the process with exit status 2.
#pragma once

namespace gostack::rt {

// Installs the handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGTRAP, once per process.
// A signal that does not come from a running goroutine (host code, the runtime's own C++ on
// g0, threads the runtime does not know) is passed to the handler installed before, or to
// the default action.
void initsig();

// Gives the calling thread an alternate signal stack, once per thread, so a fault on a
// goroutine stack that has run out can still be reported. Every M calls it when it starts.
void minit_signals();

}  // namespace gostack::rt
