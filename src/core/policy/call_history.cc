#include "core/policy/call_history.h"

#include <algorithm>

#include "core/policy/number.h"

namespace clearline::core::policy {

void CallHistory::mark(uint64_t key) {
  if (present_.empty()) present_.assign(size_t{1} << (kFilterBits - 6), 0);
  size_t s = filterSlot(key);
  present_[s >> 6] |= uint64_t{1} << (s & 63);
}

void CallHistory::add(const CompletedDial& o) {
  auto n = parsePolicyNumber(o.e164);
  if (!n) return;
  mark(n->key);
  auto& v = by_number_[n->key];
  HistoryEntry e{o.campaign_id, o.org_id, o.subject_key, o.at, o.prerecorded, o.live_answered,
                 o.abandoned,   o.machine, o.disposition};
  auto pos = std::upper_bound(v.begin(), v.end(), e.at,
                              [](TimePoint t, const HistoryEntry& x) { return t < x.at; });
  v.insert(pos, std::move(e));
}

const std::vector<HistoryEntry>& CallHistory::forNumber(uint64_t key) const {
  static const std::vector<HistoryEntry> kEmpty;
  if (by_number_.empty()) return kEmpty;
  size_t s = filterSlot(key);
  if (!((present_[s >> 6] >> (s & 63)) & 1)) return kEmpty;
  auto it = by_number_.find(key);
  return it == by_number_.end() ? kEmpty : it->second;
}

void CallHistory::prune(TimePoint now) {
  for (auto it = by_number_.begin(); it != by_number_.end();) {
    auto& v = it->second;
    auto keep = std::find_if(v.begin(), v.end(), [&](const HistoryEntry& e) { return e.at >= now - kKeep; });
    v.erase(v.begin(), keep);
    it = v.empty() ? by_number_.erase(it) : std::next(it);
  }
  std::fill(present_.begin(), present_.end(), 0);
  for (const auto& [key, v] : by_number_) mark(key);
}

}  // namespace clearline::core::policy
