#!/usr/bin/env bash
# "Why was this call allowed?" over the API (issue 8 §2) against a real
# `clearline serve`: GET /api/v1/calls/{id}/explain answers the compliance
# authorization (verdict, reason, every rule version evaluated with citation
# and hash, the deciding one marked), who made the call (caller, worker
# category, site, the vendor chain), the gates re-evaluated on the stored
# registry versions and the verified vetting snapshot — the same JSON as
# `clearline explain --json`. A call with no caller says so; who may ask
# (managers, administrators, auditors; not callers or vendor supervisors).
set -euo pipefail
BIN=$1
SRC=$2
D=$(mktemp -d /tmp/clearline-explain-api.XXXXXX)
PID=""
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [[ -f $D/serve.log ]] && tail -20 "$D/serve.log" >&2; exit 1; }
ok() { echo "ok - $*"; }

cat > "$D/clearline.toml" <<'TOML'
[server]
argon2_t_cost = 1
argon2_m_kib = 1024
TOML
mk() { echo "$3" | "$BIN" user create --name "$1" --role "$2" ${4:+--entity "$4"} --password-stdin --data-dir "$D" >/dev/null; }
mk manager campaign_manager manager-password
mk audrey auditor auditor-password
mk ann caller caller-password site-prime-dc
mk vera vendor_supervisor vendor-password prime-vendor
for u in manager audrey ann vera; do declare "TOK_$u=$("$BIN" user token --name $u --data-dir "$D")"; done
"$BIN" campaign create --name "GOTV 2019 (reconstruction)" --json --data-dir "$D" | jq -e '.id == 1' >/dev/null || fail "campaign 1"
"$BIN" vendor import "$SRC/data/examples/2019-case.json" --json --data-dir "$D" | jq -e .ok >/dev/null || fail "vendor import"
CALL=$(bash "$SRC/tests/api/seed_explained_call.sh" "$BIN" "$D")
sqlite3 "$D/clearline.db" "INSERT INTO calls(campaign_id, called_number, purpose_class, dial_mode, state) VALUES (1, '+14155550199', 'political', 'preview', 'no_answer')"
BARE=$(sqlite3 "$D/clearline.db" "SELECT max(id) FROM calls")

"$BIN" serve --data-dir "$D" --listen 127.0.0.1:0 >"$D/serve.out" 2>"$D/serve.log" &
PID=$!
for _ in $(seq 100); do grep -q "listening on" "$D/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\)/\1/p' "$D/serve.out"); URL=${URL%/}
[[ -n "$URL" ]] || fail "serve did not start"
code() { curl -s -o "$D/body" -w '%{http_code}' "$@"; }

[[ $(code -H "Authorization: Bearer $TOK_manager" "$URL/api/v1/calls/$CALL/explain") == 200 ]] || fail "explain: $(cat "$D/body")"
cp "$D/body" "$D/x.json"
jq -e '.call_id == '"$CALL"' and .called_number == "+14155550100" and .campaign.id == 1' "$D/x.json" >/dev/null || fail "call: $(cat "$D/x.json")"
jq -e '.authorization.found and .authorization.id == "auth-e2e-0001" and .authorization.verdict == "allow"
       and (.authorization.reason | test("calling window"))' "$D/x.json" >/dev/null || fail "authorization: $(jq -c .authorization "$D/x.json")"
[[ $(jq -r '[.authorization.rules[] | "\(.rule_id)@\(.version):\(.verdict)"] | join(" ")' "$D/x.json") == "R1@1:allow R3@1:no objection R10@2:no objection" ]] ||
  fail "rules: $(jq -c .authorization.rules "$D/x.json")"
jq -e '.authorization.rules[0].citation == "16 CFR 310.4(c); 47 CFR 64.1200(c)(1)" and .authorization.rules[0].deciding and (.authorization.rules[1].deciding | not)
       and (.authorization.rules[2].content_hash | length) == 64' "$D/x.json" >/dev/null || fail "rule versions: $(jq -c .authorization.rules "$D/x.json")"
ok "the authorization: verdict, reason, three rule versions with citations and hashes, R1 deciding"
jq -e '.who.caller_ref == "caller-dc-01" and .who.worker_category == "employee" and .who.site.id == "site-prime-dc"
       and (.who.chain | length) == 1 and (.who.chain[0].entity | test("Northstar"))' "$D/x.json" >/dev/null || fail "who: $(jq -c .who "$D/x.json")"
jq -e '.why.vendor_gates_allowed and (.why.vendor_gates | length) == 10 and ([.why.vendor_gates[] | select(.passed | not)] | length) == 0' "$D/x.json" >/dev/null ||
  fail "gates: $(jq -c .why "$D/x.json")"
jq -e '.provenance.verified and (.provenance.vetting_snapshot_hash | length) == 64 and (.provenance.record_versions | length) > 3
       and all(.provenance.record_versions[]; .ok)' "$D/x.json" >/dev/null || fail "provenance: $(jq -c .provenance "$D/x.json")"
ok "who (caller, employee, DC site, prime vendor), ten gates pass, the snapshot verifies"
"$BIN" explain "$CALL" --json --data-dir "$D" >"$D/cli.json" || fail "clearline explain"
diff <(jq -S . "$D/x.json") <(jq -S . "$D/cli.json") >/dev/null || fail "the API and the CLI disagree: $(diff <(jq -S . "$D/x.json") <(jq -S . "$D/cli.json") | head -20)"
ok "the same answer as clearline explain --json"

[[ $(code -H "Authorization: Bearer $TOK_manager" "$URL/api/v1/calls/$BARE/explain") == 200 ]] || fail "bare call: $(cat "$D/body")"
jq -e '.authorization == null and .who == null and (.why.vendor_chain | test("no caller"))' "$D/body" >/dev/null || fail "bare call: $(cat "$D/body")"
ok "a call without caller or authorization says so"

[[ $(code -H "Authorization: Bearer $TOK_audrey" "$URL/api/v1/calls/$CALL/explain") == 200 ]] || fail "auditor refused"
[[ $(code -H "Authorization: Bearer $TOK_ann" "$URL/api/v1/calls/$CALL/explain") == 403 ]] || fail "a caller may ask"
[[ $(code -H "Authorization: Bearer $TOK_vera" "$URL/api/v1/calls/$CALL/explain") == 403 ]] || fail "a vendor supervisor may ask"
[[ $(code "$URL/api/v1/calls/$CALL/explain") == 401 ]] || fail "a stranger may ask"
[[ $(code -H "Authorization: Bearer $TOK_manager" "$URL/api/v1/calls/987654/explain") == 404 ]] || fail "missing call"
jq -e '.error.field == "id"' "$D/body" >/dev/null || fail "missing call field: $(cat "$D/body")"
ok "auditors may ask; callers and vendor supervisors 403; strangers 401; a missing call 404"
kill -TERM "$PID"; wait "$PID" || fail "serve did not exit cleanly"; PID=""
echo PASS
