// Dates and money as a person reads them in each language.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace riik::portal {

// "2006-06-03" as "03.06.2006" in Estonian, "3 June 2006" in English; anything that is
// not such a date as it is.
std::string DateText(std::string_view iso_date, std::string_view lang);

// Cents as euros: "1 040,40 €" in Estonian, "€1,040.40" in English (negative with a
// minus sign).
std::string MoneyText(int64_t cents, std::string_view lang);

// An RFC 3339 time ("2026-12-04T19:33:20.000000Z") as "2026-12-04 19:33:20 UTC";
// anything else as it is.
std::string DateTimeText(std::string_view rfc3339);
// That time as an HTML <time> element, which portal.js shows in the reader's own zone.
std::string DateTimeElement(std::string_view rfc3339);

// A name as the eID certificate spells it ("JAAK-KRISTJAN JÕEORG") as people write it
// ("Jaak-Kristjan Jõeorg"): each part's first letter kept, the rest in lower case
// (ASCII, Latin-1 and Latin Extended-A, which Estonian and its neighbours' names use).
std::string NameText(std::string_view name);

}  // namespace riik::portal
