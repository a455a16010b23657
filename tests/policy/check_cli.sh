# clearline check: the exact interface outside checks rely on (issue 3).
set -euo pipefail
CL="$1"
WORK=$(mktemp -d /tmp/clearline-policy.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
D="$WORK/data"
fail() { echo "FAIL: $*" >&2; exit 1; }
check() {  # expected-exit args… → JSON in $OUT
  local want=$1; shift
  set +e
  OUT=$("$CL" check "$@" --data-dir "$D" --json 2>"$WORK/err"); local rc=$?
  set -e
  [[ $rc -eq $want ]] || fail "check $* exited $rc (want $want): $(cat "$WORK/err") $OUT"
}
field() { jq -r "$1" <<<"$OUT"; }

# R1: 07:59 in New York → defer until 08:00 local.
check 5 --number +12125550123 --at 2026-12-01T07:59:00-05:00 --purpose political --mode preview --line-type landline
[[ $(field .verdict) == defer ]] || fail "R1 defer: $OUT"
[[ $(field .until) == 2026-12-01T13:00:00.000Z ]] || fail "R1 until: $OUT"
[[ $(field '.rules|index("R1")') != null ]] || fail "R1 rules: $OUT"
[[ -n $(field .reason) ]] || fail "reason empty"

# Local number form, allowed at noon.
check 0 --number "(212) 555-0123" --at 2026-12-01T12:00:00-05:00 --purpose political --mode preview --line-type landline
[[ $(field .verdict) == allow ]] || fail "allow: $OUT"
[[ $(field '.rules|length') == 0 ]] || fail "allow has no deciding rules: $OUT"
[[ $(field '.evaluated|length') -gt 5 ]] || fail "evaluated rule versions missing: $OUT"

# 850 spans Eastern and Central: 08:30 Eastern is 07:30 Central → defer to 08:00 Central.
check 5 --number 8502345678 --at 2026-12-01T08:30:00-05:00 --purpose political --mode preview --line-type landline
[[ $(field .until) == 2026-12-01T14:00:00.000Z ]] || fail "850 until: $OUT"

# The list's time zone is one more candidate: 10:00 New York is 07:00 in Los Angeles → defer to 08:00 there.
check 0 --number +12125550123 --at 2026-12-01T10:00:00-05:00 --purpose political --mode preview --line-type landline
check 5 --number +12125550123 --at 2026-12-01T10:00:00-05:00 --purpose political --mode preview --line-type landline --timezone America/Los_Angeles
[[ $(field .until) == 2026-12-01T16:00:00.000Z ]] || fail "list zone until: $OUT"
[[ $(field '.locations|index("America/Los_Angeles")') != null ]] || fail "list zone not among the locations: $OUT"
check 5 --number +12125550123 --at 2026-12-01T12:00:00-05:00 --purpose political --mode preview --timezone Eastern
[[ $(field .verdict) == deny && $(field '.rules|index("P0")') != null ]] || fail "unknown zone: $OUT"

# R11: wireless + predictive without consent → deny, route to human-initiated.
check 5 --number +12125550123 --at 2026-12-01T12:00:00-05:00 --purpose political --mode predictive --line-type wireless --consent none
[[ $(field .verdict) == deny && $(field .route_to_mode) == human_initiated ]] || fail "R11: $OUT"
check 0 --number +12125550123 --at 2026-12-01T12:00:00-05:00 --purpose political --mode predictive --line-type wireless --consent express
[[ $(field .verdict) == allow ]] || fail "R11 consent: $OUT"

# No location (toll-free) → fail closed.
check 5 --number +18005550100 --at 2026-12-01T12:00:00-05:00 --purpose political --mode preview --line-type landline
[[ $(field .verdict) == deny ]] || fail "no location: $OUT"
# …unless the contact's ZIP places it.
check 0 --number +18005550100 --at 2026-12-01T12:00:00-05:00 --purpose political --mode preview --line-type landline --zip 10001
# Impossible state → deny.
check 5 --number +12125550123 --at 2026-12-01T12:00:00-05:00 --purpose political --mode preview --state ZZ
[[ $(field .verdict) == deny ]] || fail "bad state: $OUT"

# R8: commercial without a registry copy → deny (fail closed).
check 5 --number +12125550123 --at 2026-12-01T12:00:00-05:00 --purpose commercial --mode preview --line-type landline
[[ $(field '.rules|index("R8")') != null ]] || fail "R8: $OUT"

# Bad input is a usage error, not a verdict.
set +e
"$CL" check --number +12125550123 --at 2026-12-01T12:00:00 --purpose political --mode preview --data-dir "$D" --json >/dev/null 2>&1
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "--at without offset should exit 2, got $rc"

# The decision was stored.
n=$(sqlite3 "$D/clearline.db" "SELECT COUNT(*) FROM authorizations")
[[ $n -ge 8 ]] || fail "authorizations stored: $n"
echo OK
