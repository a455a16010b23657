// The lead queue of one campaign and the organisation-wide number locks.
//
// Order: callbacks that are due come first (earliest due first), then leads by
// priority (lower first) and list order (lower first). A lead whose recycle
// delay has not passed waits in a time-ordered holding area and joins the ready
// order when its time comes. The queue only orders; it never authorizes: the
// runtime asks the DialAuthorizer for every lead it pops, at that moment.
//
// NumberLocks: "never two attempts on one number at once, even across
// campaigns of one organisation". The daemon keeps one NumberLocks per
// organisation and hands the same instance to every CampaignRuntime of it.
//
// Owned by core/runtime. Not thread-safe: the signalling loop owns both.
#pragma once

#include <cstdint>
#include <optional>
#include <queue>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "core/campaign/campaign.h"
#include "core/contact/contact.h"

namespace clearline::core {

struct Lead {
  ContactId contact_id;
  PhoneId phone_id;
  std::string e164;
  int priority = 0;          // lower = sooner
  int64_t order = 0;         // list order (source line); lower = sooner
  int attempts = 0;          // attempts made so far (recycle limits)
  TimePoint not_before{};    // recycle delay / compliance defer
  std::optional<TimePoint> callback_due;  // a scheduled callback
  std::string callback_caller;            // "" = any caller
  LineType line_type = LineType::kUnknown;
  ConsentType consent = ConsentType::kNone;
  std::optional<TimePoint> consent_revoked_at;
  std::string state;
  std::string zip;
  std::string timezone;      // the list's IANA zone, if it gave one
  int64_t tag = 0;           // opaque to the runtime (the simulator's tape index)
};

class LeadQueue {
 public:
  void add(Lead lead);
  // Moves leads whose time has come into the ready order and pops the best
  // one; nullopt when none is ready now.
  std::optional<Lead> popReady(TimePoint now);
  // Leads ready now or later (callbacks included).
  size_t size() const { return ready_.size() + waiting_.size(); }
  size_t readyCount(TimePoint now);
  // Earliest time a waiting lead becomes ready (nullopt when none waits).
  std::optional<TimePoint> nextReadyAt() const;

 private:
  struct ReadyKey {
    int cls;  // 0 = due callback, 1 = ordinary
    int64_t due_ms;
    int priority;
    int64_t order;
    int64_t seq;
  };
  // The heaps order small entries; the leads themselves stay put in pool_
  // (a heap's sift would otherwise move whole leads, strings and all).
  struct Entry {
    ReadyKey key;
    TimePoint ready_at;  // readyAt(lead) when it was added
    int idx;             // in pool_
  };
  struct ReadyCmp {
    bool operator()(const Entry& a, const Entry& b) const;  // max-heap → "a after b"
  };
  struct WaitCmp {
    bool operator()(const Entry& a, const Entry& b) const;
  };
  void promote(TimePoint now);
  static TimePoint readyAt(const Lead& l);

  std::priority_queue<Entry, std::vector<Entry>, ReadyCmp> ready_;
  std::priority_queue<Entry, std::vector<Entry>, WaitCmp> waiting_;  // by readyAt
  std::vector<Lead> pool_;
  std::vector<int> free_;  // unused pool_ slots
  int64_t seq_ = 0;
};

// Which dispositions recycle a lead, after what delay, up to how many attempts.
// Built from Campaign::recycle_rules; dispositions without a rule are final.
class RecyclePolicy {
 public:
  RecyclePolicy() = default;
  explicit RecyclePolicy(const std::vector<RecycleRule>& rules, int max_attempts_per_contact);
  // The time the lead may be tried again, or nullopt when it is finished.
  // `attempts` counts the attempt that just ended.
  std::optional<TimePoint> nextAttemptAt(const std::string& disposition, int attempts,
                                         TimePoint now) const;

 private:
  std::vector<RecycleRule> rules_;
  int max_attempts_ = 3;
};

class NumberLocks {
 public:
  // False when another attempt on this number is in progress (any campaign).
  bool tryLock(const std::string& e164) {
    if (auto k = key(e164)) return numbers_.insert(*k).second;
    return others_.insert(e164).second;
  }
  void unlock(const std::string& e164) {
    if (auto k = key(e164))
      numbers_.erase(*k);
    else
      others_.erase(e164);
  }
  bool held(const std::string& e164) const {
    if (auto k = key(e164)) return numbers_.count(*k) != 0;
    return others_.count(e164) != 0;
  }
  size_t size() const { return numbers_.size() + others_.size(); }

 private:
  // A number in E.164 form ("+" and at most 17 digits) as an integer: a 1, then
  // its digits (so "+01" and "+1" stay apart). Locking and unlocking a number
  // happen on every dial: an integer hashes and compares in a step, where a
  // string is hashed byte by byte and copied into the set. Anything else is
  // kept as a string.
  static std::optional<uint64_t> key(const std::string& s) {
    if (s.size() < 2 || s.size() > 18 || s[0] != '+') return std::nullopt;
    uint64_t k = 1;
    for (size_t i = 1; i < s.size(); ++i) {
      const unsigned d = static_cast<unsigned char>(s[i]) - static_cast<unsigned>('0');
      if (d > 9) return std::nullopt;
      k = k * 10 + d;
    }
    return k;
  }
  std::unordered_set<uint64_t> numbers_;
  std::unordered_set<std::string> others_;
};

}  // namespace clearline::core
