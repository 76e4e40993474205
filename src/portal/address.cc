// The address change and its propagation (address.h).
#include "portal/address.h"

#include <fmt/format.h>

#include <charconv>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/encoding.h"
#include "population/geography.h"
#include "portal/fan_out.h"
#include "portal/format.h"
#include "portal/layout.h"
#include "portal/my_data.h"
#include "portal/phrases.h"

namespace riik::portal {
namespace {

constexpr registry::Kind kSubscribers[] = {registry::Kind::kTax, registry::Kind::kBank, registry::Kind::kEducation};
constexpr size_t kMaxField = 200;

std::string Field(const Form& form, const char* key) {
  auto it = form.find(key);
  if (it == form.end()) return "";
  std::string_view v = it->second;
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  return std::string(v);
}

// A whole number from 1 to 999, or nothing.
std::optional<int> SmallNumber(std::string_view text) {
  int n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > 999) return std::nullopt;
  return n;
}

bool IsIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

std::string Input(const char* name, const char* label_key, const AddressPage& page, std::string_view lang,
                  std::string_view attributes, const char* hint_key = nullptr) {
  auto it = page.values.find(name);
  std::string value = it == page.values.end() ? "" : it->second;
  std::string hint =
      hint_key ? fmt::format("<p class=\"hint\" id=\"{}-hint\">{}</p>", name, HtmlEscape(Tr(hint_key, lang))) : "";
  std::string described = hint_key ? fmt::format(" aria-describedby=\"{}-hint\"", name) : "";
  return fmt::format("<label for=\"{}\">{}</label>{}<input id=\"{}\" name=\"{}\" value=\"{}\"{} {}>\n", name,
                     HtmlEscape(Tr(label_key, lang)), hint, name, name, HtmlEscape(value), described, attributes);
}

std::string DataLists() {
  static const std::string lists = [] {
    std::string settlements, streets;
    std::set<std::string_view> seen;
    for (const auto& s : population::Settlements()) {
      if (seen.insert(s.name).second) settlements += fmt::format("<option value=\"{}\">", HtmlEscape(s.name));
    }
    for (std::string_view street : population::Streets()) {
      streets += fmt::format("<option value=\"{}\">", HtmlEscape(street));
    }
    return "<datalist id=\"settlements\">" + settlements + "</datalist>\n<datalist id=\"streets\">" + streets +
           "</datalist>\n";
  }();
  return lists;
}

const char* StateName(const SubscriberState& s) {
  switch (s.state) {
    case SubscriberState::kKnows:
      return "knows";
    case SubscriberState::kWaiting:
      return "waiting";
    case SubscriberState::kCannotAsk:
      break;
  }
  return "cannot_ask";
}

std::string StateText(const SubscriberState& s, std::string_view lang) {
  switch (s.state) {
    case SubscriberState::kKnows:
      return Tr("arrived", lang);
    case SubscriberState::kWaiting:
      return Tr("waiting", lang);
    case SubscriberState::kCannotAsk:
      break;
  }
  return Tr("cannot_ask", lang);
}

// Whether a subscriber's notifications about the person include `current`.
bool Told(const Json& notifications, const Json& current) {
  for (const Json& event : notifications.value("events", Json::array())) {
    if (!event.is_object() || !event.contains("address")) continue;
    const Json& a = event["address"];
    if (StringOr(a, "address") == StringOr(current, "address") && StringOr(a, "from") == StringOr(current, "from")) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string AddressServiceId() { return registry::InfoOf(registry::Kind::kPopulation).ClientId() + "/address"; }

Result<Json> AddressChangeFromForm(const Form& form, std::string_view lang) {
  for (const auto& [key, value] : form) {
    if (value.size() > kMaxField) return InvalidArgument(Tr("too_long", lang));
  }
  Json change = Json::object();
  std::string settlement = Field(form, "settlement"), street = Field(form, "street");
  if (settlement.empty()) return InvalidArgument(Tr("need_settlement", lang));
  if (street.empty()) return InvalidArgument(Tr("need_street", lang));
  change["settlement"] = settlement;
  change["street"] = street;
  if (std::string m = Field(form, "municipality"); !m.empty()) change["municipality"] = m;
  std::optional<int> house = SmallNumber(Field(form, "house"));
  if (!house) return InvalidArgument(Tr("need_house", lang));
  change["house"] = *house;
  if (std::string apartment = Field(form, "apartment"); !apartment.empty()) {
    std::optional<int> n = SmallNumber(apartment);
    if (!n) return InvalidArgument(Tr("bad_apartment", lang));
    change["apartment"] = *n;
  }
  if (std::string from = Field(form, "from"); !from.empty()) {
    if (!IsIsoDate(from)) return InvalidArgument(Tr("bad_from", lang));
    change["from"] = from;
  }
  return change;
}

std::string AddressFormBody(const AddressPage& page, std::string_view lang) {
  std::string out = "<p>" + HtmlEscape(Tr("address_intro", lang)) + "</p>\n";
  if (page.current.is_object()) {
    out += fmt::format(
        "<p>{}: <strong id=\"current-address\">{}</strong> ({})</p>\n", HtmlEscape(Tr("current_address", lang)),
        HtmlEscape(StringOr(page.current, "address")),
        HtmlEscape(fmt::format(fmt::runtime(Tr("since", lang)), DateText(StringOr(page.current, "from"), lang))));
  }
  if (!page.error.empty()) {
    out += ErrorBox(page.error, "address-error");
  }
  out += fmt::format("<form method=\"post\" action=\"/address\" class=\"address\">\n{}<h2>{}</h2>\n",
                     CsrfField(page.csrf), HtmlEscape(Tr("change_address", lang)));
  out += Input("settlement", "settlement", page, lang, "list=\"settlements\" required autocomplete=\"address-level2\"",
               "settlement_hint");
  out += Input("municipality", "municipality", page, lang, "autocomplete=\"off\"");
  out += Input("street", "street", page, lang, "list=\"streets\" required autocomplete=\"off\"", "street_hint");
  out += Input("house", "house", page, lang, "inputmode=\"numeric\" required autocomplete=\"off\"");
  out += Input("apartment", "apartment", page, lang, "inputmode=\"numeric\" autocomplete=\"off\"");
  out += Input("from", "from", page, lang, "type=\"date\"", "from_hint");
  out += fmt::format("<p><button type=\"submit\" id=\"change-address\">{}</button></p>\n</form>\n{}",
                     HtmlEscape(Tr("change_address", lang)), DataLists());
  return out;
}

std::span<const registry::Kind> AddressSubscribers() { return kSubscribers; }

void AskSubscribers(registry::ExchangeCaller& exchange, const std::string& personal_code, const Json& current,
                    std::function<void(std::vector<SubscriberState>)> done) {
  FanOut<SubscriberState>(
      std::size(kSubscribers),
      [&exchange, personal_code, current](size_t i, std::function<void(SubscriberState)> answer) {
        exchange.GetAsync(registry::InfoOf(kSubscribers[i]).ClientId() + "/notifications", "/" + personal_code,
                          OwnRequest(personal_code), [i, current, answer](Result<registry::ExchangeAnswer> a) {
                            SubscriberState s{kSubscribers[i]};
                            if (a.ok())
                              s.state = Told(a->body, current) ? SubscriberState::kKnows : SubscriberState::kWaiting;
                            answer(s);
                          });
      },
      std::move(done));
}

std::string PropagationList(const std::vector<SubscriberState>& states, std::string_view lang) {
  std::string items;
  for (const SubscriberState& s : states) {
    items += fmt::format(
        "<li data-registry=\"{}\" data-state=\"{}\"><span class=\"name\">{}</span>: "
        "<span class=\"state\">{}</span></li>",
        registry::InfoOf(s.registry).name, StateName(s), HtmlEscape(RegistryName(s.registry, lang)),
        HtmlEscape(StateText(s, lang)));
  }
  return fmt::format(
      "<section id=\"propagation\" aria-labelledby=\"propagation-heading\">\n<h2 id=\"propagation-heading\">{}</h2>\n"
      "<p>{}</p>\n<ul class=\"subscribers\" aria-live=\"polite\" data-poll=\"/address/status\">{}</ul>\n"
      "<p><a href=\"/address\">{}</a></p>\n</section>\n",
      HtmlEscape(Tr("propagation", lang)), HtmlEscape(Tr("propagation_help", lang)), items,
      HtmlEscape(Tr("check_again", lang)));
}

Json PropagationJson(const std::vector<SubscriberState>& states, std::string_view lang) {
  Json list = Json::array();
  bool done = true;
  for (const SubscriberState& s : states) {
    list.push_back({{"registry", registry::InfoOf(s.registry).name},
                    {"name", RegistryName(s.registry, lang)},
                    {"state", StateName(s)},
                    {"text", StateText(s, lang)}});
    done = done && s.state == SubscriberState::kKnows;
  }
  return Json{{"subscribers", list}, {"done", done}};
}

}  // namespace riik::portal
