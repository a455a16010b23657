#!/usr/bin/env bash
# Test fixture: a call on campaign 1 whose provenance "why was this call
# allowed?" can answer in full. Needs the 2019 chain imported into DATA_DIR
# (`clearline vendor import data/examples/2019-case.json`). The call is
# recorded by `clearline vendor record-call` (the prime vendor's caller at the
# DC site: real gates, a real vetting snapshot); its compliance authorization
# record is written here with sqlite3 in the shape the policy store writes
# (SqlitePolicyStore::saveAuthorization), because only the live SIP dialer
# writes them. Prints the call id.
# Usage: seed_explained_call.sh CLEARLINE_BIN DATA_DIR
set -euo pipefail
BIN=$1
D=$2
AT="2019-12-10T14:00:00-06:00"
CALL=$("$BIN" vendor record-call --campaign 1 --caller caller-dc-01 --to +14155550100 --at "$AT" --duration-s 600 \
  --authorization-id auth-e2e-0001 --json --data-dir "$D" | jq -r .call_id)
[[ $CALL =~ ^[0-9]+$ ]] || { echo "FAIL: record-call" >&2; exit 1; }
MS=1576008000000  # 2019-12-10T20:00:00Z
sqlite3 "$D/clearline.db" <<SQL
INSERT OR IGNORE INTO policy_rule_versions(ref, rule_id, version, jurisdiction, effective_from, citation, params, content_hash, source, first_used_at) VALUES
 ('R1@1#0a1b2c3d', 'R1', 1, 'US', 0, '16 CFR 310.4(c); 47 CFR 64.1200(c)(1)', '{}', '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9', 'data/rules/us.toml', $MS),
 ('R3@1#1b2c3d4e', 'R3', 1, 'US', 0, '16 CFR 310.4(b)(4)(i); 47 CFR 64.1200(a)(7); 73 FR 51164', '{}', '1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a', 'data/rules/us.toml', $MS),
 ('R10@2#2c3d4e5f', 'R10', 2, 'US', 0, '16 CFR 310.4(b)(1)(iii)(A); 47 CFR 64.1200(d); FCC 20-186; FCC 24-24', '{}', '2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b', 'data/rules/us.toml', $MS);
INSERT INTO authorizations(id, at, campaign_id, contact_id, e164, purpose, dial_mode, prerecorded, line_type, consent, rnd_status,
  verdict, rules, reason, until, route_to_mode, locations, registry_snapshot, ruleset, evaluated) VALUES
 ('auth-e2e-0001', $MS, 1, NULL, '+14155550100', 'political', 'preview', 0, 'landline', 'none', 'not_queried',
  'allow', '["R1"]', 'allowed: inside the calling window (R1) in CA; not on an internal do-not-call list', NULL, NULL, '["CA"]', NULL,
  'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeedf00dfeed', '["R1@1#0a1b2c3d","R3@1#1b2c3d4e","R10@2#2c3d4e5f"]');
SQL
echo "$CALL"
