// Example program: calls the ABI0 functions of mathfuncs_amd64.s and prints their results.
#include <cstdint>
#include <cstdio>
#include <vector>

#include "gostack/abi0_call.h"

// -p example.com/demo makes ·add the linker symbol example.com/demo.add; a name holding a
// "/" must be quoted for the GNU assembler, hence the inner quotes.
GOSTACK_ABI0_EXTERN(go_add, "\"example.com/demo.add\"");
GOSTACK_ABI0_EXTERN(go_sum, "\"example.com/demo.sum\"");
GOSTACK_ABI0_EXTERN(go_scaled, "\"example.com/demo.scaled\"");

// A Go slice header: what `xs []int64` occupies in the argument frame.
struct GoSlice {
  const int64_t* base;
  int64_t len;
  int64_t cap;
};

int main() {
  using gostack::abi0::call;
  std::printf("add(2, 40) = %lld\n", (long long)call<int64_t>(go_add, int64_t{2}, int64_t{40}));
  std::vector<int64_t> xs;
  for (int64_t i = 1; i <= 100; ++i) xs.push_back(i);
  GoSlice s{xs.data(), (int64_t)xs.size(), (int64_t)xs.size()};
  std::printf("sum(1..100) = %lld\n", (long long)call<int64_t>(go_sum, s));
  std::printf("scaled(14) = %lld\n", (long long)call<int64_t>(go_scaled, int64_t{14}));
  return 0;
}
