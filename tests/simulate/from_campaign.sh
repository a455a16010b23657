#!/usr/bin/env bash
# clearline simulate --from-campaign (issue 5 §6): the demo dials its campaign
# over real SIP on loopback; a scenario is then fitted to those calls from the
# store, written out, and run. The fitted outcome shares and the callers'
# wrap-up times match the store's own, the written file runs to the same
# numbers, and bad requests name what is wrong.
# Usage: from_campaign.sh CLEARLINE_BIN
set -euo pipefail
CL=$1
W=$(mktemp -d /tmp/cl-from-campaign.XXXXXX)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$W"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
D="$W/data"
"$CL" demo --headless --minutes 0.8 --rows 300 --data-dir "$D" --json > "$W/demo.json" 2> "$W/demo.err" \
  || fail "demo failed: $(tail -5 "$W/demo.err")"
q() { sqlite3 -batch -noheader "$D/clearline.db" "$1"; }
CAMP=$(jq -r '.campaign.id // .campaign' "$W/demo.json")
[[ $CAMP =~ ^[0-9]+$ ]] || fail "no campaign id in the demo's summary: $(jq -c .campaign "$W/demo.json")"
# The calls a scenario is fitted to, counted here from the store directly.
USABLE="campaign_id=$CAMP AND dial_mode IN ('progressive','predictive') AND dialed_at IS NOT NULL
        AND ended_at IS NOT NULL AND ended_at >= dialed_at AND COALESCE(hangup_cause,'') != 'system_restart'
        AND (answered_at IS NOT NULL OR disposition IN ('no_answer','busy','failed'))"
N=$(q "SELECT COUNT(*) FROM calls WHERE $USABLE")
PEOPLE=$(q "SELECT COUNT(*) FROM calls WHERE $USABLE AND answered_at IS NOT NULL
            AND COALESCE(answered_by,'') != 'machine' AND COALESCE(disposition,'') != 'machine'")
echo "demo: $N usable calls, $PEOPLE answered by people"
[[ $N -ge 30 && $PEOPLE -ge 5 ]] || fail "the demo dialled too little to fit a scenario ($N calls, $PEOPLE people)"

"$CL" simulate --from-campaign "$CAMP" --data-dir "$D" --pacer progressive,clearline --seeds 3 --hours 1 \
  --callers 4 --write-scenario "$W/fitted.toml" --json > "$W/run.json" || fail "simulate --from-campaign"
jq -e --arg n "campaign-$CAMP-history" '.scenario == $n and (.runs | length == 2)' "$W/run.json" > /dev/null \
  || fail "runs: $(head -c 400 "$W/run.json")"
for f in occupancy talk_utilisation abandonment worst_window_abandonment contacts_per_agent_hour; do
  jq -e --arg f "$f" '.runs[] | .[$f].mean | type == "number"' "$W/run.json" > /dev/null || fail "field $f"
done
jq -e '.runs[0].occupancy.mean > 0 and .runs[0].contacts_per_agent_hour.mean > 0' "$W/run.json" > /dev/null \
  || fail "progressive made no contact on the fitted scenario"
# The fitted file: the store's share of people, its callers option, and it runs to the same numbers.
grep -q "^agents = 4" "$W/fitted.toml" || fail "--callers not in the scenario"
human=$(sed -n 's/^human = \([0-9.]*\).*/\1/p' "$W/fitted.toml")
awk -v h="$human" -v p="$PEOPLE" -v n="$N" 'BEGIN { d = h - p / n; exit !(d < 1e-6 && d > -1e-6) }' \
  || fail "human share $human, the store says $PEOPLE of $N"
grep -q "autodialled calls" "$W/fitted.toml" || fail "no provenance comment"
# Wrap-up: the time from each person's call end to its caller's disposition (calls.wrapped_at).
read -r WRAPS WRAP_MEAN < <(q "SELECT COUNT(*), ROUND(AVG(wrapped_at - ended_at) / 1000.0, 3) FROM calls WHERE $USABLE
  AND bridged_at IS NOT NULL AND ended_at >= bridged_at AND wrapped_at >= ended_at AND answered_at IS NOT NULL
  AND COALESCE(answered_by,'') != 'machine' AND COALESCE(disposition,'') != 'machine'" | tr '|' ' ')
[[ $WRAPS -ge 5 ]] || fail "only $WRAPS people's calls with a wrap-up time in the store"
wrap_line=$(grep '^wrap = ' "$W/fitted.toml")
[[ $wrap_line == *"# $WRAPS calls" ]] || fail "wrap-up not fitted to the store's $WRAPS calls: $wrap_line"
wrap_mean=$(sed -n 's/^wrap = .*mean = \([0-9.]*\).*/\1/p; s/^wrap = \([0-9.]*\) .*/\1/p' "$W/fitted.toml")
awk -v a="$wrap_mean" -v b="$WRAP_MEAN" 'BEGIN { d = a - b; exit !(d < 0.002 && d > -0.002) }' \
  || fail "fitted wrap-up mean $wrap_mean s, the store's $WRAP_MEAN s"
echo "wrap-up: $WRAPS calls, mean $WRAP_MEAN s: $wrap_line"
"$CL" simulate --scenario "$W/fitted.toml" --pacer progressive,clearline --seeds 3 --json > "$W/again.json"
[[ "$(jq -c '.runs' "$W/run.json")" == "$(jq -c '.runs' "$W/again.json")" ]] || fail "the written scenario runs differently"
# Table output names the fitted scenario.
"$CL" simulate --from-campaign "$CAMP" --data-dir "$D" --pacer progressive --seeds 1 | grep -q "campaign-$CAMP-history" \
  || fail "table"

# Errors: an unknown campaign (not found), both sources (usage), a campaign with no calls.
set +e
"$CL" simulate --from-campaign 99999 --data-dir "$D" --pacer progressive --json > "$W/e1.json" 2>/dev/null; rc1=$?
"$CL" simulate --from-campaign "$CAMP" --scenario "$W/fitted.toml" --data-dir "$D" --pacer progressive --json \
  > "$W/e2.json" 2>/dev/null; rc2=$?
set -e
[[ $rc1 -eq 3 ]] || fail "unknown campaign: exit $rc1 $(cat "$W/e1.json")"
[[ $rc2 -eq 2 ]] || fail "both sources: exit $rc2"
jq -e '.error.message | test("one of them")' "$W/e2.json" > /dev/null || fail "both sources message"
NEW=$("$CL" campaign create --name "Fresh" --purpose political --dial-mode predictive --data-dir "$D" --json | jq -r .id)
set +e
"$CL" simulate --from-campaign "$NEW" --data-dir "$D" --pacer progressive --json > "$W/e3.json" 2>/dev/null; rc3=$?
set -e
[[ $rc3 -eq 2 ]] || fail "empty history: exit $rc3"
jq -e '.error.message | test("0 dialled calls") and test("at least 30")' "$W/e3.json" > /dev/null \
  || fail "empty history message: $(cat "$W/e3.json")"
echo "from_campaign ok: $N calls, $PEOPLE people; fitted scenario runs"
