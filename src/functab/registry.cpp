// Process-wide registry of function tables (see registry.h).
#include "functab/registry.h"

#include <algorithm>
#include <atomic>
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
  std::atomic<int> tables_with_maps{0};  // how many of them have a map any_pointer_maps counts
};

bool has_pointer_maps(const FuncTable& t) {
  auto usable = [](const PtrMap& m) { return m.kind == PtrMapKind::Bitmap || m.kind == PtrMapKind::NoPointers; };
  return std::any_of(t.funcs.begin(), t.funcs.end(),
                     [&](const FuncEntry& f) { return usable(f.args_map) || usable(f.locals_map); });
}

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
  if (has_pointer_maps(*table)) r.tables_with_maps.fetch_add(1);
  r.tables.push_back(std::move(table));
}

void unregister_table(const FuncTable* table) {
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  std::erase_if(r.tables, [&](const std::shared_ptr<FuncTable>& t) {
    if (t.get() != table) return false;
    if (has_pointer_maps(*t)) r.tables_with_maps.fetch_sub(1);
    return true;
  });
}

bool any_pointer_maps() { return registry().tables_with_maps.load(std::memory_order_acquire) > 0; }

namespace {

// The linked section's table, decoded and registered on first use.
struct Linked {
  const FuncTable* table = nullptr;  // null: no section, or a malformed one
  bool malformed = false;
};

const Linked& linked() {
  static const Linked l = [] {
    Linked out;
    const uint8_t* start = __start_gostack_functab;
    const uint8_t* stop = __stop_gostack_functab;
    if (start == nullptr || stop == nullptr || stop <= start) return out;
    auto t = std::make_shared<FuncTable>();
    if (!deserialize(start, static_cast<size_t>(stop - start), reinterpret_cast<uint64_t>(start), *t)) {
      out.malformed = true;
      return out;
    }
    out.table = t.get();
    register_table(std::move(t));  // the registry keeps it for good
    return out;
  }();
  return l;
}

}  // namespace

long register_linked_tables() {
  const Linked& l = linked();
  if (l.malformed) return -1;
  // A DUPOK function whose copies were not merged by COMDAT appears once per copy.
  return l.table == nullptr ? 0 : static_cast<long>(l.table->funcs.size());
}

uint64_t linked_function(std::string_view name) {
  const FuncTable* t = linked().table;
  if (t == nullptr) return 0;
  for (const FuncEntry& f : t->funcs)
    if (f.name == name) return f.entry;
  return 0;
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
