// xoshiro256** (Blackman and Vigna), SplitMix64 seeding, and the distributions.
#include "population/random.h"

#include <algorithm>
#include <bit>

namespace riik::population {
namespace {

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Fnv1a(std::string_view text) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  return h;
}

}  // namespace

Rng::Rng(uint64_t seed, std::string_view stream) {
  uint64_t state = seed ^ Fnv1a(stream);
  for (uint64_t& word : s_) word = SplitMix64(state);
}

uint64_t Rng::Next() {
  const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = std::rotl(s_[3], 45);
  return result;
}

uint32_t Rng::Below(uint32_t n) {
  // Lemire's multiply-and-shift with rejection of the biased low part.
  uint64_t product = (Next() >> 32) * n;
  uint32_t low = static_cast<uint32_t>(product);
  if (low < n) {
    const uint32_t threshold = static_cast<uint32_t>(-n) % n;
    while (low < threshold) {
      product = (Next() >> 32) * n;
      low = static_cast<uint32_t>(product);
    }
  }
  return static_cast<uint32_t>(product >> 32);
}

int32_t Rng::Between(int32_t lo, int32_t hi) {
  return lo + static_cast<int32_t>(Below(static_cast<uint32_t>(hi - lo) + 1));
}

double Rng::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

double Rng::Normalish() {
  // The sum of four U(0,1) has mean 2 and variance 1/3.
  double sum = Unit() + Unit() + Unit() + Unit();
  return (sum - 2.0) * 1.7320508075688772;
}

WeightedChoice::WeightedChoice(std::span<const double> weights) {
  double total = 0;
  cumulative_.reserve(weights.size());
  for (double w : weights) cumulative_.push_back(total += w);
  for (double& c : cumulative_) c /= total;
}

uint32_t WeightedChoice::Draw(Rng& rng) const {
  double u = rng.Unit();
  auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u);
  if (it == cumulative_.end()) --it;
  return static_cast<uint32_t>(it - cumulative_.begin());
}

namespace {

std::vector<double> WeightsOf(std::span<const WeightedRange> ranges) {
  std::vector<double> weights;
  for (const WeightedRange& r : ranges) weights.push_back(r.weight);
  return weights;
}

}  // namespace

RangeChoice::RangeChoice(std::span<const WeightedRange> ranges) : ranges_(ranges), choice_(WeightsOf(ranges)) {}

int RangeChoice::Draw(Rng& rng) const {
  const WeightedRange& range = ranges_[choice_.Draw(rng)];
  return rng.Between(range.from, range.to);
}

}  // namespace riik::population
