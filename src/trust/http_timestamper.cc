// Posting RFC 3161 queries to the TSA over HTTP.
#include "trust/http_timestamper.h"

#include <memory>
#include <mutex>

#include "net/url.h"

namespace riik::trust {

TimestampFn HttpTimestamper(std::function<std::string()> tsa_url, net::ClientOptions options) {
  struct State {
    std::mutex mu;
    std::string url;
    std::unique_ptr<net::HttpClient> client;
  };
  auto state = std::make_shared<State>();
  options.max_body_bytes = kMaxTimestampReplyBytes;
  return [state, tsa_url = std::move(tsa_url), options](std::string_view digest) -> Result<std::string> {
    std::string url = tsa_url();
    if (url.empty()) return Unavailable("the global configuration names no TSA");
    ASSIGN_OR_RETURN(TimestampQuery query, BuildTimestampQuery(digest));
    ASSIGN_OR_RETURN(net::Url parsed, net::ParseUrl(url));
    std::lock_guard lock(state->mu);
    if (!state->client || state->url != url) {
      ASSIGN_OR_RETURN(state->client, net::HttpClient::Create(url, options));
      state->url = url;
    }
    net::Headers headers;
    headers.Add("Content-Type", "application/timestamp-query");
    auto reply = state->client->Send("POST", parsed.target, headers, query.der);
    if (!reply.ok()) {
      state->client.reset();
      return reply.status().WithContext("TSA " + url);
    }
    if (reply->status != 200) {
      return Unavailable("TSA " + url + " answered HTTP " + std::to_string(reply->status));
    }
    return TokenFromReply(reply->body, query, digest);
  };
}

}  // namespace riik::trust
