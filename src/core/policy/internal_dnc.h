// Internal (entity-specific) do-not-call lists (R10, U7): per campaign, per
// organisation (committee / seller / charity — telefunders honour the charity's
// own list through it) and platform-wide. Requests are honoured from the moment
// they are recorded; honour_by (requested_at + 10 business days, FCC 24-24) is
// kept as evidence, and entries last at least 5 years. Pure; owner: policy.
// Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"

namespace clearline::core::policy {

enum class DncScope { kCampaign, kOrganisation, kPlatform };
std::string_view toString(DncScope s);
Result<DncScope> parseDncScope(std::string_view s);

struct InternalDncEntry {
  int64_t id = 0;            // store row id
  DncScope scope = DncScope::kCampaign;
  int64_t scope_id = 0;      // campaign or organisation id; 0 for platform
  std::string e164;
  std::string source;        // "keypress", "caller", "email", "import" …
  TimePoint requested_at;    // when the person asked
  TimePoint recorded_at;     // when Clearline recorded it (honoured from then)
  TimePoint honour_by;       // requested_at + 10 business days
  std::optional<TimePoint> expires_at;  // ≥ 5 years; nullopt = never
};

class InternalDnc {
 public:
  void add(InternalDncEntry e);
  // Removes matching entries; returns how many.
  int remove(DncScope scope, int64_t scope_id, const std::string& e164);
  // The first entry that blocks this number for this campaign/org at `now`.
  const InternalDncEntry* find(uint64_t number_key, CampaignId campaign, OrgId org, TimePoint now) const;
  size_t size() const { return count_; }
  void clear() {
    by_number_.clear();
    count_ = 0;
  }

 private:
  std::unordered_map<uint64_t, std::vector<InternalDncEntry>> by_number_;
  size_t count_ = 0;
};

}  // namespace clearline::core::policy
