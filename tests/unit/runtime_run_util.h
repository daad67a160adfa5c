// `gostack run` for the runtime tests: output (stdout and stderr together), exit status, and
// the -stats lines parsed into a map.
#pragma once

#include <cstdint>
#include <map>
#include <sstream>
#include <string>

#include "run_command.h"

namespace gostack::rt::testing {

using gostack::testing::RunResult;

// Runs `gostack run <flags> <files>`: the first file is relative to examples/, further ones
// (space-separated) must be absolute paths.
inline RunResult gostack_run(const std::string& flags, const std::string& example) {
  return gostack::testing::run_command(std::string(GOSTACK_BINARY) + " run " + flags + " " +
                                       GOSTACK_SOURCE_DIR + "/examples/" + example + " 2>&1");
}

// Runs tests/data/sched/<prog> after the scheduler tests' shared helpers (chan_lib.s).
inline RunResult sched_run(const std::string& flags, const std::string& prog) {
  return gostack_run(flags, "../tests/data/sched/chan_lib.s " GOSTACK_SOURCE_DIR "/tests/data/sched/" + prog);
}

inline std::map<std::string, uint64_t> stats_of(const std::string& out) {
  std::map<std::string, uint64_t> m;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(": ");
    if (colon == std::string::npos || line.find(' ') < colon) continue;
    std::string v = line.substr(colon + 2);
    if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) m[line.substr(0, colon)] = std::stoull(v);
  }
  return m;
}

}  // namespace gostack::rt::testing
