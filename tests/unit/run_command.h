// Runs a shell command for the end-to-end tests and captures its exit and output.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace gostack::testing {

struct RunResult {
  int status = -1;  // exit status, -1 when killed by a signal
  int signal = 0;   // the signal that killed it, 0 if it exited
  std::string out;  // what the command wrote (append 2>&1 to capture stderr too)
};

inline RunResult run_command(const std::string& cmd) {
  RunResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  if (WIFEXITED(st)) r.status = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) r.signal = WTERMSIG(st);
  return r;
}

}  // namespace gostack::testing
