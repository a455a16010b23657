#!/usr/bin/env bash
# The "customer gone" tone, over real SIP: `clearline dialer run` +
# clearline-carrier (people who hang up after 1.5 s) + two caller bots that
# would talk for ten minutes, so every conversation is ended by the customer.
#   A. default ([sip] customer_gone_tone = true): each time a bridged customer
#      hangs up, the caller's phone hears three 1200 Hz beeps. The bots
#      recognise the tone (Goertzel, agentbot_main.cc): they stop talking and
#      key their disposition at once, and never take it for a new customer.
#      Checks: tones played = calls bridged (every one ended by its customer)
#      = tones the bots heard; the bots' customers = calls bridged; every
#      call got the bots' disposition ('2', not_interested).
#   B. the same with customer_gone_tone = false: no tone played, none heard;
#      the bots notice the silence instead (and still dispose every call).
#   C. tone on, but customers who would talk for ten minutes and bots that
#      hang up after 1 s ('#'): the caller ended every call, so no tone. These
#      bots key '4' (answering machine): every call's disposition is machine.
# Usage: customer_gone_e2e.sh CLEARLINE_BIN SIP_BIN_DIR
set -euo pipefail
CL=$1; BIN=$2
source "$(dirname "$0")/campaign_setup.sh"
sip_test_workdir cl-sip-gone

run_phase() {  # run_phase NAME TONE(true|false) CUSTOMER_TALK_MS CALLER_TALK_MS [KEY DISPOSITION]
  local name=$1 tone=$2 customer_ms=$3 caller_ms=$4 key=${5:-2} dispo=${6:-not_interested}
  rm -rf "$D"; mkdir -p "$D"
  setup_campaign "$CL" "$D" 6 never progressive
  printf '[sip]\ncustomer_gone_tone = %s\n' "$tone" > "$D/clearline.toml"
  pick_sip_ports
  printf 'caller1:pw1\ncaller2:pw2\n' > "$W/callers.txt"
  start_carrier_people "$BIN" "$TP" 4 --p-early-media 0 --ring-min-ms 200 --ring-max-ms 400 \
    --talk-mean-ms "$customer_ms" --talk-min-ms "$customer_ms"
  start_bots "$BIN" "$SP" "$name" 2 --talk-mean-ms "$caller_ms" --talk-min-ms "$caller_ms" --wrap-ms 300 --dispo-key "$key"
  "$CL" dialer run --data-dir "$D" --json --callers "$W/callers.txt" --trunk 127.0.0.1:$TP \
    --sip-listen 127.0.0.1:$SP --pacer progressive --until-idle --clock-offset-s "$CLOCK_OFFSET_S" \
    > "$W/summary-$name.json" 2> "$W/dialer-$name.log" || fail "$name: dialer failed"
  stop_bots
  kill -TERM "$CARRIER"; wait "$CARRIER" || true
  S="$W/summary-$name.json"
  echo "$name dialer: $(jq -c '{calls_placed,calls_bridged,abandoned,dispositions,customer_gone_tones}' "$S")"
  BRIDGED=$(q "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL")
  TONES=$(jq .customer_gone_tones "$S")
  HEARD=$(jq -s '[.[].bots[].tones_heard] | add' "$W/bot-$name-1.json" "$W/bot-$name-2.json")
  CUSTOMERS=$(jq -s '[.[].bots[].customers] | add' "$W/bot-$name-1.json" "$W/bot-$name-2.json")
  [[ $(jq .write_errors "$S") == 0 ]] || fail "$name: write errors"
  [[ $BRIDGED -ge 4 && $(jq .calls_bridged "$S") == "$BRIDGED" ]] \
    || fail "$name: $BRIDGED calls bridged in the store, summary $(jq .calls_bridged "$S")"
  [[ $CUSTOMERS == "$BRIDGED" ]] || fail "$name: the bots heard $CUSTOMERS customers for $BRIDGED bridged calls"
  # Every bridged call was dispositioned by its caller's digit ('2' = not_interested, '4' = machine).
  local undisposed
  undisposed=$(q "SELECT COUNT(*) FROM calls WHERE bridged_at IS NOT NULL
                  AND (wrapped_at IS NULL OR disposition IS NOT '$dispo')")
  WRAP_MS=$(q "SELECT CAST(AVG(wrapped_at - ended_at) AS INTEGER) FROM calls WHERE bridged_at IS NOT NULL")
  [[ $undisposed == 0 ]] || fail "$name: $undisposed bridged calls without the caller's disposition: $(q "SELECT id, disposition, wrapped_at FROM calls")"
}

run_phase A true 1500 600000
[[ $TONES == "$BRIDGED" ]] || fail "A: $TONES tones played for $BRIDGED calls ended by their customers"
[[ $HEARD == "$TONES" ]] || fail "A: the bots heard $HEARD tones of $TONES played"
echo "A ok: $BRIDGED calls, each customer's hang-up followed by the tone, heard by the bot ($HEARD); disposition $WRAP_MS ms after the hang-up on average"

run_phase B false 1500 600000
[[ $TONES == 0 && $HEARD == 0 ]] || fail "B: tone off, yet $TONES played and $HEARD heard"
echo "B ok: $BRIDGED calls, no tone played or heard; the bots noticed the silence (disposition $WRAP_MS ms after the hang-up on average)"

run_phase C true 600000 1000 4 machine
[[ $TONES == 0 && $HEARD == 0 ]] || fail "C: the callers ended every call ('#'), yet $TONES tones played and $HEARD heard"
machines=$(q "SELECT COUNT(*) FROM contacts WHERE last_disposition = 'machine'")
[[ $machines == "$BRIDGED" ]] || fail "C: $machines contacts with last disposition machine for $BRIDGED calls keyed '4'"
echo "C ok: $BRIDGED calls ended by their callers ('#'): no tone; each keyed '4', disposition machine"
