// Function-level encoding (Go's span6): lowers ADJSP, sizes branches by re-assembling
// until no short forward branch overflows, and fills pcs, bytes and relocations.
#include <string>
#include <vector>

#include "encode/emit.h"
#include "encode/encode.h"

namespace gostack {
namespace {

// ADJSP $n becomes SUBQ $n, SP (or ADDQ $-n, SP). $0x80 has no imm8 form but $-0x80 does,
// so ADJSP $0x80 is written ADDQ $-0x80, SP and ADJSP $-0x80 stays SUBQ $-0x80, SP.
void lower_adjsp(Prog* p) {
  p->to = Addr{};
  p->to.type = AddrType::Reg;
  p->to.reg = reg::SP;
  p->tt = 0;
  int64_t v = p->from.offset;
  if (v == 0) {
    p->as = Op::NOP;
  } else if (v == 0x80 || (v < 0 && v != -0x80)) {
    p->as = Op::ADDQ;
    p->from.offset = -v;
    p->ft = 0;
  } else {
    p->as = Op::SUBQ;
  }
}

void report_unsupported(Unit& unit, Diag& diag, const Prog* p) {
  diag.error(unit.file_name(p->pos), p->pos.line, "unsupported instruction: " + std::string(op_name(p->as)));
}

}  // namespace

bool op_supported(Op op) {
  if (op == Op::ADJSP) return true;  // lowered to ADDQ/SUBQ here
  return x86::has_encodable_forms(op);
}

void encode_function(Unit& unit, Symbol* fn, Diag& diag) {
  if (!fn->func || !fn->func->text) return;
  Prog* text = fn->func->text;

  // Unsupported instructions are reported and then take no bytes, so that the rest of
  // the function still gets its pcs and bytes (the listing shows them).
  for (Prog* p = text; p; p = p->link) {
    if (p->to.type == AddrType::Branch && p->to.target == nullptr) p->to.target = p;
    if (p->as == Op::ADJSP) lower_adjsp(p);
    if (!op_supported(p->as)) report_unsupported(unit, diag, p);
  }

  // First pass: every branch short; a branch whose target was already seen is backward.
  for (Prog* p = text; p; p = p->link) {
    p->back = x86::kBranchShort;
    p->rel = nullptr;
    p->forwd = nullptr;
    if (Prog* q = p->to.target; q && (q->back & x86::kBranchShort)) {
      p->back |= x86::kBranchBackwards;
      q->back |= x86::kBranchLoopHead;
    }
  }

  // Only a branch (to a label: its displacement; Go's Zbr/Zjmp/Zloop) encodes differently
  // when pcs move. Every other instruction gives the same bytes and relocations (offsets
  // relative to its start) in each pass, so a re-assembly copies those from the previous
  // pass instead of encoding them again.
  struct Placed {
    uint32_t at = 0;  // pc in the previous pass
    uint32_t first_reloc = 0, relocs = 0;  // its relocations in the previous pass's list
  };
  std::vector<Placed> placed;  // per Prog of the function, in order
  std::vector<uint8_t> prev_bytes;
  std::vector<Reloc> prev_relocs;

  x86::InstrEncoder enc(unit, fn, diag);
  std::vector<uint8_t>& out = fn->p;
  for (int pass = 1;; ++pass) {
    bool again = false;
    prev_bytes.swap(out);
    out.clear();
    prev_relocs.swap(fn->r);
    fn->r.clear();
    int64_t c = 0;
    size_t index = 0;
    for (Prog* p = text; p; p = p->link, ++index) {
      p->pc = c;
      if (pass == 1) placed.emplace_back();
      // Patch the forward branches that target p, now that p's pc is known.
      for (Prog* q = p->rel; q; q = q->forwd) {
        int64_t v = p->pc - (q->pc + q->isize);
        if (q->back & x86::kBranchShort) {
          if (v > 127) {
            again = true;  // too far: re-assemble with the long form
            q->back ^= x86::kBranchShort;
          }
          size_t at = q->pc + ((q->as == Op::JCXZL || q->as == Op::XBEGIN) ? 2 : 1);
          if (at < out.size()) out[at] = static_cast<uint8_t>(v);
        } else {
          size_t at = q->pc + q->isize - 4;
          for (int i = 0; i < 4 && at + i < out.size(); ++i) {
            out[at + i] = static_cast<uint8_t>(v >> (8 * i));
          }
        }
      }
      p->rel = nullptr;
      if (!op_supported(p->as)) {
        p->isize = 0;
        continue;
      }
      Placed& where = placed[index];
      const auto first_reloc = static_cast<uint32_t>(fn->r.size());
      if (pass > 1 && p->to.type != AddrType::Branch) {
        const uint8_t* bytes = prev_bytes.data() + where.at;
        out.insert(out.end(), bytes, bytes + p->isize);
        for (uint32_t i = 0; i < where.relocs; ++i) {
          Reloc r = prev_relocs[where.first_reloc + i];
          r.off += static_cast<int32_t>(c - where.at);
          fn->r.push_back(r);
        }
      } else {
        enc.encode(p);
        p->isize = static_cast<uint8_t>(enc.size());
        out.insert(out.end(), enc.bytes(), enc.bytes() + enc.size());
      }
      where = Placed{static_cast<uint32_t>(c), first_reloc, static_cast<uint32_t>(fn->r.size()) - first_reloc};
      c += p->isize;
    }
    fn->size = c;
    if (!again || enc.errors() != 0) break;
    if (pass > 1000) {
      diag.error(fn->name + ": span must be looping");
      break;
    }
  }
}

}  // namespace gostack
