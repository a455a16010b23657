#!/usr/bin/env bash
# The recording announcement where all-party consent is required (issue 6 §5)
# over real SIP: `clearline dialer run` + clearline-carrier (every callee
# answers and talks 8 s) + 2 caller bots that send silence (so that the only
# voiced audio the callee hears is ours); a progressive campaign recording
# every call, recording_announcement "auto" (the default). Contacts 1, 3, 5
# live in Pennsylvania (an all-party consent state in
# data/rules/recording_consent.json), 2, 4, 6 in New York (one-party); all
# numbers are New York area codes, so only the address makes the difference.
# Checks, with the carrier's ground truth:
#  - every bridged PA call: calls.recording_announcement = 1, an audit event
#    naming 18 Pa. Cons. Stat. § 5704, the callee heard the announcement (voiced RTP
#    frames at the carrier, at least 80 % of the shipped WAV's voiced frames),
#    and its recording's to-customer channel starts with exactly the shipped
#    announcement's samples;
#  - every bridged NY call: flag 0, the callee heard no voiced audio, the
#    recording exists and does not start with the announcement;
#  - then recording_announcement "never" (CLI update, audited): a new PA
#    callee is NOT recorded (no recording_ref, no file, audit call.not_recorded
#    naming the statute, no announcement heard); a new NY callee is recorded
#    without an announcement.
#  - then "auto" again with the campaign's own announcement WAV where the API
#    stores an uploaded one (DATA_DIR/prompts/campaign-<id>-recording.wav,
#    renamed into place as the API does): a new PA callee hears it, and the
#    recording starts with its samples, not the shipped one's.
# Usage: recording_announcement_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
ANN="$(cd "$(dirname "$0")/../.." && pwd)/data/prompts/recording-announcement.wav"
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-ann
[[ -s $ANN ]] || fail "the shipped announcement $ANN is missing"

setup_campaign "$CL" "$D" 6 all progressive
sqlite3 "$DB" "UPDATE contacts SET state = CASE WHEN id % 2 = 1 THEN 'PA' ELSE 'NY' END"
# A weekday 10:00 New York time at which the policy allows both the PA and the NY contacts
# (Pennsylvania's no-call holidays differ from New York's).
CLOCK_OFFSET_S=""
for k in $(seq 1 21); do
  day=$(TZ=America/New_York date -d "+$k day" +%F)
  [[ $(TZ=America/New_York date -d "$day" +%u) -le 5 ]] || continue
  t=$(TZ=America/New_York date -d "$day 10:00" +%s)
  at=$(TZ=America/New_York date -d "@$t" +%Y-%m-%dT%H:%M:%S%:z)
  ok=1
  for st in PA NY; do
    "$CL" check --number +12125550001 --state $st --at "$at" --mode progressive --line-type landline \
      --campaign "$CAMPAIGN_ID" --data-dir "$D" --json 2>/dev/null | jq -e '.verdict == "allow"' > /dev/null || ok=0
  done
  if [[ $ok == 1 ]]; then CLOCK_OFFSET_S=$((t - $(date +%s))); break; fi
done
[[ -n $CLOCK_OFFSET_S ]] || fail "no weekday 10:00 in 3 weeks at which PA and NY contacts may be called"
[[ $("$CL" campaign show "$CAMPAIGN_ID" --data-dir "$D" --json | jq -r .recording_announcement) == auto ]] \
  || fail "a campaign's recording_announcement is not auto by default"
pick_sip_ports
printf 'caller1:pw1\ncaller2:pw2\n' > "$W/callers.txt"
sox -n -r 8000 -c 1 -b 16 "$W/silence.wav" trim 0 1
run=0
run_once() {
  run=$((run + 1))
  "$BIN/clearline-carrier" --listen 127.0.0.1:$TP --truth "$W/truth.jsonl" --seed 9 --time-scale 1 \
    --p-human 1 --p-machine 0 --p-no-answer 0 --p-busy 0 --p-invalid 0 --p-congestion 0 --p-early-media 0 \
    --ring-min-ms 200 --ring-max-ms 500 --talk-mean-ms 8000 --talk-min-ms 8000 > "$W/carrier$run.log" 2>&1 &
  local carrier=$!; PIDS+=($carrier)
  start_bots "$BIN" "$SP" "$run" 2 --wav "$W/silence.wav" --talk-mean-ms 60000 --talk-min-ms 60000 --wrap-ms 200
  "$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
    --sip-listen 127.0.0.1:$SP --pacer progressive --until-idle --clock-offset-s "$CLOCK_OFFSET_S" \
    > "$W/summary$run.json" 2> "$W/dialer$run.log" || fail "dialer run $run failed"
  stop_bots
  sleep 0.5; kill -TERM $carrier; wait $carrier || true
  jq -e '.write_errors == 0' "$W/summary$run.json" > /dev/null || fail "store write errors: $(cat "$W/summary$run.json")"
  echo "run $run: $(jq -c '{calls_placed,calls_bridged,recordings_written,recording_announcements,recordings_refused}' "$W/summary$run.json")"
}
voiced() { jq -r --arg id "$1" 'select((.call|tostring) == $id) | .rtp_rx_voiced' "$W/truth.jsonl"; }
# Voiced 20 ms frames of an announcement WAV (the carrier's measure: mean square > 250^2).
voiced_frames() {
  python3 - "$1" <<'PY'
import sys, wave, struct
w = wave.open(sys.argv[1]); a = struct.unpack("<%dh" % w.getnframes(), w.readframes(w.getnframes()))
print(sum(1 for i in range(0, len(a), 160) if sum(x * x for x in a[i:i + 160]) / 160 > 250 * 250))
PY
}
ann_voiced=$(voiced_frames "$ANN")
[[ $ann_voiced -gt 20 ]] || fail "the shipped announcement has only $ann_voiced voiced frames"
need=$((ann_voiced * 8 / 10))

# check_recording ID WANT(1|0) [WAV]: the recording's right (to-customer) channel starts with the
# announcement (WAV, default the shipped one).
check_recording() {
  local id=$1 want=$2 ann=${3:-$ANN} rec
  rec=$(q "SELECT COALESCE(recording_ref,'') FROM calls WHERE id=$id")
  [[ -n $rec && -s $rec ]] || fail "call $id: no recording"
  python3 - "$rec" "$ann" "$want" <<'PY' || fail "call $id: recording vs announcement $ann (want $want)"
import sys, wave, struct
rec, ann, want = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
def pcm(path):
    w = wave.open(path); n = w.getnframes(); ch = w.getnchannels()
    return struct.unpack("<%dh" % (n * ch), w.readframes(n)), ch
r, ch = pcm(rec); a, _ = pcm(ann)
assert ch == 2, "recording is not stereo"
right = r[1::2]
starts = len(right) >= len(a) and list(right[:len(a)]) == list(a)
print("recording %s: starts with the announcement: %s" % (rec.rsplit("/", 1)[-1], starts))
assert starts == want
PY
}

run_once
bridged_pa=$(q "SELECT c.id FROM calls c JOIN contacts k ON k.id=c.contact_id WHERE k.state='PA' AND c.bridged_at IS NOT NULL")
bridged_ny=$(q "SELECT c.id FROM calls c JOIN contacts k ON k.id=c.contact_id WHERE k.state='NY' AND c.bridged_at IS NOT NULL")
[[ -n $bridged_pa && -n $bridged_ny ]] || fail "no PA or no NY call bridged: the test tested nothing ($(q "SELECT id, contact_id, bridged_at, abandoned FROM calls"))"
for id in $bridged_pa; do
  [[ $(q "SELECT recording_announcement FROM calls WHERE id=$id") == 1 ]] || fail "PA call $id: the call row does not say the announcement played"
  [[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='call.recording_announcement' AND object_id='$id' AND payload LIKE '%5704%'") == 1 ]] \
    || fail "PA call $id: no audit event naming the statute"
  v=$(voiced "$id")
  [[ ${v:-0} -ge $need ]] || fail "PA call $id: the callee heard $v voiced frames, the announcement has $ann_voiced"
  check_recording "$id" 1
done
for id in $bridged_ny; do
  [[ $(q "SELECT recording_announcement FROM calls WHERE id=$id") == 0 ]] || fail "NY call $id: announcement flag set"
  v=$(voiced "$id")
  [[ ${v:-0} -le 2 ]] || fail "NY call $id: the callee heard $v voiced frames (no announcement was due)"
  check_recording "$id" 0
done
[[ $(jq .recording_announcements "$W/summary1.json") -ge $(echo $bridged_pa | wc -w) ]] || fail "summary recording_announcements"

# "never": where all-party consent is required the call is not recorded at all.
echo '{"recording_announcement": "never"}' > "$W/never.json"
"$CL" campaign update "$CAMPAIGN_ID" --data-dir "$D" --settings "$W/never.json" > /dev/null
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='campaign.update' AND payload LIKE '%recording_announcement%never%'") == 1 ]] \
  || fail "the setting change is not audited"
org=$(q "SELECT org_id FROM campaigns WHERE id=$CAMPAIGN_ID")
sqlite3 "$DB" "INSERT INTO contacts (id, campaign_id, list_id, first_name, state, source_line) VALUES (7, $CAMPAIGN_ID, 1, 'C7', 'PA', 7), (8, $CAMPAIGN_ID, 1, 'C8', 'NY', 8);
  INSERT INTO phones (contact_id, campaign_id, org_id, e164, raw, label, line_type) VALUES
    (7, $CAMPAIGN_ID, $org, '+12125550007', '7', 'home', 'landline'), (8, $CAMPAIGN_ID, $org, '+12125550008', '8', 'home', 'landline');"
# The bots of the last run are gone: their stored registrations would be called first.
sqlite3 "$DB" "DELETE FROM sip_registrations"
run_once
id7=$(q "SELECT id FROM calls WHERE contact_id=7 AND bridged_at IS NOT NULL")
id8=$(q "SELECT id FROM calls WHERE contact_id=8 AND bridged_at IS NOT NULL")
[[ -n $id7 && -n $id8 ]] || fail "contact 7 or 8 not bridged ($(q "SELECT id, contact_id, bridged_at FROM calls WHERE contact_id > 6"))"
[[ $(q "SELECT COALESCE(recording_ref,'') || '/' || recording_announcement FROM calls WHERE id=$id7") == /0 ]] \
  || fail "never: PA call $id7 was recorded or announced ($(q "SELECT recording_ref, recording_announcement FROM calls WHERE id=$id7"))"
[[ ! -e $D/recordings/call-$id7.wav ]] || fail "never: PA call $id7 has a recording file"
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='call.not_recorded' AND object_id='$id7' AND payload LIKE '%5704%'") == 1 ]] \
  || fail "never: no audit event says why PA call $id7 was not recorded"
v=$(voiced "$id7"); [[ ${v:-0} -le 2 ]] || fail "never: PA call $id7 heard $v voiced frames"
[[ $(q "SELECT recording_announcement FROM calls WHERE id=$id8") == 0 ]] || fail "never: NY call $id8 announced"
check_recording "$id8" 0
[[ $(jq .recordings_refused "$W/summary2.json") -ge 1 ]] || fail "summary recordings_refused"

# "auto" again, with the campaign's own announcement: a 1.6 s 600-900 Hz
# sweep (unlike the shipped speech), renamed into place where the API stores an upload.
echo '{"recording_announcement": "auto"}' > "$W/auto.json"
"$CL" campaign update "$CAMPAIGN_ID" --data-dir "$D" --settings "$W/auto.json" > /dev/null
OWN=$W/own-announcement.wav
sox -n -r 8000 -c 1 -b 16 "$OWN" synth 1.6 sine 600-900 vol 0.5
mkdir -p "$D/prompts" && cp "$OWN" "$D/prompts/.upload.part" && mv "$D/prompts/.upload.part" "$D/prompts/campaign-$CAMPAIGN_ID-recording.wav"
own_voiced=$(voiced_frames "$OWN")
[[ $own_voiced -gt 20 ]] || fail "the campaign's own announcement has only $own_voiced voiced frames"
sqlite3 "$DB" "INSERT INTO contacts (id, campaign_id, list_id, first_name, state, source_line) VALUES (9, $CAMPAIGN_ID, 1, 'C9', 'PA', 9);
  INSERT INTO phones (contact_id, campaign_id, org_id, e164, raw, label, line_type) VALUES (9, $CAMPAIGN_ID, $org, '+12125550009', '9', 'home', 'landline');"
sqlite3 "$DB" "DELETE FROM sip_registrations"
run_once
id9=$(q "SELECT id FROM calls WHERE contact_id=9 AND bridged_at IS NOT NULL")
[[ -n $id9 ]] || fail "contact 9 not bridged ($(q "SELECT id, contact_id, bridged_at FROM calls WHERE contact_id = 9"))"
[[ $(q "SELECT recording_announcement FROM calls WHERE id=$id9") == 1 ]] || fail "own WAV: PA call $id9 not flagged as announced"
v=$(voiced "$id9")
[[ ${v:-0} -ge $((own_voiced * 8 / 10)) ]] || fail "own WAV: PA call $id9 heard $v voiced frames, the campaign's announcement has $own_voiced"
check_recording "$id9" 1 "$OWN"
check_recording "$id9" 0 "$ANN"
"$CL" audit verify --data-dir "$D" > /dev/null || fail "audit chain does not verify"
echo "recording announcement e2e ok: $(echo $bridged_pa | wc -w) PA calls announced (>= $need voiced frames heard), $(echo $bridged_ny | wc -w) NY calls not; never: PA not recorded, NY recorded; the campaign's own WAV played and recorded"
