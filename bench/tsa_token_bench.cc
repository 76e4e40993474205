// tsa_token_bench: the timestamping authority's token path alone, without HTTP —
// TimestampAuthority::Respond() on one RFC 3161 query (SHA-256 imprint, a nonce,
// certReq) — against the limit it is bound by, ECDSA P-256 signatures (EVP_DigestSign
// of a 32-byte digest's worth of input with a P-256 key, a context set up per
// signature), with the same threads, in alternating rounds of the same run; and, once,
// `openssl speed ecdsap256` with as many processes (raw signing, no EVP set-up). Prints
// the medians and the share of each.
//
//   tsa_token_bench [--seconds S] [--rounds R] [--threads N]
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "crypto/handles.h"
#include "crypto/x509.h"
#include "support/temp_dir.h"
#include "trust/ca.h"
#include "trust/tsa.h"

using namespace riik;

namespace {

using bench::Median;
using bench::Rate;

// A DER TimeStampReq: SHA-256 imprint, a nonce, certReq.
std::string Query() {
  unsigned char digest[32], nonce_bytes[8];
  RAND_bytes(digest, sizeof digest);
  RAND_bytes(nonce_bytes, sizeof nonce_bytes);
  TS_REQ* req = TS_REQ_new();
  TS_MSG_IMPRINT* imprint = TS_MSG_IMPRINT_new();
  X509_ALGOR* alg = X509_ALGOR_new();
  X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
  TS_MSG_IMPRINT_set_algo(imprint, alg);
  TS_MSG_IMPRINT_set_msg(imprint, digest, sizeof digest);
  TS_REQ_set_version(req, 1);
  TS_REQ_set_msg_imprint(req, imprint);
  ASN1_INTEGER* nonce = ASN1_INTEGER_new();
  BIGNUM* bn = BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr);
  BN_to_ASN1_INTEGER(bn, nonce);
  TS_REQ_set_nonce(req, nonce);
  TS_REQ_set_cert_req(req, 1);
  unsigned char* der = nullptr;
  int len = i2d_TS_REQ(req, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(std::max(len, 0)));
  OPENSSL_free(der);
  BN_free(bn);
  ASN1_INTEGER_free(nonce);
  X509_ALGOR_free(alg);
  TS_MSG_IMPRINT_free(imprint);
  TS_REQ_free(req);
  return out;
}

// Whether `der` is a TimeStampResp that grants a token.
bool Granted(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  TS_RESP* resp = d2i_TS_RESP(nullptr, &p, static_cast<long>(der.size()));
  bool ok = resp != nullptr && ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))) == 0 &&
            TS_RESP_get_token(resp) != nullptr;
  TS_RESP_free(resp);
  return ok;
}

// `openssl speed -multi N ecdsap256`'s signs per second, 0 if it cannot be run.
double OpensslSpeed(int processes) {
  const std::string command = "openssl speed -seconds 2 -multi " + std::to_string(processes) + " ecdsap256 2>/dev/null";
  FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) return 0;
  char line[512];
  double signs = 0;
  while (std::fgets(line, sizeof line, out) != nullptr) {
    // "256 bits ecdsa (nistp256)   0.0000s   0.0001s  101120.0  33702.0"
    if (std::strstr(line, "256 bits ecdsa (nistp256)") == nullptr) continue;
    double sign_s = 0, verify_s = 0, per_s = 0;
    if (std::sscanf(std::strstr(line, ")") + 1, "%lfs %lfs %lf", &sign_s, &verify_s, &per_s) == 3) signs = per_s;
  }
  pclose(out);
  return signs;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  int rounds = 3, threads = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--seconds")) {
      seconds = std::atof(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--rounds")) {
      rounds = std::atoi(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--threads")) {
      threads = std::atoi(argv[i + 1]);
    } else {
      std::fprintf(stderr, "usage: tsa_token_bench [--seconds S] [--rounds R] [--threads N]\n");
      return 2;
    }
  }
  testing::TempDir dir("riik-tsa-bench");
  auto store = store::Store::Open(store::StoreOptions{"sqlite:" + dir / "trust.db", "trust"});
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open the trust store: %s\n", store.status().ToString().c_str());
    return 1;
  }
  trust::CaOptions o;
  o.dir = dir / "ca";
  o.passphrase = "a benchmark passphrase";
  auto ca = trust::CertificateAuthority::Open(**store, o);
  auto tsa = ca.ok() ? trust::TimestampAuthority::Create(**ca, **store)
                     : Result<std::unique_ptr<trust::TimestampAuthority>>(ca.status());
  if (!tsa.ok()) {
    std::fprintf(stderr, "cannot set up the TSA: %s\n", tsa.status().ToString().c_str());
    return 1;
  }
  const std::string query = Query();
  if (!Granted((*tsa)->Respond(query))) {
    std::fprintf(stderr, "the TSA does not grant the benchmark's query\n");
    return 1;
  }
  auto key = GenerateEcKey("P-256");
  if (!key.ok()) return 1;
  EVP_PKEY* signer = key->get();
  const std::string message(32, 'x');
  auto sign = [&] {
    UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    unsigned char sig[80];
    size_t len = sizeof sig;
    return ctx && EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, signer) == 1 &&
           EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
  };
  std::vector<double> tokens, signs;
  for (int r = 0; r < rounds; ++r) {
    tokens.push_back(Rate(threads, seconds, [&] { return !(*tsa)->Respond(query).empty(); }));
    signs.push_back(Rate(threads, seconds, sign));
    std::fprintf(stderr, "round %d: %.0f tokens/s, %.0f ECDSA P-256 signatures/s\n", r + 1, tokens.back(),
                 signs.back());
    if (tokens.back() < 0 || signs.back() < 0) {
      std::fprintf(stderr, "an operation failed\n");
      return 1;
    }
  }
  const double t = Median(tokens), s = Median(signs), speed = OpensslSpeed(threads);
  std::printf("tsa_token_bench: Respond() on one query (SHA-256, nonce, certReq), %d threads, medians of %d rounds\n",
              threads, rounds);
  std::printf("riik TimestampAuthority::Respond()   %8.0f tokens/s\n", t);
  std::printf("ECDSA P-256 EVP_DigestSign          %8.0f signatures/s\n", s);
  std::printf("share of that                       %8.0f%%\n", s > 0 ? 100 * t / s : 0);
  std::printf("openssl speed ecdsap256, %d processes %8.0f signs/s (raw; once, after the rounds)\n", threads, speed);
  std::printf("share of that                       %8.0f%%\n", speed > 0 ? 100 * t / speed : 0);
  return 0;
}
