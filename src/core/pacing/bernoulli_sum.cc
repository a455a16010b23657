#include "core/pacing/bernoulli_sum.h"

#include <algorithm>
#include <cmath>

namespace clearline::core {

void BernoulliSum::reset(int base, bool exact) {
  exact_ = exact;
  mean_ = base;
  var_ = 0;
  if (!exact) return;
  // Representation: p_[i] = P(S = i − offset_) for first_ ≤ i < size_, with
  // value `base` at index kPad and zeros below it.
  offset_ = static_cast<int>(kPad) - base;
  first_ = kPad;
  size_ = kPad + 1;
  if (p_.size() < size_) p_.resize(64);
  std::fill(p_.begin(), p_.begin() + static_cast<std::ptrdiff_t>(kPad), 0.0);
  p_[kPad] = 1.0;
}

void BernoulliSum::addExact(double q, int sign) {
  // A block of one: new[i] = old[i]·(1 − q) + old[i − 1]·q for a +1 term
  // (see addBlock for a −1 term's index shift).
  addBlock(&q, 1, sign);
}

void BernoulliSum::trim() {
  while (size_ > first_ + 1 && p_[size_ - 1] < kTailMass) --size_;
  while (first_ + 1 < size_ && p_[first_] < kTailMass) p_[first_++] = 0.0;
}

namespace {
// o[i] = Σ_{m=0..K} d[m]·p[i − m] for lo ≤ i ≤ hi (p is zero where the
// support does not reach). Each output reads only the input, so the loop
// vectorises; the sum's order per output is fixed (d[0] term first), so every
// instruction set gives the same bits.
template <int K>
[[gnu::always_inline]] inline void taps(const double* __restrict p, double* __restrict o, size_t lo,
                                        size_t hi, const double* d) {
  double dd[K + 1];
  for (int m = 0; m <= K; ++m) dd[m] = d[m];
  for (size_t i = lo; i <= hi; ++i) {
    double s = dd[0] * p[i];
    for (int m = 1; m <= K; ++m) s += dd[m] * p[i - static_cast<size_t>(m)];
    o[i] = s;
  }
}

// The pacer's hot loop: with GCC on x86-64 also built for AVX2 (four doubles
// at a time), picked at load time. No FMA: the bits stay those of the scalar
// build.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
[[gnu::target_clones("avx2", "default")]]
#endif
void convolve(const double* __restrict p, double* __restrict o, size_t lo, size_t hi,
              const double* d, int k) {
  switch (k) {
    case 1:
      taps<1>(p, o, lo, hi, d);
      break;
    case 2:
      taps<2>(p, o, lo, hi, d);
      break;
    case 3:
      taps<3>(p, o, lo, hi, d);
      break;
    default:
      taps<4>(p, o, lo, hi, d);
      break;
  }
}

// The block's taps: c[j] = P(j of the K terms happen), then d[m] = c[m] for +1
// terms, c[K − m] for −1 terms. Unrolled into registers (a loop over a stack
// array stalls on store-to-load forwarding; this runs once per block).
template <int K>
[[gnu::always_inline]] inline void blockTaps(const double* q, int sign, double* d) {
  double c[K + 1] = {1.0};
#pragma GCC unroll 8
  for (int t = 0; t < K; ++t) {
    const double r = 1 - q[t];
    c[t + 1] = c[t] * q[t];
#pragma GCC unroll 8
    for (int j = t; j > 0; --j) c[j] = c[j] * r + c[j - 1] * q[t];
    c[0] *= r;
  }
#pragma GCC unroll 8
  for (int m = 0; m <= K; ++m) d[m] = sign > 0 ? c[m] : c[K - m];
}
}  // namespace

void BernoulliSum::addBlock(const double* q, int k, int sign) {
  // Taps by index shift m: +1 terms move value v to v + j (index + j); −1 terms
  // move it to v − j, which with the offset k larger is index + (k − j).
  double d[kBlock + 1];
  switch (k) {
    case 1:
      blockTaps<1>(q, sign, d);
      break;
    case 2:
      blockTaps<2>(q, sign, d);
      break;
    case 3:
      blockTaps<3>(q, sign, d);
      break;
    default:
      blockTaps<4>(q, sign, d);
      break;
  }
  if (sign < 0) offset_ += k;
  const size_t lo = first_;
  const size_t hi = size_ - 1 + static_cast<size_t>(k);
  if (p_.size() <= hi) p_.resize(2 * hi + 2);
  if (other_.size() < p_.size()) other_.resize(p_.size());
  double* p = p_.data();
  double* o = other_.data();
  for (size_t i = size_; i <= hi; ++i) p[i] = 0.0;  // the support's new top reads zeros
  convolve(p, o, lo, hi, d, k);
  for (size_t i = lo - kPad; i < lo; ++i) o[i] = 0.0;  // the next block's taps read below lo
  std::swap(p_, other_);
  size_ = hi + 1;
  trim();
}

double BernoulliSum::atMost(int k) const {
  if (!exact_) {
    const double sd = std::sqrt(std::max(var_, 1e-9));
    return 0.5 * std::erfc(-((k + 0.5 - mean_) / sd) / std::sqrt(2.0));
  }
  const long last = std::min(static_cast<long>(k) + offset_, static_cast<long>(size_) - 1);
  double s = 0;
  for (long i = static_cast<long>(first_); i <= last; ++i) s += p_[static_cast<size_t>(i)];
  return s;
}

}  // namespace clearline::core
