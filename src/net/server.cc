// HttpServer on Boost.Beast: accept loop, per-connection coroutine, error mapping,
// graceful stop. Beast is compiled once (asio_impl.cc); this is one of the few files
// that includes it.
#include "net/server.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "core/file.h"
#include "core/log.h"
#include "core/metrics.h"
#include "net/impl/beast.h"
#include "net/impl/stream.h"

namespace riik::net {

// One connection's timing state. Lives in its coroutine frame and is known to the
// Sweeper of its thread, which enforces deadlines by cancelling (not closing) the
// socket, so that a late client can still be answered 408.
struct Conn {
  tcp::socket* socket = nullptr;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  bool timed_out = false;
  bool idle = false;                   // waiting for the next request on a kept-alive connection
  asio::steady_timer* wake = nullptr;  // while a request waits for its asynchronous handler
  bool forced = false;                 // closed by the server's stop

  void ExpireIn(std::chrono::milliseconds d) {
    timed_out = false;
    deadline = std::chrono::steady_clock::now() + d;
  }
  void NoDeadline() { deadline = std::chrono::steady_clock::time_point::max(); }
};

// Per thread: every open connection, checked against its deadline every 100 ms.
// Touched only from its own io_context's thread.
struct Sweeper {
  explicit Sweeper(asio::io_context& ioc) : timer(ioc) {}
  asio::steady_timer timer;
  std::unordered_set<Conn*> conns;

  void Tick() {
    timer.expires_after(std::chrono::milliseconds(100));
    timer.async_wait([this](const error_code& ec) {
      if (ec || stopped) return;
      auto now = std::chrono::steady_clock::now();
      for (Conn* c : conns) {
        if (c->deadline <= now) {
          c->timed_out = true;
          c->NoDeadline();
          error_code ignored;
          c->socket->cancel(ignored);
        }
      }
      Tick();
    });
  }
  void CloseIdle() {
    for (Conn* c : conns) {
      if (c->idle) {
        error_code ignored;
        c->socket->cancel(ignored);
      }
    }
  }
  // The server stops: every connection is closed, a request waiting for its handler
  // woken to be answered 503.
  void CloseAll() {
    for (Conn* c : conns) {
      c->forced = true;
      error_code ignored;
      c->socket->cancel(ignored);
      c->socket->close(ignored);
      if (c->wake) c->wake->cancel();
    }
  }
  void StopTicking() {
    stopped = true;
    timer.cancel();
  }
  bool stopped = false;
};

struct EventLoops::Impl {
  std::vector<std::unique_ptr<asio::io_context>> iocs;
  std::vector<std::thread> threads;
  std::once_flag stopped;
};

EventLoops::EventLoops(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventLoops::~EventLoops() { Stop(); }

std::shared_ptr<EventLoops> EventLoops::Start(int threads) {
  auto impl = std::make_unique<Impl>();
  for (int i = 0; i < std::max(1, threads); ++i) impl->iocs.push_back(std::make_unique<asio::io_context>(1));
  for (auto& ioc : impl->iocs) {
    impl->threads.emplace_back([io = ioc.get()] {
      SetCurrentEventLoop(io);
      auto guard = asio::make_work_guard(*io);
      io->run();
    });
  }
  return std::shared_ptr<EventLoops>(new EventLoops(std::move(impl)));
}

size_t EventLoops::size() const { return impl_->iocs.size(); }
EventLoop* EventLoops::loop(size_t i) const { return LoopOf(impl_->iocs[i].get()); }

void EventLoops::Stop() {
  std::call_once(impl_->stopped, [this] {
    for (auto& ioc : impl_->iocs) ioc->stop();
    for (auto& t : impl_->threads) t.join();
  });
}

struct HttpServer::Impl {
  std::shared_ptr<EventLoops> loops;  // first: goes last (the sweepers' timers are on them)
  bool own_loops = false;
  ServerOptions opts;
  Router router;
  std::unique_ptr<asio::ssl::context> ssl;
  std::vector<std::unique_ptr<Sweeper>> sweepers;  // one per loop
  std::unique_ptr<tcp::acceptor> acceptor;         // on loop 0; sockets are spread over all
  bool accepting = false;                          // the accept loop runs, under mu
  uint16_t port = 0;
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped{false};

  std::mutex mu;
  std::condition_variable sessions_done;
  int64_t sessions = 0;
  std::unordered_map<std::string, size_t> per_address;  // open connections by peer IP, under mu

  std::array<std::atomic<Counter*>, 600> by_status{};
  Gauge* active = nullptr;
  Counter* tls_failures = nullptr;
  Counter* refused = nullptr;

  size_t open_connections = 0;  // admitted and not yet released, under mu

  // Takes a connection slot for `address`; false if the address, or the listener, is at
  // its cap.
  bool Admit(const std::string& address) {
    std::lock_guard lock(mu);
    if (opts.max_connections != 0 && open_connections >= opts.max_connections) return false;
    if (opts.max_connections_per_address != 0) {
      size_t& n = per_address[address];
      if (n >= opts.max_connections_per_address) return false;
      ++n;
    }
    ++open_connections;
    return true;
  }
  void Release(const std::string& address) {
    std::lock_guard lock(mu);
    --open_connections;
    if (opts.max_connections_per_address == 0) return;
    auto it = per_address.find(address);
    if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  }

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

  std::atomic<bool> joined{false};  // threads are gone: frames destroyed now must not touch sweepers

  asio::io_context& ioc(size_t i) const { return IoContextOf(loops->loop(i)); }
  size_t loop_count() const { return loops->size(); }

  void Enter(Sweeper& sw, Conn* c) {
    sw.conns.insert(c);
    std::lock_guard lock(mu);
    ++sessions;
    active->Add(1);
  }
  void Leave(Sweeper& sw, Conn* c) {
    if (joined) return;
    sw.conns.erase(c);
    std::lock_guard lock(mu);
    --sessions;
    active->Add(-1);
    sessions_done.notify_all();
  }
};

// Registers a connection with its thread's sweeper for as long as it lives, however
// its coroutine ends (normally, by an exception, or destroyed with its io_context).
class ConnScope {
 public:
  ConnScope(HttpServer::Impl* s, Sweeper* sw, Conn* c) : s_(s), sw_(sw), c_(c) { s_->Enter(*sw_, c_); }
  ~ConnScope() { s_->Leave(*sw_, c_); }
  ConnScope(const ConnScope&) = delete;
  ConnScope& operator=(const ConnScope&) = delete;

 private:
  HttpServer::Impl* s_;
  Sweeper* sw_;
  Conn* c_;
};

// Holds a connection's per-address slot for as long as its coroutine lives.
class AddressSlot {
 public:
  AddressSlot(HttpServer::Impl* s, std::string address) : s_(s), address_(std::move(address)) {}
  ~AddressSlot() { s_->Release(address_); }
  AddressSlot(const AddressSlot&) = delete;
  AddressSlot& operator=(const AddressSlot&) = delete;

 private:
  HttpServer::Impl* s_;
  std::string address_;
};

namespace {

// Turns a failed read into the error response the client should see, if any.
std::optional<HttpResponse> ReadErrorResponse(const error_code& ec,
                                              const http::request_parser<http::string_body>& parser,
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
    if (!parser.is_header_done())
      return JsonError(400, "truncated_request", "the connection ended inside the request header");
    std::string expected = parser.content_length() ? std::to_string(*parser.content_length()) : "more";
    return JsonError(
        400, "truncated_request",
        "the connection ended after " + std::to_string(parser.get().body().size()) + " of " + expected + " body bytes");
  }
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    return JsonError(400, "malformed_request", "malformed HTTP request: " + ec.message());
  }
  return std::nullopt;  // a transport error: nobody to answer
}

// Why a connection beyond a cap is refused.
std::string CapMessage(const ServerOptions& o) {
  std::string caps;
  if (o.max_connections_per_address != 0)
    caps = "at most " + std::to_string(o.max_connections_per_address) + " open connections from one address";
  if (o.max_connections != 0) {
    caps += (caps.empty() ? "at most " : " and ") + std::to_string(o.max_connections) + " in all";
  }
  return "this server accepts " + caps + "; close some or reuse them";
}

HttpRequest ToRequest(http::request<http::string_body>&& msg, const std::string& remote,
                      const std::shared_ptr<X509>& cert, bool tls) {
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
  req.tls = tls;
  return req;
}

// The meeting point of an asynchronous route's Responder (any thread, any time) and
// the connection's coroutine, which sleeps on `wake` until the response is there.
// `wake` is cleared under the mutex when the coroutine's frame goes away, so a late
// Responder never touches a dead timer.
struct Pending {
  std::mutex mu;
  std::optional<HttpResponse> response;
  asio::steady_timer* wake = nullptr;
};

template <class Body>
void SetHead(http::response<Body>& res, HttpResponse& r, bool keep_alive) {
  res.set(http::field::server, "riik");
  res.set(http::field::content_type, r.content_type);
  for (auto& [k, v] : r.headers.fields()) res.insert(k, v);
  res.keep_alive(keep_alive);
}

// The file a body_file response streams, opened before the response's status is
// counted. Only a regular file is served: a directory would fail after its 200, and a
// FIFO would block the event loop in open (hence O_NONBLOCK); anything else turns the
// response into a 404.
std::optional<beast::file> OpenFileBody(HttpResponse& r) {
  if (r.body_file.empty()) return std::nullopt;
  const int fd = ::open(r.body_file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    beast::file file;
    file.native_handle(fd);
    return file;
  }
  if (fd >= 0) ::close(fd);
  r = JsonError(404, "not_found", "the file is not there");
  return std::nullopt;
}

// A body_file response: the file streamed a piece at a time, the write timeout counting
// from each piece the client takes, so a steady reader of a large file is not held to
// one deadline for the whole of it, and a stalled one is still cut off. The pieces are
// read on the network thread (sequential reads, mostly from the page cache).
asio::awaitable<error_code> WriteFileResponse(Stream& stream, Conn& conn, http::response<http::file_body>& res,
                                              const ServerOptions& opts) {
  res.prepare_payload();
  http::response_serializer<http::file_body> serializer{res};
  error_code ec;
  while (!serializer.is_done()) {
    conn.ExpireIn(opts.write_timeout);
    co_await http::async_write_some(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
  conn.NoDeadline();
  co_return ec;
}

// `file`: a body_file response's file, already opened by OpenFileBody (opened here if not).
asio::awaitable<error_code> WriteResponse(Stream& stream, Conn& conn, HttpResponse&& r, unsigned version,
                                          bool keep_alive, const ServerOptions& opts,
                                          std::optional<beast::file> file = std::nullopt) {
  if (!r.body_file.empty() && !file) file = OpenFileBody(r);
  if (file) {
    http::response<http::file_body> res{static_cast<http::status>(r.status), version};
    error_code ec;
    res.body().reset(std::move(*file), ec);
    if (ec) co_return ec;
    SetHead(res, r, keep_alive);
    co_return co_await WriteFileResponse(stream, conn, res, opts);
  }
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  SetHead(res, r, keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  conn.ExpireIn(opts.write_timeout);
  error_code ec;
  co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  conn.NoDeadline();
  co_return ec;
}

// GET /healthz and GET /metrics, which every server answers itself.
std::optional<HttpResponse> BuiltIn(const HttpServer::Impl& s, const HttpRequest& req) {
  if (req.method != "GET" || (req.path != "/healthz" && req.path != "/metrics")) return std::nullopt;
  if (req.path == "/healthz") {
    std::string why = s.opts.not_ready ? s.opts.not_ready() : "";
    if (!why.empty()) {
      return JsonResponse(Json{{"status", "starting"}, {"server", s.opts.name}, {"reason", why}}, 503);
    }
    return JsonResponse(Json{{"status", "ok"}, {"server", s.opts.name}});
  }
  return TextResponse(Metrics().Render(), "text/plain; version=0.0.4; charset=utf-8");
}

// Waits for the response of an asynchronous route, which may come from any thread; when
// the server stops meanwhile (it closed the connection), 503.
asio::awaitable<HttpResponse> AwaitAsync(const Router& router, Conn& conn, HttpRequest&& req) {
  auto pending = std::make_shared<Pending>();
  asio::steady_timer wake(co_await asio::this_coro::executor, std::chrono::steady_clock::time_point::max());
  {
    std::lock_guard lock(pending->mu);
    pending->wake = &wake;
  }
  conn.wake = &wake;
  struct Detach {
    std::shared_ptr<Pending> p;
    Conn& conn;
    ~Detach() {
      conn.wake = nullptr;
      std::lock_guard lock(p->mu);
      p->wake = nullptr;
    }
  } detach{pending, conn};
  try {  // if the handler throws, its dropped Responder answers 500
    router.Dispatch(std::move(req), Responder([pending](HttpResponse r) {
                      std::lock_guard lock(pending->mu);
                      pending->response = std::move(r);
                      if (pending->wake) {
                        asio::post(pending->wake->get_executor(), [pending] {
                          std::lock_guard inner(pending->mu);
                          if (pending->wake) pending->wake->cancel();
                        });
                      }
                    }));
  } catch (const std::exception& e) {
    spdlog::error("asynchronous handler failed: {}", e.what());
  }
  for (;;) {
    {
      std::lock_guard lock(pending->mu);
      if (pending->response) co_return std::move(*pending->response);
    }
    if (conn.forced) co_return JsonError(503, "stopping", "the server is stopping");
    error_code ec;
    co_await wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> Serve(HttpServer::Impl* s, Stream& stream, Conn& conn, const std::string& remote,
                            const std::shared_ptr<X509>& cert) {
  const ServerOptions& opts = s->opts;
  beast::flat_buffer buffer;
  for (;;) {
    if (s->stopping) break;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(opts.max_header_bytes));
    parser.body_limit(opts.max_body_bytes);
    bool had_buffered = buffer.size() > 0;
    error_code ec;
    if (!had_buffered) {
      // Idle until the first byte; a trickled header then gets read_timeout, no more.
      conn.idle = true;
      conn.ExpireIn(opts.idle_timeout);
      size_t n = co_await stream.async_read_some(buffer.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
      buffer.commit(n);
      conn.idle = false;
    }
    if (!ec) {
      conn.ExpireIn(opts.read_timeout);
      co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    }
    if (!ec && !parser.get()[http::field::transfer_encoding].empty() && !parser.chunked()) {
      // RFC 9112 §6.3: the body's length cannot be known; reading on would take the body
      // for the next request (request smuggling).
      s->RequestsWith(400).Add();
      co_await WriteResponse(stream, conn,
                             JsonError(400, "malformed_request",
                                       "Transfer-Encoding must end in chunked; the body's length cannot be known"),
                             11, false, opts);
      break;
    }
    if (!ec && !parser.is_done()) {
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    }
    conn.NoDeadline();
    if (ec == asio::error::operation_aborted && conn.timed_out) ec = beast::error::timeout;
    if (ec) {
      bool got_bytes = had_buffered || parser.got_some();
      if (auto err = ReadErrorResponse(ec, parser, opts, got_bytes)) {
        s->RequestsWith(err->status).Add();
        co_await WriteResponse(stream, conn, std::move(*err), 11, false, opts);
      }
      break;
    }
    auto start = std::chrono::steady_clock::now();
    unsigned version = parser.get().version();
    bool keep_alive = parser.get().keep_alive();
    HttpRequest req = ToRequest(parser.release(), remote, cert, s->ssl != nullptr);
    std::string log_line;
    if (spdlog::should_log(spdlog::level::debug)) log_line = req.method + " " + RedactForLog(req.path);

    HttpResponse resp;
    bool answered = true;
    try {  // a handler that throws gets its client a 500, not a dropped connection
      if (auto builtin = BuiltIn(*s, req)) {
        resp = std::move(*builtin);
      } else if (auto now = s->router.TryHandleNow(req)) {
        resp = std::move(*now);
      } else {
        answered = false;
      }
    } catch (const std::exception& e) {
      spdlog::error("{}: handler failed: {}", opts.name, e.what());
      resp = JsonError(500, "internal", "the server failed to handle the request");
    }
    if (!answered) resp = co_await AwaitAsync(s->router, conn, std::move(req));
    std::optional<beast::file> file = OpenFileBody(resp);
    int status = resp.status;
    keep_alive = keep_alive && !s->stopping;
    ec = co_await WriteResponse(stream, conn, std::move(resp), version, keep_alive, opts, std::move(file));
    s->RequestsWith(status).Add();
    if (!log_line.empty()) {
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
      spdlog::debug("{} {} -> {} in {} us", opts.name, log_line, status, us);
    }
    if (ec || !keep_alive) break;
  }
}

// `keep` holds the server for as long as the connection lasts.
asio::awaitable<void> RunSession(std::shared_ptr<HttpServer::Impl> keep, Sweeper* sweeper, tcp::socket socket) {
  HttpServer::Impl* s = keep.get();
  error_code ec;
  auto ep = socket.remote_endpoint(ec);
  std::string address = ec ? "?" : ep.address().to_string();
  std::string remote = ec ? "?" : address + ":" + std::to_string(ep.port());
  socket.set_option(tcp::no_delay(true), ec);
  Conn conn;
  if (!s->Admit(address)) {
    s->refused->Add();
    spdlog::debug("{}: refused a connection from {}: at the cap of open connections", s->opts.name, remote);
    if (s->ssl) co_return;  // closed before the handshake
    beast::tcp_stream stream(std::move(socket));
    conn.socket = &stream.socket();
    ConnScope scope(s, sweeper, &conn);
    Stream any(stream);
    co_await WriteResponse(any, conn, JsonError(503, "too_many_connections", CapMessage(s->opts)), 11, false, s->opts);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }
  AddressSlot slot(s, address);
  if (!s->ssl) {
    beast::tcp_stream stream(std::move(socket));
    conn.socket = &stream.socket();
    ConnScope scope(s, sweeper, &conn);
    Stream any(stream);
    co_await Serve(s, any, conn, remote, nullptr);
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *s->ssl);
  conn.socket = &beast::get_lowest_layer(stream).socket();
  ConnScope scope(s, sweeper, &conn);
  conn.ExpireIn(s->opts.read_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  conn.NoDeadline();
  if (ec) {
    s->tls_failures->Add();
    spdlog::debug("{}: TLS handshake with {} failed: {}", s->opts.name, remote, ec.message());
    co_return;
  }
  std::shared_ptr<X509> cert(SSL_get1_peer_certificate(stream.native_handle()), X509_free);
  Status verdict;
  try {
    if (cert && s->opts.tls->verify_client) verdict = s->opts.tls->verify_client(cert.get());
  } catch (const std::exception& e) {
    verdict = Internal(std::string("client certificate check failed: ") + e.what());
  }
  Stream any(stream);
  if (!verdict.ok()) {
    s->RequestsWith(403).Add();
    co_await WriteResponse(any, conn, JsonError(403, "client_certificate_refused", verdict.message()), 11, false,
                           s->opts);
  } else {
    co_await Serve(s, any, conn, remote, cert);
  }
  // The peer's close_notify is awaited up to 2 s; when the server stops, not at all (a
  // kept-alive client that is not reading would hold every listener's stop that long).
  if (s->stopping) co_return;
  conn.ExpireIn(std::chrono::milliseconds(2000));
  co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> AcceptLoop(std::shared_ptr<HttpServer::Impl> keep) {
  HttpServer::Impl* s = keep.get();
  struct Done {  // however the loop ends
    HttpServer::Impl* s;
    ~Done() {
      std::lock_guard lock(s->mu);
      s->accepting = false;
      s->sessions_done.notify_all();
    }
  } done{s};
  size_t next = 0;
  for (;;) {
    error_code ec;
    size_t i = next++ % s->loop_count();
    auto& target = s->ioc(i);
    tcp::socket socket = co_await s->acceptor->async_accept(target, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (s->stopping || ec == asio::error::operation_aborted) co_return;
      // E.g. out of file descriptors: back off instead of spinning.
      spdlog::warn("{}: accept failed: {}; retrying in 100 ms", s->opts.name, ec.message());
      asio::steady_timer pause(s->acceptor->get_executor(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    asio::co_spawn(target, RunSession(keep, s->sweepers[i].get(), std::move(socket)),
                   [name = s->opts.name](std::exception_ptr e) {
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::error("{}: connection failed: {}", name, ex.what());
                     }
                   });
  }
}

Status LoadTls(HttpServer::Impl& s) {
  const TlsServerConfig& tls = *s.opts.tls;
  s.ssl = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(s.ssl->native_handle(), tls.require_tls13 ? TLS1_3_VERSION : TLS1_2_VERSION);
  error_code ec;
  s.ssl->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) return InvalidArgument("cannot load TLS certificate chain " + tls.cert_file + ": " + ec.message());
  RETURN_IF_ERROR(CheckSecretFileMode(tls.key_file));
  s.ssl->use_private_key_file(tls.key_file, asio::ssl::context::pem, ec);
  if (ec) return InvalidArgument("cannot load TLS private key " + tls.key_file + ": " + ec.message());
  if (!tls.client_ca_file.empty()) {
    s.ssl->load_verify_file(tls.client_ca_file, ec);
    if (ec) return InvalidArgument("cannot load client CA file " + tls.client_ca_file + ": " + ec.message());
    s.ssl->set_verify_mode(tls.client_cert_optional ? asio::ssl::verify_peer
                                                    : asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
    static const unsigned char kContext[] = "riik";
    SSL_CTX_set_session_id_context(s.ssl->native_handle(), kContext, sizeof kContext - 1);
  }
  return OkStatus();
}

}  // namespace

HttpServer::HttpServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options, Router router) {
  auto impl = std::make_shared<Impl>();
  impl->opts = std::move(options);
  impl->router = std::move(router);
  impl->active =
      &Metrics().GetGauge("riik_http_connections_active", "Open HTTP connections", {{"server", impl->opts.name}});
  impl->tls_failures = &Metrics().GetCounter("riik_http_tls_handshake_failures_total", "Failed TLS handshakes",
                                             {{"server", impl->opts.name}});
  impl->refused = &Metrics().GetCounter(
      "riik_http_connections_refused_total",
      "Connections refused because their address had max_connections_per_address open", {{"server", impl->opts.name}});
  if (impl->opts.tls) RETURN_IF_ERROR(LoadTls(*impl));
  impl->loops = impl->opts.loops;
  impl->opts.loops.reset();
  if (!impl->loops) {
    impl->loops = EventLoops::Start(impl->opts.threads);
    impl->own_loops = true;
  }
  for (size_t i = 0; i < impl->loop_count(); ++i) impl->sweepers.push_back(std::make_unique<Sweeper>(impl->ioc(i)));

  error_code ec;
  auto address = asio::ip::make_address(impl->opts.host, ec);
  if (ec) return InvalidArgument("'" + impl->opts.host + "' is not an IP address to listen on");
  tcp::endpoint endpoint(address, impl->opts.port);
  std::string where = impl->opts.host + ":" + std::to_string(impl->opts.port);
  impl->acceptor = std::make_unique<tcp::acceptor>(impl->ioc(0));
  impl->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor->bind(endpoint, ec);
  if (!ec) impl->acceptor->listen(1024, ec);
  if (ec) return Unavailable("cannot listen on " + where + " for " + impl->opts.name + ": " + ec.message());
  impl->port = impl->acceptor->local_endpoint().port();

  // Only now, once nothing can fail: work posted to running (shared) loops must not
  // outlive a server that did not start.
  for (auto& sweeper : impl->sweepers) asio::post(sweeper->timer.get_executor(), [sw = sweeper.get()] { sw->Tick(); });
  impl->accepting = true;
  asio::co_spawn(impl->ioc(0), AcceptLoop(impl), asio::detached);
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

size_t RaiseOpenFileLimit(size_t want) {
  struct rlimit lim {};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
  rlim_t target = std::min<rlim_t>(lim.rlim_max, want);
  if (lim.rlim_cur < target) {
    lim.rlim_cur = target;
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) ::getrlimit(RLIMIT_NOFILE, &lim);
  }
  return static_cast<size_t>(lim.rlim_cur);
}

uint16_t HttpServer::port() const { return impl_->port; }

std::string HttpServer::url() const {
  std::string host = impl_->opts.host.find(':') != std::string::npos ? "[" + impl_->opts.host + "]" : impl_->opts.host;
  return std::string(impl_->ssl ? "https://" : "http://") + host + ":" + std::to_string(impl_->port);
}

namespace {

// Runs `fn` on every loop of `s` and waits (up to `limit`) until each has: what was
// queued there before it has run too.
bool OnEveryLoop(HttpServer::Impl& s, const std::function<void(size_t)>& fn, std::chrono::milliseconds limit) {
  auto left = std::make_shared<std::atomic<size_t>>(s.loop_count());
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> all = done->get_future();
  for (size_t i = 0; i < s.loop_count(); ++i) {
    asio::post(s.ioc(i), [fn, i, left, done] {
      fn(i);
      if (--*left == 0) done->set_value();
    });
  }
  return all.wait_for(limit) == std::future_status::ready;
}

}  // namespace

void HttpServer::Stop() {
  Impl& s = *impl_;
  if (s.stopped.exchange(true)) return;
  s.stopping = true;
  asio::post(s.ioc(0), [&s] {
    error_code ec;
    s.acceptor->close(ec);
  });
  OnEveryLoop(
      s, [&s](size_t i) { s.sweepers[i]->CloseIdle(); }, s.opts.shutdown_grace);
  auto quiet = [&s] { return s.sessions == 0 && !s.accepting; };
  {
    std::unique_lock lock(s.mu);
    s.sessions_done.wait_for(lock, s.opts.shutdown_grace, quiet);
  }
  // What is left (a handler that has not answered, a client that does not read) is
  // closed; its coroutines end on their loops.
  OnEveryLoop(
      s, [&s](size_t i) { s.sweepers[i]->CloseAll(); }, std::chrono::seconds(5));
  {
    std::unique_lock lock(s.mu);
    if (!s.sessions_done.wait_for(lock, std::chrono::seconds(5), quiet)) {
      spdlog::error("{}: {} connections did not end; the server is left to them", s.opts.name, s.sessions);
    }
  }
  OnEveryLoop(
      s, [&s](size_t i) { s.sweepers[i]->StopTicking(); }, std::chrono::seconds(5));
  if (s.own_loops) s.loops->Stop();
  s.joined = true;
}

}  // namespace riik::net
