#!/bin/bash
# Sets up and runs every gostack test: release build + ctest (unit and bad-input tests),
# the ASan+UBSan build of the same tests, the runtime's tests under ThreadSanitizer, the differential suite against Go 1.19's assembler
# (tests/diff/run_diff.py; fails when a symbol of tests/diff/baseline.txt stops being identical),
# the mutation differential (tests/diff/mutate_diff.py: 1000 randomly edited corpus files and
# 300 randomly edited files of Go's encoder tests, both assemblers must agree; MUTATE_CASES=n
# changes the first count),
# the ops.def, forms_x86.inc and printable.inc currency checks, and a 60 s libFuzzer run of the front end.
# Every stage runs; the script fails if any stage failed.  FUZZ_SECONDS=n changes the fuzz time.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()

stage() {  # stage NAME COMMAND...: runs and times one stage, remembering failures
  local name=$1; shift
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then echo "=== $name: ok ($((SECONDS - t0)) s)"
  else echo "=== $name: FAILED ($((SECONDS - t0)) s)"; failed+=("$name"); fi
}

failed_ctest=()
ctest_stage() {  # ctest_stage NAME PRESET: a ctest stage; a failure is reported again at the end
  local before=${#failed[@]}
  stage "$1" ctest --preset "$2" -j2
  [ ${#failed[@]} -eq "$before" ] || failed_ctest+=("$2")
}

build() { cmake --preset "$1" >/dev/null && cmake --build --preset "$1" ${2:+--target "$2"}; }

scripts/setup.sh || { echo "setup/build failed"; exit 1; }

ctest_stage "unit+error tests (release)" release
stage "asan+ubsan build" build asan
ctest_stage "unit+error tests (asan+ubsan)" asan
stage "tsan build (runtime)" bash -c 'cmake --preset tsan >/dev/null && cmake --build --preset tsan --target gostack gostack_unit_tests runtime_api_example runtime_chan_api_example'
ctest_stage "runtime tests (tsan)" tsan
stage "differential suite vs Go 1.19" python3 tests/diff/run_diff.py --gostack build/release/gostack -j2
stage "mutation differential vs Go 1.19" python3 tests/diff/mutate_diff.py --gostack build/release/gostack --cases "${MUTATE_CASES:-1000}" -j2
stage "mutation differential vs Go 1.19 (encoder tests)" python3 tests/diff/mutate_diff.py --gostack build/release/gostack --source testdata --cases 300 -j2
stage "ops.def is current" python3 tools/gen_ops.py --check
stage "printable.inc is current" python3 tools/gen_printable.py --check
stage "forms_x86.inc is current" python3 tools/gen_x86_forms.py --check
stage "fuzz build" build fuzz fuzz_frontend
stage "fuzz ${FUZZ_SECONDS:-60} s" tests/fuzz/run_fuzz.sh build/fuzz/fuzz_frontend "${FUZZ_SECONDS:-60}"

# CI shows only the end of this log: name the failed tests there, with the first lines of each
# failure, so a failure that does not repeat locally can still be diagnosed.
report_failed_tests() {  # report_failed_tests PRESET
  local dir=build/$1/Testing/Temporary
  [ -s "$dir/LastTestsFailed.log" ] || return 0
  echo "--- failed tests ($1): $(cut -d: -f2 "$dir/LastTestsFailed.log" | tr '\n' ' ')"
  grep -E -m 12 '(Failure|FAILED|ERROR: |runtime error|Expected|Which is|Value of|Actual|timed out|Timeout)' \
    "$dir/LastTest.log" | cut -c1-300
}

if [ ${#failed[@]} -gt 0 ]; then
  for preset in "${failed_ctest[@]}"; do report_failed_tests "$preset"; done
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
echo "all test stages passed"
