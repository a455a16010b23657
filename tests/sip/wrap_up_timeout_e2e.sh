#!/usr/bin/env bash
# A wrap-up without a disposition, over real SIP: `clearline dialer run` with
# [sip] wrap_up_max_s = 2 + clearline-carrier (people who talk 1.5 s) + one
# caller bot whose phone never keys a disposition digit: after each customer
# it keys '*' instead (--dispo-key '*'), and again every 4 s while idle.
#   - '*' during wrap-up does nothing (it is not a disposition);
#   - 2 s into wrap-up the dialer dispositions the call wrap_up_timeout (the
#     time stored as wrapped_at) and pauses the caller with that reason;
#   - '*' on the paused phone makes the caller ready again, and the next
#     customer comes: so more than one call, each ended the same way.
# Checks: at least two calls bridged and closed by the limit, each wrap-up
# lasting the limit (2–3.5 s: the dialer ticks), no digit disposition
# counted, and their contacts final (no recycle rule names wrap_up_timeout).
# Usage: wrap_up_timeout_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-wrapmax

setup_campaign "$CL" "$D" 4 never progressive
printf '[sip]\nwrap_up_max_s = 2\n' > "$D/clearline.toml"
pick_sip_ports
printf 'caller1:pw1\n' > "$W/callers.txt"
start_carrier_people "$BIN" "$TP" 4 --p-early-media 0 --ring-min-ms 200 --ring-max-ms 400 \
  --talk-mean-ms 1500 --talk-min-ms 1500
"$BIN/clearline-agentbot" --registrar 127.0.0.1:$SP --count 1 --prefix caller --start 1 --password pw1 \
  --talk-mean-ms 600000 --talk-min-ms 600000 --wrap-ms 300 --dispo-key '*' --seed 1 > "$W/bot1.log" 2>&1 &
PIDS+=($!)
"$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
  --sip-listen 127.0.0.1:$SP --pacer progressive --minutes 0.4 --clock-offset-s "$CLOCK_OFFSET_S" \
  > "$W/summary.json" 2> "$W/dialer.log" || fail "dialer failed"
S="$W/summary.json"
echo "dialer: $(jq -c '{calls_placed,calls_bridged,dispositions,write_errors,callers}' "$S")"

[[ $(jq .write_errors "$S") == 0 ]] || fail "write errors: $(jq .write_errors "$S")"
bridged=$(q "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL")
[[ $bridged -ge 2 ]] || fail "only $bridged calls bridged: '*' did not make the paused caller ready again"
[[ $(jq .dispositions "$S") == 0 ]] || fail "a digit disposition was counted: $(jq .dispositions "$S")"
# Every bridged call that ended before the run did was closed by the limit, 2–3.5 s after its end.
bad=$(q "SELECT id || ':' || COALESCE(disposition, '-') || ':' || COALESCE(wrapped_at - ended_at, -1) FROM calls
         WHERE bridged_at IS NOT NULL AND ended_at IS NOT NULL AND wrapped_at IS NOT NULL
           AND (disposition <> 'wrap_up_timeout' OR wrapped_at - ended_at < 2000 OR wrapped_at - ended_at > 3500)" | paste -sd,)
[[ -z $bad ]] || fail "calls (id:disposition:wrap ms) not closed by the 2 s limit: $bad"
timed_out=$(q "SELECT COUNT(*) FROM calls WHERE disposition = 'wrap_up_timeout'")
[[ $timed_out -ge 2 ]] || fail "only $timed_out calls closed by the limit: $(q "SELECT id, disposition, ended_at, wrapped_at FROM calls")"
# Their contacts are final: the campaign's recycle rules do not name wrap_up_timeout.
[[ $(q "SELECT COUNT(*) FROM contacts WHERE last_disposition = 'wrap_up_timeout' AND status = 'done'") == "$timed_out" ]] \
  || fail "contacts: $(q "SELECT id, status, last_disposition FROM contacts")"
echo "wrap-up limit ok: $bridged calls bridged, $timed_out closed by the 2 s limit, the caller resumed with '*' each time"
