// The -S listing format on hand-built symbols, against text Go 1.19 printed for the
// same symbols (prologue_demo_amd64.go119.S.txt and a data-symbol sample).
#include <gtest/gtest.h>

#include <limits>

#include "frame_builder.h"
#include "parse/parser.h"

namespace gostack {
namespace {

using namespace gostack::testing;

std::vector<uint8_t> hex(const char* s) {
  std::vector<uint8_t> out;
  for (const char* p = s; *p; ++p) {
    if (*p == ' ') continue;
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(p, 2), nullptr, 16)));
    ++p;
  }
  return out;
}

// Sets the pcs the encoder would give "".leaf (SUBQ 4, MOVQ 5, LEAQ 5, MOVQ 4, MOVQ 5, ADDQ 4, RET 1).
TEST(Listing, TextSymbol) {
  Unit u;
  Diag diag;
  u.files = {PosBase("prologue_demo_amd64.s")};
  FnBuilder f(u, "\"\".leaf", 0, 16, 8, 11);
  f.add(12, Op::MOVQ, R(reg::AX), M(reg::SP, 0));
  f.add(13, Op::RET);
  lower_function(u, f.sym(), diag);
  const int sizes[] = {0, 4, 5, 5, 0, 0, 4, 5, 4, 1};
  int64_t pc = 0;
  int i = 0;
  for (Prog* p = f.sym()->func->text; p; p = p->link, ++i) {
    p->pc = pc;
    pc += sizes[i];
  }
  f.sym()->p = hex("48 83 ec 18 48 89 6c 24 10 48 8d 6c 24 10 48 89 04 24 48 8b 6c 24 10 48 83 c4 18 c3");
  f.sym()->size = 28;
  std::string out;
  write_listing(u, out);
  EXPECT_EQ(out,
            "\"\".leaf STEXT nosplit asm size=28 args=0x8 locals=0x18 funcid=0x0 align=0x0\n"
            "\t0x0000 00000 (prologue_demo_amd64.s:11)\tTEXT\t\"\".leaf(SB), NOSPLIT, $24-8\n"
            "\t0x0000 00000 (prologue_demo_amd64.s:11)\tSUBQ\t$24, SP\n"
            "\t0x0004 00004 (prologue_demo_amd64.s:11)\tMOVQ\tBP, 16(SP)\n"
            "\t0x0009 00009 (prologue_demo_amd64.s:11)\tLEAQ\t16(SP), BP\n"
            "\t0x000e 00014 (prologue_demo_amd64.s:11)\tFUNCDATA\t$5, \"\".leaf.arginfo0(SB)\n"
            "\t0x000e 00014 (prologue_demo_amd64.s:11)\tFUNCDATA\t$0, \"\".leaf.args_stackmap(SB)\n"
            "\t0x000e 00014 (prologue_demo_amd64.s:12)\tMOVQ\tAX, (SP)\n"
            "\t0x0012 00018 (prologue_demo_amd64.s:13)\tMOVQ\t16(SP), BP\n"
            "\t0x0017 00023 (prologue_demo_amd64.s:13)\tADDQ\t$24, SP\n"
            "\t0x001b 00027 (prologue_demo_amd64.s:13)\tRET\n"
            "\t0x0000 48 83 ec 18 48 89 6c 24 10 48 8d 6c 24 10 48 89  H...H.l$.H.l$.H.\n"
            "\t0x0010 04 24 48 8b 6c 24 10 48 83 c4 18 c3              .$H.l$.H....\n");
}

// Data symbols: kinds, static/dupok, contents shorter than size, relocations by offset,
// then the constants the frame pass made, sorted by name.
TEST(Listing, DataSymbols) {
  Unit u;
  Diag diag;
  u.files = {PosBase("./t1.s")};
  Symbol* foo = u.lookup("foo", true);
  foo->kind = SymKind::RoData;
  foo->size = 16;
  foo->p = hex("01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
  Symbol* bar = u.lookup("\"\".bar");
  foo->r.push_back({8, 8, RelocType::Addr, 0, bar});
  bar->kind = SymKind::NoPtrData;
  bar->size = 8;
  bar->p = {'a', 'b', 'c', 'd'};
  Symbol* qux = u.lookup("\"\".qux");
  qux->kind = SymKind::NoPtrBss;
  qux->size = 8;
  qux->dupok = true;
  u.data = {foo, bar, qux};

  FnBuilder f(u, "sfn", textflag::kNoSplit, 0, -1, 10);
  f.sym()->is_static = true;
  Addr c;
  c.type = AddrType::FConst;
  c.fval = 3.25;
  f.add(11, Op::MOVSD, c, R(reg::X0));
  c.fval = 2.5;
  f.add(12, Op::MOVSS, c, R(reg::X0));
  f.add(13, Op::RET);
  lower_function(u, f.sym(), diag);
  u.text.clear();

  std::string out;
  write_listing(u, out);
  EXPECT_EQ(out,
            "foo SRODATA static size=16\n"
            "\t0x0000 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................\n"
            "\trel 8+8 t=1 \"\".bar+0\n"
            "\"\".bar SNOPTRDATA size=8\n"
            "\t0x0000 61 62 63 64                                      abcd\n"
            "\"\".qux SNOPTRBSS dupok size=8\n"
            "$f32.40200000 SRODATA size=4\n"
            "\t0x0000 00 00 20 40                                      .. @\n"
            "$f64.400a000000000000 SRODATA size=8\n"
            "\t0x0000 00 00 00 00 00 00 0a 40                          .......@\n");
}

TEST(Listing, StaticTextAndBranches) {
  Unit u;
  Diag diag;
  u.files = {PosBase("./t1.s")};
  FnBuilder f(u, "sfn", textflag::kNoSplit, 0, -1, 10);
  f.sym()->is_static = true;
  f.add(20, Op::RET, {}, Named(u, AddrName::Extern, "\"\".bar", 0));
  Addr st;
  st.type = AddrType::Mem;
  st.name = AddrName::Static;
  st.sym = f.sym();
  f.add(21, Op::JMP, {}, st);
  lower_function(u, f.sym(), diag);
  f.sym()->func->text->from.name = AddrName::Static;
  auto lines = listing_lines(u, f.sym());
  EXPECT_EQ(lines[0], "(./t1.s:10)\tTEXT\tsfn<>(SB), NOSPLIT|STATIC, $0");
  EXPECT_EQ(lines[1], "(./t1.s:20)\tJMP\t\"\".bar(SB)");
  EXPECT_EQ(lines[2], "(./t1.s:21)\tJMP\tsfn(SB)");
}

TEST(Listing, OperandForms) {
  Unit u;
  Prog p;
  auto fmt = [&](const Addr& a) { return format_addr(u, p, a); };
  Addr idx = M(reg::R14, 0);
  idx.index = reg::TLS;
  idx.scale = 2;
  EXPECT_EQ(fmt(idx), "(R14)(TLS*2)");
  Addr sib = M(reg::AX, -8);
  sib.index = reg::CX;
  sib.scale = 8;
  EXPECT_EQ(fmt(sib), "-8(AX)(CX*8)");
  EXPECT_EQ(fmt(C(-128)), "$-128");
  Addr f;
  f.type = AddrType::FConst;
  f.fval = 2;
  EXPECT_EQ(fmt(f), "$(2.0)");
  f.fval = 0.1;
  EXPECT_EQ(fmt(f), "$(0.10000000000000001)");
  f.fval = 1e20;
  EXPECT_EQ(fmt(f), "$(1e+20)");
  Addr s;
  s.type = AddrType::SConst;
  s.sval = "a\"b\n\x01";
  EXPECT_EQ(fmt(s), "$\"a\\\"b\\n\\x01\"");
  Addr list;
  list.type = AddrType::RegList;
  list.offset = (int64_t{1} << 61) | reg_x(0) | (int64_t{reg_x(3)} << 16);
  EXPECT_EQ(fmt(list), "[X0-X3]");
  Addr br;
  br.type = AddrType::Branch;
  br.offset = 5;
  EXPECT_EQ(fmt(br), "5(PC)");
  Addr pinsr = R(reg_x(6));
  pinsr.offset = 1;
  EXPECT_EQ(fmt(pinsr), "$1,X6");
  Addr got = Named(u, AddrName::GotRef, "runtime.x", 8);
  EXPECT_EQ(fmt(got), "runtime.x+8@GOT(SB)");
  Addr indir = Named(u, AddrName::Extern, "x.y", 0);
  indir.type = AddrType::Indir;
  EXPECT_EQ(fmt(indir), "*x.y(SB)");  // Go 1.19 -S: "CALL\t*x.y(SB)"
}

// core/dconv's two styles: the listing's (no ABI detail) and the parser messages' (ABI
// detail when asked). Both spell a float as Go's "%.17g" plus ".0" does, infinities and NaN
// included ($(+Inf.0), as Go prints them), and quote a string constant as Go's %q does,
// printable runes as they are.
TEST(Listing, DconvStyles) {
  Unit u;
  Prog p;
  auto listing = [&](const Addr& a) { return format_addr(u, p, a); };
  auto message = [](const Addr& a, bool abi) { return parse::describe_addr(a, abi); };
  Addr f;
  f.type = AddrType::FConst;
  f.fval = std::numeric_limits<double>::infinity();
  EXPECT_EQ(listing(f), "$(+Inf.0)");
  EXPECT_EQ(message(f, false), "$(+Inf.0)");
  f.fval = -f.fval;
  EXPECT_EQ(listing(f), "$(-Inf.0)");
  EXPECT_EQ(message(f, false), "$(-Inf.0)");
  f.fval = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(listing(f), "$(NaN.0)");
  EXPECT_EQ(message(f, false), "$(NaN.0)");
  f.fval = 3;
  EXPECT_EQ(listing(f), "$(3.0)");
  EXPECT_EQ(message(f, false), "$(3.0)");
  Addr ext = Named(u, AddrName::Extern, "x.y", 8);
  ext.sym->abi = Abi::AbiInternal;
  EXPECT_EQ(listing(ext), "x.y+8(SB)");
  EXPECT_EQ(message(ext, false), "x.y+8(SB)");
  EXPECT_EQ(message(ext, true), "x.y<ABIInternal>+8(SB)");
  Addr br;
  br.type = AddrType::Branch;
  br.sym = u.lookup("x.z");
  EXPECT_EQ(listing(br), "x.z(SB)");
  EXPECT_EQ(message(br, true), "x.z<ABI0>(SB)");
  Addr s;
  s.type = AddrType::SConst;
  s.sval = "\xc3\xa9\t";  // "é\t"
  EXPECT_EQ(listing(s), "$\"\xc3\xa9\\t\"");
  EXPECT_EQ(message(s, false), listing(s));
}

TEST(Listing, Suffixes) {
  Unit u;
  u.files = {PosBase("a.s")};
  Prog p;
  p.pos = {0, 3};
  p.as = Op::VADDPD;
  p.scond = scond::kRZ_SAE | scond::kZ;
  p.from = R(reg_z(1));
  p.reg = reg_z(2);
  p.to = R(reg_z(3));
  EXPECT_EQ(format_prog(u, p), "(a.s:3)\tVADDPD.RZ_SAE.Z\tZ1, Z2, Z3");
  p.scond = scond::kZ;
  EXPECT_EQ(format_prog(u, p), "(a.s:3)\tVADDPD.Z\tZ1, Z2, Z3");
  p.scond = scond::kBCST;
  EXPECT_EQ(format_prog(u, p), "(a.s:3)\tVADDPD.BCST\tZ1, Z2, Z3");
}

}  // namespace
}  // namespace gostack
