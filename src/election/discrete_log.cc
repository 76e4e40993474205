// Baby-step giant-step over ristretto255.
#include "election/discrete_log.h"

#include <cmath>
#include <cstring>
#include <string>
#include <unordered_map>

namespace riik::election {

Result<uint64_t> SmallDiscreteLog(const Point& mg, uint64_t max) {
  if (max > (uint64_t{1} << 40)) return InvalidArgument("a count above 2^40 is not a tally");
  const uint64_t step = static_cast<uint64_t>(std::sqrt(static_cast<double>(max))) + 1;
  std::unordered_map<std::string, uint64_t> baby;  // j·G → j, for j < step
  baby.reserve(step);
  Point jg;
  for (uint64_t j = 0; j < step; ++j) {
    baby.emplace(std::string(jg.Bytes()), j);
    jg = jg + Point::Generator();
  }
  const Point giant = jg;  // step·G
  Point rest = mg;         // mg − i·step·G
  for (uint64_t i = 0; i * step <= max; ++i) {
    if (auto it = baby.find(std::string(rest.Bytes())); it != baby.end()) {
      const uint64_t m = i * step + it->second;
      if (m <= max) return m;
      break;
    }
    rest = rest - giant;
  }
  return NotFound("the decrypted value is not a count between 0 and " + std::to_string(max));
}

}  // namespace riik::election
