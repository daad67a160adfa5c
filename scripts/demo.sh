#!/bin/bash
# Sets everything up, builds, and prints gostack's -S listing of the seed document's example
# (the command line `go build` gives Go's assembler, plus -S), writing the ELF object to build/,
# then runs the stack-growth example on gostack's goroutine runtime with -stats.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== gostack asm -S examples/printnl_amd64.s"
cd examples
../build/release/gostack asm -p main -D GOOS_linux -D GOARCH_amd64 -D GOAMD64_v1 -S \
  -o ../build/printnl_amd64.o printnl_amd64.s
echo "== gostack run -stats examples/growth_amd64.s  (a 2 KiB goroutine stack grown to 128 MiB by copying)"
../build/release/gostack run -stats growth_amd64.s
