#!/usr/bin/env bash
# SIP benchmark (issue 6 "Speed"; results in docs/bench/sip.md): call setups per
# second and concurrent bridged calls with full media, with the load generator
# (clearline-carrier and clearline-agentbot) on the same machine as the code
# under test (clearline-sipcheck drives LibreTelephony, the dialer's SIP layer,
# without the campaign runtime). Everything runs on 127.0.0.1.
#
#   bench/sip/run.sh [BUILD_DIR] [OUT_DIR]
#   BUILD_DIR defaults to build/release (cmake --preset release &&
#   ninja -C build/release clearline-carrier clearline-agentbot clearline-sipcheck)
#   OUT_DIR defaults to docs/bench/sip: results.jsonl, report.md, cps.svg, concurrency.svg
#
# Environment: CPS_STEPS ("50 100 200 300 400"), CONC_STEPS ("100 250 500"),
# TALK_MS (20000, how long each bridged call stays up in the concurrency sweep).
#
# Baseline in the same run: the carrier simulator terminates the same calls and
# the same media streams as the code under test; its CPU per call is printed
# beside ours (ratio ours/carrier). VICIdial's documented ceiling (~125 lines
# per Asterisk server) is a published figure, not re-measured here.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build/release}
OUT=${2:-docs/bench/sip}
CPS_STEPS=${CPS_STEPS:-"50 100 200 300 400"}
CONC_STEPS=${CONC_STEPS:-"100 250 500"}
TALK_MS=${TALK_MS:-20000}
CARRIER=$B/src/sip/clearline-carrier
BOTS=$B/src/sip/clearline-agentbot
CHECK=$B/src/sip/clearline-sipcheck
for t in "$CARRIER" "$BOTS" "$CHECK"; do
  [[ -x $t ]] || { echo "bench/sip: $t missing; build it first (see the header of $0)" >&2; exit 2; }
done
mkdir -p "$OUT"
W=$(mktemp -d /tmp/clearline-sipbench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [[ -n ${KEEP:-} ]] || rm -rf "$W"; }
trap cleanup EXIT
ulimit -n 16384 2>/dev/null || ulimit -n 8192 || true
: > "$OUT/results.jsonl"
TICK=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$TICK" '{print int(($14+$15)*1000/t)}' "/proc/$1/stat"; }
# The trunk health check (OPTIONS) marks the trunk down after one late answer;
# with the load generator on the same 2 cores, give it 3 s so that a starved
# carrier process is not mistaken for a dead trunk (that is measured separately).
OPTS="--options-interval-ms 2000 --options-timeout-ms 3000"
CARRIER_PORT=25090
CHECK_PORT=25060

start_carrier() {  # start_carrier TALK_MS
  "$CARRIER" --listen 127.0.0.1:$CARRIER_PORT --truth "$W/truth.jsonl" --seed 1 \
    --p-human 1 --p-machine 0 --p-no-answer 0 --p-busy 0 --p-invalid 0 --p-congestion 0 \
    --ring-min-ms 0 --ring-max-ms 0 --talk-mean-ms "$1" --talk-min-ms "$1" 2>"$W/carrier.log" &
  CARRIER_PID=$!
  PIDS+=("$CARRIER_PID")
  sleep 0.5
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

echo "== call setups per second (carrier answers at once, hangs up after 1 s; no media bridge)"
for cps in $CPS_STEPS; do
  calls=$((cps * 4)); (( calls < 200 )) && calls=200
  rm -f "$W/truth.jsonl"
  start_carrier 1000
  c0=$(cpu_ms "$CARRIER_PID")
  "$CHECK" --trunk 127.0.0.1:$CARRIER_PORT --listen-port $CHECK_PORT --calls "$calls" --cps "$cps" \
    --never-bridge --no-safe-harbor-command --deadline-ms 60000 $OPTS >"$W/check.json" 2>"$W/check.log" || true
  c1=$(cpu_ms "$CARRIER_PID")
  stop "$CARRIER_PID"
  jq -c --argjson cps "$cps" --argjson ccpu "$((c1 - c0))" \
    --arg load "$(cut -d' ' -f1 /proc/loadavg)" '{sweep:"cps", offered_cps:$cps, carrier_cpu_ms:$ccpu, load_avg:($load|tonumber)} + .' "$W/check.json" >> "$OUT/results.jsonl"
  jq -r --argjson cps "$cps" '"offered \($cps)/s: placed \(.placed) answered \(.answered) in \(.answer_span_ms) ms, setup p50 \(.setup_ms_p50) p99 \(.setup_ms_p99) ms, causes \(.causes|tostring)"' "$W/check.json"
done

echo "== concurrent bridged calls with full media (talk ${TALK_MS} ms each)"
for n in $CONC_STEPS; do
  rm -f "$W/truth.jsonl" "$W/bots.json"
  start_carrier $((TALK_MS * 3))
  users=$(seq 1 "$n" | sed 's/^/caller/; s/$/:pw/' | paste -sd,)
  "$BOTS" --registrar 127.0.0.1:$CHECK_PORT --count "$n" --prefix caller --password pw --no-keys \
    --stats "$W/bots.json" 2>"$W/bots.log" &
  BOTS_PID=$!
  PIDS+=("$BOTS_PID")
  c0=$(cpu_ms "$CARRIER_PID"); b0=$(cpu_ms "$BOTS_PID")
  "$CHECK" --trunk 127.0.0.1:$CARRIER_PORT --listen-port $CHECK_PORT --callers "$users" \
    --wait-callers-ms 30000 --calls "$n" --cps 100 --talk-ms "$TALK_MS" \
    --deadline-ms $((TALK_MS + 60000)) $OPTS >"$W/check.json" 2>"$W/check.log" || true
  c1=$(cpu_ms "$CARRIER_PID"); b1=$(cpu_ms "$BOTS_PID")
  stop "$BOTS_PID"; stop "$CARRIER_PID"
  for _ in $(seq 50); do [[ -s $W/bots.json ]] && break; sleep 0.1; done
  bot_rx=$(jq '[.bots[].rtp_rx] | add // 0' "$W/bots.json" 2>/dev/null || echo 0)
  bot_tx=$(jq '[.bots[].rtp_tx] | add // 0' "$W/bots.json" 2>/dev/null || echo 0)
  car_rx=$(jq -s '[.[].rtp_rx] | add // 0' "$W/truth.jsonl" 2>/dev/null || echo 0)
  car_tx=$(jq -s '[.[].rtp_tx] | add // 0' "$W/truth.jsonl" 2>/dev/null || echo 0)
  jq -c --argjson n "$n" --argjson talk "$TALK_MS" --argjson ccpu "$((c1 - c0))" --argjson bcpu "$((b1 - b0))" \
    --argjson bot_rx "$bot_rx" --argjson bot_tx "$bot_tx" --argjson car_rx "$car_rx" --argjson car_tx "$car_tx" \
    --arg load "$(cut -d' ' -f1 /proc/loadavg)" '{sweep:"concurrency", load_avg:($load|tonumber), callers:$n, talk_ms:$talk, carrier_cpu_ms:$ccpu, bots_cpu_ms:$bcpu,
      bot_rtp_rx:$bot_rx, bot_rtp_tx:$bot_tx, carrier_rtp_rx:$car_rx, carrier_rtp_tx:$car_tx} + .' \
    "$W/check.json" >> "$OUT/results.jsonl"
  jq -r --argjson n "$n" '"\($n) callers: bridged \(.bridged), peak concurrent \(.peak_bridged), relayed to callers \(.rtp_relayed_to_caller) to customers \(.rtp_relayed_to_customer), cpu \(.cpu_user_ms + .cpu_sys_ms) ms, legs up \(.caller_legs_up) down \(.caller_legs_down), registrations \(.registrations), causes \(.causes|tostring)"' "$W/check.json"
done

node bench/sip/report.mjs "$OUT/results.jsonl" "$OUT"
echo "report: $OUT/report.md, plots: $OUT/cps.svg $OUT/concurrency.svg"
