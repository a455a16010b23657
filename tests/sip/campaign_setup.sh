# Shared by the SIP end-to-end tests (and tests/browser/run_sip.sh, run_trunk.sh):
# a scratch folder (sip_test_workdir), an active campaign (setup_campaign), a
# legal clock (legal_clock_offset), and `clearline serve` over SIP on loopback
# (pick_sip_ports, sip_serve_config, start_carrier_people, start_bots, start_serve, api_login,
# stop_serve).
#
# setup_campaign creates an active predictive campaign with N contacts (one landline phone each, New York numbers +1212555NNNN) in
# data dir D. Usage:
#   setup_campaign CLEARLINE_BIN DATA_DIR N RECORDING(never|all|on_demand) [DIAL_MODE]
# Sets CAMPAIGN_ID and CLOCK_OFFSET_S.
#
# The dialer authorizes every dial with the real compliance policy (calling
# windows included), so the tests must not depend on the hour they run at: the
# dialer runs with `--clock-offset-s` (loopback trunks only), its clock moved
# to the next weekday 10:00 New York time at which `clearline check` says this
# campaign may call a New York landline. Nothing in the policy is switched off.

# sip_test_workdir TAG: a scratch folder W (removed on exit unless KEEP is set)
# with the data dir D and its database DB; PIDS (children killed on exit),
# fail MSG (prints the logs in W, exits 1), free_port, q SQL (on DB).
sip_test_workdir() {
  # Defined here, not at file level: other scripts source this file after
  # defining their own cleanup/fail.
  cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; [[ -n ${KEEP:-} ]] || rm -rf "$W"; }
  fail() { echo "FAIL: $*" >&2; for f in "$W"/*.log; do echo "== $f"; tail -15 "$f"; done >&2; exit 1; }
  free_port() { stable_port; }
  q() { sqlite3 -batch -noheader "$DB" "$1"; }
  W=$(mktemp -d "/tmp/$1.XXXXXX")
  PIDS=()
  trap cleanup EXIT
  D="$W/data"; mkdir -p "$D"
  DB="$D/clearline.db"
}

# stable_port: a port for a process the test restarts on the same port (the
# dialer in kill_restart.sh, the carrier in tests/browser/run_trunk.sh), and
# for every carrier trunk and dialer SIP port a test picks before starting the
# process (sip_e2e_campaign once lost its carrier so, session 12: the dialer
# placed 300 calls into a port nobody listened on). A port
# from free_port is in the kernel's ephemeral range, so in the instant between
# a kill and the restart any other process (another test's RTP or SIP sockets:
# ctest runs several at once) may be given it, and the restarted process cannot
# bind — CI run 14 failed so ("dialer run 4 exited before the kill"). This port
# is below the ephemeral range (ip_local_port_range starts at 32768) and below
# [rtp] rtp_port_min (20000), and free for UDP and TCP when chosen. Every SIP
# test picks its ports so (free_port is stable_port since session 21: a
# kernel-assigned TCP port could be taken for UDP or TCP by another test's
# socket before the process bound it, as the demo's was in session 20).
stable_port() {
  python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randrange(10000, 19999)
    try:
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", p)); s.close()
        print(p); break
    except OSError:
        pass
else:
    raise SystemExit("no free port in 10000-19999")
PY
}

# pick_sip_ports: TP (the carrier's trunk port) and SP (the dialer's SIP port),
# two distinct stable ports.
pick_sip_ports() {
  TP=$(stable_port)
  SP=$(stable_port)
  [[ $SP != "$TP" ]] || SP=$(stable_port)
}

setup_campaign() {
  local cl=$1 d=$2 n=$3 rec=$4 mode=${5:-predictive}
  cat > "$d/settings.json" <<JSON
{"recording": "$rec", "recycle_rules": [{"disposition": "no_answer", "delay_minutes": 60, "max_attempts": 3},
 {"disposition": "busy", "delay_minutes": 30, "max_attempts": 3}, {"disposition": "network_error", "delay_minutes": 30, "max_attempts": 3},
 {"disposition": "abandoned", "delay_minutes": 1440, "max_attempts": 2}]}
JSON
  local id
  id=$("$cl" campaign create --data-dir "$d" --json --name "SIP e2e" --purpose political --dial-mode "$mode" \
        --caller-id +15550100000 --callback-number +15550100001 --settings "$d/settings.json" | jq .id)
  "$cl" campaign activate "$id" --data-dir "$d" > /dev/null
  local org; org=$(sqlite3 "$d/clearline.db" "SELECT org_id FROM campaigns WHERE id=$id")
  {
    echo "BEGIN;"
    echo "INSERT INTO contact_lists (id, campaign_id, name, created_at) VALUES (1, $id, 'e2e', 0);"
    for i in $(seq 1 "$n"); do
      echo "INSERT INTO contacts (id, campaign_id, list_id, first_name, source_line) VALUES ($i, $id, 1, 'C$i', $i);"
      echo "INSERT INTO phones (contact_id, campaign_id, org_id, e164, raw, label, line_type) VALUES ($i, $id, $org, '+1212555$(printf %04d "$i")', '$i', 'home', 'landline');"
    done
    echo "COMMIT;"
  } | sqlite3 "$d/clearline.db"
  CAMPAIGN_ID=$id
  CLOCK_OFFSET_S=$(legal_clock_offset "$cl" "$d" "$id" +12125550001)
}

# Seconds from now to the next weekday 10:00 America/New_York at which the
# policy allows campaign CAMPAIGN (or, when "", the default political profile)
# to dial NUMBER (a landline) predictively.
legal_clock_offset() {
  local cl=$1 d=$2 campaign=$3 number=$4 k day at t
  local camp=()
  [[ -z $campaign ]] || camp=(--campaign "$campaign")
  for k in $(seq 1 21); do
    day=$(TZ=America/New_York date -d "+$k day" +%F)
    [[ $(TZ=America/New_York date -d "$day" +%u) -le 5 ]] || continue
    t=$(TZ=America/New_York date -d "$day 10:00" +%s)
    at=$(TZ=America/New_York date -d "@$t" +%Y-%m-%dT%H:%M:%S%:z)
    if "$cl" check --number "$number" --at "$at" --purpose political --mode predictive --line-type landline \
         "${camp[@]}" --data-dir "$d" --json 2>/dev/null | jq -e '.verdict == "allow"' > /dev/null; then
      echo $((t - $(date +%s)))
      return 0
    fi
  done
  echo "no legal weekday 10:00 for $number in 3 weeks" >&2
  return 1
}

# sip_serve_config TRUNK_PORT SIP_PORT [LINE...]: writes D/clearline.toml for
# `clearline serve` with [sip] listening on 127.0.0.1:SIP_PORT and the trunk on
# 127.0.0.1:TRUNK_PORT, with cheap password hashing for tests. Each LINE is
# appended as written (more [sip] keys first, then other sections).
sip_serve_config() {
  local tp=$1 sp=$2; shift 2
  {
    printf '[server]\nargon2_t_cost = 1\nargon2_m_kib = 1024\n'
    printf '[sip]\nenabled = true\nlisten = "127.0.0.1:%s"\ntrunk_port = %s\n' "$sp" "$tp"
    [[ $# == 0 ]] || printf '%s\n' "$@"
  } > "$D/clearline.toml"
}

# start_carrier_people SIP_BIN_DIR TRUNK_PORT SEED [CARRIER_ARGS...]: starts
# clearline-carrier on 127.0.0.1:TRUNK_PORT in real time, every callee a person
# who answers (the ground truth in W/truth.jsonl); extra arguments set ring and
# talk times. Sets CARRIER (its pid).
start_carrier_people() {
  local bin=$1 tp=$2 seed=$3; shift 3
  "$bin/clearline-carrier" --listen "127.0.0.1:$tp" --truth "$W/truth.jsonl" --seed "$seed" --time-scale 1 \
    --p-human 1 --p-machine 0 --p-no-answer 0 --p-busy 0 --p-invalid 0 --p-congestion 0 "$@" \
    > "$W/carrier.log" 2>&1 &
  CARRIER=$!; PIDS+=("$CARRIER")
}

# start_bots SIP_BIN_DIR SIP_PORT TAG N [AGENTBOT_ARGS...]: N caller bots, caller1..callerN
# (password pwI, seed I), registering to 127.0.0.1:SIP_PORT; logs $W/bot-TAG-I.log, per-bot
# stats (written at exit) $W/bot-TAG-I.json. Sets BOTS (their pids; also in PIDS).
# stop_bots: TERM every bot in BOTS and wait for it (so its stats are written).
start_bots() {
  local bin=$1 sp=$2 tag=$3 n=$4; shift 4
  BOTS=()
  for i in $(seq 1 "$n"); do
    "$bin/clearline-agentbot" --registrar "127.0.0.1:$sp" --count 1 --prefix caller --start "$i" --password "pw$i" \
      --seed "$i" --stats "$W/bot-$tag-$i.json" "$@" > "$W/bot-$tag-$i.log" 2>&1 &
    BOTS+=($!); PIDS+=($!)
  done
}
stop_bots() {
  for p in "${BOTS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${BOTS[@]}"; do wait "$p" 2>/dev/null || true; done
  BOTS=()
}

# start_serve CLEARLINE_BIN [SERVE_ARGS...]: starts `clearline serve` on D with
# an ephemeral HTTP port, waits until it listens. Sets SERVE (pid) and URL (no
# trailing slash); fails the test if it never listens.
start_serve() {
  local cl=$1; shift
  "$cl" serve --data-dir "$D" --listen 127.0.0.1:0 "$@" > "$W/serve.out" 2> "$W/serve.log" &
  SERVE=$!; PIDS+=("$SERVE")
  for _ in $(seq 150); do grep -q "listening on" "$W/serve.out" 2>/dev/null && break; sleep 0.1; done
  URL=$(sed -n 's/.*listening on \(http[^ ]*\)/\1/p' "$W/serve.out"); URL=${URL%/}
  [[ -n $URL ]] || fail "serve did not print its address"
}

# api_login NAME PASSWORD COOKIE_JAR: logs NAME in at URL (the session cookie
# goes to COOKIE_JAR). Sets CSRF to the session's CSRF token; fails the test
# when the login is refused.
api_login() {
  CSRF=$(curl -s -c "$3" -H 'content-type: application/json' -d "{\"name\":\"$1\",\"password\":\"$2\"}" \
           "$URL/api/v1/login" | jq -r .csrf_token)
  [[ ${#CSRF} == 64 ]] || fail "login of $1 refused"
}

# stop_serve: SIGTERM to the daemon; fails the test unless it exits 0.
stop_serve() {
  kill -TERM "$SERVE"
  local rc=0
  wait "$SERVE" || rc=$?
  [[ $rc == 0 ]] || fail "serve exited $rc after SIGTERM"
}
