// Go's obj.Dconv and Addr.writeNameTo (cmd/internal/obj/util.go) for amd64 operands.
#include "core/dconv.h"

#include <cinttypes>
#include <cstdio>

#include "core/reg.h"
#include "core/symbol.h"

namespace gostack {
namespace {

void append_int(std::string& out, int64_t v) {
  char buf[24];
  const int n = std::snprintf(buf, sizeof buf, "%" PRId64, v);
  out.append(buf, static_cast<size_t>(n));
}

// Go's offConv: nothing for 0, else a signed offset ("+8", "-16").
void append_off(std::string& out, int64_t off) {
  if (off == 0) return;
  if (off > 0) out += '+';
  append_int(out, off);
}

// Go's abiDecorate: "<ABI0>" or "<ABIInternal>" after a symbol, with ABI detail only.
void append_abi(std::string& out, const Addr& a, const DconvStyle& style) {
  if (!style.abi_detail || a.sym == nullptr) return;
  out += a.sym->abi == Abi::AbiInternal ? "<ABIInternal>" : "<ABI0>";
}

// "(R)" of a register: its name in parentheses.
void append_paren_reg(std::string& out, RegNum r) {
  out += '(';
  out += reg_name(r);
  out += ')';
}

// Go's Addr.writeNameTo: "sym+off(SB)", "name-8(SP)", "16(R14)", "(TLS)", "8". A named
// operand's base is the pseudo-register of its name class unless a register is given.
void append_name(std::string& out, const Addr& a, const DconvStyle& style) {
  auto base = [&](const char* pseudo) {
    out += '(';
    out += a.reg != reg::NONE ? reg_name(a.reg) : pseudo;
    out += ')';
  };
  const std::string_view sym = a.sym != nullptr ? std::string_view(a.sym->name) : "";
  switch (a.name) {
    case AddrName::None:
      if (a.reg == reg::NONE) {
        append_int(out, a.offset);
      } else {
        if (a.offset != 0) append_int(out, a.offset);
        append_paren_reg(out, a.reg);
      }
      return;
    case AddrName::Extern:
      out += sym;
      append_abi(out, a, style);
      append_off(out, a.offset);
      base("SB");
      return;
    case AddrName::GotRef:
      out += sym;
      append_off(out, a.offset);
      out += "@GOT";
      base("SB");
      return;
    case AddrName::Static:
      out += sym;
      out += "<>";
      append_off(out, a.offset);
      base("SB");
      return;
    case AddrName::Auto:
      out += sym;
      append_off(out, a.offset);
      base("SP");
      return;
    case AddrName::Param:
      out += sym;
      append_off(out, a.offset);
      base("FP");
      return;
  }
}

// Go's "%.17g" with ".0" after a number that has neither '.' nor 'e' ("1.5", "2.0",
// "1e+20"). Go's %g spells infinities and NaN +Inf, -Inf and NaN, which get the ".0" too.
void append_float(std::string& out, double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  std::string_view s = buf;
  if (s == "inf") s = "+Inf";
  else if (s == "-inf") s = "-Inf";
  else if (s == "nan" || s == "-nan") s = "NaN";
  out += s;
  if (s.find_first_of(".e") == std::string_view::npos) out += ".0";
}

}  // namespace

void append_dconv(std::string& out, const Addr& a, const DconvStyle& style) {
  switch (a.type) {
    case AddrType::None:
      if (a.name != AddrName::None || a.reg != reg::NONE || a.sym != nullptr) {
        append_name(out, a, style);
        append_paren_reg(out, a.reg);
        out += "(NONE)";
      }
      return;
    case AddrType::Reg:
      // x86 parks an immediate in a register operand for forms like PINSRQ.
      if (a.offset != 0) {
        out += '$';
        append_int(out, a.offset);
        out += ',';
        out += reg_name(a.reg);
      } else if (a.name != AddrName::None || a.sym != nullptr) {
        append_name(out, a, style);
        append_paren_reg(out, a.reg);
        out += "(REG)";
      } else {
        out += reg_name(a.reg);
      }
      return;
    case AddrType::Branch:
      if (a.sym != nullptr) {
        out += a.sym->name;
        append_abi(out, a, style);
        out += "(SB)";
      } else if (a.target != nullptr) {
        append_int(out, a.target->pc);
      } else {
        append_int(out, a.offset);
        out += "(PC)";
      }
      return;
    case AddrType::Indir:  // CALL *sym(SB)
      out += '*';
      append_name(out, a, style);
      return;
    case AddrType::Mem:
      append_name(out, a, style);
      if (a.index != reg::NONE) {
        out += '(';
        out += reg_name(a.index);
        if (a.scale != 0) {
          out += '*';
          append_int(out, a.scale);
        }
        out += ')';
      }
      return;
    case AddrType::Const:
      out += '$';
      append_name(out, a, style);
      if (a.reg != reg::NONE) append_paren_reg(out, a.reg);
      return;
    case AddrType::TextSize:
      out += '$';
      append_int(out, a.offset);
      if (a.argsize_set) {
        out += '-';
        append_int(out, a.argsize);
      }
      return;
    case AddrType::FConst:
      out += "$(";
      append_float(out, a.fval);
      out += ')';
      return;
    case AddrType::SConst:
      out += '$';
      out += style.quote(a.sval);
      return;
    case AddrType::Addr:
      out += '$';
      append_name(out, a, style);
      return;
    case AddrType::RegList:
      // [Rn-Rm]: Go packs the first register in bits 0-15 and the last in 16-31.
      out += '[';
      out += reg_name(static_cast<RegNum>(a.offset & 0xffff));
      out += '-';
      out += reg_name(static_cast<RegNum>((a.offset >> 16) & 0xffff));
      out += ']';
      return;
    case AddrType::Special:  // Go's SPCconv, with no names registered on amd64
      out += "SPC???";
      append_int(out, a.offset);
      return;
  }
}

}  // namespace gostack
