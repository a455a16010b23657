#!/usr/bin/env bash
# Each dial rings for its own ring timeout at the edge (OriginateRequest::ring_timeout, which our
# pacer's ring cut shortens; docs/pacing.md "The ring cut"), and never less than the legal 15 s
# (R5). Against clearline-carrier on loopback, where nobody answers and the carrier would ring for
# 60 s: dials placed with a 17 s timeout end as no_answer after about 17 s, dials asked to ring
# 5 s end after about 15 s, and nothing is left open.
set -euo pipefail
BIN=$1
W=$(mktemp -d /tmp/cl-sip-ring.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Ports below the kernel's ephemeral range, free for UDP and TCP (stable_port).
source "$(dirname "$0")/campaign_setup.sh"
free_port() { stable_port; }

port=$(free_port)
"$BIN/clearline-carrier" --listen 127.0.0.1:$port --truth "$W/truth" --seed 5 \
  --p-human 0 --p-machine 0 --p-no-answer 1 --p-busy 0 --p-invalid 0 --p-congestion 0 \
  --no-answer-ms 60000 > "$W/carrier.log" 2>&1 &
PIDS+=($!)
sleep 0.3

# Two dialers at once (each its own SIP port), three dials each.
for ring in 17000 5000; do
  "$BIN/clearline-sipcheck" --trunk 127.0.0.1:$port --calls 3 --cps 10 --ring-ms $ring \
    --out "$W/calls-$ring" --deadline-ms 40000 > "$W/summary-$ring" 2> "$W/err-$ring" &
  PIDS+=($!)
done
for i in 1 2; do
  wait "${PIDS[$i]}" || fail "sipcheck failed: $(tail -5 "$W"/err-*)"
done

check() {  # ring-ms lo-ms hi-ms
  local ring=$1 lo=$2 hi=$3 s="$W/summary-$1"
  [[ $(jq .placed "$s") == 3 && $(jq .ended "$s") == 3 ]] || fail "ring $ring: not every call ended: $(cat "$s")"
  [[ $(jq .active_calls_after "$s") == 0 ]] || fail "ring $ring: sessions left open"
  local bad
  bad=$(jq -r --argjson lo "$lo" --argjson hi "$hi" \
    'select(.cause != "no_answer" or .duration_ms < $lo or .duration_ms > $hi)
     | "call \(.call): \(.cause) after \(.duration_ms) ms"' "$W/calls-$ring")
  [[ -z "$bad" ]] || fail "ring $ring: want no_answer after $lo–$hi ms: $bad"
  echo "ring $ring ms: $(jq -r '.duration_ms' "$W/calls-$ring" | paste -sd' ') ms"
}
# (The upper bounds allow for a loaded machine; a 17 s dial ending by the carrier's 60 s, or a
# 5 s dial cancelled before 15 s, is far outside them.)
check 17000 16900 20000
check 5000 14900 17000
echo "PASS: each dial rang its own timeout, never under 15 s"
