// Google Benchmark of the stack allocator's hot paths: 2 KiB stacks through the P cache, and G reuse.
#include <benchmark/benchmark.h>

#include <vector>

#include "runtime/proc.h"
#include "runtime/stack.h"
#include "runtime/stackcopy.h"

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

// Growth by copying, as a recursion of 64-byte frames (saved BP + a pointer to the outermost
// local passed down) drives it: 2 KiB -> 1 MiB (9 doublings) or -> 64 MiB (15). Includes
// writing the frames; the frame-walk-free conservative adjustment scans every copied word.
void grow_to(benchmark::State& state, uintptr_t target) {
  P* pp = getg()->m->p;
  for (auto _ : state) {
    G* gp = newg_alloc(pp);
    casgstatus(gp, Gdead, Grunnable);
    casgstatus(gp, Grunnable, Grunning);
    uintptr_t sp = gp->stack.hi - 64, bp = 0, outer = sp;
    gp->sched.sp = sp;
    while (gp->stack.hi - gp->stack.lo < target) {
      if (gp->sched.sp - 64 < gp->stackguard0) {
        growstack(gp, 64);
        bp = gp->sched.bp;
        outer = *reinterpret_cast<uintptr_t*>(gp->sched.sp + 8);
      }
      sp = gp->sched.sp - 64;
      reinterpret_cast<uintptr_t*>(sp)[0] = bp;
      reinterpret_cast<uintptr_t*>(sp)[1] = outer;
      gp->sched.sp = gp->sched.bp = bp = sp;
    }
    gp->sched = Gobuf{};
    gp->sched.sp = gp->stack.hi;
    gp->m = getg()->m;
    gdestroy(gp);  // frees the big stack (non-standard size)
  }
  state.SetBytesProcessed(state.iterations() * target);
}
void BM_GrowTo1MiB(benchmark::State& state) { grow_to(state, 1 << 20); }
void BM_GrowTo64MiB(benchmark::State& state) { grow_to(state, 64 << 20); }
BENCHMARK(BM_GrowTo1MiB)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GrowTo64MiB)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  schedinit(1);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
