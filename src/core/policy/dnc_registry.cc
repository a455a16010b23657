#include "core/policy/dnc_registry.h"

#include <bit>
#include <cstring>

namespace clearline::core::policy {

namespace {
constexpr uint64_t kPrefixes = 1'000'000;
constexpr uint32_t kLines = 10'000;
constexpr char kMagic[8] = {'C', 'L', 'D', 'N', 'C', 'I', 'X', '1'};

int lowBits(uint32_t k) {
  int l = 0;
  while (l < 13 && (uint64_t{k} << (l + 1)) <= kLines) ++l;
  return l;  // floor(log2(10000 / k))
}
uint64_t highLen(uint32_t k, int l) { return k + (uint64_t{kLines - 1} >> l) + 1; }
uint64_t blockWords(uint32_t k, int l) {
  return 1 + (highLen(k, l) + uint64_t{k} * static_cast<uint64_t>(l) + 63) / 64;
}
inline uint64_t getBits(const uint64_t* w, uint64_t bitpos, int n) {
  if (n == 0) return 0;
  uint64_t i = bitpos >> 6, s = bitpos & 63;
  uint64_t v = w[i] >> s;
  if (s + static_cast<uint64_t>(n) > 64) v |= w[i + 1] << (64 - s);
  return v & ((uint64_t{1} << n) - 1);
}
inline void putBits(uint64_t* w, uint64_t bitpos, int n, uint64_t v) {
  if (n == 0) return;
  uint64_t i = bitpos >> 6, s = bitpos & 63;
  w[i] |= v << s;
  if (s + static_cast<uint64_t>(n) > 64) w[i + 1] |= v >> (64 - s);
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
  ix.dir_.assign(kPrefixes + 1, 0);
  // First pass: sizes.
  uint64_t words = 0;
  size_t i = 0;
  for (uint64_t p = 0; p < kPrefixes; ++p) {
    ix.dir_[p] = static_cast<uint32_t>(words);
    size_t j = i;
    while (j < keys.size() && keys[j] / kLines == p) ++j;
    uint32_t k = static_cast<uint32_t>(j - i);
    if (k) words += blockWords(k, lowBits(k));
    i = j;
  }
  if (words > UINT32_MAX) return Status::resourceExhausted("registry index too large");
  ix.dir_[kPrefixes] = static_cast<uint32_t>(words);
  ix.data_.assign(words + 1, 0);  // +1: getBits may peek one word past a block
  // Second pass: encode.
  i = 0;
  while (i < keys.size()) {
    uint64_t p = keys[i] / kLines;
    size_t j = i;
    while (j < keys.size() && keys[j] / kLines == p) ++j;
    uint32_t k = static_cast<uint32_t>(j - i);
    int l = lowBits(k);
    uint64_t* b = ix.data_.data() + ix.dir_[p];
    b[0] = uint64_t{k} | (uint64_t(l) << 16);
    uint64_t* body = b + 1;
    uint64_t hl = highLen(k, l);
    for (uint32_t e = 0; e < k; ++e) {
      uint64_t x = keys[i + e] % kLines;
      uint64_t hi = x >> l;
      uint64_t pos = hi + e;
      body[pos >> 6] |= uint64_t{1} << (pos & 63);
      putBits(body, hl + uint64_t{e} * static_cast<uint64_t>(l), l, x & ((uint64_t{1} << l) - 1));
    }
    i = j;
  }
  return ix;
}

bool RegistryIndex::contains(uint64_t key) const {
  if (count_ == 0 || key >= kUniverse) return false;
  uint64_t p = key / kLines;
  uint32_t x = static_cast<uint32_t>(key - p * kLines);
  uint32_t beg = dir_[p];
  if (beg == dir_[p + 1]) return false;
  const uint64_t* b = data_.data() + beg;
  uint32_t k = static_cast<uint32_t>(b[0] & 0xffff);
  int l = static_cast<int>((b[0] >> 16) & 0xf);
  const uint64_t* body = b + 1;
  uint64_t hl = highLen(k, l);
  uint32_t h = x >> l;
  uint32_t lo = x & ((1u << l) - 1);
  // Find the bit after the h-th zero (0-based count h zeros skipped).
  uint64_t pos = 0;
  if (h > 0) {
    uint32_t need = h;  // zeros to skip
    uint64_t wi = 0;
    for (;;) {
      uint64_t w = ~body[wi];
      uint64_t valid = hl - wi * 64;
      if (valid < 64) w &= (uint64_t{1} << valid) - 1;
      uint32_t z = static_cast<uint32_t>(std::popcount(w));
      if (z >= need) {
        for (uint32_t r = 1; r < need; ++r) w &= w - 1;
        pos = wi * 64 + static_cast<uint64_t>(std::countr_zero(w)) + 1;
        break;
      }
      need -= z;
      ++wi;
      if (wi * 64 >= hl) return false;
    }
  }
  // Ones from pos until the next zero are the elements with high part h.
  for (;;) {
    if (pos >= hl) return false;
    uint64_t w = body[pos >> 6] >> (pos & 63);
    if (!(w & 1)) return false;
    uint64_t e = pos - h;  // element index
    uint32_t v = static_cast<uint32_t>(getBits(body, hl + e * static_cast<uint64_t>(l), l));
    if (v == lo) return true;
    if (v > lo) return false;
    ++pos;
  }
}

void RegistryIndex::forEach(const std::function<void(uint64_t)>& fn) const {
  if (count_ == 0) return;
  for (uint64_t p = 0; p < kPrefixes; ++p) {
    if (dir_[p] == dir_[p + 1]) continue;
    const uint64_t* b = data_.data() + dir_[p];
    uint32_t k = static_cast<uint32_t>(b[0] & 0xffff);
    int l = static_cast<int>((b[0] >> 16) & 0xf);
    const uint64_t* body = b + 1;
    uint64_t hl = highLen(k, l);
    uint64_t e = 0, zeros = 0;
    for (uint64_t pos = 0; pos < hl && e < k; ++pos) {
      if ((body[pos >> 6] >> (pos & 63)) & 1) {
        uint64_t x = (zeros << l) | getBits(body, hl + e * static_cast<uint64_t>(l), l);
        fn(p * kLines + x);
        ++e;
      } else {
        ++zeros;
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
  std::string out(kMagic, sizeof kMagic);
  auto put64 = [&](uint64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); };
  put64(count_);
  put64(dir_.size());
  put64(data_.size());
  out.append(reinterpret_cast<const char*>(dir_.data()), dir_.size() * 4);
  out.append(reinterpret_cast<const char*>(data_.data()), data_.size() * 8);
  uint64_t sum = 1469598103934665603ULL;  // FNV-1a over the payload
  for (size_t i = sizeof kMagic; i < out.size(); ++i) sum = (sum ^ static_cast<uint8_t>(out[i])) * 1099511628211ULL;
  put64(sum);
  return out;
}

Result<RegistryIndex> RegistryIndex::deserialize(std::string_view in) {
  auto bad = [](const char* why) { return Status::dataLoss(std::string("registry index file: ") + why); };
  if (in.size() < sizeof kMagic + 32 || std::memcmp(in.data(), kMagic, sizeof kMagic) != 0)
    return bad("bad magic or truncated");
  auto get64 = [&](size_t off) {
    uint64_t v;
    std::memcpy(&v, in.data() + off, 8);
    return v;
  };
  uint64_t count = get64(8), nd = get64(16), nw = get64(24);
  if ((nd != 0 && nd != kPrefixes + 1) || nw > (uint64_t{1} << 34)) return bad("bad header");
  uint64_t need = sizeof kMagic + 24 + nd * 4 + nw * 8 + 8;
  if (in.size() != need) return bad("truncated");
  uint64_t sum = 1469598103934665603ULL;
  for (size_t i = sizeof kMagic; i < need - 8; ++i) sum = (sum ^ static_cast<uint8_t>(in[i])) * 1099511628211ULL;
  if (sum != get64(need - 8)) return bad("checksum mismatch");
  RegistryIndex ix;
  ix.count_ = count;
  ix.dir_.resize(nd);
  ix.data_.resize(nw);
  std::memcpy(ix.dir_.data(), in.data() + 32, nd * 4);
  std::memcpy(ix.data_.data(), in.data() + 32 + nd * 4, nw * 8);
  if (nd && (ix.dir_[kPrefixes] + 1 > nw)) return bad("directory out of range");
  return ix;
}

}  // namespace clearline::core::policy
