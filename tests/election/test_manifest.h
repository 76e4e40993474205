// A small election for the tests: two districts, a one-choice contest in each, and a
// yes/no question (choose at most one) in the second.
#pragma once

#include <string>

namespace riik::election::testing {

// `board_key`: the hex SHA-256 of the board signer's public key (SubjectPublicKeyInfo).
inline std::string TestManifestJson(const std::string& board_key = std::string(64, '0')) {
  return R"({
  "format": "riik-election-v1",
  "id": "test-2027",
  "title": "Test election",
  "opens": "2027-02-24T07:00:00Z",
  "closes": "2027-03-01T18:00:00Z",
  "election_day": "2027-03-05",
  "voter_list_cutoff": "2027-01-04",
  "minimum_age": 18,
  "citizenship": "EST",
  "trustees": 5,
  "threshold": 3,
  "board_key": ")" +
         board_key + R"(",
  "districts": [
    {"id": "1", "name": "Harju", "counties": ["Harju maakond"]},
    {"id": "2", "name": "Tartu", "counties": ["Tartu maakond", "Jõgeva maakond"]}
  ],
  "contests": [
    {"id": "council-1", "district": "1", "title": "Council, district 1", "min": 1, "max": 1,
     "options": [{"id": "101", "name": "Mari Maasikas", "party": "Rohelised"},
                 {"id": "102", "name": "Jaan Tamm", "party": ""},
                 {"id": "103", "name": "Kati Karu", "party": "Keskel"},
                 {"id": "104", "name": "Peeter Puu", "party": "Keskel"}]},
    {"id": "council-2", "district": "2", "title": "Council, district 2", "min": 1, "max": 1,
     "options": [{"id": "201", "name": "Liis Lepp", "party": "Rohelised"},
                 {"id": "202", "name": "Toomas Kask", "party": ""},
                 {"id": "203", "name": "Anu Saar", "party": "Keskel"}]},
    {"id": "question-2", "district": "2", "title": "A new bridge?", "min": 0, "max": 1,
     "options": [{"id": "yes", "name": "Yes", "party": ""}, {"id": "no", "name": "No", "party": ""}]}
  ]
})";
}

}  // namespace riik::election::testing
