// Writing the population's JSON Lines files: one small function per table over a
// buffered, atomically renamed file.
#include "population/jsonl_files.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <memory>

#include "population/citizenship.h"
#include "population/geography.h"
#include "population/names.h"

namespace riik::population {
namespace {

namespace fs = std::filesystem;

constexpr size_t kFlushBytes = 1 << 20;

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using FileHandle = std::unique_ptr<FILE, FileCloser>;

// One JSON Lines file being written: rows are appended to line(), ended with EndLine().
class JsonlFile {
 public:
  static Result<JsonlFile> Create(const fs::path& dir, const char* name) {
    JsonlFile file;
    file.path_ = dir / name;
    file.temp_path_ = dir / (std::string(name) + ".tmp");
    file.file_.reset(std::fopen(file.temp_path_.c_str(), "wb"));
    if (!file.file_) return file.Failure("cannot create");
    file.buffer_.reserve(kFlushBytes + 4096);
    return file;
  }

  std::string& line() { return buffer_; }

  Status EndLine() {
    buffer_.push_back('\n');
    return buffer_.size() >= kFlushBytes ? Flush() : OkStatus();
  }

  // Flushes, syncs and renames the file into place.
  Status Close() {
    RETURN_IF_ERROR(Flush());
    if (std::fflush(file_.get()) != 0 || ::fsync(fileno(file_.get())) != 0) return Failure("cannot sync");
    if (std::fclose(file_.release()) != 0) return Failure("cannot close");
    std::error_code ec;
    fs::rename(temp_path_, path_, ec);
    if (ec) return Internal("cannot rename " + temp_path_.string() + ": " + ec.message());
    return OkStatus();
  }

 private:
  Status Flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_.get()) != buffer_.size()) {
      return Failure("cannot write");
    }
    buffer_.clear();
    return OkStatus();
  }
  Status Failure(const char* what) const {
    Code code = errno == ENOSPC ? Code::kResourceExhausted : Code::kInternal;
    return Status(code, std::string(what) + " " + temp_path_.string() + ": " + std::strerror(errno));
  }

  fs::path path_, temp_path_;
  FileHandle file_;
  std::string buffer_;
};

// A JSON string: quotes, backslashes and control characters escaped; UTF-8 kept.
void AppendString(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<int>(c));
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

// One JSON object appended to a line, member by member, keys in the order given.
class JsonObject {
 public:
  JsonObject(std::string& out, const Population& pop) : out_(out), pop_(pop) { out_.push_back('{'); }

  // Starts a member and returns the line for its value to be appended.
  std::string& Key(std::string_view key) {
    if (out_.back() != '{') out_.push_back(',');
    AppendString(out_, key);
    out_.push_back(':');
    return out_;
  }
  JsonObject& Text(std::string_view key, std::string_view value) {
    AppendString(Key(key), value);
    return *this;
  }
  JsonObject& Number(std::string_view key, int64_t value) {
    fmt::format_to(std::back_inserter(Key(key)), "{}", value);
    return *this;
  }
  JsonObject& Date(std::string_view key, Day day) {
    AppendDay(Key(key), day);
    return *this;
  }
  JsonObject& Person(std::string_view key, uint32_t person) {
    AppendPerson(Key(key), person);
    return *this;
  }
  JsonObject& Null(std::string_view key) {
    Key(key).append("null");
    return *this;
  }
  void End() { out_.push_back('}'); }

  // A date or null for kNoDay.
  static void AppendDay(std::string& out, Day day) {
    if (day == kNoDay) {
      out.append("null");
      return;
    }
    CivilDate d = CivilFromDay(day);
    fmt::format_to(std::back_inserter(out), "\"{:04}-{:02}-{:02}\"", d.year, d.month, d.day);
  }
  // A personal code or null for kNone.
  void AppendPerson(std::string& out, uint32_t person) const {
    if (person == kNone) {
      out.append("null");
      return;
    }
    AppendString(out, pop_.persons[person].code());
  }

 private:
  std::string& out_;
  const Population& pop_;
};

// Writes one file with a row per element of [0, rows): `row(i, line)` appends row i;
// `rows_done(i)` hears now and then how many are written.
Status WriteTable(const fs::path& dir, const char* name, size_t rows,
                  const std::function<void(size_t, std::string&)>& row, const std::function<void(size_t)>& rows_done) {
  constexpr size_t kReportEvery = 1 << 16;
  ASSIGN_OR_RETURN(JsonlFile file, JsonlFile::Create(dir, name));
  for (size_t i = 0; i < rows; ++i) {
    row(i, file.line());
    RETURN_IF_ERROR(file.EndLine());
    if (i % kReportEvery == 0) rows_done(i);
  }
  RETURN_IF_ERROR(file.Close());
  rows_done(rows);
  return OkStatus();
}

// ["code",…] for the persons among `people` (stopping at the first kNone).
template <typename People>
void PersonArray(JsonObject& object, std::string_view key, const People& people) {
  std::string& out = object.Key(key);
  out.push_back('[');
  for (uint32_t person : people) {
    if (person == kNone) break;
    if (out.back() != '[') out.push_back(',');
    object.AppendPerson(out, person);
  }
  out.push_back(']');
}

void PersonRow(const Population& pop, size_t i, std::string& out) {
  const Person& p = pop.persons[i];
  JsonObject row(out, pop);
  row.Text("code", p.code())
      .Text("given_name", pop.GivenNameOf(static_cast<uint32_t>(i)))
      .Text("surname", pop.SurnameOf(static_cast<uint32_t>(i)))
      .Date("birth_date", p.birth)
      .Text("sex", p.sex == identity::Sex::kMale ? "male" : "female")
      .Text("citizenship", Citizenships()[p.citizenship])
      .Text("status", p.alive() ? "alive" : "deceased")
      .Date("death_date", p.death)
      .Number("household", p.household)
      .Person("mother", p.mother)
      .Person("father", p.father)
      .Person("spouse", p.spouse);
  PersonArray(row, "children", pop.ChildrenOf(static_cast<uint32_t>(i)));
  row.End();
}

// The parts of an address, shared by residences and company seats.
void AddressMembers(JsonObject& row, const Dwelling& d) {
  const Settlement& s = Settlements()[d.settlement];
  row.Text("county", Counties()[s.county].name)
      .Text("municipality", s.municipality)
      .Text("settlement", s.name)
      .Text("street", Streets()[d.street])
      .Text("house", std::to_string(d.house));
  if (d.apartment != 0) {
    row.Text("apartment", std::to_string(d.apartment));
  } else {
    row.Null("apartment");
  }
  row.Text("postal_code", fmt::format("{:05}", PostalCode(d))).Text("address", FullAddress(d));
}

void ResidenceRow(const Population& pop, size_t i, std::string& out) {
  const Residence& r = pop.residences[i];
  JsonObject row(out, pop);
  row.Person("person", r.person).Date("from", r.from).Date("to", r.to);
  AddressMembers(row, pop.dwellings[r.dwelling]);
  row.End();
}

void CompanyRow(const Population& pop, size_t i, std::string& out) {
  const Company& c = pop.companies[i];
  JsonObject row(out, pop);
  row.Text("registry_code", c.code()).Text("name", c.name).Date("founded", c.founded);
  PersonArray(row, "board", c.board);
  row.Number("employees", c.employment_count);
  AddressMembers(row, pop.dwellings[c.seat]);
  row.End();
}

void EmploymentRow(const Population& pop, size_t i, std::string& out) {
  const Employment& e = pop.employments[i];
  JsonObject(out, pop)
      .Person("person", e.person)
      .Text("employer", pop.companies[e.company].code())
      .Date("from", e.from)
      .End();
}

void IncomeRow(const Population& pop, size_t i, std::string& out) {
  const Employment& e = pop.employments[i];
  JsonObject row(out, pop);
  row.Person("person", e.person).Text("employer", pop.companies[e.company].code()).Number("year", pop.income_year);
  fmt::format_to(std::back_inserter(row.Key("monthly_gross_cents")), "[{}]", fmt::join(e.monthly_gross_cents, ","));
  row.End();
}

void AccountRow(const Population& pop, size_t i, std::string& out) {
  const Account& a = pop.accounts[i];
  JsonObject row(out, pop);
  row.Text("iban", a.iban_text())
      .Person("owner", a.owner)
      .Text("bank_code", kDemoBankCode)
      .Text("kind", a.kind == AccountKind::kCurrent ? "current" : "savings")
      .Date("opened", a.opened)
      .Number("balance_cents", a.balance_cents);
  fmt::format_to(std::back_inserter(row.Key("interest")), "[{{\"year\":{},\"cents\":{}}},{{\"year\":{},\"cents\":{}}}]",
                 pop.income_year - 1, a.interest_cents_year_before, pop.income_year, a.interest_cents_income_year);
  row.End();
}

void PupilRow(const Population& pop, size_t i, std::string& out) {
  const Pupil& p = pop.pupils[i];
  const School& school = pop.schools[p.school];
  JsonObject(out, pop)
      .Person("person", p.person)
      .Text("school", school.name)
      .Text("school_code", school.registry_code)
      .Text("county", Counties()[school.county].name)
      .Number("grade", p.grade)
      .End();
}

}  // namespace

Status WritePopulationFiles(const Population& pop, const std::string& dir, const ProgressCallback& progress) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Internal("cannot create " + dir + ": " + ec.message());
  using RowWriter = void (*)(const Population&, size_t, std::string&);
  const std::pair<size_t, RowWriter> tables[] = {
      {pop.persons.size(), PersonRow},     {pop.residences.size(), ResidenceRow},
      {pop.companies.size(), CompanyRow},  {pop.employments.size(), EmploymentRow},
      {pop.employments.size(), IncomeRow}, {pop.accounts.size(), AccountRow},
      {pop.pupils.size(), PupilRow},
  };
  static_assert(sizeof(tables) / sizeof(tables[0]) == std::size(kPopulationFiles));
  int64_t total = 0, before = 0;
  for (const auto& table : tables) total += static_cast<int64_t>(table.first);
  for (size_t t = 0; t < std::size(tables); ++t) {
    // (Not a structured binding: clang 14, the fuzz build's compiler, cannot capture one.)
    const size_t rows = tables[t].first;
    const auto write_row = tables[t].second;
    RETURN_IF_ERROR(WriteTable(
        dir, kPopulationFiles[t], rows, [&](size_t i, std::string& out) { write_row(pop, i, out); },
        [&](size_t done) {
          if (progress) progress(before + static_cast<int64_t>(done), total);
        }));
    before += static_cast<int64_t>(rows);
  }
  return OkStatus();
}

}  // namespace riik::population
