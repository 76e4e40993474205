// The companies page (companies.h).
#include "portal/companies.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "portal/format.h"
#include "portal/layout.h"
#include "portal/my_data.h"
#include "portal/phrases.h"
#include "registry/registry.h"

namespace riik::portal {
namespace {

using Lang = std::string_view;

std::string CompanyRecord(const CompaniesPage& page, Lang lang) {
  if (!page.company.ok()) {
    return ErrorBox(fmt::format(fmt::runtime(Tr("unavailable", lang)), RegistryName(registry::Kind::kBusiness, lang)));
  }
  const Json& b = page.company->body;
  std::string board;
  for (const Json& code : b.value("board", Json::array())) {
    if (code.is_string()) board += (board.empty() ? "" : ", ") + code.get<std::string>();
  }
  const Json seat = b.value("seat", Json::object());
  return fmt::format(
      "<section id=\"company\" aria-labelledby=\"company-heading\">\n<h2 id=\"company-heading\">{}</h2>\n<dl>\n"
      "<dt>{}</dt><dd id=\"company-name\">{}</dd>\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n"
      "<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n</dl>\n"
      "<p class=\"source\">{}: <code id=\"company-xroad-id\">{}</code></p>\n</section>\n",
      HtmlEscape(Tr("company_record", lang)), HtmlEscape(Tr("company_name", lang)), HtmlEscape(StringOr(b, "name")),
      HtmlEscape(Tr("registry_code", lang)), HtmlEscape(StringOr(b, "registry_code")), HtmlEscape(Tr("founded", lang)),
      HtmlEscape(DateText(StringOr(b, "founded"), lang)), HtmlEscape(Tr("seat", lang)),
      HtmlEscape(StringOr(seat, "address")), HtmlEscape(Tr("board", lang)), HtmlEscape(board),
      HtmlEscape(Tr("employees", lang)), IntOr(b, "employees"),
      HtmlEscape(fmt::format(fmt::runtime(Tr("represented", lang)), page.represented_party)),
      HtmlEscape(page.company->xroad_id));
}

}  // namespace

std::string BusinessRolesServiceId() { return registry::InfoOf(registry::Kind::kBusiness).ClientId() + "/roles"; }
std::string CompanyServiceId() { return registry::InfoOf(registry::Kind::kBusiness).ClientId() + "/company"; }

std::string CompaniesBody(const CompaniesPage& page, std::string_view lang) {
  std::string out = "<p>" + HtmlEscape(Tr("companies_intro", lang)) + "</p>\n";
  if (!page.acting_code.empty()) {
    out += fmt::format(
        "<div class=\"done\" role=\"status\" id=\"acting-for\"><p>{} <a href=\"/login\" "
        "id=\"act-for-self\">{}</a></p></div>\n",
        HtmlEscape(fmt::format(fmt::runtime(Tr("acting_for", lang)), page.acting_name, page.acting_code)),
        HtmlEscape(Tr("act_for_self", lang)));
    out += CompanyRecord(page, lang);
  }
  if (!page.roles.ok()) {
    return out +
           ErrorBox(fmt::format(fmt::runtime(Tr("unavailable", lang)), RegistryName(registry::Kind::kBusiness, lang)));
  }
  std::string items;
  bool on_a_board = false;
  for (const Json& r : page.roles->body.value("roles", Json::array())) {
    bool board = StringOr(r, "role") == "board";
    on_a_board = on_a_board || board;
    std::string role = board ? Tr("board_member", lang)
                             : Tr("employee", lang) + (StringOr(r, "since").empty()
                                                           ? ""
                                                           : ", " + fmt::format(fmt::runtime(Tr("since", lang)),
                                                                                DateText(StringOr(r, "since"), lang)));
    items +=
        fmt::format("<li data-company=\"{}\"><strong>{}</strong> ({}): {}</li>\n", HtmlEscape(StringOr(r, "company")),
                    HtmlEscape(StringOr(r, "name")), HtmlEscape(StringOr(r, "company")), HtmlEscape(role));
  }
  if (items.empty()) return out + "<p>" + HtmlEscape(Tr("no_companies", lang)) + "</p>\n";
  out += fmt::format("<h2>{}</h2>\n<ul id=\"companies\">\n{}</ul>\n", HtmlEscape(Tr("roles", lang)), items);
  if (on_a_board && page.acting_code.empty()) {
    out += fmt::format(
        "<p><a class=\"button\" href=\"/login?for=company\" id=\"act-for-company\">{}</a></p>\n<p "
        "class=\"hint\">{}</p>\n",
        HtmlEscape(Tr("act_for", lang)), HtmlEscape(Tr("act_hint", lang)));
  }
  return out;
}

}  // namespace riik::portal
