#!/usr/bin/env bash
# No free caller over real SIP (issue 6 §4, R2-R4): one caller bot that talks
# for a long time, a predictive campaign dialing 4 lines per caller, a carrier
# where every callee answers live. The callees nobody can take hear the
# safe-harbor prompt within the grace and the call ends; each is a ledger row
# marked abandoned. Checks: abandoned > 0; every abandoned call has its
# abandonment_ledger row (abandoned=1) and the carrier heard voiced audio on it
# (the prompt); the ledger equals the carrier's ground truth; the safe-harbor
# plays were authorized dials like any other (stored allow records).
# Usage: safe_harbor_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-sh

setup_campaign "$CL" "$D" 8 never
pick_sip_ports
echo "caller1:pw1" > "$W/callers.txt"
"$BIN/clearline-carrier" --listen 127.0.0.1:$TP --truth "$W/truth.jsonl" --seed 3 --time-scale 1 \
  --p-human 1 --p-machine 0 --p-no-answer 0 --p-busy 0 --p-invalid 0 --p-congestion 0 \
  --ring-min-ms 300 --ring-max-ms 600 --talk-mean-ms 8000 --talk-min-ms 6000 > "$W/carrier.log" 2>&1 & CARRIER=$!; PIDS+=($CARRIER)
"$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix caller --start 1 --password pw1 \
  --talk-mean-ms 4000 --talk-min-ms 3000 --wrap-ms 200 --seed 1 > "$W/bot.log" 2>&1 & PIDS+=($!)
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer fixed-ratio --knob 4 --until-idle --clock-offset-s "$CLOCK_OFFSET_S" \
  > "$W/summary.json" 2> "$W/dialer.log" || fail "dialer failed"
S="$W/summary.json"
echo "dialer: $(jq -c '{calls_placed,calls_answered,calls_bridged,abandoned,safe_harbor_played,policy_allowed,policy_denied}' "$S")"
for p in "${PIDS[@]:1}"; do kill -TERM "$p" 2>/dev/null || true; done
sleep 1; kill -TERM $CARRIER; wait $CARRIER || true

[[ $(jq .write_errors "$S") == 0 ]] || fail "store write errors"
# --until-idle waits for the busy caller: every contact was dialed and has an outcome.
[[ $(q "SELECT COUNT(*) FROM contacts WHERE last_disposition IS NULL OR status='in_progress'") == 0 ]] \
  || fail "contacts never dialed: $(q "SELECT id FROM contacts WHERE last_disposition IS NULL")"
ab=$(q "SELECT COUNT(*) FROM calls WHERE abandoned=1")
[[ $ab -gt 0 && $(jq .abandoned "$S") -gt 0 ]] || fail "no call was abandoned: the test tested nothing ($(cat "$S"))"
[[ $(q "SELECT COUNT(*) FROM calls c LEFT JOIN abandonment_ledger l ON l.call_id=c.id WHERE c.abandoned=1 AND (l.call_id IS NULL OR l.abandoned<>1)") == 0 ]] \
  || fail "abandoned calls without an abandoned ledger row"
[[ $(q "SELECT COUNT(*) FROM abandonment_ledger WHERE abandoned=1") == "$ab" ]] || fail "ledger abandoned rows != abandoned calls"
[[ $(jq .safe_harbor_played "$S") == "$ab" ]] || fail "prompts played $(jq .safe_harbor_played "$S") != abandoned calls $ab"
[[ $(q "SELECT COUNT(*) FROM calls WHERE abandoned=1 AND (safe_harbor_played<>1 OR answered_at IS NULL OR bridged_at IS NOT NULL)") == 0 ]] \
  || fail "abandoned calls not marked safe-harbor / answered / unbridged"
q "SELECT call_id FROM abandonment_ledger ORDER BY call_id" > "$W/ledger.ids"
jq -r 'select(.established) | .call' "$W/truth.jsonl" | sort -n > "$W/truth.ids"
diff "$W/ledger.ids" "$W/truth.ids" > /dev/null || fail "ledger != carrier truth"
for id in $(q "SELECT id FROM calls WHERE abandoned=1"); do
  voiced=$(jq -r --arg id "$id" 'select((.call|tostring) == $id) | .rtp_rx_voiced' "$W/truth.jsonl")
  [[ ${voiced:-0} -gt 10 ]] || fail "call $id abandoned but the callee heard no prompt (voiced=$voiced)"
done
[[ $(q "SELECT COUNT(*) FROM calls c LEFT JOIN authorizations a ON a.id=c.authorization_id WHERE a.verdict IS NOT 'allow'") == 0 ]] \
  || fail "calls without a stored allow authorization"
echo "safe-harbor e2e ok: $ab abandoned (prompt heard, ledger rows), $(jq .calls_bridged "$S") bridged"
