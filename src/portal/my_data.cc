// Gathering and showing the person's data (my_data.h).
#include "portal/my_data.h"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "portal/fan_out.h"
#include "portal/format.h"
#include "portal/phrases.h"

namespace riik::portal {
namespace {

constexpr DataSource kSources[] = {
    {"person", registry::Kind::kPopulation, "person"}, {"address", registry::Kind::kPopulation, "address"},
    {"family", registry::Kind::kPopulation, "family"}, {"roles", registry::Kind::kBusiness, "roles"},
    {"income", registry::Kind::kTax, "income"},        {"accounts", registry::Kind::kBank, "accounts"},
    {"school", registry::Kind::kEducation, "pupil"},
};

using Lang = std::string_view;

std::string Text(const Json& j, std::string_view key) { return HtmlEscape(StringOr(j, key)); }

// A definition list of (phrase key, escaped HTML value) pairs.
std::string Definitions(std::initializer_list<std::pair<const char*, std::string>> rows, Lang lang) {
  std::string out = "<dl>\n";
  for (const auto& [key, value] : rows) {
    out += fmt::format("<dt>{}</dt><dd>{}</dd>\n", HtmlEscape(Tr(key, lang)), value);
  }
  return out + "</dl>\n";
}

std::string Relative(const Json& j, Lang lang) {
  if (!j.is_object()) return HtmlEscape(Tr("none", lang));
  return fmt::format("{} {} ({})", Text(j, "given_name"), Text(j, "surname"), Text(j, "code"));
}

std::string PersonSection(const Json& b, Lang lang) {
  std::string sex = StringOr(b, "sex") == "female" ? Tr("sex_F", lang) : Tr("sex_M", lang);
  return Definitions({{"given_name", Text(b, "given_name")},
                      {"surname", Text(b, "surname")},
                      {"personal_code", Text(b, "code")},
                      {"birth_date", HtmlEscape(DateText(StringOr(b, "birth_date"), lang))},
                      {"sex", HtmlEscape(sex)},
                      {"citizenship", Text(b, "citizenship")}},
                     lang);
}

std::string AddressSection(const Json& b, Lang lang) {
  const Json current = b.value("current", Json());
  std::string out = Definitions(
      {{"current_address", fmt::format("<span id=\"current-address\">{}</span> ({})", Text(current, "address"),
                                       HtmlEscape(fmt::format(fmt::runtime(Tr("since", lang)),
                                                              DateText(StringOr(current, "from"), lang))))}},
      lang);
  std::string earlier;
  for (const Json& a : b.value("history", Json::array())) {
    if (!a.is_object() || a.value("to", Json()).is_null()) continue;
    earlier += fmt::format("<li>{} ({})</li>", Text(a, "address"),
                           HtmlEscape(fmt::format(fmt::runtime(Tr("period", lang)), DateText(StringOr(a, "from"), lang),
                                                  DateText(StringOr(a, "to"), lang))));
  }
  if (!earlier.empty())
    out += fmt::format("<h3>{}</h3>\n<ul>{}</ul>\n", HtmlEscape(Tr("earlier_addresses", lang)), earlier);
  return out;
}

std::string FamilySection(const Json& b, Lang lang) {
  std::string children;
  for (const Json& c : b.value("children", Json::array())) children += "<li>" + Relative(c, lang) + "</li>";
  return Definitions({{"mother", Relative(b.value("mother", Json()), lang)},
                      {"father", Relative(b.value("father", Json()), lang)},
                      {"spouse", Relative(b.value("spouse", Json()), lang)},
                      {"children", children.empty() ? HtmlEscape(Tr("none", lang)) : "<ul>" + children + "</ul>"}},
                     lang);
}

std::string RolesSection(const Json& b, Lang lang) {
  std::string items;
  for (const Json& r : b.value("roles", Json::array())) {
    std::string role = StringOr(r, "role") == "board"
                           ? Tr("board_member", lang)
                           : Tr("employee", lang) + (StringOr(r, "since").empty()
                                                         ? ""
                                                         : ", " + fmt::format(fmt::runtime(Tr("since", lang)),
                                                                              DateText(StringOr(r, "since"), lang)));
    items += fmt::format("<li>{} ({}): {}</li>", Text(r, "name"), Text(r, "company"), HtmlEscape(role));
  }
  if (items.empty()) return "<p>" + HtmlEscape(Tr("no_companies", lang)) + "</p>\n";
  return "<ul>" + items + "</ul>\n";
}

// A table with a header row of phrase keys and rows of escaped HTML cells.
std::string Table(std::initializer_list<const char*> headings, const std::vector<std::vector<std::string>>& rows,
                  Lang lang) {
  std::string out = "<table>\n<thead><tr>";
  for (const char* h : headings) out += fmt::format("<th scope=\"col\">{}</th>", HtmlEscape(Tr(h, lang)));
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& cell : row) out += "<td>" + cell + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

int64_t Cents(const Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

// Company names by registry code, from the business register's answer about the
// person's roles (the tax board's income names employers by code alone).
using CompanyNames = std::map<std::string, std::string>;

std::string IncomeSection(const Json& b, const CompanyNames& names, Lang lang) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& e : b.value("income", Json::array())) {
    std::string code = StringOr(e, "employer");
    auto name = names.find(code);
    std::string employer = name == names.end() ? HtmlEscape(code) : HtmlEscape(name->second + " (" + code + ")");
    rows.push_back(
        {employer, HtmlEscape(std::to_string(IntOr(e, "year"))), HtmlEscape(MoneyText(Cents(e, "total_cents"), lang))});
  }
  if (rows.empty()) return "<p>" + HtmlEscape(Tr("no_income", lang)) + "</p>\n";
  return Table({"employer", "year", "gross_total"}, rows, lang);
}

std::string AccountsSection(const Json& b, Lang lang) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& a : b.value("accounts", Json::array())) {
    std::string kind = StringOr(a, "kind") == "savings" ? Tr("kind_savings", lang) : Tr("kind_current", lang);
    rows.push_back({Text(a, "iban"), HtmlEscape(kind), HtmlEscape(DateText(StringOr(a, "opened"), lang)),
                    HtmlEscape(MoneyText(Cents(a, "balance_cents"), lang))});
  }
  return Table({"iban", "kind", "opened", "balance"}, rows, lang);
}

std::string SchoolSection(const Json& b, Lang lang) {
  const Json school = b.value("school", Json()), district = b.value("district", Json());
  return Definitions({{"school", Text(school, "name")},
                      {"grade", HtmlEscape(std::to_string(IntOr(b, "grade")))},
                      {"district", Text(district, "municipality")}},
                     lang);
}

std::string SectionContent(const DataSource& s, const Json& body, const CompanyNames& names, Lang lang) {
  std::string_view id = s.id;
  if (id == "person") return PersonSection(body, lang);
  if (id == "address") return AddressSection(body, lang);
  if (id == "family") return FamilySection(body, lang);
  if (id == "roles") return RolesSection(body, lang);
  if (id == "income") return IncomeSection(body, names, lang);
  if (id == "accounts") return AccountsSection(body, lang);
  return SchoolSection(body, lang);
}

}  // namespace

std::string DataSource::ServiceId() const { return registry::InfoOf(registry).ClientId() + "/" + service; }

std::span<const DataSource> MyDataSources() { return kSources; }

registry::CallPurpose OwnRequest(const std::string& personal_code) { return {"EE" + personal_code, kPortalIssue, ""}; }

std::string RegistryName(registry::Kind kind, std::string_view lang) {
  return Tr(std::string("registry_") + registry::InfoOf(kind).name, lang);
}

std::string TimeElement(UnixMicros t) {
  std::string iso = FormatRfc3339(t);
  // 2026-12-04T18:03:12.123456Z -> 18:03:12 UTC, until the script shows it in local time.
  std::string shown = iso.size() >= 19 ? iso.substr(11, 8) + " UTC" : iso;
  return fmt::format("<time datetime=\"{}\">{}</time>", HtmlEscape(iso), HtmlEscape(shown));
}

void GatherMyData(registry::ExchangeCaller& exchange, const std::string& personal_code,
                  std::function<void(std::vector<DataItem>)> done) {
  FanOut<DataItem>(
      std::size(kSources),
      [&exchange, personal_code](size_t i, std::function<void(DataItem)> answer) {
        exchange.GetAsync(kSources[i].ServiceId(), "/" + personal_code, OwnRequest(personal_code),
                          [i, answer](Result<registry::ExchangeAnswer> a) {
                            answer(DataItem{&kSources[i], std::move(a), NowMicros()});
                          });
      },
      std::move(done));
}

std::string MyDataBody(const std::vector<DataItem>& items, std::string_view lang) {
  std::string out = "<p>" + HtmlEscape(Tr("data_intro", lang)) + "</p>\n";
  CompanyNames names;
  for (const DataItem& item : items) {
    if (std::string_view(item.source->id) != "roles" || !item.answer.ok()) continue;
    for (const Json& r : item.answer->body.value("roles", Json::array())) {
      names[StringOr(r, "company")] = StringOr(r, "name");
    }
  }
  for (const DataItem& item : items) {
    const DataSource& s = *item.source;
    std::string registry_name = RegistryName(s.registry, lang);
    std::string content;
    if (item.answer.ok()) {
      content = SectionContent(s, item.answer->body, names, lang);
      content += fmt::format("<p class=\"source\">{} <span class=\"xroad-id\">{}: <code>{}</code></span></p>\n",
                             fmt::format(fmt::runtime(HtmlEscape(Tr("source", lang))), HtmlEscape(registry_name),
                                         TimeElement(item.read_at)),
                             HtmlEscape(Tr("source_call", lang)), HtmlEscape(item.answer->xroad_id));
    } else if (item.answer.status().code() == Code::kNotFound) {
      content = "<p class=\"empty\">" +
                HtmlEscape(fmt::format(fmt::runtime(Tr("holds_nothing", lang)), registry_name)) + "</p>\n";
    } else {
      content = "<p class=\"error\" role=\"alert\">" +
                HtmlEscape(fmt::format(fmt::runtime(Tr("unavailable", lang)), registry_name)) + "</p>\n";
    }
    out +=
        fmt::format("<section id=\"{}\" aria-labelledby=\"{}-heading\">\n<h2 id=\"{}-heading\">{}</h2>\n{}</section>\n",
                    s.id, s.id, s.id, HtmlEscape(Tr(s.id, lang)), content);
  }
  return out;
}

}  // namespace riik::portal
