// Symbol table of a Unit.
#include "core/symbol.h"

namespace gostack {

Symbol* Unit::lookup(std::string_view name, bool is_static, Abi abi) {
  auto& names = by_name_[space(is_static, abi)];
  auto it = names.find(name);
  if (it != names.end()) return it->second;
  Symbol& s = symbols_.emplace_back();
  s.name = std::string(name);
  s.is_static = is_static;
  s.abi = abi;
  names.emplace(s.name, &s);
  return &s;
}

Symbol* Unit::find(std::string_view name, bool is_static) const {
  const auto& names = by_name_[space(is_static, Abi::Abi0)];
  auto it = names.find(name);
  return it == names.end() ? nullptr : it->second;
}

uint32_t Unit::pos_base(const PosBase& base) {
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i] == base) return static_cast<uint32_t>(i);
  }
  files.push_back(base);
  return static_cast<uint32_t>(files.size() - 1);
}

std::string_view Unit::file_name(const Pos& pos) const {
  return pos.file < files.size() ? std::string_view(files[pos.file].name) : std::string_view("?");
}

uint64_t Unit::rel_line(const Pos& pos) const {
  if (pos.file >= files.size() || files[pos.file].outer < 0) return static_cast<uint64_t>(pos.line);
  const PosBase& b = files[pos.file];
  if (b.line == 0) return 0;  // "#line 0": Go treats the line as unknown
  // Unsigned, as Go computes it: the text before `start` wraps below line.
  return b.line + static_cast<uint64_t>(static_cast<int64_t>(pos.line) - b.start);
}

std::string Unit::format_pos(const Pos& pos) const {
  std::string out(file_name(pos));
  out += ':';
  out += std::to_string(rel_line(pos));
  if (pos.file < files.size() && files[pos.file].outer >= 0) {
    out += '[';
    out += file_name(Pos{static_cast<uint32_t>(files[pos.file].outer), 0});
    out += ':';
    out += std::to_string(pos.line);
    out += ']';
  }
  return out;
}

}  // namespace gostack
