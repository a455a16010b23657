#!/usr/bin/env bash
# The 2019 case, live (issue 4 §8 x issue 6): `clearline demo` imports the 2019
# vendor chain for its campaign (moved to the present) with 10 caller bots:
# 6 at the prime vendor's office, 1 at the subcontractor the campaign never
# consented to, 3 inside the correctional facility. Over real SIP on loopback:
# the 4 are refused at login (recorded in the gate log, never logged in, no
# call), calls are bridged only to the prime's callers and every call row
# carries the chain (site, worker category, engagement path, a provenance
# snapshot that resolves) and a stored allow authorization.
# Usage: demo_2019.sh CLEARLINE_BIN
set -euo pipefail
CL=$1
W=$(mktemp -d /tmp/cl-demo-2019.XXXXXX)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$W"' EXIT
fail() { echo "FAIL: $*" >&2; [[ -f $W/demo.json ]] && head -c 3000 "$W/demo.json" >&2; for f in "$W"/data/demo-logs/*.log; do echo "== $f"; tail -8 "$f"; done >&2; exit 1; }
D="$W/data"
# No --clock-offset-s: the demo itself moves its clock into calling hours when
# the real time has none (nights, Sundays), as it does for a newcomer, so this
# test also shows that the README's demo places calls whatever the hour.
"$CL" demo --headless --minutes 0.4 --rows 200 --data-dir "$D" --json > "$W/demo.json" \
  2> "$W/demo.err" || fail "demo failed: $(tail -5 "$W/demo.err")"
S="$W/demo.json"
[[ $(jq .calls_placed "$S") -gt 0 ]] || fail "the demo placed no call (clock_offset_s: $(jq .clock_offset_s "$S"))"
echo "demo: $(jq -c '{calls_placed,calls_bridged,callers_refused,routing_refusals,calls_at_restricted_sites,policy_allowed,leads_routed,audit_ok}' "$S")"
DB="$D/clearline.db"
q() { sqlite3 -batch -noheader "$DB" "$1"; }
[[ $(jq .callers_refused "$S") == 4 ]] || fail "callers_refused should be 4 (ProCom + 3 prison callers)"
[[ $(jq .calls_bridged "$S") -gt 0 ]] || fail "no call was bridged (the check below would be vacuous)"
[[ $(jq .calls_at_restricted_sites "$S") == 0 ]] || fail "calls bridged to a correctional site"
[[ $(jq .audit_ok "$S") == true ]] || fail "audit chain"
# The refused never logged in and never took a call; each refusal is in the gate log.
for i in 7 8 9 10; do
  [[ $(q "SELECT COUNT(*) FROM calls WHERE caller_ref='demo-caller$i'") == 0 ]] || fail "demo-caller$i took a call"
  [[ $(q "SELECT COUNT(*) FROM vendor_gate_log WHERE caller_ref='demo-caller$i' AND kind='login' AND allowed=0") -ge 1 ]] \
    || fail "no recorded login refusal for demo-caller$i"
  [[ $(q "SELECT COUNT(*) FROM vendor_gate_log WHERE caller_ref='demo-caller$i' AND allowed=1") == 0 ]] \
    || fail "demo-caller$i was allowed somewhere"
done
[[ $(q "SELECT COUNT(*) FROM vendor_gate_log WHERE caller_ref IN ('demo-caller8','demo-caller9','demo-caller10') AND failed_gates LIKE '%G4%'") -ge 3 ]] \
  || fail "the prison callers were not refused by G4 (site type)"
# Every bridged call: a prime-vendor caller, the chain on the row, a resolvable snapshot.
bad=$(q "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL AND NOT (site_id='site-prime-dc' AND worker_category='employee'
         AND engagement_path='[\"eng-prime\"]' AND vetting_snapshot_hash IN (SELECT hash FROM vendor_snapshots)
         AND caller_ref IN ('demo-caller1','demo-caller2','demo-caller3','demo-caller4','demo-caller5','demo-caller6'))")
[[ $bad == 0 ]] || fail "$bad bridged calls without the prime's chain: $(q "SELECT caller_ref, site_id, engagement_path FROM calls WHERE bridged_at IS NOT NULL LIMIT 3")"
# And every placed call has its stored allow authorization.
[[ $(q "SELECT COUNT(*) FROM calls c LEFT JOIN authorizations a ON a.id=c.authorization_id WHERE a.verdict IS NOT 'allow'") == 0 ]] \
  || fail "calls without a stored allow authorization"
call=$(q "SELECT id FROM calls WHERE bridged_at IS NOT NULL LIMIT 1")
"$CL" explain "$call" --data-dir "$D" --json > "$W/explain.json" || fail "explain $call"
[[ $(jq -r .provenance.verified "$W/explain.json") == true ]] || fail "explain does not verify: $(cat "$W/explain.json")"
echo "demo 2019 ok: $(jq .callers_refused "$S") callers refused at login, $(jq .calls_bridged "$S") calls bridged, all to the prime vendor's site"
