#!/usr/bin/env bash
# The whole test suite: installs what is needed, builds with ASan+UBSan and
# warnings as errors, and runs every test (unit, store contract, CLI end to
# end, SIP with real peers, PostgreSQL, browser) through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# ccache keys on paths relative to the checkout, so clones in other folders share hits.
export CCACHE_BASEDIR="$PWD"
if [[ -f web/package.json ]]; then (cd web && npm run build --silent); fi
cmake --preset asan
cmake --build --preset asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --preset asan "$@"
