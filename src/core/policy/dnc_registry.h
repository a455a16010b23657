// The national do-not-call registry index (R8, R9): an immutable, compact set
// of 10-digit numbers (NPA-NXX-XXXX as an integer < 10^10; also used for UK
// TPS national numbers, which fit the same range).
//
// Encoding (format 2, docs/bench/compliance.md has measured figures):
//  - a presence bitmap over the 10^6 six-digit prefixes (NPA-NXX), with a
//    cumulative rank per 64-bit word (16 bytes per 64 prefixes, 250 KB fixed):
//    prefix → dense prefix number with one cache-line read;
//  - per present prefix, its first bucket number (4 bytes); a prefix with k
//    numbers is split into nb = a power of two ≥ k / kBucketTarget buckets of
//    equal line ranges (line x of the prefix goes to bucket x·nb / 10000);
//  - per bucket, a byte offset (4 bytes) into the data; an empty bucket has
//    no bytes;
//  - a bucket's bytes: its count k (1 byte, or 2 if k ≥ 128), then an
//    Elias–Fano code of its k line offsets within its range of U lines: low
//    width l = ⌊log2(U/k)⌋, unary high parts (k + ⌊(U−1)/2^l⌋ + 1 bits), then
//    the k packed l-bit low parts.
// A look-up reads one bitmap word, the prefix's bucket number, the bucket's
// offset and then decodes one bucket (~40–80 bytes: one or two cache lines);
// containsMany() overlaps those reads across a group of look-ups.
// At registry density (~10% of a prefix) that is about 5.8 bits a number.
// deserialize() also reads format 1 (CLDNCIX1, the per-prefix Elias–Fano
// blocks of earlier releases) and re-encodes it.
//
// Pure; owner: policy. Immutable after build: safe to share across threads.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
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

  // Target numbers per bucket (a bucket then takes ~40–80 bytes at registry density).
  static constexpr uint32_t kBucketTarget = 96;

  bool contains(uint64_t key) const;
  // A hint that contains(key) follows soon: starts loading the first level (the
  // prefix bitmap word) so that read overlaps with the caller's other work.
  void prefetch(uint64_t key) const {
    if (key < kUniverse && !dir_.empty()) __builtin_prefetch(dir_.data() + 2 * ((key / 10000) >> 6));
  }
  // The look-up in stages, for a caller that has other work to overlap with it:
  // prefetchLevel(key, 1..3) reads levels 0..level-1 (which earlier calls should
  // have brought into cache) and prefetches level `level` (bucket range, bucket
  // offset, bucket bytes). Level 0 is prefetch(key). Answers nothing by itself.
  void prefetchLevel(uint64_t key, int level) const;
  // Bulk form for list scrubs: out[i] = contains(keys[i]) for every i (out.size() ≥
  // keys.size()); returns how many were found. Works through the keys in groups,
  // prefetching each level of the index for the whole group before reading it, so
  // the memory accesses of many look-ups overlap (random look-ups are bound by
  // memory latency, not by decoding).
  size_t containsMany(std::span<const uint64_t> keys, std::span<uint8_t> out) const;
  uint64_t size() const { return count_; }
  // Memory held by the index (prefix bitmap + bucket tables + bucket data).
  uint64_t bytes() const {
    return dir_.size() * 8 + pbucket_.size() * 4 + boff_.size() * 4 + data_.size();
  }
  // The part of bytes() that does not grow with the numbers (the prefix bitmap; 0 when empty).
  uint64_t fixedBytes() const { return dir_.size() * 8; }
  bool empty() const { return count_ == 0; }

  // Calls fn for every key in ascending order.
  void forEach(const std::function<void(uint64_t)>& fn) const;
  std::vector<uint64_t> toVector() const;

  // A self-checking binary form (magic, counts, FNV-1a checksum). deserialize()
  // checks the structure too (offsets, counts, code lengths): a damaged or
  // truncated file is DataLoss, never a half-usable index.
  std::string serialize() const;
  static Result<RegistryIndex> deserialize(std::string_view bytes);

 private:
  Status validate() const;

  // Per 64 prefixes two words: which are present (bit i = prefix 64·w + i), and how
  // many present prefixes come before them. 2 × 15,625 words, or empty.
  std::vector<uint64_t> dir_;
  std::vector<uint32_t> pbucket_;  // per present prefix: first bucket; + 1 end entry
  std::vector<uint32_t> boff_;     // per bucket: byte offset into data_; + 1 end entry
  std::vector<uint8_t> data_;      // bucket codes, then 8 bytes of padding (word reads)
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
