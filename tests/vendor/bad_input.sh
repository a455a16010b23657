#!/usr/bin/env bash
# Bad chain documents are rejected with a message naming the record and the
# field; nothing is partially written; the audit chain still verifies.
source "$(dirname "$0")/lib.sh"
run_expect 0 "$CL" campaign create --name "Bad input" --json
db="$CLEARLINE_DATA/clearline.db"
events_before=$(sqlite3 "$db" "SELECT count(*) FROM audit_events")

# Each case: a jq filter applied to the worked example, the expected message fragment.
reject() {
  local name=$1 filter=$2 want=$3
  jq "$filter" "$EXAMPLE" >"$WORK/$name.json"
  run_expect 2 "$CL" vendor import "$WORK/$name.json" --json
  expect_contains "$ERR" "$want" "$name: message"
  expect_eq "$(jq -r .error.code <<<"$OUT")" "invalid_argument" "$name: error code"
  expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM vendor_records")" "0" "$name: nothing written"
  expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM audit_events")" "$events_before" "$name: no audit event"
}
reject cycle '.engagements += [
  {id: "eng-a", parent_engagement_id: "eng-b", principal_entity_id: "procom", agent_entity_id: "prime-vendor",
   contract_ref: "A", contract_doc_sha256: ("a" * 64), effective_from: "2019-11-20", effective_to: "2020-01-01", subcontracting_allowed: true},
  {id: "eng-b", parent_engagement_id: "eng-a", principal_entity_id: "prime-vendor", agent_entity_id: "procom",
   contract_ref: "B", contract_doc_sha256: ("b" * 64), effective_from: "2019-11-20", effective_to: "2020-01-01", subcontracting_allowed: true}]' \
  "cycle"
reject dates '.engagements[1].effective_to = "2021-06-30"' \
  "engagement eng-procom: effective_to: 2021-06-30T00:00:00.000Z is after the parent engagement eng-prime's end"
reject dates_before '.engagements[1].effective_from = "2019-10-01"' \
  "engagement eng-procom: effective_from: 2019-10-01T00:00:00.000Z is before the parent engagement eng-prime's start"
reject attestation '(.vetting[] | select(.id=="vet-eddie-warrior")) |= del(.incarcerated_workers_present)' \
  "vetting vet-eddie-warrior: incarcerated_workers_present: is required"
reject wage_payee '(.vetting[] | select(.id=="vet-eddie-warrior")) |= del(.wage_paid_to)' \
  "vetting vet-eddie-warrior: wage_paid_to: is required"
reject site_type '(.sites[] | select(.id=="site-eddie-warrior")).site_type = "prison"' \
  "site site-eddie-warrior: site_type: unknown value 'prison'"
reject dangling '.callers[0].site_id = "site-nowhere"' "caller caller-dc-01: site_id: unknown site 'site-nowhere'"
reject misspelt '(.vetting[0]) |= (. + {incarcerated_worker_present: false})' \
  "vetting vet-prime: incarcerated_worker_present: unknown field"
reject loosened '.policy.max_subcontract_depth = 4' "policy 1: max_subcontract_depth: differs from the default"

# Evidence whose file does not match its recorded hash.
printf 'OCI partner agreement, signed copy\n' >"$WORK/agreement.txt"
good=$(sha256sum "$WORK/agreement.txt" | cut -d' ' -f1)
jq --arg f "$WORK/agreement.txt" '(.vetting[] | select(.id=="vet-eddie-warrior")).evidence_docs[0].file = $f' "$EXAMPLE" >"$WORK/evidence.json"
run_expect 2 "$CL" vendor import "$WORK/evidence.json"
expect_contains "$ERR" "vetting vet-eddie-warrior: evidence_docs[0].sha256: the file" "evidence mismatch names record and field"
expect_contains "$ERR" "hashes to $good" "evidence mismatch gives the real hash"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM vendor_records")" "0" "evidence: nothing written"
[[ ! -e "$CLEARLINE_DATA/evidence/$good" ]] || fail "evidence file left behind after a rejected import"

# Not JSON, wrong shapes.
printf '{"campaign_id": 1, "sites": [' >"$WORK/trunc.json"
run_expect 2 "$CL" vendor import "$WORK/trunc.json"
expect_contains "$ERR" "not valid JSON" "truncated document"
run_expect 3 "$CL" vendor import "$EXAMPLE" --campaign 99
expect_contains "$ERR" "no campaign with id 99" "unknown campaign"

# With the right hash the evidence is stored by content and verifies.
jq --arg f "$WORK/agreement.txt" --arg h "$good" \
  '(.vetting[] | select(.id=="vet-eddie-warrior")).evidence_docs[0] |= (.file = $f | .sha256 = $h)' "$EXAMPLE" >"$WORK/evidence_ok.json"
run_expect 0 "$CL" vendor import "$WORK/evidence_ok.json" --json
[[ -f "$CLEARLINE_DATA/evidence/$good" ]] || fail "evidence not stored"
run_expect 0 "$CL" vendor evidence verify
expect_eq "$(jq -r .ok <<<"$OUT")" "true" "evidence verifies"
# Importing the same document again changes nothing.
run_expect 0 "$CL" vendor import "$WORK/evidence_ok.json" --json
expect_eq "$(jq -r .versions_written <<<"$OUT")" "0" "re-import is idempotent"
# Attach another file: hashed, stored, new vetting version.
printf 'worker-voice survey summary\n' >"$WORK/survey.txt"
run_expect 0 "$CL" vendor evidence attach --vetting vet-eddie-warrior "$WORK/survey.txt" --doc-type worker_voice_survey --valid-from 2019-12-05 --json
expect_eq "$(jq -r .vetting.version <<<"$OUT")" "2" "attach makes a new version"
[[ -f "$CLEARLINE_DATA/$(jq -r .stored <<<"$OUT")" ]] || fail "attached evidence not stored"
# A tampered stored file is caught.
chmod u+w "$CLEARLINE_DATA/evidence/$good"; printf 'x' >>"$CLEARLINE_DATA/evidence/$good"
run_expect 4 "$CL" vendor evidence verify
# Update with a bad document writes nothing.
jq '.sites[2] | .site_type = "jail"' "$EXAMPLE" >"$WORK/site.json"
n=$(sqlite3 "$db" "SELECT count(*) FROM vendor_records")
run_expect 2 "$CL" vendor site update --file "$WORK/site.json"
expect_contains "$ERR" "site site-eddie-warrior: site_type: unknown value 'jail'" "update message"
expect_eq "$(sqlite3 "$db" "SELECT count(*) FROM vendor_records")" "$n" "update: nothing written"
# A new version cannot start before the current one.
jq '.sites[2] | .max_seats = 10' "$EXAMPLE" >"$WORK/site2.json"
run_expect 2 "$CL" vendor site update --file "$WORK/site2.json" --valid-from 2019-10-01
expect_contains "$ERR" "valid_from" "backdated version refused"

run_expect 0 "$CL" audit verify --json
expect_eq "$(jq -r .ok <<<"$OUT")" "true" "audit chain intact after all rejections"
echo OK
