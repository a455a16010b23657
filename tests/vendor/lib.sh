# Helpers for the vendor end-to-end tests. Source it; $CL is the binary, $SRC the repo.
set -euo pipefail
CL="$1"
SRC="$2"
EXAMPLE="$SRC/data/examples/2019-case.json"
WORK=$(mktemp -d /tmp/clearline-vendor.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export CLEARLINE_DATA="$WORK/data"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"; }
expect_contains() { [[ "$1" == *"$2"* ]] || fail "$3: expected to contain '$2', got: $1"; }
expect_not_contains() { [[ "$1" != *"$2"* ]] || fail "$3: expected NOT to contain '$2', got: $1"; }
# Runs a command expecting exit code $1; stdout in $OUT, stderr in $ERR.
run_expect() {
  local want=$1; shift
  set +e
  OUT=$("$@" 2>"$WORK/stderr"); local rc=$?
  set -e
  ERR=$(cat "$WORK/stderr")
  [[ $rc -eq $want ]] || fail "'$*' exited $rc, expected $want; stderr: $ERR; stdout: ${OUT:0:2000}"
}
# Gate ids that failed, comma-separated, from a `vendor gate --json` output.
failed_gates() { jq -r '[.gates[] | select(.passed | not) | .id] | join(",")' <<<"$1"; }
AT="2019-12-10T14:00:00-06:00"
setup_2019() {
  run_expect 0 "$CL" campaign create --name "GOTV 2019 (reconstruction)" --json
  expect_eq "$(jq -r .id <<<"$OUT")" "1" "campaign id"
  run_expect 0 "$CL" vendor import "$EXAMPLE" --json
  expect_eq "$(jq -r .ok <<<"$OUT")" "true" "import ok"
}
