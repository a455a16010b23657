// Access boundaries over the vendor registry (issue 4 §6), enforced in the core
// so every adapter (CLI, API) asks the same function.
//
//   campaign C  reads and writes its whole chain: the engagements rooted at C
//               and everything under them (entities, sites, vetting, callers,
//               sanctions checks), its policy and its overrides.
//   vendor V    reads and writes only its subtree: V itself, the engagements V
//               is principal of (transitively: its subcontractors' too), the
//               entities engaged under it, the sites those entities operate,
//               callers at those sites and vetting records about any of them.
//               It may read (not write) the engagement that engages V itself
//               and sanctions checks about its subtree. Never policies or overrides.
//   caller      sees nothing of the registry.
// Unknown records are invisible (NotFound, never a hint that they exist).
// Pure; callable from any thread on a const Registry.
#pragma once

#include <string>

#include "common/ids.h"
#include "core/vendor/registry.h"

namespace clearline::core::vendor {

struct Principal {
  enum class Kind { kCampaign, kVendor, kCaller };
  Kind kind = Kind::kCaller;
  int64_t campaign_id = 0;   // kCampaign
  std::string entity_id;     // kVendor
  std::string caller_ref;    // kCaller
  static Principal campaign(int64_t id) { return {Kind::kCampaign, id, {}, {}}; }
  static Principal vendor(std::string entity) { return {Kind::kVendor, 0, std::move(entity), {}}; }
  static Principal caller(std::string ref) { return {Kind::kCaller, 0, {}, std::move(ref)}; }
  std::string describe() const;
};

enum class AccessMode { kRead, kWrite };

struct RecordRef {
  RecordKind kind;
  std::string id;
};

// True when `who` may read / write the record (by its newest version; for a
// write of a new record, pass the proposed document through canWriteDocument).
bool canAccess(const Registry& reg, const Principal& who, const RecordRef& rec, AccessMode mode);
// For creating or changing a record: checks the proposed document's references
// (a vendor may not attach a site to someone else's engagement) as well as the existing record.
Status canWriteDocument(const Registry& reg, const Principal& who, RecordKind kind, const Json& doc);
// Every record the principal may read, by kind.
std::vector<RecordRef> visibleRecords(const Registry& reg, const Principal& who);

}  // namespace clearline::core::vendor
