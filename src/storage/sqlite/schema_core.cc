// Core schema: organisations, campaigns, lists, contacts, imports, the audit
// chain, and the tables calls, attempts and the abandonment ledger need.
#include "storage/sqlite/migrations.h"

namespace clearline::storage {

const std::vector<Migration>& coreMigrations() {
  static const std::vector<Migration> m = {
      {"core", 1, "organisations, campaigns, lists, contacts, imports, audit, calls, ledger",
       R"sql(
CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  name TEXT NOT NULL,
  purpose TEXT NOT NULL,
  dial_mode TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft','active','paused','finished')),
  settings TEXT NOT NULL,            -- core::toJson(Campaign), the full record
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX campaigns_org ON campaigns(org_id);

CREATE TABLE contact_lists (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

-- One row per import run. state: running → committed | failed | cancelled.
-- A resumable import keeps last_line/offset so `clearline import --resume` continues.
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  list_id INTEGER NOT NULL REFERENCES contact_lists(id),
  file TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  file_size INTEGER NOT NULL,
  options TEXT NOT NULL,             -- JSON: mapping, region, dedupe scope …
  state TEXT NOT NULL CHECK (state IN ('running','committed','failed','cancelled')),
  rows_read INTEGER NOT NULL DEFAULT 0,
  rows_imported INTEGER NOT NULL DEFAULT 0,
  rows_duplicate INTEGER NOT NULL DEFAULT 0,
  rows_rejected INTEGER NOT NULL DEFAULT 0,
  resume_offset INTEGER NOT NULL DEFAULT 0,   -- byte offset of the next unread record
  resume_line INTEGER NOT NULL DEFAULT 0,     -- physical line of that record
  rejects_file TEXT,
  error TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER
);

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  list_id INTEGER NOT NULL REFERENCES contact_lists(id),
  import_id INTEGER REFERENCES imports(id),
  external_id TEXT,
  first_name TEXT, last_name TEXT, address TEXT, city TEXT, state TEXT, zip TEXT, timezone TEXT,
  custom TEXT,                       -- JSON object of unmapped columns
  source_line INTEGER,
  priority INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'new', -- new | in_progress | done | dnc
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,           -- recycle time; NULL = now
  last_disposition TEXT
);
CREATE INDEX contacts_campaign ON contacts(campaign_id, status, next_attempt_at);

CREATE TABLE phones (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  org_id INTEGER NOT NULL REFERENCES organisations(id),
  e164 TEXT NOT NULL,
  raw TEXT NOT NULL,
  label TEXT NOT NULL,
  line_type TEXT NOT NULL DEFAULT 'unknown',
  number_type TEXT,                  -- libphonenumber's type
  consent TEXT NOT NULL DEFAULT 'none',
  consent_at INTEGER, consent_source TEXT, consent_revoked_at INTEGER,
  priority INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX phones_contact ON phones(contact_id);
CREATE INDEX phones_campaign_e164 ON phones(campaign_id, e164);
CREATE INDEX phones_org_e164 ON phones(org_id, e164);

CREATE TABLE campaign_dispositions (
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  code TEXT NOT NULL, label TEXT NOT NULL,
  final INTEGER NOT NULL DEFAULT 0, do_not_call INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, code)
);

CREATE TABLE callbacks (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  due_at INTEGER NOT NULL,
  note TEXT, caller_ref TEXT,
  created_at INTEGER NOT NULL, done_at INTEGER
);
CREATE INDEX callbacks_due ON callbacks(campaign_id, done_at, due_at);

-- A call record (CDR): the TSR 2024 per-call fields (R7), the abandonment
-- fields (R6) and provenance (compliance.md §6.6). Kept retention_until.
CREATE TABLE calls (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  contact_id INTEGER REFERENCES contacts(id),
  phone_id INTEGER REFERENCES phones(id),
  called_number TEXT NOT NULL,
  caller_id_number TEXT, caller_id_name TEXT,
  purpose_class TEXT NOT NULL, subject_key TEXT,
  dial_mode TEXT NOT NULL,
  voice_type TEXT NOT NULL DEFAULT 'live',
  line_type TEXT,
  state TEXT NOT NULL,               -- call state machine (docs/state-machines.md)
  authorization_id TEXT,             -- the compliance decision that allowed the dial
  engagement_path TEXT,              -- JSON array of engagement ids, campaign → site
  vetting_snapshot_hash TEXT,
  site_id TEXT, caller_ref TEXT, worker_category TEXT,
  queued_at INTEGER, dialed_at INTEGER, answered_at INTEGER, greeting_end_at INTEGER,
  bridged_at INTEGER, ended_at INTEGER,
  ring_ms INTEGER, connect_to_agent_ms INTEGER,
  answered_by TEXT,                  -- human | machine | unknown
  amd_result TEXT,
  abandoned INTEGER NOT NULL DEFAULT 0,
  safe_harbor_played INTEGER NOT NULL DEFAULT 0,
  hangup_cause TEXT, sip_status INTEGER,
  disposition TEXT,
  script_version INTEGER,
  recording_ref TEXT,
  opt_out_captured INTEGER NOT NULL DEFAULT 0,
  retention_until INTEGER
);
CREATE INDEX calls_campaign ON calls(campaign_id, queued_at);
CREATE INDEX calls_number ON calls(called_number, dialed_at);

CREATE TABLE survey_responses (
  id INTEGER PRIMARY KEY,
  call_id INTEGER REFERENCES calls(id),
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  question_key TEXT NOT NULL,
  answer TEXT NOT NULL,
  at INTEGER NOT NULL
);

-- Abandonment ledger (R2–R4, U1–U2): one row per live-answered call.
CREATE TABLE abandonment_ledger (
  call_id INTEGER PRIMARY KEY REFERENCES calls(id),
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  answered_at INTEGER NOT NULL,
  abandoned INTEGER NOT NULL,
  amd_false_positive INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ledger_campaign_time ON abandonment_ledger(campaign_id, answered_at);

-- The tamper-evident audit chain (core/audit/audit_chain.h).
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
)sql"},
      // One index serves every dedupe scope (docs/bench/import.md): the
      // look-ups are by number, and a number has few rows; the covering
      // columns answer "in this organisation / campaign?" without a row read.
      // Two random-order index inserts a phone become one.
      {"core", 2, "phones: one covering index on e164 instead of two",
       R"sql(
DROP INDEX phones_campaign_e164;
DROP INDEX phones_org_e164;
CREATE INDEX phones_e164 ON phones(e164, org_id, campaign_id);
)sql"},
      // When the caller finished wrap-up (gave the disposition): wrap-up
      // times for `clearline simulate --from-campaign` and the pacer's plan.
      {"core", 3, "calls: wrapped_at", R"sql(
ALTER TABLE calls ADD COLUMN wrapped_at INTEGER;
)sql"},
  };
  return m;
}

}  // namespace clearline::storage
