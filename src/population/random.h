// The generator's randomness: xoshiro256** seeded through SplitMix64, and the few
// distributions it needs, all in integer or exactly specified arithmetic so that a
// seed gives the same population on every run. (std:: distributions are not specified
// bit for bit, so they are not used.)
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace riik::population {

class Rng {
 public:
  // An independent stream per (seed, stream name): each phase of the generator has its
  // own, so changing one phase does not reshuffle the others.
  Rng(uint64_t seed, std::string_view stream);

  uint64_t Next();
  // Uniform in [0, n); n > 0.
  uint32_t Below(uint32_t n);
  // Uniform in [lo, hi]; lo <= hi.
  int32_t Between(int32_t lo, int32_t hi);
  // Uniform in [0, 1).
  double Unit();
  // True with probability `p`.
  bool Chance(double p) { return Unit() < p; }
  // Approximately standard normal (a scaled sum of four uniforms, |x| < 3.5).
  double Normalish();

 private:
  uint64_t s_[4];
};

// Draws an index with probability proportional to its weight.
class WeightedChoice {
 public:
  explicit WeightedChoice(std::span<const double> weights);
  uint32_t Draw(Rng& rng) const;
  size_t size() const { return cumulative_.size(); }

 private:
  std::vector<double> cumulative_;
};

// A whole number drawn from weighted ranges: first a range by weight, then uniformly
// within it (ages by age band, company sizes by size band).
struct WeightedRange {
  int from, to;  // inclusive
  double weight;
};

class RangeChoice {
 public:
  explicit RangeChoice(std::span<const WeightedRange> ranges);
  int Draw(Rng& rng) const;

 private:
  std::span<const WeightedRange> ranges_;
  WeightedChoice choice_;
};

}  // namespace riik::population
