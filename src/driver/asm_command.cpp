// `gostack asm`: parses Go's assembler flags, runs the pipeline on one file, prints the
// -S listing, writes the ELF object and reports failure the way `go tool asm` does.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "asm/assembler.h"
#include "lex/input.h"
#include "driver/commands.h"
#include "driver/flags.h"
#include "functab/nosplit.h"
#include "listing/listing.h"
#include "object/elf_writer.h"

#ifndef GOSTACK_VERSION
#define GOSTACK_VERSION "dev"
#endif

namespace gostack::driver {
namespace {

namespace fs = std::filesystem;

// Everything the command line selects.
struct AsmCommand {
  AsmOptions opts;
  int print_listing = 0;  // -S is a counter in Go (-S=2 adds detail); any level prints the listing
  bool all_errors = false;
  bool version = false;
  std::string output;
  std::vector<std::string> unsupported;  // flags Go accepts that gostack does not implement
};

std::string set_string(std::string& dst, std::string_view v) {
  dst = std::string(v);
  return "";
}

std::string set_bool(bool& dst, std::string_view v) {
  return parse_go_bool(v, dst) ? "" : "parse error";
}

// A boolean Go flag whose effect gostack has no use for (Go's traces, object-file details).
std::string ignore_bool(std::string_view v) {
  bool on = false;
  return set_bool(on, v);
}

// A flag gostack recognises but cannot honour yet: setting it to true is refused after parsing.
FlagSet::Setter refuse_if_true(AsmCommand& cmd, std::string name) {
  return [&cmd, name](std::string_view v) {
    bool on = false;
    if (!parse_go_bool(v, on)) return std::string("parse error");
    if (on) cmd.unsupported.push_back("-" + name);
    return std::string();
  };
}

void define_flags(FlagSet& fs, AsmCommand& cmd) {
  ParseOptions& p = cmd.opts.parse;
  add_source_flags(fs, p);
  fs.add_bool("S", "print assembly and machine code", [&cmd](std::string_view v) {
    bool on = false;
    if (v == "true") ++cmd.print_listing;
    else if (parse_go_bool(v, on)) cmd.print_listing = on ? 1 : 0;
    else if (!v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos)
      cmd.print_listing = std::stoi(std::string(v));
    else return "invalid count \"" + std::string(v) + "\"";
    return std::string();
  });
  fs.add_bool("V", "print version and exit", [&cmd](std::string_view v) { return set_bool(cmd.version, v); });
  fs.add_value("compat", "version",
               "gostack: generate code as the named Go release did (go1.16: g in CX, "
               "pre-register-ABI prologue)",
               [&cmd](std::string_view v) {
                 if (v == "go1.16") cmd.opts.compat_go116 = true;
                 else if (v == "go1.19") cmd.opts.compat_go116 = false;
                 else return std::string("must be go1.16 or go1.19");
                 return std::string();
               });
  fs.add_bool("compiling-runtime", "source to be compiled is part of the Go runtime",
              [&p](std::string_view v) { return set_bool(p.compiling_runtime, v); });
  fs.add_value("d", "value", "enable debugging settings; try -d help (gostack: none are supported)",
               [&cmd](std::string_view v) {
                 if (!v.empty()) cmd.unsupported.push_back("-d=" + std::string(v));
                 return std::string();
               });
  // -debug and -v only print Go's internal traces; gostack accepts them and prints nothing extra.
  fs.add_bool("debug", "dump instructions as they are parsed (gostack: accepted, no effect)",
              ignore_bool);
  fs.add_bool("dynlink", "support references to Go symbols defined in other shared libraries",
              refuse_if_true(cmd, "dynlink"));
  fs.add_bool("e", "no limit on number of errors reported",
              [&cmd](std::string_view v) { return set_bool(cmd.all_errors, v); });
  fs.add_bool("gensymabis", "write symbol ABI information to output file, don't assemble",
              refuse_if_true(cmd, "gensymabis"));
  // -linkshared only changes how Go's object file indexes symbols; the code and listing are the same.
  fs.add_bool("linkshared",
              "generate code that will be linked against Go shared libraries (gostack: accepted, "
              "no effect)",
              ignore_bool);
  fs.add_value("o", "string",
               "output file; default foo.o for /a/b/c/foo.s as first argument (gostack: an ELF "
               "object)",
               [&cmd](std::string_view v) { return set_string(cmd.output, v); });
  fs.add_value("p", "string", "set expected package import to path",
               [&cmd](std::string_view v) { return set_string(cmd.opts.pkgpath, v); },
               "<unlinkable>");
  fs.add_bool("shared", "generate code that can be linked into a shared library",
              [&cmd](std::string_view v) { return set_bool(cmd.opts.shared, v); });
  fs.add_value("spectre", "list", "enable spectre mitigations in list (all, ret)",
               [&cmd](std::string_view v) {
                 // "index" only concerns the compiler; Go's asm accepts and ignores it.
                 if (v == "all" || v == "ret") cmd.unsupported.push_back("-spectre=" + std::string(v));
                 else if (!v.empty() && v != "index") return std::string("unknown setting");
                 return std::string();
               });
  fs.add_value("trimpath", "string", "remove prefix from recorded source file paths",
               [&p](std::string_view v) { return set_string(p.trimpath, v); });
  fs.add_bool("v", "print debug output (gostack: accepted, no effect)", ignore_bool);
}

// Go removes its -o file after a failure; gostack removes only a regular file, never a device
// or anything else a path like /dev/null may name (Go as root deletes /dev/null).
void remove_failed_output(const std::string& path) {
  std::error_code ec;
  if (fs::is_regular_file(fs::symlink_status(path, ec))) fs::remove(path, ec);
}

}  // namespace

void add_source_flags(FlagSet& fs, ParseOptions& p) {
  fs.add_value("D", "value",
               "predefined symbol with optional simple value -D=identifier=value; can be set "
               "multiple times",
               [&p](std::string_view v) {
                 // "name=value" defines name as value; a bare name (or "=x") has no value part.
                 size_t eq = v.find('=');
                 if (eq != std::string_view::npos && eq > 0)
                   p.defines.emplace_back(std::string(v.substr(0, eq)), std::string(v.substr(eq + 1)));
                 else
                   p.defines.emplace_back(std::string(v), std::nullopt);
                 return std::string();
               });
  fs.add_value("I", "value", "include directory; can be set multiple times",
               [&p](std::string_view v) {
                 p.include_dirs.emplace_back(v);
                 return std::string();
               });
}

// textflag.h and funcdata.h: next to an installed binary (<prefix>/bin/gostack ->
// <prefix>/share/gostack/include), else the source tree the binary was built from.
// Plain system calls: this runs in every assembler process.
std::string builtin_include_dir() {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe);
  if (n > 0 && static_cast<size_t>(n) < sizeof exe) {
    std::string_view path(exe, static_cast<size_t>(n));
    path = path.substr(0, path.rfind('/'));  // <prefix>/bin
    std::string installed(path.substr(0, path.rfind('/')));
    installed += "/share/gostack/include";
    if (access((installed + "/textflag.h").c_str(), R_OK) == 0) return installed;
  }
#ifdef GOSTACK_BUILD_INCLUDE_DIR
  if (access(GOSTACK_BUILD_INCLUDE_DIR "/textflag.h", R_OK) == 0) return GOSTACK_BUILD_INCLUDE_DIR;
#endif
  return "";
}

void print_asm_usage() {
  FlagSet fs;
  AsmCommand cmd;
  define_flags(fs, cmd);
  std::fprintf(stderr, "usage: gostack asm [options] file.s\nFlags:\n%s", fs.defaults().c_str());
}

int run_asm(const std::vector<std::string>& args) {
  AsmCommand cmd;
  cmd.opts.pkgpath = "<unlinkable>";
  FlagSet flags;
  define_flags(flags, cmd);
  if (!flags.parse(args)) {
    if (!flags.error().empty()) std::fprintf(stderr, "%s\n", flags.error().c_str());
    print_asm_usage();
    return 2;
  }
  if (cmd.version) {
    std::printf("gostack asm version %s (Go 1.19 amd64 assembler)\n", GOSTACK_VERSION);
    return 0;
  }
  if (!cmd.unsupported.empty()) {
    for (const std::string& f : cmd.unsupported)
      std::fprintf(stderr, "gostack asm: %s is not supported yet\n", f.c_str());
    return 2;
  }
  const std::vector<std::string>& files = flags.positional();
  if (files.empty()) {
    print_asm_usage();
    return 2;
  }
  if (files.size() > 1) {
    std::fprintf(stderr, "gostack asm: one input file per run (got %zu)\n", files.size());
    return 2;
  }
  const std::string& file = files[0];
  // Go's default output: foo.o in the current directory for /a/b/foo.s.
  std::string output = cmd.output;
  if (output.empty()) {
    std::string base = fs::path(file).filename().string();
    if (base.ends_with(".s")) base.resize(base.size() - 2);
    output = base + ".o";
  }
  // Go checks the -D names before it opens the input, and answers a bad one with its usage.
  for (const auto& [name, value] : cmd.opts.parse.defines) {
    if (std::optional<std::string> bad = lex::check_define_name(name)) {
      std::fprintf(stderr, "asm: %s\n", bad->c_str());
      print_asm_usage();
      return 2;
    }
  }
  // Then it opens its input and stops with "asm: open X: ..." if it cannot. A read error (the
  // input is a directory) is its scanner's complaint at 1:1, and what was read is assembled.
  std::string open_error, read_error;
  const std::optional<std::string> text = lex::read_file(file, &open_error, &read_error);
  if (!text) {
    std::fprintf(stderr, "asm: %s\n", open_error.c_str());
    return 1;
  }

  cmd.opts.parse.builtin_include_dir = builtin_include_dir();
  Unit unit;
  Diag diag(stderr);
  diag.set_all_errors(cmd.all_errors);
  diag.set_log_prefix("asm: ");
  if (!read_error.empty()) diag.message(file + ":1:1: " + read_error);
  bool ok = false, parsed = false;
  try {
    // No listing when the parse failed. After a later stage's error (e.g. an unsupported
    // instruction) the listing is printed (Go's is lost in its unflushed buffer), so the
    // functions that did assemble can still be compared.
    ok = assemble_text(unit, diag, file, *text, cmd.opts, &parsed);
    if (cmd.print_listing > 0 && (ok || parsed)) {
      std::string listing;
      write_listing(unit, listing);
      std::fwrite(listing.data(), 1, listing.size(), stdout);
      std::fflush(stdout);
    }
    if (ok) {
      // One function table for the NOSPLIT check and the object's tables.
      const functab::FuncTable table = functab::build(unit, diag);
      ok = functab::check_nosplit(table, diag) && write_elf_object(unit, output, diag, &table);
    }
  } catch (const TooManyErrors&) {
    remove_failed_output(output);
    std::fprintf(stderr, "asm: too many errors\n");
    return 1;
  }
  if (!ok) {
    // Like Go, leave no output file behind; name the input only when its parse failed, and
    // say nothing more after a fatal (preprocessor) error, where Go exits at once.
    remove_failed_output(output);
    if (diag.stopped()) return 1;
    if (parsed) std::fprintf(stderr, "asm: assembly failed\n");
    else std::fprintf(stderr, "asm: assembly of %s failed\n", file.c_str());
    return 1;
  }
  return 0;
}

}  // namespace gostack::driver
