#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds with ASan+UBSan and
# warnings as errors, and runs every test (unit, store contract, CLI end to
# end, SIP with real peers, PostgreSQL, browser) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# ccache keys on paths relative to the checkout, so clones in other folders share hits
# (NOHASHDIR: with -g, ccache would otherwise also key on the clone's folder).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
if [[ -f web/package.json ]]; then (cd web && npm run build --silent); fi
cmake --preset asan
cmake --build --preset asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --preset asan "$@"

# Fuzzing (docs/import.md): build only the libFuzzer targets (clang-14, ASan+UBSan)
# and run each for a bounded time from its seed corpus; a crash fails the suite.
# CLEARLINE_FUZZ_SECONDS=15 runs it. The default is 0 (skipped): the fuzz preset is
# a third full build (clang-14, ASan) of every library the targets link; the seed
# corpora also run in the suite above as fuzz_replay.* (docs/import.md "Fuzzing").
FUZZ_SECONDS=${CLEARLINE_FUZZ_SECONDS:-0}
if ((FUZZ_SECONDS > 0)); then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
  for bin in build/fuzz/fuzz/*; do
    [[ -f $bin && -x $bin ]] || continue
    name=$(basename "$bin")
    scratch=$(mktemp -d)
    echo "fuzz: $name for ${FUZZ_SECONDS}s"
    if ! "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="build/fuzz/$name-" "$scratch" "tests/fuzz/corpus/$name" >"build/fuzz/$name.log" 2>&1; then
      tail -n 60 "build/fuzz/$name.log"
      echo "fuzz: $name found a crash; the input is in build/fuzz/$name-*" >&2
      rm -rf "$scratch"
      exit 1
    fi
    grep -E "^#[0-9]+[[:space:]]+DONE" "build/fuzz/$name.log" | tail -n 1 || true
    rm -rf "$scratch"
  done
fi
