#!/usr/bin/env bash
# clearline serve end to end: health and metrics without login, 401 on every
# other route, login + CSRF, a campaign and a contact over the API, a caller
# taking a call from the simulated telephony port (until SIP/runtime land),
# a disposition with a survey answer that the store shows, audit verify, and
# a graceful SIGTERM shutdown.
set -euo pipefail
BIN=$1
SRC=$2
D=$(mktemp -d /tmp/clearline-api-e2e.XXXXXX)
PID=""
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [[ -f $D/serve.log ]] && tail -20 "$D/serve.log" >&2; exit 1; }

cat > "$D/clearline.toml" <<'TOML'
[server]
argon2_t_cost = 1
argon2_m_kib = 1024
simulate_calls = true
simulate_connect_ms = 200
wrap_up_seconds = 1
TOML
echo 'admin-password' | "$BIN" user create --name admin --role administrator --password-stdin --data-dir "$D" >/dev/null
echo 'caller-password' | "$BIN" user create --name ann --role caller --entity site-1 --password-stdin --data-dir "$D" >/dev/null
if echo 'short' | "$BIN" user create --name bob --role caller --password-stdin --data-dir "$D" 2>/dev/null; then
  fail "a short password was accepted"
fi

"$BIN" serve --data-dir "$D" --listen 127.0.0.1:0 >"$D/serve.out" 2>"$D/serve.log" &
PID=$!
for _ in $(seq 100); do grep -q "listening on" "$D/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\)/\1/p' "$D/serve.out")
[[ -n "$URL" ]] || fail "serve did not print its address"
URL=${URL%/}

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
[[ $(code "$URL/healthz") == 200 ]] || fail "/healthz"
[[ $(code "$URL/readyz") == 200 ]] || fail "/readyz"
curl -s "$URL/metrics" | grep -q '^clearline_loop_latency_seconds_count' || fail "/metrics lacks the loop latency histogram"

# Every documented non-public route answers 401 without a session or token.
n=0
while read -r method path; do
  p=${path//\{id\}/1}
  c=$(code -X "$method" -H 'content-type: application/json' -d '{}' "$URL$p")
  [[ $c == 401 ]] || fail "$method $path answered $c without login"
  n=$((n + 1))
done < <(awk '/^  \//{path=$1; sub(":$","",path)} /^    (get|post|patch|put|delete):/{m=toupper($1); sub(":$","",m)} /x-clearline-action:/{ if ($2 != "public") print m, path }' "$SRC/docs/api/openapi.yaml")
[[ $n -gt 20 ]] || fail "only $n routes checked"

# Log in as the administrator.
curl -s -c "$D/admin.jar" -H 'content-type: application/json' -d '{"name":"admin","password":"wrong-password"}' "$URL/api/v1/login" | jq -e '.error.code == "unauthenticated"' >/dev/null || fail "wrong password not refused"
LOGIN=$(curl -s -c "$D/admin.jar" -H 'content-type: application/json' -d '{"name":"admin","password":"admin-password"}' "$URL/api/v1/login")
CSRF=$(jq -r .csrf_token <<<"$LOGIN")
[[ ${#CSRF} == 64 ]] || fail "login: $LOGIN"
grep -q clearline_session "$D/admin.jar" || fail "no session cookie"
A=(-s -b "$D/admin.jar" -H 'content-type: application/json')
[[ $(code -b "$D/admin.jar" -H 'content-type: application/json' -d '{"name":"X","purpose":"political"}' "$URL/api/v1/campaigns") == 403 ]] || fail "write without CSRF token accepted"
CAMP=$(curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -H 'Idempotency-Key: e2e-1' -d '{"name":"GOTV","purpose":"political","script":{"text":"Hello {first_name}, this is a call about voting.","questions":[{"key":"support","text":"Will you vote?","choices":["yes","no","unsure"]}]}}' "$URL/api/v1/campaigns")
CID=$(jq -r .id <<<"$CAMP")
[[ $CID =~ ^[0-9]+$ ]] || fail "campaign create: $CAMP"
AGAIN=$(curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -H 'Idempotency-Key: e2e-1' -d '{"name":"GOTV","purpose":"political","script":{"text":"Hello {first_name}, this is a call about voting.","questions":[{"key":"support","text":"Will you vote?","choices":["yes","no","unsure"]}]}}' "$URL/api/v1/campaigns" | jq -r .id)
[[ $AGAIN == "$CID" ]] || fail "idempotency key did not replay ($AGAIN vs $CID)"
# The same key with another body is a mistake, said so (not the first answer replayed).
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -H 'Idempotency-Key: e2e-1' -d '{"name":"Other","purpose":"political"}' "$URL/api/v1/campaigns" \
  | jq -e '.error.field == "Idempotency-Key" and (.error.message | test("another body"))' >/dev/null || fail "a key reused with another body was replayed"
# A refused request is not remembered: corrected, the same key creates it.
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -H 'Idempotency-Key: e2e-2' -d '{"name":"Typo","purpose":"politcal"}' "$URL/api/v1/campaigns" \
  | jq -e '.error.field == "purpose"' >/dev/null || fail "bad purpose accepted"
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -H 'Idempotency-Key: e2e-2' -d '{"name":"Typo","purpose":"political"}' "$URL/api/v1/campaigns" \
  | jq -e '.id > 0' >/dev/null || fail "the corrected request under the same key was refused"
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -d '{"first_name":"<script>alert(1)</script>","last_name":"Doe","phone":"+12025550123"}' "$URL/api/v1/campaigns/$CID/contacts" | jq -e '.id > 0' >/dev/null || fail "contact create"
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -d '{"phone":"12"}' "$URL/api/v1/campaigns/$CID/contacts" | jq -e '.error.field == "phone"' >/dev/null || fail "bad phone not named"
# A location the policy cannot read (every call would fail closed) is refused, its field named.
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -d '{"phone":"+12025550124","timezone":"Eastern"}' "$URL/api/v1/campaigns/$CID/contacts" | jq -e '.error.field == "timezone"' >/dev/null || fail "bad time zone not named"
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -d '{"phone":"+12025550124","state":"XX"}' "$URL/api/v1/campaigns/$CID/contacts" | jq -e '.error.field == "state"' >/dev/null || fail "bad state not named"
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -d '{"phone":"+12025550124","state":"district of columbia","timezone":"America/New_York"}' "$URL/api/v1/campaigns/$CID/contacts" | jq -e '.id > 0' >/dev/null || fail "contact with a state name and zone"
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -d '{"event":"activate"}' "$URL/api/v1/campaigns/$CID/state" | jq -e '.state == "active"' >/dev/null || fail "activate"
[[ $(code -H 'content-type: application/json' --data-binary @<(head -c 11000000 /dev/zero | tr '\0' 'a') "$URL/api/v1/login") == 413 ]] || fail "an 11 MB body was not refused with 413"

# The caller takes a call (simulated telephony port) and dispositions it.
curl -s -c "$D/ann.jar" -H 'content-type: application/json' -d '{"name":"ann","password":"caller-password"}' "$URL/api/v1/login" >/dev/null
C2=$(curl -s -b "$D/ann.jar" "$URL/api/v1/me" | jq -r .csrf_token)
B=(-s -b "$D/ann.jar" -H 'content-type: application/json' -H "X-CSRF-Token: $C2")
curl "${B[@]}" -d "{\"campaign_id\":$CID}" "$URL/api/v1/console/join" | jq -e '.allowed == true' >/dev/null || fail "join"
curl "${B[@]}" -d '{"state":"paused"}' "$URL/api/v1/console/state" | jq -e '.error.field == "reason"' >/dev/null || fail "pause without reason accepted"
curl "${B[@]}" -d '{"state":"ready"}' "$URL/api/v1/console/state" | jq -e '.state == "ready"' >/dev/null || fail "ready"
# ann's call on screen, waited for up to $1 tenths of a second → stdout (empty: none).
call_on_screen() {
  local id=""
  for _ in $(seq "$1"); do
    id=$(curl -s -b "$D/ann.jar" "$URL/api/v1/console" | jq -r '.call.call_id // empty')
    [[ -n "$id" ]] && break
    sleep 0.1
  done
  echo "$id"
}
CALL=$(call_on_screen 50)
[[ -n "$CALL" ]] || fail "no simulated call reached the caller"
curl -s -b "$D/ann.jar" "$URL/api/v1/console" | jq -e '.call.contact.first_name == "<script>alert(1)</script>" and .call.script.questions[0].key == "support"' >/dev/null || fail "screen pop content"
[[ $(code -b "$D/ann.jar" "$URL/api/v1/campaigns/$CID/contacts") == 403 ]] || fail "a caller listed contacts"
curl "${B[@]}" -d '{"code":"support","survey":{"support":"maybe"}}' "$URL/api/v1/calls/$CALL/disposition" | jq -e '.error.field == "survey.support"' >/dev/null || fail "invalid survey answer accepted"
# As if the dialer's wrap-up limit ([sip] wrap_up_max_s) had passed first: the
# caller's own disposition, late, still replaces wrap_up_timeout; a second one is refused.
sqlite3 -cmd ".timeout 5000" "$D/clearline.db" "UPDATE calls SET disposition='wrap_up_timeout' WHERE id=$CALL"
curl "${B[@]}" -d '{"code":"support","survey":{"support":"yes"}}' "$URL/api/v1/calls/$CALL/disposition" | jq -e '.disposition == "support"' >/dev/null || fail "disposition"
[[ $(sqlite3 "$D/clearline.db" "SELECT disposition FROM calls WHERE id=$CALL") == support ]] || fail "store lacks the disposition"
curl "${B[@]}" -d '{"code":"oppose"}' "$URL/api/v1/calls/$CALL/disposition" | jq -e '.error.field == "code"' >/dev/null || fail "a second disposition was accepted"
[[ $(sqlite3 "$D/clearline.db" "SELECT disposition FROM calls WHERE id=$CALL") == support ]] || fail "the second disposition replaced the first"
[[ $(sqlite3 "$D/clearline.db" "SELECT answer FROM survey_responses WHERE call_id=$CALL AND question_key='support'") == yes ]] || fail "store lacks the survey answer"
curl -s -b "$D/ann.jar" "$URL/api/v1/console" | jq -e '.state == "wrap_up" or .state == "ready" or .state == "on_call"' >/dev/null || fail "state after disposition"

# CSV exports (issue 8 §3): the call with its voter id, disposition and survey
# answer in its own column; productivity per caller; the caller may not export.
H=$(curl -s -b "$D/admin.jar" -D - -o "$D/calls.csv" "$URL/api/v1/campaigns/$CID/exports/calls.csv")
grep -qi '^content-type: text/csv' <<<"$H" || fail "calls.csv content type: $H"
grep -qi "^content-disposition: attachment; filename=\"campaign-$CID-calls.csv\"" <<<"$H" || fail "calls.csv file name: $H"
python3 - "$D/calls.csv" "$CALL" <<'PY' || fail "calls.csv content"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
row = [r for r in rows if r['call_id'] == sys.argv[2]]
assert len(row) == 1, f"call {sys.argv[2]} not exported once: {len(row)}"
r = row[0]
assert r['q:support'] == 'yes', r
assert r['disposition'] == 'support', r
assert r['first_name'] == '<script>alert(1)</script>', r
assert r['phone'].startswith('+1'), r
# The disposition ended the wrap-up: its instant is exported (ISO 8601, UTC), no greeting was heard here.
assert r['wrapped_at'].endswith('Z') and r['wrapped_at'] >= r['answered_at'], r
assert r['greeting_end_at'] == '', r
PY
N=$(sqlite3 "$D/clearline.db" "SELECT COUNT(*) FROM calls WHERE campaign_id=$CID")
ROWS=$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=""))))' "$D/calls.csv")
[[ $ROWS -ge 1 && $ROWS -le $N ]] || fail "calls.csv has $ROWS rows, the store $N calls"
REF=$(sqlite3 "$D/clearline.db" "SELECT caller_ref FROM calls WHERE id=$CALL")
SESSION_START=$(sqlite3 "$D/clearline.db" "SELECT started_at FROM caller_sessions WHERE caller_ref='$REF' AND campaign_id=$CID AND ended_at IS NULL")
T0=$(date +%s%3N)
curl -s -b "$D/admin.jar" -o "$D/prod.csv" "$URL/api/v1/campaigns/$CID/exports/productivity.csv?by=caller"
T1=$(date +%s%3N)
python3 - "$D/prod.csv" "$REF" "$SESSION_START" "$T0" "$T1" "$D/clearline.db" <<'PY' || fail "productivity.csv content"
import csv, sqlite3, sys
rows = {r['caller']: r for r in csv.DictReader(open(sys.argv[1], newline=''))}
assert sys.argv[2] in rows, rows
assert int(rows[sys.argv[2]]['calls']) >= 1 and int(rows[sys.argv[2]]['dispositioned']) >= 1, rows
# Logged in since the join (a stored caller session, still open: until the
# export). The CSV rounds hours to 3 decimals (1.8 s), so the bounds allow that.
start, t0, t1 = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
hours = float(rows[sys.argv[2]]['logged_in_hours'])
lo, hi = (t0 - start) / 3.6e6 - 0.0005, (t1 - start) / 3.6e6 + 0.0005
assert lo <= hours <= hi, (hours, lo, hi, rows)
# Wrap-up: the disposition's time (calls.wrapped_at) after each connected call's end, on average.
(n, wrap_ms), = sqlite3.connect(sys.argv[6]).execute(
    "SELECT COUNT(*), AVG(wrapped_at - ended_at) FROM calls WHERE caller_ref = ? AND bridged_at IS NOT NULL"
    " AND wrapped_at >= ended_at", (sys.argv[2],))
assert n >= 1, "no call with a wrap-up time"
assert rows[sys.argv[2]]['average_wrap_seconds'] == '%.1f' % (wrap_ms / 1000), (wrap_ms, rows)
PY
# The session is stored with its audit event (caller.login) by the desk.
[[ $(sqlite3 "$D/clearline.db" "SELECT COUNT(*) FROM caller_sessions WHERE caller_ref='$REF' AND campaign_id=$CID AND ended_at IS NULL") == 1 ]] \
  || fail "no open caller session for $REF: $(sqlite3 "$D/clearline.db" "SELECT * FROM caller_sessions")"
[[ $(sqlite3 "$D/clearline.db" "SELECT COUNT(*) FROM audit_events WHERE action='caller.login' AND object_id='$REF'") == 1 ]] || fail "caller.login not audited"
[[ $(code -b "$D/ann.jar" "$URL/api/v1/campaigns/$CID/exports/calls.csv") == 403 ]] || fail "a caller exported call records"
# The download is named for its grouping; a disclosure period that ends before it starts is refused.
curl -s -b "$D/admin.jar" -D - -o /dev/null "$URL/api/v1/campaigns/$CID/exports/productivity.csv?by=vendor" \
  | grep -qi 'filename="campaign-'"$CID"'-productivity-by-vendor.csv"' || fail "by=vendor download misnamed"
curl "${A[@]}" "$URL/api/v1/campaigns/$CID/disclosure?from=2030-01-01&to=2020-01-01" | jq -e '.error.field == "to"' >/dev/null \
  || fail "an inverted disclosure period was accepted"
# The calls, newest first (the dashboard's table), paged with before (a second, older-looking row is added).
sqlite3 -cmd ".timeout 5000" "$D/clearline.db" "INSERT INTO calls(campaign_id, called_number, purpose_class, dial_mode, state, queued_at) VALUES ($CID, '+12025550199', 'political', 'preview', 'ended', 0)"
NEWEST=$(sqlite3 -cmd ".timeout 5000" "$D/clearline.db" "SELECT MAX(id) FROM calls WHERE campaign_id=$CID")
NCALLS=$(sqlite3 -cmd ".timeout 5000" "$D/clearline.db" "SELECT COUNT(*) FROM calls WHERE campaign_id=$CID")
[[ $NCALLS -ge 2 ]] || fail "newest-first needs two calls to tell apart ($NCALLS)"
curl "${A[@]}" "$URL/api/v1/campaigns/$CID/calls?order=desc&limit=1" | jq -e ".items[0].id == $NEWEST and .next_before == $NEWEST" >/dev/null || fail "calls newest first"
curl "${A[@]}" "$URL/api/v1/campaigns/$CID/calls?order=desc&before=$NEWEST" | jq -e ".items | length == $((NCALLS - 1)) and all(.id < $NEWEST)" >/dev/null || fail "calls before"
curl "${A[@]}" "$URL/api/v1/campaigns/$CID/calls?limit=1" | jq -e ".items[0].id != $NEWEST" >/dev/null || fail "calls oldest first by default"
curl "${A[@]}" "$URL/api/v1/campaigns/$CID/calls?order=sideways" | jq -e '.error.field == "order"' >/dev/null || fail "bad order accepted"
curl -s -b "$D/admin.jar" "$URL/api/v1/campaigns/$CID/exports/calls.csv?from=yesterday" | jq -e '.error.field == "from"' >/dev/null || fail "bad from accepted"
curl -s -b "$D/admin.jar" "$URL/api/v1/campaigns/$CID/exports/productivity.csv?by=team" | jq -e '.error.field == "by"' >/dev/null || fail "bad by accepted"

# Audit: the API and the CLI agree the chain is intact.
curl -s -b "$D/admin.jar" "$URL/api/v1/audit/verify" | jq -e '.ok == true and .events > 3' >/dev/null || fail "audit verify"
curl -s -b "$D/admin.jar" -o "$D/audit.jsonl" "$URL/api/v1/audit/export"
head -1 "$D/audit.jsonl" | jq -e '.seq == 1' >/dev/null || fail "audit export"
[[ $(code -b "$D/ann.jar" "$URL/api/v1/audit/verify") == 403 ]] || fail "a caller read the audit chain"

# A campaign that does not exist is a 404 on its lists, not an empty page.
for what in contacts calls survey-responses callbacks live; do
  [[ $(code -b "$D/admin.jar" "$URL/api/v1/campaigns/999/$what") == 404 ]] || fail "campaigns/999/$what is not a 404"
done

# A campaign that is not active connects nobody; a caller leaving mid-call ends the call.
DRAFT=$(curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -d '{"name":"Draft","purpose":"political"}' "$URL/api/v1/campaigns" | jq -r .id)
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -d '{"first_name":"Dee","phone":"+12025550177"}' "$URL/api/v1/campaigns/$DRAFT/contacts" | jq -e '.id > 0' >/dev/null || fail "draft contact"
curl "${B[@]}" -d '{"state":"logged_out"}' "$URL/api/v1/console/state" >/dev/null
curl "${B[@]}" -d "{\"campaign_id\":$DRAFT}" "$URL/api/v1/console/join" | jq -e '.allowed == true' >/dev/null || fail "join the draft"
curl "${B[@]}" -d '{"state":"ready"}' "$URL/api/v1/console/state" | jq -e '.state == "ready"' >/dev/null || fail "ready on the draft"
sleep 1
curl -s -b "$D/ann.jar" "$URL/api/v1/console" | jq -e '.call == null and (.reason | test("draft"))' >/dev/null \
  || fail "a draft campaign connected a call: $(curl -s -b "$D/ann.jar" "$URL/api/v1/console")"
curl "${A[@]}" -H "X-CSRF-Token: $CSRF" -d '{"event":"activate"}' "$URL/api/v1/campaigns/$DRAFT/state" | jq -e '.state == "active"' >/dev/null || fail "activate the draft"
DCALL=$(call_on_screen 100)
[[ -n "$DCALL" ]] || fail "no call once the campaign is active"
curl "${B[@]}" -d '{"state":"logged_out"}' "$URL/api/v1/console/state" | jq -e '.state == "logged_out"' >/dev/null || fail "log out mid-call"
for _ in $(seq 50); do
  [[ $(sqlite3 -cmd ".timeout 5000" "$D/clearline.db" "SELECT COUNT(*) FROM calls WHERE id=$DCALL AND ended_at IS NOT NULL") == 1 ]] && break
  sleep 0.1
done
[[ $(sqlite3 -cmd ".timeout 5000" "$D/clearline.db" "SELECT c.state || ',' || c.disposition || ',' || k.status FROM calls c JOIN contacts k ON k.id = c.contact_id WHERE c.id=$DCALL") == "ended,no_disposition,new" ]] \
  || fail "the call left at logout: $(sqlite3 "$D/clearline.db" "SELECT c.state, c.disposition, k.status FROM calls c JOIN contacts k ON k.id = c.contact_id WHERE c.id=$DCALL")"

# Graceful shutdown on SIGTERM.
kill -TERM "$PID"
rc=0
wait "$PID" || rc=$?
PID=""
[[ $rc == 0 ]] || fail "serve exited with $rc after SIGTERM"
"$BIN" audit verify --data-dir "$D" >/dev/null || fail "audit chain broken after shutdown"
# Shutdown closed the caller's session (and its audit event is in the chain).
[[ $(sqlite3 "$D/clearline.db" "SELECT COUNT(*) FROM caller_sessions WHERE ended_at IS NULL") == 0 ]] || fail "a caller session left open after SIGTERM"
[[ $(sqlite3 "$D/clearline.db" "SELECT COUNT(*) FROM audit_events WHERE action='caller.logout' AND object_id='$REF'") -ge 1 ]] || fail "caller.logout not audited"
# The CLI writes the same rows from the same store.
"$BIN" export calls --campaign "$CID" --data-dir "$D" > "$D/cli-calls.csv" || fail "clearline export calls"
grep -F "$(grep "^$CALL," "$D/calls.csv")" "$D/cli-calls.csv" >/dev/null || fail "the CLI's row for call $CALL differs from the API's"
"$BIN" export productivity --campaign "$CID" --by site --data-dir "$D" | head -1 | grep -q '^site_id,callers,calls,connected' || fail "clearline export productivity --by site header"
# Per vendor: calls not made under any engagement (no vendor chain here) are "(none)".
"$BIN" export productivity --campaign "$CID" --by vendor --data-dir "$D" > "$D/prod-vendor.csv" || fail "export --by vendor"
head -1 "$D/prod-vendor.csv" | grep -q '^vendor_id,vendor_name,callers,calls,connected' || fail "clearline export productivity --by vendor header"
grep -q '^(none),' "$D/prod-vendor.csv" || fail "calls without a vendor chain are not counted under (none): $(cat "$D/prod-vendor.csv")"
if "$BIN" export calls --campaign "$CID" --from 2026-13-01 --data-dir "$D" 2>"$D/err.txt"; then fail "bad --from accepted"; fi
grep -q "from" "$D/err.txt" || fail "bad --from error does not name the field: $(cat "$D/err.txt")"
grep -q -e 'admin-password' -e 'caller-password' "$D/serve.log" && fail "a password reached the log"
echo "PASS: api_serve_end_to_end"
