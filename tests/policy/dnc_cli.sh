# clearline dnc add|import|status and their effect on check (R8, R9, R10).
set -euo pipefail
CL="$1"
WORK=$(mktemp -d /tmp/clearline-policy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
D="$WORK/data"
fail() { echo "FAIL: $*" >&2; exit 1; }
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# A weekday noon in New York, so that only DNC rules decide.
AT=2026-12-01T12:00:00-05:00

printf '# area codes: 212\n212,5550123\n212,5550124\n' > "$WORK/212.txt"
"$CL" dnc import --full "$WORK/212.txt" --area-codes 212 --as-of 2026-11-25T00:00:00Z --data-dir "$D" --json > "$WORK/imp.json"
[[ $(jq -r .numbers "$WORK/imp.json") == 2 ]] || fail "import: $(cat "$WORK/imp.json")"

set +e
OUT=$("$CL" check --number +12125550123 --at $AT --purpose commercial --mode preview --line-type landline --data-dir "$D" --json)
set -e
[[ $(jq -r .verdict <<<"$OUT") == deny && $(jq -r '.rules[0]' <<<"$OUT") == R8 ]] || fail "registered: $OUT"
OUT=$("$CL" check --number +12125550125 --at $AT --purpose commercial --mode preview --line-type landline --data-dir "$D" --json)
[[ $(jq -r .verdict <<<"$OUT") == allow ]] || fail "unregistered: $OUT"
# Political calls are not bound by the registry (§1.4).
OUT=$("$CL" check --number +12125550123 --at $AT --purpose political --mode preview --line-type landline --data-dir "$D" --json)
[[ $(jq -r .verdict <<<"$OUT") == allow ]] || fail "political exempt: $OUT"

# Change list: delete then re-add 0123, add 0125.
printf '212,5550123,D\n212,5550125,A\n212,5550123,A\n' > "$WORK/chg.txt"
"$CL" dnc import --change "$WORK/chg.txt" --area-codes 212 --as-of 2026-11-26T00:00:00Z --data-dir "$D" --json >/dev/null
set +e
OUT=$("$CL" check --number +12125550125 --at $AT --purpose commercial --mode preview --line-type landline --data-dir "$D" --json)
set -e
[[ $(jq -r .verdict <<<"$OUT") == deny ]] || fail "added by change list: $OUT"

# Malformed file: error with file:line, snapshot unchanged.
printf '212,5550126\n212,55501x7\n' > "$WORK/bad.txt"
set +e
"$CL" dnc import --full "$WORK/bad.txt" --data-dir "$D" --json > "$WORK/bad.json" 2>"$WORK/bad.err"
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "malformed import succeeded"
grep -q "bad.txt:2" "$WORK/bad.err" || fail "no file:line: $(cat "$WORK/bad.err")"
"$CL" dnc status --data-dir "$D" --json > "$WORK/st.json"
[[ $(jq -r .us_registry.numbers "$WORK/st.json") == 3 ]] || fail "status after failed import: $(cat "$WORK/st.json")"

# A registry copy 32 days old at dial time → deny (fail closed).
set +e
OUT=$("$CL" check --number +12125550199 --at 2026-12-27T12:00:00-05:00 --purpose commercial --mode preview --line-type landline --data-dir "$D" --json)
set -e
[[ $(jq -r .verdict <<<"$OUT") == deny ]] || fail "stale registry: $OUT"
[[ $(jq -r .reason <<<"$OUT") == *"days old"* ]] || fail "stale reason: $OUT"

# Internal list (platform scope) blocks every purpose.
"$CL" dnc add --number +12125550150 --scope platform --source caller --data-dir "$D" --json > "$WORK/add.json"
[[ $(jq -r .honour_by "$WORK/add.json") != null ]] || fail "add: $(cat "$WORK/add.json")"
set +e
OUT=$("$CL" check --number +12125550150 --at $AT --purpose political --mode preview --line-type landline --data-dir "$D" --json)
set -e
[[ $(jq -r '.rules[0]' <<<"$OUT") == R10 ]] || fail "internal list: $OUT"
"$CL" dnc status --data-dir "$D" --json > "$WORK/st.json"
[[ $(jq -r .internal_lists.platform "$WORK/st.json") == 1 ]] || fail "status lists: $(cat "$WORK/st.json")"
[[ $(sqlite3 "$D/clearline.db" "SELECT COUNT(*) FROM audit_events WHERE action LIKE 'dnc.%'") -ge 3 ]] || fail "audit events"
: "$NOW"
echo OK
