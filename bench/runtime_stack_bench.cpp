// Google Benchmark of the stack allocator's hot paths: 2 KiB stacks through the P cache, and G reuse.
#include <benchmark/benchmark.h>

#include <vector>

#include "runtime/proc.h"
#include "runtime/stack.h"

namespace {

using namespace gostack::rt;

// One alloc/free pair: always served by the P's cache (no locks, no refills after warm-up).
void BM_StackAllocFree2K(benchmark::State& state) {
  for (auto _ : state) {
    Stack s = stackalloc(2048);
    benchmark::DoNotOptimize(s);
    stackfree(s);
  }
}
BENCHMARK(BM_StackAllocFree2K);

// Batches of 64: the cache refills from and drains to the global pool (half a cache at a time).
void BM_StackAllocFree2KBatch64(benchmark::State& state) {
  std::vector<Stack> stacks(64);
  for (auto _ : state) {
    for (auto& s : stacks) s = stackalloc(2048);
    benchmark::DoNotOptimize(stacks.data());
    for (auto& s : stacks) stackfree(s);
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_StackAllocFree2KBatch64);

// The G half of spawn+exit without the context switch: newg_alloc then gdestroy (free list).
void BM_NewgAllocDestroy(benchmark::State& state) {
  P* pp = getg()->m->p;
  for (auto _ : state) {
    G* gp = newg_alloc(pp);
    casgstatus(gp, Gdead, Grunnable);
    casgstatus(gp, Grunnable, Grunning);
    gdestroy(gp);
  }
}
BENCHMARK(BM_NewgAllocDestroy);

// A large stack reused through stackLarge.
void BM_StackAllocFree1M(benchmark::State& state) {
  for (auto _ : state) {
    Stack s = stackalloc(1 << 20);
    benchmark::DoNotOptimize(s);
    stackfree(s);
  }
}
BENCHMARK(BM_StackAllocFree1M);

}  // namespace

int main(int argc, char** argv) {
  schedinit(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
