// Downloading and keeping the global configuration.
#include "exchange/conf_client.h"

#include <spdlog/spdlog.h>

#include "core/metrics.h"
#include "net/url.h"

namespace riik::exchange {

ConfClient::ConfClient(ConfClientOptions options) : options_(std::move(options)) {
  Labels labels = {{"server", options_.server_id}};
  version_ = &Metrics().GetGauge("riik_exchange_globalconf_version",
                                 "Version of the global configuration in force (0: none)", labels);
  expires_at_ = &Metrics().GetGauge("riik_exchange_globalconf_expires_at_seconds",
                                    "When the global configuration in force expires (Unix seconds)", labels);
  failures_ = &Metrics().GetCounter("riik_exchange_globalconf_refresh_failures_total",
                                    "Downloads of the global configuration that failed or were refused", labels);
}

std::unique_ptr<ConfClient> ConfClient::Start(ConfClientOptions options) {
  std::unique_ptr<ConfClient> client(new ConfClient(std::move(options)));
  Status first = client->Refresh();
  if (!first.ok()) spdlog::warn("global configuration not available yet: {}", first.message());
  if (client->options_.background) client->thread_ = std::thread([c = client.get()] { c->RefreshLoop(); });
  return client;
}

ConfClient::~ConfClient() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ConfClient::RefreshLoop() {
  std::unique_lock lock(mu_);
  while (!stop_cv_.wait_for(lock, options_.refresh, [this] { return stopping_; })) {
    lock.unlock();
    Status st = Refresh();
    if (!st.ok()) spdlog::warn("global configuration refresh failed: {}", st.message());
    lock.lock();
  }
}

Result<GlobalConf> ConfClient::Download() {
  std::string url = options_.central_url + "/globalconf";
  if (!http_) {
    ASSIGN_OR_RETURN(http_, net::HttpClient::Create(url, options_.http));
  }
  ASSIGN_OR_RETURN(net::Url parsed, net::ParseUrl(url));
  auto resp = http_->Send("GET", parsed.target);
  if (!resp.ok()) {
    http_.reset();
    return resp.status().WithContext("downloading " + url);
  }
  if (resp->status != 200) return Unavailable(url + " answered HTTP " + std::to_string(resp->status));
  return VerifyGlobalConf(resp->body, options_.anchor, options_.clock());
}

Status ConfClient::Refresh() {
  std::lock_guard refresh_lock(refresh_mu_);
  Result<GlobalConf> fresh = Download();
  std::lock_guard lock(mu_);
  if (fresh.ok() && conf_ && fresh->version < conf_->version) {
    fresh = FailedPrecondition("refused version " + std::to_string(fresh->version) + ": older than version " +
                               std::to_string(conf_->version) + " in force");
  }
  if (!fresh.ok()) {
    failures_->Add();
    last_error_ = fresh.status().message();
    return fresh.status();
  }
  conf_ = std::make_shared<const GlobalConf>(std::move(*fresh));
  last_error_.clear();
  version_->Set(conf_->version);
  expires_at_->Set(conf_->expires_at / 1'000'000);
  return OkStatus();
}

Result<std::shared_ptr<const GlobalConf>> ConfClient::Current() const {
  std::lock_guard lock(mu_);
  if (!conf_) {
    return FailedPrecondition("no global configuration yet" + (last_error_.empty() ? "" : " (" + last_error_ + ")"));
  }
  if (options_.clock() >= conf_->expires_at) {
    return FailedPrecondition("the global configuration (version " + std::to_string(conf_->version) + ") expired at " +
                              FormatRfc3339(conf_->expires_at) +
                              (last_error_.empty() ? "" : "; the last refresh failed: " + last_error_));
  }
  return conf_;
}

std::string ConfClient::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

}  // namespace riik::exchange
