#!/usr/bin/env bash
# The safe-harbor prompt uploaded through the API is what the carrier hears
# (issue 8 §2 x issue 6 §4). `clearline serve` with [sip] enabled; the campaign
# is paused while a manager uploads (curl) a 44.1 kHz file (refused: 400 naming
# field "body", nothing stored) and then a 4-second 8 kHz mono WAV (stored at
# DATA_DIR/prompts/campaign-N.wav, audited with its SHA-256), then resumes it.
# One caller bot that talks for 6-7 s (three times the 2 s grace, so that a
# loaded machine cannot free it in time), the fixed-ratio pacer at 2 lines per
# caller and a carrier where every callee answers: the callee nobody can take
# hears the prompt. Checks: at least one abandoned call; on every abandoned
# call the carrier received >= 180 voiced 20 ms packets — the 4 s upload (200
# packets), not the built-in 1.5 s tone (75) — and stayed on until it ended.
# Also: the SIP desk stores the bot's caller session (caller_sessions) with
# caller.login / caller.logout audit events, closed at SIGTERM.
# Usage: serve_prompt_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-serve-prompt

setup_campaign "$CL" "$D" 6 never
"$CL" campaign pause "$CAMPAIGN_ID" --data-dir "$D" > /dev/null
pick_sip_ports
printf 'caller1:pw1\n' > "$D/sip-callers.txt"
sip_serve_config "$TP" "$SP" 'auto_login = "caller1"' '[pacing]' 'pacer = "fixed-ratio"'
echo 'manager-password' | "$CL" user create --name manager --role campaign_manager --password-stdin --data-dir "$D" > /dev/null
TOKEN=$("$CL" user token --name manager --data-dir "$D")

start_carrier_people "$BIN" "$TP" 3 --ring-min-ms 300 --ring-max-ms 600 --talk-mean-ms 9000 --talk-min-ms 8000
"$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix caller --start 1 --password pw1 \
  --talk-mean-ms 7000 --talk-min-ms 6000 --wrap-ms 200 --seed 1 > "$W/bot.log" 2>&1 & PIDS+=($!)
start_serve "$CL" --clock-offset-s "$CLOCK_OFFSET_S"
A=(-s -H "Authorization: Bearer $TOKEN")

mkwav() {  # mkwav RATE SECONDS FILE: a loud 440 Hz tone, mono 16-bit
  python3 - "$@" <<'PY'
import math, struct, sys, wave
rate, secs, out = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
w = wave.open(out, 'wb'); w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
w.writeframes(b''.join(struct.pack('<h', int(9000 * math.sin(2 * math.pi * 440 * i / rate))) for i in range(int(rate * secs))))
w.close()
PY
}
mkwav 44100 1 "$W/cd.wav"
mkwav 8000 4 "$W/prompt.wav"
P="$URL/api/v1/campaigns/$CAMPAIGN_ID/safe-harbor-prompt"
R=$(curl "${A[@]}" -w '\n%{http_code}' -H 'content-type: audio/wav' --data-binary @"$W/cd.wav" "$P")
[[ $(tail -1 <<<"$R") == 400 ]] && head -1 <<<"$R" | jq -e '.error.field == "body" and (.error.message | test("44100 Hz"))' >/dev/null \
  || fail "a 44.1 kHz upload was not refused naming the body and the rate: $R"
[[ ! -e "$D/prompts/campaign-$CAMPAIGN_ID.wav" ]] || fail "the refused file was stored"
SHA=$(sha256sum "$W/prompt.wav" | cut -d' ' -f1)
R=$(curl "${A[@]}" -H 'content-type: audio/wav' --data-binary @"$W/prompt.wav" "$P")
jq -e '.wav.sha256 == "'"$SHA"'" and .wav.duration_ms == 4000 and .played == "uploaded_wav"' <<<"$R" >/dev/null || fail "upload: $R"
cmp -s "$W/prompt.wav" "$D/prompts/campaign-$CAMPAIGN_ID.wav" || fail "the stored prompt differs from the upload"
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='campaign.prompt.upload' AND object_id='$CAMPAIGN_ID'
        AND actor='api:token:manager' AND payload LIKE '%$SHA%'") == 1 ]] || fail "the upload is not audited"
curl "${A[@]}" -H 'content-type: application/json' -d '{"event":"resume"}' "$URL/api/v1/campaigns/$CAMPAIGN_ID/state" \
  | jq -e '.state == "active"' >/dev/null || fail "resume"

# Until every contact has an outcome (or 90 s).
for _ in $(seq 900); do
  [[ $(q "SELECT COUNT(*) FROM contacts WHERE last_disposition IS NULL OR status='in_progress'") == 0 ]] && break
  sleep 0.1
done
sleep 1
stop_serve
kill -TERM $CARRIER; wait $CARRIER || true
ab=$(q "SELECT COUNT(*) FROM calls WHERE abandoned=1 AND safe_harbor_played=1")
[[ $ab -gt 0 ]] || fail "no call was abandoned with the safe-harbor prompt: the test tested nothing ($(q "SELECT id, disposition, hangup_cause FROM calls"))"
heard=""
for id in $(q "SELECT id FROM calls WHERE abandoned=1 AND safe_harbor_played=1"); do
  voiced=$(jq -r --arg id "$id" 'select((.call|tostring) == $id) | .rtp_rx_voiced' "$W/truth.jsonl")
  [[ ${voiced:-0} -ge 180 ]] || fail "call $id: the callee heard $voiced voiced packets, not the 4 s uploaded prompt (200)"
  heard+="$id:$voiced "
done
# The SIP desk stored caller1's session (logged in by its phone, closed at shutdown) with its audit events.
[[ $(q "SELECT COUNT(*) FROM caller_sessions WHERE caller_ref='caller1' AND campaign_id=$CAMPAIGN_ID AND ended_at > started_at
        AND end_reason='daemon_stopped'") == 1 ]] || fail "caller1's session: $(q "SELECT * FROM caller_sessions")"
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE object_id='caller1' AND action IN ('caller.login','caller.logout')") == 2 ]] \
  || fail "caller1's login/logout not audited: $(q "SELECT action FROM audit_events WHERE object_id='caller1'")"
"$CL" audit verify --data-dir "$D" --json | jq -e '.ok == true' >/dev/null || fail "audit chain"
echo "serve prompt e2e ok: $ab abandoned calls heard the uploaded 4 s prompt ($SHA); voiced packets per call: $heard"
