// The parser against Go's own: for Go's amd64 test sources and standard-library assembly,
// every Prog our parser produces must print exactly as `go tool asm -debug` prints Go's
// (same order, pc count, position, operands). Skipped when Go 1.19 is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "parse_test_util.h"

namespace gostack {
namespace {

using testutil::debug_dump;
using testutil::run_command;

struct GoldenCase {
  std::string file;  // absolute path
  bool runtime = false;
};

// Go's -debug output: "pc (file:line)\tINSTR..." for each Prog, in order.
std::vector<std::string> go_debug(const GoldenCase& c) {
  // A scratch object file: Go removes its -o file on failure, so never /dev/null.
  std::string obj = (std::filesystem::temp_directory_path() /
                     ("gostack_golden_" + std::to_string(::getpid()) + ".o")).string();
  std::string cmd = std::string(testutil::kGoAsm) + " -debug -p main " +
                    (c.runtime ? "-compiling-runtime " : "") + "-I " + testutil::kGoRoot +
                    "/pkg/include -D GOOS_linux -D GOARCH_amd64 -D GOAMD64_v1 -o " + obj + " " +
                    c.file + " 2>/dev/null";
  std::vector<std::string> progs = testutil::go_debug_progs(run_command(cmd));
  std::filesystem::remove(obj);
  return progs;
}

void check_golden(const GoldenCase& c) {
  if (!std::filesystem::exists(c.file)) GTEST_SKIP() << c.file << " not present";
  std::vector<std::string> want = go_debug(c);
  ASSERT_FALSE(want.empty()) << "Go produced no output for " << c.file;
  Unit unit;
  Diag diag;
  std::vector<std::string> errors;
  diag.capture(&errors);
  ParseOptions opts;
  opts.defines = {{"GOOS_linux", std::nullopt}, {"GOARCH_amd64", std::nullopt},
                  {"GOAMD64_v1", std::nullopt}};
  opts.builtin_include_dir = GOSTACK_SOURCE_DIR "/include/goasm";
  opts.compiling_runtime = c.runtime;
  bool ok = parse_file(unit, diag, c.file, opts);
  ASSERT_TRUE(ok) << (errors.empty() ? "" : errors[0]);
  std::vector<std::string> got = debug_dump(unit);
  size_t n = std::min(got.size(), want.size());
  int shown = 0;
  for (size_t i = 0; i < n && shown < 5; ++i) {
    if (got[i] != want[i]) {
      ADD_FAILURE() << c.file << " prog " << i << "\n  got:  " << got[i] << "\n  want: " << want[i];
      ++shown;
    }
  }
  EXPECT_EQ(got.size(), want.size()) << c.file;
}

class ParseGolden : public testing::TestWithParam<GoldenCase> {};

TEST_P(ParseGolden, MatchesGoDebugOutput) {
  if (!testutil::have_go()) GTEST_SKIP() << "Go 1.19 not installed";
  check_golden(GetParam());
}

std::string testdata(const std::string& name) {
  return std::string(testutil::kGoRoot) + "/src/cmd/asm/internal/asm/testdata/" + name;
}

std::vector<GoldenCase> golden_cases() {
  std::vector<GoldenCase> cases = {
      // The team's prologue demo (present only on the development machine).
      {"/work/shared/reference/prologue_demo_amd64.s", true},
      {testdata("amd64.s")},
      {testdata("amd64enc.s")},
      {testdata("amd64enc_extra.s")},
  };
  for (const char* f : {"aes_avx512f.s", "avx512_4fmaps.s", "avx512_4vnniw.s", "avx512_bitalg.s",
                        "avx512_ifma.s", "avx512_vbmi.s", "avx512_vbmi2.s", "avx512_vnni.s",
                        "avx512_vpopcntdq.s", "avx512bw.s", "avx512cd.s", "avx512dq.s",
                        "avx512er.s", "avx512f.s", "avx512pf.s", "gfni_avx512f.s",
                        "vpclmulqdq_avx512f.s"}) {
    cases.push_back({testdata(std::string("avx512enc/") + f)});
  }
  // Standard-library assembly that needs no generated go_asm.h.
  for (const char* f : {"crypto/aes/asm_amd64.s", "crypto/aes/gcm_amd64.s",
                        "crypto/sha256/sha256block_amd64.s", "crypto/sha1/sha1block_amd64.s",
                        "crypto/md5/md5block_amd64.s", "math/big/arith_amd64.s",
                        "math/exp_amd64.s", "math/floor_amd64.s", "math/hypot_amd64.s",
                        "math/log_amd64.s", "crypto/internal/nistec/p256_asm_amd64.s",
                        "crypto/sha512/sha512block_amd64.s", "hash/crc32/crc32_amd64.s",
                        "syscall/asm_linux_amd64.s",
                        "crypto/internal/edwards25519/field/fe_amd64.s",
                        "vendor/golang.org/x/crypto/chacha20poly1305/chacha20poly1305_amd64.s",
                        "vendor/golang.org/x/crypto/curve25519/internal/field/fe_amd64.s",
                        "runtime/internal/atomic/atomic_amd64.s", "runtime/duff_amd64.s",
                        "runtime/rt0_linux_amd64.s"}) {
    cases.push_back({std::string(testutil::kGoRoot) + "/src/" + f, true});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(GoSources, ParseGolden, testing::ValuesIn(golden_cases()),
                         [](const testing::TestParamInfo<GoldenCase>& info) {
                           std::string n = info.param.file.substr(info.param.file.rfind("/src/") + 5);
                           for (char& ch : n) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace gostack
