// String hashing for the name tables looked up per token (mnemonics, registers, macro names),
// the compile-time open-addressing table the fixed name sets are stored in, and a run-time
// open-addressing index (names or pointers to numbers) for the back end's tables.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

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

// A hash for longer names (linker symbol and section names, tens of bytes each): eight
// bytes a step, multiply and fold, where std::hash's general routine (murmur, called out of
// line) costs several times as much. Only where a table's slots are depends on it.
struct NameHash {
  size_t operator()(std::string_view s) const {
    constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
    uint64_t h = s.size() * kMul;
    const char* p = s.data();
    size_t n = s.size();
    auto mix = [&](uint64_t w) {
      h = (h ^ w) * kMul;
      h ^= h >> 32;
    };
    for (; n >= 8; p += 8, n -= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      mix(w);
    }
    // The last 1..7 bytes, without a variable-length copy: two overlapping 4-byte loads,
    // or for 1..3 bytes the first, middle and last byte.
    if (n >= 4) {
      uint32_t lo, hi;
      std::memcpy(&lo, p, 4);
      std::memcpy(&hi, p + n - 4, 4);
      mix(uint64_t{hi} << 32 | lo);
    } else if (n != 0) {
      const auto b = [&](size_t i) { return uint64_t{static_cast<uint8_t>(p[i])}; };
      mix(b(0) | b(n / 2) << 8 | b(n - 1) << 16);
    }
    return static_cast<size_t>(h);
  }
};

// A key -> uint32_t map by open addressing with linear probing, at most half full
// (std::unordered_map allocated a node for each key). Keys are stored by value: pointers,
// or views of names that outlive the map.
template <class Key, class Hash>
class FlatIndex {
 public:
  // Room for n keys in all (never shrinks: a table more than half full would probe forever).
  void reserve(size_t n) {
    const size_t want = std::bit_ceil(2 * n + 16);
    if (want > slots_.size()) rehash(want);
  }
  // The value of k, or nullptr if k has none.
  const uint32_t* find(const Key& k) const {
    const Slot& e = slots_[slot_of(k)];
    return e.used ? &e.value : nullptr;
  }
  bool contains(const Key& k) const { return find(k) != nullptr; }
  // The value of k, which must have one.
  uint32_t at(const Key& k) const { return slots_[slot_of(k)].value; }
  // k's value, made 0 if k had none.
  uint32_t& operator[](const Key& k) {
    if (2 * (used_ + 1) > slots_.size()) rehash(2 * slots_.size());
    Slot& e = slots_[slot_of(k)];
    if (!e.used) {
      e = Slot{k, 0, true};
      ++used_;
    }
    return e.value;
  }

 private:
  struct Slot {
    Key key{};
    uint32_t value = 0;
    bool used = false;
  };
  // The slot holding k, or the empty one where it would go.
  size_t slot_of(const Key& k) const {
    const size_t mask = slots_.size() - 1;
    size_t i = Hash{}(k) & mask;
    while (slots_[i].used && !(slots_[i].key == k)) i = (i + 1) & mask;
    return i;
  }
  void rehash(size_t n) {
    std::vector<Slot> old(std::max<size_t>(n, 16));
    old.swap(slots_);
    for (const Slot& e : old) {
      if (e.used) slots_[slot_of(e.key)] = e;
    }
  }

  std::vector<Slot> slots_ = std::vector<Slot>(16);
  size_t used_ = 0;
};

}  // namespace gostack
