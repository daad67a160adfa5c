// The runtime's C++ API end to end (shown in the README; CI builds and runs it): assemble Go
// assembly in memory, run a function as a goroutine with arguments, read its results and the
// statistics. sum(n) recurses n deep with 512-byte frames, so its stack grows by copying.
#include <cstdint>
#include <cstdio>

#include "gostack/runtime.h"
#include "object/image.h"

static const char kSource[] = R"(
#include "textflag.h"
// func sum(n int) (total, depth int): 1+2+...+n, recursively.
TEXT ·sum(SB), $512-24
	MOVQ n+0(FP), AX
	CMPQ AX, $0
	JNE more
	MOVQ $0, total+8(FP)
	MOVQ $0, depth+16(FP)
	RET
more:
	DECQ AX
	MOVQ AX, 0(SP)
	CALL ·sum(SB)
	MOVQ n+0(FP), AX
	ADDQ 8(SP), AX
	MOVQ AX, total+8(FP)
	MOVQ 16(SP), AX
	INCQ AX
	MOVQ AX, depth+16(FP)
	RET
)";

int main() {
  gostack::runtime::start();
  gostack::AsmOptions opts;
  opts.pkgpath = "main";
  opts.parse.builtin_include_dir = GOSTACK_INCLUDE_DIR;  // textflag.h
  gostack::Diag diag(stderr);
  auto image = gostack::assemble_image("sum.s", kSource, opts, gostack::runtime::resolve_symbol, diag);
  if (!image) return 1;

  using Results = std::tuple<int64_t, int64_t>;
  auto g1 = gostack::runtime::go<Results>(image->address("main.sum"), int64_t{100000});
  auto g2 = gostack::runtime::go<Results>(image->address("main.sum"), int64_t{10});
  auto [total, depth] = g1.wait();
  auto [small, small_depth] = g2.wait();
  std::printf("sum(100000) = %lld at depth %lld; sum(10) = %lld\n", static_cast<long long>(total),
              static_cast<long long>(depth), static_cast<long long>(small));

  gostack::runtime::Stats st = gostack::runtime::stats();
  std::printf("goroutines_created=%llu stack_grows=%llu stack_peak_bytes=%llu\n",
              static_cast<unsigned long long>(st.goroutines_created),
              static_cast<unsigned long long>(st.stack_grows),
              static_cast<unsigned long long>(st.stack_peak_bytes));
  return total == 5000050000 && depth == 100000 && small == 55 && small_depth == 10 ? 0 : 1;
}
