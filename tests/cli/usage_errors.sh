#!/usr/bin/env bash
# A user's mistakes on the command line are refused with exit 2 and a message
# that names the mistake (docs/cli.md, "Exit codes"): usage errors the parser
# finds (also as {"error": …} under --json), an unknown command, a pacer the
# dialer cannot run (it used to become progressive without a word), and
# simulate options out of their range or without the option they need.
source "$(dirname "$0")/lib.sh"

run_expect 2 "$CL"
expect_contains "$ERR" "subcommand is required" "no command"
run_expect 2 "$CL" campagin list
expect_contains "$ERR" "unknown command 'campagin'" "a misspelt command is named"
run_expect 2 "$CL" campaign list --bogus
expect_contains "$ERR" "--bogus" "an unknown flag is named"
run_expect 2 "$CL" campaign show abc --json
expect_eq "$(jq -r .error.code <<<"$OUT")" invalid_argument "a parse error under --json"
expect_contains "$(jq -r .error.message <<<"$OUT")" "abc" "the bad value is named"
run_expect 0 "$CL" --help
expect_contains "$OUT" "--data-dir" "help"

# A name that exists: refused (5), not an internal error.
run_expect 0 "$CL" user create --name ann --role administrator --password-stdin <<<"correct horse battery"
run_expect 5 "$CL" user create --name ann --role administrator --password-stdin --json <<<"correct horse battery"
expect_eq "$(jq -r .error.code <<<"$OUT")" already_exists "a duplicate user"

# The dialer refuses a pacer it cannot run before it opens anything.
run_expect 2 "$CL" dialer run --pacer clearlin --minutes 0.01 --json
expect_eq "$(jq -r .error.field <<<"$OUT")" pacing.pacer "unknown pacer names its setting"
expect_contains "$ERR" "clearline" "the known pacers are listed"
run_expect 2 "$CL" dialer run --pacer cmdp --minutes 0.01
expect_contains "$ERR" "not one the dialer runs" "the Markov-only policy is refused"

SC="$(dirname "$0")/../../data/scenarios/tiny-bank.toml"
sim() { run_expect 2 "$CL" simulate --scenario "$SC" --pacer clearline --seeds 1 "$@"; }
sim --knob -1
expect_contains "$ERR" "--knob must be" "a negative knob"
sim --knob 5
expect_contains "$ERR" "outside the range" "a knob above the range"
sim --target-abandonment -3
expect_contains "$ERR" "above 0" "a negative target"
sim --target-abandonment 300
expect_contains "$ERR" "above the scenario's cap" "a target above the cap"
sim --target-abandonment 2 --tune-seeds 0
expect_contains "$ERR" "--tune-seeds" "no tuning seeds"
sim --target-abandonment 2 --tune-iterations -1
expect_contains "$ERR" "--tune-iterations" "no bisection steps"
sim --callers 5
expect_contains "$ERR" "--from-campaign" "--callers needs a campaign"
printf 'phone\n2125550123\n' >"$WORK/one.csv"
run_expect 2 "$CL" import "$WORK/one.csv" --campaign 1 --batch-rows 0
expect_contains "$ERR" "--batch-rows" "a batch of no rows"
echo "usage errors: ok"
