#!/usr/bin/env bash
# List upload over the API (issue 7 §2, issue 8 §2) against a real
# `clearline serve`: a CSV with bad rows is POSTed to
# /api/v1/campaigns/{id}/imports, imported in the background, and
# GET /api/v1/imports/{id} reports the counts (read = imported + duplicates +
# rejected) and the rejects file names every bad row by line and column.
# Also: who may upload (managers and admins; not callers or auditors; 401 for
# strangers), the Idempotency-Key replay, field-level errors, and a file the
# importer refuses before it starts (nothing stored).
set -euo pipefail
BIN=$1
D=$(mktemp -d /tmp/clearline-import-api.XXXXXX)
PID=""
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [[ -f $D/serve.log ]] && tail -20 "$D/serve.log" >&2; exit 1; }
ok() { echo "ok - $*"; }

cat > "$D/clearline.toml" <<'TOML'
[server]
argon2_t_cost = 1
argon2_m_kib = 1024
rate_limit_per_second = 1000.0
rate_limit_burst = 2000.0
TOML
mk() { echo "$3" | "$BIN" user create --name "$1" --role "$2" ${4:+--entity "$4"} --password-stdin --data-dir "$D" >/dev/null; }
mk admin administrator admin-password
mk manager campaign_manager manager-password
mk ann caller caller-password site-a
mk audrey auditor auditor-password
TOK_M=$("$BIN" user token --name manager --data-dir "$D")
TOK_A=$("$BIN" user token --name admin --data-dir "$D")
TOK_C=$("$BIN" user token --name ann --data-dir "$D")
TOK_U=$("$BIN" user token --name audrey --data-dir "$D")

"$BIN" serve --data-dir "$D" --listen 127.0.0.1:0 >"$D/serve.out" 2>"$D/serve.log" &
PID=$!
for _ in $(seq 100); do grep -q "listening on" "$D/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\)/\1/p' "$D/serve.out"); URL=${URL%/}
[[ -n "$URL" ]] || fail "serve did not start"

M=(-s -H "Authorization: Bearer $TOK_M")
CID=$(curl "${M[@]}" -H 'content-type: application/json' -d '{"name":"List upload","purpose":"political"}' "$URL/api/v1/campaigns" | jq -r .id)
[[ $CID =~ ^[0-9]+$ ]] || fail "campaign not created"

# The list: 9 records, a quoted address spanning two physical lines (so line
# numbers are physical lines), two bad phones, one row without a phone, one
# duplicate of an earlier row.
{
  printf 'voter_id,first_name,last_name,address,city,state,phone\n'           # line 1
  printf 'V1,Ada,Lane,1 Main St,Miami,FL,(305) 234-5600\n'                     # 2 ok
  printf 'V2,Ben,Moss,"2 Main St\nApt 4",Miami,FL,305.234.5601\n'              # 3-4 ok (two lines)
  printf 'V3,Cy,Nash,3 Main St,Miami,FL,555-CALL-NOW\n'                         # 5 rejected: letters
  printf 'V4,Di,Orr,4 Main St,Miami,FL,+1 (305) 234-5602\n'                    # 6 ok
  printf 'V5,Ed,Park,5 Main St,Miami,FL,\n'                                      # 7 rejected: no phone
  printf 'V6,Flo,Quinn,6 Main St,Miami,FL,(555) 123-4567\n'                     # 8 rejected: invalid
  printf 'V7,Gus,Roe,7 Main St,Miami,FL,1-305-234-5603\n'                      # 9 ok
  printf 'V1,Ada,Lane,1 Main St,Miami,FL,3052345600\n'                          # 10 duplicate of line 2
  printf 'V8,Hal,Sims,8 Main St,Miami,FL,305 234 5604\n'                       # 11 ok
} >"$D/list.csv"

code() { curl -s -o "$D/body" -w '%{http_code}' "$@"; }
up() { code -H 'content-type: text/csv' --data-binary "@$D/list.csv" "$@"; }

# Who may upload.
[[ $(up "$URL/api/v1/campaigns/$CID/imports") == 401 ]] || fail "upload without a token: $(cat "$D/body")"
[[ $(up -H "Authorization: Bearer $TOK_C" "$URL/api/v1/campaigns/$CID/imports") == 403 ]] || fail "a caller uploaded a list"
[[ $(up -H "Authorization: Bearer $TOK_U" "$URL/api/v1/campaigns/$CID/imports") == 403 ]] || fail "an auditor uploaded a list"
[[ $(curl -s "$URL/api/v1/campaigns/$CID/imports" -H "Authorization: Bearer $TOK_A" | jq '.items | length') == 0 ]] || fail "refused uploads stored imports"
ok "strangers 401, callers and auditors 403, nothing stored"

# Field-level errors.
[[ $(up -H "Authorization: Bearer $TOK_M" "$URL/api/v1/campaigns/$CID/imports?colour=red") == 400 ]] || fail "unknown parameter accepted"
jq -e '.error.field == "colour"' "$D/body" >/dev/null || fail "unknown parameter not named: $(cat "$D/body")"
[[ $(up -H "Authorization: Bearer $TOK_M" "$URL/api/v1/campaigns/$CID/imports?dedupe=galaxy") == 400 ]] || fail "bad dedupe accepted"
jq -e '.error.field == "dedupe"' "$D/body" >/dev/null || fail "bad dedupe not named: $(cat "$D/body")"
[[ $(code -H "Authorization: Bearer $TOK_M" -H 'content-type: text/csv' -X POST "$URL/api/v1/campaigns/$CID/imports") == 400 ]] || fail "empty body accepted"
jq -e '.error.field == "body"' "$D/body" >/dev/null || fail "empty body not named: $(cat "$D/body")"
[[ $(up -H "Authorization: Bearer $TOK_M" "$URL/api/v1/campaigns/999/imports") == 404 ]] || fail "upload to a missing campaign"
printf 'first_name,last_name\nAnn,Lee\n' >"$D/nophone.csv"
[[ $(code -H "Authorization: Bearer $TOK_M" -H 'content-type: text/csv' --data-binary "@$D/nophone.csv" "$URL/api/v1/campaigns/$CID/imports") == 400 ]] ||
  fail "a list without a phone column was accepted: $(cat "$D/body")"
jq -e '.error.code == "invalid_argument" and (.error.message | test("phone"))' "$D/body" >/dev/null || fail "no-phone error: $(cat "$D/body")"
[[ $(curl -s "$URL/api/v1/campaigns/$CID/imports" -H "Authorization: Bearer $TOK_A" | jq '.items | length') == 0 ]] || fail "a refused file stored an import"
[[ $(ls "$D/uploads" 2>/dev/null | wc -l) == 0 ]] || fail "a refused upload left its file behind"
ok "unknown parameter, bad dedupe, empty body, missing campaign and a file without phones are refused, naming the field"

# The upload (batches of 2 records, so the import commits five times).
[[ $(up -H "Authorization: Bearer $TOK_M" -H 'Idempotency-Key: list-1' "$URL/api/v1/campaigns/$CID/imports?list_name=Miami%20walk%20list&batch_rows=2") == 201 ]] ||
  fail "upload: $(cat "$D/body")"
IID=$(jq -r .id "$D/body")
[[ $IID =~ ^[0-9]+$ ]] || fail "no import id: $(cat "$D/body")"
jq -e '.list_name == "Miami walk list" and .campaign_id == '"$CID"' and (.rejects_url | endswith("/rejects.csv"))' "$D/body" >/dev/null || fail "create answer: $(cat "$D/body")"
jq -e 'has("file") | not' "$D/body" >/dev/null || fail "the server path of the upload is shown"
for _ in $(seq 300); do
  curl -s -H "Authorization: Bearer $TOK_M" "$URL/api/v1/imports/$IID" >"$D/imp.json"
  jq -e .done "$D/imp.json" >/dev/null && break
  sleep 0.1
done
jq -e .done "$D/imp.json" >/dev/null || fail "the import did not finish: $(cat "$D/imp.json")"
jq -e '.state == "committed" and .read == 9 and .imported == 5 and .duplicates == 1 and .rejected == 3 and .fraction == 1' "$D/imp.json" >/dev/null ||
  fail "counts: $(cat "$D/imp.json")"
jq -e '.read == .imported + .duplicates + .rejected' "$D/imp.json" >/dev/null || fail "read != imported + duplicates + rejected"
jq -e '.bytes_done == .bytes_total and .bytes_total == '"$(stat -c %s "$D/list.csv")" "$D/imp.json" >/dev/null || fail "bytes: $(cat "$D/imp.json")"
ok "import $IID committed: read 9 = 5 imported + 1 duplicate + 3 rejected"
# The auditor may read it (read-only), the caller may not.
[[ $(code -H "Authorization: Bearer $TOK_U" "$URL/api/v1/imports/$IID") == 200 ]] || fail "auditor cannot read the import"
[[ $(code -H "Authorization: Bearer $TOK_C" "$URL/api/v1/imports/$IID") == 403 ]] || fail "a caller read the import"
[[ $(code -H "Authorization: Bearer $TOK_C" "$URL/api/v1/imports/$IID/rejects.csv") == 403 ]] || fail "a caller read the rejects"
[[ $(code -H "Authorization: Bearer $TOK_M" "$URL/api/v1/imports/424242") == 404 ]] || fail "missing import"

# The rejects file: every bad row by physical line and column.
curl -s -D "$D/rej.h" -H "Authorization: Bearer $TOK_M" "$URL/api/v1/imports/$IID/rejects.csv" >"$D/rej.csv"
grep -qi '^content-type: text/csv' "$D/rej.h" || fail "rejects content type: $(cat "$D/rej.h")"
grep -qi "content-disposition: attachment; filename=\"import-$IID-rejects.csv\"" "$D/rej.h" || fail "rejects file name"
[[ $(head -1 "$D/rej.csv") == "line,column,reason,raw" ]] || fail "rejects header: $(head -1 "$D/rej.csv")"
[[ $(tail -n +2 "$D/rej.csv" | cut -d, -f1,2 | tr '\n' ' ') == "5,phone 7,phone 8,phone " ]] || fail "rejects rows: $(cat "$D/rej.csv")"
grep -q '^5,phone,.*letters' "$D/rej.csv" || fail "line 5's reason: $(cat "$D/rej.csv")"
grep -q '^7,phone,.*no phone' "$D/rej.csv" || fail "line 7's reason: $(cat "$D/rej.csv")"
ok "rejects.csv lists lines 5, 7 and 8 with column and reason"

# The contacts are in the campaign; the two-line record kept its address.
curl -s -H "Authorization: Bearer $TOK_M" "$URL/api/v1/campaigns/$CID/contacts?limit=100" >"$D/contacts.json"
[[ $(jq ".items | length" "$D/contacts.json") == 5 ]] || fail "contacts: $(jq -c '.items | length' "$D/contacts.json")"

# The same Idempotency-Key replays the first answer: no second import.
[[ $(up -H "Authorization: Bearer $TOK_M" -H 'Idempotency-Key: list-1' "$URL/api/v1/campaigns/$CID/imports?list_name=Miami%20walk%20list&batch_rows=2") == 201 ]] || fail "replay"
[[ $(jq -r .id "$D/body") == "$IID" ]] || fail "the replay started another import: $(cat "$D/body")"
[[ $(curl -s -H "Authorization: Bearer $TOK_M" "$URL/api/v1/campaigns/$CID/imports" | jq '.items | length') == 1 ]] || fail "imports after replay"
ok "an Idempotency-Key replay answers the first import"

# A second upload without the key is a new import: all records are duplicates or rejects now.
[[ $(up -H "Authorization: Bearer $TOK_A" "$URL/api/v1/campaigns/$CID/imports") == 201 ]] || fail "second upload: $(cat "$D/body")"
I2=$(jq -r .id "$D/body")
for _ in $(seq 300); do
  curl -s -H "Authorization: Bearer $TOK_M" "$URL/api/v1/imports/$I2" >"$D/imp2.json"
  jq -e .done "$D/imp2.json" >/dev/null && break
  sleep 0.1
done
jq -e '.state == "committed" and .read == 9 and .imported == 0 and .duplicates == 6 and .rejected == 3' "$D/imp2.json" >/dev/null || fail "second import: $(cat "$D/imp2.json")"
ok "the same list again: 6 duplicates, 3 rejects"

# Audited, and the chain is intact.
curl -s -H "Authorization: Bearer $TOK_A" "$URL/api/v1/audit/verify" | jq -e .ok >/dev/null || fail "audit chain"
curl -s -H "Authorization: Bearer $TOK_A" "$URL/api/v1/audit/export" >"$D/audit.jsonl"
grep -F 'import.start' "$D/audit.jsonl" | grep -qF 'api:token:manager' || fail "no import.start audit event by the manager"
ok "audited as the manager; chain intact"
kill -TERM "$PID"; wait "$PID" || fail "serve did not exit cleanly"; PID=""
echo PASS
