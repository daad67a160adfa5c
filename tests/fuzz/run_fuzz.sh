#!/bin/bash
# Runs the front-end fuzzer for N seconds (default 60), seeded with the repository's
# assembly files (examples, bad-input cases). Crash inputs land in build/fuzz/artifacts/.
# Usage: tests/fuzz/run_fuzz.sh FUZZER_BINARY [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
fuzzer=$1; seconds=${2:-60}
work=build/fuzz/corpus; artifacts=build/fuzz/artifacts/
mkdir -p "$work" "$artifacts" build/fuzz/seeds
cp examples/*.s build/fuzz/seeds/
cp tests/errors/*.s build/fuzz/seeds/ 2>/dev/null || true
"$fuzzer" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$artifacts" "$work" build/fuzz/seeds
