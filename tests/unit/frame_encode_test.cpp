// The frame pass followed by the encoder on hand-built functions: the bytes of the
// seed document's example, with Go 1.19's prologue (bytes from Go's listing of
// prologue_variants_amd64.s) and with -compat=go1.16 (g in CX).
#include <gtest/gtest.h>

#include "encode/encode.h"
#include "frame_builder.h"

namespace gostack {
namespace {

using namespace gostack::testing;

// Bytes as "64 48 8b ..." so that a failure shows both sides in full.
std::string hex(const std::vector<uint8_t>& b, size_t n = SIZE_MAX) {
  std::string out;
  char buf[4];
  for (size_t i = 0; i < b.size() && i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", b[i]);
    if (!out.empty()) out += ' ';
    out += buf;
  }
  return out;
}

struct Seed : FrameFixture {
  // TEXT ·printnl(SB), flags, $8 ; CALL runtime·printnl(SB) ; RET
  Symbol* printnl(int flags) {
    FnBuilder f(u, flags & textflag::kNoSplit ? "\"\".printnl_nosplit" : "\"\".printnl", flags, 8, -1, 8);
    f.call(9, "runtime.printnl");
    f.add(10, Op::RET);
    lower_function(u, f.sym(), diag);
    encode_function(u, f.sym(), diag);
    return f.sym();
  }
};

TEST_F(Seed, Go119SplitCheck) {
  Symbol* s = printnl(0);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(hex(s->p), ("64 4c 8b 34 25 00 00 00 00 49 3b 66 10 76 1d 48 "
                      "83 ec 10 48 89 6c 24 08 48 8d 6c 24 08 e8 00 00 "
                      "00 00 48 8b 6c 24 08 48 83 c4 10 c3 e8 00 00 00 "
                      "00 eb cd"));
}

TEST_F(Seed, Go116Nosplit) {
  u.compat_go116 = true;
  Symbol* s = printnl(textflag::kNoSplit);
  EXPECT_TRUE(errors.empty());
  // SUBQ $16, SP ; MOVQ BP, 8(SP) ; LEAQ 8(SP), BP ; CALL runtime.printnl(SB) ;
  // MOVQ 8(SP), BP ; ADDQ $16, SP ; RET
  EXPECT_EQ(hex(s->p), ("48 83 ec 10 48 89 6c 24 08 48 8d 6c 24 08 e8 00 "
                      "00 00 00 48 8b 6c 24 08 48 83 c4 10 c3"));
}

TEST_F(Seed, Go116SplitCheck) {
  u.compat_go116 = true;
  Symbol* s = printnl(0);
  EXPECT_TRUE(errors.empty());
  // MOVQ (TLS), CX ; CMPQ SP, 16(CX) ; JLS 44 ; <frame as above> ;
  // CALL runtime.morestack_noctxt(SB) ; JMP 0
  EXPECT_EQ(hex(s->p), ("64 48 8b 0c 25 00 00 00 00 48 3b 61 10 76 1d 48 "
                      "83 ec 10 48 89 6c 24 08 48 8d 6c 24 08 e8 00 00 "
                      "00 00 48 8b 6c 24 08 48 83 c4 10 c3 e8 00 00 00 "
                      "00 eb cd"));
  ASSERT_EQ(s->r.size(), 3u);
  EXPECT_EQ(s->r[0].type, RelocType::TLS_LE);
  EXPECT_EQ(s->r[0].off, 5);
  EXPECT_EQ(s->r[0].siz, 4);
  EXPECT_EQ(s->r[2].sym->name, "runtime.morestack_noctxt");
}

TEST_F(Seed, Go116HugeFrame) {
  u.compat_go116 = true;
  FnBuilder f(u, "\"\".big", 0, 5000, 0, 1);
  f.call(2, "runtime.printnl");
  f.add(3, Op::RET);
  lower_function(u, f.sym(), diag);
  encode_function(u, f.sym(), diag);
  EXPECT_TRUE(errors.empty());
  // MOVQ (TLS), CX ; MOVQ 16(CX), SI ; CMPQ SI, $-1314 ; JEQ ; LEAQ 928(SP), AX ;
  // SUBQ SI, AX ; CMPQ AX, $5808 ; JLS (JEQ skips 63 bytes to the CALL of morestack)
  const auto& p = f.sym()->p;
  ASSERT_GE(p.size(), 40u);
  EXPECT_EQ(hex(p, 39),
            ("64 48 8b 0c 25 00 00 00 00 48 8b 71 10 48 81 fe de fa ff ff 74 3f "
                "48 8d 84 24 a0 03 00 00 48 29 f0 48 3d b0 16 00 00"));
}

}  // namespace
}  // namespace gostack
