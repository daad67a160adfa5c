// Command-line flags with the syntax of Go's flag package (-f, --f, -f=v, -f v, -b=true),
// so `gostack asm` accepts exactly the command lines `go tool asm` accepts.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace gostack::driver {

// Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False.
bool parse_go_bool(std::string_view text, bool& out);

class FlagSet {
 public:
  // `set` receives the value ("true" for a bare boolean flag) and returns an error text,
  // empty on success. `type_name` is what the usage shows after the flag ("string", "value").
  using Setter = std::function<std::string(std::string_view value)>;

  void add_bool(std::string name, std::string usage, Setter set);
  // `shown_default` is printed as Go prints a non-zero default: (default "x").
  void add_value(std::string name, std::string type_name, std::string usage, Setter set,
                 std::string shown_default = "");

  // Parses args up to the first non-flag argument or "--" (as Go does). On error returns
  // false with the message in error() ("flag provided but not defined: -x").
  bool parse(const std::vector<std::string>& args);
  const std::vector<std::string>& positional() const { return positional_; }
  const std::string& error() const { return error_; }

  // The flag list in Go's PrintDefaults layout, sorted by name.
  std::string defaults() const;

 private:
  struct Flag {
    std::string name, type_name, usage, shown_default;
    bool is_bool;
    Setter set;
  };
  const Flag* find(std::string_view name) const;

  std::vector<Flag> flags_;
  std::vector<std::string> positional_;
  std::string error_;
};

}  // namespace gostack::driver
