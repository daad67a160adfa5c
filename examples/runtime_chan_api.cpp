// Channels between C++ threads and goroutines through the C++ API (CI builds and runs it):
// an assembled goroutine doubles every value it receives; a plain C++ thread feeds it, the
// thread that started the runtime collects the results (running goroutines while it waits),
// then the per-P statistics are printed. Checks the sum, then non-blocking sends and receives
// (try_send/try_recv), len and cap, then select (Go's select statement for threads): m0 and
// a plain thread each wait on a goroutine's channel and a thread's channel at once.
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

  // select: m0 takes 100 doubled values from a goroutine and 100 values from a thread as they
  // come; a second thread does the same with its own goroutine, then tells m0 its sums through
  // a send case. Then: nothing ready without blocking (-1), a closed channel beside a case
  // turned off (no channel) gives ok == false.
  using gostack::runtime::SelectCase;
  using gostack::runtime::select;
  auto collect = [&](gostack::runtime::Chan<int64_t>& fromg, gostack::runtime::Chan<int64_t>& fromt) {
    int64_t sums[2] = {0, 0}, v = 0;
    for (int n = 0; n < 200; n++) {
      int i = select({fromg.recv_case(v), fromt.recv_case(v)});
      sums[i] += v;
    }
    return sums[0] * 1000000 + sums[1];  // 10100 doubled values, 5050 from the thread
  };
  auto feed = [](gostack::runtime::Chan<int64_t>& gin, gostack::runtime::Chan<int64_t>& t) {
    return std::thread([&gin, &t] {
      for (int64_t i = 1; i <= 100; i++) {
        t.send(i);
        gin.send(i);
      }
      gin.send(-1);
    });
  };
  gostack::runtime::Chan<int64_t> gin1(4), gout1, t1, gin2(4), gout2, t2, report;
  auto g1 = gostack::runtime::go<void>(image->address("main.doubler"), gin1.handle(), gout1.handle());
  auto g2 = gostack::runtime::go<void>(image->address("main.doubler"), gin2.handle(), gout2.handle());
  std::thread f1 = feed(gin1, t1), f2 = feed(gin2, t2);
  std::thread other([&] {
    int64_t r = collect(gout2, t2);
    select({SelectCase{}, report.send_case(r)});
  });
  int64_t mine = collect(gout1, t1), theirs = report.recv();
  g1.wait();
  g2.wait();
  f1.join();
  f2.join();
  other.join();
  int64_t v = 5;
  bool closed_ok = true;
  bool sel_ok = mine == 10100005050 && theirs == 10100005050 && select({t1.recv_case(v)}, false) == -1;
  t1.close();
  sel_ok = sel_ok && select({SelectCase{}, t1.recv_case(v, &closed_ok)}) == 1 && !closed_ok && v == 0;
  std::printf("select: %s\n", sel_ok ? "ok" : "WRONG");

  std::printf("sum = %lld (want %lld)\n", static_cast<long long>(sum), static_cast<long long>(kN * (kN + 1)));
  for (const auto& p : gostack::runtime::p_stats())
    std::printf("P%d: runs=%llu steals=%llu parks=%llu\n", p.id, static_cast<unsigned long long>(p.runs),
                static_cast<unsigned long long>(p.steals), static_cast<unsigned long long>(p.parks));
  return sum == kN * (kN + 1) && !ok && after_close == 0 && nb_ok && sel_ok && gostack::runtime::p_stats().size() == 2 ? 0 : 1;
}
