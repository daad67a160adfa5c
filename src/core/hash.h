// String hashing for the name tables looked up per token (mnemonics, registers, macro names)
// and for the back end's symbol and section names, the compile-time open-addressing table the
// fixed name sets are stored in, and a run-time open-addressing index (names or pointers to
// numbers) for the back end's tables.
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

// k <= 8 bytes at `at` as one little-endian word (the rest zero).
inline uint64_t load_word(const char* at, size_t k) {
  uint64_t w = 0;
  std::memcpy(&w, at, k);
  return w;
}

// Two words mixed by one 64x64->128-bit multiply, its halves folded: every input bit reaches
// the low bits (a table index) and the high ones (a tag).
inline uint64_t mix_words(uint64_t a, uint64_t b) {
  const unsigned __int128 m = static_cast<unsigned __int128>(a ^ 0x9E3779B97F4A7C15ull) * (b ^ 0xD6E8FEB86659FD93ull);
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}

// The run-time hash of a name (macro names, per identifier; linker symbol and section
// names), where std::hash's general routine (murmur, called out of line) costs several
// times as much: at most two word loads for the usual 4 to 16 bytes, 16 bytes a step above.
[[gnu::always_inline]] inline uint64_t hash_name(std::string_view s) {
  const char* p = s.data();
  const size_t n = s.size();
  // Two words, overlapping when shorter than 16 (or 8) bytes.
  if (n <= 16) {
    if (n >= 8) return mix_words(load_word(p, 8), load_word(p + n - 8, 8) ^ n);
    if (n >= 4) return mix_words(load_word(p, 4) | load_word(p + n - 4, 4) << 32, n);
    if (n > 0) {
      return mix_words(uint64_t{static_cast<uint8_t>(p[0])} | uint64_t{static_cast<uint8_t>(p[n / 2])} << 8 |
                           uint64_t{static_cast<uint8_t>(p[n - 1])} << 16,
                       n);
    }
    return mix_words(0, 0);
  }
  // Longer: 16 bytes at a time, the last 16 (overlapping) at the end.
  uint64_t h = n;
  for (size_t i = 0; i + 16 < n; i += 16) h = mix_words(load_word(p + i, 8) ^ h, load_word(p + i + 8, 8));
  return mix_words(load_word(p + n - 16, 8) ^ h, load_word(p + n - 8, 8));
}

// hash_name as a hasher for FlatIndex.
struct NameHash {
  size_t operator()(std::string_view s) const { return static_cast<size_t>(hash_name(s)); }
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
