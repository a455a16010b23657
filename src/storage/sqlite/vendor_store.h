// SqliteVendorStore: the vendor registry's SQLite adapter (issue 4).
//
// Every write is all-or-nothing: the documents are validated (each alone, then
// the whole registry's structure), evidence files are hashed against their
// recorded SHA-256, access is checked when a principal is given, and then all
// versions and their audit events commit in one transaction. A failure leaves
// no row, no audit event and no evidence file behind.
//
// Readers get an immutable Registry snapshot (loadRegistry) and the store's
// generation (bumped by a trigger on every insert), so a running gate can
// refresh cheaply: `if (store.generation() != gate.registry().generation()) …`.
// Thread-safety: like SqliteDb, one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "core/audit/audit_chain.h"
#include "core/ports/caller_gate.h"
#include "core/vendor/access.h"
#include "core/vendor/import_doc.h"
#include "core/vendor/registry.h"
#include "core/vendor/vendor_gate.h"
#include "storage/sqlite/sqlite_db.h"

namespace clearline::storage {

struct VendorWrite {
  core::vendor::RecordKind kind;
  Json data;
  std::optional<TimePoint> valid_from;  // default: now
};

struct VendorWriteResult {
  core::vendor::RecordVersion version;
  bool changed = false;  // false: identical to the current version, nothing written
  bool created = false;
};

struct GateLogRow {
  int64_t id = 0;
  int64_t campaign_id = 0;
  std::string caller_ref, kind, site_id, reason, snapshot_hash;
  TimePoint at;
  bool allowed = false;
  int tier = 0;
  Json engagement_path, failed_gates, decision;
};

struct CallStat {
  std::string site_id, caller_ref;
  int64_t calls = 0;
  double seconds = 0;  // bridged (or answered) → ended
};

class SqliteVendorStore {
 public:
  SqliteVendorStore(SqliteDb& db, const Clock& clock, std::string data_dir)
      : db_(db), clock_(clock), data_dir_(std::move(data_dir)) {}

  Result<std::shared_ptr<core::vendor::Registry>> loadRegistry();
  Result<uint64_t> generation();

  // Writes new versions of these documents, all or nothing. `who` (optional)
  // enforces access boundaries; `base_dir` resolves relative evidence paths.
  Result<std::vector<VendorWriteResult>> write(const std::vector<VendorWrite>& writes, const core::Actor& actor,
                                               const core::vendor::Principal* who = nullptr,
                                               const std::string& base_dir = ".");
  // Loads a whole chain document (all or nothing) and returns the JSON summary.
  Result<Json> importChain(const core::vendor::ImportDoc& doc, const std::string& base_dir, const core::Actor& actor);

  // Hashes and stores a file under DATA_DIR/evidence/<sha256>; returns the hex digest.
  Result<std::string> storeEvidenceFile(const std::string& path, const core::Actor& actor);
  // Re-hashes every stored evidence file: [{sha256, ok, detail}].
  Result<Json> verifyEvidence();

  // The gate decision log (logins, routings and recorded checks).
  Status recordGateDecision(CampaignId campaign, const std::string& caller_ref, TimePoint at,
                            const std::string& kind, const core::GateDecision& d, const core::Actor& actor);
  Result<std::vector<GateLogRow>> gateLog(CampaignId campaign, TimePoint from, TimePoint to);

  // Provenance snapshots: hash → the record versions it covers.
  Status saveSnapshot(const core::GateDecision& d);
  Result<std::optional<Json>> snapshot(const std::string& hash);

  // Records a call routed to a caller with its provenance (manual dials and
  // tests; the daemon writes calls through its CallRecordSink). Returns its id.
  Result<CallId> recordCall(CampaignId campaign, const std::string& called_number, TimePoint dialed_at,
                            int duration_s, const std::string& authorization_id, const core::GateDecision& d,
                            const core::Actor& actor);
  Result<std::vector<CallStat>> callStats(CampaignId campaign, TimePoint from, TimePoint to);

  const std::string& dataDir() const { return data_dir_; }

 private:
  Status resolveEvidence(Json& vetting_doc, const std::string& base_dir, std::vector<std::string>& new_files,
                         std::vector<std::pair<std::string, std::string>>& attach /* sha, original */);
  SqliteDb& db_;
  const Clock& clock_;
  std::string data_dir_;
};

// Keeps a gate on the store's current registry. Call it on every loop tick (or
// before a batch of routings): it reads one row unless something changed, and
// reloads the registry when the generation moved (a write from any process).
// Returns true when it reloaded.
Result<bool> refreshGate(SqliteVendorStore& store, core::vendor::VendorCallerGate& gate);

}  // namespace clearline::storage
