// Channels between C++ threads and goroutines through the C++ API (CI builds and runs it):
// an assembled goroutine doubles every value it receives; a plain C++ thread feeds it, the
// thread that started the runtime collects the results (running goroutines while it waits),
// then the per-P statistics are printed. Checks the sum, then non-blocking sends and receives
// (try_send/try_recv), len and cap.
#include <cstdint>
#include <cstdio>
#include <thread>

#include "gostack/runtime.h"
#include "object/image.h"

static const char kSource[] = R"(
#include "textflag.h"
// func doubler(in, out unsafe.Pointer): for v := <-in; v >= 0; v = <-in { out <- 2*v }
TEXT ·doubler(SB), $24-16
loop:
	MOVQ in+0(FP), AX
	MOVQ AX, 0(SP)
	LEAQ v-8(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chanrecv1(SB)
	MOVQ v-8(SP), AX
	CMPQ AX, $0
	JLT done
	SHLQ $1, v-8(SP)
	MOVQ out+8(FP), AX
	MOVQ AX, 0(SP)
	LEAQ v-8(SP), AX
	MOVQ AX, 8(SP)
	CALL runtime·chansend1(SB)
	JMP loop
done:
	RET
)";

int main() {
  gostack::runtime::Options ro;
  ro.maxprocs = 2;
  ro.deadlock_check = false;  // the feeder thread, unknown to the runtime, wakes goroutines
  gostack::runtime::start(ro);
  gostack::AsmOptions opts;
  opts.pkgpath = "main";
  opts.parse.builtin_include_dir = GOSTACK_INCLUDE_DIR;
  gostack::Diag diag(stderr);
  auto image = gostack::assemble_image("doubler.s", kSource, opts, gostack::runtime::resolve_symbol, diag);
  if (!image) return 1;

  constexpr int64_t kN = 10000;
  gostack::runtime::Chan<int64_t> in(16), out;  // buffered, unbuffered
  auto g = gostack::runtime::go<void>(image->address("main.doubler"), in.handle(), out.handle());
  std::thread feeder([&] {
    for (int64_t i = 1; i <= kN; i++) in.send(i);
    in.send(-1);
  });
  int64_t sum = 0;
  for (int64_t i = 0; i < kN; i++) sum += out.recv();
  g.wait();
  feeder.join();
  in.close();
  int64_t after_close = 7;
  bool ok = in.recv(after_close);  // closed and drained: false and a zero value

  // Non-blocking operations on a buffered channel of 2: the third send finds it full, the
  // third receive finds it empty; after close a receive is selected with nothing received.
  gostack::runtime::Chan<int64_t> nb(2);
  int64_t v1 = 0, v2 = 0, v3 = 9;
  bool got = false;
  bool nb_ok = nb.try_send(11) && nb.try_send(22) && !nb.try_send(33) && nb.len() == 2 && nb.cap() == 2 &&
               nb.try_recv(v1) && nb.try_recv(v2) && !nb.try_recv(v3) && v1 == 11 && v2 == 22 && v3 == 9 &&
               nb.len() == 0;
  nb.close();
  nb_ok = nb_ok && nb.try_recv(v3, &got) && !got && v3 == 0;
  std::printf("non-blocking operations: %s\n", nb_ok ? "ok" : "WRONG");

  std::printf("sum = %lld (want %lld)\n", static_cast<long long>(sum), static_cast<long long>(kN * (kN + 1)));
  for (const auto& p : gostack::runtime::p_stats())
    std::printf("P%d: runs=%llu steals=%llu parks=%llu\n", p.id, static_cast<unsigned long long>(p.runs),
                static_cast<unsigned long long>(p.steals), static_cast<unsigned long long>(p.parks));
  return sum == kN * (kN + 1) && !ok && after_close == 0 && nb_ok && gostack::runtime::p_stats().size() == 2 ? 0 : 1;
}
