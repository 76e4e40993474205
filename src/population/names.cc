// The name lists, roughly most common first within each culture.
#include "population/names.h"

#include <array>
#include <string>
#include <vector>

namespace riik::population {
namespace {

using identity::Sex;

constexpr std::string_view kMaleEstonian[] = {
    "Andres",    "Jaan",   "Toomas",   "Martin",    "Rein",    "Peeter",      "Mart",    "Tiit",       "Margus",
    "Urmas",     "Priit",  "Aivar",    "Indrek",    "Raivo",   "Tarmo",       "Tõnu",    "Siim",       "Kristjan",
    "Rasmus",    "Marko",  "Meelis",   "Ain",       "Andrus",  "Jüri",        "Kalle",   "Karl",       "Mati",
    "Ants",      "Enn",    "Hendrik",  "Oliver",    "Robin",   "Sander",      "Lauri",   "Madis",      "Mihkel",
    "Kaspar",    "Markus", "Joosep",   "Kevin",     "Tanel",   "Taavi",       "Kaarel",  "Aleksander", "Mait",
    "Arvo",      "Heino",  "Ülo",      "Olev",      "Kalev",   "Jaanus",      "Janek",   "Erik",       "Raul",
    "Rainer",    "Rando",  "Veiko",    "Argo",      "Ahti",    "Alar",        "Allan",   "Alo",        "Andreas",
    "Anton",     "Ardo",   "Arno",     "Arne",      "Artur",   "Arvi",        "Egon",    "Eino",       "Elmar",
    "Endel",     "Erki",   "Ermo",     "Georg",     "Gert",    "Gunnar",      "Hannes",  "Harri",      "Heiki",
    "Henri",     "Hugo",   "Imre",     "Ivo",       "Jaak",    "Jakob",       "Jarmo",   "Joonas",     "Juhan",
    "Jürgen",    "Kaido",  "Kalju",    "Karel",     "Kaupo",   "Kaur",        "Kert",    "Kristo",     "Kuno",
    "Lembit",    "Leo",    "Lennart",  "Marek",     "Mark",    "Marten",      "Mattias", "Mikk",       "Neeme",
    "Oskar",     "Ott",    "Paul",     "Peep",      "Priidu",  "Rain",        "Rauno",   "Reimo",      "Riho",
    "Robert",    "Roland", "Romet",    "Rene",      "Sten",    "Sulev",       "Sven",    "Taivo",      "Tauno",
    "Teet",      "Timo",   "Tõnis",    "Uku",       "Ülar",    "Urmo",        "Vahur",   "Valdo",      "Valter",
    "Villem",    "Eerik",  "Elias",    "Emil",      "Hans",    "Otto",        "Aron",    "Gregor",     "Johannes",
    "Kristofer", "Ruben",  "Tristan",  "Sebastian", "Theodor", "Karl-Martin", "Ago",     "Aimar",      "Enno",
    "Harald",    "Ilmar",  "Jaagup",   "Jarno",     "Kalmer",  "Lenno",       "Martti",  "Meinhard",   "Olavi",
    "Paavo",     "Ragnar", "Rannar",   "Rivo",      "Ron",     "Silver",      "Sigmar",  "Tormi",      "Ülari",
    "Vallo",     "Väino",  "Voldemar", "Aksel",
};

constexpr std::string_view kMaleRussian[] = {
    "Aleksandr",  "Sergei",    "Andrei", "Dmitri",  "Aleksei", "Vladimir", "Nikolai",    "Igor",   "Jevgeni", "Maksim",
    "Ivan",       "Mihhail",   "Viktor", "Juri",    "Oleg",    "Roman",    "Pavel",      "Denis",  "Artjom",  "Nikita",
    "Kirill",     "Daniil",    "Vadim",  "Anatoli", "Valeri",  "Vitali",   "Konstantin", "Ilja",   "Gennadi", "Boriss",
    "Vjatšeslav", "Stanislav", "Anton",  "Egor",    "Timur",   "Vassili",  "Leonid",     "Pjotr",  "Grigori", "Arkadi",
    "Jaroslav",   "Matvei",    "Mark",   "Lev",     "Ruslan",  "Eduard",   "Fjodor",     "Semjon", "Stepan",  "Timofei",
};

constexpr std::string_view kFemaleEstonian[] = {
    "Anne",   "Tiina",  "Mari",    "Kadri",  "Maria", "Katrin",    "Kristiina", "Ene",    "Tiiu",   "Piret",
    "Eve",    "Sirje",  "Helen",   "Anu",    "Ülle",  "Malle",     "Marika",    "Reet",   "Kersti", "Merike",
    "Liina",  "Margit", "Pille",   "Triin",  "Karin", "Kai",       "Kaja",      "Kristi", "Krista", "Liis",
    "Liisa",  "Maarja", "Maire",   "Mare",   "Merle", "Riina",     "Siiri",     "Tuuli",  "Urve",   "Viivi",
    "Virve",  "Anneli", "Evelin",  "Helena", "Helgi", "Hille",     "Ingrid",    "Jaana",  "Aino",   "Aili",
    "Airi",   "Annika", "Birgit",  "Eliise", "Elina", "Elisabeth", "Emma",      "Eneli",  "Getter", "Grete",
    "Hanna",  "Heli",   "Heidi",   "Heleri", "Inga",  "Johanna",   "Kaia",      "Kaisa",  "Karmen", "Katariina",
    "Kätlin", "Keiu",   "Kerli",   "Kertu",  "Laura", "Lea",       "Leena",     "Liidia", "Linda",  "Lilian",
    "Lisete", "Luule",  "Maie",    "Mall",   "Marju", "Marje",     "Marleen",   "Meeli",  "Mirjam", "Monika",
    "Pirjo",  "Raili",  "Reelika", "Regina", "Rita",  "Silvi",     "Sofia",     "Sandra", "Sigrid", "Signe",
    "Stella", "Terje",  "Tiia",    "Triinu", "Ulvi",  "Vaike",     "Veronika",  "Aet",    "Age",    "Helve",
    "Hele",   "Kadi",   "Kairi",   "Ketlin", "Maiu",  "Mia",       "Mirtel",    "Nele",   "Sanna",  "Sirli",
    "Elo",    "Eha",    "Evi",     "Hilja",  "Ilme",  "Imbi",      "Kärt",      "Külli",  "Lagle",  "Leili",
    "Liia",   "Lydia",  "Marta",   "Meeri",  "Milvi", "Õie",       "Pärja",     "Reili",  "Rutt",   "Saima",
    "Salme",  "Tähti",  "Teele",   "Ülvi",   "Urmi",  "Varje",     "Ave",       "Eda",    "Elle",   "Ester",
    "Hedi",   "Inge",   "Juta",
};

constexpr std::string_view kFemaleRussian[] = {
    "Jelena",     "Olga",       "Tatjana",    "Natalja",    "Irina",     "Svetlana", "Galina", "Ljudmila", "Marina",
    "Anna",       "Julia",      "Jekaterina", "Anastassia", "Valentina", "Nina",     "Ljubov", "Larissa",  "Oksana",
    "Viktoria",   "Aleksandra", "Darja",      "Polina",     "Alina",     "Kristina", "Diana",  "Veronika", "Sofia",
    "Jevgenia",   "Valeria",    "Margarita",  "Tamara",     "Vera",      "Zoja",     "Raissa", "Nadežda",  "Inna",
    "Ksenia",     "Arina",      "Uljana",     "Milana",     "Jana",      "Elvira",   "Lidia",  "Antonina", "Maria",
    "Jelizaveta", "Varvara",    "Taissia",    "Eva",        "Vlada",
};

constexpr std::string_view kSurnamesEstonian[] = {
    "Tamm",     "Saar",      "Sepp",      "Mägi",      "Kask",    "Kukk",     "Rebane",    "Ilves",     "Pärn",
    "Koppel",   "Lepik",     "Kuusk",     "Karu",      "Ots",     "Põder",    "Lill",      "Kivi",      "Oja",
    "Luik",     "Raudsepp",  "Vaher",     "Kallas",    "Mets",    "Laur",     "Lepp",      "Kütt",      "Kuusik",
    "Kangur",   "Jõgi",      "Kivisild",  "Peterson",  "Saks",    "Sild",     "Toom",      "Teder",     "Unt",
    "Tamme",    "Pukk",      "Hunt",      "Kalda",     "Aavik",   "Allik",    "Arro",      "Eller",     "Hein",
    "Hallik",   "Hanson",    "Jaakson",   "Jakobson",  "Järv",    "Jürgens",  "Jürgenson", "Kaasik",    "Kalju",
    "Kaljuste", "Kaljurand", "Kikas",     "Kirs",      "Kull",    "Kõiv",     "Kruus",     "Kuningas",  "Kurg",
    "Laas",     "Laane",     "Lang",      "Laanemets", "Lember",  "Leppik",   "Liiv",      "Lind",      "Loorits",
    "Lõhmus",   "Luts",      "Maasik",    "Meier",     "Meri",    "Mölder",   "Mänd",      "Must",      "Mõttus",
    "Nurk",     "Nõmm",      "Orav",      "Paju",      "Pajula",  "Palm",     "Parts",     "Paas",      "Pihlak",
    "Pikk",     "Puusepp",   "Põld",      "Raud",      "Rand",    "Reinsalu", "Roos",      "Rosenberg", "Rüütel",
    "Salu",     "Sarapuu",   "Sarv",      "Soo",       "Sulg",    "Suits",    "Tali",      "Talts",     "Tõnisson",
    "Tuisk",    "Uibo",      "Urb",       "Vahter",    "Valk",    "Vares",    "Veske",     "Viira",     "Vinter",
    "Vesik",    "Kase",      "Kuusemets", "Lõoke",     "Männik",  "Piir",     "Pärtel",    "Rätsep",    "Kangro",
    "Kiik",     "Klaas",     "Kolk",      "Koit",      "Kriisa",  "Kruuse",   "Kuldkepp",  "Lukk",      "Maripuu",
    "Meister",  "Mitt",      "Mürk",      "Nõmmik",    "Oras",    "Pihl",     "Põldma",    "Rästas",    "Rohtla",
    "Ruus",     "Saul",      "Sikk",      "Sillaste",  "Tammik",  "Tiits",    "Toome",     "Trei",      "Truu",
    "Tuul",     "Uustalu",   "Vaks",      "Valge",     "Vahtra",  "Viik",     "Vill",      "Õunapuu",   "Aasa",
    "Aru",      "Haavel",    "Heinsalu",  "Hermann",   "Jaanus",  "Jõesaar",  "Kadak",     "Kaljula",   "Kams",
    "Karro",    "Kerner",    "Kiisk",     "Kirsipuu",  "Kont",    "Kõrge",    "Kuus",      "Laan",      "Laidre",
    "Leht",     "Liivak",    "Lillemets", "Lumi",      "Luht",    "Mandel",   "Mark",      "Martinson", "Metsaots",
    "Miller",   "Mõis",      "Nagel",     "Nurm",      "Oks",     "Olesk",    "Pajusalu",  "Pedak",     "Pent",
    "Pihel",    "Pool",      "Puust",     "Raag",      "Randmaa", "Reiljan",  "Ristmägi",  "Rohtmets",  "Rõigas",
    "Saarepuu", "Saluste",   "Sibul",     "Sõber",     "Sooväli", "Susi",     "Tamberg",   "Tarvas",    "Tomson",
    "Tooming",  "Tõld",      "Udras",     "Uus",       "Vaik",    "Valdma",   "Veski",     "Vilu",      "Voolaid",
    "Vään",     "Õun",       "Ärm",
};

constexpr std::string_view kSurnamesRussian[] = {
    "Ivanov",   "Smirnov",    "Vassiljev",  "Petrov",     "Kuznetsov", "Mihhailov",  "Pavlov",  "Jakovlev",  "Sokolov",
    "Andrejev", "Aleksejev",  "Fjodorov",   "Semjonov",   "Nikolajev", "Stepanov",   "Orlov",   "Morozov",   "Volkov",
    "Kozlov",   "Popov",      "Lebedev",    "Novikov",    "Jegorov",   "Kuzmin",     "Makarov", "Zahharov",  "Romanov",
    "Sergejev", "Vinogradov", "Bogdanov",   "Frolov",     "Belov",     "Gusev",      "Titov",   "Kisseljov", "Tarassov",
    "Beljajev", "Golubev",    "Gavrilov",   "Iljin",      "Nikitin",   "Sorokin",    "Sidorov", "Grigorjev", "Maksimov",
    "Solovjov", "Baranov",    "Jermakov",   "Filippov",   "Danilov",   "Karpov",     "Zaitsev", "Borissov",  "Kovaljov",
    "Medvedev", "Antonov",    "Tihhomirov", "Kravtšenko", "Kovalenko", "Bondarenko", "Šubin",   "Tšernov",   "Koval",
    "Melnik",   "Ponomarjov",
};

struct NameTable {
  std::vector<std::string_view> names;
  size_t second_culture_begin = 0;

  template <size_t A, size_t B>
  NameTable(const std::string_view (&estonian)[A], const std::string_view (&russian)[B]) {
    names.assign(estonian, estonian + A);
    second_culture_begin = names.size();
    names.insert(names.end(), russian, russian + B);
  }

  // The common names are earlier in each list: an index skewed towards the start.
  uint16_t Draw(Rng& rng, NameCulture culture) const {
    size_t begin = culture == NameCulture::kEstonian ? 0 : second_culture_begin;
    size_t end = culture == NameCulture::kEstonian ? second_culture_begin : names.size();
    double u = rng.Unit();
    return static_cast<uint16_t>(begin + static_cast<size_t>(u * u * static_cast<double>(end - begin)));
  }
};

const NameTable& MaleNames() {
  static const NameTable table(kMaleEstonian, kMaleRussian);
  return table;
}
const NameTable& FemaleNames() {
  static const NameTable table(kFemaleEstonian, kFemaleRussian);
  return table;
}
const NameTable& SurnameTable() {
  static const NameTable table(kSurnamesEstonian, kSurnamesRussian);
  return table;
}

const NameTable& GivenNameTable(Sex sex) { return sex == Sex::kMale ? MaleNames() : FemaleNames(); }

bool TakesFeminineEnding(std::string_view surname) {
  return surname.ends_with("ov") || surname.ends_with("ev") || surname.ends_with("in");
}

// Every surname as a woman bears it.
const std::vector<std::string>& FeminineSurnames() {
  static const std::vector<std::string> feminine = [] {
    std::vector<std::string> out;
    for (std::string_view name : SurnameTable().names) {
      out.emplace_back(name);
      if (TakesFeminineEnding(name)) out.back().push_back('a');
    }
    return out;
  }();
  return feminine;
}

}  // namespace

std::span<const std::string_view> GivenNames(Sex sex) { return GivenNameTable(sex).names; }
std::span<const std::string_view> Surnames() { return SurnameTable().names; }

std::string_view SurnameOf(uint16_t surname, Sex sex) {
  if (sex == Sex::kMale) return SurnameTable().names[surname];
  return FeminineSurnames()[surname];
}

uint16_t DrawGivenName(Rng& rng, Sex sex, NameCulture culture) { return GivenNameTable(sex).Draw(rng, culture); }
uint16_t DrawSurname(Rng& rng, NameCulture culture) { return SurnameTable().Draw(rng, culture); }

}  // namespace riik::population
