// Phrase lookup (phrasebook.h).
#include "core/phrasebook.h"

namespace riik {

std::string_view PageLanguage(std::string_view wanted) { return wanted.starts_with("et") ? "et" : "en"; }

std::string Translate(const Phrasebook& book, std::string_view key, std::string_view lang) {
  auto it = book.find(key);
  if (it == book.end()) return std::string(key);
  return lang == "et" ? it->second.et : it->second.en;
}

}  // namespace riik
