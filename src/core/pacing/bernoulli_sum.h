// The distribution of a sum of independent ±1 Bernoulli terms on top of a
// fixed integer: S = base + Σ X_i − Σ Y_j, X_i ~ Bernoulli(q_i), Y_j ~
// Bernoulli(r_j). Our pacer's "free callers minus demand" (clearline_pacer.h).
//
// Exact (a Poisson-binomial convolution, one pass over the support per term,
// or per block of four terms for addColumn) for small sums; a normal
// approximation with continuity correction once the caller says the terms are
// too many. The exact form drops outermost values whose probability is below
// kTailMass, so a hundred terms span a few dozen values: every probability it
// returns is within (terms · kTailMass) of the untrimmed one.
//
// Pure; owner: core/pacing. Reuses its buffer across reset() calls.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

namespace clearline::core {

class BernoulliSum {
 public:
  static constexpr double kTailMass = 1e-18;

  // S = base; exact = false uses the normal approximation for every term.
  void reset(int base, bool exact);
  // Adds one term: +1 with probability q (sign > 0) or −1 with probability q (sign < 0).
  // q ≤ 0 adds nothing; q ≥ 1 is a certain step.
  void add(double q, int sign) {
    if (!(q > 0)) return;
    if (q > 1) q = 1;
    if (exact_) return addExact(q, sign);
    mean_ += sign > 0 ? q : -q;
    var_ += q * (1 - q);
  }
  // add(row[col], sign) for every row: one column of a table. The exact form
  // takes the terms kBlock at a time (one pass over the support per block).
  template <size_t K>
  void addColumn(const std::vector<std::array<double, K>>& rows, size_t col, int sign) {
    if (exact_) {
      double block[kBlock];
      int n = 0;
      for (const auto& r : rows) {
        const double q = r[col];
        if (!(q > 0)) continue;
        block[n++] = q > 1 ? 1.0 : q;
        if (n == kBlock) {
          addBlock(block, n, sign);
          n = 0;
        }
      }
      if (n > 0) addBlock(block, n, sign);
      return;
    }
    double m = 0, v = 0;
    for (const auto& r : rows) {
      const double x = std::clamp(r[col], 0.0, 1.0);
      m += x;
      v += x * (1 - x);
    }
    mean_ += sign > 0 ? m : -m;
    var_ += v;
  }
  // P(S ≤ k).
  double atMost(int k) const;
  bool exact() const { return exact_; }
  // Values the exact form currently spans (for tests and measurements).
  size_t span() const { return size_ - first_; }

 private:
  static constexpr int kBlock = 4;
  // The exact form keeps kPad zeros below its lowest index, so that a block's
  // taps never read below the buffer (indices only grow: first_ ≥ kPad).
  static constexpr size_t kPad = kBlock;
  void addExact(double q, int sign);
  // k ≤ kBlock terms of one sign, q in (0, 1]: the support convolved once with
  // the distribution of their sum (out of place, into other_, then swapped: a
  // loop the compiler vectorises).
  void addBlock(const double* q, int k, int sign);
  void trim();

  bool exact_ = true;
  int offset_ = 0;    // index of value 0 in p_
  size_t first_ = 0;  // p_[i] = 0 for i < first_ (trimmed or never reached)
  size_t size_ = 0;   // p_[i] for i ≥ size_ is not part of the support
  std::vector<double> p_, other_;  // (their size is capacity; size_ is the support's end)
  double mean_ = 0, var_ = 0;
};

}  // namespace clearline::core
