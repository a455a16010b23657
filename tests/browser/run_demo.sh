#!/usr/bin/env bash
# The README's main job, live, in a browser: `clearline demo` (until stopped)
# with its dashboard on a free port; SCRIPT logs in with the printed manager
# password and watches it; then SIGINT stops the demo, which must exit 0 with
# calls bridged and the four 2019 callers refused.
# Usage: run_demo.sh CLEARLINE_BIN SOURCE_DIR SCRIPT.mjs
set -euo pipefail
BIN=$1; SRC=$2; SCRIPT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
[[ -d "$HERE/node_modules/playwright-core" ]] || { echo "FAIL: run scripts/setup.sh (npm ci in tests/browser)"; exit 1; }
source "$(dirname "$0")/web_dist.sh"; ensure_web_dist "$SRC"
source "$SRC/tests/sip/campaign_setup.sh"
sip_test_workdir clearline-browser-demo
mkdir -p "$W/probe"
OFF=$(legal_clock_offset "$BIN" "$W/probe" "" +12125550001)
cat > "$D/clearline.toml" <<'TOML'
[server]
argon2_t_cost = 1
argon2_m_kib = 1024
TOML
"$BIN" demo --data-dir "$D" --rows 300 --listen 127.0.0.1:0 --clock-offset-s "$OFF" --json > "$W/demo.json" 2> "$W/demo.log" &
DEMO=$!; PIDS+=($DEMO)
for _ in $(seq 300); do [[ -s $D/demo-running.json ]] && break; sleep 0.1; done
[[ -s $D/demo-running.json ]] || fail "the demo did not start its daemon"
URL=$(jq -r .dashboard "$D/demo-running.json"); URL=${URL%/}
mkdir -p "$SRC/test-artifacts/browser"
(cd "$HERE" && CLEARLINE_URL=$URL CLEARLINE_DB=$DB MANAGER_PASSWORD=$(jq -r .manager.password "$D/demo-running.json") \
  CLEARLINE_CAMPAIGN=$(jq -r .campaign_id "$D/demo-running.json") ARTIFACTS=$SRC/test-artifacts/browser node "$SCRIPT") || fail "$SCRIPT"
kill -INT "$DEMO"
rc=0; wait "$DEMO" || rc=$?
[[ $rc == 0 ]] || fail "the demo exited $rc after Ctrl-C"
jq -e '.calls_bridged > 0 and .callers_refused == 4 and .calls_at_restricted_sites == 0 and .audit_ok' "$W/demo.json" >/dev/null \
  || fail "demo summary: $(head -c 1500 "$W/demo.json")"
echo "demo in the browser ok: $(jq -c '{calls_placed, calls_bridged, callers_refused}' "$W/demo.json")"
