// HttpServer on Boost.Beast: accept loop, per-connection coroutine, error mapping,
// graceful stop. Beast is compiled once (asio_impl.cc); this is one of the few files
// that includes it.
#include "net/server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "core/log.h"
#include "core/metrics.h"
#include <nlohmann/json.hpp>

namespace riik::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

struct HttpServer::Impl {
  ServerOptions opts;
  Router router;
  std::unique_ptr<asio::ssl::context> ssl;
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  std::unique_ptr<tcp::acceptor> acceptor;  // on iocs[0]; sockets are spread over all
  std::vector<std::thread> threads;
  uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped{false};

  std::mutex mu;
  std::condition_variable sessions_done;
  std::map<uint64_t, std::function<void()>> sessions;  // id -> "close if idle"
  uint64_t next_session = 0;

  std::array<std::atomic<Counter*>, 600> by_status{};
  Gauge* active = nullptr;
  Counter* tls_failures = nullptr;

  Counter& RequestsWith(int status) {
    if (status < 100 || status >= 600) status = 500;
    Counter* c = by_status[status].load(std::memory_order_acquire);
    if (!c) {
      c = &Metrics().GetCounter("riik_http_requests_total", "HTTP requests answered, by server and status",
                                {{"server", opts.name}, {"code", std::to_string(status)}});
      by_status[status].store(c, std::memory_order_release);
    }
    return *c;
  }

  uint64_t Register(std::function<void()> close_if_idle) {
    std::lock_guard lock(mu);
    sessions[next_session] = std::move(close_if_idle);
    active->Add(1);
    return next_session++;
  }
  void Unregister(uint64_t id) {
    std::lock_guard lock(mu);
    sessions.erase(id);
    active->Add(-1);
    sessions_done.notify_all();
  }
};

namespace {

// Turns a failed read into the error response the client should see, if any.
std::optional<HttpResponse> ReadErrorResponse(const error_code& ec, const http::request_parser<http::string_body>& parser,
                                              const ServerOptions& opts, bool got_bytes) {
  if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted) return std::nullopt;
  if (ec == beast::error::timeout) {
    if (!got_bytes) return std::nullopt;  // an idle keep-alive connection: just close it
    return JsonError(408, "request_timeout",
                     "the request did not arrive within " + std::to_string(opts.read_timeout.count()) + " ms");
  }
  if (ec == http::error::header_limit) {
    return JsonError(431, "header_too_large",
                     "request header exceeds the limit of " + std::to_string(opts.max_header_bytes) + " bytes");
  }
  if (ec == http::error::body_limit) {
    return JsonError(413, "body_too_large",
                     "request body exceeds the limit of " + std::to_string(opts.max_body_bytes) + " bytes");
  }
  if (ec == http::error::partial_message) {
    if (!parser.is_header_done()) return JsonError(400, "truncated_request", "the connection ended inside the request header");
    std::string expected = parser.content_length() ? std::to_string(*parser.content_length()) : "more";
    return JsonError(400, "truncated_request",
                     "the connection ended after " + std::to_string(parser.get().body().size()) + " of " + expected +
                         " body bytes");
  }
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    return JsonError(400, "malformed_request", "malformed HTTP request: " + ec.message());
  }
  return std::nullopt;  // a transport error: nobody to answer
}

HttpRequest ToRequest(http::request<http::string_body>&& msg, const std::string& remote,
                      const std::shared_ptr<X509>& cert) {
  HttpRequest req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  for (const auto& f : msg) req.headers.Add(std::string(f.name_string()), std::string(f.value()));
  req.body = std::move(msg.body());
  req.remote = remote;
  req.peer_cert = cert;
  return req;
}

// Completion of one request: the response may come synchronously (most handlers) or
// later from another thread; the synchronous case avoids a round trip through post().
struct Pending {
  std::mutex mu;
  bool in_dispatch = true;
  std::optional<HttpResponse> response;
  std::function<void(HttpResponse)> resume;
};

template <class Stream>
asio::awaitable<error_code> WriteResponse(Stream& stream, HttpResponse&& r, unsigned version, bool keep_alive,
                                          const ServerOptions& opts) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "riik");
  res.set(http::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers.fields()) res.insert(k, v);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(opts.write_timeout);
  error_code ec;
  co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  co_return ec;
}

HttpResponse BuiltIn(const HttpServer::Impl& s, const HttpRequest& req, bool* handled) {
  *handled = req.method == "GET" && (req.path == "/healthz" || req.path == "/metrics");
  if (!*handled) return {};
  if (req.path == "/healthz") return JsonResponse(Json{{"status", "ok"}, {"server", s.opts.name}});
  return TextResponse(Metrics().Render(), "text/plain; version=0.0.4; charset=utf-8");
}

template <class Stream>
asio::awaitable<void> Serve(HttpServer::Impl* s, Stream& stream, std::string remote, std::shared_ptr<X509> cert) {
  const ServerOptions& opts = s->opts;
  auto& sock = beast::get_lowest_layer(stream);
  auto idle = std::make_shared<bool>(false);
  auto alive = std::make_shared<bool>(true);
  auto ex = sock.get_executor();
  uint64_t id = s->Register([alive, idle, &sock, ex] {
    asio::post(ex, [alive, idle, &sock] {
      if (*alive && *idle) sock.cancel();
    });
  });
  // Reads are bounded by our own timer, which cancels (rather than closes, as the
  // stream's own expiry would) so that a late client can still be told 408.
  asio::steady_timer deadline(ex);
  auto timed_out = std::make_shared<bool>(false);
  auto arm = [&](std::chrono::milliseconds d) {
    *timed_out = false;
    deadline.expires_after(d);
    deadline.async_wait([timed_out, &sock](const error_code& e) {
      if (e) return;  // re-armed or cancelled
      *timed_out = true;
      error_code ignored;
      sock.socket().cancel(ignored);
    });
  };
  beast::flat_buffer buffer;
  for (;;) {
    if (s->stopping) break;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(opts.max_header_bytes));
    parser.body_limit(opts.max_body_bytes);
    bool had_buffered = buffer.size() > 0;
    *idle = !had_buffered;
    sock.expires_never();
    arm(had_buffered ? opts.read_timeout : opts.idle_timeout);
    error_code ec;
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    *idle = false;
    if (!ec && !parser.is_done()) {
      arm(opts.read_timeout);
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    }
    deadline.cancel();
    if (ec == asio::error::operation_aborted && *timed_out) ec = beast::error::timeout;
    if (ec) {
      bool got_bytes = had_buffered || parser.got_some();
      if (auto err = ReadErrorResponse(ec, parser, opts, got_bytes)) {
        s->RequestsWith(err->status).Add();
        co_await WriteResponse(stream, std::move(*err), 11, false, opts);
      }
      break;
    }
    auto start = std::chrono::steady_clock::now();
    unsigned version = parser.get().version();
    bool keep_alive = parser.get().keep_alive();
    HttpRequest req = ToRequest(parser.release(), remote, cert);
    std::string method = req.method, log_path = RedactForLog(req.path);

    bool handled = false;
    HttpResponse resp = BuiltIn(*s, req, &handled);
    if (!handled) {
      auto pending = std::make_shared<Pending>();
      s->router.Dispatch(std::move(req), Responder([pending](HttpResponse r) {
                           std::function<void(HttpResponse)> resume;
                           {
                             std::lock_guard lock(pending->mu);
                             if (!pending->resume) {
                               pending->response = std::move(r);
                               return;
                             }
                             resume = std::move(pending->resume);
                           }
                           resume(std::move(r));
                         }));
      std::optional<HttpResponse> ready;
      {
        std::lock_guard lock(pending->mu);
        pending->in_dispatch = false;
        ready.swap(pending->response);
      }
      if (ready) {
        resp = std::move(*ready);
      } else {
        resp = co_await asio::async_initiate<decltype(asio::use_awaitable), void(HttpResponse)>(
            [pending](auto handler) {
              auto h = std::make_shared<decltype(handler)>(std::move(handler));
              auto hex = asio::get_associated_executor(*h);
              auto resume = [h, hex](HttpResponse r) {
                asio::post(hex, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
              };
              std::optional<HttpResponse> arrived;
              {
                std::lock_guard lock(pending->mu);
                if (pending->response) {
                  arrived.swap(pending->response);
                } else {
                  pending->resume = resume;
                }
              }
              if (arrived) resume(std::move(*arrived));
            },
            asio::use_awaitable);
      }
    }
    int status = resp.status;
    keep_alive = keep_alive && !s->stopping;
    ec = co_await WriteResponse(stream, std::move(resp), version, keep_alive, opts);
    s->RequestsWith(status).Add();
    if (spdlog::should_log(spdlog::level::debug)) {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
      spdlog::debug("{} {} {} -> {} in {} us", opts.name, method, log_path, status, us);
    }
    if (ec || !keep_alive) break;
  }
  *alive = false;
  s->Unregister(id);
}

asio::awaitable<void> RunSession(HttpServer::Impl* s, tcp::socket socket) {
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  std::string remote = ec ? "?" : ep.address().to_string() + ":" + std::to_string(ep.port());
  socket.set_option(tcp::no_delay(true), ec);
  if (!s->ssl) {
    beast::tcp_stream stream(std::move(socket));
    co_await Serve(s, stream, remote, nullptr);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *s->ssl);
  beast::get_lowest_layer(stream).expires_after(s->opts.read_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    s->tls_failures->Add();
    spdlog::debug("{}: TLS handshake with {} failed: {}", s->opts.name, remote, ec.message());
    co_return;
  }
  std::shared_ptr<X509> cert(SSL_get1_peer_certificate(stream.native_handle()), X509_free);
  if (cert && s->opts.tls->verify_client) {
    Status verdict = s->opts.tls->verify_client(cert.get());
    if (!verdict.ok()) {
      s->RequestsWith(403).Add();
      co_await WriteResponse(stream, JsonError(403, "client_certificate_refused", verdict.message()), 11, false, s->opts);
      co_return;
    }
  }
  co_await Serve(s, stream, remote, cert);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> AcceptLoop(HttpServer::Impl* s) {
  size_t next = 0;
  for (;;) {
    error_code ec;
    auto& target = *s->iocs[next++ % s->iocs.size()];
    tcp::socket socket = co_await s->acceptor->async_accept(target, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (s->stopping || ec == asio::error::operation_aborted) co_return;
      spdlog::warn("{}: accept failed: {}", s->opts.name, ec.message());
      continue;
    }
    asio::co_spawn(target, RunSession(s, std::move(socket)), asio::detached);
  }
}

Status LoadTls(HttpServer::Impl& s) {
  const TlsServerConfig& tls = *s.opts.tls;
  s.ssl = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(s.ssl->native_handle(), TLS1_2_VERSION);
  error_code ec;
  s.ssl->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) return InvalidArgument("cannot load TLS certificate chain " + tls.cert_file + ": " + ec.message());
  s.ssl->use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
  if (ec) return InvalidArgument("cannot load TLS private key " + tls.key_file + ": " + ec.message());
  if (!tls.client_ca_file.empty()) {
    s.ssl->load_verify_file(tls.client_ca_file, ec);
    if (ec) return InvalidArgument("cannot load client CA file " + tls.client_ca_file + ": " + ec.message());
    s.ssl->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    static const unsigned char kContext[] = "riik";
    SSL_CTX_set_session_id_context(s.ssl->native_handle(), kContext, sizeof kContext - 1);
  }
  return OkStatus();
}

}  // namespace

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, Router router) {
  auto impl = std::make_unique<Impl>();
  impl->opts = std::move(options);
  impl->router = std::move(router);
  impl->active = &Metrics().GetGauge("riik_http_connections_active", "Open HTTP connections",
                                     {{"server", impl->opts.name}});
  impl->tls_failures = &Metrics().GetCounter("riik_http_tls_handshake_failures_total", "Failed TLS handshakes",
                                             {{"server", impl->opts.name}});
  if (impl->opts.tls) RETURN_IF_ERROR(LoadTls(*impl));
  int threads = std::max(1, impl->opts.threads);
  for (int i = 0; i < threads; ++i) impl->iocs.push_back(std::make_unique<asio::io_context>(1));

  error_code ec;
  auto address = asio::ip::make_address(impl->opts.host, ec);
  if (ec) return InvalidArgument("'" + impl->opts.host + "' is not an IP address to listen on");
  tcp::endpoint endpoint(address, impl->opts.port);
  std::string where = impl->opts.host + ":" + std::to_string(impl->opts.port);
  impl->acceptor = std::make_unique<tcp::acceptor>(*impl->iocs[0]);
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(1024, ec);
  if (ec) return Unavailable("cannot listen on " + where + " for " + impl->opts.name + ": " + ec.message());
  impl->port = impl->acceptor->local_endpoint().port();

  asio::co_spawn(*impl->iocs[0], AcceptLoop(impl.get()), asio::detached);
  for (auto& ioc : impl->iocs) {
    impl->threads.emplace_back([io = ioc.get()] {
      auto guard = asio::make_work_guard(*io);
      io->run();
    });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port; }

std::string HttpServer::url() const {
  std::string host = impl_->opts.host.find(':') != std::string::npos ? "[" + impl_->opts.host + "]" : impl_->opts.host;
  return std::string(impl_->ssl ? "https://" : "http://") + host + ":" + std::to_string(impl_->port);
}

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return;
  s.stopping = true;
  asio::post(*s.iocs[0], [&s] {
    error_code ec;
    s.acceptor->close(ec);
  });
  {
    std::unique_lock lock(s.mu);
    for (auto& [id, close_if_idle] : s.sessions) close_if_idle();
    s.sessions_done.wait_for(lock, s.opts.shutdown_grace, [&] { return s.sessions.empty(); });
  }
  for (auto& ioc : s.iocs) ioc->stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
}

}  // namespace riik::net
