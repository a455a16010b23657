#!/usr/bin/env bash
# A vendor-chain change takes effect at the next routing, without a restart
# (issue 4 §3 x issue 6), over real SIP: `clearline dialer run` with 2 caller
# bots at the prime vendor's office of the 2019 chain (dates moved to the
# dialer's instant). Once calls have been bridged, the site is re-versioned as
# a correctional facility (`clearline vendor site update`, another process).
# Checks: calls bridged before the change carry the chain (site, worker
# category, engagement path, snapshot); a routing refusal naming G4 is
# recorded for the callers; no call is bridged while the site is a prison.
# Then the site is put right (a third version, commercial office again): the
# paused callers are readmitted without a restart and calls are bridged again.
# Usage: chain_change_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-chain
EXAMPLES="$(cd "$(dirname "$0")/../../data/examples" && pwd)"

setup_campaign "$CL" "$D" 60 never
# The 2019 chain for this campaign, its dates moved so that 2019-12-10 is the dialer's day.
DAYS=$(( ($(date +%s) + CLOCK_OFFSET_S - $(date -u -d 2019-12-10 +%s)) / 86400 ))
jq --argjson days "$DAYS" --argjson campaign "$CAMPAIGN_ID" '
  def shift: if test("^[0-9]{4}-[0-9]{2}-[0-9]{2}") then (.[0:10] | strptime("%Y-%m-%d") | mktime + $days*86400 | strftime("%Y-%m-%d")) + .[10:] else . end;
  walk(if type == "string" then shift else . end) | .campaign_id = $campaign
  | .callers = [{"ref":"caller1","site_id":"site-prime-dc","engagement_id":"eng-prime","worker_category":"employee"},
                {"ref":"caller2","site_id":"site-prime-dc","engagement_id":"eng-prime","worker_category":"employee"}]' \
  "$EXAMPLES/2019-case.json" > "$W/chain.json" || fail "chain document"
CHAIN="$W/chain.json"
"$CL" vendor import "$CHAIN" --data-dir "$D" --json > "$W/import.json" || fail "vendor import: $(cat "$W/import.json")"

pick_sip_ports
printf 'caller1:pw1\ncaller2:pw2\n' > "$W/callers.txt"
"$BIN/clearline-carrier" --listen 127.0.0.1:$TP --truth "$W/truth.jsonl" --seed 5 --time-scale 0.2 \
  --p-human 0.8 --p-machine 0 --p-no-answer 0.1 --p-busy 0.1 --p-invalid 0 --p-congestion 0 \
  --no-answer-ms 15000 --talk-mean-ms 3000 > "$W/carrier.log" 2>&1 & CARRIER=$!; PIDS+=($CARRIER)
for i in 1 2; do
  "$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix caller --start $i --password "pw$i" \
    --talk-mean-ms 1000 --wrap-ms 200 --seed $i > "$W/bot$i.log" 2>&1 & PIDS+=($!)
done
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer progressive --minutes 0.75 --clock-offset-s "$CLOCK_OFFSET_S" \
  > "$W/summary.json" 2> "$W/dialer.log" & DIALER=$!; PIDS+=($DIALER)
for _ in $(seq 1 150); do
  [[ $(q "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL AND ended_at IS NOT NULL" 2>/dev/null || echo 0) -ge 2 ]] && break
  sleep 0.2
done
[[ $(q "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL") -ge 2 ]] || fail "no call was bridged before the change"
# The change, from another process, effective at the dialer's now.
CHANGE_S=$(( $(date +%s) + CLOCK_OFFSET_S ))
AT=$(date -u -d "@$CHANGE_S" +%Y-%m-%dT%H:%M:%SZ)
"$CL" vendor site show site-prime-dc --data-dir "$D" --json \
  | jq '.data | .site_type = "correctional_facility" | .facility_authority_entity_id = "ok-doc"' > "$W/site.json"
"$CL" vendor site update --file "$W/site.json" --valid-from "$AT" --data-dir "$D" --json > "$W/site-update.json" \
  || fail "site update: $(cat "$W/site-update.json")"
# Wait until the gate has refused the callers at routing, then put the site right.
for _ in $(seq 1 150); do
  [[ $(q "SELECT COUNT(*) FROM vendor_gate_log WHERE kind='routing' AND allowed=0" 2>/dev/null || echo 0) -ge 1 ]] && break
  sleep 0.2
done
sleep 2
REVERT_S=$(( $(date +%s) + CLOCK_OFFSET_S ))
AT2=$(date -u -d "@$REVERT_S" +%Y-%m-%dT%H:%M:%SZ)
jq '.site_type = "commercial_office" | del(.facility_authority_entity_id)' "$W/site.json" > "$W/site2.json"
"$CL" vendor site update --file "$W/site2.json" --valid-from "$AT2" --data-dir "$D" --json > "$W/site-revert.json" \
  || fail "site revert: $(cat "$W/site-revert.json")"
wait $DIALER || fail "dialer failed"
S="$W/summary.json"
echo "dialer: $(jq -c '{calls_placed,calls_bridged,routing_refusals,readmissions,callers_refused}' "$S")"
for p in "${PIDS[@]:1}"; do kill -TERM "$p" 2>/dev/null || true; done
sleep 1; kill -TERM $CARRIER; wait $CARRIER || true

CHANGE_MS=$((CHANGE_S * 1000))
# The change takes effect when the dialer reloads the registry, which is
# within a second of the write on a quiet machine and later on a loaded one;
# its first routing refusal marks that instant (dialer clock, like bridged_at).
# No call may be bridged from then (allowing 1 s for a call routed just before
# and bridged just after) until the site was put right.
REVERT_MS=$((REVERT_S * 1000))
FIRST_REFUSAL_MS=$(q "SELECT MIN(at) FROM vendor_gate_log WHERE kind='routing' AND allowed=0")
[[ -n $FIRST_REFUSAL_MS && $FIRST_REFUSAL_MS -ge $CHANGE_MS ]] || fail "no routing refusal after the change ($FIRST_REFUSAL_MS < $CHANGE_MS?)"
late=$(q "SELECT COUNT(*) FROM calls WHERE bridged_at > $FIRST_REFUSAL_MS + 1000 AND bridged_at < $REVERT_MS")
[[ $late == 0 ]] || fail "$late calls bridged while the site was a correctional facility"
again=$(q "SELECT COUNT(*) FROM calls WHERE bridged_at > $REVERT_MS")
[[ $again -ge 1 ]] || fail "no call bridged after the site was put right (callers not readmitted)"
[[ $(jq .readmissions "$S") -ge 1 ]] || fail "summary: no readmission"
[[ $(q "SELECT COUNT(*) FROM vendor_gate_log WHERE kind='routing' AND allowed=0 AND failed_gates LIKE '%G4%'") -ge 1 ]] \
  || fail "no routing refusal (G4) recorded after the change"
[[ $(jq .routing_refusals "$S") -ge 1 ]] || fail "summary: no routing refusal"
bad=$(q "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL AND NOT (site_id='site-prime-dc' AND worker_category='employee'
         AND engagement_path='[\"eng-prime\"]' AND vetting_snapshot_hash IN (SELECT hash FROM vendor_snapshots))")
[[ $bad == 0 ]] || fail "$bad bridged calls without their chain"
"$CL" audit verify --data-dir "$D" > /dev/null || fail "audit chain does not verify"
echo "chain change ok: $(q "SELECT COUNT(*) FROM calls WHERE bridged_at < $CHANGE_MS + 2000") bridged before the change took effect (first refusal $(( FIRST_REFUSAL_MS - CHANGE_MS )) ms after the write), none while a prison, $again after it was put right; routing refusal G4 recorded"
