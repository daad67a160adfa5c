// gostack: the command-line entry point (subcommands: asm).
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  std::fprintf(stderr, "usage: gostack asm [flags] file.s\n");
  return 2;
}
