#!/usr/bin/env bash
# clearline simulate: --list-pacers, a JSON run with the promised fields, tuning,
# table output, and errors with their exit codes.
set -euo pipefail
BIN=$1
SCEN=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

$BIN simulate --list-pacers --json > "$T/list.json"
for p in progressive fixed-ratio erlang vicidial-hard-limit vicidial-tapered vicidial-average aimd impact cmdp clearline oracle; do
  jq -e --arg p "$p" '.pacers | map(.name) | index($p) != null' "$T/list.json" > /dev/null || fail "pacer $p not listed"
done
$BIN simulate --list-pacers | grep -q '^clearline' || fail "table list"

# A short Markov scenario so the test stays fast.
sed -e 's/^shift_hours = .*/shift_hours = 1/' "$SCEN/markov-10.toml" > "$T/m10.toml"
$BIN simulate --scenario "$T/m10.toml" --pacer progressive,clearline --seeds 3 --json > "$T/run.json"
jq -e '.runs | length == 2' "$T/run.json" > /dev/null || fail "two runs"
for f in occupancy talk_utilisation abandonment worst_window_abandonment contacts_per_agent_hour machines_per_agent_hour; do
  jq -e --arg f "$f" '.runs[] | .[$f] | (.mean | type == "number") and (.ci95_low <= .mean) and (.ci95_high >= .mean)' \
    "$T/run.json" > /dev/null || fail "field $f"
done
# Progressive never abandons with zero grace and sits near 32 % occupancy.
jq -e '.runs[0].pacer == "progressive" and .runs[0].abandonment.mean == 0 and .runs[0].occupancy.mean > 25 and .runs[0].occupancy.mean < 40' \
  "$T/run.json" > /dev/null || fail "progressive numbers: $(jq -c '.runs[0].occupancy' "$T/run.json")"
# The predictive pacer keeps callers busier than progressive.
jq -e '.runs[1].occupancy.mean > .runs[0].occupancy.mean + 10' "$T/run.json" > /dev/null || fail "clearline not ahead"
# A tunable pacer run at its default knob says which knob that is, and that
# knob given back reproduces the run; progressive has none. The cap is stated.
jq -e '.cap_pct == 3 and .runs[0].default_knob == null and .runs[1].knob == null and (.runs[1].default_knob | type == "number")' \
  "$T/run.json" > /dev/null || fail "default knob: $(jq -c '{cap_pct, runs: [.runs[] | {pacer, knob, default_knob}]}' "$T/run.json")"
k=$(jq -r '.runs[1].default_knob' "$T/run.json")
$BIN simulate --scenario "$T/m10.toml" --pacer clearline --knob "$k" --seeds 3 --json > "$T/knob.json"
[[ $(jq '.runs[0].occupancy.mean' "$T/knob.json") == $(jq '.runs[1].occupancy.mean' "$T/run.json") ]] \
  || fail "--knob $k (the default) does not reproduce the default run"
$BIN simulate --scenario "$T/m10.toml" --pacer clearline --seeds 1 | grep -q "^clearline  *$k\*" \
  || fail "the table marks the default knob"

# Machines callers heard: none in the Markov model; without AMD, every machine
# that answers (28 % of dials against 8 % people on small-bank-noamd).
jq -e '.runs[0].machines_per_agent_hour.mean == 0' "$T/run.json" > /dev/null || fail "machines in a Markov run"
sed -e 's/^shift_hours = .*/shift_hours = 1/' "$SCEN/small-bank-noamd.toml" > "$T/noamd.toml"
$BIN simulate --scenario "$T/noamd.toml" --pacer progressive --seeds 2 --json > "$T/noamd.json"
jq -e '.runs[0].machines_per_agent_hour.mean > 2 * .runs[0].contacts_per_agent_hour.mean' "$T/noamd.json" > /dev/null \
  || fail "machines heard without AMD: $(jq -c '.runs[0] | {machines_per_agent_hour, contacts_per_agent_hour}' "$T/noamd.json")"
$BIN simulate --scenario "$T/noamd.toml" --pacer progressive --seeds 1 > "$T/noamd.txt"
grep -q 'machines/h' "$T/noamd.txt" || fail "machines/h column"
# Dials per contact (what a ring cut costs the list): the text table's column is the JSON's mean.
want=$(jq -r '.runs[0].dials_per_contact.mean' "$T/noamd.json")
grep -q 'dials/contact' "$T/noamd.txt" || fail "dials/contact column"
got=$($BIN simulate --scenario "$T/noamd.toml" --pacer progressive --seeds 2 | awk '$1 == "progressive" {print $(NF-2)}')
[[ "$(printf '%.1f' "$got")" == "$(printf '%.1f' "$want")" ]] || fail "dials/contact $got, JSON says $want"

# Tuning to a target abandonment reports the tuning and the knob.
$BIN simulate --scenario "$T/m10.toml" --pacer fixed-ratio --seeds 2 --target-abandonment 3 \
  --tune-seeds 2 --tune-iterations 3 --json > "$T/tuned.json"
jq -e '.runs[0].knob | type == "number"' "$T/tuned.json" > /dev/null || fail "tuned knob"
jq -e '.runs[0].tuning.target_pct == 3' "$T/tuned.json" > /dev/null || fail "tuning block"

# Table output.
$BIN simulate --scenario "$T/m10.toml" --pacer progressive --seeds 2 | grep -q 'progressive' || fail "table"

# One knob, chosen seeds, each replication: --knob, --first-seed, --per-seed.
$BIN simulate --scenario "$T/m10.toml" --pacer fixed-ratio --knob 20 --first-seed 5 --seeds 2 \
  --per-seed --json > "$T/seeds.json"
jq -e '.first_seed == 5 and .runs[0].knob == 20 and (.runs[0].replications | map(.seed)) == [5, 6]' \
  "$T/seeds.json" > /dev/null || fail "per-seed runs: $(jq -c '.runs[0] | {knob, replications}' "$T/seeds.json")"
# The replications are the ones averaged, and the over-cap count is theirs.
jq -e '.runs[0] | ((.replications | map(.abandonment) | add / 2) - .abandonment.mean | fabs) < 1e-9' \
  "$T/seeds.json" > /dev/null || fail "replications do not average to the mean"
jq -e '.runs[0] | (.replications | map(select(.over_cap)) | length) == .replications_over_cap and .replications_over_cap == 2' \
  "$T/seeds.json" > /dev/null || fail "over-cap replications: $(jq -c '.runs[0].replications' "$T/seeds.json")"
# A seed run alone gives the same replication.
$BIN simulate --scenario "$T/m10.toml" --pacer fixed-ratio --knob 20 --first-seed 6 --seeds 1 \
  --per-seed --json > "$T/seed6.json"
jq -e --slurpfile all "$T/seeds.json" '.runs[0].replications[0] == $all[0].runs[0].replications[1]' \
  "$T/seed6.json" > /dev/null || fail "seed 6 alone differs"
# The table names the replications over the cap, with the abandons behind them.
$BIN simulate --scenario "$T/m10.toml" --pacer fixed-ratio --knob 20 --first-seed 5 --seeds 2 --per-seed \
  | grep -q '^fixed-ratio seed 6: worst window .* abandoned by pacing' || fail "per-seed table line"
$BIN simulate --scenario "$T/m10.toml" --pacer progressive --seeds 1 --per-seed \
  | grep -q '^progressive: no replication over the cap' || fail "per-seed table, none over the cap"
# --knob errors name the field: a pacer without a knob, a knob out of range, both ways of choosing.
for args in "--pacer progressive --knob 1" "--pacer oracle --knob 1" "--pacer fixed-ratio --knob 1000" \
            "--pacer fixed-ratio --knob 2 --target-abandonment 3" "--pacer progressive --first-seed 0"; do
  set +e
  # shellcheck disable=SC2086
  $BIN simulate --scenario "$T/m10.toml" $args --seeds 1 --json > "$T/kerr.json" 2>/dev/null
  rc=$?
  set -e
  [ "$rc" -ne 0 ] || fail "accepted: $args"
  jq -e '.error.field == "knob" or .error.field == "first_seed"' "$T/kerr.json" > /dev/null \
    || fail "$args: $(cat "$T/kerr.json")"
done

# Errors: unknown pacer, missing scenario, bad scenario key.
set +e
$BIN simulate --scenario "$T/m10.toml" --pacer nope --seeds 1 --json > "$T/err.json" 2>/dev/null
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "unknown pacer accepted"
jq -e '.error.message | test("unknown pacer")' "$T/err.json" > /dev/null || fail "unknown pacer message"
printf 'name = "x"\nagnets = 3\n' > "$T/bad.toml"
set +e
$BIN simulate --scenario "$T/bad.toml" --pacer progressive --json > "$T/err2.json" 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 2 ] || [ "$rc" -eq 1 ] || fail "bad scenario exit $rc"
jq -e '.error.message | test("agnets")' "$T/err2.json" > /dev/null || fail "bad key not named"
echo "simulate_cli ok"
