// Go's linker-time NOSPLIT check: every chain of calls through functions without a
// stack-split check must fit in StackLimit (include/gostack/abi.h) minus the return
// address the chain's first call pushes. Works on any set of function tables.
#pragma once

#include <string>
#include <vector>

#include "functab/functab.h"

namespace gostack::functab {

struct NosplitViolation {
  const FuncEntry* root = nullptr;  // the function at the top of the over-limit chains
  // Go 1.19's report (cmd/link stackcheck.go), one line each, e.g.
  //   main.a<0>
  //       grows 8 bytes, calls main.b<0>
  //           grows 792 bytes
  //           8 bytes over limit
  std::vector<std::string> lines;
};

// The byte budget of a chain: StackLimit minus the 8-byte return address of the call that
// entered it (Go's limit, 792 on linux/amd64).
int nosplit_limit();

// Checks every function of `tables` (calls resolve by linker name across all of them;
// functions in none of them count as external, running on the system stack, as in Go).
// Returns one violation per root of the over-limit call graph, highest stack first.
std::vector<NosplitViolation> check_nosplit(const std::vector<const FuncTable*>& tables);

// Reports each violation as "file:line: <name>: nosplit stack overflow" (the TEXT line of
// the root, file names from `table`) followed by the chain, indented. Returns the count.
int report_nosplit(const FuncTable& table, const std::vector<NosplitViolation>& v, Diag& diag);

// The assembly-time check of one unit, given its table (functab::build): checks it alone
// (calls leaving the unit count as external) and reports violations at the roots' TEXT
// lines. Returns false if any was reported.
bool check_nosplit(const FuncTable& unit_table, Diag& diag);

}  // namespace gostack::functab
