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
  // A hint that find(number_key, …) follows soon: starts loading the filter word.
  void prefetch(uint64_t number_key) const {
    if (!present_.empty()) __builtin_prefetch(&present_[filterSlot(number_key) >> 6]);
  }
  void clear() {
    by_number_.clear();
    present_.assign(present_.size(), 0);
    count_ = 0;
  }

 private:
  // A one-hash filter over the numbers ever added since clear(): most look-ups are
  // of numbers on no list, and this answers them without the hash map.
  static constexpr unsigned kFilterBits = 20;
  static size_t filterSlot(uint64_t key) { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - kFilterBits)); }
  bool mayContain(uint64_t key) const {
    size_t s = filterSlot(key);
    return !present_.empty() && ((present_[s >> 6] >> (s & 63)) & 1);
  }
  std::unordered_map<uint64_t, std::vector<InternalDncEntry>> by_number_;
  std::vector<uint64_t> present_;  // 2^kFilterBits bits once anything is added
  size_t count_ = 0;
};

}  // namespace clearline::core::policy
