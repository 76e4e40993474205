// The Vote page (vote_page.h).
#include "portal/vote_page.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/encoding.h"
#include "core/json.h"
#include "election/ballot.h"
#include "portal/format.h"
#include "portal/layout.h"
#include "portal/phrases.h"
#include "sign/container.h"

namespace riik::portal {
namespace {

// One contest: a radio group when exactly one is chosen, else check boxes. The inputs
// have no form to be sent with: portal.js reads them and sends only the encrypted ballot.
std::string ContestFieldset(const Json& contest, std::string_view lang) {
  const int64_t min = IntOr(contest, "min"), max = IntOr(contest, "max", 1);
  const bool one = min == 1 && max == 1;
  const std::string id = StringOr(contest, "id");
  std::string options;
  int n = 0;
  for (const Json& o : contest.value("options", Json::array())) {
    const std::string input = fmt::format("choice-{}-{}", id, ++n);
    const std::string party = StringOr(o, "party");
    options +=
        fmt::format("<li><input type=\"{}\" id=\"{}\" name=\"{}\" value=\"{}\"> <label for=\"{}\">{}{}</label></li>\n",
                    one ? "radio" : "checkbox", HtmlEscape(input), HtmlEscape("contest-" + id),
                    HtmlEscape(StringOr(o, "id")), HtmlEscape(input), HtmlEscape(StringOr(o, "name")),
                    party.empty() ? "" : " <span class=\"party\">(" + HtmlEscape(party) + ")</span>");
  }
  std::string how =
      one ? Tr("vote_choose_one", lang) : fmt::format(fmt::runtime(Tr("vote_choose_between", lang)), min, max);
  return fmt::format(
      "<fieldset data-contest=\"{}\">\n<legend>{}</legend>\n<p class=\"hint\">{}</p>\n<ul "
      "class=\"choices\">\n{}</ul>\n</fieldset>\n",
      HtmlEscape(id), HtmlEscape(StringOr(contest, "title")), HtmlEscape(how), options);
}

std::string ReceiptSection(const Json& receipt, const std::string& election, const std::string& check_url,
                           std::string_view lang) {
  const std::string hash = StringOr(receipt, "ballot_hash"), vote_id = StringOr(receipt, "vote_id");
  std::string command = fmt::format(
      "riik vote check --url {} --ca root.pem --election {} --vote-id {} --randomness ballot-randomness.json",
      check_url.empty() ? "VOTE-SERVICE-URL" : check_url, election, vote_id);
  return fmt::format(
      "<section id=\"receipt\" aria-labelledby=\"receipt-heading\" data-ballot-hash=\"{}\">\n"
      "<h2 id=\"receipt-heading\">{}</h2>\n<dl>\n<dt>{}</dt><dd><time data-date datetime=\"{}\">{}</time></dd>\n"
      "<dt>{}</dt><dd class=\"fingerprint\" id=\"ballot-hash\">{}</dd>\n<dt>{}</dt><dd>{}</dd>\n"
      "<dt>{}</dt><dd class=\"fingerprint\" id=\"vote-id\">{}</dd>\n</dl>\n<p>{}</p>\n<pre class=\"command\">{}</pre>\n"
      "<p id=\"randomness\" hidden><a id=\"randomness-download\" download=\"ballot-randomness.json\" "
      "href=\"#\">{}</a></p>\n"
      "<p class=\"hint\">{}</p>\n</section>\n",
      HtmlEscape(hash), HtmlEscape(Tr("vote_receipt_title", lang)), HtmlEscape(Tr("vote_registered", lang)),
      HtmlEscape(StringOr(receipt, "time")), HtmlEscape(StringOr(receipt, "time")),
      HtmlEscape(Tr("vote_ballot_hash", lang)), HtmlEscape(hash), HtmlEscape(Tr("vote_board_entry", lang)),
      IntOr(receipt, "leaf_index"), HtmlEscape(Tr("vote_id", lang)), HtmlEscape(vote_id),
      HtmlEscape(Tr("vote_check_help", lang)), HtmlEscape(command), HtmlEscape(Tr("vote_randomness_download", lang)),
      HtmlEscape(Tr("vote_revote", lang)));
}

// The published result (the trustees' tally, verified by the vote service against its
// board before publishing): each contest's counts as bars, and where the record is.
std::string ResultsSection(const Json& manifest, const Json& result, const std::string& check_url,
                           std::string_view lang) {
  std::string contests;
  for (const Json& c : result.value("contests", Json::array())) {
    const std::string id = StringOr(c, "contest");
    Json contest = Json::object();
    for (const Json& m : manifest.value("contests", Json::array())) {
      if (StringOr(m, "id") == id) contest = m;
    }
    const int64_t ballots = IntOr(c, "ballots");
    std::string rows;
    for (const Json& o : c.value("options", Json::array())) {
      std::string name = StringOr(o, "option"), party;
      for (const Json& m : contest.value("options", Json::array())) {
        if (StringOr(m, "id") == StringOr(o, "option")) {
          name = StringOr(m, "name");
          party = StringOr(m, "party");
        }
      }
      const int64_t count = IntOr(o, "count");
      rows += fmt::format(
          "<tr><th scope=\"row\">{}{}</th><td><meter min=\"0\" max=\"{}\" value=\"{}\">{}</meter></td>"
          "<td class=\"count\">{}</td></tr>\n",
          HtmlEscape(name), party.empty() ? "" : " <span class=\"party\">(" + HtmlEscape(party) + ")</span>",
          std::max<int64_t>(ballots, 1), count, count, count);
    }
    contests += fmt::format(
        "<h3>{}</h3>\n<p class=\"hint\">{}</p>\n<table class=\"results\" data-contest=\"{}\">\n{}</table>\n",
        HtmlEscape(StringOr(contest, "title").empty() ? id : StringOr(contest, "title")),
        HtmlEscape(fmt::format(fmt::runtime(Tr("vote_result_ballots", lang)), ballots)), HtmlEscape(id), rows);
  }
  const std::string base = check_url.empty() ? "" : check_url + "/record/";
  return fmt::format(
      "<section id=\"results\" aria-labelledby=\"results-heading\">\n<h2 id=\"results-heading\">{}</h2>\n"
      "<p>{}</p>\n{}<p><a href=\"{}tally.json\">{}</a></p>\n<pre class=\"command\">{}</pre>\n</section>\n",
      HtmlEscape(Tr("vote_results", lang)), HtmlEscape(Tr("vote_results_help", lang)), contests, HtmlEscape(base),
      HtmlEscape(Tr("vote_record_link", lang)),
      HtmlEscape(
          "for f in manifest.json ceremony.json voters.jsonl board.jsonl board_heads.jsonl tally.json; do curl -s "
          "--cacert root.pem -o record/$f " +
          (base.empty() ? std::string("VOTE-SERVICE-URL/record/") : base) +
          "$f; done; riik vote verify record --ca root.pem"));
}

}  // namespace

std::string VoteBody(const VotePage& page, std::string_view lang) {
  const Json& e = page.election;
  const Json manifest = e.value("manifest", Json::object());
  std::string district_name;
  for (const Json& d : manifest.value("districts", Json::array())) {
    if (StringOr(d, "id") == StringOr(e, "district")) district_name = StringOr(d, "name");
  }
  std::string out = page.error.empty() ? "" : ErrorBox(page.error, "vote-error");
  out += fmt::format(
      "<p>{}</p>\n<p>{}</p>\n", HtmlEscape(StringOr(manifest, "title")),
      HtmlEscape(fmt::format(fmt::runtime(Tr("vote_district", lang)), district_name, StringOr(manifest, "closes"))));
  if (e.contains("result") && e["result"].is_object()) {
    out += ResultsSection(manifest, e["result"], page.check_url, lang);
  }
  if (page.receipt.is_object()) out += ReceiptSection(page.receipt, StringOr(e, "election"), page.check_url, lang);
  if (page.signing)
    return out + SigningSection(*page.signing, "/vote/signing", "/vote", "vote_sign_help", page.csrf, lang);
  if (e.value("closed", false)) return out + "<p>" + HtmlEscape(Tr("vote_closed", lang)) + "</p>\n";
  std::string contests;
  for (const Json& contest : e.value("contests", Json::array())) contests += ContestFieldset(contest, lang);
  // The election for portal.js (what ballot.js encrypts for), in an attribute: no inline script.
  Json for_script = {{"manifest", manifest},
                     {"election", e.value("election", Json())},
                     {"key", e.value("key", Json())},
                     {"voter", e.value("voter", Json())},
                     {"district", e.value("district", Json())}};
  out += fmt::format(
      "<section id=\"ballot\" aria-labelledby=\"ballot-heading\" data-election=\"{}\">\n<h2 "
      "id=\"ballot-heading\">{}</h2>\n"
      "<p class=\"hint\">{}</p>\n{}<div class=\"error\" role=\"alert\" id=\"ballot-error\" hidden></div>\n"
      "<p><button type=\"button\" id=\"encrypt\">{}</button></p>\n"
      "<div id=\"encrypted\" hidden><p>{}</p><p class=\"fingerprint\" id=\"encrypted-hash\"></p>\n"
      "<p><button type=\"button\" id=\"cast\">{}</button> <button type=\"button\" class=\"secondary\" "
      "id=\"spoil\">{}</button></p></div>\n"
      "<noscript><p>{}</p></noscript>\n"
      "<form method=\"post\" action=\"/vote\" id=\"cast-form\" hidden>{}<input type=\"hidden\" name=\"ballot\" "
      "id=\"ballot-json\"></form>\n"
      "<div id=\"spoiled\" hidden><h3>{}</h3><p>{}</p><p class=\"fingerprint\" id=\"spoiled-hash\"></p>"
      "<p><a id=\"spoiled-download\" download=\"spoiled-ballot.json\" href=\"#\">{}</a></p>"
      "<pre class=\"command\">riik vote audit spoiled-ballot.json --ca root.pem --url {}</pre></div>\n</section>\n",
      HtmlEscape(for_script.dump()), HtmlEscape(Tr(page.receipt.is_object() ? "vote_again" : "vote_ballot", lang)),
      HtmlEscape(Tr("vote_encrypt_help", lang)), contests, HtmlEscape(Tr("vote_encrypt", lang)),
      HtmlEscape(Tr("vote_encrypted", lang)), HtmlEscape(Tr("vote_cast", lang)), HtmlEscape(Tr("vote_spoil", lang)),
      HtmlEscape(Tr("vote_needs_script", lang)), CsrfField(page.csrf), HtmlEscape(Tr("vote_spoiled_title", lang)),
      HtmlEscape(Tr("vote_spoiled_help", lang)), HtmlEscape(Tr("vote_spoiled_download", lang)),
      HtmlEscape(page.check_url.empty() ? "VOTE-SERVICE-URL" : page.check_url));
  return out;
}

Result<std::string> BallotContainer(std::string_view ballot_json) {
  if (ballot_json.empty()) return InvalidArgument("no ballot was sent: voting needs JavaScript");
  if (ballot_json.size() > kMaxBallotFormBytes) return InvalidArgument("the ballot is too large");
  auto ballot = election::ParseBallot(ballot_json);
  if (!ballot.ok()) return InvalidArgument("the ballot is not one: " + ballot.status().message());
  sign::Container container;
  container.files.push_back({"ballot.json", "application/json", std::string(ballot_json)});
  return sign::WriteContainer(container);
}

}  // namespace riik::portal
