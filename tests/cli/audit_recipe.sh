#!/usr/bin/env bash
# An outsider verifies an exported audit chain with standard tools only (the
# recipe in docs/audit.md), and `clearline audit verify` names the first broken
# link after tampering with the database.
source "$(dirname "$0")/lib.sh"

run_expect 0 "$CL" campaign create --name "Clinic fund drive" --purpose charitable_by_charity --json
id=$(jq -r .id <<<"$OUT")
run_expect 0 "$CL" campaign activate "$id"
expect_contains "$ERR" "has no caller ID" "activating a campaign without a caller ID warns"
run_expect 0 "$CL" campaign create --name "Ünïcode ✓ \"quoted\"" --purpose survey --json
run_expect 0 "$CL" audit export -o "$WORK/audit.jsonl"
[[ $(wc -l <"$WORK/audit.jsonl") -eq 4 ]] || fail "expected 4 exported events"

# --- the recipe from docs/audit.md, verbatim ---
verify_export() {
  local prev=0000000000000000000000000000000000000000000000000000000000000000 n=0
  while IFS= read -r line; do
    n=$((n + 1))
    [[ $(jq -r .seq <<<"$line") == "$n" ]] || { echo "seq gap at line $n"; return 1; }
    [[ $(jq -r .prev_hash <<<"$line") == "$prev" ]] || { echo "prev_hash mismatch at seq $n"; return 1; }
    h=$( { printf '%s' "$prev"; jq -j .event_text <<<"$line"; } | sha256sum | cut -d' ' -f1)
    [[ $h == $(jq -r .hash <<<"$line") ]] || { echo "hash mismatch at seq $n"; return 1; }
    prev=$h
  done <"$1"
  echo "OK $n events, head $prev"
}
# --- end of recipe ---

out=$(verify_export "$WORK/audit.jsonl") || fail "recipe rejected an intact export: $out"
run_expect 0 "$CL" audit verify --json
expect_contains "$out" "$(jq -r .head_hash <<<"$OUT")" "recipe and clearline agree on the head"

# Tampering with the export is caught by the recipe.
sed '2s/Clinic fund drive/Clinic fund drivE/' "$WORK/audit.jsonl" >"$WORK/tampered.jsonl"
if out=$(verify_export "$WORK/tampered.jsonl"); then fail "recipe accepted a tampered export"; fi
expect_contains "$out" "seq 2" "recipe names the broken link"

# Tampering with the database is caught by clearline, naming the first broken link.
sqlite3 "$CLEARLINE_DATA/clearline.db" "UPDATE audit_events SET actor='mallory' WHERE seq=3"
run_expect 4 "$CL" audit verify --json
expect_eq "$(jq -r .ok <<<"$OUT")" false "verify reports broken"
expect_contains "$ERR" "seq 3" "verify names seq 3"
echo "PASS audit_recipe"
