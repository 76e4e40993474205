// The data trackers' view (tracker_view.h).
#include "portal/tracker_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "portal/fan_out.h"
#include "portal/format.h"
#include "portal/my_data.h"
#include "portal/phrases.h"

namespace riik::portal {
namespace {

using Lang = std::string_view;

struct AccessLine {
  const TrackerItem* item;
  const tracker::VerifiedListing::Entry* entry;
};

// A subsystem as a person knows it: a registry by its name, anyone else by its id.
std::string ClientName(const std::string& client, std::string_view portal_client, Lang lang) {
  if (client == portal_client) return Tr("the_portal", lang);
  for (const registry::RegistryInfo& r : registry::Registries()) {
    if (client == r.ClientId()) return RegistryName(r.kind, lang);
  }
  return client.empty() ? "–" : client;
}

std::string AccessRow(const AccessLine& row, const std::string& person, std::string_view portal_client, Lang lang) {
  const tracker::AccessRecord& r = row.entry->record;
  const char* name = registry::InfoOf(row.item->registry).name;
  std::string fields;
  for (const std::string& f : r.fields) fields += (fields.empty() ? "" : ", ") + f;
  std::string behalf = r.user_id == "EE" + person ? Tr("you", lang) : (r.user_id.empty() ? "–" : r.user_id);
  return fmt::format(
      "<tr data-registry=\"{}\" data-time-us=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
      "<td class=\"proof\" data-registry=\"{}\" data-leaf=\"{}\">{}</td></tr>\n",
      name, r.time_us, DateTimeElement(FormatRfc3339(r.time_us)), HtmlEscape(RegistryName(row.item->registry, lang)),
      HtmlEscape(ClientName(r.client, portal_client, lang)), HtmlEscape(behalf),
      HtmlEscape(r.issue.empty() ? "–" : r.issue), HtmlEscape(fields), name, row.entry->leaf_index,
      HtmlEscape(Tr("checking", lang)));
}

// What one registry's listing said, in a line.
std::string SourceLine(const TrackerItem& item, Lang lang) {
  std::string name = RegistryName(item.registry, lang);
  auto say = [&](const char* key, std::string_view extra = "") {
    return fmt::format(fmt::runtime(Tr(key, lang)), name, extra);
  };
  if (!item.listing.ok()) {
    Code code = item.listing.status().code();
    if (code == Code::kNotFound) return "<li>" + HtmlEscape(say("no_tracker_yet")) + "</li>";
    if (registry::ProviderMessage(item.listing.status()).find("timestamp") != std::string_view::npos) {
      return "<li>" + HtmlEscape(say("sealing")) + "</li>";
    }
    return "<li class=\"error\">" + HtmlEscape(fmt::format(fmt::runtime(Tr("unavailable", lang)), name)) + "</li>";
  }
  if (!item.verified.ok()) {
    return "<li class=\"error\" role=\"alert\">" + HtmlEscape(say("listing_bad", item.verified.status().message())) +
           "</li>";
  }
  if (item.verified->entries.empty()) return "<li>" + HtmlEscape(say("nobody_yet")) + "</li>";
  return fmt::format("<li>{} <a href=\"/tracker/{}.json\" download>{}</a></li>",
                     HtmlEscape(fmt::format(fmt::runtime(Tr("listing_ok", lang)), name, item.verified->entries.size())),
                     registry::InfoOf(item.registry).name, HtmlEscape(Tr("download", lang)));
}

}  // namespace

std::string TrackerServiceId(registry::Kind kind) { return registry::InfoOf(kind).ClientId() + "/tracker"; }

void GatherTrackers(registry::ExchangeCaller& exchange, const std::string& personal_code, X509* trust_root,
                    std::function<void(std::vector<TrackerItem>)> done) {
  FanOut<TrackerItem>(
      registry::Registries().size(),
      [&exchange, personal_code, trust_root](size_t i, std::function<void(TrackerItem)> answer) {
        registry::Kind kind = registry::Registries()[i].kind;
        exchange.GetAsync(TrackerServiceId(kind), "/" + personal_code, OwnRequest(personal_code),
                          [kind, trust_root, answer](Result<registry::ExchangeAnswer> listing) {
                            TrackerItem item{kind};
                            item.verified = listing.ok() ? tracker::CheckListing(listing->bytes, trust_root)
                                                         : Result<tracker::VerifiedListing>(listing.status());
                            item.listing = std::move(listing);
                            answer(std::move(item));
                          });
      },
      std::move(done));
}

std::string TrackerBody(const std::vector<TrackerItem>& items, std::string_view portal_client, std::string_view lang) {
  std::vector<AccessLine> rows;
  std::string person;
  for (const TrackerItem& item : items) {
    if (!item.verified.ok()) continue;
    person = item.verified->person;
    for (const auto& e : item.verified->entries) rows.push_back({&item, &e});
  }
  std::sort(rows.begin(), rows.end(),
            [](const AccessLine& a, const AccessLine& b) { return a.entry->record.time_us > b.entry->record.time_us; });
  std::string sources;
  for (const TrackerItem& item : items) sources += SourceLine(item, lang);
  std::string out = "<p>" + HtmlEscape(Tr("tracker_intro", lang)) + "</p>\n";
  if (!rows.empty()) {
    size_t registries = 0;
    for (const TrackerItem& item : items) {
      registries += item.verified.ok() && !item.verified->entries.empty() ? 1 : 0;
    }
    std::string label = fmt::format(fmt::runtime(Tr("timeline_label", lang)), rows.size(), registries,
                                    DateText(FormatRfc3339(rows.back().entry->record.time_us).substr(0, 10), lang),
                                    DateText(FormatRfc3339(rows.front().entry->record.time_us).substr(0, 10), lang));
    out += fmt::format(
        "<figure class=\"chart\">\n<figcaption>{}</figcaption>\n<div id=\"timeline\" role=\"img\" aria-label=\"{}\">"
        "</div>\n</figure>\n",
        HtmlEscape(Tr("timeline", lang)), HtmlEscape(label));
    std::string body;
    for (const AccessLine& row : rows) body += AccessRow(row, person, portal_client, lang);
    out += fmt::format(
        "<h2>{}</h2>\n<div class=\"scroll\"><table id=\"accesses\">\n<thead><tr><th scope=\"col\">{}</th>"
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th>"
        "<th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n{}</tbody>\n</table></div>\n",
        HtmlEscape(Tr("accesses", lang)), HtmlEscape(Tr("when", lang)), HtmlEscape(Tr("registry", lang)),
        HtmlEscape(Tr("who_asked", lang)), HtmlEscape(Tr("on_behalf", lang)), HtmlEscape(Tr("purpose", lang)),
        HtmlEscape(Tr("data_given", lang)), HtmlEscape(Tr("proof", lang)), body);
  }
  out += fmt::format("<h2>{}</h2>\n<ul id=\"sources\" data-ok=\"{}\" data-bad=\"{}\">{}</ul>\n",
                     HtmlEscape(Tr("sources", lang)), HtmlEscape(Tr("proof_ok", lang)),
                     HtmlEscape(Tr("proof_bad", lang)), sources);
  return out;
}

}  // namespace riik::portal
