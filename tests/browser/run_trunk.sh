#!/usr/bin/env bash
# The dashboard's trunk-down banner against a real SIP trunk (issue 8 §1):
# `clearline serve` with [sip] enabled probes clearline-carrier with OPTIONS
# every second; trunk.mjs kills the carrier (the banner must appear, pushed on
# the WebSocket), starts it again on the same port (the banner must clear),
# and stops it at the end. Usage: run_trunk.sh CLEARLINE_BIN SIP_BIN_DIR SOURCE_DIR SCRIPT.mjs
set -euo pipefail
BIN=$1; SIPBIN=$2; SRC=$3; SCRIPT=$4
HERE=$(cd "$(dirname "$0")" && pwd)
[[ -d "$HERE/node_modules/playwright-core" ]] || { echo "FAIL: run scripts/setup.sh (npm ci in tests/browser)"; exit 1; }
source "$(dirname "$0")/web_dist.sh"; ensure_web_dist "$SRC"
source "$SRC/tests/sip/campaign_setup.sh"
sip_test_workdir clearline-browser-trunk
setup_campaign "$BIN" "$D" 1 never
pick_sip_ports  # the carrier is restarted on TP
sip_serve_config "$TP" "$SP" 'options_interval_s = 1' '[pacing]' 'pacer = "progressive"'
echo 'manager-password' | "$BIN" user create --name manager --role campaign_manager --password-stdin --data-dir "$D" >/dev/null
CARRIER=("$SIPBIN/clearline-carrier" --listen "127.0.0.1:$TP" --truth "$W/truth.jsonl" --seed 5 --time-scale 1)
"${CARRIER[@]}" > "$W/carrier.log" 2>&1 & CARRIER_PID=$!; PIDS+=($CARRIER_PID)
disown $CARRIER_PID  # trunk.mjs kills it; no "Killed" notice from this shell
for _ in $(seq 100); do grep -q "listening on" "$W/carrier.log" 2>/dev/null && break; sleep 0.1; done
start_serve "$BIN" --web-root "$SRC/web/dist"
mkdir -p "$SRC/test-artifacts/browser"
cd "$HERE"
CARRIER_CMD=$(printf '%s\n' "${CARRIER[@]}" | jq -R . | jq -sc .) CARRIER_PID=$CARRIER_PID CARRIER_LOG=$W/carrier.log \
  SERVE_LOG=$W/serve.log CLEARLINE_URL=$URL CLEARLINE_CAMPAIGN=$CAMPAIGN_ID ARTIFACTS=$SRC/test-artifacts/browser \
  node "$SCRIPT" || fail "$SCRIPT"
# The daemon's own log agrees (the way back is logged at info level, not shown by default).
grep -q "trunk is down" "$W/serve.log" || fail "the daemon did not log the trunk going down"
