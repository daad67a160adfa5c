// Go-style flag parsing: one argument at a time, stopping at the first non-flag.
#include "driver/flags.h"

#include <algorithm>

namespace gostack::driver {
namespace {

// Go's %q for the plain-ASCII texts that reach error messages.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

bool parse_go_bool(std::string_view text, bool& out) {
  static constexpr std::string_view kTrue[] = {"1", "t", "T", "TRUE", "true", "True"};
  static constexpr std::string_view kFalse[] = {"0", "f", "F", "FALSE", "false", "False"};
  if (std::find(std::begin(kTrue), std::end(kTrue), text) != std::end(kTrue)) {
    out = true;
    return true;
  }
  if (std::find(std::begin(kFalse), std::end(kFalse), text) != std::end(kFalse)) {
    out = false;
    return true;
  }
  return false;
}

void FlagSet::add_bool(std::string name, std::string usage, Setter set) {
  flags_.push_back({std::move(name), "", std::move(usage), "", true, std::move(set)});
}

void FlagSet::add_value(std::string name, std::string type_name, std::string usage, Setter set,
                        std::string shown_default) {
  flags_.push_back({std::move(name), std::move(type_name), std::move(usage),
                    std::move(shown_default), false, std::move(set)});
}

const FlagSet::Flag* FlagSet::find(std::string_view name) const {
  for (const Flag& f : flags_)
    if (f.name == name) return &f;
  return nullptr;
}

bool FlagSet::parse(const std::vector<std::string>& args) {
  positional_.clear();
  error_.clear();
  size_t i = 0;
  while (i < args.size()) {
    const std::string& arg = args[i];
    if (arg.size() < 2 || arg[0] != '-') break;  // first non-flag: the rest is positional
    size_t dashes = arg[1] == '-' ? 2 : 1;
    if (dashes == 2 && arg.size() == 2) {  // "--" ends the flags and is dropped
      ++i;
      break;
    }
    std::string name = arg.substr(dashes);
    if (name.empty() || name[0] == '-' || name[0] == '=') {
      error_ = "bad flag syntax: " + arg;
      return false;
    }
    ++i;
    std::string value;
    bool has_value = false;
    if (size_t eq = name.find('=', 1); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
      has_value = true;
    }
    const Flag* flag = find(name);
    if (!flag) {
      error_ = (name == "h" || name == "help") ? "" : "flag provided but not defined: -" + name;
      return false;
    }
    if (flag->is_bool) {
      std::string err = flag->set(has_value ? value : "true");
      if (!err.empty()) {
        error_ = has_value ? "invalid boolean value " + quote(value) + " for -" + name + ": " + err
                           : "invalid boolean flag " + name + ": " + err;
        return false;
      }
      continue;
    }
    if (!has_value && i < args.size()) {
      value = args[i++];
      has_value = true;
    }
    if (!has_value) {
      error_ = "flag needs an argument: -" + name;
      return false;
    }
    if (std::string err = flag->set(value); !err.empty()) {
      error_ = "invalid value " + quote(value) + " for flag -" + name + ": " + err;
      return false;
    }
  }
  positional_.assign(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
  return true;
}

std::string FlagSet::defaults() const {
  std::vector<const Flag*> sorted;
  for (const Flag& f : flags_) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(),
            [](const Flag* a, const Flag* b) { return a->name < b->name; });
  std::string out;
  for (const Flag* f : sorted) {
    std::string line = "  -" + f->name;
    if (!f->type_name.empty()) line += " " + f->type_name;
    // Go puts short flags' usage on the same line after a tab, long ones on the next line.
    line += line.size() <= 4 ? "\t" : "\n    \t";
    for (char c : f->usage) line += c == '\n' ? std::string("\n    \t") : std::string(1, c);
    if (!f->shown_default.empty()) line += " (default " + quote(f->shown_default) + ")";
    out += line + "\n";
  }
  return out;
}

}  // namespace gostack::driver
