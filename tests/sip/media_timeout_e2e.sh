#!/usr/bin/env bash
# Media timeout over real SIP (issue 6 "Faults": a caller's phone that
# disappears mid-call; a customer leg that goes silent). `clearline dialer run`
# with [sip] media_timeout_s = 2 + clearline-carrier (callees who never hang up)
# + two caller bots (callers who never finish talking), progressive, 2 contacts.
#   A. Both calls are bridged; caller1's phone is killed with SIGKILL (no BYE).
#      Its open leg receives no RTP: it is ended with cause media_timeout, the
#      caller is logged out ("leg_lost: media_timeout", audit caller.leg_down,
#      registration dropped so nobody calls the dead phone again), and its
#      customer's call ends cleanly with hangup_cause media_timeout (a BYE with
#      Reason Q.850 cause 102 reaches the carrier).
#   B. The carrier is stopped (SIGSTOP: the customer's side goes silent, no
#      BYE). caller2's customer leg times out: the call ends with media_timeout,
#      caller2 goes to wrap-up, keys a disposition and is still logged in.
#      (The bot takes 0.6 s of silence for "customer gone" and keys its digit
#      --wrap-ms later: 4 s, so that the digit comes after the 2 s timeout.)
# Usage: media_timeout_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-mto

setup_campaign "$CL" "$D" 2 never progressive
printf '[sip]\nmedia_timeout_s = 2\n' > "$D/clearline.toml"
pick_sip_ports
printf 'caller1:pw1\ncaller2:pw2\n' > "$W/callers.txt"
"$BIN/clearline-carrier" --listen 127.0.0.1:$TP --truth "$W/truth.jsonl" --seed 4 --time-scale 1 \
  --p-human 1 --p-machine 0 --p-no-answer 0 --p-busy 0 --p-invalid 0 --p-congestion 0 --p-early-media 0 \
  --ring-min-ms 200 --ring-max-ms 400 --talk-mean-ms 600000 --talk-min-ms 600000 > "$W/carrier.log" 2>&1 &
CARRIER=$!; PIDS+=($CARRIER)
declare -A BOT
for i in 1 2; do
  "$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix caller --start $i --password "pw$i" \
    --talk-mean-ms 600000 --talk-min-ms 600000 --wrap-ms 4000 --seed $i > "$W/bot$i.log" 2>&1 &
  BOT[caller$i]=$!; PIDS+=($!)
done
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer progressive --until-idle --clock-offset-s "$CLOCK_OFFSET_S" \
  > "$W/summary.json" 2> "$W/dialer.log" &
DIALER=$!; PIDS+=($DIALER)

wait_for() {  # wait_for WHAT SQL EXPECTED: poll the store (at most 30 s)
  for _ in $(seq 1 150); do
    [[ $(q "$2" 2>/dev/null || true) == "$3" ]] && return 0
    kill -0 $DIALER 2>/dev/null || fail "the dialer exited while waiting for $1"
    sleep 0.2
  done
  fail "timed out waiting for $1 ($2 -> $(q "$2" 2>/dev/null || true), wanted $3)"
}

wait_for "both calls bridged" "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL AND ended_at IS NULL" 2
C1=$(q "SELECT id FROM calls WHERE caller_ref='caller1' AND ended_at IS NULL")
C2=$(q "SELECT id FROM calls WHERE caller_ref='caller2' AND ended_at IS NULL")
[[ -n $C1 && -n $C2 ]] || fail "expected one bridged call per caller: $(q "SELECT id, caller_ref FROM calls")"

# A. caller1's phone vanishes.
kill -KILL "${BOT[caller1]}"
wait_for "caller1's leg to time out" \
  "SELECT COUNT(*) FROM audit_events WHERE action='caller.leg_down' AND object_id='caller1' AND json_extract(payload,'$.cause')='media_timeout'" 1
wait_for "caller1's customer call to end" "SELECT hangup_cause FROM calls WHERE id=$C1 AND ended_at IS NOT NULL" media_timeout
[[ $(q "SELECT COUNT(*) FROM calls WHERE id=$C2 AND ended_at IS NULL") == 1 ]] \
  || fail "caller2's call ended with caller1's phone: $(q "SELECT hangup_cause FROM calls WHERE id=$C2")"
[[ $(q "SELECT COUNT(*) FROM sip_registrations WHERE caller_ref='caller1'") == 0 ]] \
  || fail "the vanished phone's registration was kept"

# B. The customers' side goes silent (no BYE).
kill -STOP $CARRIER
wait_for "caller2's customer leg to time out" "SELECT hangup_cause FROM calls WHERE id=$C2 AND ended_at IS NOT NULL" media_timeout
kill -CONT $CARRIER
for _ in $(seq 1 300); do kill -0 $DIALER 2>/dev/null || break; sleep 0.2; done
kill -0 $DIALER 2>/dev/null && fail "the dialer did not become idle: $(q "SELECT id, state, caller_ref, hangup_cause, disposition FROM calls")"
wait $DIALER || fail "dialer failed"
S="$W/summary.json"
echo "dialer: $(jq -c '{calls_placed,calls_bridged,media_timeouts_caller,media_timeouts_customer,callers}' "$S")"
kill -TERM "${BOT[caller2]}" 2>/dev/null || true
sleep 1; kill -TERM $CARRIER; wait $CARRIER || true

[[ $(jq .write_errors "$S") == 0 ]] || fail "store write errors"
[[ $(jq .media_timeouts_caller "$S") == 1 && $(jq .media_timeouts_customer "$S") == 1 ]] \
  || fail "media timeouts: $(jq -c '{media_timeouts_caller,media_timeouts_customer}' "$S")"
[[ $(jq -r '.callers.caller1.state' "$S") == logged_out && $(jq -r '.callers.caller1.reason' "$S") == "leg_lost: media_timeout" ]] \
  || fail "caller1 not logged out for the media timeout: $(jq -c .callers "$S")"
# caller2 stayed logged in: wrap-up after its customer's timeout, its digit stored the
# disposition; its leg only went down when the dialer stopped (cause normal, no reason).
[[ $(q "SELECT disposition FROM calls WHERE id=$C2") == contacted ]] \
  || fail "caller2's wrap-up did not end with its disposition: $(q "SELECT disposition FROM calls WHERE id=$C2")"
# caller1's phone vanished mid-call: the call has no disposition of the caller's (not "contacted").
[[ $(q "SELECT disposition || ':' || (wrapped_at IS NULL) FROM calls WHERE id=$C1") == "no_disposition:1" ]] \
  || fail "caller1's call: $(q "SELECT disposition, wrapped_at FROM calls WHERE id=$C1")"
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='caller.leg_down' AND object_id='caller2' AND json_extract(payload,'$.cause')<>'normal'") == 0 ]] \
  || fail "caller2's leg went down during the run"
[[ $(jq -r '.callers.caller2.reason' "$S") == "" ]] || fail "caller2: $(jq -c .callers.caller2 "$S")"
# Both calls: bridged, ended cleanly with the distinct cause, the contacts done.
[[ $(q "SELECT COUNT(*) FROM calls WHERE hangup_cause='media_timeout' AND bridged_at IS NOT NULL AND state='ended'") == 2 ]] \
  || fail "calls: $(q "SELECT id, state, hangup_cause, disposition FROM calls")"
[[ $(q "SELECT COUNT(*) FROM calls") == 2 ]] || fail "a contact was dialed again: $(q "SELECT id, caller_ref FROM calls")"
[[ $(q "SELECT COUNT(*) FROM contacts WHERE status='in_progress' OR last_disposition IS NULL") == 0 ]] \
  || fail "contacts left in progress: $(q "SELECT id, status, last_disposition FROM contacts")"
# The carrier: caller1's customer got our BYE (ended_by caller), as did caller2's once the carrier ran again.
[[ $(jq -s '[.[] | select(.ended_by == "caller")] | length' "$W/truth.jsonl") == 2 ]] \
  || fail "the carrier did not see both calls hung up by Clearline: $(cat "$W/truth.jsonl")"
"$CL" audit verify --data-dir "$D" > /dev/null || fail "audit chain does not verify"
echo "media-timeout e2e ok: vanished phone -> caller logged out (media_timeout), silent customer -> call ended (media_timeout)"
