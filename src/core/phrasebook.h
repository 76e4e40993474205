// The pages people read, in English and Estonian: each page set keeps its phrases in a
// Phrasebook, looked up by key in the language the person chose.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace riik {

struct Phrase {
  const char* en;
  const char* et;
};
using Phrasebook = std::map<std::string_view, Phrase>;

// "et" for a wish that starts with it ("et", "et-EE", "et,en;q=0.5"), else "en".
std::string_view PageLanguage(std::string_view wanted);

// The phrase for `key` in `lang` ("et", else English); the key itself if the book has
// none (a missing phrase shows, it does not crash a page).
std::string Translate(const Phrasebook& book, std::string_view key, std::string_view lang);

}  // namespace riik
