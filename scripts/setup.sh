#!/bin/bash
# Installs gostack's build and test dependencies (Debian 12, apt-get) if any is missing,
# then configures and builds the release preset (build/release/gostack).
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(cmake ninja-build g++ libgtest-dev libgmock-dev libbenchmark-dev libfmt-dev libzydis-dev
      pkg-config python3 golang-1.19-go golang-1.19-src binutils llvm clang libclang-rt-14-dev)

if command -v dpkg-query >/dev/null; then
  missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    echo "setup: installing ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "setup: not a Debian system; install the equivalents of: ${PKGS[*]}" >&2
fi

cmake --preset release >/dev/null
cmake --build --preset release
