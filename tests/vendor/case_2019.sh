#!/usr/bin/env bash
# THE 2019 CASE (issue 4 §8), end to end through the CLI and the store:
# campaign → prime vendor → call-centre subcontractor without campaign consent →
# a correctional-facility site whose wage is paid to the Department of Corrections.
source "$(dirname "$0")/lib.sh"
setup_2019
expect_eq "$(jq -r .versions_written <<<"$OUT")" "21" "versions written by the import"
expect_eq "$(jq -r .records.caller.created <<<"$OUT")" "4" "callers created"

# 1. The prison callers are refused at login and at routing, with a plain reason.
for kind in login routing; do
  run_expect 5 "$CL" vendor gate --campaign 1 --caller caller-ew-01 --at "$AT" --kind $kind --json
  expect_eq "$(jq -r .allowed <<<"$OUT")" "false" "$kind refused"
  expect_eq "$(failed_gates "$OUT")" "G2,G4,G5,G7" "$kind failed gates"
  expect_contains "$(jq -r .reason <<<"$OUT")" "no written campaign consent" "$kind reason"
  expect_contains "$(jq -r '.gates[] | select(.id=="G4") | .detail' <<<"$OUT")" "correctional facility" "G4 detail"
  expect_contains "$(jq -r '.gates[] | select(.id=="G5") | .detail' <<<"$OUT")" "paid to Oklahoma Department of Corrections" "G5 detail"
  expect_eq "$(jq -r '.gates | length' <<<"$OUT")" "10" "ten gates reported"
done
run_expect 5 "$CL" vendor login --campaign 1 --caller caller-ew-02 --at "$AT" --from-ip 198.51.100.130 --json
expect_eq "$(jq -r .allowed <<<"$OUT")" "false" "login refused"
# A refused caller never gets a call recorded.
run_expect 5 "$CL" vendor record-call --campaign 1 --caller caller-ew-01 --to +14155550101 --at "$AT"
expect_contains "$ERR" "refused by G2, G4, G5, G7" "routing refusal message"

# The prime vendor's own caller is allowed, and its call carries provenance.
run_expect 0 "$CL" vendor gate --campaign 1 --caller caller-dc-01 --at "$AT" --json
expect_eq "$(jq -r .allowed <<<"$OUT")" "true" "prime caller allowed"
run_expect 0 "$CL" vendor record-call --campaign 1 --caller caller-dc-01 --to +14155550100 --at "$AT" \
  --duration-s 1800 --authorization-id auth-0001 --json
call=$(jq -r .call_id <<<"$OUT")
row=$(sqlite3 "$CLEARLINE_DATA/clearline.db" "SELECT engagement_path, site_id, caller_ref, worker_category, authorization_id, length(vetting_snapshot_hash) FROM calls WHERE id=$call")
expect_eq "$row" '["eng-prime"]|site-prime-dc|caller-dc-01|employee|auth-0001|64' "provenance columns"
run_expect 0 "$CL" explain "$call" --json
expect_eq "$(jq -r .provenance.verified <<<"$OUT")" "true" "explain verifies the snapshot"
expect_eq "$(jq -r .who.caller_ref <<<"$OUT")" "caller-dc-01" "explain: who"
expect_eq "$(jq -r '.who.chain[0].entity' <<<"$OUT")" "Northstar Outreach LLC (fictional prime vendor)" "explain: chain"
expect_eq "$(jq -r .why.authorization_id <<<"$OUT")" "auth-0001" "explain: authorization"
expect_eq "$(jq -r .why.vendor_gates_allowed <<<"$OUT")" "true" "explain: gates"

# The chain tree shows the refusal.
run_expect 0 "$CL" vendor chain 1 --at "$AT"
expect_contains "$OUT" "NO CAMPAIGN CONSENT" "chain shows missing consent"
expect_contains "$OUT" "caller caller-ew-01  REFUSED: G2, G4, G5, G7" "chain shows refusal"

# 2. The disclosure report shows the tier-2 correctional site and the refusals.
run_expect 0 "$CL" disclosure --campaign 1 --from 2019-11-01 --to 2019-12-31 --format json --manifest "$WORK/m1.json"
printf '%s\n' "$OUT" >"$WORK/r1.json"
site=$(jq -c '.payees[] | select(.tier==2) | .sites[] | select(.site_type=="correctional_facility")' "$WORK/r1.json")
[[ -n "$site" ]] || fail "disclosure lacks the tier-2 correctional facility"
expect_eq "$(jq -r .city <<<"$site"),$(jq -r .state <<<"$site")" "Taft,OK" "site location"
expect_eq "$(jq -r .wage.paid_to_name <<<"$site")" "Oklahoma Department of Corrections" "wage payee"
expect_eq "$(jq -r .wage.received_by_worker_hourly <<<"$site")" "1.45" "worker-received wage"
expect_eq "$(jq -r .refusals <<<"$site")" "4" "refusals at the prison site (2 gates + login + routing)"
expect_eq "$(jq -r '.payees[] | select(.tier==2) | .parent.legal_name' "$WORK/r1.json")" \
  "Northstar Outreach LLC (fictional prime vendor)" "tier-2 parent"
expect_eq "$(jq -r '[.refusals[] | select(.caller_ref=="caller-ew-01")] | length' "$WORK/r1.json")" "3" "refusal rows"
expect_eq "$(jq -r '.payees[] | select(.tier==1) | .sites[0].calls_made' "$WORK/r1.json")" "1" "calls made by the prime"
expect_eq "$(jq -r '.payees[] | select(.tier==1) | .sites[0].hours_worked' "$WORK/r1.json")" "0.5" "hours worked"
# The manifest anchors the exact bytes; the publish event is in the chain and the chain verifies.
expect_eq "$(jq -r .report_sha256 "$WORK/m1.json")" "$(sha256sum "$WORK/r1.json" | cut -d' ' -f1)" "report hash"
run_expect 0 "$CL" audit export -o "$WORK/audit.jsonl"
pub=$(jq -c 'select(.event_text | fromjson | .action == "disclosure.publish")' "$WORK/audit.jsonl" | tail -1)
expect_eq "$(jq -r '.event_text | fromjson | .payload.report_sha256' <<<"$pub")" "$(jq -r .report_sha256 "$WORK/m1.json")" "publish event hash"
run_expect 0 "$CL" disclosure --campaign 1 --from 2019-11-01 --to 2019-12-31 --format html
expect_contains "$OUT" "correctional_facility" "html names the site type"
expect_contains "$OUT" "no campaign consent to this subcontract" "html shows missing consent"
run_expect 0 "$CL" disclosure --campaign 1 --from 2019-11-01 --to 2019-12-31 --format csv
expect_contains "$OUT" "ProCom" "csv payee"
expect_contains "$OUT" "Taft,OK,correctional_facility" "csv site"

# 3. Consent to the subcontract alone does not let them through.
jq '.engagements[1] + {campaign_consent: {consented_by: "C. Manager", title: "Campaign operations", date: "2019-12-01",
     doc_sha256: "1111111111111111111111111111111111111111111111111111111111111111"}}' "$EXAMPLE" >"$WORK/eng.json"
run_expect 0 "$CL" vendor engagement update --file "$WORK/eng.json" --valid-from 2019-12-01 --json
expect_eq "$(jq -r .version <<<"$OUT")" "2" "engagement version 2"
run_expect 5 "$CL" vendor gate --campaign 1 --caller caller-ew-01 --at "$AT" --json
expect_eq "$(failed_gates "$OUT")" "G4,G5,G7" "after consent"
run_expect 0 "$CL" vendor gate --campaign 1 --caller caller-nj-01 --at "$AT" --json
expect_eq "$(jq -r .allowed <<<"$OUT")" "true" "the non-prison subcontractor site is allowed after consent"

# An override alone does not either, while the wage goes to the DOC.
cat >"$WORK/ovr.json" <<JSON
{"id": "ovr-eddie-warrior", "campaign_id": 1, "gate": "G4", "site_id": "site-eddie-warrior",
 "decision": {"decided_by": "C. Manager", "title": "Campaign manager", "decided_at": "2019-12-02",
              "reason": "re-entry programme partner; wages paid to workers at the state minimum"},
 "conditions": "FAR 52.222-3-style: paid to the worker at the local rate, voluntary, union consulted, disclosed publicly"}
JSON
run_expect 0 "$CL" vendor override create --file "$WORK/ovr.json" --valid-from 2019-12-02 --json
run_expect 5 "$CL" vendor gate --campaign 1 --caller caller-ew-01 --at "$AT" --json
expect_eq "$(failed_gates "$OUT")" "G4,G5,G7" "override without worker wage"
expect_contains "$(jq -r '.gates[] | select(.id=="G4") | .detail' <<<"$OUT")" "does not apply" "override not applied"

# 4. Only with the worker-received wage at or above the floor (and independent verification) does the override let them through.
jq '.vetting[] | select(.id=="vet-eddie-warrior") | .wage_paid_to = "worker" | del(.wage_paid_to_name, .wage_received_by_worker_hourly)
    | .verification_methods = ["self_attestation", "third_party_audit"]' "$EXAMPLE" >"$WORK/vet.json"
run_expect 0 "$CL" vendor vetting update --file "$WORK/vet.json" --valid-from 2019-12-03 --json
run_expect 0 "$CL" vendor gate --campaign 1 --caller caller-ew-01 --at "$AT" --json
expect_eq "$(jq -r .allowed <<<"$OUT")" "true" "override + worker wage allows"
expect_contains "$(jq -r '.gates[] | select(.id=="G4") | .detail' <<<"$OUT")" "OVERRIDDEN by campaign decision ovr-eddie-warrior" "G4 says overridden"
# The same question before the override existed is still answered as then (versions are as-of).
run_expect 5 "$CL" vendor gate --campaign 1 --caller caller-ew-01 --at 2019-12-01T12:00:00-06:00 --json --no-record

# The report shows the override.
run_expect 0 "$CL" disclosure --campaign 1 --from 2019-11-01 --to 2019-12-31 --format json
expect_eq "$(jq -r '.overrides[0].override_id' <<<"$OUT")" "ovr-eddie-warrior" "override listed"
expect_eq "$(jq -r '.overrides[0].decided_by' <<<"$OUT")" "C. Manager" "override attributed"
expect_contains "$(jq -r '.payees[] | select(.tier==2) | .sites[] | select(.site_id=="site-eddie-warrior") | .findings | join(" ")' <<<"$OUT")" \
  "OVERRIDDEN" "site findings show the override"
run_expect 0 "$CL" disclosure --campaign 1 --from 2019-11-01 --to 2019-12-31 --format html
expect_contains "$OUT" "ovr-eddie-warrior" "html shows the override"

run_expect 0 "$CL" audit verify --json
expect_eq "$(jq -r .ok <<<"$OUT")" "true" "audit chain intact"
echo "OK"
