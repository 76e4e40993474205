// HttpClient on Beast coroutines, driven by a private io_context per client (Send) or
// by a server's event loop (SendAsync).
#include "net/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "net/impl/beast.h"
#include "net/impl/stream.h"

namespace riik::net {

namespace {
thread_local asio::io_context* current_loop = nullptr;
}  // namespace

void SetCurrentEventLoop(asio::io_context* loop) { current_loop = loop; }
EventLoop* CurrentEventLoop() { return LoopOf(current_loop); }
void Post(EventLoop* loop, std::function<void()> fn) { asio::post(IoContextOf(loop), std::move(fn)); }

struct HttpClient::Impl {
  Url url;
  ClientOptions opts;
  std::unique_ptr<asio::io_context> own;  // Send's private loop; null for a client of an event loop
  asio::io_context* ioc = nullptr;
  std::unique_ptr<asio::ssl::context> ssl;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  bool connected() const { return plain || secure; }
  void Close() {
    plain.reset();
    secure.reset();
    buffer.clear();
  }
  beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }
};

namespace {

struct Outcome {
  Status status;
  HttpResponse response;
  bool sent_nothing = false;  // failed before the request went out: safe to retry
};

asio::awaitable<Status> Connect(HttpClient::Impl& c) {
  error_code ec;
  beast::tcp_stream stream(*c.ioc);
  stream.expires_after(c.opts.timeout);
  // An IP address needs no resolver (whose work runs on a thread of its own per io_context).
  error_code not_ip;
  asio::ip::address ip = asio::ip::make_address(c.url.host, not_ip);
  if (!not_ip) {
    co_await stream.async_connect(tcp::endpoint(ip, c.url.port), asio::redirect_error(asio::use_awaitable, ec));
  } else {
    tcp::resolver resolver(*c.ioc);
    auto endpoints = co_await resolver.async_resolve(c.url.host, std::to_string(c.url.port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return Unavailable("cannot resolve " + c.url.host + ": " + ec.message());
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  }
  if (ec) {
    co_return Unavailable("cannot connect to " + c.url.host + ":" + std::to_string(c.url.port) + ": " + ec.message());
  }
  stream.socket().set_option(tcp::no_delay(true), ec);
  if (!c.url.tls) {
    c.plain = std::make_unique<beast::tcp_stream>(std::move(stream));
    co_return OkStatus();
  }
  c.secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(stream), *c.ssl);
  SSL* ssl = c.secure->native_handle();
  if (!SSL_set_tlsext_host_name(ssl, c.url.host.c_str())) { /* an IP literal: no SNI */
  }
  if (c.opts.verify_peer) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    error_code addr_ec;
    asio::ip::make_address(c.url.host, addr_ec);
    if (addr_ec) {
      X509_VERIFY_PARAM_set1_host(param, c.url.host.c_str(), 0);
    } else {
      X509_VERIFY_PARAM_set1_ip_asc(param, c.url.host.c_str());
    }
  }
  co_await c.secure->async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    c.Close();
    co_return Unavailable("TLS handshake with " + c.url.host + " failed: " + ec.message());
  }
  if (c.opts.verify_server) {
    X509* leaf = SSL_get0_peer_certificate(ssl);
    Status verdict = leaf ? c.opts.verify_server(leaf) : PermissionDenied("the server presented no certificate");
    if (!verdict.ok()) {
      c.Close();
      co_return verdict;
    }
  }
  co_return OkStatus();
}

asio::awaitable<Outcome> Exchange(HttpClient::Impl& c, Stream& stream, http::request<http::string_body>& req) {
  Outcome out;
  error_code ec;
  co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    out.sent_nothing = true;
    out.status = Unavailable("sending request failed: " + ec.message());
    co_return out;
  }
  http::response_parser<http::string_body> parser;
  parser.body_limit(c.opts.max_body_bytes);
  parser.header_limit(64 * 1024);
  co_await http::async_read(stream, c.buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    out.sent_nothing = ec == http::error::end_of_stream && !parser.got_some();
    out.status = ec == beast::error::timeout
                     ? DeadlineExceeded("no response within " + std::to_string(c.opts.timeout.count()) + " ms")
                     : Unavailable("reading response failed: " + ec.message());
    co_return out;
  }
  auto res = parser.release();
  out.response.status = static_cast<int>(res.result_int());
  out.response.content_type = std::string(res[http::field::content_type]);
  for (const auto& f : res) out.response.headers.Add(std::string(f.name_string()), std::string(f.value()));
  out.response.body = std::move(res.body());
  if (!res.keep_alive()) c.Close();
  co_return out;
}

asio::awaitable<Outcome> SendOnce(HttpClient::Impl& c, http::request<http::string_body>& req) {
  if (!c.connected()) {
    Status st = co_await Connect(c);
    if (!st.ok()) co_return Outcome{st, {}, false};
  }
  c.lowest().expires_after(c.opts.timeout);
  Stream stream = c.plain ? Stream(*c.plain) : Stream(*c.secure);
  co_return co_await Exchange(c, stream, req);
}

// A kept-alive connection the server has since closed: tried once more on a new one.
asio::awaitable<Outcome> SendRetrying(HttpClient::Impl& c, http::request<http::string_body> req) {
  for (int attempt = 0;; ++attempt) {
    bool reused = c.connected();
    Outcome out = co_await SendOnce(c, req);
    if (out.status.ok()) co_return out;
    c.Close();
    if (!(reused && out.sent_nothing && attempt == 0)) co_return out;
  }
}

http::request<http::string_body> BuildRequest(const Url& url, std::string_view method, std::string_view target,
                                              const Headers& headers, std::string body) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  bool ipv6 = url.host.find(':') != std::string::npos;
  req.set(http::field::host, (ipv6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port));
  req.set(http::field::user_agent, "riik");
  for (const auto& [k, v] : headers.fields()) req.set(k, v);
  req.keep_alive(true);
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

}  // namespace

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::Create(std::string_view base_url, ClientOptions options,
                                                       EventLoop* loop) {
  auto impl = std::make_unique<Impl>();
  if (loop != nullptr) {
    impl->ioc = &IoContextOf(loop);
  } else {
    impl->own = std::make_unique<asio::io_context>(1);
    impl->ioc = impl->own.get();
  }
  ASSIGN_OR_RETURN(impl->url, ParseUrl(base_url));
  impl->opts = std::move(options);
  if (impl->url.tls) {
    impl->ssl = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(impl->ssl->native_handle(),
                                  impl->opts.require_tls13 ? TLS1_3_VERSION : TLS1_2_VERSION);
    error_code ec;
    if (impl->opts.ca_file.empty()) {
      impl->ssl->set_default_verify_paths(ec);
    } else {
      impl->ssl->load_verify_file(impl->opts.ca_file, ec);
    }
    if (ec) {
      return InvalidArgument(impl->opts.ca_file.empty()
                                 ? "cannot load the system's trusted CA certificates: " + ec.message()
                                 : "cannot load CA file " + impl->opts.ca_file + ": " + ec.message());
    }
    impl->ssl->set_verify_mode(impl->opts.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
    if (!impl->opts.cert_file.empty()) {
      impl->ssl->use_certificate_chain_file(impl->opts.cert_file, ec);
      if (ec) return InvalidArgument("cannot load client certificate " + impl->opts.cert_file + ": " + ec.message());
      RETURN_IF_ERROR(CheckSecretFileMode(impl->opts.key_file));
      impl->ssl->use_private_key_file(impl->opts.key_file, asio::ssl::context::pem, ec);
      if (ec) return InvalidArgument("cannot load client key " + impl->opts.key_file + ": " + ec.message());
    }
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

Result<HttpResponse> HttpClient::Send(std::string_view method, std::string_view target, const Headers& headers,
                                      std::string body) {
  Impl& c = *impl_;
  if (!c.own) return Internal("HttpClient::Send on a client of an event loop (use SendAsync)");
  Outcome out;
  asio::co_spawn(*c.ioc, SendRetrying(c, BuildRequest(c.url, method, target, headers, std::move(body))),
                 [&](std::exception_ptr e, Outcome o) {
                   out = e ? Outcome{Internal("HTTP client failed unexpectedly"), {}, false} : std::move(o);
                 });
  c.ioc->restart();
  c.ioc->run();
  if (out.status.ok()) return std::move(out.response);
  return out.status;
}

void HttpClient::SendAsync(std::string_view method, std::string_view target, const Headers& headers, std::string body,
                           Done done) {
  Impl& c = *impl_;
  asio::co_spawn(*c.ioc, SendRetrying(c, BuildRequest(c.url, method, target, headers, std::move(body))),
                 [done = std::move(done)](std::exception_ptr e, Outcome o) {
                   if (e) return done(Internal("HTTP client failed unexpectedly"));
                   if (!o.status.ok()) return done(o.status);
                   done(std::move(o.response));
                 });
}

Result<HttpResponse> HttpClient::PostJson(std::string_view target, const Json& body) {
  Headers h;
  h.Add("Content-Type", "application/json");
  return Send("POST", target, h, body.dump());
}

Result<HttpResponse> Fetch(std::string_view method, std::string_view url, const Headers& headers, std::string body,
                           const ClientOptions& options) {
  ASSIGN_OR_RETURN(Url u, ParseUrl(url));
  ASSIGN_OR_RETURN(auto client, HttpClient::Create(url, options));
  return client->Send(method, u.target, headers, std::move(body));
}

}  // namespace riik::net
