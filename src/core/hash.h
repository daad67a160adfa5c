// String hashing for the name tables looked up per token (mnemonics, registers, macro names),
// and the compile-time open-addressing table the fixed name sets are stored in.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gostack {

// FNV-1a: faster than std::hash's general routine on names of a few characters.
struct ShortNameHash {
  constexpr size_t operator()(std::string_view s) const {
    uint64_t h = 14695981039346656037ull;
    for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    return static_cast<size_t>(h);
  }
};

// A fixed set of names as a table the compiler builds: open addressing with linear probing
// over Slots slots (a power of two, at least twice the entries). A slot holds 0 (empty) or
// 1 + an entry number; name_of(entry) gives an entry's name. Entries first..count-1 are
// inserted in order, and an entry spelled like an earlier one takes its slot.
template <size_t Slots>
struct NameTable {
  static_assert((Slots & (Slots - 1)) == 0, "slot count must be a power of two");
  std::array<uint16_t, Slots> slots{};

  template <class NameOf>
  static constexpr NameTable build(size_t first, size_t count, NameOf name_of) {
    NameTable t;
    if (count * 2 > Slots || count >= 65535) throw "name table too small";  // a compile error
    for (size_t e = first; e < count; ++e) {
      size_t i = ShortNameHash()(name_of(e)) & (Slots - 1);
      while (t.slots[i] != 0 && name_of(t.slots[i] - 1u) != name_of(e)) i = (i + 1) & (Slots - 1);
      t.slots[i] = static_cast<uint16_t>(e + 1);
    }
    return t;
  }

  // The entry named `name`, or -1.
  template <class NameOf>
  constexpr int find(std::string_view name, NameOf name_of) const {
    for (size_t i = ShortNameHash()(name) & (Slots - 1); slots[i] != 0; i = (i + 1) & (Slots - 1))
      if (name_of(slots[i] - 1u) == name) return slots[i] - 1;
    return -1;
  }
};

}  // namespace gostack
