// The gostack subcommands the entry point dispatches to.
#pragma once

#include <string>
#include <vector>

#include "driver/flags.h"
#include "parse/parse.h"

namespace gostack::driver {

// `gostack asm [flags] file.s`: Go 1.19's `go tool asm` command line. Returns the exit status.
int run_asm(const std::vector<std::string>& args);
// Prints the asm usage text to stderr (the flag list included).
void print_asm_usage();
// The -D and -I flags (shared by asm and run).
void add_source_flags(FlagSet& fs, ParseOptions& p);
// gostack's own include directory (textflag.h, funcdata.h), searched after the -I dirs.
std::string builtin_include_dir();

// `gostack run [flags] prog.s...`: assembles in memory as package main and runs main·main
// as the first goroutine. Returns the exit status.
int run_run(const std::vector<std::string>& args);
void print_run_usage();

}  // namespace gostack::driver
