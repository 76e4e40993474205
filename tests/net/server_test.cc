// HttpServer and HttpClient: routing, limits, malformed input, TLS and mutual TLS,
// graceful stop.
#include "net/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "core/file.h"
#include "core/metrics.h"
#include "crypto/self_signed.h"
#include "net/bearer_gate.h"
#include "net/client.h"
#include "support/raw_socket.h"
#include "support/temp_dir.h"

namespace riik::net {
namespace {

using riik::testing::RawExchange;
using riik::testing::StatusOf;

Router EchoRouter() {
  Router r;
  r.Add("GET", "/hello/{name}", [](const HttpRequest& req) {
    return JsonResponse(Json{{"hello", std::string(req.Param("name"))}, {"q", req.QueryParam("q")}});
  });
  r.Add(
      "POST", "/echo",
      [](const HttpRequest& req) {
        auto body = ParseJsonBody(req);
        if (!body.ok()) return ErrorResponse(body.status());
        return JsonResponse(*body);
      },
      "application/json");
  r.AddAsync("GET", "/slow", [](HttpRequest&&, Responder respond) {
    std::thread([respond = std::move(respond)]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      respond(JsonResponse(Json{{"slow", true}}));
    }).detach();
  });
  r.Add("GET", "/whoami", [](const HttpRequest& req) {
    char name[256] = "";
    if (req.peer_cert)
      X509_NAME_get_text_by_NID(X509_get_subject_name(req.peer_cert.get()), NID_commonName, name, sizeof name);
    return JsonResponse(Json{{"cn", std::string(name)}});
  });
  return r;
}

std::unique_ptr<HttpServer> StartServer(ServerOptions opts = {}) {
  opts.threads = 2;
  auto s = HttpServer::Start(std::move(opts), EchoRouter());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

// An asynchronous handler answers once: a second answer goes nowhere, and one that lets
// its Responder go unanswered gets a 500 saying so (only then).
TEST(ResponderTest, AnswersOnceAndA500OnlyWhenDroppedUnanswered) {
  std::vector<int> sent;
  auto record = [&](HttpResponse response) { sent.push_back(response.status); };
  {
    Responder answered(record);
    answered(JsonResponse(Json{{"ok", true}}));
    answered(JsonError(400, "invalid_argument", "a second answer"));
  }
  EXPECT_EQ(sent, std::vector<int>{200});
  {
    Responder dropped(record);
    Responder moved(std::move(dropped));  // the one that holds it answers, once
  }
  EXPECT_EQ(sent, (std::vector<int>{200, 500}));
}

// /healthz says what the service behind the listener says: 503 with the reason while it
// starts, 200 once it serves.
TEST(HttpServerTest, HealthzAnswers503UntilTheServiceIsReady) {
  auto ready = std::make_shared<std::atomic<bool>>(false);
  ServerOptions opts;
  opts.not_ready = [ready] { return ready->load() ? std::string() : std::string("the ballot box is opening"); };
  auto server = StartServer(std::move(opts));
  ASSERT_TRUE(server);
  auto client = HttpClient::Create(server->url());
  ASSERT_TRUE(client.ok());
  auto starting = (*client)->Get("/healthz");
  ASSERT_TRUE(starting.ok()) << starting.status().ToString();
  EXPECT_EQ(starting->status, 503);
  EXPECT_EQ(Json::parse(starting->body).value("reason", ""), "the ballot box is opening") << starting->body;
  ready->store(true);
  auto serving = (*client)->Get("/healthz");
  ASSERT_TRUE(serving.ok());
  EXPECT_EQ(serving->status, 200);
  EXPECT_EQ(Json::parse(serving->body).value("status", ""), "ok");
}

TEST(HttpServerTest, HealthzMetricsAndRoutes) {
  auto server = StartServer();
  auto client = HttpClient::Create(server->url());
  ASSERT_TRUE(client.ok());
  auto health = (*client)->Get("/healthz");
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(health->status, 200);
  auto hello = (*client)->Get("/hello/Mari%20Maasikas?q=a%26b");
  ASSERT_TRUE(hello.ok());
  auto j = Json::parse(hello->body);
  EXPECT_EQ(j["hello"], "Mari Maasikas");
  EXPECT_EQ(j["q"], "a&b");
  auto metrics = (*client)->Get("/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("riik_http_requests_total{server=\"http\",code=\"200\"}"), std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->content_type.find("text/plain"), std::string::npos);
}

TEST(HttpServerTest, ErrorsAreJsonWithTheRightStatus) {
  auto server = StartServer();
  auto client = HttpClient::Create(server->url());
  auto missing = (*client)->Get("/nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(Json::parse(missing->body)["type"], "not_found");

  auto wrong_method = (*client)->Send("DELETE", "/echo");
  EXPECT_EQ(wrong_method->status, 405);
  EXPECT_EQ(wrong_method->headers.Get("Allow"), "POST");

  Headers text;
  text.Add("Content-Type", "text/plain");
  auto wrong_type = (*client)->Send("POST", "/echo", text, "{}");
  EXPECT_EQ(wrong_type->status, 415);
  EXPECT_NE(Json::parse(wrong_type->body)["message"].get<std::string>().find("expected Content-Type application/json"),
            std::string::npos);

  Headers json;
  json.Add("Content-Type", "application/json; charset=utf-8");
  auto bad_json = (*client)->Send("POST", "/echo", json, "{\"a\": [1, 2");
  EXPECT_EQ(bad_json->status, 400);
  auto err = Json::parse(bad_json->body);
  EXPECT_EQ(err["type"], "invalid_argument");
  EXPECT_NE(err["message"].get<std::string>().find("malformed JSON"), std::string::npos);

  auto deep = (*client)->Send("POST", "/echo", json, std::string(100, '[') + std::string(100, ']'));
  EXPECT_EQ(deep->status, 400);

  auto ok = (*client)->Send("POST", "/echo", json, "{\"a\":1}");
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(Json::parse(ok->body)["a"], 1);
}

// A refusal that took nothing says so the same way whatever its status: come back in a
// second, and no cache may keep it (an OCSP tryLater is a 200 that RFC 5019 lets caches keep).
TEST(HttpServerTest, ANotTakenAnswerSaysComeBackAndIsNeverCached) {
  HttpResponse busy = Busy("every slot is taken");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(Json::parse(busy.body)["type"], "busy");
  HttpResponse try_later = NotTaken(TextResponse("\x30\x03\x0a\x01\x03", "application/ocsp-response"));
  EXPECT_EQ(try_later.status, 200);
  for (const HttpResponse* r : {&busy, &try_later}) {
    EXPECT_EQ(r->headers.Get("Retry-After"), "1");
    EXPECT_EQ(r->headers.Get("Cache-Control"), "no-store");
  }
}

TEST(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  auto server = StartServer();
  auto client = HttpClient::Create(server->url());
  for (int i = 0; i < 200; ++i) {
    auto r = (*client)->Get("/healthz");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200);
  }
  auto twice =
      RawExchange(server->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  size_t first = twice.find("HTTP/1.1 200");
  ASSERT_NE(first, std::string::npos);
  EXPECT_NE(twice.find("HTTP/1.1 200", first + 1), std::string::npos);
}

TEST(HttpServerTest, AsyncHandlerAnswersFromAnotherThread) {
  auto server = StartServer();
  auto r = Fetch("GET", server->url() + "/slow");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Json::parse(r->body)["slow"], true);
}

TEST(HttpServerTest, MalformedRequestsGetA4xxAndTheServerKeepsServing) {
  ServerOptions opts;
  opts.max_header_bytes = 4096;
  opts.max_body_bytes = 1000;
  opts.read_timeout = std::chrono::milliseconds(500);
  auto server = StartServer(opts);
  uint16_t port = server->port();

  auto huge_header =
      RawExchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') + "\r\n\r\n");
  EXPECT_EQ(StatusOf(huge_header), 431) << huge_header;
  EXPECT_NE(huge_header.find("header_too_large"), std::string::npos);

  auto huge_body = RawExchange(
      port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n" +
                std::string(5000, ' '));
  EXPECT_EQ(StatusOf(huge_body), 413) << huge_body;
  EXPECT_NE(huge_body.find("exceeds the limit of 1000 bytes"), std::string::npos);

  auto truncated = RawExchange(
      port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
  EXPECT_EQ(StatusOf(truncated), 400) << truncated;
  EXPECT_NE(truncated.find("after 5 of 100 body bytes"), std::string::npos) << truncated;

  auto stalled = RawExchange(
      port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
      {.half_close = false});
  EXPECT_EQ(StatusOf(stalled), 408) << stalled;

  auto garbage = RawExchange(port, "HELLO THERE\r\n\r\n");
  EXPECT_EQ(StatusOf(garbage), 400) << garbage;
  EXPECT_NE(garbage.find("malformed HTTP request"), std::string::npos);

  auto bad_length = RawExchange(port, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -4\r\n\r\n");
  EXPECT_EQ(StatusOf(bad_length), 400) << bad_length;

  auto after = Fetch("GET", server->url() + "/healthz");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, 200);
}

// RFC 9112 §6.3: a request whose last transfer coding is not chunked has no knowable
// length; it is refused and the connection closed, so what follows is never taken for
// a request of its own (smuggling).
TEST(HttpServerTest, ATransferEncodingThatIsNotChunkedIsRefused) {
  auto server = StartServer(ServerOptions{});
  auto answer = RawExchange(server->port(),
                            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            "Transfer-Encoding: gzip\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(answer), 400) << answer;
  EXPECT_NE(answer.find("Transfer-Encoding must end in chunked"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("HTTP/1.1", 1), std::string::npos) << "the smuggled request was answered: " << answer;
}

// A header trickled a byte at a time is bounded by read_timeout, not idle_timeout.
TEST(HttpServerTest, ATrickledHeaderTimesOutAfterTheReadTimeout) {
  ServerOptions opts;
  opts.read_timeout = std::chrono::milliseconds(300);
  opts.idle_timeout = std::chrono::milliseconds(20000);
  auto server = StartServer(opts);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto start = std::chrono::steady_clock::now();
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a');
  bool closed = false;
  for (char c : request) {  // 100 ms a byte: 20 s for the whole header if nothing stopped it
    if (::send(fd, &c, 1, MSG_NOSIGNAL) != 1) {
      closed = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      closed = true;
      break;
    }
  }
  char buf[512];
  ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  ::close(fd);
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_LT(took, std::chrono::seconds(3));
  if (n > 0) {
    EXPECT_EQ(StatusOf(std::string(buf, static_cast<size_t>(n))), 408);
  }
}

// A body_file response is streamed from disk, the write timeout counting from each piece
// the client takes: a steady reader that needs more than twice the timeout for the whole
// file still gets all of it. (The kernel wakes a writer once half its send buffer, a few
// MiB at most, has drained: at 6 MB/s, well within the timeout.)
TEST(HttpServerTest, AFileBodyIsStreamedAPieceAtATime) {
  riik::testing::TempDir dir;
  std::string content(16 << 20, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 2654435761u) >> 13);
  ASSERT_TRUE(WriteFileAtomic(dir.path() / "board.jsonl", content, false).ok());
  Router router;
  router.Add("GET", "/file/{name}", [&dir](const HttpRequest& req) {
    HttpResponse r;
    r.content_type = "application/x-ndjson";
    r.body_file = dir.path() / std::string(req.Param("name"));
    return r;
  });
  ServerOptions opts;
  opts.threads = 1;
  opts.write_timeout = std::chrono::milliseconds(1000);
  auto server = HttpServer::Start(opts, std::move(router));
  ASSERT_TRUE(server.ok()) << server.status().ToString();

  auto client = HttpClient::Create((*server)->url());
  ASSERT_TRUE(client.ok());
  for (int i = 0; i < 2; ++i) {  // on one kept-alive connection
    auto whole = (*client)->Get("/file/board.jsonl");
    ASSERT_TRUE(whole.ok()) << whole.status().ToString();
    EXPECT_EQ(whole->status, 200);
    EXPECT_EQ(whole->content_type, "application/x-ndjson");
    EXPECT_TRUE(whole->body == content) << "the file came back changed or cut, " << whole->body.size() << " bytes";
  }
  // Only a regular file: not a missing one, a directory (it would fail after its 200) or
  // a FIFO (opening it would block the event loop until a writer came).
  std::filesystem::create_directory(dir.path() / "directory");
  ASSERT_EQ(::mkfifo((dir.path() / "fifo").c_str(), 0600), 0);
  for (const char* name : {"nothing.jsonl", "directory", "fifo"}) {
    auto refused = (*client)->Get(std::string("/file/") + name);
    ASSERT_TRUE(refused.ok()) << name << ": " << refused.status().ToString();
    EXPECT_EQ(refused->status, 404) << name;
    EXPECT_EQ(Json::parse(refused->body)["type"], "not_found") << name;
  }

  // A slow reader: 64 KiB every 10 ms, 2.6 s for the file against a 1 s timeout.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int small = 64 << 10;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((*server)->port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string request = "GET /file/board.jsonl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(::send(fd, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
  std::string got;
  auto start = std::chrono::steady_clock::now();
  std::vector<char> buf(64 << 10);
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    got.append(buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  EXPECT_GT(std::chrono::steady_clock::now() - start, 2 * opts.write_timeout);
  size_t head_end = got.find("\r\n\r\n");
  ASSERT_NE(head_end, std::string::npos);
  EXPECT_EQ(StatusOf(got), 200);
  EXPECT_NE(got.find("Content-Length: " + std::to_string(content.size())), std::string::npos);
  EXPECT_TRUE(got.substr(head_end + 4) == content) << "the slow reader got " << got.size() - head_end - 4 << " bytes";
}

// Opens `n` kept-alive connections to `server`, each answered once, into `held`.
void HoldConnections(HttpServer& server, int n, std::vector<std::unique_ptr<HttpClient>>& held) {
  for (int i = 0; i < n; ++i) {
    auto c = HttpClient::Create(server.url());
    ASSERT_TRUE(c.ok());
    ASSERT_EQ((*c)->Get("/healthz")->status, 200);  // the connection stays open (keep-alive)
    held.push_back(std::move(*c));
  }
}

TEST(HttpServerTest, ConnectionsInAllAreCapped) {
  ServerOptions opts;
  opts.max_connections = 2;
  auto server = StartServer(opts);
  std::vector<std::unique_ptr<HttpClient>> held;
  ASSERT_NO_FATAL_FAILURE(HoldConnections(*server, 2, held));
  auto third = Fetch("GET", server->url() + "/healthz");
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->status, 503);
  EXPECT_NE(third->body.find("at most 2 in all"), std::string::npos) << third->body;
}

TEST(HttpServerTest, ConnectionsPerAddressAreCapped) {
  ServerOptions opts;
  opts.max_connections_per_address = 2;
  auto server = StartServer(opts);
  std::vector<std::unique_ptr<HttpClient>> held;
  ASSERT_NO_FATAL_FAILURE(HoldConnections(*server, 2, held));
  auto third = Fetch("GET", server->url() + "/healthz");
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->status, 503);
  EXPECT_NE(third->body.find("at most 2 open connections from one address"), std::string::npos) << third->body;
  EXPECT_EQ(held[0]->Get("/healthz")->status, 200);  // the held ones keep working

  held.pop_back();  // one closes: its slot frees once the server sees the close
  int status = 0;
  for (int i = 0; i < 100 && status != 200; ++i) {
    auto again = Fetch("GET", server->url() + "/healthz");
    status = again.ok() ? again->status : 0;
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 200);
  std::string metrics = Metrics().Render();
  size_t line = metrics.find("riik_http_connections_refused_total{server=\"http\"} ");
  ASSERT_NE(line, std::string::npos) << metrics;
  size_t value = metrics.find(' ', line) + 1;
  EXPECT_GE(std::stod(metrics.substr(value, metrics.find('\n', value) - value)), 1.0);  // refusals counted
}

TEST(HttpServerTest, ListeningOnATakenPortSaysWhich) {
  auto first = StartServer();
  ServerOptions opts;
  opts.port = first->port();
  auto second = HttpServer::Start(opts, Router());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("cannot listen on 127.0.0.1:" + std::to_string(first->port())),
            std::string::npos);
}

TEST(HttpServerTest, StopLetsInFlightRequestsFinish) {
  auto server = StartServer();
  std::string url = server->url();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    server->Stop();
  });
  auto r = Fetch("GET", url + "/slow");
  stopper.join();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.Get("Connection"), "close");
  EXPECT_FALSE(Fetch("GET", url + "/healthz").ok());
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_id_ = Write("server", "localhost");
    client_id_ = Write("client", "Member EE/GOV/70000310");
    stranger_id_ = Write("stranger", "Stranger");
  }
  std::pair<std::string, std::string> Write(const std::string& name, const std::string& cn) {
    auto id = MakeSelfSigned(cn, {"localhost"});
    EXPECT_TRUE(id.ok());
    std::string cert = dir_ / (name + ".pem"), key = dir_ / (name + ".key");
    std::ofstream(cert) << id->cert_pem;
    EXPECT_TRUE(WriteFileAtomic(key, id->key_pem, /*secret=*/true).ok());
    return {cert, key};
  }
  riik::testing::TempDir dir_;
  std::pair<std::string, std::string> server_id_, client_id_, stranger_id_;
};

TEST_F(TlsTest, HttpsWithServerVerification) {
  ServerOptions opts;
  opts.tls = TlsServerConfig{server_id_.first, server_id_.second, ""};
  auto server = StartServer(opts);
  ASSERT_EQ(server->url().substr(0, 8), "https://");
  ClientOptions co;
  co.ca_file = server_id_.first;
  auto r = Fetch("GET", server->url() + "/healthz", {}, "", co);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  ClientOptions wrong_ca;
  wrong_ca.ca_file = client_id_.first;
  auto refused = Fetch("GET", server->url() + "/healthz", {}, "", wrong_ca);
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("TLS handshake"), std::string::npos);
}

TEST_F(TlsTest, ConnectionsBeyondTheCapAreClosedBeforeTheHandshake) {
  ServerOptions opts;
  opts.tls = TlsServerConfig{server_id_.first, server_id_.second, ""};
  opts.max_connections_per_address = 1;
  auto server = StartServer(opts);
  ClientOptions co;
  co.ca_file = server_id_.first;
  auto held = HttpClient::Create(server->url(), co);
  ASSERT_TRUE(held.ok());
  ASSERT_EQ((*held)->Get("/healthz")->status, 200);
  auto refused = Fetch("GET", server->url() + "/healthz", {}, "", co);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("TLS handshake"), std::string::npos) << refused.status().ToString();
  EXPECT_EQ((*held)->Get("/healthz")->status, 200);
}

TEST_F(TlsTest, MutualTlsPassesTheClientCertificateAndTheHookDecides) {
  ServerOptions opts;
  opts.tls = TlsServerConfig{server_id_.first, server_id_.second, client_id_.first + ""};
  // Trust both client certificates at the TLS layer; the hook admits only one.
  std::ofstream(dir_ / "clients.pem") << std::ifstream(client_id_.first).rdbuf()
                                      << std::ifstream(stranger_id_.first).rdbuf();
  opts.tls->client_ca_file = dir_ / "clients.pem";
  opts.tls->verify_client = [](X509* leaf) -> Status {
    char cn[256] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(leaf), NID_commonName, cn, sizeof cn);
    if (std::string(cn) == "Stranger") return PermissionDenied("certificate of 'Stranger' is not a registered member");
    return OkStatus();
  };
  auto server = StartServer(opts);

  ClientOptions anonymous;
  anonymous.ca_file = server_id_.first;
  EXPECT_FALSE(Fetch("GET", server->url() + "/whoami", {}, "", anonymous).ok());

  ClientOptions member = anonymous;
  member.cert_file = client_id_.first;
  member.key_file = client_id_.second;
  auto r = Fetch("GET", server->url() + "/whoami", {}, "", member);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Json::parse(r->body)["cn"], "Member EE/GOV/70000310");

  ClientOptions stranger = anonymous;
  stranger.cert_file = stranger_id_.first;
  stranger.key_file = stranger_id_.second;
  auto refused = Fetch("GET", server->url() + "/whoami", {}, "", stranger);
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("not a registered member"), std::string::npos);
}

// The operator's gate: a bearer token never taken over plain HTTP from another host.
TEST(BearerGateTest, TokenOverTlsOrLoopbackOnly) {
  HttpRequest req;
  req.headers.Add("Authorization", "Bearer s3cret-token-of-the-operator");
  req.remote = "10.0.0.5:40000";
  auto refused = RefuseUnlessBearer("s3cret-token-of-the-operator", req);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 403);
  EXPECT_NE(refused->body.find("plain_http_refused"), std::string::npos);
  req.tls = true;
  EXPECT_FALSE(RefuseUnlessBearer("s3cret-token-of-the-operator", req).has_value());
  req.tls = false;
  for (const char* local : {"127.0.0.1:5", "::1:5", "::ffff:127.0.0.1:5"}) {
    req.remote = local;
    EXPECT_FALSE(RefuseUnlessBearer("s3cret-token-of-the-operator", req).has_value()) << local;
  }
  auto wrong = RefuseUnlessBearer("another-token-altogether-0000000", req);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(RefuseUnlessBearer("", req)->status, 401);  // no token configured: nobody
}

// A router's gate runs before every route without a gate of its own.
TEST(RouterTest, TheGateRefusesBeforeTheHandlerRuns) {
  Router router;
  bool ran = false;
  router.Add("GET", "/data", [&](const HttpRequest&) {
    ran = true;
    return JsonResponse(Json::object());
  });
  router.Add(
      "GET", "/operator", [](const HttpRequest&) { return JsonResponse(Json::object()); }, "",
      [](const HttpRequest&) { return std::optional<HttpResponse>(); });
  router.SetGate([](const HttpRequest&) { return std::optional<HttpResponse>(JsonError(403, "gated", "no")); });
  HttpRequest req;
  req.method = "GET";
  req.path = "/data";
  EXPECT_EQ(router.TryHandleNow(req)->status, 403);
  EXPECT_FALSE(ran);
  req.path = "/operator";
  EXPECT_EQ(router.TryHandleNow(req)->status, 200);
}

}  // namespace
}  // namespace riik::net
