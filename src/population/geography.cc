// The place tables and dwelling numbering.
#include "population/geography.h"

#include <array>

namespace riik::population {
namespace {

enum CountyIndex : uint8_t {
  kHarju,
  kHiiu,
  kIdaViru,
  kJogeva,
  kJarva,
  kLaane,
  kLaaneViru,
  kPolva,
  kParnu,
  kRapla,
  kSaare,
  kTartu,
  kValga,
  kViljandi,
  kVoru,
};

constexpr County kCounties[] = {
    {"Harju maakond", "0037", 0.33},      {"Hiiu maakond", "0039", 0.02},     {"Ida-Viru maakond", "0044", 0.75},
    {"Jõgeva maakond", "0049", 0.06},     {"Järva maakond", "0051", 0.03},    {"Lääne maakond", "0057", 0.04},
    {"Lääne-Viru maakond", "0059", 0.07}, {"Põlva maakond", "0065", 0.03},    {"Pärnu maakond", "0067", 0.06},
    {"Rapla maakond", "0070", 0.03},      {"Saare maakond", "0074", 0.01},    {"Tartu maakond", "0078", 0.12},
    {"Valga maakond", "0082", 0.12},      {"Viljandi maakond", "0084", 0.03}, {"Võru maakond", "0086", 0.04},
};

using K = SettlementKind;
constexpr Settlement kSettlements[] = {
    {"Tallinn", "Tallinn", kHarju, K::kCity, 455, 10111},
    {"Maardu", "Maardu linn", kHarju, K::kTown, 16, 74111},
    {"Keila", "Keila linn", kHarju, K::kTown, 10, 76601},
    {"Viimsi alevik", "Viimsi vald", kHarju, K::kTown, 21, 74001},
    {"Jüri alevik", "Rae vald", kHarju, K::kTown, 25, 75301},
    {"Tabasalu alevik", "Harku vald", kHarju, K::kTown, 16, 76901},
    {"Saue", "Saue vald", kHarju, K::kTown, 22, 76505},
    {"Loo alevik", "Jõelähtme vald", kHarju, K::kVillage, 7, 74201},
    {"Kiili alev", "Kiili vald", kHarju, K::kVillage, 6, 75401},
    {"Saku alevik", "Saku vald", kHarju, K::kVillage, 11, 75501},
    {"Paldiski", "Lääne-Harju vald", kHarju, K::kTown, 13, 76806},
    {"Kehra", "Anija vald", kHarju, K::kVillage, 6, 74306},
    {"Kose alevik", "Kose vald", kHarju, K::kVillage, 7, 75101},
    {"Kuusalu alevik", "Kuusalu vald", kHarju, K::kVillage, 6, 74601},
    {"Aruküla alevik", "Raasiku vald", kHarju, K::kVillage, 5, 75201},
    {"Kärdla", "Hiiumaa vald", kHiiu, K::kTown, 3.3, 92411},
    {"Käina alevik", "Hiiumaa vald", kHiiu, K::kVillage, 2.5, 92101},
    {"Emmaste küla", "Hiiumaa vald", kHiiu, K::kVillage, 1.5, 92001},
    {"Kõrgessaare alevik", "Hiiumaa vald", kHiiu, K::kVillage, 1.6, 92201},
    {"Narva", "Narva linn", kIdaViru, K::kCity, 53, 20101},
    {"Kohtla-Järve", "Kohtla-Järve linn", kIdaViru, K::kCity, 32, 30321},
    {"Jõhvi", "Jõhvi vald", kIdaViru, K::kTown, 12, 41531},
    {"Sillamäe", "Sillamäe linn", kIdaViru, K::kTown, 12, 40231},
    {"Narva-Jõesuu", "Narva-Jõesuu linn", kIdaViru, K::kTown, 4.5, 29021},
    {"Toila alevik", "Toila vald", kIdaViru, K::kVillage, 4.5, 41701},
    {"Kiviõli", "Lüganuse vald", kIdaViru, K::kTown, 8, 43121},
    {"Iisaku alevik", "Alutaguse vald", kIdaViru, K::kVillage, 4.5, 41101},
    {"Jõgeva", "Jõgeva vald", kJogeva, K::kTown, 13, 48306},
    {"Põltsamaa", "Põltsamaa vald", kJogeva, K::kTown, 9, 48104},
    {"Mustvee", "Mustvee vald", kJogeva, K::kVillage, 5, 49603},
    {"Paide", "Paide linn", kJarva, K::kTown, 10.5, 72711},
    {"Türi", "Türi vald", kJarva, K::kTown, 10, 72213},
    {"Koeru alevik", "Järva vald", kJarva, K::kVillage, 9, 73001},
    {"Haapsalu", "Haapsalu linn", kLaane, K::kTown, 13, 90502},
    {"Taebla alevik", "Lääne-Nigula vald", kLaane, K::kVillage, 6.5, 90801},
    {"Hullo küla", "Vormsi vald", kLaane, K::kVillage, 0.5, 91301},
    {"Rakvere", "Rakvere linn", kLaaneViru, K::kTown, 15, 44306},
    {"Sõmeru alevik", "Rakvere vald", kLaaneViru, K::kVillage, 5, 44201},
    {"Tapa", "Tapa vald", kLaaneViru, K::kTown, 10.5, 45106},
    {"Väike-Maarja alevik", "Väike-Maarja vald", kLaaneViru, K::kVillage, 6, 46202},
    {"Kunda", "Viru-Nigula vald", kLaaneViru, K::kTown, 5.5, 44106},
    {"Haljala alevik", "Haljala vald", kLaaneViru, K::kVillage, 4, 45301},
    {"Kadrina alevik", "Kadrina vald", kLaaneViru, K::kVillage, 5, 45201},
    {"Vinni alevik", "Vinni vald", kLaaneViru, K::kVillage, 5, 46601},
    {"Põlva", "Põlva vald", kPolva, K::kTown, 14, 63308},
    {"Räpina", "Räpina vald", kPolva, K::kTown, 6, 64505},
    {"Kanepi alevik", "Kanepi vald", kPolva, K::kVillage, 4.5, 63101},
    {"Pärnu", "Pärnu linn", kParnu, K::kCity, 52, 80010},
    {"Pärnu-Jaagupi alev", "Põhja-Pärnumaa vald", kParnu, K::kVillage, 8, 87201},
    {"Kilingi-Nõmme", "Saarde vald", kParnu, K::kVillage, 4.5, 86301},
    {"Sindi", "Tori vald", kParnu, K::kTown, 11, 86705},
    {"Lihula", "Lääneranna vald", kParnu, K::kVillage, 5, 90302},
    {"Häädemeeste alevik", "Häädemeeste vald", kParnu, K::kVillage, 5, 86001},
    {"Rapla", "Rapla vald", kRapla, K::kTown, 13, 79511},
    {"Kohila alev", "Kohila vald", kRapla, K::kTown, 7.5, 79801},
    {"Märjamaa alev", "Märjamaa vald", kRapla, K::kVillage, 7.5, 78301},
    {"Kehtna alevik", "Kehtna vald", kRapla, K::kVillage, 5.5, 79001},
    {"Kuressaare", "Saaremaa vald", kSaare, K::kTown, 13, 93811},
    {"Orissaare alevik", "Saaremaa vald", kSaare, K::kVillage, 4, 94601},
    {"Leisi alevik", "Saaremaa vald", kSaare, K::kVillage, 4, 94201},
    {"Valjala alevik", "Saaremaa vald", kSaare, K::kVillage, 4, 94101},
    {"Liiva küla", "Muhu vald", kSaare, K::kVillage, 2, 94701},
    {"Ruhnu küla", "Ruhnu vald", kSaare, K::kVillage, 0.2, 93001},
    {"Tartu", "Tartu linn", kTartu, K::kCity, 97, 50050},
    {"Kõrveküla alevik", "Tartu vald", kTartu, K::kVillage, 11, 60501},
    {"Kambja alevik", "Kambja vald", kTartu, K::kVillage, 11, 61501},
    {"Elva", "Elva vald", kTartu, K::kTown, 14, 61504},
    {"Kurepalu küla", "Kastre vald", kTartu, K::kVillage, 5, 62101},
    {"Luunja alevik", "Luunja vald", kTartu, K::kVillage, 5, 62201},
    {"Nõo alevik", "Nõo vald", kTartu, K::kVillage, 4, 61601},
    {"Kallaste", "Peipsiääre vald", kTartu, K::kVillage, 5, 60104},
    {"Valga", "Valga vald", kValga, K::kTown, 15, 68203},
    {"Tõrva", "Tõrva vald", kValga, K::kTown, 6.5, 68605},
    {"Otepää", "Otepää vald", kValga, K::kTown, 6.5, 67405},
    {"Viljandi", "Viljandi linn", kViljandi, K::kTown, 17, 71003},
    {"Ramsi alevik", "Viljandi vald", kViljandi, K::kVillage, 13, 71301},
    {"Abja-Paluoja", "Mulgi vald", kViljandi, K::kVillage, 7, 69403},
    {"Suure-Jaani", "Põhja-Sakala vald", kViljandi, K::kVillage, 8, 71502},
    {"Võru", "Võru linn", kVoru, K::kTown, 12, 65604},
    {"Parksepa alevik", "Võru vald", kVoru, K::kVillage, 10, 66001},
    {"Antsla", "Antsla vald", kVoru, K::kVillage, 4.5, 66403},
    {"Rõuge alevik", "Rõuge vald", kVoru, K::kVillage, 5, 66201},
    {"Värska alevik", "Setomaa vald", kVoru, K::kVillage, 3.2, 64001},
};

constexpr std::string_view kStreets[] = {
    "Pikk tn",       "Lai tn",        "Kesk tn",        "Kooli tn",
    "Aia tn",        "Jaama tn",      "Pargi tn",       "Metsa tn",
    "Mere pst",      "Vabaduse pst",  "Tööstuse tn",    "Nurme tn",
    "Lille tn",      "Kase tn",       "Männi tn",       "Kuuse tn",
    "Pihlaka tn",    "Vahtra tn",     "Tamme tn",       "Saare tn",
    "Oja tn",        "Jõe tn",        "Veski tn",       "Raudtee tn",
    "Posti tn",      "Sadama tn",     "Rüütli tn",      "Uus tn",
    "Vana tn",       "Turu tn",       "Lossi tn",       "Kalda tn",
    "Ranna tee",     "Liiva tn",      "Kivi tn",        "Kalevi tn",
    "Lõuna tn",      "Põhja pst",     "Ida tn",         "Lääne tn",
    "Päikese tn",    "Tähe tn",       "Karja tn",       "Aleksandri tn",
    "Riia mnt",      "Tallinna mnt",  "Tartu mnt",      "Pärnu mnt",
    "Narva mnt",     "Viljandi mnt",  "Kreutzwaldi tn", "Koidula tn",
    "Jakobsoni tn",  "Faehlmanni tn", "Kuperjanovi tn", "Vanemuise tn",
    "Soola tn",      "Ringi tn",      "Sõpruse pst",    "Mustamäe tee",
    "Paldiski mnt",  "Peterburi tee", "Sõle tn",        "Sütiste tee",
    "Akadeemia tee", "Ehitajate tee", "Kadaka tee",     "Endla tn",
    "Tulika tn",     "Estonia pst",   "Gonsiori tn",    "Kaupmehe tn",
    "Liivalaia tn",  "Tatari tn",     "Tehnika tn",     "Toompuiestee",
    "Vilde tee",     "Laagna tee",    "Lasnamäe tn",    "Pae tn",
    "Punane tn",     "Majaka tn",     "Kotka tn",       "Luise tn",
    "Koskla tn",     "Mustjõe tn",    "Nõmme tee",      "Vabaõhumuuseumi tee",
    "Kõrgemäe tn",   "Raja tn",       "Ristiku tn",     "Kaare tn",
    "Kungla tn",     "Lõkke tn",      "Kaevu tn",       "Hariduse tn",
    "Kirsi tn",      "Ploomi tn",     "Õuna tn",        "Sireli tn",
    "Jasmiini tn",   "Nurmenuku tn",  "Kullerkupu tn",  "Rukkilille tn",
    "Karikakra tn",  "Tulbi tn",      "Roosi tn",       "Kannikese tn",
    "Põllu tn",      "Välja tn",      "Niidu tn",       "Heina tn",
    "Künka tn",      "Mäe tn",        "Oru tn",         "Kraavi tn",
    "Silla tn",      "Kiriku tn",     "Kalmistu tee",   "Haigla tn",
    "Spordi tn",     "Staadioni tn",  "Muuseumi tee",   "Lennujaama tee",
    "Puiestee tn",   "Tuule tn",      "Vikerkaare tn",  "Kuu tn",
    "Koidu tn",      "Eha tn",        "Ääsi tn",        "Sepa tn",
    "Rätsepa tn",    "Kingsepa tn",   "Pagari tn",      "Kalurite tn",
    "Meremeeste tn", "Laeva tn",      "Kaluri tee",     "Vee tn",
    "Allika tn",     "Järve tn",      "Kopli tn",       "Tähetorni tn",
    "Filtri tee",    "Valge tn",      "Nafta tn",
};

// Schools; a few per county.
constexpr SchoolSite kSchoolSites[] = {
    {"Tallinna Reaalkool", kHarju},
    {"Gustav Adolfi Gümnaasium", kHarju},
    {"Tallinna Inglise Kolledž", kHarju},
    {"Viimsi Kool", kHarju},
    {"Saue Gümnaasium", kHarju},
    {"Jüri Gümnaasium", kHarju},
    {"Hiiumaa Gümnaasium", kHiiu},
    {"Käina Kool", kHiiu},
    {"Narva Keeltelütseum", kIdaViru},
    {"Kohtla-Järve Gümnaasium", kIdaViru},
    {"Jõhvi Gümnaasium", kIdaViru},
    {"Sillamäe Gümnaasium", kIdaViru},
    {"Jõgeva Gümnaasium", kJogeva},
    {"Põltsamaa Ühisgümnaasium", kJogeva},
    {"Paide Gümnaasium", kJarva},
    {"Türi Ühisgümnaasium", kJarva},
    {"Haapsalu Gümnaasium", kLaane},
    {"Taebla Kool", kLaane},
    {"Rakvere Gümnaasium", kLaaneViru},
    {"Tapa Gümnaasium", kLaaneViru},
    {"Kadrina Keskkool", kLaaneViru},
    {"Põlva Gümnaasium", kPolva},
    {"Räpina Ühisgümnaasium", kPolva},
    {"Pärnu Koidula Gümnaasium", kParnu},
    {"Pärnu Sütevaka Humanitaargümnaasium", kParnu},
    {"Sindi Gümnaasium", kParnu},
    {"Rapla Vesiroosi Gümnaasium", kRapla},
    {"Kohila Gümnaasium", kRapla},
    {"Saaremaa Ühisgümnaasium", kSaare},
    {"Kuressaare Gümnaasium", kSaare},
    {"Hugo Treffneri Gümnaasium", kTartu},
    {"Miina Härma Gümnaasium", kTartu},
    {"Tartu Descartes'i Kool", kTartu},
    {"Elva Gümnaasium", kTartu},
    {"Valga Gümnaasium", kValga},
    {"Tõrva Gümnaasium", kValga},
    {"Otepää Gümnaasium", kValga},
    {"Viljandi Gümnaasium", kViljandi},
    {"Viljandi Jakobsoni Kool", kViljandi},
    {"Võru Kreutzwaldi Kool", kVoru},
    {"Võru Gümnaasium", kVoru},
};

// How dwellings are numbered in each kind of settlement.
struct DwellingShape {
  uint32_t streets;     // how many of Streets() the settlement has
  uint32_t houses;      // house numbers 1..houses
  uint32_t apartments;  // apartment numbers 1..apartments, or 0 for houses only
  int postal_codes;     // how many postal codes its streets spread over
};

constexpr DwellingShape ShapeOf(SettlementKind kind) {
  switch (kind) {
    case SettlementKind::kCity:
      return {140, 200, 90, 900};
    case SettlementKind::kTown:
      return {60, 150, 24, 10};
    case SettlementKind::kVillage:
      return {30, 300, 0, 1};
  }
  return {1, 1, 0, 1};
}

constexpr size_t kStreetCount = std::size(kStreets);
// Scatters the dwelling counter: a multiplier that is prime and larger than every
// capacity, so multiplication modulo the capacity is a bijection.
constexpr uint64_t kScatter = 2'750'159;

// A settlement's streets are a window of Streets() starting at a settlement's own offset.
uint32_t FirstStreetOf(uint16_t settlement) { return (settlement * 37u) % kStreetCount; }

}  // namespace

std::span<const County> Counties() { return kCounties; }
std::span<const Settlement> Settlements() { return kSettlements; }
std::span<const std::string_view> Streets() { return kStreets; }
std::span<const SchoolSite> SchoolSites() { return kSchoolSites; }

uint32_t DwellingCapacity(uint16_t settlement) {
  DwellingShape shape = ShapeOf(kSettlements[settlement].kind);
  return shape.streets * shape.houses * (shape.apartments == 0 ? 1 : shape.apartments);
}

Dwelling NthDwelling(uint16_t settlement, uint32_t n) {
  DwellingShape shape = ShapeOf(kSettlements[settlement].kind);
  uint32_t capacity = DwellingCapacity(settlement);
  uint32_t scattered = static_cast<uint32_t>((static_cast<uint64_t>(n % capacity) * kScatter) % capacity);
  Dwelling d;
  d.settlement = settlement;
  d.street = static_cast<uint16_t>((FirstStreetOf(settlement) + scattered % shape.streets) % kStreetCount);
  scattered /= shape.streets;
  d.house = static_cast<uint16_t>(1 + scattered % shape.houses);
  scattered /= shape.houses;
  d.apartment = static_cast<uint16_t>(shape.apartments == 0 ? 0 : 1 + scattered);
  return d;
}

int PostalCode(const Dwelling& dwelling) {
  const Settlement& s = kSettlements[dwelling.settlement];
  int spread = ShapeOf(s.kind).postal_codes;
  return s.postal_base + static_cast<int>((dwelling.street * 13u) % static_cast<uint32_t>(spread));
}

uint8_t CountyOf(const Dwelling& dwelling) { return kSettlements[dwelling.settlement].county; }

std::string StreetAddress(const Dwelling& dwelling) {
  std::string out(kStreets[dwelling.street]);
  out.push_back(' ');
  out.append(std::to_string(dwelling.house));
  if (dwelling.apartment != 0) {
    out.push_back('-');
    out.append(std::to_string(dwelling.apartment));
  }
  return out;
}

std::string FullAddress(const Dwelling& dwelling) {
  const Settlement& s = kSettlements[dwelling.settlement];
  std::string out(kCounties[s.county].name);
  out.append(", ").append(s.municipality);
  bool town_is_municipality = s.municipality == s.name || s.municipality == std::string(s.name) + " linn";
  if (!town_is_municipality) out.append(", ").append(s.name);
  out.append(", ").append(StreetAddress(dwelling));
  return out;
}

}  // namespace riik::population
