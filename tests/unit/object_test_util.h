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

// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "gostack-obj-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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
