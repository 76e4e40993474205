// Citizenship codes and their shares by naming culture.
#include "population/citizenship.h"

namespace riik::population {
namespace {

constexpr std::string_view kCitizenships[] = {"EST", "RUS", "XXA", "UKR", "BLR", "LVA",
                                              "LTU", "FIN", "DEU", "SWE", "POL", "GBR"};
// Shares in per mille, in the order of kCitizenships.
constexpr double kEstonianSpeaking[] = {975, 0, 0, 2, 0, 5, 4, 7, 3, 2, 1, 1};
constexpr double kRussianSpeaking[] = {500, 250, 150, 80, 20, 0, 0, 0, 0, 0, 0, 0};

}  // namespace

std::span<const std::string_view> Citizenships() { return kCitizenships; }

uint8_t DrawCitizenship(Rng& rng, NameCulture culture) {
  static const WeightedChoice estonian_speaking(kEstonianSpeaking);
  static const WeightedChoice russian_speaking(kRussianSpeaking);
  const WeightedChoice& choice = culture == NameCulture::kEstonian ? estonian_speaking : russian_speaking;
  return static_cast<uint8_t>(choice.Draw(rng));
}

}  // namespace riik::population
