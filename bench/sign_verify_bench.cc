// sign_verify_bench: ASiC-E containers verified per second, in process — one 100 KiB data
// file, one XAdES-BASELINE-LT signature by a citizen's P-384 eID key, timestamped by
// riik's TSA, with the OCSP answer inside — against the bare cryptography the same
// verification cannot avoid, on the same bytes, in alternating rounds of the same run:
// the digests (the file, the signed properties, the signature value for the timestamp),
// the P-384 signature over the canonical SignedInfo, and the TSA's and the OCSP
// responder's P-256 signatures (EVP_DigestVerify over their signed bytes' length).
// Prints the medians, the ratio to that limit, and how much of a verification is
// certificate chains (each chain's P-384 links are verified again for every container).
//
//   sign_verify_bench [--seconds S] [--rounds R] [--threads N]
//   sign_verify_bench --container C.asice --root ROOT.pem   # the rate on a given container
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bench_util.h"
#include "core/encoding.h"
#include "core/file.h"
#include "crypto/handles.h"
#include "crypto/x509.h"
#include "eid/enroll.h"
#include "eid/software_token.h"
#include "sign/algorithms.h"
#include "sign/container.h"
#include "sign/signer.h"
#include "sign/verify.h"
#include "sign/xml.h"
#include "store/store.h"
#include "support/temp_dir.h"
#include "trust/ca.h"
#include "trust/ocsp_responder.h"
#include "trust/tsa.h"

using namespace riik;
using bench::Median;
using bench::Rate;

namespace {

[[noreturn]] void Die(const std::string& what, const Status& st) {
  std::fprintf(stderr, "sign_verify_bench: %s: %s\n", what.c_str(), st.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(*r);
}

// A P-256 verification of `bytes` with a key of its own: the cost of one service signature.
struct P256Check {
  UniquePtr<EVP_PKEY> key;
  std::string bytes, signature;
  bool operator()() const {
    UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) == 1;
  }
};

P256Check MakeP256Check(size_t signed_bytes) {
  P256Check c;
  c.key = Must(GenerateEcKey("P-256"), "a P-256 key");
  c.bytes.assign(signed_bytes, 'x');
  sign::SignatureMethod method{EVP_sha256(), false};  // DER, as CMS and OCSP carry it
  c.signature = Must(sign::SignValue(c.key.get(), method, c.bytes), "a P-256 signature");
  return c;
}

// The rate on a container made elsewhere (e.g. one another verifier is timed on).
int VerifyGiven(const std::string& path, const std::string& root_path, int threads, double seconds, int rounds) {
  const std::string bytes = Must(ReadFile(path), "reading the container");
  auto root = Must(ParseCertificatePem(Must(ReadFile(root_path), "reading the root")), "the root");
  sign::VerifyOptions verify;
  verify.trust = sign::TrustAnchors::FromRoots({root.get()});
  if (sign::VerifyContainer(bytes, verify).verdict != sign::Verdict::kValid) {
    std::fprintf(stderr, "sign_verify_bench: %s does not verify\n", path.c_str());
    return 1;
  }
  std::vector<double> rates;
  for (int round = 0; round < rounds; ++round) {
    double r =
        Rate(threads, seconds, [&] { return sign::VerifyContainer(bytes, verify).verdict == sign::Verdict::kValid; });
    if (r < 0) return 1;
    rates.push_back(r);
    std::printf("round %d: riik %.0f containers/s\n", round + 1, r);
  }
  std::printf("riik VerifyContainer on %s: %.0f containers/s (%.2f ms each), median of %d, %d thread(s)\n",
              path.c_str(), Median(rates), 1000 / Median(rates), rounds, threads);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3;
  int rounds = 3, threads = 1;
  std::string given_container, given_root;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--container"))
      given_container = argv[i + 1];
    else if (!std::strcmp(argv[i], "--root"))
      given_root = argv[i + 1];
    else if (!std::strcmp(argv[i], "--seconds"))
      seconds = std::atof(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--rounds"))
      rounds = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--threads"))
      threads = std::max(1, std::atoi(argv[i + 1]));
    else {
      std::fprintf(stderr, "sign_verify_bench: unknown option %s\n", argv[i]);
      return 2;
    }
  }

  if (!given_container.empty()) return VerifyGiven(given_container, given_root, threads, seconds, rounds);

  // The state CA, its TSA and OCSP responder, and a citizen with an eID, in a temp dir.
  riik::testing::TempDir dir("riik-sign-bench");
  auto store = Must(store::Store::Open(store::StoreOptions{"sqlite:" + dir / "trust.db", "trust"}), "the trust store");
  trust::CaOptions ca_options;
  ca_options.dir = dir / "ca";
  ca_options.passphrase = "benchmark passphrase";
  auto ca = Must(trust::CertificateAuthority::Open(*store, ca_options), "the CA");
  auto tsa = Must(trust::TimestampAuthority::Create(*ca, *store), "the TSA");
  auto ocsp = Must(trust::OcspResponder::Create(*ca), "the OCSP responder");
  auto token = Must(eid::SoftwareToken::Open(dir / "token"), "the token");
  auto issue = [&](const trust::EidRequest& r) { return ca->IssueEid(r); };
  Must(eid::Enroll(*token, issue, {"38001085718", "Jaak-Kristjan", "Jõeorg"}, {"0090", "01497", "17258403"}),
       "enrolling");
  auto key = Must(token->PrivateKey(trust::EidKey::kSigning, "01497"), "the signing key");
  auto cert = Must(token->Certificate(trust::EidKey::kSigning), "the signing certificate");

  sign::Container container;
  std::string file(100 * 1024, '\0');
  uint64_t state = 0x9E3779B97F4A7C15u;  // incompressible, like a PDF's streams
  for (char& c : file) {
    state = state * 6364136223846793005u + 1442695040888963407u;
    c = static_cast<char>(state >> 56);
  }
  container.files.push_back(sign::DataFile{"report.pdf", "application/pdf", file});
  sign::SignOptions options;
  options.timestamp = [&](std::string_view digest) { return tsa->TimestampDigest(digest); };
  options.ocsp = [&](std::string_view request) -> Result<std::string> { return ocsp->Respond(request); };
  options.trust_root = ca->root_certificate();
  sign::SignerKey signer{key.get(), cert.get(), {ca->eid_certificate(), ca->root_certificate()}};
  Must(sign::AddSignature(container, signer, options), "signing");
  const std::string bytes = Must(sign::WriteContainer(container), "writing the container");
  sign::VerifyOptions verify;
  verify.trust = sign::TrustAnchors::FromRoots({ca->root_certificate()});
  if (sign::VerifyContainer(bytes, verify).verdict != sign::Verdict::kValid) {
    std::fprintf(stderr, "sign_verify_bench: the container does not verify\n");
    return 1;
  }

  // The bare cryptography, on the same bytes: the parts the verifier computes.
  auto doc = Must(sign::ParseXml(container.signatures[0].xml, "the signature"), "parsing");
  xmlNode* root = xmlDocGetRootElement(doc.get());
  const std::string signed_info =
      Must(sign::Canonicalize(Must(sign::OneChild(Must(sign::OneChild(root, sign::kDsigNs, "Signature"), "Signature"),
                                                  sign::kDsigNs, "SignedInfo"),
                                   "SignedInfo"),
                              sign::C14n::k11),
           "c14n");
  const std::string signed_properties =
      Must(sign::Canonicalize(Must(sign::FindById(root, "S0-SignedProperties"), "props"), sign::C14n::k11), "c14n");
  xmlNode* value_node = Must(sign::FindById(root, "S0-SIG"), "SignatureValue");
  const std::string canonical_value = Must(sign::Canonicalize(value_node, sign::C14n::k11), "c14n");
  const std::string value = Must(Base64Decode(sign::Text(value_node)), "the signature value");
  UniquePtr<EVP_PKEY> public_key(X509_get_pubkey(cert.get()));
  const sign::SignatureMethod p384{EVP_sha384(), true};
  const P256Check tsa_check = MakeP256Check(100), ocsp_check = MakeP256Check(300);
  auto limit = [&] {
    return sign::Hash(EVP_sha256(), file).ok() && sign::Hash(EVP_sha256(), signed_properties).ok() &&
           sign::Hash(EVP_sha256(), canonical_value).ok() &&
           *sign::VerifyValue(public_key.get(), p384, signed_info, value) && tsa_check() && ocsp_check();
  };
  auto p384_only = [&] { return *sign::VerifyValue(public_key.get(), p384, signed_info, value); };

  std::vector<double> riik_rates, limit_rates, p384_rates;
  for (int round = 0; round < rounds; ++round) {
    double r =
        Rate(threads, seconds, [&] { return sign::VerifyContainer(bytes, verify).verdict == sign::Verdict::kValid; });
    double l = Rate(threads, seconds, limit);
    double p = Rate(threads, seconds / 2, p384_only);
    if (r < 0 || l < 0 || p < 0) {
      std::fprintf(stderr, "sign_verify_bench: a verification failed in round %d\n", round + 1);
      return 1;
    }
    riik_rates.push_back(r), limit_rates.push_back(l), p384_rates.push_back(p);
    std::printf("round %d: riik %.0f containers/s, the bare cryptography %.0f/s, P-384 verify alone %.0f/s\n",
                round + 1, r, l, p);
  }
  double riik = Median(riik_rates), bare = Median(limit_rates), p384_rate = Median(p384_rates);
  std::printf("sign_verify_bench: %d thread(s), %zu-byte container (100 KiB file, one LT signature), medians of %d\n",
              threads, bytes.size(), rounds);
  std::printf("riik VerifyContainer            %8.0f containers/s  (%.2f ms each)\n", riik, 1000 / riik);
  std::printf("bare cryptography (the limit)   %8.0f /s            (%.2f ms)\n", bare, 1000 / bare);
  std::printf("one P-384 verification          %8.0f /s            (%.2f ms)\n", p384_rate, 1000 / p384_rate);
  std::printf("ratio riik / limit              %8.2f\n", riik / bare);
  std::printf("riik's time in P-384-sized units: %.1f (the signature, and the chains' P-384 links)\n",
              p384_rate / riik);
  return 0;
}
