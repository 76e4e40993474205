// The tax return page (tax_return.h).
#include "portal/tax_return.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "portal/format.h"
#include "portal/layout.h"
#include "portal/my_data.h"
#include "portal/phrases.h"
#include "registry/registry.h"
#include "sign/container.h"

namespace riik::portal {
namespace {

using Lang = std::string_view;

int64_t Int(const Json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string Money(const Json& j, std::string_view key, Lang lang) { return HtmlEscape(MoneyText(Int(j, key), lang)); }

std::string FigureRow(std::string_view label, std::string_view value_html, std::string_view id = "") {
  std::string attr = id.empty() ? "" : fmt::format(" id=\"{}\"", id);
  return fmt::format("<tr><th scope=\"row\">{}</th><td{}>{}</td></tr>\n", HtmlEscape(label), attr, value_html);
}

std::string Lines(const Json& doc, Lang lang) {
  std::string income;
  for (const Json& line : doc.value("income", Json::array())) {
    income += FigureRow(StringOr(line, "employer"), Money(line, "cents", lang));
  }
  std::string out = fmt::format("<h2>{}</h2>\n<table class=\"figures\">\n<tbody>\n{}</tbody>\n</table>\n",
                                HtmlEscape(Tr("tax_income", lang)), income);
  std::string interest;
  for (const Json& line : doc.value("interest", Json::array())) {
    interest += FigureRow(StringOr(line, "iban"), Money(line, "cents", lang));
  }
  out += fmt::format("<h2>{}</h2>\n", HtmlEscape(Tr("tax_interest", lang)));
  if (interest.empty()) return out + "<p>" + HtmlEscape(Tr("tax_no_interest", lang)) + "</p>\n";
  const Json source = doc.value("interest_source", Json::object());
  return out +
         fmt::format(
             "<table class=\"figures\">\n<tbody>\n{}</tbody>\n</table>\n<p class=\"source\">{}: <code>{}</code></p>\n",
             interest, HtmlEscape(Tr("tax_interest_source", lang)), HtmlEscape(StringOr(source, "x_road_id")));
}

std::string Totals(const Json& doc, Lang lang) {
  const Json rules = doc.value("rules", Json::object());
  int64_t bp = Int(rules, "flat_rate_basis_points");
  std::string rate = bp % 100 == 0 ? std::to_string(bp / 100) : fmt::format("{:.2f}", static_cast<double>(bp) / 100);
  int64_t to_pay = Int(doc, "to_pay_cents");
  std::string rows =
      FigureRow(Tr("taxable", lang), Money(doc, "taxable_cents", lang)) +
      FigureRow(Tr("tax", lang), Money(doc, "tax_cents", lang)) +
      FigureRow(Tr("withheld", lang), Money(doc, "withheld_cents", lang)) +
      FigureRow(Tr(to_pay < 0 ? "refund" : "to_pay", lang),
                "<strong>" + HtmlEscape(MoneyText(to_pay < 0 ? -to_pay : to_pay, lang)) + "</strong>", "to-pay");
  return fmt::format(
      "<h2>{}</h2>\n<p class=\"hint\">{}</p>\n<table class=\"figures\">\n<tbody>\n{}</tbody>\n</table>\n",
      HtmlEscape(Tr("tax_totals", lang)),
      HtmlEscape(
          fmt::format(fmt::runtime(Tr("tax_rules", lang)), rate, MoneyText(Int(rules, "basic_exemption_cents"), lang))),
      rows);
}

std::string Evidence(const Json& doc, Lang lang) {
  const Json sig = doc.value("signature", Json::object());
  const Json validation = sig.value("validation", Json::object());
  std::string signed_at = StringOr(sig, "signed_at");
  std::string when = DateTimeElement(signed_at);
  return fmt::format(
      "<h2>{}</h2>\n<dl "
      "id=\"signature\">\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd><code>{}</code></dd>\n"
      "<dt>{}</dt><dd><code>{}</code></dd>\n</dl>\n",
      HtmlEscape(Tr("signature", lang)), HtmlEscape(Tr("signed_by", lang)), HtmlEscape(StringOr(sig, "signer_id")),
      HtmlEscape(Tr("signed_at", lang)), when, HtmlEscape(Tr("validation", lang)),
      HtmlEscape(StringOr(validation, "x_road_id")), HtmlEscape(Tr("container_sha256", lang)),
      HtmlEscape(StringOr(sig, "container_sha256")));
}

}  // namespace

std::string TaxIncomeServiceId() { return registry::InfoOf(registry::Kind::kTax).ClientId() + "/income"; }
std::string TaxReturnServiceId() { return registry::InfoOf(registry::Kind::kTax).ClientId() + "/return"; }

int64_t LatestIncomeYear(const Json& income, int64_t fallback) {
  int64_t latest = 0;
  for (const Json& e : income.value("income", Json::array())) latest = std::max(latest, Int(e, "year"));
  return latest > 0 ? latest : fallback;
}

std::string ReturnFileName(int64_t year) { return "tax-return-" + std::to_string(year) + ".json"; }

Result<std::string> ReturnContainer(std::string_view draft, int64_t year) {
  sign::Container container;
  container.files.push_back({ReturnFileName(year), "application/json", std::string(draft)});
  return sign::WriteContainer(container);
}

std::string TaxReturnBody(const Json& doc, const SigningView* signing, std::string_view csrf, std::string_view lang) {
  std::string status = StringOr(doc, "status");
  std::string out = "<p>" + HtmlEscape(Tr("tax_intro", lang)) + "</p>\n";
  out += fmt::format("<p>{}: <strong id=\"return-status\" data-status=\"{}\">{}</strong></p>\n",
                     HtmlEscape(Tr("status", lang)), HtmlEscape(status), HtmlEscape(Tr("status_" + status, lang)));
  out += Lines(doc, lang) + Totals(doc, lang);
  if (status != "draft") return out + Evidence(doc, lang);
  if (signing != nullptr) return out + SigningSection(*signing, "/tax/signing", "/tax", "sign_help", csrf, lang);
  return out + fmt::format(
                   "<form method=\"post\" action=\"/tax/sign\">{}<p class=\"hint\">{}</p>"
                   "<p><button type=\"submit\" id=\"sign-return\">{}</button></p></form>\n",
                   CsrfField(csrf), HtmlEscape(Tr("sign_help", lang)), HtmlEscape(Tr("sign_submit", lang)));
}

}  // namespace riik::portal
