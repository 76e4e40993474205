// Fuzzes the X-Road identifier parsers (client, member, service ids and /r1 request
// paths): never crashes, and an identifier without percent-escapes reads back the same
// from its own text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "exchange/identifiers.h"
#include "seeds.h"

using namespace riik::exchange;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool plain = text.find('%') == std::string_view::npos;
  riik::fuzz::RequireValid(
      ParseClientId(text).ok() || ParseMemberId(text).ok() || ParseServiceId(text).ok() || ParseServicePath(text).ok(),
      "no identifier parses");
  if (auto client = ParseClientId(text); client.ok() && plain) {
    auto again = ParseClientId(client->ToString());
    if (!again.ok() || !(*again == *client)) std::abort();
  }
  if (auto member = ParseMemberId(text); member.ok() && plain) {
    auto again = ParseMemberId(member->ToString());
    if (!again.ok() || !(*again == *member)) std::abort();
  }
  if (auto service = ParseServiceId(text); service.ok() && plain) {
    auto again = ParseServiceId(service->ToString());
    if (!again.ok() || !(*again == service.value())) std::abort();
  }
  if (auto path = ParseServicePath(text); path.ok() && plain) {
    auto again = ParseServiceId(path->service.ToString());
    if (!again.ok() || !(*again == path->service)) std::abort();
  }
  return 0;
}
