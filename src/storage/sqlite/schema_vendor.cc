// Vendor-chain schema (issue 4; compliance.md §6): versioned registry records,
// evidence files, the gate decision log, provenance snapshots, and a
// generation counter that every registry write bumps (by trigger), so that a
// running gate notices any change — from any process — at its next refresh.
#include "storage/sqlite/migrations.h"

namespace clearline::storage {

const std::vector<Migration>& vendorMigrations() {
  static const std::vector<Migration> m = {
      {"vendor", 1, "vendor registry records, evidence, gate log, provenance snapshots, generation",
       R"sql(
-- Every version of every registry record. Append-only: a change is a new
-- version (valid_to of the previous one is set to the new valid_from in the
-- same transaction; nothing else is ever updated).
CREATE TABLE vendor_records (
  kind TEXT NOT NULL CHECK (kind IN ('entity','engagement','site','vetting','caller','policy','override','sanctions')),
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  valid_from INTEGER NOT NULL,       -- epoch ms
  valid_to INTEGER,                  -- NULL: current
  data TEXT NOT NULL,                -- canonical JSON document
  record_hash TEXT NOT NULL,         -- SHA-256 of canonical {kind,id,version,valid_from,data}
  recorded_at INTEGER NOT NULL,
  recorded_by TEXT NOT NULL,
  audit_seq INTEGER NOT NULL,        -- the audit event that recorded it
  PRIMARY KEY (kind, id, version)
);

-- Evidence files, stored by content under DATA_DIR/evidence/<sha256>.
CREATE TABLE vendor_evidence (
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  original_name TEXT NOT NULL,
  stored_path TEXT NOT NULL,         -- relative to the data directory
  attached_at INTEGER NOT NULL,
  attached_by TEXT NOT NULL
);

-- Logins, routings and checks that were recorded, allowed or refused.
CREATE TABLE vendor_gate_log (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL,
  caller_ref TEXT NOT NULL,
  at INTEGER NOT NULL,               -- the instant decided for
  kind TEXT NOT NULL CHECK (kind IN ('login','routing','check')),
  allowed INTEGER NOT NULL,
  site_id TEXT, engagement_path TEXT, tier INTEGER,
  failed_gates TEXT NOT NULL,        -- JSON array of gate ids
  reason TEXT NOT NULL,
  decision TEXT NOT NULL,            -- JSON: the whole GateDecision
  snapshot_hash TEXT,
  recorded_at INTEGER NOT NULL
);
CREATE INDEX vendor_gate_log_campaign ON vendor_gate_log(campaign_id, at);

-- vetting_snapshot_hash → the record versions it covers (for `clearline explain`).
CREATE TABLE vendor_snapshots (
  hash TEXT PRIMARY KEY,
  record_versions TEXT NOT NULL,     -- JSON array of "kind:id@version#record_hash"
  first_seen INTEGER NOT NULL
);

CREATE TABLE vendor_generation (id INTEGER PRIMARY KEY CHECK (id = 1), gen INTEGER NOT NULL);
INSERT INTO vendor_generation(id, gen) VALUES (1, 1);
CREATE TRIGGER vendor_records_gen AFTER INSERT ON vendor_records
BEGIN UPDATE vendor_generation SET gen = gen + 1 WHERE id = 1; END;
)sql"},
  };
  return m;
}

}  // namespace clearline::storage
