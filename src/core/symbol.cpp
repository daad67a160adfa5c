// Symbol table of a Unit.
#include "core/symbol.h"

namespace gostack {
namespace {
std::string key(std::string_view name, bool is_static) {
  std::string k(name);
  if (is_static) k += "<>";
  return k;
}
}  // namespace

Symbol* Unit::lookup(std::string_view name, bool is_static, Abi abi) {
  std::string k = key(name, is_static);
  auto it = by_name_.find(k);
  if (it != by_name_.end()) return it->second;
  symbols_.emplace_back();
  Symbol* s = &symbols_.back();
  s->name = std::string(name);
  s->is_static = is_static;
  s->abi = abi;
  by_name_.emplace(std::move(k), s);
  return s;
}

Symbol* Unit::find(std::string_view name, bool is_static) const {
  auto it = by_name_.find(key(name, is_static));
  return it == by_name_.end() ? nullptr : it->second;
}

}  // namespace gostack
