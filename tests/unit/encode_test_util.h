// Helpers for the encoder tests: running Go 1.19's assembler as the oracle, reading its
// -S listing per instruction, and decoding our bytes with Zydis as a second opinion.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "asm/assembler.h"
#include "core/symbol.h"

#ifdef GOSTACK_HAVE_ZYDIS
#include <Zydis/Zydis.h>
#endif

namespace gostack::test {

// The instructions the stdlib corpus uses: the encoder's first priority.
inline constexpr const char* kBaseOps[] = {
    "ADCQ", "ADDL", "ADDQ", "ANDB", "ANDL", "ANDQ", "BSFL", "BSFQ", "BSRQ", "BSWAPL", "BSWAPQ",
    "BTQ", "CLD", "CMOVQCC", "CMOVQCS", "CMOVQEQ", "CMOVQGT", "CMOVQLT", "CMOVQNE", "CMPB",
    "CMPL", "CMPQ", "CMPW", "CMPXCHGL", "CMPXCHGQ", "CPUID", "DECQ", "DIVL", "IMUL3Q", "IMULQ",
    "INCQ", "INT", "LEAL", "LEAQ", "LOCK", "MOVB", "MOVL", "MOVLQZX", "MOVQ", "MOVSB", "MOVSQ",
    "MOVW", "MULL", "MULQ", "NEGQ", "NOTL", "NOTQ", "ORB", "ORL", "ORQ", "PAUSE", "POPFQ",
    "POPQ", "PUSHFQ", "PUSHQ", "RDTSC", "RDTSCP", "REP", "RET", "ROLL", "RORL", "RORQ", "SALQ",
    "SARQ", "SBBQ", "SETEQ", "SETGT", "SETHI", "SHLL", "SHLQ", "SHRL", "SHRQ", "STD", "STOSQ",
    "SUBL", "SUBQ", "SYSCALL", "TESTB", "TESTL", "TESTQ", "TESTW", "XADDL", "XADDQ", "XCHGB",
    "XCHGL", "XCHGQ", "XGETBV", "XORB", "XORL", "XORQ", "BYTE", "WORD", "LONG", "QUAD"};

// Assembles `text` as file `name` with -p main, every error reported; returns the messages.
inline std::vector<std::string> assemble_collecting_errors(Unit& unit, const std::string& name,
                                                           const std::string& text) {
  Diag diag;
  diag.set_all_errors(true);
  std::vector<std::string> errors;
  diag.capture(&errors);
  AsmOptions opts;
  opts.pkgpath = "main";
  opts.parse.builtin_include_dir = GOSTACK_SOURCE_DIR "/include/goasm";
  assemble_text(unit, diag, name, text, opts);
  return errors;
}

// Operand builders in Go's Addr conventions.
inline Addr reg_addr(RegNum r) {
  Addr a;
  a.type = AddrType::Reg;
  a.reg = r;
  return a;
}
inline Addr mem_addr(RegNum base, int64_t off = 0, RegNum index = reg::NONE, int scale = 0) {
  Addr a;
  a.type = AddrType::Mem;
  a.reg = base;
  a.offset = off;
  a.index = index;
  a.scale = static_cast<int16_t>(scale);
  return a;
}
inline Addr const_addr(int64_t v) {
  Addr a;
  a.type = AddrType::Const;
  a.offset = v;
  return a;
}
inline Addr extern_addr(Symbol* s, int64_t off = 0, AddrType t = AddrType::Mem) {
  Addr a;
  a.type = t;
  a.name = AddrName::Extern;
  a.sym = s;
  a.offset = off;
  return a;
}

inline std::string hex(const std::vector<uint8_t>& bytes) {
  std::string out;
  char buf[4];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out;
}

// Relocations as "off+siz t=type add;" relative to the instruction start.
inline std::string relocs_text(const Symbol& fn) {
  std::string out;
  for (const Reloc& r : fn.r) {
    out += std::to_string(r.off) + "+" + std::to_string(r.siz) + " t=" +
           std::to_string(static_cast<int>(r.type)) + " " + std::to_string(r.add) + ";";
  }
  return out;
}

struct GoResult {
  std::string listing;
  std::set<int> error_lines;
  std::string errors;         // Go's stderr
  bool failed = false;        // Go reported any error (some carry no position)
  bool parse_failed = false;  // errors came from Go's parser, not its assembler
};

// Go 1.19's `asm`, run on a temporary file as `go build` would (plus -S and -e).
class GoOracle {
 public:
  GoOracle() {
    const char* root = std::getenv("GOROOT_119");
    goroot_ = root ? root : "/usr/lib/go-1.19";
    char tmpl[] = "/tmp/gostack_encode_XXXXXX";
    if (access((goroot_ + "/pkg/tool/linux_amd64/asm").c_str(), X_OK) == 0 && mkdtemp(tmpl)) {
      dir_ = tmpl;
    }
  }
  ~GoOracle() {
    // GOSTACK_ORACLE_KEEP=1 keeps the last source and Go's output for inspection.
    if (!dir_.empty() && !std::getenv("GOSTACK_ORACLE_KEEP")) {
      std::system(("rm -rf " + dir_).c_str());
    }
  }
  bool available() const { return !dir_.empty(); }
  const std::string& goroot() const { return goroot_; }

  GoResult assemble(const std::string& source) {
    GoResult r;
    // Go's -S output loses its last buffer: pad with a function nobody reads.
    std::string padded = source + "TEXT gostack_pad(SB), 516, $0-0\n";
    for (int i = 0; i < 400; ++i) padded += "\tRET\n";
    std::ofstream(dir_ + "/t.s") << padded;
    std::string cmd = "cd " + dir_ + " && " + goroot_ +
                      "/pkg/tool/linux_amd64/asm -p main -I " + goroot_ +
                      "/pkg/include -D GOOS_linux -D GOARCH_amd64 -D GOAMD64_v1 -e -S -o t.o "
                      "./t.s >out.txt 2>err.txt";
    r.failed = std::system(cmd.c_str()) != 0;
    r.listing = slurp(dir_ + "/out.txt");
    r.errors = slurp(dir_ + "/err.txt");
    std::istringstream err(r.errors);
    std::string line;
    bool encoder_msg = false;
    while (std::getline(err, line)) {
      auto pos = line.find("t.s:");
      if (pos == std::string::npos) continue;
      r.error_lines.insert(std::atoi(line.c_str() + pos + 4));
      for (const char* m : {"invalid instruction", "asmand", "asmidx", "asmins", "offset too",
                            "bad address", "unexpected", "need reloc", "TYPE_CONST"}) {
        if (line.find(m) != std::string::npos) encoder_msg = true;
      }
    }
    r.parse_failed = !r.error_lines.empty() && !encoder_msg;
    return r;
  }

 private:
  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::string goroot_;
  std::string dir_;
};

struct ListedInsn {
  int line = 0;
  int64_t pc = 0;
  std::string hex;     // its bytes
  std::string relocs;  // in relocs_text() form, relative to pc
};

struct Listing {
  std::vector<ListedInsn> insns;  // source lines >= 3 of the first function, in order
};

// Splits the first function of a -S listing into per-instruction bytes and relocations.
inline Listing parse_listing(const std::string& text) {
  Listing out;
  std::istringstream in(text);
  std::string line;
  std::vector<uint8_t> bytes;
  struct Rel {
    int64_t off, siz;
    int type;
    int64_t add;
  };
  std::vector<Rel> rels;
  int64_t size = 0;
  bool first = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '\t') {
      if (!first) break;
      first = false;
      auto s = line.find("size=");
      if (s != std::string::npos) size = std::atoll(line.c_str() + s + 5);
      continue;
    }
    unsigned pc, pcdec;
    char rest[64];
    if (std::sscanf(line.c_str(), "\t0x%x %u (%63[^)])", &pc, &pcdec, rest) == 3) {
      std::string where = rest;
      int ln = std::atoi(where.c_str() + where.rfind(':') + 1);
      if (ln >= 3) out.insns.push_back({ln, static_cast<int64_t>(pc), "", ""});
      continue;
    }
    if (std::sscanf(line.c_str(), "\t0x%x ", &pc) == 1) {
      // Hex dump: up to 16 bytes after the offset, then two spaces and ASCII.
      for (size_t i = line.find(' ') + 1;
           i + 2 <= line.size() && bytes.size() < static_cast<size_t>(size);
           i += 3) {
        if (line[i] == ' ') break;
        bytes.push_back(static_cast<uint8_t>(std::stoi(line.substr(i, 2), nullptr, 16)));
      }
      continue;
    }
    long long off, siz, add;
    int type;
    if (std::sscanf(line.c_str(), "\trel %lld+%lld t=%d", &off, &siz, &type) == 3) {
      add = std::atoll(line.c_str() + line.rfind('+') + 1);
      rels.push_back({off, siz, type, add});
    }
  }
  std::sort(rels.begin(), rels.end(), [](const Rel& a, const Rel& b) { return a.off < b.off; });
  size_t ri = 0;
  for (size_t k = 0; k < out.insns.size(); ++k) {
    int64_t pc = out.insns[k].pc;
    int64_t end = k + 1 < out.insns.size() ? out.insns[k + 1].pc : size;
    std::vector<uint8_t> mine(bytes.begin() + std::min<int64_t>(pc, bytes.size()),
                              bytes.begin() + std::min<int64_t>(end, bytes.size()));
    out.insns[k].hex = hex(mine);
    while (ri < rels.size() && rels[ri].off < pc) ++ri;
    for (size_t j = ri; j < rels.size() && rels[j].off < end; ++j) {
      const Rel& r = rels[j];
      out.insns[k].relocs += std::to_string(r.off - pc) + "+" + std::to_string(r.siz) + " t=" +
                             std::to_string(r.type) + " " + std::to_string(r.add) + ";";
    }
  }
  return out;
}

// Zydis as an independent decoder: our bytes must be exactly one instruction.
class Zydis {
 public:
  Zydis() {
#ifdef GOSTACK_HAVE_ZYDIS
    ZydisDecoderInit(&decoder_, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
#endif
  }
  static bool enabled() {
#ifdef GOSTACK_HAVE_ZYDIS
    return true;
#else
    return false;
#endif
  }
  bool decodes_as_one(const std::vector<uint8_t>& bytes) {
#ifdef GOSTACK_HAVE_ZYDIS
    if (bytes.empty()) return true;
    ZydisDecodedInstruction insn;
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&decoder_, nullptr, bytes.data(),
                                                     bytes.size(), &insn))) {
      return false;
    }
    return insn.length == bytes.size();
#else
    (void)bytes;
    return true;
#endif
  }

 private:
#ifdef GOSTACK_HAVE_ZYDIS
  ZydisDecoder decoder_;
#endif
};

}  // namespace gostack::test
