#!/usr/bin/env bash
# A phone-only caller's break, over real SIP: `clearline dialer run` +
# clearline-carrier (people who talk 1.5 s) + one caller bot that keys '0'
# during its second call (while it talks) and during its fourth call's wrap-up,
# before its disposition '1' each time: paused at that disposition, reason
# "phone", so no customer is routed to it in between; and '0' again 4 s later
# (ready). During its third call it keys '0' twice (a break taken back): no
# pause after that one.
# Checks: two pauses of the caller, reason "phone", from the second and fourth
# calls' dispositions (their wrapped_at), each lasting about the 4 s (3–6 s:
# the dialer ticks); no call bridged to the caller during either; calls bridged
# after them; and '0' keyed six times by the bot.
# Then, with nothing to dial, the same caller idle and ready keys '0' 2 s after
# logging in and '0' again 3 s later: one more "phone" pause, of about 3 s.
# Usage: phone_pause_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-pause

setup_campaign "$CL" "$D" 6 never progressive
pick_sip_ports
printf 'caller1:pw1\n' > "$W/callers.txt"
start_carrier_people "$BIN" "$TP" 4 --p-early-media 0 --ring-min-ms 200 --ring-max-ms 400 \
  --talk-mean-ms 1500 --talk-min-ms 1500
start_bots "$BIN" "$SP" pause 1 --talk-mean-ms 600000 --talk-min-ms 600000 --wrap-ms 300 \
  --pause-in-call 2 --cancel-in-call 3 --pause-after 4 --pause-ms 4000
# (A caller left paused would keep --until-idle waiting: 120 s at most.)
timeout 120 "$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer progressive --until-idle --clock-offset-s "$CLOCK_OFFSET_S" \
  > "$W/summary.json" 2> "$W/dialer.log" || fail "dialer failed or never went idle (a caller left paused?)"
stop_bots
S="$W/summary.json"
echo "dialer: $(jq -c '{calls_placed,calls_bridged,dispositions,write_errors}' "$S")"

[[ $(jq .write_errors "$S") == 0 ]] || fail "write errors: $(jq .write_errors "$S")"
[[ $(jq '.bots[0].pause_keys' "$W/bot-pause-1.json") == 6 ]] || fail "the bot did not key '0' six times: $(cat "$W/bot-pause-1.json")"
pauses=$(q "SELECT p.started_at || ':' || COALESCE(p.ended_at, -1) FROM caller_pauses p
            JOIN caller_sessions s ON s.id = p.session_id WHERE s.caller_ref = 'caller1' AND p.reason = 'phone'
            ORDER BY p.started_at")
[[ $(wc -w <<<"$pauses") == 2 ]] || fail "pauses with reason phone: '$pauses' (all: $(q "SELECT * FROM caller_pauses"))"
n=0
for p in $pauses; do
  from=${p%%:*}; to=${p##*:}
  call=$((2 * n + 2)); n=$((n + 1))  # the second call ('0' while talking), then the fourth (in wrap-up)
  [[ $to -gt 0 ]] || fail "pause $n never ended: $p"
  (( to - from >= 3000 && to - from <= 6000 )) || fail "pause $n lasted $((to - from)) ms, not about 4 s"
  # It began at that call's disposition.
  wrapped=$(q "SELECT wrapped_at FROM calls WHERE bridged_at IS NOT NULL ORDER BY bridged_at LIMIT 1 OFFSET $((call - 1))")
  (( from - wrapped >= -50 && from - wrapped <= 1000 )) \
    || fail "pause $n began at $from, call $call's disposition at $wrapped"
  [[ $(q "SELECT COUNT(*) FROM calls WHERE caller_ref = 'caller1' AND bridged_at BETWEEN $from AND $to") == 0 ]] \
    || fail "a call was bridged to the paused caller: $(q "SELECT id, bridged_at FROM calls WHERE bridged_at BETWEEN $from AND $to")"
  echo "phone pause $n ok: $((to - from)) ms from call $call's disposition, no call meanwhile"
done
after=$(q "SELECT COUNT(*) FROM calls WHERE caller_ref = 'caller1' AND bridged_at > $to")
[[ $after -ge 1 ]] || fail "no call after the breaks: $(q "SELECT id, bridged_at, ended_at FROM calls")"
echo "phone pauses ok: keyed during a call and during a wrap-up, $after call(s) after them"

# B. Ready and idle (every contact done): '0' pauses, '0' again resumes.
stop_carrier() { kill -TERM "$CARRIER" 2>/dev/null || true; wait "$CARRIER" 2>/dev/null || true; }
stop_carrier
start_carrier_people "$BIN" "$TP" 5
# The first bot is gone: its stored registration would be called first.
sqlite3 "$DB" "DELETE FROM sip_registrations"
start_bots "$BIN" "$SP" idle 1 --break-at-ms 2000 --break-ms 3000
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer progressive --minutes 0.15 --clock-offset-s "$CLOCK_OFFSET_S" \
  > "$W/summary-idle.json" 2> "$W/dialer-idle.log" || fail "idle run: dialer failed"
stop_bots
[[ $(jq '.bots[0].pause_keys' "$W/bot-idle-1.json") == 2 ]] || fail "idle run: the bot did not key '0' twice"
[[ $(jq .calls_placed "$W/summary-idle.json") == 0 ]] || fail "idle run: something was dialed"
idle=$(q "SELECT p.ended_at - p.started_at FROM caller_pauses p JOIN caller_sessions s ON s.id = p.session_id
          WHERE s.caller_ref = 'caller1' AND p.reason = 'phone' AND p.started_at > $to")
[[ $(wc -w <<<"$idle") == 1 ]] || fail "idle run: phone pauses after the first run: '$idle' (all: $(q "SELECT * FROM caller_pauses"))"
(( idle >= 2000 && idle <= 4500 )) || fail "idle run: the pause lasted $idle ms, not about 3 s"
echo "phone pause when idle ok: paused $idle ms"
