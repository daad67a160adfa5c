// The runtime's statistics in one place, and their "name: value" listing for `gostack run -stats`.
#pragma once

#include <cstdint>

namespace gostack::rt {

struct RuntimeStats {
  uint64_t goroutines_created;  // Gs handed out by newg_alloc (new or reused)
  uint64_t gfree_reused;        // of those, taken from a free list
  uint64_t stack_grows;         // growstack moves
  uint64_t stack_shrinks;       // shrinkstack moves
  uint64_t stack_copied_bytes;  // used stack bytes copied by all moves
  uint64_t stack_inuse_bytes;   // see StackStats::inuse_bytes
  uint64_t stack_peak_bytes;
  uint64_t stack_sys_bytes;
};

RuntimeStats runtime_stats();

// Writes one "name: value" line per statistic to stderr, in the order of RuntimeStats, then
// rss_bytes: the process's resident memory at that moment. Then the scheduler's: procs,
// threads, gosched_calls, gc_suspends, and p<id>_runs, _steals, _stolen_gs, _global_gets, _parks,
// _preempts for every P.
void print_runtime_stats();

}  // namespace gostack::rt
