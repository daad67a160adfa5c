// The process-wide set of function tables: the records a linker collected from gostack
// objects (section gostack_functab) and the tables of in-memory images, searchable by PC.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "functab/functab.h"

namespace gostack::functab {

struct Found {
  const FuncEntry* fn = nullptr;   // nullptr: no assembled function contains the PC
  const FuncTable* table = nullptr;  // for file names (table->file(*line))
  explicit operator bool() const { return fn != nullptr; }
};

// Adds a table whose entries are absolute addresses (sorts it). The pointers lookup()
// returns stay valid until the table is unregistered.
void register_table(std::shared_ptr<FuncTable> table);
void unregister_table(const FuncTable* table);

// Decodes the records the static linker gathered between __start_gostack_functab and
// __stop_gostack_functab in the executable (or the shared object containing this code) and
// registers them; the first call does the work, later calls return the same count.
// Returns the number of functions, or -1 if the section is malformed.
long register_linked_tables();

// The entry address of the linked function named `name` (linker spelling, "runtime.Gosched"),
// registering the linked tables first if needed; 0 if there is none.
uint64_t linked_function(std::string_view name);

// The function containing `pc` across every registered table (binary search per table).
Found lookup(uint64_t pc);

// Whether any registered function carries a pointer map with bits (a bitmap or
// NO_LOCAL_POINTERS). Without one, no frame can be adjusted precisely and copystack need
// not walk the frames at all.
bool any_pointer_maps();

}  // namespace gostack::functab
