// The gostack subcommands the entry point dispatches to.
#pragma once

#include <string>
#include <vector>

namespace gostack::driver {

// `gostack asm [flags] file.s`: Go 1.19's `go tool asm` command line. Returns the exit status.
int run_asm(const std::vector<std::string>& args);
// Prints the asm usage text to stderr (the flag list included).
void print_asm_usage();

}  // namespace gostack::driver
