// Reads the executable's .symtab (mapped read-only from /proc/self/exe) to name C++ frames in
// fatal-error tracebacks. Runs only on the fatal path; every malformed input gives "unknown".
#include "runtime/exesyms.h"

#include <cxxabi.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace gostack::rt {
namespace {

struct Symtab {
  const Elf64_Sym* syms = nullptr;
  size_t count = 0;
  const char* strings = nullptr;
  size_t strings_size = 0;
  uintptr_t bias = 0;  // load address minus link address (non-zero for a PIE)
};

int main_object_bias(dl_phdr_info* info, size_t, void* out) {
  *static_cast<uintptr_t*>(out) = info->dlpi_addr;
  return 1;  // the first object is the executable
}

bool load(Symtab& t) {
  int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  void* map = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > static_cast<off_t>(sizeof(Elf64_Ehdr)))
    map = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return false;
  const auto* base = static_cast<const unsigned char*>(map);
  auto size = static_cast<size_t>(st.st_size);
  const auto* eh = reinterpret_cast<const Elf64_Ehdr*>(base);
  if (std::memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff > size ||
      eh->e_shnum > (size - eh->e_shoff) / sizeof(Elf64_Shdr))
    return false;
  const auto* sh = reinterpret_cast<const Elf64_Shdr*>(base + eh->e_shoff);
  for (unsigned i = 0; i < eh->e_shnum; i++) {
    if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum) continue;
    const Elf64_Shdr& str = sh[sh[i].sh_link];
    if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset || str.sh_offset > size ||
        str.sh_size > size - str.sh_offset)
      return false;
    t.syms = reinterpret_cast<const Elf64_Sym*>(base + sh[i].sh_offset);
    t.count = sh[i].sh_size / sizeof(Elf64_Sym);
    t.strings = reinterpret_cast<const char*>(base + str.sh_offset);
    t.strings_size = str.sh_size;
    dl_iterate_phdr(main_object_bias, &t.bias);
    return true;
  }
  return false;
}

const Symtab* symtab() {
  static Symtab t;
  static bool tried = false;
  if (!tried) {
    tried = true;
    if (!load(t)) t = Symtab{};
  }
  return t.syms != nullptr ? &t : nullptr;
}

}  // namespace

bool exe_function_at(uintptr_t pc, char* buf, size_t bufsize, uintptr_t* start) {
  const Symtab* t = symtab();
  if (t == nullptr || bufsize == 0) return false;
  const Elf64_Sym* best = nullptr;
  for (size_t i = 0; i < t->count; i++) {
    const Elf64_Sym& s = t->syms[i];
    if (ELF64_ST_TYPE(s.st_info) != STT_FUNC || s.st_name >= t->strings_size) continue;
    uintptr_t lo = t->bias + s.st_value;
    if (pc >= lo && pc - lo < s.st_size) {
      best = &s;
      break;
    }
  }
  if (best == nullptr) return false;
  const char* mangled = t->strings + best->st_name;
  if (std::memchr(mangled, 0, t->strings_size - best->st_name) == nullptr) return false;
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  const char* name = status == 0 && demangled != nullptr ? demangled : mangled;
  // Drop the parameter list (the last "(" outside template arguments; "(anonymous
  // namespace)" comes earlier), as Go prints "f(...)".
  size_t n = std::strlen(name);
  if (status == 0) {
    int depth = 0;
    size_t params = n;
    for (size_t i = 0; i < n; i++) {
      if (name[i] == '<') depth++;
      if (name[i] == '>') depth--;
      if (name[i] == '(' && depth == 0) params = i;
    }
    n = params;
  }
  if (n >= bufsize) n = bufsize - 1;
  std::memcpy(buf, name, n);
  buf[n] = 0;
  std::free(demangled);
  *start = t->bias + best->st_value;
  return true;
}

}  // namespace gostack::rt
