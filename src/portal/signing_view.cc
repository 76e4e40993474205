// The signing section (signing_view.h).
#include "portal/signing_view.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "portal/phrases.h"

namespace riik::portal {
namespace {

std::string SigningText(const SigningView& s, std::string_view lang) {
  if (s.state == "refused") return fmt::format(fmt::runtime(Tr("signing_refused", lang)), s.message);
  if (s.state == "unconfirmed") return s.message;
  return Tr("signing_" + s.state, lang);
}

}  // namespace

bool SigningEnded(std::string_view state) {
  return state == "submitted" || state == "saved" || state == "cast" || state == "refused" || state == "unconfirmed";
}

std::string SigningSection(const SigningView& view, std::string_view poll_url, std::string_view back_url,
                           std::string_view help, std::string_view csrf, std::string_view lang) {
  std::string code = view.verification_code.empty() ? "…" : view.verification_code;
  return fmt::format(
      "<section id=\"signing\" aria-labelledby=\"signing-heading\" data-poll=\"{}\" data-csrf=\"{}\">\n"
      "<h2 id=\"signing-heading\">{}</h2>\n<p>{}</p>\n<p>{}: <strong class=\"code\" "
      "id=\"verification-code\">{}</strong></p>\n<p id=\"signing-state\" aria-live=\"polite\">{}</p>\n"
      "<p><a href=\"{}\">{}</a></p>\n</section>\n",
      HtmlEscape(poll_url), HtmlEscape(csrf), HtmlEscape(Tr("signing_title", lang)), HtmlEscape(Tr(help, lang)),
      HtmlEscape(Tr("verification_code", lang)), HtmlEscape(code), HtmlEscape(SigningText(view, lang)),
      HtmlEscape(back_url), HtmlEscape(Tr("check_again", lang)));
}

Json SigningJson(const SigningView& s, std::string_view lang) {
  return Json{{"state", s.state},
              {"verification_code", s.verification_code},
              {"text", SigningText(s, lang)},
              {"done", SigningEnded(s.state)}};
}

}  // namespace riik::portal
