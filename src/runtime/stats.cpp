// The runtime's statistics gathered from the Ps and the stack allocator, and their listing.
#include "runtime/stats.h"

#include <fcntl.h>
#include <unistd.h>

#include "runtime/mproc.h"
#include "runtime/print.h"
#include "runtime/proc.h"
#include "runtime/sched.h"
#include "runtime/stack.h"
#include "runtime/stackcopy.h"

namespace gostack::rt {

namespace {

// The process's resident set now, from /proc/self/statm (its second field, in pages); 0 if
// unreadable. Read without allocating: -stats runs in the exit path.
uint64_t rss_bytes() {
  int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128];
  ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  const char* p = buf;
  while (*p != 0 && *p != ' ') p++;  // skip the total size
  uint64_t pages = 0;
  for (p++; *p >= '0' && *p <= '9'; p++) pages = pages * 10 + static_cast<uint64_t>(*p - '0');
  return pages * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

void print_row(const char* prefix, const char* name, uint64_t value) {
  printstring(prefix);
  printstring(name);
  printstring(": ");
  printuint(value);
  printnl();
}

}  // namespace

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
      {"rss_bytes", rss_bytes()},
  };
  for (const auto& row : rows) print_row("", row.name, row.value);
  // The scheduler: Ps, threads, and each P's counters as p<id>_<name>.
  print_row("", "procs", static_cast<uint64_t>(gomaxprocs()));
  print_row("", "threads", static_cast<uint64_t>(mcount()));
  SchedStats ss = sched_stats();
  print_row("", "gosched_calls", ss.gosched);
  print_row("", "gc_suspends", ss.gc_suspends);
  for (int32_t i = 0; i < gomaxprocs(); i++) {
    PStats ps = p_stats(i);
    char prefix[16];
    int n = 0;
    prefix[n++] = 'p';
    // id in decimal, without allocating (this runs in the exit path)
    char digits[12];
    int nd = 0;
    for (uint32_t v = static_cast<uint32_t>(i); nd == 0 || v != 0; v /= 10) digits[nd++] = static_cast<char>('0' + v % 10);
    while (nd > 0) prefix[n++] = digits[--nd];
    prefix[n++] = '_';
    prefix[n] = 0;
    const struct {
      const char* name;
      uint64_t value;
    } prow[] = {{"runs", ps.runs},         {"steals", ps.steals}, {"stolen_gs", ps.stolen_gs},
                {"global_gets", ps.global_gets}, {"parks", ps.parks},   {"preempts", ps.preempts}};
    for (const auto& row : prow) print_row(prefix, row.name, row.value);
  }
}

}  // namespace gostack::rt
