// gostack: the command-line entry point. Dispatches to the subcommands (asm, run).
#include <cstdio>
#include <string>
#include <vector>

#include "driver/commands.h"

#ifndef GOSTACK_VERSION
#define GOSTACK_VERSION "dev"
#endif

namespace {

void print_usage() {
  std::fprintf(stderr,
               "gostack: Go 1.19's amd64 assembler, reimplemented.\n"
               "\n"
               "Usage:\n"
               "\n"
               "\tgostack <command> [arguments]\n"
               "\n"
               "The commands are:\n"
               "\n"
               "\tasm         assemble a Go assembly file (the flags of `go tool asm`)\n"
               "\trun         assemble Go assembly in memory and run main·main on goroutines\n"
               "\thelp        print this help, or `gostack help asm` for the asm flags\n"
               "\tversion     print the gostack version\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_usage();
    return 2;
  }
  const std::string cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "asm") return gostack::driver::run_asm(rest);
  if (cmd == "run") return gostack::driver::run_run(rest);
  if (cmd == "version" || cmd == "-V" || cmd == "--version") {
    std::printf("gostack version %s (Go 1.19 amd64 assembler)\n", GOSTACK_VERSION);
    return 0;
  }
  if (cmd == "help" || cmd == "-h" || cmd == "-help" || cmd == "--help") {
    if (rest.size() == 1 && rest[0] == "run") {
      gostack::driver::print_run_usage();
      return 0;
    }
    if (rest.size() == 1 && rest[0] == "asm") {
      gostack::driver::print_asm_usage();
      return 0;
    }
    if (!rest.empty()) {
      std::fprintf(stderr, "gostack help %s: unknown help topic. Run 'gostack help'.\n",
                   rest[0].c_str());
      return 2;
    }
    print_usage();
    return 0;
  }
  std::fprintf(stderr, "gostack %s: unknown command\nRun 'gostack help' for usage.\n", cmd.c_str());
  return 2;
}
