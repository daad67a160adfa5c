// gostack_boot_asm: `gostack asm` alone (no runtime linked in), used during the build to
// assemble the runtime's own Go-syntax files before the full gostack binary can be linked.
#include <string>
#include <vector>

#include "driver/commands.h"

int main(int argc, char** argv) {
  return gostack::driver::run_asm(std::vector<std::string>(argv + 1, argv + argc));
}
