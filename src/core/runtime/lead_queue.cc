#include "core/runtime/lead_queue.h"

#include <algorithm>
#include <tuple>

namespace clearline::core {

bool LeadQueue::ReadyCmp::operator()(const Entry& a, const Entry& b) const {
  const auto& x = a.key;
  const auto& y = b.key;
  // priority_queue pops the "largest": return true when a should come after b.
  return std::tie(x.cls, x.due_ms, x.priority, x.order, x.seq) >
         std::tie(y.cls, y.due_ms, y.priority, y.order, y.seq);
}

bool LeadQueue::WaitCmp::operator()(const Entry& a, const Entry& b) const {
  if (a.ready_at != b.ready_at) return a.ready_at > b.ready_at;
  return a.key.seq > b.key.seq;
}

TimePoint LeadQueue::readyAt(const Lead& l) {
  TimePoint t = l.not_before;
  if (l.callback_due && *l.callback_due > t) t = *l.callback_due;
  return t;
}

void LeadQueue::add(Lead lead) {
  Entry e;
  e.key.seq = seq_++;
  e.key.priority = lead.priority;
  e.key.order = lead.order;
  e.key.cls = lead.callback_due ? 0 : 1;
  e.key.due_ms = lead.callback_due ? toEpochMillis(*lead.callback_due) : 0;
  e.ready_at = readyAt(lead);
  // Everything goes through the waiting heap unless it is plainly ready at
  // the epoch (not_before unset and no callback), which keeps bulk loads cheap.
  const bool ready_now = lead.not_before == TimePoint{} && !lead.callback_due;
  if (free_.empty()) {
    e.idx = static_cast<int>(pool_.size());
    pool_.push_back(std::move(lead));
  } else {
    e.idx = free_.back();
    free_.pop_back();
    pool_[static_cast<size_t>(e.idx)] = std::move(lead);
  }
  if (ready_now) {
    ready_.push(e);
  } else {
    waiting_.push(e);
  }
}

void LeadQueue::promote(TimePoint now) {
  while (!waiting_.empty() && waiting_.top().ready_at <= now) {
    ready_.push(waiting_.top());
    waiting_.pop();
  }
}

std::optional<Lead> LeadQueue::popReady(TimePoint now) {
  promote(now);
  if (ready_.empty()) return std::nullopt;
  const int idx = ready_.top().idx;
  ready_.pop();
  std::optional<Lead> l(std::move(pool_[static_cast<size_t>(idx)]));
  free_.push_back(idx);
  return l;
}

size_t LeadQueue::readyCount(TimePoint now) {
  promote(now);
  return ready_.size();
}

std::optional<TimePoint> LeadQueue::nextReadyAt() const {
  if (waiting_.empty()) return std::nullopt;
  return waiting_.top().ready_at;
}

RecyclePolicy::RecyclePolicy(const std::vector<RecycleRule>& rules, int max_attempts_per_contact)
    : rules_(rules), max_attempts_(max_attempts_per_contact) {}

std::optional<TimePoint> RecyclePolicy::nextAttemptAt(const std::string& disposition, int attempts,
                                                      TimePoint now) const {
  if (attempts >= max_attempts_) return std::nullopt;
  for (const auto& r : rules_) {
    if (r.disposition != disposition) continue;
    if (attempts >= r.max_attempts) return std::nullopt;
    return now + Millis(int64_t{r.delay_minutes} * 60000);
  }
  return std::nullopt;
}

}  // namespace clearline::core
