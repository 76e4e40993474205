// http_bench_server PORT THREADS: riik's HttpServer with one trivial handler,
// GET /hello -> "hello\n" (text/plain), for comparison with nginx under wrk.
#include <signal.h>

#include <cstdio>
#include <cstdlib>

#include "net/server.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: http_bench_server PORT THREADS\n");
    return 2;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  riik::net::Router router;
  router.Add("GET", "/hello",
             [](const riik::net::HttpRequest&) { return riik::net::TextResponse("hello\n", "text/plain"); });
  riik::net::ServerOptions opts;
  opts.name = "bench";
  opts.port = static_cast<uint16_t>(std::atoi(argv[1]));
  opts.threads = std::atoi(argv[2]);
  auto server = riik::net::HttpServer::Start(opts, std::move(router));
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  std::printf("%s\n", (*server)->url().c_str());
  std::fflush(stdout);
  int sig;
  sigwait(&set, &sig);
  return 0;
}
