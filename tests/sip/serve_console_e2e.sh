#!/usr/bin/env bash
# `clearline serve` with [sip] enabled (issue 6 x issue 7): one daemon runs the
# SIP dialer, the API and the caller console. Over real SIP on loopback
# (clearline-carrier as the trunk, clearline-agentbot as the callers' phones):
#   - a console caller whose SIP phone is not registered is told so at join;
#   - once registered, join calls the phone, the caller is ready when it
#     answers, a customer is bridged and the console gets the screen pop (the
#     contact and the number) through GET /api/v1/console;
#   - the console's disposition ("save and end call") hangs up the customer,
#     is stored on the call row with the caller and the contact is done;
#   - a callback the caller sets is when the dialer calls the contact again
#     (not the campaign's recycle delay, which is 0 for callback);
#   - "do not call" puts the number on the organisation's own list, and the
#     running dialer refuses it (R10) for another contact at once;
#   - a bot caller (auto-login) takes calls beside the person;
#   - the dashboard's live view names both callers; a campaign activated over
#     the API while the daemon runs starts dialing without a restart, and one
#     paused stops;
#   - SIGTERM ends the calls in progress and the daemon exits 0 with an intact
#     audit chain.
# Usage: serve_console_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-serve-sip

setup_campaign "$CL" "$D" 40 never
pick_sip_ports
printf 'bot1:pw-bot\nann1:pw-ann\n' > "$D/sip-callers.txt"
sip_serve_config "$TP" "$SP" 'auto_login = "bot1"' '[pacing]' 'pacer = "progressive"'
echo 'ann-password-1' | "$CL" user create --name ann1 --role caller --entity site-1 --password-stdin --data-dir "$D" >/dev/null
echo 'admin-password' | "$CL" user create --name admin --role administrator --password-stdin --data-dir "$D" >/dev/null

# Customers talk long enough that the console, not the customer, ends ann1's call.
start_carrier_people "$BIN" "$TP" 11 --talk-mean-ms 60000
"$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix bot --start 1 --password pw-bot \
  --talk-mean-ms 1500 --wrap-ms 200 --seed 1 > "$W/bot1.log" 2>&1 & PIDS+=($!)

start_serve "$CL" --clock-offset-s "$CLOCK_OFFSET_S"

api_login ann1 ann-password-1 "$W/ann.jar"
ANN=(-s -b "$W/ann.jar" -H 'content-type: application/json' -H "X-CSRF-Token: $CSRF")
console() { curl -s -b "$W/ann.jar" "$URL/api/v1/console"; }

# 1. No phone registered yet: the join says so, in words that name the account.
R=$(curl "${ANN[@]}" -d "{\"campaign_id\":$CAMPAIGN_ID}" "$URL/api/v1/console/join")
jq -e '.error.code == "failed_precondition" and (.error.message | test("not registered")) and (.error.message | test("ann1"))' \
  <<<"$R" >/dev/null || fail "join without a registered phone: $R"

# 2. The phone registers (a bot that never keys digits: the console decides).
"$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix ann --start 1 --password pw-ann --no-keys \
  --seed 2 > "$W/ann-phone.log" 2>&1 & PIDS+=($!)
for _ in $(seq 100); do
  R=$(curl "${ANN[@]}" -d "{\"campaign_id\":$CAMPAIGN_ID}" "$URL/api/v1/console/join")
  jq -e '.allowed == true' <<<"$R" >/dev/null && break
  sleep 0.2
done
jq -e '.allowed == true and (.console.state == "connecting" or .console.state == "ready" or .console.state == "on_call")' \
  <<<"$R" >/dev/null || fail "join once registered: $R"

# 3. The leg is up (ready), then a customer is bridged: the screen pop.
for _ in $(seq 200); do
  S=$(console)
  jq -e '.state == "on_call" and .call.call_id > 0 and (.call.contact | type == "object")' <<<"$S" >/dev/null && break
  sleep 0.1
done
jq -e '.state == "on_call"' <<<"$S" >/dev/null || fail "ann1 never got a call: $S"
CALL=$(jq -r .call.call_id <<<"$S")
jq -e '(.call.called_number | startswith("+1212555")) and (.call.contact.first_name | startswith("C"))
       and (.call.dispositions | map(.code) | index("support") != null) and .call.simulated == false' <<<"$S" >/dev/null \
  || fail "screen pop lacks the contact, the number or the dispositions: $S"
# The call is really bridged to ann1's phone (the row says so while it is up).
[[ $(q "SELECT caller_ref FROM calls WHERE id=$CALL") == ann1 ]] || fail "call $CALL not on ann1's row"
[[ -n $(q "SELECT bridged_at FROM calls WHERE id=$CALL") ]] || fail "call $CALL not bridged"
# Ready while on a call is refused in words.
curl "${ANN[@]}" -d '{"state":"ready"}' "$URL/api/v1/console/state" | jq -e '.error != null' >/dev/null \
  || fail "ready while on a call was accepted"

# 4. The disposition ends the call (the customer would have talked a minute).
R=$(curl "${ANN[@]}" -d '{"code":"support"}' "$URL/api/v1/calls/$CALL/disposition")
jq -e '.disposition == "support"' <<<"$R" >/dev/null || fail "disposition: $R"
for _ in $(seq 100); do
  [[ -n $(q "SELECT ended_at FROM calls WHERE id=$CALL AND hangup_cause IS NOT NULL") ]] && break
  sleep 0.1
done
[[ $(q "SELECT disposition FROM calls WHERE id=$CALL") == support ]] || fail "call row disposition"
[[ -n $(q "SELECT hangup_cause FROM calls WHERE id=$CALL") ]] || fail "the customer leg of call $CALL was not ended"
CONTACT=$(q "SELECT contact_id FROM calls WHERE id=$CALL")
for _ in $(seq 50); do [[ $(q "SELECT status FROM contacts WHERE id=$CONTACT") == done ]] && break; sleep 0.1; done
[[ $(q "SELECT status FROM contacts WHERE id=$CONTACT") == done ]] || fail "contact $CONTACT not done after 'support'"
# Out of wrap-up by the disposition: ready or already on the next call.
for _ in $(seq 50); do
  S=$(console)
  jq -e '.state == "ready" or (.state == "on_call" and .call.call_id != '"$CALL"')' <<<"$S" >/dev/null && break
  sleep 0.1
done
jq -e '.state == "ready" or .state == "on_call"' <<<"$S" >/dev/null || fail "after the disposition: $S"

# 4b. The next call: a callback tomorrow. The dialer's own lead update keeps that time.
next_call() {  # waits for ann1 on a call other than $1 → $CALL
  for _ in $(seq 300); do
    S=$(console)
    jq -e '.state == "on_call" and .call.call_id > 0 and .call.call_id != '"$1" <<<"$S" >/dev/null && break
    sleep 0.1
  done
  jq -e '.state == "on_call"' <<<"$S" >/dev/null || fail "ann1 got no call after $1: $S"
  CALL=$(jq -r .call.call_id <<<"$S")
}
next_call "$CALL"
CB_AT=2099-01-02T15:00:00Z; CB_MS=4071049200000
R=$(curl "${ANN[@]}" -d "{\"code\":\"callback\",\"callback_at\":\"$CB_AT\",\"callback_note\":\"after work\"}" "$URL/api/v1/calls/$CALL/disposition")
jq -e '.disposition == "callback"' <<<"$R" >/dev/null || fail "callback disposition: $R"
CB_CONTACT=$(q "SELECT contact_id FROM calls WHERE id=$CALL")
for _ in $(seq 50); do
  [[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='contact.attempt' AND object_id='$CB_CONTACT' AND payload LIKE '%callback%'") -ge 1 ]] && break
  sleep 0.1
done
[[ $(q "SELECT COUNT(*) FROM audit_events WHERE action='contact.attempt' AND object_id='$CB_CONTACT' AND payload LIKE '%callback%'") -ge 1 ]] \
  || fail "the dialer never finished the callback lead"
[[ $(q "SELECT status || ',' || next_attempt_at FROM contacts WHERE id=$CB_CONTACT") == "new,$CB_MS" ]] \
  || fail "callback not kept: $(q "SELECT status, next_attempt_at FROM contacts WHERE id=$CB_CONTACT")"
[[ $(q "SELECT caller_ref || ',' || due_at FROM callbacks WHERE contact_id=$CB_CONTACT LIMIT 1") == "ann1,$CB_MS" ]] \
  || fail "callback row: $(q "SELECT * FROM callbacks WHERE contact_id=$CB_CONTACT")"
# A callback in the past is refused, naming the field.
next_call "$CALL"
curl "${ANN[@]}" -d '{"code":"callback","callback_at":"2001-01-01T00:00:00Z"}' "$URL/api/v1/calls/$CALL/disposition" \
  | jq -e '.error.field == "callback_at"' >/dev/null || fail "a callback in the past was accepted"

# 4c. The callee asks not to be called again: the organisation's list, and the running dialer obeys it.
R=$(curl "${ANN[@]}" -d '{"code":"dnc"}' "$URL/api/v1/calls/$CALL/disposition")
jq -e '.disposition == "dnc"' <<<"$R" >/dev/null || fail "dnc disposition: $R"
DNC_NUMBER=$(q "SELECT called_number FROM calls WHERE id=$CALL")
ORG=$(q "SELECT org_id FROM campaigns WHERE id=$CAMPAIGN_ID")
[[ $(q "SELECT scope || ',' || scope_id FROM internal_dnc WHERE e164='$DNC_NUMBER' AND removed_at IS NULL") == "organisation,$ORG" ]] \
  || fail "the number is not on the organisation's list: $(q "SELECT * FROM internal_dnc")"
# Another contact with that number, first in the queue: refused R10, never dialed.
LIST=$(q "SELECT list_id FROM contacts WHERE id=$CB_CONTACT")
q "INSERT INTO contacts (id, campaign_id, list_id, first_name, priority, source_line) VALUES (900, $CAMPAIGN_ID, $LIST, 'Again', -10, 900);
   INSERT INTO phones (contact_id, campaign_id, org_id, e164, raw, label, line_type) VALUES (900, $CAMPAIGN_ID, $ORG, '$DNC_NUMBER', 'again', 'home', 'landline');"
for _ in $(seq 100); do
  [[ -n $(q "SELECT id FROM authorizations WHERE contact_id=900 LIMIT 1") ]] && break
  sleep 0.1
done
[[ $(q "SELECT verdict || ',' || (rules LIKE '%\"R10\"%') FROM authorizations WHERE contact_id=900 ORDER BY at LIMIT 1") == "deny,1" ]] \
  || fail "the running dialer did not refuse the listed number: $(q "SELECT verdict, rules, reason FROM authorizations WHERE contact_id=900")"
[[ $(q "SELECT COUNT(*) FROM calls WHERE contact_id=900") == 0 ]] || fail "the listed number was dialed again"

# 5. The bot beside the person took calls; the dashboard names both callers.
for _ in $(seq 100); do [[ $(q "SELECT COUNT(*) FROM calls WHERE caller_ref='bot1' AND bridged_at IS NOT NULL") -ge 1 ]] && break; sleep 0.2; done
[[ $(q "SELECT COUNT(*) FROM calls WHERE caller_ref='bot1' AND bridged_at IS NOT NULL") -ge 1 ]] || fail "bot1 took no call"
api_login admin admin-password "$W/admin.jar"; ADMIN_CSRF=$CSRF
AD=(-s -b "$W/admin.jar" -H 'content-type: application/json' -H "X-CSRF-Token: $ADMIN_CSRF")
L=$(curl "${AD[@]}" "$URL/api/v1/campaigns/$CAMPAIGN_ID/live")
jq -e '.dialing == true and .simulated == false and ([.callers[].caller_ref] | index("ann1") != null and index("bot1") != null)' \
  <<<"$L" >/dev/null || fail "live view: $L"

# 6. Campaigns change state while the daemon runs: no restart needed.
C2=$(curl "${AD[@]}" -d '{"name":"Second","purpose":"political","dial_mode":"predictive"}' "$URL/api/v1/campaigns" | jq -r .id)
[[ $C2 =~ ^[0-9]+$ ]] || fail "second campaign"
curl "${AD[@]}" -d '{"event":"activate"}' "$URL/api/v1/campaigns/$C2/state" | jq -e '.state == "active"' >/dev/null || fail "activate $C2"
for _ in $(seq 60); do curl "${AD[@]}" "$URL/api/v1/campaigns/$C2/live" | jq -e '.dialing == true' >/dev/null && break; sleep 0.2; done
curl "${AD[@]}" "$URL/api/v1/campaigns/$C2/live" | jq -e '.dialing == true' >/dev/null || fail "campaign $C2 activated but not dialing"
curl "${AD[@]}" -d '{"event":"pause"}' "$URL/api/v1/campaigns/$C2/state" | jq -e '.state == "paused"' >/dev/null || fail "pause $C2"
for _ in $(seq 60); do curl "${AD[@]}" "$URL/api/v1/campaigns/$C2/live" | jq -e '.dialing == false' >/dev/null && break; sleep 0.2; done
curl "${AD[@]}" "$URL/api/v1/campaigns/$C2/live" | jq -e '.dialing == false' >/dev/null || fail "campaign $C2 paused but still dialing"

# 7. SIGTERM: calls in progress end, the daemon exits 0, the audit chain holds.
stop_serve
[[ $(q "SELECT COUNT(*) FROM calls WHERE ended_at IS NULL") == 0 ]] || fail "calls left open after shutdown"
"$CL" audit verify --data-dir "$D" --json | jq -e '.ok == true' >/dev/null || fail "audit chain"
echo "serve console e2e ok: call $CALL bridged to ann1 and dispositioned from the console; $(q "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL") calls bridged"
