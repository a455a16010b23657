// The national do-not-call registry index (R8, R9): an immutable, compact set
// of 10-digit numbers (NPA-NXX-XXXX as an integer < 10^10; also used for UK
// TPS national numbers, which fit the same range).
//
// Encoding: numbers are grouped by their 6-digit prefix (NPA-NXX). A directory
// holds one 32-bit word offset per prefix (4 MB, fixed); each non-empty prefix
// is an Elias–Fano block over its 4-digit line numbers (universe 10,000): a
// header word (count k, low-bit width L chosen from k), the unary high bits,
// then the k packed low bits. At registry density (~10% of a prefix's
// numbers) that is about 5–6 bits a number; a look-up touches one directory
// entry and one block. See docs/bench/compliance.md for measured figures.
//
// Pure; owner: policy. Immutable after build: safe to share across threads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace clearline::core::policy {

class RegistryIndex {
 public:
  static constexpr uint64_t kUniverse = 10'000'000'000ULL;

  RegistryIndex() = default;
  // keys: sorted ascending, unique, each < kUniverse (checked: InvalidArgument).
  static Result<RegistryIndex> build(const std::vector<uint64_t>& keys);

  bool contains(uint64_t key) const;
  uint64_t size() const { return count_; }
  // Memory held by the index (directory + blocks).
  uint64_t bytes() const { return dir_.size() * 4 + data_.size() * 8; }
  bool empty() const { return count_ == 0; }

  // Calls fn for every key in ascending order.
  void forEach(const std::function<void(uint64_t)>& fn) const;
  std::vector<uint64_t> toVector() const;

  // A self-checking binary form (magic, counts, sha-free checksum).
  std::string serialize() const;
  static Result<RegistryIndex> deserialize(std::string_view bytes);

 private:
  std::vector<uint32_t> dir_;   // 1,000,001 word offsets (prefix → block), or empty
  std::vector<uint64_t> data_;  // blocks, word-aligned
  uint64_t count_ = 0;
};

// One loaded registry copy: what R8 checks freshness against.
struct RegistrySnapshot {
  std::string id;               // e.g. "us-2026-11-28T02:00:00Z-<sha8>"
  std::string kind;             // "US" (FTC national registry) or "TPS"
  TimePoint full_loaded_at;     // last complete full-list load
  TimePoint as_of;              // last applied download (full or change list)
  std::vector<int> area_codes;  // subscribed area codes (US), empty = all
  RegistryIndex index;
};

}  // namespace clearline::core::policy
