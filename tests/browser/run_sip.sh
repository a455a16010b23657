#!/usr/bin/env bash
# Like run.sh, but the daemon dials over real SIP on loopback ([sip] enabled):
# clearline-carrier is the trunk, clearline-agentbot --no-keys is caller
# ann1's SIP phone (it talks until the console ends the call), and an active
# predictive campaign has 30 New York landline contacts (tests/sip/campaign_setup.sh,
# whose clock offset puts the daemon inside calling hours). DIAL_MODE (env)
# sets the campaign's dial mode (default predictive; human_initiated for the
# press-Call console), RECORDING its recording mode (default never).
# Usage: run_sip.sh CLEARLINE_BIN SIP_BIN_DIR SOURCE_DIR SCRIPT.mjs
set -euo pipefail
BIN=$1; SIPBIN=$2; SRC=$3; SCRIPT=$4
HERE=$(cd "$(dirname "$0")" && pwd)
[[ -d "$HERE/node_modules/playwright-core" ]] || { echo "FAIL: run scripts/setup.sh (npm ci in tests/browser)"; exit 1; }
source "$(dirname "$0")/web_dist.sh"; ensure_web_dist "$SRC"
source "$SRC/tests/sip/campaign_setup.sh"
sip_test_workdir clearline-browser-sip
setup_campaign "$BIN" "$D" 30 "${RECORDING:-never}" "${DIAL_MODE:-predictive}"
pick_sip_ports
printf 'ann1:pw-ann\n' > "$D/sip-callers.txt"
sip_serve_config "$TP" "$SP" '[pacing]' 'pacer = "progressive"'
echo 'caller-password' | "$BIN" user create --name ann1 --role caller --entity site-a --password-stdin --data-dir "$D" >/dev/null
start_carrier_people "$SIPBIN" "$TP" 3 --talk-mean-ms 120000
"$SIPBIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix ann --start 1 --password pw-ann --no-keys \
  > "$W/phone.log" 2>&1 & PIDS+=($!)
start_serve "$BIN" --web-root "$SRC/web/dist" --clock-offset-s "$CLOCK_OFFSET_S"
# The phone registers within a second or two.
for _ in $(seq 100); do [[ $(q "SELECT COUNT(*) FROM sip_registrations WHERE caller_ref='ann1'") == 1 ]] && break; sleep 0.1; done
mkdir -p "$SRC/test-artifacts/browser"
cd "$HERE"
CLEARLINE_URL=$URL CLEARLINE_DB=$DB CLEARLINE_CAMPAIGN=$CAMPAIGN_ID ARTIFACTS=$SRC/test-artifacts/browser node "$SCRIPT" || fail "$SCRIPT"
