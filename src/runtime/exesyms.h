// Names of C++ functions for the fatal-error "runtime stack:" section: the running
// executable's own ELF symbol table (.symtab), read from /proc/self/exe on first use.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gostack::rt {

// The function of the main executable containing pc: its name (demangled, without the
// parameter list, into buf) and its start address. False when the executable has no symbol
// table (stripped) or no function symbol covers pc.
bool exe_function_at(uintptr_t pc, char* buf, size_t bufsize, uintptr_t* start);

}  // namespace gostack::rt
