// BernoulliSum: the exact form equals brute-force enumeration of every
// outcome; the trimmed tails cost at most terms · kTailMass; the normal form is
// the continuity-corrected normal of the same mean and variance.
#include "core/pacing/bernoulli_sum.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

namespace clearline::core {
namespace {

struct Term {
  double q;
  int sign;
};

// P(base + Σ ± X ≤ k) by enumerating all 2^n outcomes.
double bruteAtMost(int base, const std::vector<Term>& t, int k) {
  double total = 0;
  for (uint32_t m = 0; m < (1u << t.size()); ++m) {
    double pr = 1;
    int s = base;
    for (size_t i = 0; i < t.size(); ++i) {
      bool on = (m >> i) & 1;
      pr *= on ? t[i].q : 1 - t[i].q;
      if (on) s += t[i].sign;
    }
    if (s <= k) total += pr;
  }
  return total;
}

TEST(BernoulliSumTest, ExactFormEqualsEnumerationOfEveryOutcome) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 200; ++trial) {
    const int base = static_cast<int>(rng() % 9) - 4;
    std::vector<Term> terms;
    const size_t n = rng() % 15;
    for (size_t i = 0; i < n; ++i) {
      // Some certain and some impossible terms among ordinary ones.
      double q = rng() % 10 == 0 ? 1.0 : rng() % 10 == 0 ? 0.0 : u(rng);
      terms.push_back({q, rng() % 2 ? +1 : -1});
    }
    BernoulliSum s;
    s.reset(base, true);
    for (const auto& t : terms) s.add(t.q, t.sign);
    for (int k = -20; k <= 20; ++k)
      ASSERT_NEAR(s.atMost(k), bruteAtMost(base, terms, k), 1e-12)
          << "trial " << trial << " k " << k;
  }
}

// addColumn takes the terms of a column four at a time (one pass per block):
// the same distribution as adding them one by one, including blocks of one to
// three, certain terms and impossible ones.
TEST(BernoulliSumTest, ColumnsAddedInBlocksEqualEnumerationOfEveryOutcome) {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int trial = 0; trial < 300; ++trial) {
    const int base = static_cast<int>(rng() % 9) - 4;
    std::vector<std::array<double, 2>> up, down;  // column 1 is the one added
    std::vector<Term> terms;
    for (size_t i = rng() % 8; i > 0; --i) {
      double q = rng() % 10 == 0 ? 1.0 : rng() % 10 == 0 ? 0.0 : u(rng);
      up.push_back({u(rng), q});
      terms.push_back({q, +1});
    }
    for (size_t i = rng() % 9; i > 0; --i) {
      double q = rng() % 10 == 0 ? 1.0 : u(rng);
      down.push_back({u(rng), q});
      terms.push_back({q, -1});
    }
    BernoulliSum s;
    s.reset(base, true);
    s.addColumn(up, 1, +1);
    s.addColumn(down, 1, -1);
    for (int k = -20; k <= 20; ++k)
      ASSERT_NEAR(s.atMost(k), bruteAtMost(base, terms, k), 1e-12)
          << "trial " << trial << " k " << k;
  }
}

TEST(BernoulliSumTest, TrimmedTailsChangeNoProbabilityByMoreThanTheirBound) {
  // 300 terms (more than the pacer ever sums exactly): the trimmed form against a
  // plain convolution over the whole support.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<Term> terms;
  for (int i = 0; i < 300; ++i) terms.push_back({u(rng), i % 3 == 0 ? +1 : -1});
  const int base = 5;
  // Reference: p[v + 400] = P(S = v), no trimming.
  std::vector<double> ref(801, 0.0);
  ref[base + 400] = 1.0;
  for (const auto& t : terms) {
    std::vector<double> next(801, 0.0);
    // Values stay within [base − 300, base + 300], so indices 0 and 800 never hold mass.
    for (size_t i = 1; i + 1 < ref.size(); ++i) {
      next[i] += ref[i] * (1 - t.q);
      size_t j = t.sign > 0 ? i + 1 : i - 1;
      next[j] += ref[i] * t.q;
    }
    ref.swap(next);
  }
  BernoulliSum s;
  s.reset(base, true);
  for (const auto& t : terms) s.add(t.q, t.sign);
  EXPECT_LT(s.span(), 150u)
      << "the trimmed support should be far narrower than the 301 values reachable";
  // The same terms as two columns, added in blocks.
  std::vector<std::array<double, 1>> up, down;
  for (const auto& t : terms) (t.sign > 0 ? up : down).push_back({t.q});
  BernoulliSum b;
  b.reset(base, true);
  b.addColumn(up, 0, +1);
  b.addColumn(down, 0, -1);
  EXPECT_LT(b.span(), 150u);
  double cum = 0;
  for (int k = -400; k <= 400; ++k) {
    cum += ref[static_cast<size_t>(k + 400)];
    ASSERT_NEAR(s.atMost(k), cum, 300 * BernoulliSum::kTailMass + 1e-12) << "k " << k;
    ASSERT_NEAR(b.atMost(k), cum, 300 * BernoulliSum::kTailMass + 1e-12) << "blocks, k " << k;
  }
}

TEST(BernoulliSumTest, NormalFormIsTheContinuityCorrectedNormal) {
  BernoulliSum s;
  s.reset(3, false);
  s.add(0.5, +1);  // mean 3.5, var 0.25
  s.add(0.2, -1);  // mean 3.3, var 0.41
  s.add(0.0, -1);  // nothing
  const double sd = std::sqrt(0.41);
  auto phi = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  EXPECT_NEAR(s.atMost(0), phi((0.5 - 3.3) / sd), 1e-12);
  EXPECT_NEAR(s.atMost(4), phi((4.5 - 3.3) / sd), 1e-12);
  EXPECT_FALSE(s.exact());
}

}  // namespace
}  // namespace clearline::core
