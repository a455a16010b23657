#include "core/pacing/bernoulli_sum.h"

#include <algorithm>
#include <cmath>

namespace clearline::core {

void BernoulliSum::reset(int base, bool exact) {
  exact_ = exact;
  mean_ = base;
  var_ = 0;
  if (!exact) return;
  // Representation: p_[i] = P(S = i − offset_).
  if (base >= 0) {
    offset_ = 0;
    first_ = static_cast<size_t>(base);
    p_.assign(static_cast<size_t>(base) + 1, 0.0);
    p_[static_cast<size_t>(base)] = 1.0;
  } else {
    offset_ = -base;
    first_ = 0;
    p_.assign(1, 1.0);
  }
}

void BernoulliSum::addExact(double q, int sign) {
  // One convolution step, in place: each loop reads p[i − 1] before the
  // iteration below overwrites it (and vectorises; see src/core/CMakeLists.txt).
  const double r = 1 - q;
  const size_t n = p_.size();
  const size_t lo = first_;
  p_.push_back(0.0);
  double* p = p_.data();
  if (sign > 0) {
    // new[i] = old[i]·r + old[i − 1]·q
    for (size_t i = n; i > lo; --i) p[i] = p[i] * r + p[i - 1] * q;
    p[lo] *= r;
  } else {
    // Value v moves to v − 1 with probability q; with index i = v + offset and
    // the offset one larger: new[i] = old[i − 1]·r + old[i]·q.
    offset_ += 1;
    for (size_t i = n; i > lo; --i) p[i] = p[i - 1] * r + p[i] * q;
    p[lo] *= q;
  }
  trim();
}

void BernoulliSum::trim() {
  while (p_.size() > first_ + 1 && p_.back() < kTailMass) p_.pop_back();
  while (first_ + 1 < p_.size() && p_[first_] < kTailMass) p_[first_++] = 0.0;
}

namespace {
// In place, from the top down: p[i] = Σ_m d[m]·p[i − m] for lo ≤ i ≤ hi, with
// p[x] = 0 for x < lo (each p[i] reads only entries below it, not yet written).
template <int K>
void tapsDown(double* p, size_t lo, size_t hi, const double* d) {
  size_t i = hi;
  for (; i >= lo + K; --i) {
    double s = d[0] * p[i];
    for (int m = 1; m <= K; ++m) s += d[m] * p[i - static_cast<size_t>(m)];
    p[i] = s;
  }
  for (;; --i) {  // lo ≤ i < lo + K: fewer taps reach the support
    double s = d[0] * p[i];
    for (int m = 1; m <= K && i >= lo + static_cast<size_t>(m); ++m)
      s += d[m] * p[i - static_cast<size_t>(m)];
    p[i] = s;
    if (i == lo) break;
  }
}
}  // namespace

void BernoulliSum::addBlock(const double* q, int k, int sign) {
  // c[j] = P(j of the k terms happen).
  double c[kBlock + 1] = {1.0};
  for (int t = 0; t < k; ++t) {
    const double r = 1 - q[t];
    c[t + 1] = c[t] * q[t];
    for (int j = t; j > 0; --j) c[j] = c[j] * r + c[j - 1] * q[t];
    c[0] *= r;
  }
  // Taps by index shift m: +1 terms move value v to v + j (index + j); −1 terms
  // move it to v − j, which with the offset k larger is index + (k − j).
  double d[kBlock + 1];
  for (int m = 0; m <= k; ++m) d[m] = sign > 0 ? c[m] : c[k - m];
  if (sign < 0) offset_ += k;
  const size_t n = p_.size();
  p_.resize(n + static_cast<size_t>(k), 0.0);
  double* p = p_.data();
  const size_t hi = n - 1 + static_cast<size_t>(k);
  switch (k) {
    case 1:
      tapsDown<1>(p, first_, hi, d);
      break;
    case 2:
      tapsDown<2>(p, first_, hi, d);
      break;
    case 3:
      tapsDown<3>(p, first_, hi, d);
      break;
    default:
      tapsDown<4>(p, first_, hi, d);
      break;
  }
  trim();
}

double BernoulliSum::atMost(int k) const {
  if (!exact_) {
    const double sd = std::sqrt(std::max(var_, 1e-9));
    return 0.5 * std::erfc(-((k + 0.5 - mean_) / sd) / std::sqrt(2.0));
  }
  const long last = std::min(static_cast<long>(k) + offset_, static_cast<long>(p_.size()) - 1);
  double s = 0;
  for (long i = static_cast<long>(first_); i <= last; ++i) s += p_[static_cast<size_t>(i)];
  return s;
}

}  // namespace clearline::core
