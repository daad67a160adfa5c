// The runtime's statistics gathered from the Ps and the stack allocator, and their listing.
#include "runtime/stats.h"

#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/stack.h"
#include "runtime/stackcopy.h"

namespace gostack::rt {

RuntimeStats runtime_stats() {
  ProcStats p = proc_stats();
  StackStats s = stack_stats();
  StackMoveStats mv = stack_move_stats();
  return RuntimeStats{p.goroutines_created, p.gfree_reused, mv.grows,     mv.shrinks,
                      mv.copied_bytes,      s.inuse_bytes,  s.peak_bytes, s.sys_bytes};
}

void print_runtime_stats() {
  RuntimeStats st = runtime_stats();
  const struct {
    const char* name;
    uint64_t value;
  } rows[] = {
      {"goroutines_created", st.goroutines_created}, {"gfree_reused", st.gfree_reused},
      {"stack_grows", st.stack_grows},               {"stack_shrinks", st.stack_shrinks},
      {"stack_copied_bytes", st.stack_copied_bytes},
      {"stack_inuse_bytes", st.stack_inuse_bytes},   {"stack_peak_bytes", st.stack_peak_bytes},
      {"stack_sys_bytes", st.stack_sys_bytes},
  };
  for (const auto& row : rows) {
    printstring(row.name);
    printstring(": ");
    printuint(row.value);
    printnl();
  }
}

}  // namespace gostack::rt
