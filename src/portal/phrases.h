// Everything the citizen portal says, in English and Estonian.
#pragma once

#include <string>
#include <string_view>

namespace riik::portal {

// The portal's phrase for `key` in `lang` ("en" or "et"); the key itself if it has none.
std::string Tr(std::string_view key, std::string_view lang);

}  // namespace riik::portal
