#include "sim/lead_tape.h"

#include <algorithm>

#include "sim/scenario.h"

namespace clearline::sim {

FateModel FateModel::of(const Scenario& sc) {
  return FateModel{sc.answer_delay, sc.machine_delay,     sc.busy_delay,
                   sc.greeting,     sc.amd_machine_delay, sc.talk,
                   sc.wrap,         sc.machine_talk,      sc.machine_wrap};
}

Fate drawFate(const FateModel& m, uint64_t seed, int64_t idx) {
  Rng r(seed, static_cast<uint64_t>(idx) + 1);
  Fate f;
  f.u_outcome = r.uniform();
  f.answer_delay = std::max(0.0, m.answer_delay.sample(r));
  f.machine_delay = std::max(0.0, m.machine_delay.sample(r));
  f.busy_delay = std::max(0.0, m.busy_delay.sample(r));
  f.greeting = std::max(0.0, m.greeting.sample(r));
  f.amd_u = r.uniform();
  f.amd_machine_delay = std::max(0.0, m.amd_machine_delay.sample(r));
  f.talk = std::max(0.5, m.talk.sample(r));
  f.wrap = std::max(0.0, m.wrap.sample(r));
  f.machine_talk = std::max(0.5, m.machine_talk.sample(r));
  f.machine_wrap = std::max(0.0, m.machine_wrap.sample(r));
  return f;
}

const Fate* LeadTape::chunk(size_t k) {
  std::lock_guard lock(mu_);
  if (chunks_.size() <= k) chunks_.resize(k + 1);
  if (!chunks_[k]) {
    auto c = std::make_unique<Fate[]>(kChunk);
    const int64_t first = static_cast<int64_t>(k * kChunk);
    for (size_t i = 0; i < kChunk; ++i) c[i] = drawFate(m_, seed_, first + static_cast<int64_t>(i));
    chunks_[k] = std::move(c);
    drawn_.fetch_add(1, std::memory_order_relaxed);
  }
  return chunks_[k].get();
}

std::shared_ptr<LeadTape> LeadTapes::get(const FateModel& m, uint64_t seed) {
  std::lock_guard lock(mu_);
  ++clock_;
  for (Entry& e : entries_) {
    if (e.tape->seed() == seed && e.tape->model() == m) {
      e.used = clock_;
      return e.tape;
    }
  }
  // Room for a new tape: the least recently asked go first (runs still
  // holding one keep it alive).
  size_t held = 0;
  for (const Entry& e : entries_) held += e.tape->fates();
  while (!entries_.empty() && held > max_fates_) {
    auto lru = std::min_element(entries_.begin(), entries_.end(),
                                [](const Entry& a, const Entry& b) { return a.used < b.used; });
    held -= lru->tape->fates();
    entries_.erase(lru);
  }
  entries_.push_back(Entry{std::make_shared<LeadTape>(m, seed), clock_});
  return entries_.back().tape;
}

size_t LeadTapes::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace clearline::sim
