#!/usr/bin/env bash
# The main job on embedded defaults: installs what is needed, builds, and runs
# the demo: a sample organisation and campaign, a generated list imported, the
# 2019 vendor chain, then the daemon live (SIP dialer against a simulated
# carrier with caller bots, dashboard and caller console on localhost) until
# Ctrl-C. Extra arguments go to `clearline demo` (e.g. --minutes 5).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# ccache keys on paths relative to the checkout, so clones in other folders share hits.
export CCACHE_BASEDIR="$PWD"
if [[ -f web/package.json ]]; then (cd web && npm run build --silent); fi
cmake --preset release >/dev/null
cmake --build --preset release
DATA="${CLEARLINE_DATA:-$PWD/.data/demo}"
# Every run starts from a fresh data dir; the last run is kept beside it.
if [[ -d "$DATA" ]]; then
  rm -rf "$DATA.previous"
  mv "$DATA" "$DATA.previous"
  echo "demo: the last run's data is in $DATA.previous"
fi
exec build/release/src/cli/clearline demo --data-dir "$DATA" "$@"
