#!/usr/bin/env bash
# Access boundaries through the CLI: a vendor sees and edits only its subtree,
# never another vendor's record by id; a caller sees nothing; the campaign sees all.
source "$(dirname "$0")/lib.sh"
setup_2019
# The subcontractor lists only its own sites.
run_expect 0 "$CL" vendor site list --as vendor:procom --json
expect_eq "$(jq -r '[.records[].id] | sort | join(",")' <<<"$OUT")" "site-eddie-warrior,site-procom-vineland" "procom sites"
# … and cannot read the prime vendor's site or vetting by id (it does not exist for it).
run_expect 3 "$CL" vendor site show site-prime-dc --as vendor:procom
run_expect 3 "$CL" vendor vetting show vet-prime --as vendor:procom
# … nor write it.
jq '.sites[0] | .max_seats = 99' "$EXAMPLE" >"$WORK/s.json"
run_expect 5 "$CL" vendor site update --file "$WORK/s.json" --as vendor:procom
expect_contains "$ERR" "outside its subtree" "write refused"
# … nor grant itself the campaign's consent.
jq '.engagements[1] + {campaign_consent: {consented_by: "ProCom", date: "2019-12-01", doc_sha256: ("2" * 64)}}' "$EXAMPLE" >"$WORK/e.json"
run_expect 5 "$CL" vendor engagement update --file "$WORK/e.json" --valid-from 2019-12-01 --as vendor:procom
# It may edit its own site.
jq '.sites[1] | .max_seats = 25' "$EXAMPLE" >"$WORK/own.json"
run_expect 0 "$CL" vendor site update --file "$WORK/own.json" --as vendor:procom --json
expect_eq "$(jq -r .version <<<"$OUT")" "2" "own site versioned"
# The prime vendor sees its subcontractor's subtree; a caller sees nothing; the campaign everything.
run_expect 0 "$CL" vendor site list --as vendor:prime-vendor --json
expect_eq "$(jq -r '.records | length' <<<"$OUT")" "3" "prime sees 3 sites"
run_expect 0 "$CL" vendor caller list --as caller:caller-ew-01 --json
expect_eq "$(jq -r '.records | length' <<<"$OUT")" "0" "caller sees nothing"
run_expect 0 "$CL" vendor policy list --as vendor:prime-vendor --json
expect_eq "$(jq -r '.records | length' <<<"$OUT")" "0" "vendors do not see the policy"
run_expect 0 "$CL" vendor entity list --as campaign:1 --json
expect_eq "$(jq -r '.records | length' <<<"$OUT")" "4" "campaign sees all entities"
run_expect 0 "$CL" audit verify
echo OK
