#!/usr/bin/env bash
# Faults: SIGKILL `clearline dialer run` at random moments of a running
# campaign (several times) and restart it. Afterwards: every call is closed in
# the store with a cause (system_restart for the ones cut off); no contact was
# dialed again before its recycle time; no stored disposition was lost or
# rewritten; the abandonment ledger equals the carrier's ground truth; the
# audit chain verifies.
# Usage: kill_restart.sh CLEARLINE_BIN SIP_BIN_DIR [KILLS]
set -euo pipefail
CL=$1; BIN=$2; KILLS=${3:-4}
W=$(mktemp -d /tmp/cl-sip-kill.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; sleep 0.3; [[ -n ${KEEP:-} ]] || rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; tail -n 5 "$W"/dialer*.log >&2; exit 1; }
# The dialer is restarted on the same SIP port four times: stable_port
# (campaign_setup.sh), not free_port.
D="$W/data"; mkdir -p "$D"
source "$(dirname "$0")/campaign_setup.sh"
setup_campaign "$CL" "$D" 150 never

pick_sip_ports  # TP, SP
for i in $(seq 1 6); do echo "caller$i:pw$i"; done > "$W/callers.txt"
"$BIN/clearline-carrier" --listen 127.0.0.1:$TP --truth "$W/truth.jsonl" --seed 9 --time-scale 0.2 \
  --p-human 0.4 --p-machine 0.1 --p-no-answer 0.15 --p-busy 0.15 --p-invalid 0.1 --p-congestion 0.1 \
  --no-answer-ms 15000 --talk-mean-ms 15000 > "$W/carrier.log" 2>&1 & CARRIER=$!; PIDS+=($CARRIER)
for i in $(seq 1 6); do
  "$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --start $i --prefix caller --password "pw$i" \
    --talk-mean-ms 1500 --wrap-ms 300 --seed $i > "$W/bot$i.log" 2>&1 & PIDS+=($!)
done
run_dialer() {  # log-suffix extra-args...
  local n=$1; shift
  exec "$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
    --sip-listen 127.0.0.1:$SP --pacer fixed-ratio --knob 2 --clock-offset-s "$CLOCK_OFFSET_S" "$@" > "$W/dialer$n.json" 2> "$W/dialer$n.log"
}
DISP=$W/dispositions.before
for k in $(seq 1 "$KILLS"); do
  ( run_dialer $k ) & DP=$!
  sleep "$(python3 -c "import random; print(round(random.uniform(2.0, 6.0), 2))")"
  # What the store acknowledged before the kill must survive it.
  sqlite3 -batch "$D/clearline.db" "SELECT id, last_disposition FROM contacts WHERE status IN ('done','dnc') ORDER BY id" > "$DISP.$k" || true
  kill -0 $DP 2>/dev/null || fail "dialer run $k exited before the kill"
  kill -9 $DP; wait $DP 2>/dev/null || true
  echo "kill $k: $(sqlite3 "$D/clearline.db" "SELECT COUNT(*) FROM calls") calls so far, $(wc -l < "$DISP.$k") contacts done"
done
( run_dialer final --until-idle ) || fail "final run failed"
kill -TERM $CARRIER; wait $CARRIER || true

q() { sqlite3 -batch -noheader "$D/clearline.db" "$1"; }
[[ $(q "SELECT COUNT(*) FROM calls WHERE ended_at IS NULL OR hangup_cause IS NULL") == 0 ]] || fail "calls left open"
restarts=$(q "SELECT COUNT(*) FROM calls WHERE hangup_cause='system_restart'")
[[ $restarts -ge 1 ]] || fail "no call was cut off by a kill (the test did not test anything)"
[[ $(q "SELECT COUNT(*) FROM contacts WHERE status='in_progress'") == 0 ]] || fail "contacts left in progress"
# Recycle: consecutive attempts on one contact are >= 59 s apart (network retry),
# and >= 10 min after an attempt closed by recovery.
early=$(q "SELECT COUNT(*) FROM calls a JOIN calls b ON b.contact_id=a.contact_id AND b.id>a.id
           AND NOT EXISTS (SELECT 1 FROM calls m WHERE m.contact_id=a.contact_id AND m.id>a.id AND m.id<b.id)
           WHERE b.dialed_at - a.ended_at < CASE WHEN a.hangup_cause='system_restart' THEN 600000 ELSE 59000 END")
[[ $early == 0 ]] || fail "$early contacts dialed again before their recycle time"
# No stored disposition lost or rewritten.
for f in "$DISP".*; do
  while IFS='|' read -r id disp; do
    [[ $(q "SELECT status IN ('done','dnc') AND last_disposition='$disp' FROM contacts WHERE id=$id") == 1 ]] \
      || fail "contact $id lost its disposition $disp"
  done < "$f"
done
# Ledger == carrier truth. The one allowed gap: a call the carrier answered in
# the same instant the dialer was killed (it never learned of the answer).
q "SELECT call_id FROM abandonment_ledger ORDER BY call_id" > "$W/ledger.ids"
jq -r 'select(.established) | .call' "$W/truth.jsonl" | sort -n > "$W/truth.ids"
extra=$(comm -23 "$W/ledger.ids" "$W/truth.ids" | wc -l)
[[ $extra == 0 ]] || fail "ledger has calls the carrier never answered: $(comm -23 "$W/ledger.ids" "$W/truth.ids" | head -3)"
missing=0
for id in $(comm -13 "$W/ledger.ids" "$W/truth.ids"); do
  [[ $(q "SELECT hangup_cause='system_restart' AND answered_at IS NULL FROM calls WHERE id=$id") == 1 ]] \
    || fail "answered call $id missing from the ledger"
  missing=$((missing + 1))
done
"$CL" audit verify --data-dir "$D" > /dev/null || fail "audit chain does not verify"
# Caller sessions: none left open; those a kill cut off were closed at their
# last recorded change when the next run started (end_reason daemon_restart).
[[ $(q "SELECT COUNT(*) FROM caller_sessions WHERE ended_at IS NULL") == 0 ]] || fail "caller sessions left open"
[[ $(q "SELECT COUNT(*) FROM caller_sessions WHERE end_reason='daemon_restart'") -ge 1 ]] \
  || fail "no caller session was closed by a restart: $(q "SELECT end_reason, COUNT(*) FROM caller_sessions GROUP BY 1")"
# A restart paces on the campaign's own history (core/pacing/planning.h): one
# more run, with nothing left to dial, reports the figures it planned with.
( run_dialer planning --until-idle ) || fail "planning run failed"
counted=$(q "SELECT COUNT(*) FROM calls WHERE dialed_at IS NOT NULL AND ended_at IS NOT NULL AND hangup_cause != 'system_restart'")
jq -e --argjson n "$counted" '.pacer_planning[0] | .measured == true and .history_dials == $n' "$W/dialerplanning.json" > /dev/null \
  || fail "the restarted dialer did not plan from the campaign's $counted calls: $(jq -c .pacer_planning "$W/dialerplanning.json")"
# Its live rate against the carrier's ground truth (AMD is off here: every answered call needs a caller).
truth_rate=$(jq -s '[.[] | select(.call != null)] | (map(select(.established)) | length) / length' "$W/truth.jsonl")
jq -e --argjson t "$truth_rate" '.pacer_planning[0].live_rate - $t | fabs < 0.1' "$W/dialerplanning.json" > /dev/null \
  || fail "planning live rate $(jq .pacer_planning[0].live_rate "$W/dialerplanning.json") is far from the carrier's $truth_rate"
echo "kill/restart ok: $KILLS kills, $restarts calls closed by recovery, $(wc -l < "$W/ledger.ids") ledger rows" \
     "($missing answered at the instant of a kill), $(q "SELECT COUNT(*) FROM contacts WHERE last_disposition IS NOT NULL") contacts with an outcome"
