// AddressSanitizer hooks for goroutine stacks (docs/runtime.md, "Sanitizers"): a free stack
// is poisoned, so runtime C++ touching one is reported; an allocated one is unpoisoned.
// Go's runtime does the same under -asan (asanpoison/asanunpoison in stackfree/stackalloc).
// Compiled to nothing without ASan.
#pragma once

#include <cstdint>

#if defined(__SANITIZE_ADDRESS__)
#define GOSTACK_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GOSTACK_ASAN 1
#endif
#endif

#if defined(GOSTACK_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace gostack::rt::san {

// Whether this build runs under AddressSanitizer.
#if defined(GOSTACK_ASAN)
inline constexpr bool kAsan = true;
#else
inline constexpr bool kAsan = false;
#endif

// Marks [lo, hi) as not addressable by instrumented code (unchecked assembly is unaffected).
inline void poison(uintptr_t lo, uintptr_t hi) {
#if defined(GOSTACK_ASAN)
  __asan_poison_memory_region(reinterpret_cast<const void*>(lo), hi - lo);
#else
  (void)lo, (void)hi;
#endif
}

// Makes [lo, hi) addressable again.
inline void unpoison(uintptr_t lo, uintptr_t hi) {
#if defined(GOSTACK_ASAN)
  __asan_unpoison_memory_region(reinterpret_cast<const void*>(lo), hi - lo);
#else
  (void)lo, (void)hi;
#endif
}

}  // namespace gostack::rt::san
