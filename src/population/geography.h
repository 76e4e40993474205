// Where people live: Estonia's 15 counties, settlements in each (with their
// municipality and postal code range), street names, and a few schools per county.
// Fixed tables typed from public sources; Dwelling rows index into them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "population/population.h"

namespace riik::population {

struct County {
  std::string_view name;          // "Harju maakond"
  std::string_view ehak;          // the county's code in the Estonian classification of places (EHAK)
  double russian_speaking_share;  // of households, for names and citizenship
};

enum class SettlementKind : uint8_t {
  kCity,     // apartment blocks
  kTown,     // houses and small apartment buildings
  kVillage,  // houses
};

struct Settlement {
  std::string_view name;          // "Tallinn", "Jüri alevik"
  std::string_view municipality;  // "Tallinn", "Rae vald"
  uint8_t county;                 // index into Counties()
  SettlementKind kind;
  double residents_thousands;  // how many live there, roughly: the weight for drawing
  int postal_base;             // the first of its postal codes
};

struct SchoolSite {
  std::string_view name;
  uint8_t county;
};

std::span<const County> Counties();
std::span<const Settlement> Settlements();
// Street names with their kind ("Pikk tn", "Pärnu mnt").
std::span<const std::string_view> Streets();
// Schools (general education), a few per county.
std::span<const SchoolSite> SchoolSites();

// How many distinct dwellings NthDwelling numbers in a settlement before repeating.
uint32_t DwellingCapacity(uint16_t settlement);
// The n-th dwelling of a settlement: a bijection of [0, DwellingCapacity) onto street,
// house and apartment numbers, scattered so that neighbours in n are not neighbours
// in the street.
Dwelling NthDwelling(uint16_t settlement, uint32_t n);

// The 5-digit postal code of a dwelling (the same for a whole street).
int PostalCode(const Dwelling& dwelling);
// The county a dwelling is in (index into Counties()).
uint8_t CountyOf(const Dwelling& dwelling);
// "Pikk tn 12-3" (street, house, apartment).
std::string StreetAddress(const Dwelling& dwelling);
// The whole address as the address data system writes it, largest unit first:
// "Harju maakond, Rae vald, Jüri alevik, Pikk tn 12-3" (a town that is its own
// municipality is named once: "Harju maakond, Tallinn, Pikk tn 12-3").
std::string FullAddress(const Dwelling& dwelling);

}  // namespace riik::population
