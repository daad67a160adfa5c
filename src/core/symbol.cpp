// Symbol table of a Unit.
#include "core/symbol.h"

namespace gostack {

Symbol* SymbolTable::find(std::string_view name, size_t h) const {
  if (slots_.empty()) return nullptr;
  size_t mask = slots_.size() - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.sym == nullptr) return nullptr;
    if (slot.hash == h && slot.sym->name == name) return slot.sym;
  }
}

void SymbolTable::insert(Symbol* sym, size_t h) {
  if (2 * (count_ + 1) > slots_.size()) grow();
  size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].sym != nullptr) i = (i + 1) & mask;
  slots_[i] = Slot{h, sym};
  ++count_;
}

void SymbolTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? kInitialSlots : 2 * old.size(), Slot{});
  size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.sym == nullptr) continue;
    size_t i = slot.hash & mask;
    while (slots_[i].sym != nullptr) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

Symbol* Unit::lookup(std::string_view name, bool is_static, Abi abi) {
  SymbolTable& names = by_name_[space(is_static, abi)];
  size_t h = SymbolTable::hash(name);
  if (Symbol* found = names.find(name, h)) return found;
  Symbol* s = symbols_.make();
  s->name = std::string(name);
  s->is_static = is_static;
  s->abi = abi;
  names.insert(s, h);
  return s;
}

Symbol* Unit::find(std::string_view name, bool is_static) const {
  return by_name_[space(is_static, Abi::Abi0)].find(name, SymbolTable::hash(name));
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
