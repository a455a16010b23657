#!/usr/bin/env bash
# The main job on embedded defaults: installs what is needed, builds, and runs
# the demo (a sample organisation and campaign, a generated list imported,
# and — as those parts land — the live dialer with dashboard on localhost).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# ccache keys on paths relative to the checkout, so clones in other folders share hits.
export CCACHE_BASEDIR="$PWD"
if [[ -f web/package.json ]]; then (cd web && npm run build --silent); fi
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/src/cli/clearline demo --data-dir "${CLEARLINE_DATA:-$PWD/.data/demo}" "$@"
