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
  // A hint that forNumber(key) follows soon: starts loading the filter word.
  void prefetch(uint64_t key) const {
    if (!present_.empty()) __builtin_prefetch(&present_[filterSlot(key) >> 6]);
  }

 private:
  // A one-hash filter over the numbers ever added (most numbers have no recent
  // dials): answers those without the hash map. Rebuilt by prune().
  static constexpr unsigned kFilterBits = 20;
  static size_t filterSlot(uint64_t key) { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> (64 - kFilterBits)); }
  void mark(uint64_t key);
  std::unordered_map<uint64_t, std::vector<HistoryEntry>> by_number_;
  std::vector<uint64_t> present_;  // 2^kFilterBits bits once anything is added
};

}  // namespace clearline::core::policy
