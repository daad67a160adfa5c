// The -S listing in Go 1.19's format (cmd/internal/obj: util.go's Prog printing, objfile.go's
// writeSymDebug, x86/list6.go's register and suffix names; operands are core/dconv.h's).
#include "listing/listing.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <string_view>

#include "core/dconv.h"
#include "lex/token.h"

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

std::string format_addr(const Unit&, const Prog&, const Addr& a) {
  // Go's Dconv as the listing prints it: no ABI detail.
  return dconv(a, DconvStyle{.quote = lex::go_quote});
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
