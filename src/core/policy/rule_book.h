// Rules as versioned data (compliance.md "rule index", §7 rule_version).
//
// A RuleVersion is one row of a jurisdiction's rule table: id ("R1", "S8",
// "U5" …), version, jurisdiction ("US", "US-FL", "UK"), effective_from,
// citation and parameters (JSON). A RuleBook is an immutable set of them with a
// content hash; decisions record "R1@2#<hash8>" for every rule version they
// evaluated, so that later edits can never change an earlier decision's record.
//
// Loading from TOML (with file:line errors) lives in src/policy_data; this file
// is pure. Owner: policy. Immutable after construction; share freely.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/json.h"
#include "common/status.h"

namespace clearline::core::policy {

struct RuleVersion {
  std::string id;            // "R1"
  int version = 1;
  std::string jurisdiction;  // "US", "US-FL", "UK"
  TimePoint effective_from;  // in force from this instant (UTC midnight of the date)
  std::string citation;
  Json params = Json::object();
  std::string source;        // "data/rules/us.toml:12": where it was read
  std::string content_hash;  // sha256 of the canonical row (first 8 hex chars used in records)
  std::string ref;           // "R1@1#1a2b3c4d": what records store
};

// Every rule id the engine knows, with its title (docs and error messages).
struct KnownRule {
  std::string_view id;
  std::string_view title;
  bool implemented;
};
const std::vector<KnownRule>& knownRules();
bool isKnownRuleId(std::string_view id);

// Fills content_hash and ref from the row's fields.
void sealRuleVersion(RuleVersion& r);

class RuleBook {
 public:
  // Validates: known ids, parameters accepted by the rule's implementation
  // (errors name the row's `source` and the parameter), no duplicate
  // (id, jurisdiction, version).
  static Result<std::shared_ptr<const RuleBook>> build(std::vector<RuleVersion> rows);

  const std::vector<RuleVersion>& rows() const { return rows_; }
  const std::string& hash() const { return hash_; }

  // The version of `id` for `jurisdiction` in force at `now` (latest
  // effective_from ≤ now, then highest version), or nullptr.
  const RuleVersion* inForce(std::string_view id, std::string_view jurisdiction, TimePoint now) const;

 private:
  std::vector<RuleVersion> rows_;
  std::string hash_;
};

}  // namespace clearline::core::policy
