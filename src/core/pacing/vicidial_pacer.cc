#include "core/pacing/vicidial_pacer.h"

#include <algorithm>
#include <cmath>

namespace clearline::core {

namespace {
constexpr int64_t kDayMs = 86400000;
}

std::string_view VicidialPacer::name() const {
  switch (s_.mode) {
    case VicidialMode::kHardLimit: return "vicidial-hard-limit";
    case VicidialMode::kTapered: return "vicidial-tapered";
    case VicidialMode::kAverage: return "vicidial-average";
  }
  return "vicidial-average";
}

void VicidialPacer::sample(const PacerInput& in) {
  CallerCounts c = countCallers(in);
  samples_.push_back(Sample{c.ready, in.answered_waiting, c.logged_in});
  while (samples_.size() > 15) samples_.pop_front();
}

void VicidialPacer::calculateDrops(const PacerInput& in, int64_t now_ms) {
  const PacingHistory& h = *in.history;
  int64_t day = now_ms / kDayMs;
  if (day != day_) {
    day_ = day;
    calls_today_ = drops_today_ = human_today_ = 0;
  }
  for (int64_t i = std::max(dial_cursor_, h.dials.begin()); i < h.dials.end(); ++i) {
    const DialRecord& d = h.dials.at(i);
    int64_t t = toEpochMillis(d.dialed_at + d.age);
    if (t / kDayMs == day_) calls_today_++;
    dial_times_.push_back(t);
  }
  dial_cursor_ = h.dials.end();
  for (int64_t i = std::max(live_cursor_, h.live.begin()); i < h.live.end(); ++i) {
    const LiveRecord& l = h.live.at(i);
    int64_t t = toEpochMillis(l.at);
    if (t / kDayMs == day_) {
      human_today_++;
      if (l.abandoned) drops_today_++;
    }
    if (l.abandoned) drop_times_.push_back(t);
  }
  live_cursor_ = h.live.end();
  while (!dial_times_.empty() && dial_times_.front() < now_ms - 60000) dial_times_.pop_front();
  while (!drop_times_.empty() && drop_times_.front() < now_ms - 60000) drop_times_.pop_front();
  calls_1min_ = static_cast<int64_t>(dial_times_.size());
  drops_1min_ = static_cast<int64_t>(drop_times_.size());
}

void VicidialPacer::updateLevel(int64_t now_ms) {
  if (samples_.empty()) return;
  double ready = 0, waiting = 0, agents = 0;
  for (const auto& s : samples_) {
    ready += s.ready;
    waiting += s.waiting;
    agents += s.total;
  }
  double n = static_cast<double>(samples_.size());
  ready /= n;
  waiting /= n;
  agents /= n;
  double differential = ready - waiting;
  double target = differential + s_.diff_target;
  double m = (target != 0 && agents != 0) ? target / agents : 0.0;
  double pct = 100.0 * m;
  double k = s_.intensity / 100.0;
  double pct_i = pct < 0 ? pct * std::fabs(k - 1.0) : pct * (k + 1.0);
  double dl = level_ * (1.0 + pct_i / 100.0);
  dl = std::min(dl, s_.max_level);
  dl = std::max(dl, 1.0);
  // drop-rate guards
  if (calls_1min_ > 20 && static_cast<double>(drops_1min_) / static_cast<double>(calls_1min_) > 0.5) dl /= 2;
  if (calls_today_ > 50 && human_today_ > 0 &&
      100.0 * static_cast<double>(drops_today_) / static_cast<double>(human_today_) > s_.dropped_pct) {
    switch (s_.mode) {
      case VicidialMode::kHardLimit: dl = 1.0; break;
      case VicidialMode::kAverage: dl /= 2; break;
      case VicidialMode::kTapered: {
        int64_t mins = (now_ms % kDayMs) / 60000;
        int now_hhmm = static_cast<int>((mins / 60) * 100 + mins % 60);
        int hours_left = s_.latest_hhmm - now_hhmm;  // integer HHMM arithmetic, as VICIdial
        if (hours_left < 0) dl = 1.0;
        else dl *= std::min(1.0, hours_left / 1000.0);
        break;
      }
    }
  }
  level_ = std::max(dl, 1.0);
}

int VicidialPacer::originations(const PacerInput& in) const {
  CallerCounts c = countCallers(in);
  double agents = c.ready + c.on_call + c.reserved;  // READY + INCALL + QUEUE
  agents += s_.diff_target;
  if (agents < 0) agents = 0;
  int goal = static_cast<int>(std::llround(level_ * agents));
  int existing = dialsInFlight(in) + in.answered_waiting + c.on_call + c.reserved;
  return std::max(0, goal - existing);
}

PacerDecision VicidialPacer::decide(const PacerInput& in) {
  PacerDecision d;
  int64_t now = toEpochMillis(in.now);
  if (next_sample_ < 0) {
    next_sample_ = now;
    next_update_ = now + 15000;
    next_drops_ = now;
    next_orig_ = now;
  }
  if (now >= next_sample_) {
    sample(in);
    while (next_sample_ <= now) next_sample_ += 1000;
  }
  if (now >= next_drops_) {
    calculateDrops(in, now);
    while (next_drops_ <= now) next_drops_ += 60000;
  }
  if (now >= next_update_) {
    updateLevel(now);
    while (next_update_ <= now) next_update_ += 15000;
  }
  if (now >= next_orig_) {
    d.dial = originations(in);
    while (next_orig_ <= now) next_orig_ += 2500;
  }
  d.wake_at = fromEpochMillis(std::min({next_sample_, next_update_, next_orig_}));
  return d;
}

}  // namespace clearline::core
