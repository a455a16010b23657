# Shared by the SIP end-to-end tests: creates an active predictive campaign
# with N contacts (one phone each) in data dir D. Usage:
#   setup_campaign CLEARLINE_BIN DATA_DIR N RECORDING(never|all|on_demand)
setup_campaign() {
  local cl=$1 d=$2 n=$3 rec=$4
  cat > "$d/settings.json" <<JSON
{"recording": "$rec", "recycle_rules": [{"disposition": "no_answer", "delay_minutes": 60, "max_attempts": 3},
 {"disposition": "busy", "delay_minutes": 30, "max_attempts": 3}, {"disposition": "network_error", "delay_minutes": 30, "max_attempts": 3},
 {"disposition": "abandoned", "delay_minutes": 1440, "max_attempts": 2}]}
JSON
  local id
  id=$("$cl" campaign create --data-dir "$d" --json --name "SIP e2e" --purpose political --dial-mode predictive \
        --caller-id +15550100000 --callback-number +15550100001 --settings "$d/settings.json" | jq .id)
  "$cl" campaign activate "$id" --data-dir "$d" > /dev/null
  local org; org=$(sqlite3 "$d/clearline.db" "SELECT org_id FROM campaigns WHERE id=$id")
  {
    echo "BEGIN;"
    echo "INSERT INTO contact_lists (id, campaign_id, name, created_at) VALUES (1, $id, 'e2e', 0);"
    for i in $(seq 1 "$n"); do
      echo "INSERT INTO contacts (id, campaign_id, list_id, first_name, source_line) VALUES ($i, $id, 1, 'C$i', $i);"
      echo "INSERT INTO phones (contact_id, campaign_id, org_id, e164, raw, label) VALUES ($i, $id, $org, '+1555$(printf %07d "$i")', '$i', 'mobile');"
    done
    echo "COMMIT;"
  } | sqlite3 "$d/clearline.db"
  CAMPAIGN_ID=$id
}
