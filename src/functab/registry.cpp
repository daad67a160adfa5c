// Process-wide registry of function tables (see registry.h).
#include "functab/registry.h"

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <vector>

// Defined by the linker when any input has a gostack_functab section; weak so a program
// without assembled objects links too (then both are null).
extern "C" {
extern const uint8_t __start_gostack_functab[] __attribute__((weak, visibility("hidden")));
extern const uint8_t __stop_gostack_functab[] __attribute__((weak, visibility("hidden")));
}

namespace gostack::functab {
namespace {

struct Registry {
  std::shared_mutex mu;
  std::vector<std::shared_ptr<FuncTable>> tables;
};

Registry& registry() {
  static Registry* r = new Registry;  // never destroyed: lookups may run during exit
  return *r;
}

}  // namespace

void register_table(std::shared_ptr<FuncTable> table) {
  if (!table) return;
  table->sort_by_entry();
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  r.tables.push_back(std::move(table));
}

void unregister_table(const FuncTable* table) {
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  std::erase_if(r.tables, [&](const std::shared_ptr<FuncTable>& t) { return t.get() == table; });
}

long register_linked_tables() {
  static const long count = [] {
    const uint8_t* start = __start_gostack_functab;
    const uint8_t* stop = __stop_gostack_functab;
    if (start == nullptr || stop == nullptr || stop <= start) return 0L;
    auto t = std::make_shared<FuncTable>();
    if (!deserialize(start, static_cast<size_t>(stop - start), reinterpret_cast<uint64_t>(start), *t)) {
      return -1L;
    }
    // A DUPOK function whose copies were not merged by COMDAT appears once per copy.
    long n = static_cast<long>(t->funcs.size());
    register_table(std::move(t));
    return n;
  }();
  return count;
}

Found lookup(uint64_t pc) {
  Registry& r = registry();
  std::shared_lock lock(r.mu);
  for (const auto& t : r.tables) {
    if (const FuncEntry* f = t->lookup(pc)) return Found{f, t.get()};
  }
  return Found{};
}

}  // namespace gostack::functab
