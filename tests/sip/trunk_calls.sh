#!/usr/bin/env bash
# Trunk leg against clearline-carrier on loopback: every call ends with the
# cause the carrier's ground truth implies, over UDP and over TCP with digest
# auth; answered calls that were not bridged got the safe-harbor prompt and
# the carrier heard it; nothing is left open afterwards.
set -euo pipefail
BIN=$1
W=$(mktemp -d /tmp/cl-sip-trunk.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT
export TIMEFORMAT="%R s"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Ports below the kernel's ephemeral range, free for UDP and TCP (stable_port).
source "$(dirname "$0")/campaign_setup.sh"
free_port() { stable_port; }

run_case() {  # name transport extra-carrier-args extra-sipcheck-args
  local name=$1 tp=$2 cargs=$3 sargs=$4
  local port; port=$(free_port)
  "$BIN/clearline-carrier" --listen 127.0.0.1:$port --truth "$W/$name.truth" --seed 11 \
    --time-scale 0.05 --no-answer-ms 40000 --talk-mean-ms 30000 $cargs > "$W/$name.carrier.log" 2>&1 &
  local cp=$!; PIDS+=($cp)
  sleep 0.3
  "$BIN/clearline-sipcheck" --trunk 127.0.0.1:$port --transport "$tp" --calls 40 --cps 40 \
    --out "$W/$name.calls" --deadline-ms 60000 $sargs > "$W/$name.summary" 2> "$W/$name.err" \
    || fail "$name: sipcheck failed: $(cat "$W/$name.err" | tail -5)"
  kill -TERM $cp; wait $cp || true
  local s="$W/$name.summary"
  [[ $(jq .placed "$s") == 40 && $(jq .ended "$s") == 40 ]] || fail "$name: not every call ended: $(cat "$s")"
  [[ $(jq .duplicate_ends "$s") == 0 ]] || fail "$name: a call ended twice"
  [[ $(jq .active_calls_after "$s") == 0 ]] || fail "$name: sessions left open"
  [[ $(wc -l < "$W/$name.truth") == 40 ]] || fail "$name: carrier saw $(wc -l < "$W/$name.truth") calls, not 40"
  # Join on the call id: the domain cause must follow from the carrier's outcome.
  local bad
  bad=$(jq -n -r --slurpfile t "$W/$name.truth" --slurpfile c "$W/$name.calls" '
    ($t | map({key: .call, value: .}) | from_entries) as $truth
    | {busy: "busy", invalid: "invalid_number", congestion: "congestion", no_answer: "no_answer"} as $want
    | $c[] | . as $call | $truth[$call.call] as $g
    | if $g == null then "call \($call.call): carrier has no record"
      elif ($g.outcome == "human" or $g.outcome == "machine") then
        if ($call.cause != "normal" and $call.cause != "safe_harbor_done") then "call \($call.call) (\($g.outcome)) ended \($call.cause)"
        elif $g.rtp_tx == 0 then "call \($call.call): carrier sent no RTP"
        elif ($call.safe_harbor and $g.rtp_rx_voiced <= 10) then "call \($call.call): safe harbor not heard"
        else empty end
      elif $want[$g.outcome] != $call.cause then "call \($call.call) (\($g.outcome)) ended \($call.cause)"
      else empty end')
  [[ -z $bad ]] || fail "$name: $bad"
  echo "$name ok: $(jq -c .causes "$s") wall_ms=$(jq .wall_ms "$s")"
}

run_case udp udp "" ""
run_case tcp_auth tcp "--auth trunkuser:s3cret" "--trunk-user trunkuser --trunk-password s3cret"
# Wrong trunk password: every INVITE is refused after the challenge (407 -> error).
port=$(free_port)
"$BIN/clearline-carrier" --listen 127.0.0.1:$port --truth "$W/bad.truth" --auth trunkuser:s3cret > "$W/bad.log" 2>&1 &
cp=$!; PIDS+=($cp); sleep 0.3
"$BIN/clearline-sipcheck" --trunk 127.0.0.1:$port --calls 3 --cps 10 --trunk-user trunkuser \
  --trunk-password wrong --deadline-ms 20000 > "$W/bad.summary" 2>/dev/null || fail "bad auth: sipcheck failed"
kill -TERM $cp; wait $cp || true
[[ $(jq -r '.causes.error' "$W/bad.summary") == 3 ]] || fail "bad auth: $(cat "$W/bad.summary")"
echo "bad trunk credentials ok wall_ms=$(jq .wall_ms "$W/bad.summary")"
