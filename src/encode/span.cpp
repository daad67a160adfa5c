// Function-level encoding (Go's span6): lowers ADJSP, sizes branches by re-assembling
// until no short forward branch overflows, and fills pcs, bytes and relocations.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "encode/emit.h"
#include "encode/encode.h"

namespace gostack {
namespace {

// One pass's code bytes: grown by doubling and never zero-filled (a vector's resize would
// clear every byte before the encoder writes it). Bytes up to the pass's length are all
// written before they are read.
class CodeBuffer {
 public:
  uint8_t* data() { return bytes_.get(); }
  const uint8_t* data() const { return bytes_.get(); }
  // Room for n more bytes after the first len, which are kept.
  void reserve_after(size_t len, size_t n) {
    if (len + n <= cap_) return;
    const size_t cap = std::max(2 * cap_, len + n);
    auto bigger = std::make_unique_for_overwrite<uint8_t[]>(cap);
    if (len != 0) std::memcpy(bigger.get(), bytes_.get(), len);
    bytes_ = std::move(bigger);
    cap_ = cap;
  }

 private:
  std::unique_ptr<uint8_t[]> bytes_;
  size_t cap_ = 0;
};

void report_unsupported(Unit& unit, Diag& diag, const Prog* p) {
  diag.stage_error(unit.file_name(p->pos), p->pos.line, "unsupported instruction: " + std::string(op_name(p->as)));
}

}  // namespace

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

bool op_supported(Op op) {
  if (op == Op::ADJSP) return true;  // lowered to ADDQ/SUBQ here
  return x86::has_encodable_forms(op);
}

void encode_function(Unit& unit, Symbol* fn, Diag& diag) {
  if (!fn->func || !fn->func->text) return;
  Prog* text = fn->func->text;

  // The buffer's first size needs the instruction count; the branch state starts clear
  // (as a new Prog has it: this walk only matters if the function was encoded before).
  // Everything else the first pass needs of an instruction is set as that pass reaches it
  // (below), not in a walk of its own.
  size_t nprogs = 0;
  for (Prog* p = text; p; p = p->link, ++nprogs) {
    p->back = 0;
    p->rel = nullptr;
  }
  // Unsupported instructions are reported and then take no bytes, so that the rest of
  // the function still gets its pcs and bytes (the listing shows them).
  bool all_supported = true;  // known after the first pass; the usual case: no test again

  // Only a branch (to a label: its displacement; Go's Zbr/Zjmp/Zloop) encodes differently
  // when pcs move. Every other instruction gives the same bytes and relocations (offsets
  // relative to its start) in each pass, so a re-assembly copies those from the previous
  // pass instead of encoding them again. The instructions between two branches are one
  // run, contiguous in the previous pass's bytes (from the first one's pc then, which p->pc
  // still holds when the run starts) and in its relocation list (sorted by offset), copied
  // with one memcpy.
  CodeBuffer out, prev_bytes;
  std::vector<Reloc> prev_relocs;

  x86::InstrEncoder enc(unit, fn, diag);
  // `out` is written at `len` with room for at least kRoom bytes more, so that appending
  // one instruction is a fixed-size copy.
  constexpr size_t kRoom = 64;
  static_assert(x86::InstrEncoder::kMaxSize == kRoom);
  size_t len = 0;
  for (int pass = 1;; ++pass) {
    bool again = false;
    std::swap(prev_bytes, out);
    prev_relocs.swap(fn->r);
    fn->r.clear();
    // Room for the usual function at once (instructions average under 5 bytes), rather
    // than growing it step by step; a later pass needs about the size of the one before.
    len = 0;
    out.reserve_after(0, (pass == 1 ? 8 * nprogs : static_cast<size_t>(fn->size)) + kRoom);
    // The pending run of copied instructions: its pc in the previous pass and its size;
    // `next_reloc` walks the previous pass's relocations.
    int64_t run_at = 0, run_size = 0;
    size_t next_reloc = 0;
    auto flush_run = [&] {
      out.reserve_after(len, run_size + kRoom);
      std::memcpy(out.data() + len, prev_bytes.data() + run_at, run_size);
      // Relocations before the run belong to re-encoded branches: already emitted anew.
      while (next_reloc < prev_relocs.size() && prev_relocs[next_reloc].off < run_at) ++next_reloc;
      const auto shift = static_cast<int32_t>(len - run_at);
      for (; next_reloc < prev_relocs.size() && prev_relocs[next_reloc].off < run_at + run_size;
           ++next_reloc) {
        Reloc r = prev_relocs[next_reloc];
        r.off += shift;
        fn->r.push_back(r);
      }
      len += run_size;
      run_size = 0;
    };
    int64_t c = 0;
    for (Prog* p = text; p; p = p->link) {
      const int64_t prev_pc = p->pc;
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
          if (at < len) out.data()[at] = static_cast<uint8_t>(v);
        } else {
          size_t at = q->pc + q->isize - 4;
          for (int i = 0; i < 4 && at + i < len; ++i) {
            out.data()[at + i] = static_cast<uint8_t>(v >> (8 * i));
          }
        }
      }
      p->rel = nullptr;
      if (pass == 1) {
        // First sight of p: its branch is short, and backward if its target was seen
        // already (kBranchSeen: set here and never cleared, unlike kBranchShort). A branch
        // without a target jumps to itself; ADJSP becomes ADDQ/SUBQ.
        if (p->to.type == AddrType::Branch && p->to.target == nullptr) p->to.target = p;
        if (p->as == Op::ADJSP) lower_adjsp(p);
        p->back = x86::kBranchShort | x86::kBranchSeen;
        if (Prog* q = p->to.target; q && (q->back & x86::kBranchSeen)) p->back |= x86::kBranchBackwards;
        if (!op_supported(p->as)) {
          report_unsupported(unit, diag, p);
          all_supported = false;
          p->isize = 0;
          continue;
        }
      }
      const bool supported = all_supported || op_supported(p->as);
      if (pass > 1 && !(p->to.type == AddrType::Branch && supported)) {
        if (run_size == 0) run_at = prev_pc;
        run_size += p->isize;
        c += p->isize;
        continue;
      }
      if (!supported) {
        p->isize = 0;
        continue;
      }
      if (run_size != 0) flush_run();
      enc.encode(p);
      p->isize = static_cast<uint8_t>(enc.size());
      out.reserve_after(len, kRoom);
      // Fixed-size copies (a few vector moves): nearly every instruction fits in 16 bytes.
      std::memcpy(out.data() + len, enc.bytes(), 16);
      if (p->isize > 16) std::memcpy(out.data() + len + 16, enc.bytes() + 16, kRoom - 16);
      len += p->isize;
      c += p->isize;
    }
    if (run_size != 0) flush_run();
    fn->size = c;
    if (!again || enc.errors() != 0) break;
    if (pass > 1000) {
      diag.error(fn->name + ": span must be looping");
      break;
    }
  }
  fn->p.assign(out.data(), out.data() + len);
}

}  // namespace gostack
