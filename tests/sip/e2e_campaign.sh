#!/usr/bin/env bash
# End to end over real SIP on loopback: `clearline dialer run` + clearline-carrier
# + 10 clearline-agentbot callers run a 300-contact predictive campaign.
# Checks: every contact ends with an outcome; the abandonment ledger equals the
# carrier's ground truth (every ACKed answer, nothing else); RTP flowed both
# ways on every bridged call; recordings exist for answered calls (policy
# "all"); the safe-harbor audio reached the callee on every abandoned call;
# nothing is left open afterwards.
# Usage: e2e_campaign.sh CLEARLINE_BIN SIP_BIN_DIR [CONTACTS]
set -euo pipefail
CL=$1; BIN=$2; N=${3:-300}
W=$(mktemp -d /tmp/cl-sip-e2e.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; [[ -n ${KEEP:-} ]] || rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$W"/*.log; do echo "== $f"; tail -15 "$f"; done >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
D="$W/data"; mkdir -p "$D"

source "$(dirname "$0")/campaign_setup.sh"
setup_campaign "$CL" "$D" "$N" all

pick_sip_ports
for i in $(seq 1 10); do echo "caller$i:pw$i-secret"; done > "$W/callers.txt"
"$BIN/clearline-carrier" --listen 127.0.0.1:$TP --truth "$W/truth.jsonl" --seed 42 --time-scale 0.2 \
  --p-human 0.35 --p-machine 0.1 --p-no-answer 0.15 --p-busy 0.15 --p-invalid 0.1 --p-congestion 0.15 \
  --no-answer-ms 15000 --talk-mean-ms 15000 --machine-ms 6000 > "$W/carrier.log" 2>&1 & CARRIER=$!; PIDS+=($CARRIER)
for i in $(seq 1 10); do
  "$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix caller --start $i --password "pw$i-secret" \
    --talk-mean-ms 1500 --wrap-ms 300 --seed $i --stats "$W/bot$i.json" > "$W/bot$i.log" 2>&1 & PIDS+=($!)
done
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer fixed-ratio --knob 2.5 --until-idle --clock-offset-s "$CLOCK_OFFSET_S" > "$W/summary.json" 2> "$W/dialer.log" \
  || fail "dialer failed"
S="$W/summary.json"
echo "dialer: $(jq -c '{calls_placed,calls_answered,calls_bridged,abandoned,safe_harbor_played,dispositions,recordings_written,fds_open_after_stop}' "$S")"
for p in "${PIDS[@]:1}"; do kill -TERM "$p" 2>/dev/null || true; done
# Let the carrier finish its calls (ground truth is written when a call ends).
sleep 1; kill -TERM $CARRIER; wait $CARRIER || true

DB="$D/clearline.db"
q() { sqlite3 -batch -noheader "$DB" "$1"; }
[[ $(jq .write_errors "$S") == 0 ]] || fail "store write errors"
[[ $(jq .active_calls "$S") == 0 && $(jq .caller_legs "$S") == 0 ]] || fail "sessions left open: $(cat "$S")"
[[ $(jq .fds_open_after_stop "$S") -le $(jq .fds_before_start "$S") ]] \
  || fail "file descriptors left open: $(jq -c '{fds_before_start,fds_open_after_stop}' "$S")"
[[ $(q "SELECT COUNT(*) FROM contacts WHERE last_disposition IS NULL OR status='in_progress'") == 0 ]] \
  || fail "contacts without an outcome: $(q "SELECT COUNT(*) FROM contacts WHERE last_disposition IS NULL")"
[[ $(q "SELECT COUNT(*) FROM calls WHERE ended_at IS NULL") == 0 ]] || fail "calls left open in the store"
[[ $(q "SELECT COUNT(*) FROM calls") == $(wc -l < "$W/truth.jsonl") ]] \
  || fail "store has $(q "SELECT COUNT(*) FROM calls") calls, carrier saw $(wc -l < "$W/truth.jsonl")"
[[ $(jq .calls_bridged "$S") -gt 0 ]] || fail "nothing was bridged"

# Ledger == carrier ground truth (answered = our ACK reached the carrier).
q "SELECT call_id FROM abandonment_ledger ORDER BY call_id" > "$W/ledger.ids"
jq -r 'select(.established) | .call' "$W/truth.jsonl" | sort -n > "$W/truth.ids"
diff "$W/ledger.ids" "$W/truth.ids" > "$W/ledger.diff" || fail "ledger != carrier truth: $(head "$W/ledger.diff")"

q "SELECT id, abandoned, bridged_at IS NOT NULL, COALESCE(recording_ref,''), safe_harbor_played, COALESCE(ended_at-bridged_at,0) FROM calls WHERE answered_at IS NOT NULL" \
  | tr '|' ' ' > "$W/answered.txt"
jq -s 'map({key: .call, value: .}) | from_entries' "$W/truth.jsonl" > "$W/truth.json"
bad=0
short=0
while read -r id ab br rec sh dur; do
  rx=$(jq -r --arg id "$id" '.[$id].rtp_rx' "$W/truth.json")
  voiced=$(jq -r --arg id "$id" '.[$id].rtp_rx_voiced' "$W/truth.json")
  tx=$(jq -r --arg id "$id" '.[$id].rtp_tx' "$W/truth.json")
  # A callee who hangs up within 300 ms of the bridge may not hear the caller yet.
  if [[ $br == 1 && $dur -lt 300 ]]; then short=$((short + 1));
  elif [[ $br == 1 ]] && ! [[ $rx -gt 0 && $tx -gt 0 ]]; then echo "call $id bridged but RTP rx=$rx tx=$tx"; bad=1; fi
  if [[ $ab == 1 ]] && ! [[ $sh == 1 && $voiced -gt 10 ]]; then echo "call $id abandoned but safe harbor not heard ($voiced)"; bad=1; fi
  if [[ -z $rec || ! -s $rec ]]; then echo "call $id: no recording"; bad=1; fi
done < "$W/answered.txt"
[[ $bad == 0 ]] || fail "media checks failed"
ab=$(q "SELECT COUNT(*) FROM abandonment_ledger WHERE abandoned=1")
[[ $ab == $(q "SELECT COUNT(*) FROM calls WHERE abandoned=1") ]] || fail "ledger abandoned count != calls"
# Logged-in time: one session per caller bot, all closed when the dialer stopped,
# each login and logout in the audit chain.
[[ $(q "SELECT COUNT(DISTINCT caller_ref) FROM caller_sessions") == 10 ]] \
  || fail "caller sessions for $(q "SELECT COUNT(DISTINCT caller_ref) FROM caller_sessions") callers, not 10"
[[ $(q "SELECT COUNT(*) FROM caller_sessions WHERE ended_at IS NULL OR ended_at <= started_at") == 0 ]] \
  || fail "caller sessions left open or empty: $(q "SELECT caller_ref, started_at, ended_at, end_reason FROM caller_sessions")"
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='caller.login'") == $(q "SELECT COUNT(*) FROM caller_sessions") ]] \
  || fail "caller.login audit events != sessions"
jq -e '.caller_session_errors == 0' "$S" > /dev/null || fail "caller session write errors"
"$CL" audit verify --data-dir "$D" > /dev/null || fail "audit chain does not verify"
echo "e2e ok: $N contacts, $(wc -l < "$W/answered.txt") answered, $(jq .calls_bridged "$S") bridged ($short ended < 300 ms after the bridge), $ab abandoned, $(q "SELECT COUNT(*) FROM caller_sessions") caller sessions ($(q "SELECT SUM(ended_at - started_at) / 1000 FROM caller_sessions") s logged in)"
