#!/usr/bin/env bash
# API benchmarks (docs/bench/api.md): push latency at N WebSocket consoles,
# wrk on the hot read endpoints, and the loop latency histogram with and
# without API load. Usage: bench/api/run.sh [CLEARLINE_BIN] [N_CONSOLES]
# Build first: cmake --preset release && ninja -C build/release clearline
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/release/src/cli/clearline}
N=${2:-1000}
D=$(mktemp -d /tmp/clearline-bench.XXXXXX)
PID=""
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$D"; }
trap cleanup EXIT
ulimit -n 8192 || true
cat > "$D/clearline.toml" <<'TOML'
[log]
level = "warn"
[server]
argon2_t_cost = 1
argon2_m_kib = 1024
rate_limit_per_second = 0.0
login_per_minute = 100000
TOML
echo 'bench-password' | "$BIN" user create --name admin --role administrator --password-stdin --data-dir "$D" >/dev/null
TOKEN=$("$BIN" user token --name admin --data-dir "$D")
"$BIN" serve --data-dir "$D" --listen 127.0.0.1:0 >"$D/serve.out" 2>"$D/serve.log" &
PID=$!
for _ in $(seq 100); do grep -q "listening on" "$D/serve.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/.*listening on \(http[^ ]*\)/\1/p' "$D/serve.out"); URL=${URL%/}
A=(-s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json')
CID=$(curl "${A[@]}" -d '{"name":"Bench","purpose":"political"}' "$URL/api/v1/campaigns" | jq -r .id)
curl "${A[@]}" -d '{"event":"activate"}' "$URL/api/v1/campaigns/$CID/state" >/dev/null
for i in $(seq 1 200); do curl "${A[@]}" -d "{\"first_name\":\"F$i\",\"phone\":\"+1202555$(printf %04d $i)\"}" "$URL/api/v1/campaigns/$CID/contacts" >/dev/null; done

# Loop latency over an interval: the difference of two snapshots of the
# clearline_loop_latency_seconds buckets, as p50/p99 upper bounds.
snap() { curl -s "$URL/metrics" | awk -F'[{}" ]+' '/^clearline_loop_latency_seconds_bucket/ {print $3, $NF}' > "$D/$1"; }
loop_quantiles() {  # loop_quantiles BEFORE AFTER
  paste "$D/$1" "$D/$2" | awk '{le[n]=$1; c[n]=$4-$2; n++} END {total=c[n-1]; p50="";p99=""; for(i=0;i<n;i++){ if(p50=="" && c[i]>=0.5*total) p50=le[i]; if(p99=="" && c[i]>=0.99*total) p99=le[i]} print "samples=" total, "p50<=" p50 "s", "p99<=" p99 "s"}'
}
snap s0; sleep 10; snap s1
echo "## loop latency, idle 10 s: $(loop_quantiles s0 s1)"

# N caller accounts and their tokens (via the API: cheap Argon2 parameters above).
: > "$D/tokens"
# (xargs, not `&` + `wait`: a bare `wait` would also wait for the daemon.)
export URL TOKEN
seq 1 "$N" | xargs -P8 -I{} sh -c 'curl -s -H "Authorization: Bearer $TOKEN" -H "content-type: application/json" \
  -d "{\"name\":\"c{}\",\"role\":\"caller\",\"entity_id\":\"site-1\",\"password\":\"bench-password\"}" "$URL/api/v1/users" >/dev/null'
"$BIN" user list --json --data-dir "$D" >/dev/null
export BIN D
seq 1 "$N" | xargs -P4 -I{} bash -c 'echo "c{} $("$BIN" user token --name "c{}" --data-dir "$D")"' > "$D/tokens"

echo "## push latency, $N consoles"
snap s2
CAMPAIGN=$CID node --experimental-websocket bench/api/ws_load.mjs "$URL" "$D/tokens" "$N" 20
snap s3
echo "## loop latency during push load: $(loop_quantiles s2 s3)"

snap s4
echo "## wrk: GET /api/v1/campaigns/$CID (hot read, token auth)"
wrk -t2 -c64 -d15s --latency -H "Authorization: Bearer $TOKEN" "$URL/api/v1/campaigns/$CID" | sed -n '1,20p'
echo "## wrk: GET /api/v1/campaigns/$CID/contacts?limit=50"
wrk -t2 -c64 -d15s --latency -H "Authorization: Bearer $TOKEN" "$URL/api/v1/campaigns/$CID/contacts?limit=50" | sed -n '1,20p'
echo "## wrk: GET /healthz"
wrk -t2 -c64 -d10s --latency "$URL/healthz" | sed -n '1,20p'
snap s5
echo "## loop latency during wrk load: $(loop_quantiles s4 s5)"
