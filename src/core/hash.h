// A cheap string hash for the tables looked up per token (register names, macro names):
// FNV-1a, faster than std::hash's general routine on names of a few characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace gostack {

struct ShortNameHash {
  constexpr size_t operator()(std::string_view s) const {
    uint64_t h = 14695981039346656037ull;
    for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    return static_cast<size_t>(h);
  }
};

}  // namespace gostack
