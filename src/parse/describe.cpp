// Operands rendered as Go's obj.Dconv does, for the parser's error messages
// ("GLOBL: expected immediate constant; found 8(AX)") and for operand tests.
#include <cstdio>

#include "parse/parser.h"

// GCC 12 reports -Wrestrict inside libstdc++ for `"literal" + std::string` once inlined
// (a false positive, GCC bug 105329); this file builds its text that way throughout.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace gostack::parse {
namespace {

std::string off_conv(int64_t off) {
  if (off == 0) return "";
  return (off > 0 ? "+" : "") + std::to_string(off);
}

std::string abi_decorate(const Addr& a, bool abi_detail) {
  if (!abi_detail || a.sym == nullptr) return "";
  return a.sym->abi == Abi::AbiInternal ? "<ABIInternal>" : "<ABI0>";
}

// Go's Addr.writeNameTo: the name part with its base register.
std::string name_part(const Addr& a, bool abi_detail) {
  auto base = [&](const char* deflt) {
    return a.reg != reg::NONE ? reg_name(a.reg) : std::string(deflt);
  };
  std::string sym = a.sym ? a.sym->name : "";
  switch (a.name) {
    case AddrName::None:
      if (a.reg == reg::NONE) return std::to_string(a.offset);
      if (a.offset == 0) return "(" + reg_name(a.reg) + ")";
      return std::to_string(a.offset) + "(" + reg_name(a.reg) + ")";
    case AddrName::Extern:
      return sym + abi_decorate(a, abi_detail) + off_conv(a.offset) + "(" + base("SB") + ")";
    case AddrName::GotRef:
      return sym + off_conv(a.offset) + "@GOT(" + base("SB") + ")";
    case AddrName::Static:
      return sym + "<>" + off_conv(a.offset) + "(" + base("SB") + ")";
    case AddrName::Auto:
      return sym + off_conv(a.offset) + "(" + base("SP") + ")";
    case AddrName::Param:
      return sym + off_conv(a.offset) + "(" + base("FP") + ")";
  }
  return "";
}

}  // namespace

std::string describe_addr(const Addr& a, bool abi_detail) {
  switch (a.type) {
    case AddrType::None:
      if (a.name != AddrName::None || a.reg != reg::NONE || a.sym != nullptr) {
        return name_part(a, abi_detail) + "(" + reg_name(a.reg) + ")(NONE)";
      }
      return "";
    case AddrType::Reg:
      if (a.offset != 0) return "$" + std::to_string(a.offset) + "," + reg_name(a.reg);
      if (a.name != AddrName::None || a.sym != nullptr) {
        return name_part(a, abi_detail) + "(" + reg_name(a.reg) + ")(REG)";
      }
      return reg_name(a.reg);
    case AddrType::Branch:
      if (a.sym != nullptr) return a.sym->name + abi_decorate(a, abi_detail) + "(SB)";
      if (a.target != nullptr) return std::to_string(a.target->pc);
      return std::to_string(a.offset) + "(PC)";
    case AddrType::Indir: return "*" + name_part(a, abi_detail);
    case AddrType::Mem: {
      std::string s = name_part(a, abi_detail);
      if (a.index != reg::NONE) {
        s += a.scale == 0 ? "(" + reg_name(a.index) + ")"
                          : "(" + reg_name(a.index) + "*" + std::to_string(a.scale) + ")";
      }
      return s;
    }
    case AddrType::Const: {
      std::string s = "$" + name_part(a, abi_detail);
      if (a.reg != reg::NONE) s += "(" + reg_name(a.reg) + ")";
      return s;
    }
    case AddrType::TextSize:
      if (!a.argsize_set) return "$" + std::to_string(a.offset);
      return "$" + std::to_string(a.offset) + "-" + std::to_string(a.argsize);
    case AddrType::FConst: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", a.fval);
      std::string s = buf;
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      return "$(" + s + ")";
    }
    case AddrType::SConst: return "$" + lex::go_quote(a.sval);
    case AddrType::Addr: return "$" + name_part(a, abi_detail);
    case AddrType::RegList: {
      auto lo = static_cast<RegNum>(a.offset & 0xFFFF);
      auto hi = static_cast<RegNum>((a.offset >> 16) & 0xFFFF);
      return "[" + reg_name(lo) + "-" + reg_name(hi) + "]";
    }
    case AddrType::Special: return "type=" + std::to_string(static_cast<int>(a.type));
  }
  return "";
}

}  // namespace gostack::parse
