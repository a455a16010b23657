#!/usr/bin/env bash
# On-demand recording from the console (issue 6 §5 "on demand") over real SIP:
# `clearline serve` with [sip] enabled, a human-initiated campaign whose
# recording mode is on_demand, caller ann1's SIP phone (clearline-agentbot),
# clearline-carrier answering as a person who talks for a minute. Through the
# API (curl) and the store:
#   - POST /api/v1/console/record with no call bridged: 409 naming "state";
#   - on the call the console says recording_mode on_demand, recording false;
#   - the campaign switched to recording "never" (PATCH): Record is refused
#     (409 naming "recording", "recording: never"); back to on_demand: Record
#     answers recording:true for that call (again: already:true), the console
#     says recording true, and call.recording.start is audited by user:ann1;
#   - after the disposition ends the call: the WAV exists, is a stereo 8 kHz
#     WAV of >= 1 s with audio in it, and the call row's recording_ref names it
#     (audited call.recording); the audit chain verifies.
# Usage: serve_record_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-serve-record

setup_campaign "$CL" "$D" 1 on_demand human_initiated
pick_sip_ports
printf 'ann1:pw-ann\n' > "$D/sip-callers.txt"
sip_serve_config "$TP" "$SP"
echo 'ann-password-1' | "$CL" user create --name ann1 --role caller --entity site-1 --password-stdin --data-dir "$D" >/dev/null
echo 'manager-password' | "$CL" user create --name manager --role campaign_manager --password-stdin --data-dir "$D" >/dev/null
MGR=$("$CL" user token --name manager --data-dir "$D")

start_carrier_people "$BIN" "$TP" 5 --ring-min-ms 300 --ring-max-ms 600 --talk-mean-ms 60000 --talk-min-ms 60000
"$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix ann --start 1 --password pw-ann --no-keys \
  --seed 2 > "$W/ann-phone.log" 2>&1 & PIDS+=($!)
start_serve "$CL" --clock-offset-s "$CLOCK_OFFSET_S"

api_login ann1 ann-password-1 "$W/ann.jar"
ANN=(-s -b "$W/ann.jar" -H 'content-type: application/json' -H "X-CSRF-Token: $CSRF")
console() { curl -s -b "$W/ann.jar" "$URL/api/v1/console"; }
record() { curl "${ANN[@]}" -w '\n%{http_code}' -d '{}' "$URL/api/v1/console/record"; }
patch_recording() {
  curl -s -H "Authorization: Bearer $MGR" -H 'content-type: application/json' -X PATCH -d "{\"recording\":\"$1\"}" \
    "$URL/api/v1/campaigns/$CAMPAIGN_ID" | jq -e ".recording == \"$1\"" >/dev/null || fail "PATCH recording=$1"
}

for _ in $(seq 100); do
  R=$(curl "${ANN[@]}" -d "{\"campaign_id\":$CAMPAIGN_ID}" "$URL/api/v1/console/join")
  jq -e '.allowed == true' <<<"$R" >/dev/null && break
  sleep 0.2
done
jq -e '.allowed == true' <<<"$R" >/dev/null || fail "join: $R"
for _ in $(seq 100); do S=$(console); jq -e '.state == "ready"' <<<"$S" >/dev/null && break; sleep 0.1; done
jq -e '.state == "ready" and .recording_mode == "on_demand"' <<<"$S" >/dev/null || fail "ann1 not ready: $S"

# No call bridged: refused, naming the state.
R=$(record)
[[ $(tail -1 <<<"$R") == 409 ]] && head -1 <<<"$R" | jq -e '.error.field == "state" and (.error.message | test("no call is bridged"))' >/dev/null \
  || fail "Record without a call: $R"

LEAD=$(curl -s -b "$W/ann.jar" "$URL/api/v1/console/next-lead" | jq -r .lead.contact_id)
R=$(curl "${ANN[@]}" -d "{\"contact_id\":$LEAD}" "$URL/api/v1/console/dial")
CALL=$(jq -r .call_id <<<"$R")
[[ $CALL =~ ^[0-9]+$ ]] || fail "dial: $R"
for _ in $(seq 150); do S=$(console); jq -e '.state == "on_call"' <<<"$S" >/dev/null && break; sleep 0.1; done
jq -e '.state == "on_call" and .call.call_id == '"$CALL"' and .recording_mode == "on_demand" and .recording == false' <<<"$S" >/dev/null \
  || fail "on the call: $S"

# The campaign no longer records: refused naming the mode; nothing recorded.
patch_recording never
R=$(record)
[[ $(tail -1 <<<"$R") == 409 ]] && head -1 <<<"$R" | jq -e '.error.field == "recording" and (.error.message | test("recording: never"))' >/dev/null \
  || fail "Record on a never-recording campaign: $R"
patch_recording all
R=$(record)
[[ $(tail -1 <<<"$R") == 409 ]] && head -1 <<<"$R" | jq -e '(.error.message | test("recording: all"))' >/dev/null \
  || fail "Record on an all-recording campaign: $R"
patch_recording on_demand
R=$(record)
[[ $(tail -1 <<<"$R") == 200 ]] && head -1 <<<"$R" | jq -e '.recording == true and .call_id == '"$CALL"' and .already == false
   and .console.recording == true and .file == "call-'"$CALL"'.wav"' >/dev/null || fail "Record: $R"
R=$(record)
head -1 <<<"$R" | jq -e '.recording == true and .already == true' >/dev/null || fail "Record again: $R"
console | jq -e '.recording == true' >/dev/null || fail "the console does not show the recording"
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='call.recording.start' AND object_id='$CALL' AND actor='user:ann1'") == 1 ]] \
  || fail "call.recording.start not audited once"
sleep 2  # two seconds of conversation on the recording

R=$(curl "${ANN[@]}" -d '{"code":"support"}' "$URL/api/v1/calls/$CALL/disposition")
jq -e '.disposition == "support"' <<<"$R" >/dev/null || fail "disposition: $R"
for _ in $(seq 100); do [[ -n $(q "SELECT recording_ref FROM calls WHERE id=$CALL AND recording_ref IS NOT NULL") ]] && break; sleep 0.1; done
REF=$(q "SELECT recording_ref FROM calls WHERE id=$CALL")
[[ -n $REF ]] || fail "the call row references no recording"
[[ $REF == *"call-$CALL.wav" ]] || fail "recording_ref $REF does not name call-$CALL.wav"
[[ $REF == /* ]] || REF="$D/$REF"
[[ -s $REF ]] || fail "the recording $REF is missing or empty"
python3 - "$REF" <<'PY' || fail "the recording is not a WAV with audio"
import sys, wave, struct
w = wave.open(sys.argv[1])
assert w.getnchannels() == 2 and w.getframerate() == 8000 and w.getsampwidth() == 2, (w.getnchannels(), w.getframerate())
n = w.getnframes()
assert n >= 8000, f"{n} frames: under a second"
pcm = struct.unpack(f"<{2 * n}h", w.readframes(n))
loud = sum(1 for x in pcm[0::2] if abs(x) > 500)
assert loud > 800, f"the customer's channel is silent ({loud} loud samples of {n})"
print(f"recording: {n / 8000:.1f} s stereo, customer channel {loud} loud samples")
PY
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='call.recording' AND object_id='$CALL'") == 1 ]] || fail "call.recording not audited"
[[ $(q "SELECT COUNT(*) FROM calls WHERE recording_ref IS NOT NULL") == 1 ]] || fail "other calls were recorded"

stop_serve
"$CL" audit verify --data-dir "$D" --json | jq -e '.ok == true' >/dev/null || fail "audit chain"
echo "serve record e2e ok: call $CALL recorded on demand by ann1 → $(basename "$REF") ($(stat -c %s "$REF") bytes)"
