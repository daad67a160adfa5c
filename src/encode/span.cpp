// Function-level encoding (Go's span6): lowers ADJSP, sizes branches by re-assembling
// until no short forward branch overflows, and fills pcs, bytes and relocations.
#include <algorithm>
#include <cstring>
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
  size_t nprogs = 0;
  for (Prog* p = text; p; p = p->link, ++nprogs) {
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
  // relative to its start) in each pass, so a re-assembly copies those from pass 1 instead
  // of encoding them again: the instructions between two branches are one run, contiguous
  // in pass 1's bytes and relocation list, copied with one memcpy.
  struct Placed {
    uint32_t at = 0;  // pc in pass 1
    uint32_t first_reloc = 0, relocs = 0;  // its relocations in pass 1's list
    bool reencode = false;  // a branch, encoded again in every pass
  };
  std::vector<Placed> placed;  // per Prog of the function, in order
  placed.reserve(nprogs);
  std::vector<uint8_t> first_bytes;
  std::vector<Reloc> first_relocs;

  x86::InstrEncoder enc(unit, fn, diag);
  std::vector<uint8_t>& out = fn->p;
  // `out` is written at `len` and kept at least kRoom bytes longer, so that appending one
  // instruction is a fixed-size copy; it is cut to `len` after each pass.
  constexpr size_t kRoom = 64;
  size_t len = 0;
  auto make_room = [&](size_t n) {
    if (out.size() < len + n) out.resize(std::max(2 * out.size(), len + n));
  };
  for (int pass = 1;; ++pass) {
    bool again = false;
    if (pass == 2) {
      first_bytes.swap(out);
      first_relocs.swap(fn->r);
    }
    out.clear();
    fn->r.clear();
    len = 0;
    // The pending run of copied instructions: where it starts in pass 1, its size, and
    // its relocations there.
    uint32_t run_at = 0, run_size = 0, run_reloc = 0, run_relocs = 0;
    auto flush_run = [&] {
      make_room(run_size + kRoom);
      std::memcpy(out.data() + len, first_bytes.data() + run_at, run_size);
      const auto shift = static_cast<int32_t>(len - run_at);
      for (uint32_t i = 0; i < run_relocs; ++i) {
        Reloc r = first_relocs[run_reloc + i];
        r.off += shift;
        fn->r.push_back(r);
      }
      len += run_size;
      run_size = run_relocs = 0;
    };
    int64_t c = 0;
    size_t index = 0;
    for (Prog* p = text; p; p = p->link, ++index) {
      p->pc = c;
      // Patch the forward branches that target p, now that p's pc is known. They are
      // already in `out`: a branch ends the run before it.
      for (Prog* q = p->rel; q; q = q->forwd) {
        int64_t v = p->pc - (q->pc + q->isize);
        if (q->back & x86::kBranchShort) {
          if (v > 127) {
            again = true;  // too far: re-assemble with the long form
            q->back ^= x86::kBranchShort;
          }
          size_t at = q->pc + ((q->as == Op::JCXZL || q->as == Op::XBEGIN) ? 2 : 1);
          if (at < len) out[at] = static_cast<uint8_t>(v);
        } else {
          size_t at = q->pc + q->isize - 4;
          for (int i = 0; i < 4 && at + i < len; ++i) {
            out[at + i] = static_cast<uint8_t>(v >> (8 * i));
          }
        }
      }
      p->rel = nullptr;
      if (pass == 1) {
        const bool supported = op_supported(p->as);
        placed.push_back(Placed{static_cast<uint32_t>(len), static_cast<uint32_t>(fn->r.size()),
                                0, supported && p->to.type == AddrType::Branch});
        if (!supported) {
          p->isize = 0;
          continue;
        }
      } else if (const Placed& where = placed[index]; !where.reencode) {
        if (run_size == 0 && run_relocs == 0) {
          run_at = where.at;
          run_reloc = where.first_reloc;
        }
        run_size += p->isize;
        run_relocs += where.relocs;
        c += p->isize;
        continue;
      }
      if (run_size != 0 || run_relocs != 0) flush_run();
      const size_t first_reloc = fn->r.size();
      enc.encode(p);
      p->isize = static_cast<uint8_t>(enc.size());
      make_room(kRoom);
      static_assert(x86::InstrEncoder::kMaxSize == kRoom);
      std::memcpy(out.data() + len, enc.bytes(), kRoom);  // the whole buffer: a fixed-size copy
      len += p->isize;
      if (pass == 1) placed[index].relocs = static_cast<uint32_t>(fn->r.size() - first_reloc);
      c += p->isize;
    }
    if (run_size != 0 || run_relocs != 0) flush_run();
    out.resize(len);
    fn->size = c;
    if (!again || enc.errors() != 0) break;
    if (pass > 1000) {
      diag.error(fn->name + ": span must be looping");
      break;
    }
  }
}

}  // namespace gostack
