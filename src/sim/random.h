// Seeded random streams and the distributions scenarios use.
//
// Every lead has its own stream (seed, lead index) and every agent tape its
// own (seed, "agents"), so runs that dial differently still meet the same
// callees and the same staffing (common random numbers, pacing.md §7.2).
// Header-only; value types; any thread.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace clearline::sim {

inline uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// xoshiro256++ (public-domain algorithm by Blackman and Vigna), seeded by splitmix64.
class Rng {
 public:
  Rng() : Rng(0) {}
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (auto& v : s_) v = splitmix64(x);
  }
  Rng(uint64_t seed, uint64_t stream) : Rng(seed * 0x9E3779B97F4A7C15ULL ^ (stream + 0x632BE59BD9B4E019ULL)) {}
  uint64_t next() {
    const uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, 1).
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double exponential(double mean) { return -mean * std::log1p(-uniform()); }
  double normal() {
    double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log1p(-u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// A distribution of durations in seconds.
struct Dist {
  enum class Kind { kConst, kExp, kUniform, kLogNormal, kMixture };
  Kind kind = Kind::kConst;
  double a = 0, b = 0;      // const: a; exp: mean a; uniform: [a,b]; lognormal: mu=a, sigma=b
  double offset = 0;        // added to every draw
  std::vector<double> weights;  // mixture
  std::vector<Dist> parts;

  bool operator==(const Dist&) const = default;
  static Dist constant(double v) { return Dist{Kind::kConst, v, 0, 0, {}, {}}; }
  static Dist exponential(double mean) { return Dist{Kind::kExp, mean, 0, 0, {}, {}}; }
  static Dist uniformIn(double lo, double hi) { return Dist{Kind::kUniform, lo, hi, 0, {}, {}}; }
  static Dist logNormalMeanCv(double mean, double cv) {
    double s2 = std::log1p(cv * cv);
    return Dist{Kind::kLogNormal, std::log(mean) - s2 / 2, std::sqrt(s2), 0, {}, {}};
  }
  static Dist logNormalMedianP90(double median, double p90) {
    return Dist{Kind::kLogNormal, std::log(median), std::log(p90 / median) / 1.2815515655446004, 0,
                {}, {}};
  }

  double sample(Rng& r) const {
    switch (kind) {
      case Kind::kConst: return a + offset;
      case Kind::kExp: return r.exponential(a) + offset;
      case Kind::kUniform: return a + (b - a) * r.uniform() + offset;
      case Kind::kLogNormal: return std::exp(a + b * r.normal()) + offset;
      case Kind::kMixture: {
        double u = r.uniform(), acc = 0;
        for (size_t i = 0; i < parts.size(); ++i) {
          acc += weights[i];
          if (u < acc || i + 1 == parts.size()) return parts[i].sample(r) + offset;
        }
        return offset;
      }
    }
    return offset;
  }
  // P(a draw ≤ x).
  double cdf(double x) const {
    const double y = x - offset;
    switch (kind) {
      case Kind::kConst:
        return y >= a ? 1.0 : 0.0;
      case Kind::kExp:
        return y <= 0 ? 0.0 : 1.0 - std::exp(-y / a);
      case Kind::kUniform:
        if (b <= a) return y >= a ? 1.0 : 0.0;
        return std::clamp((y - a) / (b - a), 0.0, 1.0);
      case Kind::kLogNormal:
        return y <= 0 ? 0.0 : 0.5 * std::erfc(-(std::log(y) - a) / (b * std::sqrt(2.0)));
      case Kind::kMixture: {
        double p = 0;
        for (size_t i = 0; i < parts.size(); ++i) p += weights[i] * parts[i].cdf(y);
        return p;
      }
    }
    return 0;
  }
  double mean() const {
    switch (kind) {
      case Kind::kConst: return a + offset;
      case Kind::kExp: return a + offset;
      case Kind::kUniform: return (a + b) / 2 + offset;
      case Kind::kLogNormal: return std::exp(a + b * b / 2) + offset;
      case Kind::kMixture: {
        double m = 0;
        for (size_t i = 0; i < parts.size(); ++i) m += weights[i] * parts[i].mean();
        return m + offset;
      }
    }
    return offset;
  }
};

}  // namespace clearline::sim
