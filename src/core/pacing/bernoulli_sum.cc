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
  while (p_.size() > first_ + 1 && p_.back() < kTailMass) p_.pop_back();
  while (first_ + 1 < p_.size() && p_[first_] < kTailMass) p_[first_++] = 0.0;
}

void BernoulliSum::addAll(const std::vector<double>& q, int sign) {
  if (exact_) {
    for (double x : q) add(x, sign);
    return;
  }
  // Local sums (the members would carry each addition through memory).
  double m = 0, v = 0;
  for (double x : q) {
    x = std::clamp(x, 0.0, 1.0);
    m += x;
    v += x * (1 - x);
  }
  mean_ += sign > 0 ? m : -m;
  var_ += v;
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
