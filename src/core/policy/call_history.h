// Recent dials per number, for frequency caps (S9), recycle delays, the
// political prerecorded cap (R12) and the UK repeat rules (U5). Keeps 31 days.
// Fed by DialAuthorizer::noteDial() and, on start, from the calls table.
// Pure; owner: policy. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "core/ports/dial_authorizer.h"

namespace clearline::core::policy {

struct HistoryEntry {
  CampaignId campaign;
  OrgId org;
  std::string subject_key;
  TimePoint at;
  bool prerecorded = false;
  bool live_answered = false;
  bool abandoned = false;
  bool machine = false;
  std::string disposition;
};

class CallHistory {
 public:
  static constexpr Millis kKeep = std::chrono::hours(24 * 31);
  void add(const CompletedDial& o);
  // Entries for this number, oldest first (empty if none).
  const std::vector<HistoryEntry>& forNumber(uint64_t key) const;
  // Drops entries older than now - kKeep.
  void prune(TimePoint now);
  size_t numbers() const { return by_number_.size(); }

 private:
  std::unordered_map<uint64_t, std::vector<HistoryEntry>> by_number_;
};

}  // namespace clearline::core::policy
