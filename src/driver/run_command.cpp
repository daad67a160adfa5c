// `gostack run`: assembles Go assembly in memory as package main, loads it next to the
// runtime (whose symbols the loader resolves), and runs main·main as the first goroutine.
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "asm/assembler.h"
#include "driver/commands.h"
#include "driver/flags.h"
#include "functab/registry.h"
#include "object/image.h"
#include "runtime/proc.h"
#include "runtime/runtime2.h"
#include "runtime/sched.h"
#include "runtime/stack.h"
#include "runtime/stackcopy.h"
#include "runtime/stats.h"

namespace gostack::driver {
namespace {

struct RunCommand {
  AsmOptions opts;
  int maxprocs = 0;  // 0: GOSTACK_MAXPROCS, else the number of CPUs
  bool stats = false;
  bool debug_stack = false;
  uint64_t maxstack = 0;
};

bool print_stats_at_exit = false;

void exit_hook(int32_t code) {
  std::fflush(stdout);
  if (print_stats_at_exit) rt::print_runtime_stats();
  std::_Exit(code);
}

std::string parse_uint(std::string_view v, uint64_t& out) {
  if (v.empty() || v.find_first_not_of("0123456789") != std::string_view::npos)
    return "invalid value \"" + std::string(v) + "\"";
  out = std::stoull(std::string(v));
  return std::string();
}

void define_flags(FlagSet& fs, RunCommand& cmd) {
  ParseOptions& p = cmd.opts.parse;
  add_source_flags(fs, p);
  fs.add_value("maxprocs", "int", "number of Ps running goroutines at once (default: $GOSTACK_MAXPROCS, else the number of CPUs)", [&cmd](std::string_view v) {
    uint64_t n = 0;
    std::string err = parse_uint(v, n);
    if (err.empty() && n == 0) err = "must be at least 1";
    if (err.empty() && n > 1024) err = "must be at most 1024";
    cmd.maxprocs = static_cast<int>(n);
    return err;
  });
  fs.add_value("maxstack", "bytes", "largest goroutine stack (default 1000000000, as Go)", [&cmd](std::string_view v) {
    return parse_uint(v, cmd.maxstack);
  });
  fs.add_value("debug", "value", "runtime debug output: stack (one line per stack grow/shrink)", [&cmd](std::string_view v) {
    if (v != "stack") return "unknown -debug value \"" + std::string(v) + "\" (known: stack)";
    cmd.debug_stack = true;
    return std::string();
  });
  fs.add_bool("stats", "print runtime statistics (name: value) to stderr at exit", [&cmd](std::string_view v) {
    return parse_go_bool(v, cmd.stats) ? std::string() : "invalid boolean \"" + std::string(v) + "\"";
  });
}

// Assembles and loads one file; its references resolve to the runtime and earlier files.
std::unique_ptr<Image> load(const std::string& path, const AsmOptions& opts,
                            const std::vector<std::unique_ptr<Image>>& loaded, Diag& diag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "gostack run: open %s: no such file or not readable\n", path.c_str());
    return nullptr;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  Unit unit;
  if (!assemble_text(unit, diag, path, text, opts)) return nullptr;
  auto resolve = [&loaded](std::string_view name) -> const void* {
    std::string n(name);
    if (const void* a = rt::runtime_symbol(n.c_str())) return a;
    if (name == "gostack_tls_g") return &rt::gostack_tls_g;
    for (const auto& img : loaded)
      if (void* a = img->address(name)) return a;
    return nullptr;
  };
  // The image registers its function table (tracebacks, frame sizes) while it lives.
  return load_image(unit, resolve, diag);
}

}  // namespace

void print_run_usage() {
  RunCommand cmd;
  FlagSet fs;
  define_flags(fs, cmd);
  std::fprintf(stderr, "usage: gostack run [options] file.s...\nFlags:\n%s", fs.defaults().c_str());
}

int run_run(const std::vector<std::string>& args) {
  RunCommand cmd;
  FlagSet flags;
  define_flags(flags, cmd);
  if (!flags.parse(args)) {
    if (!flags.error().empty()) std::fprintf(stderr, "%s\n", flags.error().c_str());
    print_run_usage();
    return 2;
  }
  if (flags.positional().empty()) {
    print_run_usage();
    return 2;
  }
  cmd.opts.pkgpath = "main";
  cmd.opts.parse.builtin_include_dir = builtin_include_dir();

  rt::schedinit(cmd.maxprocs > 0 ? cmd.maxprocs : rt::default_maxprocs());
  if (cmd.debug_stack) rt::stack_debug().log_moves = true;
  if (cmd.maxstack != 0) rt::maxstacksize = cmd.maxstack;
  functab::register_linked_tables();

  Diag diag(stderr);
  std::vector<std::unique_ptr<Image>> images;
  for (const std::string& path : flags.positional()) {
    std::unique_ptr<Image> img = load(path, cmd.opts, images, diag);
    if (!img) return 1;
    images.push_back(std::move(img));
  }
  void* entry = nullptr;
  for (const auto& img : images)
    if ((entry = img->address("main.main")) != nullptr) break;
  if (entry == nullptr) {
    std::fprintf(stderr, "gostack run: function main.main is undeclared in the main package\n");
    return 1;
  }

  print_stats_at_exit = cmd.stats;
  rt::set_exit_hook(exit_hook);
  // main·main runs as goroutine 1; when it returns the process exits 0, as in Go.
  static rt::FuncVal main_fv;
  main_fv.fn = reinterpret_cast<uintptr_t>(entry);
  static rt::ExitWaiter main_done;
  main_done.program_main = true;
  rt::spawn_goroutine(&main_fv, nullptr, 0, &main_done);
  rt::run_scheduler(&main_done);  // a deadlock ends the process inside
  exit_hook(0);
  return 0;
}

}  // namespace gostack::driver
