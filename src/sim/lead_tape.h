// The lead tape (pacing.md §7.2): every lead's fate — outcome draw, answer and
// machine delays, greeting, AMD draw, talk and wrap times — from its own
// seeded stream (seed, lead index), so every pacer meets the same callees.
//
// Drawing a fate costs a dozen logarithms, exponentials and cosines, and the
// benchmark runs every seed under a dozen pacers and every tuning step, so a
// tape is drawn once, in chunks as the runs reach them, and shared by every
// run of that seed: LeadTapes is a cache of tapes keyed by the seed and the
// scenario's fate distributions (a scenario copied and then changed gets
// tapes of its own), bounded by the fates it holds (the least recently asked
// tapes go first). A run's results do not depend on whether its tape came
// from the cache (each fate is a function of its seed, index and model).
//
// Thread-safe: runs of one seed on several threads share one tape.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "sim/random.h"

namespace clearline::sim {

struct Scenario;

struct Fate {
  double u_outcome = 0;
  double answer_delay = 0, machine_delay = 0, busy_delay = 0, greeting = 0;
  double amd_u = 0, amd_machine_delay = 0;
  double talk = 0, wrap = 0, machine_talk = 0, machine_wrap = 0;
};

// The distributions a fate is drawn from (a scenario's; equal models draw equal tapes).
struct FateModel {
  Dist answer_delay, machine_delay, busy_delay, greeting, amd_machine_delay, talk, wrap,
      machine_talk, machine_wrap;
  static FateModel of(const Scenario& sc);
  bool operator==(const FateModel&) const = default;
};

// Lead `idx`'s fate under `seed`.
Fate drawFate(const FateModel& m, uint64_t seed, int64_t idx);

class LeadTape {
 public:
  static constexpr size_t kChunk = 1024;
  LeadTape(FateModel m, uint64_t seed) : m_(std::move(m)), seed_(seed) {}
  const FateModel& model() const { return m_; }
  uint64_t seed() const { return seed_; }
  // Leads [k·kChunk, (k + 1)·kChunk), drawn on first use; valid while the tape lives.
  const Fate* chunk(size_t k);
  size_t fates() const { return drawn_.load(std::memory_order_relaxed) * kChunk; }

 private:
  std::mutex mu_;
  const FateModel m_;
  const uint64_t seed_;
  std::vector<std::unique_ptr<Fate[]>> chunks_;
  std::atomic<size_t> drawn_{0};
};

class LeadTapes {
 public:
  // At most about `max_fates` fates kept (88 bytes each; the default ≈ 185 MB).
  explicit LeadTapes(size_t max_fates = 2u << 20) : max_fates_(max_fates) {}
  std::shared_ptr<LeadTape> get(const FateModel& m, uint64_t seed);
  size_t size() const;  // tapes held

 private:
  struct Entry {
    std::shared_ptr<LeadTape> tape;
    uint64_t used;
  };
  mutable std::mutex mu_;
  size_t max_fates_;
  uint64_t clock_ = 0;
  std::vector<Entry> entries_;
};

}  // namespace clearline::sim
