// Rendering the tour's template.
#include "cli/tour.h"

#include "tour_template.h"

namespace riik::cli {

std::string RenderTour(const std::map<std::string, std::string>& values) {
  const std::string tmpl = kTourTemplate;
  std::string out;
  size_t at = 0;
  while (at < tmpl.size()) {
    size_t open = tmpl.find("{{", at);
    size_t close = open == std::string::npos ? std::string::npos : tmpl.find("}}", open + 2);
    if (close == std::string::npos) break;
    out.append(tmpl, at, open - at);
    auto value = values.find(tmpl.substr(open + 2, close - open - 2));
    out += value != values.end() ? value->second : tmpl.substr(open, close + 2 - open);
    at = close + 2;
  }
  out.append(tmpl, at, std::string::npos);
  return out;
}

}  // namespace riik::cli
