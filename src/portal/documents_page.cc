// The documents pages (documents_page.h).
#include "portal/documents_page.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"
#include "portal/format.h"
#include "portal/layout.h"
#include "portal/my_data.h"
#include "portal/phrases.h"
#include "sign/container.h"

namespace riik::portal {
namespace {

using Lang = std::string_view;

std::string When(UnixMicros t, Lang lang) { return DateText(FormatRfc3339(t).substr(0, 10), lang); }

const Cosigner* CosignerOf(const Document& d, const std::string& person) {
  for (const Cosigner& c : d.cosigners) {
    if (c.person == person) return &c;
  }
  return nullptr;
}

std::string DocumentItem(const Document& d, const std::string& person, Lang lang) {
  std::string detail = fmt::format(fmt::runtime(Tr("updated", lang)), When(d.updated_us, lang));
  if (d.owner != person) {
    const Cosigner* c = CosignerOf(d, person);
    detail = fmt::format(fmt::runtime(Tr("from_owner", lang)), d.owner) + "; " +
             Tr(c && c->signed_us ? "you_signed" : "waiting_for_you", lang);
  }
  return fmt::format("<li><a href=\"/documents/{}\">{}</a> <span class=\"hint\">({})</span></li>\n", HtmlEscape(d.id),
                     HtmlEscape(d.name), HtmlEscape(detail));
}

std::string Report(const Json& validation, Lang lang) {
  const Json report = validation.value("report", Json::object());
  std::string verdict = StringOr(report, "verdict");
  std::string lines;
  for (const Json& s : report.value("signatures", Json::array())) {
    std::string what = Tr("sig_" + StringOr(s, "verdict"), lang);
    for (const Json& e : s.value("errors", Json::array())) {
      if (e.is_string()) what += "; " + e.get<std::string>();
    }
    for (const Json& w : s.value("warnings", Json::array())) {
      if (w.is_string()) what += "; " + w.get<std::string>();
    }
    lines += fmt::format(
        "<li data-verdict=\"{}\">{}</li>\n", HtmlEscape(StringOr(s, "verdict")),
        HtmlEscape(fmt::format(fmt::runtime(Tr("signature_line", lang)), StringOr(s, "signer"),
                               StringOr(s, "signer_id"), DateTimeText(StringOr(s, "timestamp_time", "–")), what)));
  }
  if (lines.empty()) lines = "<li>" + HtmlEscape(Tr("no_signatures", lang)) + "</li>\n";
  const Json record = validation.value("record", Json::object());
  return fmt::format(
      "<section id=\"report\" aria-labelledby=\"report-heading\">\n<h2 id=\"report-heading\">{}</h2>\n"
      "<p id=\"verdict\" data-verdict=\"{}\"><strong>{}</strong></p>\n<ul>\n{}</ul>\n<p class=\"source\">{}</p>\n"
      "</section>\n",
      HtmlEscape(Tr("report", lang)), HtmlEscape(verdict), HtmlEscape(Tr("verdict_" + verdict, lang)), lines,
      HtmlEscape(fmt::format(fmt::runtime(Tr("validation_record", lang)), IntOr(record, "leaf_index", -1))));
}

}  // namespace

std::string DocumentsBody(const std::vector<Document>& owned, const std::vector<Document>& asked,
                          const std::string& person, std::string_view error, std::string_view csrf, Lang lang) {
  std::string out = "<p>" + HtmlEscape(Tr("documents_intro", lang)) + "</p>\n";
  if (!error.empty()) out += ErrorBox(error, "documents-error");
  out += fmt::format(
      "<form method=\"post\" action=\"/documents\" enctype=\"multipart/form-data\" class=\"upload\">{}\n"
      "<h2>{}</h2>\n<label for=\"file\">{}</label><input type=\"file\" id=\"file\" name=\"file\" required>\n"
      "<p><button type=\"submit\" id=\"upload\">{}</button></p>\n</form>\n",
      CsrfField(csrf), HtmlEscape(Tr("upload", lang)), HtmlEscape(Tr("file", lang)),
      HtmlEscape(Tr("upload_button", lang)));
  std::string mine, theirs;
  for (const Document& d : owned) mine += DocumentItem(d, person, lang);
  for (const Document& d : asked) theirs += DocumentItem(d, person, lang);
  out += fmt::format("<h2>{}</h2>\n", HtmlEscape(Tr("asked_to_sign", lang)));
  out += theirs.empty() ? "<p>" + HtmlEscape(Tr("nothing_asked", lang)) + "</p>\n"
                        : "<ul id=\"asked\">\n" + theirs + "</ul>\n";
  out += fmt::format("<h2>{}</h2>\n", HtmlEscape(Tr("my_documents", lang)));
  out +=
      mine.empty() ? "<p>" + HtmlEscape(Tr("no_documents", lang)) + "</p>\n" : "<ul id=\"mine\">\n" + mine + "</ul>\n";
  return out;
}

std::string DocumentBody(const DocumentPage& page, Lang lang) {
  const Document& d = page.document;
  std::string out;
  if (!page.note.empty()) {
    out += fmt::format("<div class=\"done\" role=\"status\" id=\"document-note\"><p>{}</p></div>\n",
                       HtmlEscape(page.note));
  }
  if (!page.error.empty()) out += ErrorBox(page.error, "document-error");
  auto container = sign::ReadContainer(d.container);
  std::string files;
  size_t signatures = 0;
  if (container.ok()) {
    for (const auto& f : container->files) {
      files += fmt::format("<li>{} ({} B)</li>", HtmlEscape(f.name), f.content.size());
    }
    signatures = container->signatures.size();
  }
  out += fmt::format("<h2>{}</h2>\n<ul id=\"files\">{}</ul>\n<p id=\"signature-count\" data-count=\"{}\">{}</p>\n",
                     HtmlEscape(Tr("document_files", lang)), files, signatures,
                     HtmlEscape(fmt::format(fmt::runtime(Tr("signature_count", lang)), signatures)));
  if (!d.cosigners.empty()) {
    std::string rows;
    for (const Cosigner& c : d.cosigners) {
      // The owner sees whom they asked; a co-signer sees only themself.
      if (d.owner != page.viewer && c.person != page.viewer) continue;
      rows += fmt::format("<li data-person=\"{}\" data-signed=\"{}\">{}: {}</li>", HtmlEscape(c.person),
                          c.signed_us ? "yes" : "no", HtmlEscape(c.person),
                          HtmlEscape(Tr(c.signed_us ? "cosigner_signed" : "cosigner_waiting", lang)));
    }
    out += fmt::format("<h2>{}</h2>\n<ul id=\"cosigners\">{}</ul>\n", HtmlEscape(Tr("cosigners", lang)), rows);
  }
  std::string base = "/documents/" + d.id;
  if (page.signing != nullptr) {
    out += SigningSection(*page.signing, base + "/signing", base, "sign_doc_help", page.csrf, lang);
  } else if (const Cosigner* c = CosignerOf(d, page.viewer); c == nullptr || c->signed_us == 0) {
    out += fmt::format(
        "<form method=\"post\" action=\"{}/sign\">{}<p class=\"hint\">{}</p><p><button type=\"submit\" "
        "id=\"sign-document\">{}</button></p></form>\n",
        HtmlEscape(base), CsrfField(page.csrf), HtmlEscape(Tr("sign_doc_help", lang)),
        HtmlEscape(Tr("sign_document", lang)));
  }
  if (d.owner == page.viewer) {
    out += fmt::format(
        "<form method=\"post\" action=\"{}/cosigners\">{}<h2>{}</h2>\n<label for=\"cosigner\">{}</label>"
        "<input id=\"cosigner\" name=\"person\" inputmode=\"numeric\" autocomplete=\"off\" required>\n"
        "<p><button type=\"submit\" id=\"ask-cosigner\" class=\"secondary\">{}</button></p></form>\n",
        HtmlEscape(base), CsrfField(page.csrf), HtmlEscape(Tr("ask_cosigner", lang)),
        HtmlEscape(Tr("cosigner_code", lang)), HtmlEscape(Tr("ask_button", lang)));
  }
  out += fmt::format(
      "<p><a href=\"{}/container\" id=\"download\" download>{}</a></p>\n"
      "<form method=\"post\" action=\"{}/verify\">{}<p class=\"hint\">{}</p><p><button type=\"submit\" "
      "id=\"verify\" class=\"secondary\">{}</button></p></form>\n",
      HtmlEscape(base), HtmlEscape(Tr("download_container", lang)), HtmlEscape(base), CsrfField(page.csrf),
      HtmlEscape(Tr("verify_help", lang)), HtmlEscape(Tr("verify", lang)));
  if (page.validation.is_object()) out += Report(page.validation, lang);
  return out;
}

}  // namespace riik::portal
