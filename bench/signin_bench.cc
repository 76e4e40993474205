// Complete ID-card sign-ins per second against a running sign-in service (role auth, as
// `riik up` runs it; bench/signin_bench.sh sets it up): for each sign-in, the Web eID
// token posted (the certificate's checks, its chain to the eID CA, a live OCSP
// question to the trust role, the signature), the code taken from the redirect, and the
// code exchanged at the token endpoint for an ES256 ID token. The browser's part before
// the token (the authorization request, the sign-in page, the challenge) and the card's
// part (signing the challenge with the P-384 key) are done first and not timed: on a
// real machine they are the browser's and the card's, not the server's.
//
//   signin_bench --dir RIIK_UP_DIR --client-id ID --secret-file F --redirect-uri URI
//                [--signins N] [--threads T] [--server-pid PID]
//
// Prints sign-ins per second (wall clock), and with --server-pid the server's CPU per
// sign-in (user + system time of that process over the timed part), so that the rate
// two server cores would give is known whatever the client cost the same machine.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "core/encoding.h"
#include "core/file.h"
#include "crypto/random.h"
#include "crypto/sha256.h"
#include "eid/token.h"
#include "idcard_login.h"
#include "net/client.h"
#include "net/http.h"

using namespace riik;

namespace {

struct Options {
  std::string dir, client_id, secret_file, redirect_uri;
  int signins = 2000, threads = 8;
  long server_pid = 0;
};

// One sign-in made ready: the browser's part up to the card's token, and the PKCE verifier.
struct Prepared {
  bench::IdCardLogin login;
  std::string verifier;
};

using bench::Die;
using bench::Must;

// CPU seconds (user + system) the process has used so far.
double CpuSeconds(long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(f, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(field);
    if (i == 15) break;
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

struct Citizen {
  UniquePtr<EVP_PKEY> key;
  UniquePtr<X509> cert;
};

Prepared Prepare(net::HttpClient& http, const Options& o, const std::string& auth_url, const Citizen& who) {
  Prepared p;
  p.verifier = Must(RandomToken(32), "randomness");
  std::string challenge = Base64UrlEncode(DigestBytes(Sha256(p.verifier)));
  std::string target = "/authorize?response_type=code&scope=openid&client_id=" + net::PercentEncode(o.client_id) +
                       "&redirect_uri=" + net::PercentEncode(o.redirect_uri) + "&state=bench-state-0001&nonce=n" +
                       "&code_challenge=" + challenge + "&code_challenge_method=S256";
  p.login = Must(bench::PrepareIdCardLogin(http, auth_url, target, who.key.get(), who.cert.get()), "the sign-in page");
  return p;
}

// The timed part of one sign-in; false if any step failed.
bool Complete(net::HttpClient& http, const Options& o, const std::string& secret, const Prepared& p) {
  auto redirect = bench::PostIdCardToken(http, p.login);
  if (!redirect.ok()) {
    std::fprintf(stderr, "%s\n", redirect.status().message().c_str());
    return false;
  }
  std::string code = net::ParseForm(redirect->substr(redirect->find('?') + 1)).value()["code"];
  net::Headers t;
  t.Add("Content-Type", "application/x-www-form-urlencoded");
  t.Add("Authorization", "Basic " + Base64Encode(net::PercentEncode(o.client_id) + ":" + net::PercentEncode(secret)));
  auto tokens = http.Send("POST", "/token", t,
                          "grant_type=authorization_code&code=" + code +
                              "&redirect_uri=" + net::PercentEncode(o.redirect_uri) + "&code_verifier=" + p.verifier);
  if (!tokens.ok() || tokens->status != 200 || tokens->body.find("\"id_token\"") == std::string::npos) {
    std::fprintf(stderr, "token exchange failed: %s\n", tokens.ok() ? tokens->body.c_str() : "no answer");
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--dir")
      o.dir = v;
    else if (k == "--client-id")
      o.client_id = v;
    else if (k == "--secret-file")
      o.secret_file = v;
    else if (k == "--redirect-uri")
      o.redirect_uri = v;
    else if (k == "--signins")
      o.signins = std::stoi(v);
    else if (k == "--threads")
      o.threads = std::stoi(v);
    else if (k == "--server-pid")
      o.server_pid = std::stol(v);
    else
      Die("unknown option " + k);
  }
  if (o.dir.empty() || o.client_id.empty() || o.secret_file.empty() || o.redirect_uri.empty()) {
    Die("usage: signin_bench --dir D --client-id ID --secret-file F --redirect-uri URI [--signins N] [--threads T] "
        "[--server-pid PID]");
  }
  Json endpoints = Must(ParseJson(Must(ReadFile(o.dir + "/endpoints.json"), "endpoints.json")), "endpoints.json");
  std::string auth_url = endpoints["roles"]["auth"]["url"];
  std::string secret = Must(ReadFile(o.secret_file), "the secret");
  secret = secret.substr(0, secret.find('\n'));
  net::ClientOptions client;
  client.ca_file = o.dir + "/trust/root.pem";

  // The demo citizens' authentication keys, unlocked once.
  std::vector<Citizen> citizens;
  for (const auto& person : endpoints["identities"]) {
    auto token = Must(eid::OpenToken(person["token"].get<std::string>()), "a demo citizen's token");
    Citizen c;
    c.cert = Must(token->Certificate(eid::EidKey::kAuthentication), "a certificate");
    c.key = Must(token->PrivateKey(eid::EidKey::kAuthentication, "0090"), "PIN1");
    citizens.push_back(std::move(c));
  }
  if (citizens.empty()) Die("endpoints.json names no demo citizens");

  std::printf("preparing %d sign-ins (the browser's and the card's part, not timed)...\n", o.signins);
  std::fflush(stdout);
  std::vector<Prepared> prepared(static_cast<size_t>(o.signins));
  {
    std::atomic<int> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < 2; ++t) {
      workers.emplace_back([&] {
        auto http = Must(net::HttpClient::Create(auth_url, client), "a client");
        for (int i; (i = next++) < o.signins;) {
          prepared[static_cast<size_t>(i)] =
              Prepare(*http, o, auth_url, citizens[static_cast<size_t>(i) % citizens.size()]);
        }
      });
    }
    for (auto& w : workers) w.join();
  }

  std::printf("timing %d sign-ins on %d connections...\n", o.signins, o.threads);
  std::fflush(stdout);
  std::atomic<int> next{0}, failed{0};
  double cpu_before = o.server_pid ? CpuSeconds(o.server_pid) : 0;
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < o.threads; ++t) {
    workers.emplace_back([&] {
      auto http = Must(net::HttpClient::Create(auth_url, client), "a client");
      for (int i; (i = next++) < o.signins;) {
        if (!Complete(*http, o, secret, prepared[static_cast<size_t>(i)])) ++failed;
      }
    });
  }
  for (auto& w : workers) w.join();
  double seconds = bench::SecondsSince(start);
  double cpu = o.server_pid ? CpuSeconds(o.server_pid) - cpu_before : 0;
  if (failed) Die(std::to_string(failed.load()) + " sign-ins failed");
  std::printf("signins %d threads %d seconds %.2f rate %.1f/s", o.signins, o.threads, seconds, o.signins / seconds);
  if (o.server_pid) std::printf(" server_cpu_ms_per_signin %.3f", 1000.0 * cpu / o.signins);
  std::printf("\n");
  return 0;
}
