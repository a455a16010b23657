#!/usr/bin/env bash
# Answering-machine detection on the live path (issue 6, sip/amd.h) over real
# SIP: `clearline dialer run --amd` + clearline-carrier (half people: an
# espeak-ng "Hello?" then silence; half machines: an espeak-ng voicemail
# greeting then a 1 kHz beep — WAVs made here with espeak-ng and sox) + 3
# caller bots, a progressive campaign of 12 landlines.
# Checks, against the carrier's ground truth: at least one machine was
# detected; every call dispositioned machine was never bridged, never
# abandoned, hung up by us, not in the abandonment ledger; no person with this
# clearly human greeting was taken for a machine (no false positive); every
# call answered as a person was bridged or (only then) abandoned with a
# ledger row; the ledger holds exactly the calls answered as people. The
# measured accuracy is printed (machines detected / machines answered).
# AMD per campaign: the campaign above has amd "default" (so the dialer's
# --amd applies). Then, on the same dialer command (--amd still given), a
# second campaign whose amd setting is "off" (set with `campaign update`,
# audited) runs against the same carrier scenario: no call of it is
# dispositioned machine, nothing is analysed (summary amd_* = 0, the campaign
# is not in amd_campaigns), and the machines the carrier answered on it were
# treated as live answers (bridged or abandoned, in the ledger).
# That second run also counts the grace from the greeting's end (--grace-from
# greeting_end): the edge's detector listens for the end of each person's
# greeting on calls without AMD too; the test checks that ends are heard on
# people only, within the detector's budget, and counted in the summary.
# Usage: amd_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-amd

setup_campaign "$CL" "$D" 12 never
pick_sip_ports
for i in 1 2 3; do echo "caller$i:pw$i"; done > "$W/callers.txt"
espeak-ng -w "$W/h.wav" "Hello?"
espeak-ng -w "$W/m.wav" "Hi, you have reached the voice mail of Sam Jones. I can't take your call right now. Please leave a message after the tone."
sox "$W/h.wav" -r 8000 -c 1 -b 16 "$W/human.wav" pad 0.2 4
sox "$W/m.wav" -r 8000 -c 1 -b 16 "$W/greeting.wav" 2> /dev/null
sox -n -r 8000 -c 1 -b 16 "$W/beep.wav" synth 0.5 sine 1000 vol 0.5
sox "$W/greeting.wav" "$W/beep.wav" "$W/machine.wav" pad 0.1 2
# start_peers TRUTH TAG [BOT_TALK_MS]: the carrier (writing TRUTH, log
# carrierTAG.log) and 3 caller bots (botTAGi.log) that talk BOT_TALK_MS on
# average and at least that long (default: 800 on average, at least 500); sets
# CARRIER and BOTS.
# Machines would hang up after 20 s x 0.25 = 5 s; AMD decides within 1.7 s of answer.
start_peers() {
  "$BIN/clearline-carrier" --listen 127.0.0.1:$TP --truth "$1" --seed 5 --time-scale 0.25 \
    --p-human 0.5 --p-machine 0.5 --p-no-answer 0 --p-busy 0 --p-invalid 0 --p-congestion 0 \
    --ring-min-ms 800 --ring-max-ms 2000 --talk-mean-ms 12000 --talk-min-ms 8000 --machine-ms 20000 \
    --human-wav "$W/human.wav" --machine-wav "$W/machine.wav" > "$W/carrier$2.log" 2>&1 & CARRIER=$!; PIDS+=($CARRIER)
  BOTS=()
  for i in 1 2 3; do
    "$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix caller --start $i --password "pw$i" \
      --talk-mean-ms "${3:-800}" --talk-min-ms "${3:-500}" --wrap-ms 200 --seed $i > "$W/bot$2$i.log" 2>&1 & BOTS+=($!); PIDS+=($!)
  done
}
start_peers "$W/truth.jsonl" ""
[[ $("$CL" campaign show "$CAMPAIGN_ID" --data-dir "$D" --json | jq -r .amd) == default ]] || fail "a campaign's amd is not 'default' by default"
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer progressive --amd --until-idle --clock-offset-s "$CLOCK_OFFSET_S" \
  > "$W/summary.json" 2> "$W/dialer.log" || fail "dialer failed"
S="$W/summary.json"
echo "dialer: $(jq -c '{calls_placed,calls_answered,calls_bridged,amd_human,amd_machine,amd_undecided,abandoned,safe_harbor_played}' "$S")"
for p in "${BOTS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
sleep 1; kill -TERM $CARRIER; wait $CARRIER || true
T="$W/truth.jsonl"

[[ $(jq .write_errors "$S") == 0 && $(jq .amd "$S") == true && $(jq -c .amd_campaigns "$S") == "[$CAMPAIGN_ID]" ]] || fail "summary: $(cat "$S")"
[[ $(wc -l < "$T") == $(q "SELECT COUNT(*) FROM calls") ]] || fail "store and carrier disagree on calls"
# (lexical order for comm)
jq -r 'select(.outcome == "machine" and .established) | .call' "$T" | sort > "$W/machines.ids"
jq -r 'select(.outcome == "human" and .established) | .call' "$T" | sort > "$W/people.ids"
[[ -s "$W/machines.ids" && -s "$W/people.ids" ]] || fail "the carrier answered no machine or no person: the test tested nothing (change the seed)"
q "SELECT id FROM calls WHERE answered_by = 'machine'" | sort > "$W/amd-machines.ids"
q "SELECT id FROM calls WHERE answered_by = 'human'" | sort > "$W/amd-people.ids"
tp=$(comm -12 "$W/machines.ids" "$W/amd-machines.ids" | wc -l)   # machines taken for machines
fp=$(comm -12 "$W/people.ids" "$W/amd-machines.ids" | wc -l)     # people taken for machines
fn=$(comm -12 "$W/machines.ids" "$W/amd-people.ids" | wc -l)     # machines taken for people
echo "AMD accuracy: machines detected $tp/$(wc -l < "$W/machines.ids"), people taken for machines $fp/$(wc -l < "$W/people.ids"), machines taken for people $fn"
[[ $tp -ge 1 ]] || fail "no machine detected"
[[ $fp == 0 ]] || fail "AMD false positive: people dispositioned machine: $(comm -12 "$W/people.ids" "$W/amd-machines.ids" | paste -sd,)"
# Machines: dispositioned machine, never bridged or abandoned, hung up by us, not live answers.
[[ $(q "SELECT COUNT(*) FROM calls WHERE answered_by = 'machine' AND (bridged_at IS NOT NULL OR abandoned = 1 OR disposition <> 'machine' OR state <> 'ended')") == 0 ]] \
  || fail "a machine was bridged or abandoned: $(q "SELECT id, bridged_at, abandoned, disposition FROM calls WHERE answered_by='machine'")"
for id in $(cat "$W/amd-machines.ids"); do
  by=$(jq -r --arg id "$id" 'select((.call|tostring) == $id) | .ended_by' "$T")
  [[ $by == caller ]] || fail "machine call $id not hung up by us (ended_by=$by)"
done
[[ $(q "SELECT COUNT(*) FROM abandonment_ledger WHERE call_id IN (SELECT id FROM calls WHERE answered_by = 'machine')") == 0 ]] \
  || fail "machines in the abandonment ledger"
# People: bridged (or abandoned with the safe-harbor prompt), greeting end not before the answer.
[[ $(q "SELECT COUNT(*) FROM calls WHERE answered_by = 'human' AND bridged_at IS NULL AND abandoned = 0") == 0 ]] \
  || fail "a person was neither bridged nor given the safe-harbor prompt"
[[ $(q "SELECT COUNT(*) FROM calls WHERE answered_by = 'human' AND bridged_at IS NOT NULL") -gt 0 ]] || fail "no person bridged"
[[ $(q "SELECT COUNT(*) FROM calls WHERE greeting_end_at IS NOT NULL AND greeting_end_at < answered_at") == 0 ]] \
  || fail "a greeting ended before the answer"
q "SELECT call_id FROM abandonment_ledger" | sort > "$W/ledger.ids"
diff "$W/amd-people.ids" "$W/ledger.ids" > /dev/null || fail "ledger != calls answered by people: $(paste -sd, "$W/ledger.ids") vs $(paste -sd, "$W/amd-people.ids")"
[[ $(jq .amd_machine "$S") == $(wc -l < "$W/amd-machines.ids") ]] || fail "summary amd_machine: $(jq .amd_machine "$S")"
"$CL" audit verify --data-dir "$D" > /dev/null || fail "audit chain does not verify"
echo "amd e2e ok: $tp machines detected and hung up, $(wc -l < "$W/amd-people.ids") people routed ($(q "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL") bridged), no false positive"

# ---- AMD per campaign: a second campaign with amd "off", the same dialer command (--amd).
A=$CAMPAIGN_ID
"$CL" campaign pause "$A" --data-dir "$D" > /dev/null
B=$("$CL" campaign create --data-dir "$D" --json --name "SIP e2e no AMD" --purpose political --dial-mode predictive \
      --caller-id +15550100000 --callback-number +15550100001 | jq .id)
echo '{"amd": "off"}' > "$W/amd-off.json"
"$CL" campaign update "$B" --data-dir "$D" --settings "$W/amd-off.json" > /dev/null
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='campaign.update' AND object_id='$B' AND payload LIKE '%amd%off%'") == 1 ]] \
  || fail "the campaign's amd change is not audited"
"$CL" campaign activate "$B" --data-dir "$D" > /dev/null
org=$(q "SELECT org_id FROM campaigns WHERE id=$B")
{
  echo "BEGIN;"
  echo "INSERT INTO contact_lists (id, campaign_id, name, created_at) VALUES (2, $B, 'e2e-b', 0);"
  for i in $(seq 101 110); do
    echo "INSERT INTO contacts (id, campaign_id, list_id, first_name, source_line) VALUES ($i, $B, 2, 'C$i', $i);"
    echo "INSERT INTO phones (contact_id, campaign_id, org_id, e164, raw, label, line_type) VALUES ($i, $B, $org, '+1212555$(printf %04d "$i")', '$i', 'home', 'landline');"
  done
  echo "COMMIT;"
} | sqlite3 "$DB"
# The bots of the last run are gone: their stored registrations would be called first.
sqlite3 "$DB" "DELETE FROM sip_registrations"
T2="$W/truth2.jsonl"
# The bots talk longer here, so that a person's call outlasts the greeting and
# the silence the detector needs to be sure it ended (about 1.2 s).
start_peers "$T2" 2- 2500
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer progressive --amd --grace-from greeting_end --until-idle \
  --clock-offset-s "$CLOCK_OFFSET_S" > "$W/summary2.json" 2> "$W/dialer2.log" || fail "dialer (campaign $B) failed"
S2="$W/summary2.json"
echo "dialer, campaign $B (amd off): $(jq -c '{calls_placed,calls_answered,calls_bridged,amd_campaigns,amd_human,amd_machine,abandoned}' "$S2")"
for p in "${BOTS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
sleep 1; kill -TERM $CARRIER; wait $CARRIER || true
[[ $(jq .write_errors "$S2") == 0 && $(jq .amd "$S2") == true && $(jq -c .amd_campaigns "$S2") == "[]" ]] || fail "summary 2: $(cat "$S2")"
[[ $(jq '.amd_human + .amd_machine + .amd_undecided' "$S2") == 0 ]] || fail "AMD ran on campaign $B whose amd is off"
[[ $(jq -r .grace_from "$S") == answer && $(jq -r .grace_from "$S2") == greeting_end ]] \
  || fail "grace_from: $(jq .grace_from "$S") then $(jq .grace_from "$S2") (want answer, then greeting_end)"
[[ $(q "SELECT COUNT(*) FROM calls WHERE campaign_id=$B") -ge 10 ]] || fail "campaign $B was not dialed"
jq -r 'select(.outcome == "machine" and .established) | .call' "$T2" | sort > "$W/machines2.ids"
[[ -s "$W/machines2.ids" ]] || fail "the carrier answered no machine on campaign $B: the test tested nothing (change the seed)"
[[ $(q "SELECT COUNT(*) FROM calls WHERE campaign_id=$B AND answered_by='machine'") == 0 ]] \
  || fail "campaign $B (amd off) dispositioned machines: $(q "SELECT id FROM calls WHERE campaign_id=$B AND answered_by='machine'" | paste -sd,)"
for id in $(cat "$W/machines2.ids"); do
  [[ $(q "SELECT campaign_id FROM calls WHERE id=$id") == "$B" ]] || fail "carrier call $id is not campaign $B's"
  [[ $(q "SELECT COUNT(*) FROM calls WHERE id=$id AND (bridged_at IS NOT NULL OR abandoned=1) AND disposition <> 'machine'") == 1 ]] \
    || fail "machine call $id of campaign $B (amd off) was not treated as a live answer: $(q "SELECT answered_by, bridged_at, abandoned, disposition FROM calls WHERE id=$id")"
  [[ $(q "SELECT COUNT(*) FROM abandonment_ledger WHERE call_id=$id") == 1 ]] || fail "machine call $id of campaign $B (a live answer without AMD) is not in the ledger"
done
# Without AMD the edge still listens for the end of a person's greeting (the
# grace counts from it with --grace-from greeting_end): heard on people's
# "Hello?" (0.2 s of silence, then about half a second of speech), never on a
# machine's long greeting; reported as heard, after the answer, within the
# detector's 1.7 s.
jq -r 'select(.outcome == "human" and .established) | .call' "$T2" | sort > "$W/people2.ids"
[[ -s "$W/people2.ids" ]] || fail "the carrier answered no person on campaign $B: the test tested nothing (change the seed)"
q "SELECT id FROM calls WHERE campaign_id=$B AND greeting_end_at IS NOT NULL" | sort > "$W/heard2.ids"
[[ -s "$W/heard2.ids" ]] || fail "no greeting end heard on campaign $B (no AMD)"
[[ $(jq .greetings_heard "$S2") == $(wc -l < "$W/heard2.ids") ]] || fail "summary greetings_heard $(jq .greetings_heard "$S2") != $(wc -l < "$W/heard2.ids") calls with greeting_end_at"
missed=$(for id in $(cat "$W/people2.ids"); do
  q "SELECT id FROM calls WHERE id=$id AND greeting_end_at IS NULL AND ended_at - answered_at >= 1500"; done | paste -sd,)
[[ -z $missed ]] || fail "people whose calls outlasted the detector (1.5 s) without a greeting end heard: $missed"
[[ -z $(comm -23 "$W/heard2.ids" "$W/people2.ids") ]] || fail "a greeting end heard on a call that was not a person's: $(comm -23 "$W/heard2.ids" "$W/people2.ids" | paste -sd,)"
bad=$(q "SELECT id || ':' || (greeting_end_at - answered_at) FROM calls WHERE campaign_id=$B AND greeting_end_at IS NOT NULL AND (greeting_end_at - answered_at < 300 OR greeting_end_at - answered_at > 1700)" | paste -sd,)
[[ -z $bad ]] || fail "greeting ends (call:ms after the answer) outside 0.3-1.7 s of a short \"Hello?\": $bad"
echo "greetings heard without AMD: $(wc -l < "$W/heard2.ids") of $(wc -l < "$W/people2.ids") people, none on $(wc -l < "$W/machines2.ids") machines"
# Campaign A's machines are still the only machine dispositions.
[[ $(q "SELECT COUNT(*) FROM calls WHERE answered_by='machine' AND campaign_id<>$A") == 0 ]] || fail "machine dispositions outside campaign $A"
"$CL" audit verify --data-dir "$D" > /dev/null || fail "audit chain does not verify (after campaign $B)"
echo "amd per campaign ok: campaign $A (amd default, --amd) detected $tp machines; campaign $B (amd off) bridged its $(wc -l < "$W/machines2.ids") machines as live answers"

# A grace reference the dialer does not offer is refused before anything is dialed, naming the key.
printf '[sip]\ngrace_from = "greeting_start"\n' > "$W/bad-grace.toml"
if "$CL" dialer run --data-dir "$D" --config "$W/bad-grace.toml" --trunk 127.0.0.1:$TP --sip-listen 127.0.0.1:$SP \
     --until-idle --clock-offset-s "$CLOCK_OFFSET_S" > /dev/null 2> "$W/bad-grace.err"; then
  fail "the dialer ran with [sip] grace_from = \"greeting_start\""
fi
grep -q 'grace_from must be "answer" or "greeting_end".*\[sip.grace_from\]' "$W/bad-grace.err" || fail "bad grace_from: $(cat "$W/bad-grace.err")"
echo "bad [sip] grace_from refused: $(cat "$W/bad-grace.err")"
