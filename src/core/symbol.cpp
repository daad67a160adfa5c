// Symbol table of a Unit.
#include "core/symbol.h"

namespace gostack {
namespace {
// Like Go's Link, a name has one symbol per ABI: foo<ABIInternal> is not foo (ABI0).
std::string key(std::string_view name, bool is_static, Abi abi = Abi::Abi0) {
  std::string k(name);
  if (is_static) {
    k += "<>";
  } else if (abi == Abi::AbiInternal) {
    k += "<ABIInternal>";
  }
  return k;
}
}  // namespace

Symbol* Unit::lookup(std::string_view name, bool is_static, Abi abi) {
  std::string k = key(name, is_static, abi);
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
