#!/usr/bin/env bash
# A campaign manager creates a campaign, walks its lifecycle, and the audit
# chain records and verifies every step; illegal moves are refused with exit 5.
source "$(dirname "$0")/lib.sh"

run_expect 0 "$CL" campaign create --name "Get out the vote" --purpose political --dial-mode predictive \
  --caller-id +12025550123 --json
id=$(jq -r .id <<<"$OUT")
expect_eq "$(jq -r .state <<<"$OUT")" draft "new campaign state"
expect_eq "$(jq -r .dial_mode <<<"$OUT")" predictive "dial mode"

run_expect 2 "$CL" campaign create --name X --purpose lobbying --json
expect_eq "$(jq -r .error.field <<<"$OUT")" purpose "bad purpose names its field"
expect_contains "$ERR" "political" "error lists the accepted purposes"

run_expect 0 "$CL" campaign activate "$id" --json
expect_eq "$(jq -r .state <<<"$OUT")" active "after activate"
[[ $ERR != *"no caller ID"* ]] || fail "a campaign with a caller ID is warned about it: $ERR"
run_expect 0 "$CL" campaign pause "$id" --json

cat >"$WORK/settings.json" <<'JSON'
{"script": {"text": "Hi {first_name}", "questions": [{"key": "support", "text": "Support?", "choices": ["yes","no"]}]},
 "schedule": {"start": "10:00", "end": "19:30"}}
JSON
run_expect 0 "$CL" campaign update "$id" --settings "$WORK/settings.json" --json
expect_eq "$(jq -r .schedule.start <<<"$OUT")" "10:00" "schedule updated"
echo '{"schedule": {"start": "31:00"}}' >"$WORK/bad.json"
run_expect 2 "$CL" campaign update "$id" --settings "$WORK/bad.json" --json
expect_eq "$(jq -r .error.field <<<"$OUT")" schedule.start "bad schedule names its field"
echo '{"jurisdictions": ["US", "FR"]}' >"$WORK/fr.json"
run_expect 2 "$CL" campaign update "$id" --settings "$WORK/fr.json" --json
expect_eq "$(jq -r .error.field <<<"$OUT")" jurisdictions "a jurisdiction without rules names its field"
run_expect 0 "$CL" campaign show "$id" --json
expect_eq "$(jq -r .schedule.start <<<"$OUT")" "10:00" "failed update changed nothing"

run_expect 0 "$CL" campaign finish "$id" --json
run_expect 5 "$CL" campaign resume "$id" --json
expect_eq "$(jq -r .error.code <<<"$OUT")" failed_precondition "illegal transition code"
expect_contains "$ERR" "finished campaign cannot resume" "illegal transition message"
# A finished campaign's settings are its record: not changed afterwards.
run_expect 5 "$CL" campaign update "$id" --settings "$WORK/settings.json" --json
expect_contains "$ERR" "finished campaign cannot be changed" "an update after finishing"

run_expect 3 "$CL" campaign show 999 --json

run_expect 0 "$CL" audit verify --json
expect_eq "$(jq -r .ok <<<"$OUT")" true "audit ok"
# organisation.create, campaign.create, 3 state changes, 1 update
expect_eq "$(jq -r .events <<<"$OUT")" 6 "audit event count"
echo "PASS campaign_lifecycle"
