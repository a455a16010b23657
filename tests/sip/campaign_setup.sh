# Shared by the SIP end-to-end tests: creates an active predictive campaign
# with N contacts (one landline phone each, New York numbers +1212555NNNN) in
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
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
  q() { sqlite3 -batch -noheader "$DB" "$1"; }
  W=$(mktemp -d "/tmp/$1.XXXXXX")
  PIDS=()
  trap cleanup EXIT
  D="$W/data"; mkdir -p "$D"
  DB="$D/clearline.db"
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
