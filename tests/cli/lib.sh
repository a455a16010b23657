# Shared helpers for the CLI end-to-end tests. Source it; $CL is the binary.
set -euo pipefail
CL="$1"
WORK=$(mktemp -d /tmp/clearline-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
export CLEARLINE_DATA="$WORK/data"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_eq() { [[ "$1" == "$2" ]] || fail "$3: expected '$2', got '$1'"; }
expect_contains() { [[ "$1" == *"$2"* ]] || fail "$3: expected to contain '$2', got: $1"; }
# Runs a command expecting exit code $1; stdout in $OUT, stderr in $ERR.
run_expect() {
  local want=$1; shift
  set +e
  OUT=$("$@" 2>"$WORK/stderr"); local rc=$?
  set -e
  ERR=$(cat "$WORK/stderr")
  [[ $rc -eq $want ]] || fail "'$*' exited $rc, expected $want; stderr: $ERR"
}
