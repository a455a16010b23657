#!/usr/bin/env bash
# Human-initiated dialing from the console of `clearline serve` with [sip]
# enabled (issue 7 §5 x issue 6): the caller sees the next contact and presses
# Call. Over real SIP on loopback: clearline-carrier is the trunk (every call
# answered by a person who talks for a minute), clearline-agentbot --no-keys is
# caller ann1's SIP phone. The campaign is human_initiated: 3 New York
# landlines and one number on the platform's internal DNC list (R10).
# Checks, through the API (curl) and the store:
#   - the pacer places nothing on its own (no call row after ann1 is ready);
#   - GET /api/v1/console/next-lead shows the contact (record, number, mode),
#     the same one until it is dialed or skipped;
#   - POST /api/v1/console/dial places a real SIP call: "dialing" at once with
#     no screen pop, then, on answer, the pop (that contact) and on_call; the
#     call row is dial_mode human_initiated, caller_ref ann1, bridged, with a
#     stored allow record in human_initiated mode; the carrier saw the INVITE
#     and RTP flowed both ways; the console's disposition ends the call and
#     finishes the contact, and ann1 is ready again;
#   - a contact that is not offered is refused (404); skip gives the lead
#     back (it is not offered again now);
#   - the DNC number answers placed:false, verdict deny, naming R10, and the
#     carrier never saw it;
#   - SIGTERM: the daemon exits 0, no call left open, the audit chain holds.
# Usage: serve_manual_dial_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-serve-manual

setup_campaign "$CL" "$D" 3 never human_initiated
DNC=+12125559001
ORG=$(q "SELECT org_id FROM campaigns WHERE id=$CAMPAIGN_ID")
q "INSERT INTO contacts (id, campaign_id, list_id, first_name, last_name, city, source_line) VALUES (4, $CAMPAIGN_ID, 1, 'Dnc', 'Listed', 'New York', 4);
   INSERT INTO phones (contact_id, campaign_id, org_id, e164, raw, label, line_type) VALUES (4, $CAMPAIGN_ID, $ORG, '$DNC', 'dnc', 'home', 'landline');"
"$CL" dnc add --number "$DNC" --scope platform --source caller --data-dir "$D" --json > "$W/dnc.json" || fail "dnc add"
pick_sip_ports
printf 'ann1:pw-ann\n' > "$D/sip-callers.txt"
sip_serve_config "$TP" "$SP"
echo 'ann-password-1' | "$CL" user create --name ann1 --role caller --entity site-1 --password-stdin --data-dir "$D" >/dev/null

# Rings 1-2 s (the console is "dialing" meanwhile), then a person who talks a minute.
start_carrier_people "$BIN" "$TP" 5 --ring-min-ms 1000 --ring-max-ms 2000 --talk-mean-ms 60000 --talk-min-ms 60000
"$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix ann --start 1 --password pw-ann --no-keys \
  --seed 2 > "$W/ann-phone.log" 2>&1 & PIDS+=($!)

start_serve "$CL" --clock-offset-s "$CLOCK_OFFSET_S"

api_login ann1 ann-password-1 "$W/ann.jar"
ANN=(-s -b "$W/ann.jar" -H 'content-type: application/json' -H "X-CSRF-Token: $CSRF")
console() { curl -s -b "$W/ann.jar" "$URL/api/v1/console"; }
next_lead() { curl -s -b "$W/ann.jar" "$URL/api/v1/console/next-lead"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

# Before joining there is nothing to offer.
[[ $(code -b "$W/ann.jar" "$URL/api/v1/console/next-lead") == 409 ]] || fail "next-lead before join: $(next_lead)"

# Join once the phone has registered; ready once it answered Clearline's call.
for _ in $(seq 100); do
  R=$(curl "${ANN[@]}" -d "{\"campaign_id\":$CAMPAIGN_ID}" "$URL/api/v1/console/join")
  jq -e '.allowed == true' <<<"$R" >/dev/null && break
  sleep 0.2
done
jq -e '.allowed == true' <<<"$R" >/dev/null || fail "join: $R"
for _ in $(seq 100); do S=$(console); jq -e '.state == "ready"' <<<"$S" >/dev/null && break; sleep 0.1; done
jq -e '.state == "ready" and .dial_mode == "human_initiated" and .manual_dialing == true' <<<"$S" >/dev/null \
  || fail "ann1 not ready on the human-initiated campaign: $S"
# The pacer never dials a human-initiated campaign, even with a ready caller.
sleep 1
[[ $(q "SELECT COUNT(*) FROM calls") == 0 ]] || fail "calls placed without anyone pressing Call: $(q "SELECT id, called_number, dial_mode FROM calls")"

# A contact that is not offered cannot be dialed.
[[ $(code "${ANN[@]}" -d '{"contact_id":999}' "$URL/api/v1/console/dial") == 404 ]] || fail "dial of a contact not offered"

called=0; denied=0; skipped=(); CALL=0
for _ in $(seq 8); do
  N=$(next_lead)
  jq -e '.dial_mode == "human_initiated"' <<<"$N" >/dev/null || fail "next-lead: $N"
  jq -e '.lead == null' <<<"$N" >/dev/null && break
  LEAD=$(jq -r .lead.contact_id <<<"$N"); PHONE=$(jq -r .lead.phone <<<"$N")
  jq -e '.lead.mode == "human_initiated" and (.lead.contact.id == .lead.contact_id) and (.lead.name | length > 0)
         and (.lead.contact.phones | map(.["e164"]) | index("'"$PHONE"'") != null)' <<<"$N" >/dev/null \
    || fail "the next contact lacks its record: $N"
  # Held for ann1: asked again, the same contact.
  [[ $(next_lead | jq -r .lead.contact_id) == "$LEAD" ]] || fail "next-lead changed without a dial or skip"
  for s in "${skipped[@]}"; do [[ $s != "$LEAD" ]] || fail "skipped contact $LEAD offered again at once"; done

  if [[ $PHONE == "$DNC" ]]; then
    R=$(curl "${ANN[@]}" -d "{\"contact_id\":$LEAD}" "$URL/api/v1/console/dial")
    jq -e '.placed == false and .verdict == "deny" and (.rules | index("R10") != null) and (.reason | test("R10"))
           and .console.state == "ready"' <<<"$R" >/dev/null || fail "the DNC number was not refused naming R10: $R"
    denied=$((denied + 1))
  elif [[ $called == 0 ]]; then
    R=$(curl "${ANN[@]}" -d "{\"contact_id\":$LEAD}" "$URL/api/v1/console/dial")
    # The INVITE is out, the callee has not answered (it rings >= 1 s): no pop yet.
    jq -e '.placed == true and .call_id > 0 and .console.state == "dialing" and .console.call == null
           and .console.dialing.number == "'"$PHONE"'"' <<<"$R" >/dev/null || fail "Call: $R"
    CALL=$(jq -r .call_id <<<"$R")
    for _ in $(seq 100); do S=$(console); jq -e '.state == "on_call"' <<<"$S" >/dev/null && break; sleep 0.1; done
    jq -e '.state == "on_call" and .call.call_id == '"$CALL"' and .call.contact.id == '"$LEAD"'
           and .call.called_number == "'"$PHONE"'" and .call.dial_mode == "human_initiated" and .call.placed_by_caller == true
           and (.call.dispositions | map(.code) | index("support") != null)' <<<"$S" >/dev/null \
      || fail "no screen pop for the placed call on answer: $S"
    [[ $(q "SELECT caller_ref || '|' || dial_mode || '|' || contact_id || '|' || (bridged_at IS NOT NULL) FROM calls WHERE id=$CALL") \
       == "ann1|human_initiated|$LEAD|1" ]] || fail "call row: $(q "SELECT * FROM calls WHERE id=$CALL")"
    [[ $(q "SELECT COUNT(*) FROM calls c JOIN authorizations a ON a.id = c.authorization_id WHERE c.id=$CALL
            AND a.verdict='allow' AND a.dial_mode='human_initiated' AND a.e164='$PHONE'") == 1 ]] \
      || fail "call $CALL has no human_initiated allow record"
    # The console ends the call with its disposition.
    R=$(curl "${ANN[@]}" -d '{"code":"support"}' "$URL/api/v1/calls/$CALL/disposition")
    jq -e '.disposition == "support"' <<<"$R" >/dev/null || fail "disposition: $R"
    for _ in $(seq 100); do [[ -n $(q "SELECT hangup_cause FROM calls WHERE id=$CALL AND ended_at IS NOT NULL") ]] && break; sleep 0.1; done
    [[ -n $(q "SELECT hangup_cause FROM calls WHERE id=$CALL AND ended_at IS NOT NULL") ]] || fail "call $CALL not ended by the disposition"
    for _ in $(seq 50); do S=$(console); jq -e '.state == "ready"' <<<"$S" >/dev/null && break; sleep 0.1; done
    jq -e '.state == "ready" and .call == null and (has("last_dial") | not)' <<<"$S" >/dev/null || fail "after the disposition: $S"
    [[ $(q "SELECT status FROM contacts WHERE id=$LEAD") == done ]] || fail "contact $LEAD not done"
    called=1
  else
    curl "${ANN[@]}" -d '{}' "$URL/api/v1/console/skip" | jq -e '.skipped == true' >/dev/null || fail "skip $LEAD"
    skipped+=("$LEAD")
  fi
done
[[ $called == 1 && $denied == 1 && ${#skipped[@]} -ge 1 ]] || fail "called=$called denied=$denied skipped=${#skipped[@]}"
next_lead | jq -e '.lead == null' >/dev/null || fail "a lead is still offered: $(next_lead)"
[[ $(code "${ANN[@]}" -d '{}' "$URL/api/v1/console/skip") == 409 ]] || fail "skip with nothing offered"

# The store and the carrier agree: one call, to the contact ann1 called; never the DNC number.
[[ $(q "SELECT COUNT(*) FROM calls") == 1 ]] || fail "call rows: $(q "SELECT id, called_number FROM calls")"
[[ $(q "SELECT COUNT(*) FROM authorizations WHERE e164='$DNC' AND verdict='deny' AND rules LIKE '%\"R10\"%'") -ge 1 ]] \
  || fail "no stored R10 refusal for the DNC number"
[[ $(q "SELECT COUNT(*) FROM abandonment_ledger") == 0 ]] || fail "a caller-placed call entered the abandonment ledger"

# SIGTERM: calls end, the daemon exits 0, the audit chain holds.
stop_serve
[[ $(q "SELECT COUNT(*) FROM calls WHERE ended_at IS NULL") == 0 ]] || fail "calls left open after shutdown"
"$CL" audit verify --data-dir "$D" --json | jq -e '.ok == true' >/dev/null || fail "audit chain"
kill -TERM $CARRIER; wait $CARRIER || true
T="$W/truth.jsonl"
[[ $(wc -l < "$T") == 1 ]] || fail "the carrier saw $(wc -l < "$T") INVITEs, expected 1: $(cat "$T")"
jq -e 'select(.call != null) | .established == true and .rtp_rx > 0 and .rtp_tx > 0' "$T" >/dev/null \
  || fail "the placed call was not answered with RTP both ways: $(cat "$T")"
grep -q "5559001" "$T" && fail "the carrier saw the DNC number"
echo "serve manual dial e2e ok: call $CALL placed by ann1 (human_initiated), bridged and dispositioned; DNC refused by R10; ${#skipped[@]} skipped"
