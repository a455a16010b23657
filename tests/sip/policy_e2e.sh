#!/usr/bin/env bash
# Compliance at dial time over real SIP (issue 3 x issue 6): `clearline dialer
# run` + clearline-carrier + 3 caller bots dial a predictive campaign whose
# list holds 10 New York landlines, one number on the platform's internal DNC
# list (R10), one California number outside its calling window at the
# dialer's instant (10:00 New York = 07:00 California, R1), and one New York
# number whose list gives its time zone as Los Angeles (one more candidate
# location: deferred R1 too, the zone named in the record's locations).
# Checks: the carrier never receives an INVITE for the refused numbers; every
# placed call's authorization_id is a stored "allow" record naming the rule
# versions it evaluated; the refused ones have records with the refusing rule
# (deny R10; defer R1 with `until`, which the contact's next attempt honours).
# Also: the dialer refuses to start without a rule book (fail-closed).
# Usage: policy_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-policy

setup_campaign "$CL" "$D" 10 never
DNC=+12125559001; FAR=+14155550199; WEST=+12125559002
ORG=$(q "SELECT org_id FROM campaigns WHERE id=$CAMPAIGN_ID")
q "INSERT INTO contacts (id, campaign_id, list_id, first_name, source_line) VALUES (11, $CAMPAIGN_ID, 1, 'Dnc', 11), (12, $CAMPAIGN_ID, 1, 'Far', 12);
   INSERT INTO contacts (id, campaign_id, list_id, first_name, state, timezone, source_line) VALUES (13, $CAMPAIGN_ID, 1, 'West', 'NY', 'America/Los_Angeles', 13);
   INSERT INTO phones (contact_id, campaign_id, org_id, e164, raw, label, line_type) VALUES
     (11, $CAMPAIGN_ID, $ORG, '$DNC', 'dnc', 'home', 'landline'), (12, $CAMPAIGN_ID, $ORG, '$FAR', 'far', 'home', 'landline'),
     (13, $CAMPAIGN_ID, $ORG, '$WEST', 'west', 'home', 'landline');"
"$CL" dnc add --number "$DNC" --scope platform --source caller --data-dir "$D" --json > "$W/dnc.json" || fail "dnc add"

pick_sip_ports
for i in 1 2 3; do echo "caller$i:pw$i"; done > "$W/callers.txt"

# Fail-closed: no rule book, no dialer (and no INVITE).
printf '[policy]\nrules_dir = "%s/no-such-rules"\n' "$W" > "$W/bad.toml"
"$BIN/clearline-carrier" --listen 127.0.0.1:$TP --truth "$W/truth0.jsonl" --seed 1 > "$W/carrier0.log" 2>&1 & C0=$!; PIDS+=($C0)
set +e
"$CL" dialer run --data-dir "$D" --config "$W/bad.toml" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --until-idle --clock-offset-s "$CLOCK_OFFSET_S" > "$W/bad.json" 2> "$W/bad.log"
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "the dialer started without a rule book"
grep -q "compliance policy" "$W/bad.log" "$W/bad.json" || fail "no clear error: $(cat "$W/bad.log" "$W/bad.json")"
kill -TERM $C0; wait $C0 || true
[[ ! -s "$W/truth0.jsonl" ]] || fail "INVITEs sent without a policy"
[[ $(q "SELECT COUNT(*) FROM calls") == 0 ]] || fail "calls stored without a policy"

"$BIN/clearline-carrier" --listen 127.0.0.1:$TP --truth "$W/truth.jsonl" --seed 7 --time-scale 0.2 \
  --p-human 0.6 --p-machine 0 --p-no-answer 0.2 --p-busy 0.2 --p-invalid 0 --p-congestion 0 \
  --no-answer-ms 15000 --talk-mean-ms 4000 > "$W/carrier.log" 2>&1 & CARRIER=$!; PIDS+=($CARRIER)
for i in 1 2 3; do
  "$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix caller --start $i --password "pw$i" \
    --talk-mean-ms 800 --wrap-ms 200 --seed $i > "$W/bot$i.log" 2>&1 & PIDS+=($!)
done
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer progressive --until-idle --clock-offset-s "$CLOCK_OFFSET_S" \
  > "$W/summary.json" 2> "$W/dialer.log" || fail "dialer failed"
S="$W/summary.json"
echo "dialer: $(jq -c '{calls_placed,calls_bridged,policy_allowed,policy_denied,policy_deferred,leads_routed}' "$S")"
for p in "${PIDS[@]:2}"; do kill -TERM "$p" 2>/dev/null || true; done
sleep 1; kill -TERM $CARRIER; wait $CARRIER || true

[[ $(jq .write_errors "$S") == 0 && $(jq .policy_unrecorded "$S") == 0 ]] || fail "store errors: $(cat "$S")"
# The carrier's ground truth: INVITEs only for the 10 allowed numbers.
jq -r .to "$W/truth.jsonl" | sort -u > "$W/invited.txt"
grep -q -- "${DNC#+}\|$DNC" "$W/invited.txt" && fail "the carrier received an INVITE for the DNC number"
grep -q -- "${FAR#+}\|$FAR" "$W/invited.txt" && fail "the carrier received an INVITE outside the calling window"
grep -q -- "${WEST#+}\|$WEST" "$W/invited.txt" && fail "the carrier received an INVITE outside the list's time zone's window"
[[ $(wc -l < "$W/invited.txt") == 10 ]] || fail "carrier saw $(wc -l < "$W/invited.txt") numbers, expected 10: $(cat "$W/invited.txt")"
[[ $(q "SELECT COUNT(*) FROM calls") == $(wc -l < "$W/truth.jsonl") ]] || fail "store and carrier disagree on calls"
[[ $(q "SELECT COUNT(*) FROM calls WHERE called_number IN ('$DNC','$FAR','$WEST')") == 0 ]] || fail "refused numbers in calls"

# Every placed call: a stored allow record for that number, campaign and contact, naming its evaluated rules.
bad=$(q "SELECT COUNT(*) FROM calls c LEFT JOIN authorizations a ON a.id = c.authorization_id
         WHERE a.id IS NULL OR a.verdict <> 'allow' OR a.e164 <> c.called_number OR a.campaign_id <> c.campaign_id
            OR a.contact_id <> c.contact_id OR json_array_length(a.evaluated) = 0")
[[ $bad == 0 ]] || fail "$bad calls without a matching stored allow record: $(q "SELECT id, authorization_id FROM calls LIMIT 3")"
q "SELECT DISTINCT value FROM authorizations a, json_each(a.evaluated) WHERE a.id IN (SELECT authorization_id FROM calls)" > "$W/evaluated.txt"
grep -q "^R1@" "$W/evaluated.txt" || grep -q "^R1" "$W/evaluated.txt" || fail "allow records do not name R1: $(head -3 "$W/evaluated.txt")"
[[ $(q "SELECT COUNT(*) FROM policy_rule_versions WHERE ref IN (SELECT value FROM authorizations a, json_each(a.evaluated) WHERE a.id IN (SELECT authorization_id FROM calls))") -ge 3 ]] \
  || fail "evaluated rule versions not stored"

# The refused: deny R10 (final), defer R1 with until (the contact waits for it).
[[ $(q "SELECT COUNT(*) FROM authorizations WHERE e164='$DNC' AND contact_id=11 AND verdict='deny' AND rules LIKE '%\"R10\"%'") -ge 1 ]] \
  || fail "no deny R10 record for the DNC number: $(q "SELECT verdict, rules, reason FROM authorizations WHERE e164='$DNC'")"
[[ $(q "SELECT status, last_disposition FROM contacts WHERE id=11") == "dnc|denied" || $(q "SELECT status FROM contacts WHERE id=11") == done ]] \
  || fail "DNC contact: $(q "SELECT status, last_disposition FROM contacts WHERE id=11")"
far=$(q "SELECT verdict, rules LIKE '%\"R1\"%', until FROM authorizations WHERE e164='$FAR' AND contact_id=12 ORDER BY at DESC LIMIT 1")
[[ $far == defer\|1\|* && -n ${far##defer|1|} ]] || fail "no defer R1 record with until for the far number: $far ($(q "SELECT rules, reason FROM authorizations WHERE e164='$FAR'"))"
until_ms=${far##defer|1|}
[[ $(q "SELECT next_attempt_at FROM contacts WHERE id=12") == "$until_ms" ]] || fail "deferred contact does not wait for until"
west=$(q "SELECT verdict, rules LIKE '%\"R1\"%', locations FROM authorizations WHERE e164='$WEST' AND contact_id=13 ORDER BY at DESC LIMIT 1")
[[ $west == 'defer|1|["NY","America/Los_Angeles"]' ]] || fail "the list's time zone was not a candidate location: $west"
[[ $(jq .policy_denied "$S") -ge 1 && $(jq .policy_deferred "$S") -ge 1 && $(jq .policy_allowed "$S") -ge 10 ]] \
  || fail "summary counts: $(cat "$S")"
"$CL" audit verify --data-dir "$D" > /dev/null || fail "audit chain does not verify"
echo "policy e2e ok: $(wc -l < "$W/truth.jsonl") calls, all with allow records; DNC denied (R10), far number and the one listed in Los Angeles deferred (R1) until $until_ms"
