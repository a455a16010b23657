#!/usr/bin/env bash
# Seeds three hours of call rows (and their abandonment-ledger rows) for the
# pacing report's browser test: call k = 0..179 is dialled at 2026-11-28
# 09:00:00Z + k minutes; answered unless k % 3 == 0; by a machine when answered
# and k % 5 == 0, else by a person; a person's answer is bridged to caller
# "caller-(k % 4)" unless k % 7 == 1, when it is abandoned; ended 40 s after
# the dial (90 s when bridged). Caller sessions: caller-0..3 logged in
# 09:00-12:00, caller-4 10:00-11:00 (idle, paused 10:30-10:45). pacing.mjs
# recomputes the expected figures from the same rule. Usage: seed_pacing.sh DB CAMPAIGN_ID
set -euo pipefail
DB=$1; CID=$2
T0=$(date -u -d 2026-11-28T09:00:00Z +%s)000
sqlite3 "$DB" <<SQL
PRAGMA busy_timeout = 5000;
BEGIN;
WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 179),
r AS (SELECT n, $T0 + n * 60000 AS d,
             n % 3 <> 0 AS ans,
             n % 3 <> 0 AND n % 5 = 0 AS mach,
             n % 3 <> 0 AND n % 5 <> 0 AND n % 7 <> 1 AS br,
             n % 3 <> 0 AND n % 5 <> 0 AND n % 7 = 1 AS ab FROM k)
INSERT INTO calls (campaign_id, called_number, purpose_class, dial_mode, state, queued_at, dialed_at,
                   answered_at, answered_by, bridged_at, ended_at, abandoned, caller_ref, site_id)
SELECT $CID, printf('+1202555%04d', n), 'political', 'predictive', 'ended', d - 1000, d,
       CASE WHEN ans THEN d + 10000 END,
       CASE WHEN mach THEN 'machine' WHEN ans THEN 'human' END,
       CASE WHEN br THEN d + 11000 END,
       d + CASE WHEN br THEN 90000 ELSE 40000 END,
       ab, CASE WHEN br THEN 'caller-' || (n % 4) END, CASE WHEN br THEN 'site-a' END
FROM r;
-- Caller sessions: caller-0..3 logged in 09:00-12:00; caller-4 logged in
-- 10:00-11:00 without handling a call, paused 10:30-10:45.
INSERT INTO caller_sessions (caller_ref, campaign_id, site_id, started_at, last_seen_at, ended_at, end_reason)
SELECT 'caller-' || n, $CID, 'site-a', $T0, $T0 + 10800000, $T0 + 10800000, 'logout'
  FROM (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3);
INSERT INTO caller_sessions (caller_ref, campaign_id, site_id, started_at, last_seen_at, ended_at, end_reason)
VALUES ('caller-4', $CID, 'site-a', $T0 + 3600000, $T0 + 7200000, $T0 + 7200000, 'logout');
INSERT INTO caller_pauses (session_id, started_at, ended_at, reason)
SELECT id, $T0 + 5400000, $T0 + 6300000, 'break' FROM caller_sessions WHERE caller_ref = 'caller-4' AND campaign_id = $CID;
INSERT INTO abandonment_ledger (call_id, campaign_id, answered_at, abandoned)
SELECT id, campaign_id, answered_at, abandoned FROM calls
 WHERE campaign_id = $CID AND answered_by = 'human' AND dialed_at >= $T0;
COMMIT;
SQL
