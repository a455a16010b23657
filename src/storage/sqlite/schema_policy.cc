// Policy schema (owner: policy): internal do-not-call lists, registry
// snapshots, rule versions and authorization records; and the TSR 2024
// per-call fields (R7) the core calls table did not yet have.
#include "storage/sqlite/migrations.h"

namespace clearline::storage {

const std::vector<Migration>& policyMigrations() {
  static const std::vector<Migration> m = {
      {"policy", 1,
       "internal DNC, registry snapshots, rule versions, authorizations, TSR call fields",
       R"sql(
-- Internal do-not-call lists (R10, U7): scope campaign | organisation | platform.
CREATE TABLE internal_dnc (
  id INTEGER PRIMARY KEY,
  scope TEXT NOT NULL CHECK (scope IN ('campaign','organisation','platform')),
  scope_id INTEGER NOT NULL DEFAULT 0,      -- campaign or organisation id; 0 = platform
  e164 TEXT NOT NULL,
  source TEXT NOT NULL,                     -- keypress | caller | email | import | cli …
  requested_at INTEGER NOT NULL,            -- when the person asked
  recorded_at INTEGER NOT NULL,             -- honoured from here
  honour_by INTEGER NOT NULL,               -- requested_at + 10 business days (FCC 24-24)
  expires_at INTEGER,                       -- ≥ 5 years; NULL = never
  removed_at INTEGER
);
CREATE INDEX internal_dnc_number ON internal_dnc(e164);

-- Registry snapshots loaded (R8, R9, U7): one row per import (full or change).
CREATE TABLE dnc_snapshots (
  id TEXT PRIMARY KEY,
  registry TEXT NOT NULL,                   -- US | TPS
  kind TEXT NOT NULL CHECK (kind IN ('full','change')),
  as_of INTEGER NOT NULL,
  full_loaded_at INTEGER NOT NULL,
  numbers INTEGER NOT NULL,
  records INTEGER NOT NULL,
  area_codes TEXT NOT NULL,                 -- JSON array; [] = all
  files TEXT NOT NULL,                      -- JSON [{path, sha256, records}]
  loaded_at INTEGER NOT NULL
);

-- Every rule version a decision evaluated (append-only; ref = "ID@version#hash8").
CREATE TABLE policy_rule_versions (
  ref TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  jurisdiction TEXT NOT NULL,
  effective_from INTEGER NOT NULL,
  citation TEXT NOT NULL,
  params TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  source TEXT NOT NULL,
  first_used_at INTEGER NOT NULL
);

-- Authorization records: the decision a call record references (compliance.md §6.6).
CREATE TABLE authorizations (
  id TEXT PRIMARY KEY,
  at INTEGER NOT NULL,
  campaign_id INTEGER,
  contact_id INTEGER,
  e164 TEXT NOT NULL,
  purpose TEXT NOT NULL,
  dial_mode TEXT NOT NULL,
  prerecorded INTEGER NOT NULL,
  line_type TEXT NOT NULL,
  consent TEXT NOT NULL,
  rnd_status TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('allow','deny','defer')),
  rules TEXT NOT NULL,                      -- JSON array of deciding rule ids
  reason TEXT NOT NULL,
  until INTEGER,
  route_to_mode TEXT,
  locations TEXT NOT NULL,                  -- JSON array of candidate states
  registry_snapshot TEXT,
  ruleset TEXT NOT NULL,                    -- rule book hash
  evaluated TEXT NOT NULL                   -- JSON array of policy_rule_versions.ref
);
CREATE INDEX authorizations_campaign ON authorizations(campaign_id, at);

-- TSR 2024 per-call fields (R7, 16 CFR 310.5) missing from core's calls table.
ALTER TABLE calls ADD COLUMN telemarketer TEXT;            -- (1) who placed the call
ALTER TABLE calls ADD COLUMN seller TEXT;                  -- (2) seller or charity
ALTER TABLE calls ADD COLUMN callee_type TEXT;             -- (4) consumer | business
ALTER TABLE calls ADD COLUMN direction TEXT NOT NULL DEFAULT 'outbound';  -- (5)
ALTER TABLE calls ADD COLUMN duration_ms INTEGER;          -- (7)
ALTER TABLE calls ADD COLUMN prerecorded_message_id TEXT;  -- (8)
ALTER TABLE calls ADD COLUMN cli_authorization_ref TEXT;   -- (9) proof of right to the caller ID
ALTER TABLE calls ADD COLUMN cli_authorized_from INTEGER;
ALTER TABLE calls ADD COLUMN cli_authorized_until INTEGER;
ALTER TABLE calls ADD COLUMN transfer_target TEXT;         -- (10) disposition: transferred to
ALTER TABLE calls ADD COLUMN consent_ref TEXT;
ALTER TABLE calls ADD COLUMN rnd_check_ref TEXT;
ALTER TABLE calls ADD COLUMN dnc_snapshot_ids TEXT;        -- JSON array
ALTER TABLE calls ADD COLUMN candidate_locations TEXT;     -- JSON array
ALTER TABLE calls ADD COLUMN callee_local_time TEXT;       -- ISO 8601 with offset
ALTER TABLE calls ADD COLUMN stir_shaken_attestation TEXT;
ALTER TABLE calls ADD COLUMN opt_out_channel TEXT;
)sql"},
      {"policy", 2, "internal DNC generation: bumped by every change, read by running dialers",
       R"sql(
-- A running dialer compares this with the generation of the lists it holds
-- (storage/sqlite/policy_store.h internalDncVersion) instead of scanning the table.
CREATE TABLE internal_dnc_generation (id INTEGER PRIMARY KEY CHECK (id = 1), gen INTEGER NOT NULL);
INSERT INTO internal_dnc_generation(id, gen) VALUES (1, 1);
CREATE TRIGGER internal_dnc_gen_insert AFTER INSERT ON internal_dnc
BEGIN UPDATE internal_dnc_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER internal_dnc_gen_update AFTER UPDATE ON internal_dnc
BEGIN UPDATE internal_dnc_generation SET gen = gen + 1 WHERE id = 1; END;
CREATE TRIGGER internal_dnc_gen_delete AFTER DELETE ON internal_dnc
BEGIN UPDATE internal_dnc_generation SET gen = gen + 1 WHERE id = 1; END;
)sql"},
  };
  return m;
}

}  // namespace clearline::storage
