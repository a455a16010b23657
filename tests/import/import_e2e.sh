#!/usr/bin/env bash
# End-to-end checks of `clearline import` for every bad input listed in issue 2.
# Usage: import_e2e.sh CASE /path/to/clearline
# Every case asserts: the message names file:line and the column, the counts
# add up (read = imported + duplicates + rejected), the store agrees with the
# counts, the rejects file holds exactly the rejected rows, and
# `clearline audit verify` passes afterwards.
set -euo pipefail
CASE=$1
CL=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/clearline-import-e2e.XXXXXX")
MOUNTED=""
cleanup() {
  if [[ -n "$MOUNTED" ]]; then umount "$MOUNTED" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
[[ -n "${KEEP:-}" ]] || trap cleanup EXIT
DATA=$WORK/data
export CLEARLINE_DATA=$DATA
unset CLEARLINE_IMPORT_FAULT

fail() { echo "FAIL [$CASE]: $*" >&2; exit 1; }
cl() { "$CL" "$@" --data-dir "$DATA"; }
q() { sqlite3 "$DATA/clearline.db" "$1"; }
contains() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "expected '$2' in $1"; }; }
json_int() { jq -r ".$2" "$1"; }

new_campaign() { cl campaign create --name "E2E $CASE" --purpose political --json | jq -r .id; }

# Runs an import; stdout JSON → $WORK/out.json, stderr → $WORK/err.txt, exit code → $RC.
run_import() {
  set +e
  [[ -n "${KEEP:-}" ]] && echo "+ import $*" >&2
  cl import "$@" --json >"$WORK/out.json" 2>"$WORK/err.txt"
  RC=$?
  set -e
}

# Records in a CSV file (RFC 4180, header excluded), via sqlite3's CSV import.
csv_records() {
  local f=$1
  [[ -s "$f" ]] || { echo 0; return; }
  sqlite3 :memory: ".import --csv '$f' t" "SELECT count(*) FROM t"
}

# The store agrees with itself and with the summary; the audit chain verifies.
check_consistent() {
  local rows id read imported dup rej rfile roff
  rows=$(q "SELECT id, rows_read, rows_imported, rows_duplicate, rows_rejected, rejects_file, rejects_offset FROM imports" | tr '|' ' ')
  while read -r id read imported dup rej rfile roff; do
    [[ -z "$id" ]] && continue
    ((read == imported + dup + rej)) || fail "import $id: read $read != $imported + $dup + $rej"
    local n
    n=$(q "SELECT count(*) FROM contacts WHERE import_id=$id")
    ((n == imported)) || fail "import $id: $n contacts stored but $imported counted"
    if [[ -f "$rfile" ]]; then
      local size
      size=$(stat -c %s "$rfile")
      if ((size == roff)); then
        local recs
        recs=$(csv_records "$rfile")
        ((recs == rej)) || fail "import $id: rejects file has $recs records, $rej counted"
      fi
      ((size >= roff)) || fail "import $id: rejects file shorter than committed ($size < $roff)"
    fi
  done <<<"$rows"
  local orphans
  orphans=$(q "SELECT count(*) FROM phones p LEFT JOIN contacts c ON c.id=p.contact_id WHERE c.id IS NULL")
  ((orphans == 0)) || fail "$orphans phones without a contact"
  cl audit verify >"$WORK/verify.txt" 2>&1 || { cat "$WORK/verify.txt"; fail "audit verify failed"; }
}

# The summary's counts add up.
check_summary() {
  local f=${1:-$WORK/out.json}
  local r i d j
  r=$(json_int "$f" read); i=$(json_int "$f" imported); d=$(json_int "$f" duplicates); j=$(json_int "$f" rejected)
  [[ "$r" =~ ^[0-9]+$ && "$i" =~ ^[0-9]+$ && "$d" =~ ^[0-9]+$ && "$j" =~ ^[0-9]+$ ]] || fail "counts not integers: $(cat "$f")"
  ((r == i + d + j)) || fail "summary: read $r != $i + $d + $j"
}

expect_counts() {  # read imported duplicates rejected
  check_summary
  local got
  got="$(json_int "$WORK/out.json" read) $(json_int "$WORK/out.json" imported) $(json_int "$WORK/out.json" duplicates) $(json_int "$WORK/out.json" rejected)"
  [[ "$got" == "$*" ]] || { cat "$WORK/out.json"; fail "counts: got '$got', want '$*'"; }
}

expect_reject() {  # line column reason-substring  (in the rejects file and on stderr)
  local rfile line=$1 col=$2 why=$3
  rfile=$(jq -r .rejects_file "$WORK/out.json")
  sqlite3 :memory: ".import --csv '$rfile' t" "SELECT line||'|'||column||'|'||reason FROM t" >"$WORK/rej.txt"
  grep -qF -- "$line|$col|" "$WORK/rej.txt" || { cat "$WORK/rej.txt"; fail "no reject for line $line column $col"; }
  grep -F -- "$line|$col|" "$WORK/rej.txt" | grep -qF -- "$why" || { cat "$WORK/rej.txt"; fail "reject $line/$col lacks '$why'"; }
  contains "$WORK/err.txt" ":$line: column '$col': "
}

expect_error() {  # exit-code message-substring...
  local code=$1
  shift
  ((RC == code)) || { cat "$WORK/err.txt"; fail "exit code $RC, want $code"; }
  for s in "$@"; do contains "$WORK/err.txt" "$s"; done
  check_summary
  ((RC == 0)) || [[ "$(jq -r '.error.message' "$WORK/out.json")" != null ]] || fail "no error in JSON"
}

HEADER="VOTER_ID,FIRST_NAME,LAST_NAME,RES_ADDRESS,RES_CITY,RES_STATE,RES_ZIP,PHONE,CELL_PHONE"
# gen N FILE [START]: N good rows with distinct valid numbers.
gen() {
  local n=$1 f=$2 start=${3:-0}
  { echo "$HEADER"
    awk -v n="$n" -v s="$start" 'BEGIN {
      split("305 813 212 602 404 713 312 206", npa, " ");
      for (i = s; i < s + n; i++) {
        a = npa[(i % 8) + 1]; x = 200 + int(i / 10000) % 800; l = i % 10000;
        printf "V%07d,First%d,Last%d,%d Main St,City,FL,33101,(%s) %03d-%04d,\n", i, i, i, i, a, x, l
      } }'
  } >"$f"
}

C=$(new_campaign)
case "$CASE" in
  empty)
    : >"$WORK/empty.csv"
    run_import "$WORK/empty.csv" --campaign "$C"
    expect_error 2 "empty.csv:1" "empty"
    [[ $(q "SELECT count(*) FROM imports") == 0 ]] || fail "an import row was stored"
    check_consistent ;;
  header_only)
    echo "$HEADER" >"$WORK/h.csv"
    run_import "$WORK/h.csv" --campaign "$C"
    expect_error 2 "h.csv:1" "header only"
    printf '\xEF\xBB\xBF%s\r\n\r\n' "$HEADER" >"$WORK/h2.csv"
    run_import "$WORK/h2.csv" --campaign "$C"
    expect_error 2 "h2.csv:1" "header only"
    check_consistent ;;
  missing_column)
    printf 'FIRST_NAME,LAST_NAME\nAnn,Lee\n' >"$WORK/m.csv"
    run_import "$WORK/m.csv" --campaign "$C"
    expect_error 2 "m.csv:1" "missing required column" "[phone]"
    check_consistent ;;
  unknown_mapping)
    gen 3 "$WORK/u.csv"
    run_import "$WORK/u.csv" --campaign "$C" --map MOBILE=phone
    expect_error 2 "u.csv:1" "no column 'MOBILE'" "[MOBILE]"
    run_import "$WORK/u.csv" --campaign "$C" --map CELL_PHONE=cellular
    expect_error 2 "unknown field 'cellular'"
    run_import "$WORK/u.csv" --campaign "$C" --map RES_ZIP=phone
    expect_counts "3 3 0 0"   # a valid override: RES_ZIP becomes a (bad) extra phone
    check_consistent ;;
  ambiguous_mapping)
    printf 'phone,zip,postal_code\n3052345678,33101,33101\n' >"$WORK/a.csv"
    run_import "$WORK/a.csv" --campaign "$C"
    expect_error 2 "a.csv:1" "ambiguous" "'zip'" "'postal_code'" "[postal_code]"
    run_import "$WORK/a.csv" --campaign "$C" --map postal_code=ignore
    expect_counts "1 1 0 0"
    printf 'phone,x,x\n3052345679,a,b\n' >"$WORK/a2.csv"
    run_import "$WORK/a2.csv" --campaign "$C" --map x=first_name
    expect_error 2 "a2.csv:1" "ambiguous" "[x]"
    check_consistent ;;
  wrong_delimiter)
    gen 5 "$WORK/c.csv"
    tr ',' ';' <"$WORK/c.csv" >"$WORK/s.csv"
    run_import "$WORK/s.csv" --campaign "$C"
    expect_error 2 "s.csv:1: column 1" "wrong delimiter" "semicolon"
    run_import "$WORK/s.csv" --campaign "$C" --delimiter ';'
    expect_counts "5 5 0 0"
    tr ',' '\t' <"$WORK/c.csv" >"$WORK/t.tsv"
    run_import "$WORK/t.tsv" --campaign "$C" --delimiter auto
    expect_counts "5 0 5 0"
    check_consistent ;;
  ragged_rows)
    { echo "$HEADER"
      echo "1,Ann,Lee,1 Main,Miami,FL,33101,(305) 234-5678,"
      echo "2,Bob,Ray,2 Main,Miami,FL,33101"
      echo "3,Cy,Do,3 Main,Miami,FL,33101,(305) 234-5679,,extra,more"
      echo "4,Di,Ng,4 Main,Miami,FL,33101,(305) 234-5670,,"
    } >"$WORK/r.csv"
    run_import "$WORK/r.csv" --campaign "$C"
    expect_counts "4 2 0 2"
    expect_reject 3 PHONE "ragged row: 7 fields, the header has 9"
    expect_reject 4 "#10" "ragged row: 11 fields"
    check_consistent ;;
  unterminated_quote)
    { echo "$HEADER"
      echo "1,Ann,Lee,1 Main,Miami,FL,33101,(305) 234-5678,"
      echo "2,Bob,Ray,\"2 Main"
      echo "Apt 4\",Miami,FL,33101,(305) 234-5671,"
      echo "3,Cy,Do,\"3 Main,Miami,FL,33101,(305) 234-5679,"
      echo "4,Di,Ng,4 Main,Miami,FL,33101,(305) 234-5670,"
    } >"$WORK/q.csv"
    run_import "$WORK/q.csv" --campaign "$C"
    expect_counts "3 2 0 1"
    expect_reject 5 RES_ADDRESS "unterminated quote: the quoted field opened on line 5"
    [[ $(q "SELECT address FROM contacts WHERE external_id='2'") == $'2 Main\nApt 4' ]] || fail "multi-line field"
    # Nothing lost: the raw of the rejected record holds the rest of the file.
    sqlite3 :memory: ".import --csv '$(jq -r .rejects_file "$WORK/out.json")' t" "SELECT raw FROM t" | grep -q "4,Di,Ng" ||
      fail "rest of file not in the reject's raw"
    check_consistent ;;
  invalid_utf8)
    { echo "$HEADER"
      echo "1,Ann,Lee,1 Main,Miami,FL,33101,(305) 234-5678,"
      printf '2,Jos\xe9,Ray,2 Main,Miami,FL,33101,(305) 234-5671,\n'
      echo "3,Zoë,Do,3 Main,Miami,FL,33101,(305) 234-5679,"
    } >"$WORK/i.csv"
    run_import "$WORK/i.csv" --campaign "$C"
    expect_counts "3 2 0 1"
    expect_reject 3 FIRST_NAME "invalid UTF-8"
    [[ $(q "SELECT first_name FROM contacts WHERE external_id='3'") == "Zoë" ]] || fail "UTF-8 name"
    printf 'PHONE,FIRST_NAME\n(305) 234-5600,\xff\xfe\n' >"$WORK/i2.csv"
    run_import "$WORK/i2.csv" --campaign "$C"
    expect_counts "1 0 0 1"
    printf 'PH\xffONE,NAME\n(305) 234-5600,A\n' >"$WORK/i3.csv"
    run_import "$WORK/i3.csv" --campaign "$C"
    expect_error 2 "i3.csv:1: column 1" "not valid UTF-8"
    check_consistent ;;
  bom_crlf)
    printf '\xEF\xBB\xBFphone_number,first_name,last_name\r\n(305) 234-5678,"Ann\r\nMarie",Lee\r\n3052345679,Bob,Ray\r\n' >"$WORK/b.csv"
    run_import "$WORK/b.csv" --campaign "$C"
    expect_counts "2 2 0 0"
    [[ $(q "SELECT source_line FROM contacts WHERE first_name='Bob'") == 4 ]] || fail "line numbers with CRLF"
    check_consistent ;;
  phones)
    { echo "$HEADER"
      echo "1,A,A,,,,,555-CALL-NOW,"            # line 2 letters
      echo "2,B,B,,,,,(305) 234-5678 x12,"      # 3 extension
      echo "3,C,C,,,,,+44 20 7946 0000,"        # 4 international
      echo "4,D,D,,,,,234-5678,"                # 5 too short (no area code)
      echo "5,E,E,,,,,30523456789012,"          # 6 too long
      echo "6,F,F,,,,,(555) 123-4567,"          # 7 invalid area code
      echo "7,G,G,,,,,,"                        # 8 no phone
      echo "8,H,H,,,,,305.234.5600,"            # 9 ok
      echo "9,I,I,,,,,+1 (305) 234-5601,"       # 10 ok
      echo "10,J,J,,,,,1-305-234-5602,(305) 234-5603" # 11 ok, two phones
      echo "11,K,K,,,,,ext 5,(305) 234-5604"    # 12 ok: bad home, good cell
    } >"$WORK/p.csv"
    run_import "$WORK/p.csv" --campaign "$C"
    expect_counts "11 4 0 7"
    expect_reject 2 PHONE "contains letters"
    expect_reject 3 PHONE "has an extension"
    expect_reject 4 PHONE "international number (+44, GB)"
    expect_reject 5 PHONE "too short"
    expect_reject 6 PHONE "too long"
    expect_reject 7 PHONE "not a valid number"
    expect_reject 8 PHONE "no phone number"
    [[ $(q "SELECT e164 FROM phones ORDER BY id" | tr '\n' ' ') == "+13052345600 +13052345601 +13052345602 +13052345603 +13052345604 " ]] ||
      fail "phones: $(q 'SELECT e164 FROM phones')"
    [[ $(q "SELECT line_type FROM phones WHERE e164='+13052345603'") == wireless ]] || fail "cell column line type"
    # International numbers are accepted when asked.
    run_import "$WORK/p.csv" --campaign "$C" --allow-international
    [[ $(q "SELECT count(*) FROM phones WHERE e164='+442079460000'") == 1 ]] || fail "international allowed"
    check_consistent ;;
  duplicates)
    gen 10 "$WORK/d.csv"
    tail -n 3 "$WORK/d.csv" >>"$WORK/d.csv"   # three rows twice
    run_import "$WORK/d.csv" --campaign "$C"
    expect_counts "13 10 3 0"
    run_import "$WORK/d.csv" --campaign "$C"             # whole list again: all duplicates
    expect_counts "13 0 13 0"
    run_import "$WORK/d.csv" --campaign "$C" --dedupe list  # a new list: in-file duplicates only
    expect_counts "13 10 3 0"
    C2=$(new_campaign)
    run_import "$WORK/d.csv" --campaign "$C2" --dedupe organisation
    expect_counts "13 0 13 0"
    [[ $(q "SELECT count(DISTINCT e164) FROM phones WHERE campaign_id=$C") == 10 ]] || fail "distinct phones"
    check_consistent ;;
  large)
    gen 30000 "$WORK/big.csv"
    run_import "$WORK/big.csv" --campaign "$C" --batch-rows 2000
    expect_counts "30000 30000 0 0"
    [[ $(jq -r .state "$WORK/out.json") == committed ]] || fail "state"
    [[ $(q "SELECT count(*) FROM audit_events WHERE action='import.progress'") -ge 15 ]] || fail "progress events"
    check_consistent ;;
  file_vanishing)
    gen 3000 "$WORK/v.csv"
    # 1. An I/O error mid-read (injected): failed, visible, resumable.
    CLEARLINE_IMPORT_FAULT=read_error_at=60000 run_import "$WORK/v.csv" --campaign "$C" --batch-rows 500
    expect_error 1 "read error at byte" "resume with"
    id=$(jq -r .import_id "$WORK/out.json")
    [[ $(q "SELECT state FROM imports WHERE id=$id") == failed ]] || fail "state after read error"
    check_consistent
    run_import "$WORK/v.csv" --campaign "$C" --resume "$id"
    expect_counts "3000 3000 0 0"
    check_consistent
    # 2. The file is truncated while being read: detected, failed, resume refused.
    gen 60000 "$WORK/t.csv" 100000
    set +e
    CLEARLINE_IMPORT_FAULT=pause_at_line=1500:$WORK/pause "$CL" import "$WORK/t.csv" --campaign "$C" \
      --batch-rows 1000 --json --data-dir "$DATA" >"$WORK/out.json" 2>"$WORK/err.txt" &
    pid=$!
    for _ in $(seq 600); do [[ -f $WORK/pause.paused ]] && break; sleep 0.1; done
    [[ -f $WORK/pause.paused ]] || fail "import never paused"
    truncate -s 100000 "$WORK/t.csv"
    touch "$WORK/pause.go"
    wait $pid
    RC=$?
    set -e
    expect_error 1 "t.csv" "truncated or replaced"
    id=$(jq -r .import_id "$WORK/out.json")
    [[ $(q "SELECT state FROM imports WHERE id=$id") == failed ]] || fail "state after truncation"
    check_consistent
    run_import "$WORK/t.csv" --campaign "$C" --resume "$id"
    expect_error 5 "is not the file import $id started with"
    # 3. The file is deleted while being read: the open file is read to the end, nothing lost.
    gen 60000 "$WORK/del.csv" 200000
    rm -f "$WORK/pause.paused" "$WORK/pause.go"
    set +e
    CLEARLINE_IMPORT_FAULT=pause_at_line=1500:$WORK/pause "$CL" import "$WORK/del.csv" --campaign "$C" \
      --batch-rows 1000 --json --data-dir "$DATA" >"$WORK/out.json" 2>"$WORK/err.txt" &
    pid=$!
    for _ in $(seq 600); do [[ -f $WORK/pause.paused ]] && break; sleep 0.1; done
    rm -f "$WORK/del.csv"
    touch "$WORK/pause.go"
    wait $pid
    RC=$?
    set -e
    ((RC == 0)) || { cat "$WORK/err.txt"; fail "deleted file: exit $RC"; }
    expect_counts "60000 60000 0 0"
    check_consistent ;;
  disk_full)
    gen 20000 "$WORK/f.csv"
    mnt=$WORK/small
    mkdir -p "$mnt"
    if mount -t tmpfs -o size=2m tmpfs "$mnt" 2>/dev/null; then
      MOUNTED=$mnt
      DATA=$mnt/data
      mkdir -p "$DATA"
      run_import "$WORK/f.csv" --campaign "$(new_campaign)" --batch-rows 1000 --rejects "$WORK/rej.csv"
      # Resume needs room: make the disk bigger, as an operator would.
      grow() { mount -o remount,size=64m "$mnt"; }
    else
      echo "note: cannot mount a tmpfs here; using the max_db_pages seam" >&2
      pages=$(q "PRAGMA page_count")
      CLEARLINE_IMPORT_FAULT=max_db_pages=$((pages + 150)) \
        run_import "$WORK/f.csv" --campaign "$C" --batch-rows 1000 --rejects "$WORK/rej.csv"
      grow() { :; }
    fi
    expect_error 6 "disk full"
    contains "$WORK/err.txt" "f.csv:"
    id=$(jq -r .import_id "$WORK/out.json")
    committed=$(q "SELECT rows_imported FROM imports WHERE id=$id")
    ((committed > 0 && committed < 20000)) || fail "expected a partial, visible import; got $committed"
    state=$(q "SELECT state FROM imports WHERE id=$id")
    [[ $state == failed || $state == running ]] || fail "state $state"
    check_consistent
    grow
    run_import "$WORK/f.csv" --campaign "$(q "SELECT campaign_id FROM imports WHERE id=$id")" --resume "$id"
    expect_counts "20000 20000 0 0"
    check_consistent ;;
  ctrl_c)
    gen 5000 "$WORK/c.csv"
    # 1. SIGINT raised at a known record (through the real handler).
    CLEARLINE_IMPORT_FAULT=sigint_at_line=2345 run_import "$WORK/c.csv" --campaign "$C" --batch-rows 1000
    expect_error 130 "interrupted" "c.csv:2002" "resume with"
    id=$(jq -r .import_id "$WORK/out.json")
    [[ $(q "SELECT state||' '||rows_read||' '||resume_line FROM imports WHERE id=$id") == "cancelled 2000 2002" ]] ||
      fail "after Ctrl-C: $(q "SELECT state, rows_read, resume_line FROM imports WHERE id=$id")"
    [[ $(q "SELECT count(*) FROM dialable_contacts WHERE campaign_id=$C") == 0 ]] || fail "partial import is dialable"
    check_consistent
    run_import "$WORK/c.csv" --campaign "$C" --resume "$id"
    expect_counts "5000 5000 0 0"
    [[ $(q "SELECT count(*) FROM dialable_contacts WHERE campaign_id=$C") == 5000 ]] || fail "dialable after resume"
    [[ $(q "SELECT group_concat(action, ' ') FROM (SELECT action FROM audit_events WHERE object_type='import' AND action != 'import.progress' ORDER BY seq)") == \
       "import.start import.cancel import.resume import.finish" ]] || fail "audit actions"
    check_consistent
    # 2. A real Ctrl-C from outside while the import is paused mid-file.
    gen 5000 "$WORK/c2.csv" 50000
    set +e
    CLEARLINE_IMPORT_FAULT=pause_at_line=3100:$WORK/pause "$CL" import "$WORK/c2.csv" --campaign "$C" \
      --batch-rows 1000 --json --data-dir "$DATA" >"$WORK/out.json" 2>"$WORK/err.txt" &
    pid=$!
    for _ in $(seq 600); do [[ -f $WORK/pause.paused ]] && break; sleep 0.1; done
    [[ -f $WORK/pause.paused ]] || fail "import never paused"
    kill -INT $pid
    wait $pid
    RC=$?
    set -e
    expect_error 130 "interrupted"
    id=$(jq -r .import_id "$WORK/out.json")
    [[ $(q "SELECT state||' '||rows_read FROM imports WHERE id=$id") == "cancelled 3000" ]] || fail "real Ctrl-C state"
    check_consistent ;;
  resume_guards)
    gen 50 "$WORK/g.csv"
    run_import "$WORK/g.csv" --campaign "$C"
    id=$(jq -r .import_id "$WORK/out.json")
    run_import "$WORK/g.csv" --campaign "$C" --resume "$id"
    expect_error 5 "already committed"
    run_import "$WORK/g.csv" --campaign 999 
    expect_error 3 "no campaign with id 999"
    run_import "$WORK/nope.csv" --campaign "$C"
    expect_error 3 "nope.csv"
    cl campaign activate "$C" >/dev/null && cl campaign finish "$C" >/dev/null
    run_import "$WORK/g.csv" --campaign "$C"
    expect_error 5 "is finished"
    check_consistent ;;
  contacts_cli)
    gen 25 "$WORK/k.csv"
    run_import "$WORK/k.csv" --campaign "$C"
    cl contacts list --campaign "$C" --limit 10 --json >"$WORK/p1.json"
    [[ $(jq '.contacts | length' "$WORK/p1.json") == 10 && $(jq .total "$WORK/p1.json") == 25 ]] || fail "page 1"
    after=$(jq .next_after "$WORK/p1.json")
    cl contacts list --campaign "$C" --limit 10 --after "$after" --json >"$WORK/p2.json"
    [[ $(jq '.contacts[0].id' "$WORK/p2.json") == $((after + 1)) ]] || fail "page 2"
    cl contacts list --campaign "$C" --limit 10 --after 20 --json >"$WORK/p3.json"
    [[ $(jq '.contacts | length' "$WORK/p3.json") == 5 && $(jq .next_after "$WORK/p3.json") == null ]] || fail "last page"
    cl contacts show 1 --json >"$WORK/c1.json"
    [[ $(jq -r '.phones[0]["e164"]' "$WORK/c1.json") == "+13052000000" ]] || fail "contact show: $(cat "$WORK/c1.json")"
    [[ $(jq -r '.source_line' "$WORK/c1.json") == 2 ]] || fail "source line"
    cl contacts list --campaign "$C" --limit 10 | grep -q "next page" || fail "text pagination hint"
    set +e; cl contacts show 999 >/dev/null 2>&1; rc=$?; set -e
    ((rc == 3)) || fail "show missing: exit $rc"
    cl imports list --json | jq -e '.imports[0].state == "committed"' >/dev/null || fail "imports list"
    check_consistent ;;
  demo)
    rm -rf "$DATA"
    "$CL" demo --data-dir "$DATA" --import-only --json >"$WORK/demo.json" 2>"$WORK/err.txt" || { cat "$WORK/err.txt"; fail "demo failed"; }
    jq -e '.import.read == .import.imported + .import.duplicates + .import.rejected' "$WORK/demo.json" >/dev/null ||
      fail "demo counts: $(cat "$WORK/demo.json")"
    jq -e '.import.read >= 5000 and .import.rejected > 0 and .import.duplicates > 0 and .audit.ok' "$WORK/demo.json" >/dev/null ||
      fail "demo summary: $(cat "$WORK/demo.json")"
    [[ -f $(jq -r .import.rejects_file "$WORK/demo.json") ]] || fail "demo rejects file"
    "$CL" demo --data-dir "$DATA" --import-only --headless --minutes 1 >"$WORK/demo.txt" 2>&1 || fail "demo again"
    grep -q "audit chain" "$WORK/demo.txt" || fail "demo text: $(cat "$WORK/demo.txt")"
    check_consistent ;;
  *) fail "unknown case" ;;
esac
echo "PASS [$CASE]"
