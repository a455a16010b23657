// The vendor-chain registry in memory: every version of every record, indexed,
// with as-of lookups (which version was valid at instant T).
//
// Versions: a record (kind, id) has versions 1, 2, 3 … Version n is valid from
// its valid_from until the next version's valid_from (open for the last one):
// supersession is by a new version, never by editing one. Each version carries
// record_hash = SHA-256(canonical {kind, id, version, valid_from, data}).
//
// The registry is an immutable snapshot once built: the gate shares it
// (std::shared_ptr<const Registry>) and a writer builds a new one. Its
// generation number identifies the store state it was loaded from.
// Pure: no I/O. Not thread-safe for mutation; const use is safe from any thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"
#include "core/vendor/model.h"

namespace clearline::core::vendor {

struct RecordVersion {
  RecordKind kind = RecordKind::kEntity;
  std::string id;
  int version = 1;
  TimePoint valid_from;
  std::optional<TimePoint> valid_to;  // derived: the next version's valid_from
  Json data;
  std::string record_hash;
  TimePoint recorded_at;
  std::string recorded_by;
  // "engagement:E2@1"
  std::string label() const;
};

std::string computeRecordHash(const RecordVersion& v);

// Half-open validity window [since, until) narrowed by every boundary a computation touched.
struct Window {
  TimePoint since = TimePoint::min();
  TimePoint until = TimePoint::max();
  void narrow(TimePoint boundary, TimePoint t) {
    if (boundary <= t) {
      if (boundary > since) since = boundary;
    } else if (boundary < until) {
      until = boundary;
    }
  }
};

template <typename T>
struct Versioned {
  RecordVersion meta;
  T rec;
};

class Registry {
 public:
  // Adds a parsed version (kept sorted by version; valid_to derived). Rejects a
  // document that does not parse for its kind.
  Status add(RecordVersion v);
  uint64_t generation() const { return generation_; }
  void setGeneration(uint64_t g) { generation_ = g; }

  // Version valid at t (nullptr when none). `w` (optional) is narrowed by the
  // version's boundaries, or by the next future version when none is valid.
  const Versioned<Entity>* entity(const std::string& id, TimePoint t, Window* w = nullptr) const;
  const Versioned<Engagement>* engagement(const std::string& id, TimePoint t, Window* w = nullptr) const;
  const Versioned<Site>* site(const std::string& id, TimePoint t, Window* w = nullptr) const;
  const Versioned<Vetting>* vetting(const std::string& id, TimePoint t, Window* w = nullptr) const;
  const Versioned<Caller>* caller(const std::string& ref, TimePoint t, Window* w = nullptr) const;
  const Versioned<Policy>* policy(int64_t campaign_id, TimePoint t, Window* w = nullptr) const;
  const Versioned<Override>* override_(const std::string& id, TimePoint t, Window* w = nullptr) const;
  const Versioned<SanctionsCheck>* sanctions(const std::string& id, TimePoint t, Window* w = nullptr) const;

  // Ids of every record of a kind (sorted).
  std::vector<std::string> ids(RecordKind kind) const;
  // All versions of a record (oldest first); empty when unknown.
  std::vector<const RecordVersion*> versions(RecordKind kind, const std::string& id) const;
  // The newest version of a record, or nullptr.
  const RecordVersion* latest(RecordKind kind, const std::string& id) const;
  // Vetting ids whose subject is (subject_kind, subject_id), by any version.
  std::vector<std::string> vettingsFor(const std::string& subject_kind, const std::string& subject_id) const;
  std::vector<std::string> sanctionsFor(const std::string& entity_id) const;
  std::vector<std::string> overridesFor(int64_t campaign_id) const;
  std::vector<std::string> childEngagements(const std::string& parent_id) const;  // "" = roots
  size_t versionCount() const { return count_; }

  // Structural checks of the whole registry (write-time): references resolve,
  // no engagement cycles, principal = parent's agent, a sub-tier's dates lie
  // within its parent's. Errors name the record and the field.
  Status validateStructure() const;

 private:
  template <typename T>
  using Table = std::map<std::string, std::vector<Versioned<T>>>;
  template <typename T>
  static const Versioned<T>* asOf(const Table<T>& table, const std::string& id, TimePoint t, Window* w);
  template <typename T>
  static Status addTo(Table<T>& table, RecordVersion v, T rec);

  Table<Entity> entities_;
  Table<Engagement> engagements_;
  Table<Site> sites_;
  Table<Vetting> vettings_;
  Table<Caller> callers_;
  Table<Policy> policies_;
  Table<Override> overrides_;
  Table<SanctionsCheck> sanctions_;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> vetting_by_subject_;
  std::map<std::string, std::vector<std::string>> sanctions_by_entity_;
  std::map<int64_t, std::vector<std::string>> overrides_by_campaign_;
  std::map<std::string, std::vector<std::string>> children_;
  uint64_t generation_ = 0;
  size_t count_ = 0;
};

}  // namespace clearline::core::vendor
