// Shared helpers for the object-file tests: hand-built Units, temp dirs, running tools.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/symbol.h"
#include "temp_dir.h"

namespace gostack::objtest {

// Adds a defined TEXT symbol with the given machine code.
inline Symbol* add_text(Unit& u, const std::string& name, std::vector<uint8_t> code,
                        bool is_static = false) {
  Symbol* s = u.lookup(name, is_static);
  s->kind = SymKind::Text;
  s->defined = true;
  s->nosplit = true;
  s->p = std::move(code);
  s->size = static_cast<int64_t>(s->p.size());
  u.text.push_back(s);
  return s;
}

// Adds a defined data symbol of the given kind, size and initial bytes.
inline Symbol* add_data(Unit& u, const std::string& name, SymKind kind, int64_t size,
                        std::vector<uint8_t> bytes = {}, bool is_static = false) {
  Symbol* s = u.lookup(name, is_static);
  s->kind = kind;
  s->defined = true;
  s->size = size;
  s->p = std::move(bytes);
  u.data.push_back(s);
  return s;
}

inline void add_reloc(Symbol* s, int32_t off, uint8_t siz, RelocType type, int64_t add,
                      Symbol* target) {
  Reloc r;
  r.off = off;
  r.siz = siz;
  r.type = type;
  r.add = add;
  r.sym = target;
  s->r.push_back(r);
}

// The sample program: data of every kind, a call, PC-relative data references (one with a
// trailing immediate), and a TLS read.
inline constexpr const char* kSampleSource = R"(#include "textflag.h"

DATA ·k+0(SB)/8, $100
GLOBL ·k(SB), NOPTR, $8
DATA ·tab<>+0(SB)/8, $·k(SB)
GLOBL ·tab<>(SB), RODATA, $8
GLOBL ·counter(SB), NOPTR, $8

TEXT ·add(SB),NOSPLIT,$0-24
	MOVQ a+0(FP), AX
	ADDQ b+8(FP), AX
	MOVQ AX, ret+16(FP)
	RET

// ret = add(x, k) + *tab; counter++; +1000 when counter reaches 7
TEXT ·addk(SB),NOSPLIT,$24-16
	MOVQ x+0(FP), AX
	MOVQ AX, 0(SP)
	MOVQ ·k(SB), AX
	MOVQ AX, 8(SP)
	CALL ·add(SB)
	MOVQ 16(SP), AX
	MOVQ ·tab<>(SB), BX
	MOVQ (BX), BX
	ADDQ BX, AX
	INCQ ·counter(SB)
	CMPQ ·counter(SB), $7
	JNE done
	ADDQ $1000, AX
done:
	MOVQ AX, ret+8(FP)
	RET

TEXT ·getg(SB),NOSPLIT,$0-8
	MOVQ (TLS), AX
	MOVQ AX, ret+0(FP)
	RET
)";

// The Unit Go 1.19 assembles from kSampleSource with -p main: bytes and relocations
// copied from `go tool asm -S`.
inline void build_sample(Unit& u) {
  u.pkgpath = "main";
  u.files = {PosBase("sample.s")};
  Symbol* k = add_data(u, "\"\".k", SymKind::NoPtrData, 8, {0x64, 0, 0, 0, 0, 0, 0, 0});
  Symbol* tab = add_data(u, "\"\".tab", SymKind::RoData, 8, {0, 0, 0, 0, 0, 0, 0, 0}, true);
  add_reloc(tab, 0, 8, RelocType::Addr, 0, k);
  Symbol* counter = add_data(u, "\"\".counter", SymKind::NoPtrBss, 8);

  Symbol* add = add_text(u, "\"\".add", {0x48, 0x8b, 0x44, 0x24, 0x08, 0x48, 0x03, 0x44, 0x24, 0x10,
                                         0x48, 0x89, 0x44, 0x24, 0x18, 0xc3});
  Symbol* addk = add_text(
      u, "\"\".addk",
      {0x48, 0x83, 0xec, 0x20, 0x48, 0x89, 0x6c, 0x24, 0x18, 0x48, 0x8d, 0x6c, 0x24, 0x18, 0x48, 0x8b,
       0x44, 0x24, 0x28, 0x48, 0x89, 0x04, 0x24, 0x48, 0x8b, 0x05, 0x00, 0x00, 0x00, 0x00, 0x48, 0x89,
       0x44, 0x24, 0x08, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x48, 0x8b, 0x44, 0x24, 0x10, 0x48, 0x8b, 0x1d,
       0x00, 0x00, 0x00, 0x00, 0x48, 0x8b, 0x1b, 0x48, 0x01, 0xd8, 0x48, 0xff, 0x05, 0x00, 0x00, 0x00,
       0x00, 0x48, 0x83, 0x3d, 0x00, 0x00, 0x00, 0x00, 0x07, 0x75, 0x06, 0x48, 0x05, 0xe8, 0x03, 0x00,
       0x00, 0x48, 0x89, 0x44, 0x24, 0x30, 0x48, 0x8b, 0x6c, 0x24, 0x18, 0x48, 0x83, 0xc4, 0x20, 0xc3});
  add_reloc(addk, 26, 4, RelocType::PCRel, 0, k);
  add_reloc(addk, 36, 4, RelocType::Call, 0, add);
  add_reloc(addk, 48, 4, RelocType::PCRel, 0, tab);
  add_reloc(addk, 61, 4, RelocType::PCRel, 0, counter);
  add_reloc(addk, 68, 4, RelocType::PCRel, -1, counter);  // CMPQ: imm8 follows the disp32
  Symbol* getg = add_text(u, "\"\".getg", {0x64, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00, 0x48,
                                          0x89, 0x44, 0x24, 0x08, 0xc3});
  add_reloc(getg, 5, 4, RelocType::TLS_LE, 0, nullptr);
}

// A C++ program calling the sample through the ABI0 helper; prints what it sees.
inline constexpr const char* kSampleMain = R"(
#include <cstdint>
#include <cstdio>
#include <thread>
#include "gostack/abi0_call.h"

GOSTACK_ABI0_EXTERN(go_add, "main.add");
GOSTACK_ABI0_EXTERN(go_addk, "main.addk");
GOSTACK_ABI0_EXTERN(go_getg, "main.getg");
extern "C" int64_t go_counter __asm__("main.counter");
extern "C" { thread_local void* gostack_tls_g = nullptr; }

int main() {
  using gostack::abi0::call;
  std::printf("add %lld\n", (long long)call<int64_t>(go_add, int64_t{2}, int64_t{40}));
  std::printf("add %lld\n", (long long)call<int64_t>(go_add, int64_t{-7}, int64_t{3}));
  for (int i = 0; i < 7; ++i) std::printf("addk %lld\n", (long long)call<int64_t>(go_addk, int64_t{i}));
  std::printf("counter %lld\n", (long long)go_counter);
  gostack_tls_g = reinterpret_cast<void*>(0x1234);
  std::printf("getg %p\n", call<void*>(go_getg));
  std::thread([] {
    gostack_tls_g = reinterpret_cast<void*>(0x5678);
    std::printf("thread getg %p\n", call<void*>(go_getg));
  }).join();
  std::printf("getg %p\n", call<void*>(go_getg));
}
)";

inline constexpr const char* kSampleExpected =
    "add 42\nadd -4\naddk 200\naddk 201\naddk 202\naddk 203\naddk 204\naddk 205\naddk 1206\n"
    "counter 7\ngetg 0x1234\nthread getg 0x5678\ngetg 0x1234\n";

using testutil::TempDir;

// The repository's public headers (gostack/abi0_call.h), for programs built at test time.
inline std::string include_dir() { return std::string(GOSTACK_SOURCE_DIR) + "/include"; }

inline bool have_tool(const std::string& tool) {
  std::string cmd = "command -v " + tool + " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

struct RunResult {
  int status = -1;  // exit code, or -1 if it did not exit normally
  std::string output;  // stdout and stderr together
};

// Runs a shell command and captures its combined output.
inline RunResult run(const std::string& cmd) {
  RunResult r;
  std::FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace gostack::objtest
