#!/bin/bash
# Installs gostack from a build tree into a temporary prefix and uses it as an outside project
# would: the installed gostack assembles a file that includes textflag.h without -I (and must
# take the installed header, not the source tree's); examples/cmake-project is configured with
# find_package(gostack CONFIG), built with gostack_add_asm and run; a program is built against
# the libraries through pkg-config (gostack.pc) and run.
#   run_package_test.sh BUILD_DIR SOURCE_DIR   (CXXFLAGS / LDFLAGS apply to the consumers)
set -euo pipefail
build=$(realpath "$1"); src=$(realpath "$2")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "FAIL: $*"; exit 1; }

echo "-- cmake --install $build --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" || { cat "$tmp/install.log"; fail "install"; }
for f in bin/gostack lib/libgostack_asm.a lib/libgostack_runtime.a include/gostack/abi0_call.h \
         include/gostack/lib/asm/assembler.h share/gostack/include/textflag.h \
         share/gostack/include/funcdata.h lib/cmake/gostack/gostackConfig.cmake \
         lib/cmake/gostack/gostackConfigVersion.cmake lib/cmake/gostack/GostackAddAsm.cmake \
         lib/pkgconfig/gostack.pc; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done

echo "-- installed gostack finds its own textflag.h without -I"
# A marker in the installed copy proves the installed header is used (a build-tree binary
# would fall back to the source tree's include/goasm).
echo '#define GOSTACK_INSTALLED_TEXTFLAG 1' >>"$prefix/share/gostack/include/textflag.h"
mkdir "$tmp/work"
cat >"$tmp/work/probe.s" <<'ASM'
#include "textflag.h"
#ifndef GOSTACK_INSTALLED_TEXTFLAG
	NOT_AN_INSTRUCTION
#endif
TEXT ·probe(SB),NOSPLIT|NOFRAME,$0-0
	RET
ASM
(cd "$tmp/work" && "$prefix/bin/gostack" asm -p main -o probe.o probe.s) || fail "installed gostack on probe.s"
nm "$tmp/work/probe.o" | grep -q ' T main.probe$' || fail "main.probe not defined in probe.o"

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
echo "-- examples/cmake-project against the installed package"
cmake -S "$src/examples/cmake-project" -B "$tmp/example" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="${CXXFLAGS:-}" -DCMAKE_EXE_LINKER_FLAGS="${LDFLAGS:-}" >"$tmp/configure.log" \
  || { cat "$tmp/configure.log"; fail "configure example"; }
cmake --build "$tmp/example" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; fail "build example"; }
grep -q "Assembling Go assembly object" "$tmp/build.log" || fail "gostack_add_asm did not assemble"
out=$("$tmp/example/asmdemo")
expected=$'add(2, 40) = 42\nsum(1..100) = 5050\nscaled(14) = 42'
[ "$out" = "$expected" ] || fail "example printed: $out"
echo "$out"

echo "-- a program linked against the libraries through pkg-config"
cat >"$tmp/work/lib.cpp" <<'CPP'
#include <cstdio>
#include "asm/assembler.h"
int main() {
  gostack::Unit unit;
  gostack::Diag diag;
  gostack::AsmOptions opts;
  opts.pkgpath = "main";
  bool ok = gostack::assemble_text(unit, diag, "t.s",
                                   "TEXT ·f(SB),$0-8\n\tMOVQ $7, ret+0(FP)\n\tRET\n", opts);
  std::printf("%s %zu\n", ok ? "ok" : "failed", unit.text.size());
  return ok ? 0 : 1;
}
CPP
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
# shellcheck disable=SC2046,SC2086
g++ -std=c++20 ${CXXFLAGS:-} $(pkg-config --cflags gostack) "$tmp/work/lib.cpp" -o "$tmp/work/lib" \
  ${LDFLAGS:-} $(pkg-config --libs gostack) || fail "pkg-config build"
[ "$("$tmp/work/lib")" = "ok 1" ] || fail "library program"
echo "package test: all checks passed"
