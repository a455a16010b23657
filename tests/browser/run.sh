#!/usr/bin/env bash
# Starts a throw-away daemon with demo accounts and a campaign, then runs one
# Playwright script against it. Usage: run.sh CLEARLINE_BIN SOURCE_DIR SCRIPT.mjs
# Screenshots go to SOURCE_DIR/test-artifacts/browser/.
set -euo pipefail
BIN=$1
SRC=$2
SCRIPT=$3
HERE=$(cd "$(dirname "$0")" && pwd)
[[ -d "$HERE/node_modules/playwright-core" ]] || { echo "FAIL: run scripts/setup.sh (npm ci in tests/browser)"; exit 1; }
source "$(dirname "$0")/web_dist.sh"; ensure_web_dist "$SRC"
D=$(mktemp -d /tmp/clearline-browser.XXXXXX)
PID=""
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
cat > "$D/clearline.toml" <<'TOML'
[server]
argon2_t_cost = 1
argon2_m_kib = 1024
simulate_calls = true
simulate_connect_ms = 400
wrap_up_seconds = 3
rate_limit_per_second = 1000.0
rate_limit_burst = 2000.0
TOML
mk() { echo "$3" | "$BIN" user create --name "$1" --role "$2" ${4:+--entity "$4"} --password-stdin --data-dir "$D" >/dev/null; }
mk admin administrator admin-password
mk manager campaign_manager manager-password
mk ann caller caller-password site-a
mk carl caller caller-password site-prison
mk vera vendor_supervisor vendor-password vendor-a
mk otto vendor_supervisor vendor-password vendor-b
TOKEN=$("$BIN" user token --name admin --data-dir "$D")
BOB_TOKEN=$(mk bob caller caller-password site-a; "$BIN" user token --name bob --data-dir "$D")
"$BIN" serve --data-dir "$D" --listen 127.0.0.1:0 --web-root "$SRC/web/dist" >"$D/serve.out" 2>"$D/serve.log" &
PID=$!
for _ in $(seq 100); do grep -q "listening on" "$D/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\)/\1/p' "$D/serve.out"); URL=${URL%/}
[[ -n "$URL" ]] || { cat "$D/serve.log"; echo "FAIL: serve did not start"; exit 1; }
A=(-s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json')
CID=$(curl "${A[@]}" -d '{"name":"Get out the vote","purpose":"political","disclaimer":"Paid for by Clearline Demo PAC.","script":{"text":"Hi {first_name}, I am calling from the Clearline demo campaign. Can we count on your vote on Tuesday, {first_name}?","questions":[{"key":"vote","text":"Will {first_name} vote on Tuesday?","choices":["yes","no","unsure"]},{"key":"issue","text":"What issue matters most?","choices":[]}]}}' "$URL/api/v1/campaigns" | jq -r .id)
curl "${A[@]}" -d '{"first_name":"<script>window.__pwned=1</script>","last_name":"<b>Doe</b>","city":"Fresno","state":"CA","phone":"+15595550123"}' "$URL/api/v1/campaigns/$CID/contacts" >/dev/null
curl "${A[@]}" -d '{"first_name":"Maria","last_name":"Lopez","city":"Oakland","state":"CA","phone":"+15105550199"}' "$URL/api/v1/campaigns/$CID/contacts" >/dev/null
curl "${A[@]}" -d '{"event":"activate"}' "$URL/api/v1/campaigns/$CID/state" >/dev/null
if [[ "${IMPORT_2019:-0}" == 1 ]]; then
  # The 2019 case (data/examples/2019-case.json) as campaign 1's vendor chain.
  "$BIN" vendor import "$SRC/data/examples/2019-case.json" --data-dir "$D" --json >/dev/null
  mk caller-ew-01 caller caller-password site-eddie-warrior
  mk procom-sup vendor_supervisor vendor-password procom
  sleep 2.5  # the daemon picks up the new registry generation within 2 s
fi
EXPLAIN_CALL=""
if [[ "${EXPLAIN_2019:-0}" == 1 ]]; then
  # A call by the prime vendor's caller with its authorization record (tests/api/seed_explained_call.sh).
  EXPLAIN_CALL=$(bash "$SRC/tests/api/seed_explained_call.sh" "$BIN" "$D")
fi
if [[ "${PACING_SEED:-0}" == 1 ]]; then
  # Three hours of call rows for the pacing report (seed_pacing.sh).
  bash "$HERE/seed_pacing.sh" "$D/clearline.db" "$CID"
fi
mkdir -p "$SRC/test-artifacts/browser"
cd "$HERE"
EXPLAIN_CALL=$EXPLAIN_CALL ADMIN_TOKEN=$TOKEN BOB_TOKEN=$BOB_TOKEN CLEARLINE_URL=$URL CLEARLINE_DB=$D/clearline.db CLEARLINE_CAMPAIGN=$CID ARTIFACTS=$SRC/test-artifacts/browser node "$SCRIPT"
