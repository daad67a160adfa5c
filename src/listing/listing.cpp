// The -S listing in Go 1.19's format (cmd/internal/obj: util.go's Prog/Addr printing,
// objfile.go's writeSymDebug, x86/list6.go's register and suffix names).
#include "listing/listing.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string_view>

// GCC 12 reports -Wrestrict inside libstdc++ for `"literal" + std::string` once inlined
// (a false positive, GCC bug 105329); this file builds its text that way throughout.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

namespace gostack {
namespace {

void appendf(std::string& out, const char* fmt, auto... args) {
  char buf[128];
  int n = std::snprintf(buf, sizeof buf, fmt, args...);
  out.append(buf, static_cast<size_t>(std::min<int>(n, sizeof buf - 1)));
}

// Go's offConv: "" for 0, else a signed offset ("+8", "-16").
std::string off_conv(int64_t off) {
  if (off == 0) return "";
  std::string s;
  appendf(s, "%+" PRId64, off);
  return s;
}

// The base printed for a named operand: the pseudo-register of its name class unless
// a real register is given.
std::string base_name(RegNum r, const char* dflt) {
  if (r == reg::NONE || r < reg::AL) return dflt;
  return reg_name(r);
}

// Go's Addr.WriteNameTo: "sym+off(SB)", "name-8(SP)", "16(R14)", "(TLS)", "8".
void write_name(std::string& out, const Addr& a) {
  const std::string sym = a.sym != nullptr ? a.sym->name : "";
  switch (a.name) {
    case AddrName::None:
      if (a.reg == reg::NONE) {
        appendf(out, "%" PRId64, a.offset);
      } else if (a.offset == 0) {
        out += "(" + reg_name(a.reg) + ")";
      } else {
        appendf(out, "%" PRId64, a.offset);
        out += "(" + reg_name(a.reg) + ")";
      }
      return;
    case AddrName::Extern:
      out += sym + off_conv(a.offset) + "(" + base_name(a.reg, "SB") + ")";
      return;
    case AddrName::GotRef:
      out += sym + off_conv(a.offset) + "@GOT(" + base_name(a.reg, "SB") + ")";
      return;
    case AddrName::Static:
      out += sym + "<>" + off_conv(a.offset) + "(" + base_name(a.reg, "SB") + ")";
      return;
    case AddrName::Auto:
      out += sym + off_conv(a.offset) + "(" + base_name(a.reg, "SP") + ")";
      return;
    case AddrName::Param:
      out += sym + off_conv(a.offset) + "(" + base_name(a.reg, "FP") + ")";
      return;
  }
}

// Go's %q for the $"..." operands of DATA: printable ASCII as is, the usual escapes,
// other bytes as \xNN.
std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += static_cast<char>(c);
        } else {
          appendf(out, "\\x%02x", c);
        }
    }
  }
  return out + "\"";
}

// Go's %.17g with ".0" appended to integral values ("$(1.5)", "$(2.0)", "$(1e+20)").
std::string float_conv(double v) {
  std::string s;
  appendf(s, "%.17g", v);
  if (s.find_first_of(".e") == std::string::npos && s.find_first_of("ni") == std::string::npos) s += ".0";
  if (s == "inf") s = "+Inf";
  if (s == "-inf") s = "-Inf";
  if (s == "nan" || s == "-nan") s = "NaN";
  return s;
}

// Go's x86 opcode suffixes (".Z", ".BCST", ".RN_SAE.Z" ...).
std::string suffix_conv(uint8_t scond) {
  if (scond == scond::kNone) return "";
  static constexpr std::string_view kBase[] = {"", "RN_SAE", "RZ_SAE", "RD_SAE", "RU_SAE", "SAE", "BCST"};
  const int base = scond & 7;
  const bool z = (scond & scond::kZ) != 0;
  if (base >= static_cast<int>(std::size(kBase)) || (scond & ~(scond::kZ | 7)) != 0) return ".<bad suffix>";
  std::string s = "." + std::string(kBase[base]);
  if (z) s += base == 0 ? "Z" : ".Z";
  return s;
}

// The attributes Go prints after a TEXT symbol (LSym.TextAttrString), in Go's order.
std::string text_attrs(const Symbol& fn) {
  const int flags = fn.func ? fn.func->textflags : 0;
  std::string s;
  auto add = [&s](bool on, const char* name) {
    if (!on) return;
    if (!s.empty()) s += "|";
    s += name;
  };
  add(fn.dupok, "DUPOK");
  add(fn.func && fn.func->cfunc, "CFUNC");
  add(fn.nosplit, "NOSPLIT");
  add(flags & textflag::kReflectMethod, "REFLECTMETHOD");
  add(flags & textflag::kWrapper, "WRAPPER");
  add(flags & textflag::kNeedCtxt, "NEEDCTXT");
  add(flags & textflag::kNoFrame, "NOFRAME");
  add(fn.is_static, "STATIC");
  add(flags & textflag::kAbiWrapper, "ABIWRAPPER");
  add(fn.abi == Abi::AbiInternal, "ABIInternal");
  add(fn.func && (fn.func->topframe || (flags & textflag::kTopFrame)), "TOPFRAME");
  return s;
}

// Go's objabi.SymKind names.
const char* kind_name(SymKind k) {
  switch (k) {
    case SymKind::None: return "Sxxx";
    case SymKind::Text: return "STEXT";
    case SymKind::RoData: return "SRODATA";
    case SymKind::NoPtrData: return "SNOPTRDATA";
    case SymKind::Data: return "SDATA";
    case SymKind::Bss: return "SBSS";
    case SymKind::NoPtrBss: return "SNOPTRBSS";
    case SymKind::TlsBss: return "STLSBSS";
  }
  return "Sxxx";
}

// One symbol as Go's writeSymDebug prints it: header, instructions, hex dump, relocations.
void write_symbol(const Unit& unit, const Symbol& s, std::string& out) {
  const bool is_text = s.kind == SymKind::Text && s.func != nullptr;
  out += s.name;
  out += " ";
  if (s.kind != SymKind::None) out += std::string(kind_name(s.kind)) + " ";
  if (s.is_static) out += "static ";
  if (s.dupok) out += "dupok ";
  if (is_text && s.func->cfunc) out += "cfunc ";
  if (is_text && s.nosplit) out += "nosplit ";
  if (is_text && (s.func->topframe || (s.func->textflags & textflag::kTopFrame))) out += "topframe ";
  if (is_text && s.func->is_asm) out += "asm ";
  appendf(out, "size=%" PRId64, s.size);
  if (is_text) {
    const FuncInfo& f = *s.func;
    // Go's "%#x" prints 0 as 0x0.
    appendf(out, " args=0x%" PRIx64 " locals=0x%" PRIx64 " funcid=0x%x align=0x%x",
            static_cast<uint64_t>(static_cast<int64_t>(f.args)),
            static_cast<uint64_t>(static_cast<int64_t>(f.locals)), f.funcid, 0);
  }
  out += "\n";
  if (is_text) {
    for (const Prog* p = s.func->text; p != nullptr; p = p->link) {
      // Go's "%#04x": 0x and at least four digits.
      appendf(out, "\t0x%04" PRIx64 " %.5" PRId64 " ", static_cast<uint64_t>(p->pc), p->pc);
      out += format_prog(unit, *p);
      out += "\n";
    }
  }
  for (size_t i = 0; i < s.p.size(); i += 16) {
    appendf(out, "\t0x%04zx", i);
    size_t j = i;
    for (; j < i + 16 && j < s.p.size(); ++j) appendf(out, " %02x", s.p[j]);
    for (; j < i + 16; ++j) out += "   ";
    out += "  ";
    for (j = i; j < i + 16 && j < s.p.size(); ++j) {
      const uint8_t c = s.p[j];
      out += (c >= ' ' && c <= 0x7e) ? static_cast<char>(c) : '.';
    }
    out += "\n";
  }
  std::vector<const Reloc*> rels;
  for (const Reloc& r : s.r) rels.push_back(&r);
  std::stable_sort(rels.begin(), rels.end(), [](const Reloc* a, const Reloc* b) { return a->off < b->off; });
  for (const Reloc* r : rels) {
    std::string name;
    if (r->sym != nullptr) {
      name = r->sym->name;
    } else if (r->type == RelocType::TLS_LE) {
      name = "TLS";
    }
    appendf(out, "\trel %d+%d t=%d ", r->off, r->siz, static_cast<int>(r->type));
    out += name;
    appendf(out, "+%" PRId64 "\n", r->add);
  }
}

}  // namespace

std::string format_addr(const Unit& unit, const Prog& p, const Addr& a) {
  std::string out;
  switch (a.type) {
    case AddrType::None:
      if (a.name != AddrName::None || a.reg != reg::NONE || a.sym != nullptr) {
        write_name(out, a);
        out += "(" + reg_name(a.reg) + ")(NONE)";
      }
      break;
    case AddrType::Reg:
      // x86 parks an immediate in a register operand for forms like PINSRQ.
      if (a.offset != 0) {
        appendf(out, "$%" PRId64 ",", a.offset);
        out += reg_name(a.reg);
      } else if (a.name != AddrName::None || a.sym != nullptr) {
        write_name(out, a);
        out += "(" + reg_name(a.reg) + ")(REG)";
      } else {
        out += reg_name(a.reg);
      }
      break;
    case AddrType::Branch:
      if (a.sym != nullptr) {
        out += a.sym->name + "(SB)";
      } else if (a.target != nullptr) {
        appendf(out, "%" PRId64, a.target->pc);
      } else {
        appendf(out, "%" PRId64 "(PC)", a.offset);
      }
      break;
    case AddrType::Mem:
      write_name(out, a);
      if (a.index != reg::NONE) {
        if (a.scale == 0) {
          out += "(" + reg_name(a.index) + ")";
        } else {
          out += "(" + reg_name(a.index) + "*" + std::to_string(a.scale) + ")";
        }
      }
      break;
    case AddrType::Const:
      out += "$";
      write_name(out, a);
      if (a.reg != reg::NONE) out += "(" + reg_name(a.reg) + ")";
      break;
    case AddrType::TextSize:
      appendf(out, "$%" PRId64, a.offset);
      if (a.argsize_set) appendf(out, "-%d", a.argsize);
      break;
    case AddrType::FConst:
      out += "$(" + float_conv(a.fval) + ")";
      break;
    case AddrType::SConst:
      out += "$" + go_quote(a.sval);
      break;
    case AddrType::Addr:
      out += "$";
      write_name(out, a);
      break;
    case AddrType::Indir:  // CALL *sym(SB)
      out += "*";
      write_name(out, a);
      break;
    case AddrType::RegList: {
      const auto lo = static_cast<RegNum>(a.offset & 0xffff);
      const auto hi = static_cast<RegNum>((a.offset >> 16) & 0xffff);
      out += "[" + reg_name(lo) + "-" + reg_name(hi) + "]";
      break;
    }
    case AddrType::Special:
      appendf(out, "SPC???%" PRId64, a.offset);
      break;
  }
  return out;
}

std::string format_prog(const Unit& unit, const Prog& p) {
  std::string out = "(";
  out += unit.format_pos(p.pos);
  out += ")\t";
  out += format_instruction(unit, p);
  return out;
}

std::string format_instruction(const Unit& unit, const Prog& p) {
  std::string out(op_name(p.as));
  out += suffix_conv(p.scond);
  const char* sep = "\t";
  if (p.from.type != AddrType::None) {
    out += sep + format_addr(unit, p, p.from);
    sep = ", ";
  }
  if (p.reg != reg::NONE) {
    out += sep + reg_name(p.reg);
    sep = ", ";
  }
  for (const RestArg& r : p.rest) {
    if (r.is_dest) continue;
    out += sep + format_addr(unit, p, r.addr);
    sep = ", ";
  }
  if (p.as == Op::TEXT && p.from.sym != nullptr) {
    std::string attrs = text_attrs(*p.from.sym);
    if (!attrs.empty()) {
      out += sep + attrs;
      sep = ", ";
    }
  }
  if (p.to.type != AddrType::None) out += sep + format_addr(unit, p, p.to);
  if (p.regto2 != reg::NONE) out += sep + reg_name(p.regto2);
  for (const RestArg& r : p.rest) {
    if (!r.is_dest) continue;
    out += sep + format_addr(unit, p, r.addr);
    sep = ", ";
  }
  return out;
}

void write_listing(const Unit& unit, std::string& out) {
  for (const Symbol* s : unit.text) write_symbol(unit, *s, out);
  for (const Symbol* s : unit.data) write_symbol(unit, *s, out);
  std::vector<const Symbol*> consts(unit.const_syms.begin(), unit.const_syms.end());
  std::sort(consts.begin(), consts.end(), [](const Symbol* a, const Symbol* b) { return a->name < b->name; });
  for (const Symbol* s : consts) write_symbol(unit, *s, out);
}

}  // namespace gostack
