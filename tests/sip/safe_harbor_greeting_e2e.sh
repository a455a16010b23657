#!/usr/bin/env bash
# The grace counted from the greeting's end over real SIP (`dialer run
# --grace-from greeting_end`, no AMD): people who say "Hello?" 1.2 s after they
# answer (an espeak-ng WAV: 1.2 s of silence, the word, then silence), one
# caller bot that talks 4 s, a predictive campaign dialing 4 lines per caller,
# so most callees wait for a caller and many hear the safe-harbor prompt.
# The edge hears each greeting end (about 1.6 s after the answer), the runtime
# then gives the callee until that end + 2 s, and the edge's safety net (3 s
# after the answer until then) moves to 3 s after the greeting's end, so it
# never cuts that grace short. Checks: greeting ends were heard more than 1 s
# after the answer (else the net at answer + 3 s could not have cut in: the
# test would test nothing); some calls were abandoned, each with its ledger
# row, as many as prompts were played; the safety net never fired (summary
# safe_harbor_safety_net = 0): every prompt was the runtime's, at its deadline.
# Usage: safe_harbor_greeting_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-shg

setup_campaign "$CL" "$D" 8 never
pick_sip_ports
echo "caller1:pw1" > "$W/callers.txt"
espeak-ng -w "$W/h.wav" "Hello?"
sox "$W/h.wav" -r 8000 -c 1 -b 16 "$W/human.wav" pad 1.2 6
start_carrier_people "$BIN" "$TP" 3 --ring-min-ms 300 --ring-max-ms 600 --talk-mean-ms 8000 --talk-min-ms 6000 \
  --human-wav "$W/human.wav"
"$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix caller --start 1 --password pw1 \
  --talk-mean-ms 4000 --talk-min-ms 3000 --wrap-ms 200 --seed 1 > "$W/bot.log" 2>&1 & PIDS+=($!)
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer fixed-ratio --knob 4 --grace-from greeting_end --until-idle \
  --clock-offset-s "$CLOCK_OFFSET_S" > "$W/summary.json" 2> "$W/dialer.log" || fail "dialer failed"
S="$W/summary.json"
echo "dialer: $(jq -c '{calls_placed,calls_answered,calls_bridged,abandoned,safe_harbor_played,safe_harbor_safety_net,greetings_heard,grace_from}' "$S")"

[[ $(jq .write_errors "$S") == 0 && $(jq -r .grace_from "$S") == greeting_end ]] || fail "summary: $(cat "$S")"
late=$(q "SELECT COUNT(*) FROM calls WHERE greeting_end_at - answered_at > 1000")
[[ $late -gt 0 ]] || fail "no greeting end heard more than 1 s after the answer: the test tested nothing ($(q "SELECT id, greeting_end_at - answered_at FROM calls"))"
ab=$(q "SELECT COUNT(*) FROM calls WHERE abandoned=1")
[[ $ab -gt 0 ]] || fail "no call was abandoned: the test tested nothing ($(cat "$S"))"
[[ $(q "SELECT COUNT(*) FROM calls c LEFT JOIN abandonment_ledger l ON l.call_id=c.id WHERE c.abandoned=1 AND (l.call_id IS NULL OR l.abandoned<>1)") == 0 ]] \
  || fail "abandoned calls without an abandoned ledger row"
# Every prompt is an abandonment: the store, the ledger and the summary agree.
[[ $(jq .safe_harbor_played "$S") == "$ab" && $(jq .abandoned "$S") == "$ab" ]] \
  || fail "prompts $(jq .safe_harbor_played "$S"), abandoned $(jq .abandoned "$S") (summary), $ab (store)"
[[ $(jq .safe_harbor_safety_net "$S") == 0 ]] \
  || fail "the edge's safety net fired $(jq .safe_harbor_safety_net "$S") times: it cut into a grace counted from the greeting's end"
echo "safe harbor from the greeting's end ok: $late greeting ends heard over 1 s after the answer, $ab abandoned, safety net idle"
