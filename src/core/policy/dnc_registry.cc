#include "core/policy/dnc_registry.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace clearline::core::policy {

namespace {
constexpr uint64_t kPrefixes = 1'000'000;
constexpr uint64_t kDirWords = kPrefixes / 64;  // 15,625 words cover the 1,000,000 prefixes exactly
constexpr uint32_t kLines = 10'000;
constexpr uint32_t kMaxBucketsLog2 = 13;            // ≤ 8192 buckets a prefix (each ≥ 1 line)
constexpr char kMagic1[8] = {'C', 'L', 'D', 'N', 'C', 'I', 'X', '1'};
constexpr char kMagic2[8] = {'C', 'L', 'D', 'N', 'C', 'I', 'X', '2'};
constexpr uint64_t kMask56 = (uint64_t{1} << 56) - 1;
constexpr size_t kPad = 8;  // bytes after the last bucket, so word reads never leave data_

inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts (x86-64, arm64); the file format is little-endian too
}
// Set bits of x. std::popcount is a library call unless the build targets a CPU
// with POPCNT; this inline form costs a few cycles either way.
inline int pop64(uint64_t x) {
#if defined(__POPCNT__)
  return std::popcount(x);
#else
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
#endif
}
// n ≤ 56 bits from bit position `bit` of the byte stream q.
inline uint32_t bitsAt(const uint8_t* q, uint64_t bit, int n) {
  return static_cast<uint32_t>((load64(q + (bit >> 3)) >> (bit & 7)) & ((uint64_t{1} << n) - 1));
}

// Position of the r-th (0-based) set bit of x; x has more than r set bits.
inline int select64(uint64_t x, int r) {
  uint64_t s = x - ((x >> 1) & 0x5555555555555555ULL);
  s = (s & 0x3333333333333333ULL) + ((s >> 2) & 0x3333333333333333ULL);
  s = (s + (s >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
  uint64_t cum = s * 0x0101010101010101ULL;  // byte i: set bits in bytes 0..i
  uint64_t le = ((static_cast<uint64_t>(r) * 0x0101010101010101ULL | 0x8080808080808080ULL) - cum) &
                0x8080808080808080ULL;  // bytes whose running count is ≤ r
  int byte = pop64(le);
  int before = byte ? static_cast<int>((cum >> (8 * byte - 8)) & 0xff) : 0;
  uint32_t b = static_cast<uint32_t>((x >> (8 * byte)) & 0xff);
  for (int rem = r - before; rem > 0; --rem) b &= b - 1;
  return 8 * byte + std::countr_zero(b);
}

// Bucket j of a prefix split into 2^s buckets covers lines [lo(j), lo(j+1)).
inline uint32_t bucketLo(uint32_t j, uint32_t s) { return (j * kLines + (1u << s) - 1) >> s; }
// A bucket's header is its element count k: one byte below 128, else two
// (low 7 bits with the top bit set, then k >> 7). Reads it and moves q past it.
[[gnu::always_inline]] inline uint32_t readBucketCount(const uint8_t*& q) {
  uint32_t k = q[0];
  if (k & 0x80) {
    k = (k & 0x7f) | (uint32_t{q[1]} << 7);
    q += 2;
  } else {
    q += 1;
  }
  return k;
}
inline int lowWidth(uint32_t u, uint32_t k) { return std::bit_width(u / k) - 1; }  // ⌊log2(u/k)⌋
inline uint64_t highLen(uint32_t u, uint32_t k, int l) { return uint64_t{k} + ((u - 1) >> l) + 1; }
inline uint64_t codeBytes(uint32_t u, uint32_t k, int l) {
  return (highLen(u, k, l) + uint64_t{k} * static_cast<uint64_t>(l) + 7) / 8;
}
inline size_t headerBytes(uint32_t k) { return k < 128 ? 1 : 2; }

// Appends the code of k sorted, unique offsets v[0..k) < u.
void encodeBucket(std::vector<uint8_t>& data, const uint64_t* keys, uint32_t k, uint64_t base, uint32_t u) {
  size_t start = data.size();
  size_t hb = headerBytes(k);
  int l = lowWidth(u, k);
  uint64_t hl = highLen(u, k, l);
  data.resize(start + hb + codeBytes(u, k, l), 0);
  if (hb == 1) {
    data[start] = static_cast<uint8_t>(k);
  } else {
    data[start] = static_cast<uint8_t>((k & 0x7f) | 0x80);
    data[start + 1] = static_cast<uint8_t>(k >> 7);
  }
  uint8_t* q = data.data() + start + hb;
  for (uint32_t e = 0; e < k; ++e) {
    uint32_t v = static_cast<uint32_t>(keys[e] - base);
    uint64_t pos = (v >> l) + e;
    q[pos >> 3] = static_cast<uint8_t>(q[pos >> 3] | (1u << (pos & 7)));
    uint64_t bp = hl + uint64_t{e} * static_cast<uint64_t>(l);
    uint64_t val = static_cast<uint64_t>(v & ((1u << l) - 1)) << (bp & 7);
    for (uint64_t i = bp >> 3; val; ++i, val >>= 8) q[i] = static_cast<uint8_t>(q[i] | (val & 0xff));
  }
}

// Calls fn(offset) for each of the bucket's values, ascending.
template <typename Fn>
void decodeBucket(const uint8_t* q, uint32_t k, uint32_t u, Fn&& fn) {
  int l = lowWidth(u, k);
  uint64_t hl = highLen(u, k, l);
  uint64_t e = 0;
  for (uint64_t base = 0; base < hl && e < k; base += 56) {
    uint64_t w = load64(q + base / 8) & kMask56;
    if (hl - base < 56) w &= (uint64_t{1} << (hl - base)) - 1;
    while (w && e < k) {
      uint64_t pos = base + static_cast<uint64_t>(std::countr_zero(w));
      uint64_t hi = pos - e;
      fn(static_cast<uint32_t>((hi << l) | bitsAt(q, hl + e * static_cast<uint64_t>(l), l)));
      ++e;
      w &= w - 1;
    }
  }
}

// memcpy for possibly empty ranges (a zero-length copy may come with null pointers).
void copyBytes(void* to, const void* from, size_t n) {
  if (n) std::memcpy(to, from, n);
}

uint64_t fnv(std::string_view bytes) {
  uint64_t sum = 1469598103934665603ULL;
  for (char c : bytes) sum = (sum ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
  return sum;
}

// Format 1 (per-prefix Elias–Fano blocks, word-aligned; earlier releases): decoded to keys.
Result<std::vector<uint64_t>> readFormat1(std::string_view in) {
  auto bad = [](const char* why) { return Status::dataLoss(std::string("registry index file: ") + why); };
  auto get64 = [&](size_t off) {
    uint64_t v;
    std::memcpy(&v, in.data() + off, 8);
    return v;
  };
  if (in.size() < sizeof kMagic1 + 32) return bad("bad magic or truncated");
  uint64_t count = get64(8), nd = get64(16), nw = get64(24);
  if ((nd != 0 && nd != kPrefixes + 1) || nw > (uint64_t{1} << 34)) return bad("bad header");
  uint64_t need = sizeof kMagic1 + 24 + nd * 4 + nw * 8 + 8;
  if (in.size() != need) return bad("truncated");
  if (fnv(in.substr(sizeof kMagic1, need - 8 - sizeof kMagic1)) != get64(need - 8)) return bad("checksum mismatch");
  std::vector<uint32_t> dir(nd);
  std::vector<uint64_t> data(nw);
  copyBytes(dir.data(), in.data() + 32, nd * 4);
  copyBytes(data.data(), in.data() + 32 + nd * 4, nw * 8);
  std::vector<uint64_t> keys;
  if (nd == 0) {
    if (count != 0) return bad("bad header");
    return keys;
  }
  keys.reserve(count);
  for (uint64_t p = 0; p < kPrefixes; ++p) {
    uint64_t beg = dir[p], end = dir[p + 1];
    if (beg == end) continue;
    if (beg > end || end > nw) return bad("directory out of range");
    const uint64_t* b = data.data() + beg;
    uint32_t k = static_cast<uint32_t>(b[0] & 0xffff);
    int l = static_cast<int>((b[0] >> 16) & 0xf);
    uint64_t hl = k + (uint64_t{kLines - 1} >> l) + 1;
    if (k == 0 || l > 13 || 1 + (hl + uint64_t{k} * static_cast<uint64_t>(l) + 63) / 64 > end - beg)
      return bad("bad block");
    const uint64_t* body = b + 1;
    auto bit = [&](uint64_t pos) { return (body[pos >> 6] >> (pos & 63)) & 1; };
    uint64_t e = 0, zeros = 0;
    for (uint64_t pos = 0; pos < hl && e < k; ++pos) {
      if (!bit(pos)) {
        ++zeros;
        continue;
      }
      uint64_t lo = 0;
      for (int i = 0; i < l; ++i) lo |= bit(hl + e * static_cast<uint64_t>(l) + static_cast<uint64_t>(i)) << i;
      uint64_t x = (zeros << l) | lo;
      if (x >= kLines) return bad("bad block");
      keys.push_back(p * kLines + x);
      ++e;
    }
    if (e != k) return bad("bad block");
  }
  if (keys.size() != count) return bad("count mismatch");
  return keys;
}
}  // namespace

Result<RegistryIndex> RegistryIndex::build(const std::vector<uint64_t>& keys) {
  RegistryIndex ix;
  ix.count_ = keys.size();
  if (keys.empty()) return ix;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] >= kUniverse) return Status::invalidArgument("registry key out of range");
    if (i && keys[i] <= keys[i - 1]) return Status::invalidArgument("registry keys not sorted/unique");
  }
  ix.dir_.assign(2 * kDirWords, 0);
  ix.data_.reserve(keys.size() * 3 / 4 + 1024);
  size_t i = 0;
  while (i < keys.size()) {
    uint64_t p = keys[i] / kLines;
    size_t j = i;
    while (j < keys.size() && keys[j] / kLines == p) ++j;
    uint32_t k = static_cast<uint32_t>(j - i);
    ix.dir_[2 * (p >> 6)] |= uint64_t{1} << (p & 63);
    uint32_t s = 0;
    while ((uint64_t{kBucketTarget} << s) < k) ++s;
    ix.pbucket_.push_back(static_cast<uint32_t>(ix.boff_.size()));
    const uint64_t base = p * kLines;
    size_t a = i;
    for (uint32_t b = 0; b < (1u << s); ++b) {
      uint32_t lo = bucketLo(b, s), hi = bucketLo(b + 1, s);
      size_t c = a;
      while (c < j && keys[c] - base < hi) ++c;
      if (ix.data_.size() > UINT32_MAX - 16) return Status::resourceExhausted("registry index too large");
      ix.boff_.push_back(static_cast<uint32_t>(ix.data_.size()));
      if (c > a) encodeBucket(ix.data_, keys.data() + a, static_cast<uint32_t>(c - a), base + lo, hi - lo);
      a = c;
    }
    i = j;
  }
  ix.pbucket_.push_back(static_cast<uint32_t>(ix.boff_.size()));
  ix.boff_.push_back(static_cast<uint32_t>(ix.data_.size()));
  ix.data_.resize(ix.data_.size() + kPad, 0);
  ix.data_.shrink_to_fit();
  ix.boff_.shrink_to_fit();
  ix.pbucket_.shrink_to_fit();
  uint64_t rank = 0;
  for (size_t w = 0; w < kDirWords; ++w) {
    ix.dir_[2 * w + 1] = rank;
    rank += static_cast<uint64_t>(pop64(ix.dir_[2 * w]));
  }
  return ix;
}

namespace {
// The look-up code, compiled twice: with the POPCNT instruction (x86-64 CPUs since
// 2008; picked at run time) and portable. Everything it reads is in View.
struct View {
  const uint64_t* dir;  // per 64 prefixes: bits, rank
  const uint32_t* pbucket;
  const uint32_t* boff;
  const uint8_t* data;
  uint64_t count;
};

template <bool kHw>
[[gnu::always_inline]] inline int popc(uint64_t x) {
  if constexpr (kHw) return __builtin_popcountll(x);
  return pop64(x);
}

// Whether line x lies in bucket j (of 2^s) of a prefix; the bucket's code starts at data[beg].
template <bool kHw>
[[gnu::always_inline]] inline bool bucketHas(const View& v, uint32_t beg, uint32_t j, uint32_t s, uint32_t x) {
  const uint32_t lo = bucketLo(j, s), u = bucketLo(j + 1, s) - lo;
  const uint8_t* q = v.data + beg;
  const uint32_t k = readBucketCount(q);
  const int l = lowWidth(u, k);
  const uint32_t off = x - lo, h = off >> l, want = off & ((1u << l) - 1);
  const uint64_t hl = highLen(u, k, l);
  // Skip h zeros of the unary high parts: the elements with high part h follow.
  uint64_t pos = 0;
  if (h) {
    uint32_t need = h;
    for (uint64_t base = 0;; base += 56) {
      uint64_t w = ~load64(q + base / 8) & kMask56;
      if (hl - base < 56) w &= (uint64_t{1} << (hl - base)) - 1;
      uint32_t z = static_cast<uint32_t>(popc<kHw>(w));
      if (z >= need) {
        pos = base + static_cast<uint64_t>(select64(w, static_cast<int>(need - 1))) + 1;
        break;
      }
      need -= z;
      if (base + 56 >= hl) return false;
    }
  }
  uint64_t e = pos - h;  // index of the first element with high part h
  for (;;) {
    uint64_t w = load64(q + (pos >> 3)) >> (pos & 7);
    uint32_t run = static_cast<uint32_t>(std::countr_one(w));
    if (run > 56) run = 56;
    for (uint32_t r = 0; r < run; ++r) {
      uint32_t got = bitsAt(q, hl + (e + r) * static_cast<uint64_t>(l), l);
      if (got >= want) return got == want;
    }
    if (run < 56) return false;
    pos += 56;
    e += 56;
  }
}

template <bool kHw>
[[gnu::always_inline]] inline bool containsImpl(const View& v, uint64_t key) {
  if (v.count == 0 || key >= RegistryIndex::kUniverse) return false;
  const uint64_t p = key / kLines;
  const uint32_t x = static_cast<uint32_t>(key - p * kLines);
  const uint64_t bits = v.dir[2 * (p >> 6)];
  const uint64_t bit = uint64_t{1} << (p & 63);
  if (!(bits & bit)) return false;
  const uint64_t d = v.dir[2 * (p >> 6) + 1] + static_cast<uint64_t>(popc<kHw>(bits & (bit - 1)));
  const uint32_t b0 = v.pbucket[d];
  const uint32_t s = static_cast<uint32_t>(std::countr_zero(v.pbucket[d + 1] - b0));
  const uint32_t j = (x << s) / kLines;
  const uint32_t beg = v.boff[b0 + j];
  if (beg == v.boff[b0 + j + 1]) return false;  // empty bucket
  return bucketHas<kHw>(v, beg, j, s, x);
}

template <bool kHw>
[[gnu::always_inline]] inline void prefetchLevelImpl(const View& v, uint64_t key, int level) {
  if (v.count == 0 || key >= RegistryIndex::kUniverse) return;
  const uint64_t p = key / kLines;
  if (level <= 0) {
    __builtin_prefetch(v.dir + 2 * (p >> 6));
    return;
  }
  const uint64_t bits = v.dir[2 * (p >> 6)];
  const uint64_t bit = uint64_t{1} << (p & 63);
  if (!(bits & bit)) return;
  const uint64_t d = v.dir[2 * (p >> 6) + 1] + static_cast<uint64_t>(popc<kHw>(bits & (bit - 1)));
  if (level == 1) {
    __builtin_prefetch(v.pbucket + d);
    return;
  }
  const uint32_t x = static_cast<uint32_t>(key - p * kLines);
  const uint32_t b0 = v.pbucket[d];
  const uint32_t s = static_cast<uint32_t>(std::countr_zero(v.pbucket[d + 1] - b0));
  const uint32_t j = (x << s) / kLines;
  if (level == 2) {
    __builtin_prefetch(v.boff + b0 + j);
    return;
  }
  const uint32_t beg = v.boff[b0 + j], end = v.boff[b0 + j + 1];
  if (beg == end) return;
  __builtin_prefetch(v.data + beg);
  __builtin_prefetch(v.data + end - 1);
}

template <bool kHw>
[[gnu::always_inline]] inline size_t containsManyImpl(const View& v, const uint64_t* keys, size_t n, uint8_t* out) {
  constexpr size_t kGroup = 16;
  size_t found = 0;
  uint32_t x[kGroup], w[kGroup], s[kGroup], j[kGroup];
  uint8_t live[kGroup];
  for (size_t g = 0; g < n; g += kGroup) {
    const size_t m = std::min(kGroup, n - g);
    // 1: the prefix's bitmap word.
    for (size_t i = 0; i < m; ++i) {
      uint64_t key = keys[g + i];
      live[i] = v.count != 0 && key < RegistryIndex::kUniverse;
      if (!live[i]) continue;
      uint64_t p = key / kLines;
      x[i] = static_cast<uint32_t>(key - p * kLines);
      w[i] = static_cast<uint32_t>(p);
      __builtin_prefetch(v.dir + 2 * (p >> 6));
    }
    // 2: dense prefix number → its bucket range.
    for (size_t i = 0; i < m; ++i) {
      if (!live[i]) continue;
      const uint64_t bits = v.dir[2 * (w[i] >> 6)];
      const uint64_t bit = uint64_t{1} << (w[i] & 63);
      live[i] = (bits & bit) != 0;
      if (!live[i]) continue;
      w[i] = static_cast<uint32_t>(v.dir[2 * (w[i] >> 6) + 1] + static_cast<uint64_t>(popc<kHw>(bits & (bit - 1))));
      __builtin_prefetch(v.pbucket + w[i]);
    }
    // 3: the bucket's offset.
    for (size_t i = 0; i < m; ++i) {
      if (!live[i]) continue;
      const uint32_t b0 = v.pbucket[w[i]];
      s[i] = static_cast<uint32_t>(std::countr_zero(v.pbucket[w[i] + 1] - b0));
      j[i] = (x[i] << s[i]) / kLines;
      w[i] = b0 + j[i];
      __builtin_prefetch(v.boff + w[i]);
    }
    // 4: the bucket's bytes (one or two cache lines).
    for (size_t i = 0; i < m; ++i) {
      if (!live[i]) continue;
      const uint32_t beg = v.boff[w[i]], end = v.boff[w[i] + 1];
      live[i] = beg != end;
      w[i] = beg;
      if (!live[i]) continue;
      __builtin_prefetch(v.data + beg);
      __builtin_prefetch(v.data + end - 1);
    }
    // 5: decode.
    for (size_t i = 0; i < m; ++i) {
      bool hit = live[i] && bucketHas<kHw>(v, w[i], j[i], s[i], x[i]);
      out[g + i] = hit;
      found += hit;
    }
  }
  return found;
}

#if defined(__x86_64__) && !defined(__POPCNT__)
#define CLEARLINE_POPCNT_DISPATCH 1
bool cpuHasPopcnt() {
  static const bool yes = __builtin_cpu_supports("popcnt");
  return yes;
}
[[gnu::target("popcnt")]] bool containsHw(const View& v, uint64_t key) { return containsImpl<true>(v, key); }
[[gnu::target("popcnt")]] void prefetchLevelHw(const View& v, uint64_t key, int level) {
  prefetchLevelImpl<true>(v, key, level);
}
[[gnu::target("popcnt")]] size_t containsManyHw(const View& v, const uint64_t* k, size_t n, uint8_t* o) {
  return containsManyImpl<true>(v, k, n, o);
}
#endif
}  // namespace

bool RegistryIndex::contains(uint64_t key) const {
  const View v{dir_.data(), pbucket_.data(), boff_.data(), data_.data(), count_};
#ifdef CLEARLINE_POPCNT_DISPATCH
  if (cpuHasPopcnt()) return containsHw(v, key);
#endif
  return containsImpl<false>(v, key);
}

void RegistryIndex::prefetchLevel(uint64_t key, int level) const {
  const View v{dir_.data(), pbucket_.data(), boff_.data(), data_.data(), count_};
#ifdef CLEARLINE_POPCNT_DISPATCH
  if (cpuHasPopcnt()) return prefetchLevelHw(v, key, level);
#endif
  prefetchLevelImpl<false>(v, key, level);
}

size_t RegistryIndex::containsMany(std::span<const uint64_t> keys, std::span<uint8_t> out) const {
  const View v{dir_.data(), pbucket_.data(), boff_.data(), data_.data(), count_};
  const size_t n = std::min(keys.size(), out.size());
#ifdef CLEARLINE_POPCNT_DISPATCH
  if (cpuHasPopcnt()) return containsManyHw(v, keys.data(), n, out.data());
#endif
  return containsManyImpl<false>(v, keys.data(), n, out.data());
}

void RegistryIndex::forEach(const std::function<void(uint64_t)>& fn) const {
  if (count_ == 0) return;
  uint64_t d = 0;
  for (uint64_t wi = 0; wi < kDirWords; ++wi) {
    for (uint64_t bits = dir_[2 * wi]; bits; bits &= bits - 1, ++d) {
      uint64_t p = wi * 64 + static_cast<uint64_t>(std::countr_zero(bits));
      uint32_t b0 = pbucket_[d];
      uint32_t s = static_cast<uint32_t>(std::countr_zero(pbucket_[d + 1] - b0));
      for (uint32_t j = 0; j < (1u << s); ++j) {
        uint32_t beg = boff_[b0 + j];
        if (beg == boff_[b0 + j + 1]) continue;
        const uint8_t* q = data_.data() + beg;
        uint32_t k = readBucketCount(q);
        uint32_t lo = bucketLo(j, s);
        uint64_t base = p * kLines + lo;
        decodeBucket(q, k, bucketLo(j + 1, s) - lo, [&](uint32_t v) { fn(base + v); });
      }
    }
  }
}

std::vector<uint64_t> RegistryIndex::toVector() const {
  std::vector<uint64_t> v;
  v.reserve(count_);
  forEach([&](uint64_t k) { v.push_back(k); });
  return v;
}

std::string RegistryIndex::serialize() const {
  std::string out(kMagic2, sizeof kMagic2);
  auto put64 = [&](uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); };
  put64(count_);
  put64(dir_.size() / 2);
  put64(pbucket_.size());
  put64(boff_.size());
  put64(data_.size());
  out.reserve(out.size() + dir_.size() * 4 + pbucket_.size() * 4 + boff_.size() * 4 + data_.size() + 8);
  for (size_t w = 0; w < dir_.size(); w += 2) put64(dir_[w]);
  out.append(reinterpret_cast<const char*>(pbucket_.data()), pbucket_.size() * 4);
  out.append(reinterpret_cast<const char*>(boff_.data()), boff_.size() * 4);
  out.append(reinterpret_cast<const char*>(data_.data()), data_.size());
  put64(fnv(std::string_view(out).substr(sizeof kMagic2)));
  return out;
}

Status RegistryIndex::validate() const {
  auto bad = [](const std::string& why) { return Status::dataLoss("registry index file: " + why); };
  if (count_ == 0) {
    if (!dir_.empty() || !pbucket_.empty() || !boff_.empty() || !data_.empty()) return bad("bad header");
    return Status::ok();
  }
  if (dir_.size() != 2 * kDirWords || pbucket_.size() < 2 || boff_.size() < 2 || data_.size() < kPad)
    return bad("bad header");
  uint64_t present = 0;
  static_assert(kDirWords * 64 == kPrefixes);
  for (size_t w = 0; w < dir_.size(); w += 2) present += static_cast<uint64_t>(pop64(dir_[w]));
  if (pbucket_.size() != present + 1 || pbucket_[0] != 0 || pbucket_.back() + uint64_t{1} != boff_.size())
    return bad("bucket table does not match the prefixes");
  if (boff_[0] != 0 || boff_.back() + uint64_t{kPad} != data_.size()) return bad("bucket offsets out of range");
  uint64_t total = 0;
  for (uint64_t d = 0; d < present; ++d) {
    uint32_t nb = pbucket_[d + 1] - pbucket_[d];
    if (pbucket_[d + 1] < pbucket_[d] || !std::has_single_bit(nb) || nb > (1u << kMaxBucketsLog2))
      return bad("bad bucket count");
    uint32_t s = static_cast<uint32_t>(std::countr_zero(nb));
    uint64_t in_prefix = 0;
    for (uint32_t j = 0; j < nb; ++j) {
      uint32_t beg = boff_[pbucket_[d] + j], end = boff_[pbucket_[d] + j + 1];
      if (end < beg) return bad("bucket offsets not ascending");
      if (beg == end) continue;
      const uint8_t* q = data_.data() + beg;
      uint32_t k = q[0];
      size_t hb = 1;
      if (k & 0x80) {
        if (end - beg < 2) return bad("bad bucket");
        k = (k & 0x7f) | (uint32_t{q[1]} << 7);
        hb = 2;
      }
      uint32_t u = bucketLo(j + 1, s) - bucketLo(j, s);
      if (k == 0 || k > u || hb != headerBytes(k)) return bad("bad bucket count");
      int l = lowWidth(u, k);
      if (end - beg != hb + codeBytes(u, k, l)) return bad("bad bucket length");
      q += hb;
      uint64_t hl = highLen(u, k, l);
      uint64_t ones = 0;
      for (uint64_t base = 0; base < hl; base += 56) {
        uint64_t w = load64(q + base / 8) & kMask56;
        if (hl - base < 56) w &= (uint64_t{1} << (hl - base)) - 1;
        ones += static_cast<uint64_t>(pop64(w));
      }
      if (ones != k || ((q[(hl - 1) >> 3] >> ((hl - 1) & 7)) & 1)) return bad("bad bucket code");
      in_prefix += k;
    }
    if (in_prefix == 0) return bad("empty prefix marked present");
    total += in_prefix;
  }
  if (total != count_) return bad("count mismatch");
  return Status::ok();
}

Result<RegistryIndex> RegistryIndex::deserialize(std::string_view in) {
  auto bad = [](const char* why) { return Status::dataLoss(std::string("registry index file: ") + why); };
  if (in.size() >= sizeof kMagic1 && std::memcmp(in.data(), kMagic1, sizeof kMagic1) == 0) {
    ASSIGN_OR_RETURN(std::vector<uint64_t> keys, readFormat1(in));
    auto ix = build(keys);
    if (!ix.isOk()) return bad("bad keys");
    return ix;
  }
  constexpr size_t kHead = sizeof kMagic2 + 40;
  if (in.size() < kHead + 8 || std::memcmp(in.data(), kMagic2, sizeof kMagic2) != 0)
    return bad("bad magic or truncated");
  auto get64 = [&](size_t off) {
    uint64_t v;
    std::memcpy(&v, in.data() + off, 8);
    return v;
  };
  uint64_t count = get64(8), nd = get64(16), np = get64(24), nb = get64(32), nbytes = get64(40);
  if (nd > kDirWords || np > (uint64_t{1} << 32) || nb > (uint64_t{1} << 32) || nbytes > (uint64_t{1} << 32))
    return bad("bad header");
  uint64_t need = kHead + nd * 8 + np * 4 + nb * 4 + nbytes + 8;
  if (in.size() != need) return bad("truncated");
  if (fnv(in.substr(sizeof kMagic2, need - 8 - sizeof kMagic2)) != get64(need - 8)) return bad("checksum mismatch");
  RegistryIndex ix;
  ix.count_ = count;
  ix.dir_.resize(2 * nd);
  ix.pbucket_.resize(np);
  ix.boff_.resize(nb);
  ix.data_.resize(nbytes);
  size_t off = kHead;
  uint64_t rank = 0;
  for (size_t w = 0; w < ix.dir_.size(); w += 2) {
    ix.dir_[w] = get64(off);
    ix.dir_[w + 1] = rank;
    rank += static_cast<uint64_t>(pop64(ix.dir_[w]));
    off += 8;
  }
  copyBytes(ix.pbucket_.data(), in.data() + off, np * 4);
  off += np * 4;
  copyBytes(ix.boff_.data(), in.data() + off, nb * 4);
  off += nb * 4;
  copyBytes(ix.data_.data(), in.data() + off, nbytes);
  RETURN_IF_ERROR(ix.validate());
  return ix;
}

}  // namespace clearline::core::policy
