// `riik sign` and `riik verify`: ASiC-E containers signed with a citizen's eID (PIN2),
// timestamped by the state's TSA, with the OCSP answer inside; verified with reasons.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/admin_client.h"
#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/input_file.h"
#include "cli/terminal.h"
#include "core/file.h"
#include "crypto/x509.h"
#include "eid/token.h"
#include "sign/archive_timestamp.h"
#include "sign/container.h"
#include "sign/report.h"
#include "sign/signer.h"
#include "sign/trust_anchors.h"
#include "sign/verify.h"
#include "trust/http_ocsp.h"
#include "trust/http_timestamper.h"

namespace riik::cli {
namespace {

struct SignArgs {
  std::vector<std::string> in;
  std::string add;     // an existing container to co-sign
  std::string remove;  // a signature to remove (Id or file name), with --add
  std::string extend;  // a container whose signatures get an archive timestamp
  std::string out;
  std::string token;
  std::string dir = "riik-data";
  std::string tsa, ocsp, root, issuer;
  std::vector<std::string> roles;
  std::string city, state, postal_code, country;
};

// The trust role's URLs and the CA files, from DIR unless given.
Status Resolve(SignArgs& a) {
  std::string trust = RoleUrl(a.dir, "trust");
  if (a.tsa.empty() && !trust.empty()) a.tsa = trust + "/tsa";
  if (a.ocsp.empty() && !trust.empty()) a.ocsp = trust + "/ocsp";
  if (a.root.empty()) a.root = a.dir + "/trust/root.pem";
  if (a.issuer.empty()) a.issuer = a.dir + "/trust/eid.pem";
  if (a.tsa.empty() || a.ocsp.empty())
    return FailedPrecondition("no trust role in " + a.dir +
                              "/endpoints.json: start `riik up`, or give --tsa and --ocsp");
  return OkStatus();
}

Result<std::string> SignCommand(SignArgs a) {
  RETURN_IF_ERROR(Resolve(a));
  sign::Container container;
  std::string target = a.out;
  if (!a.add.empty()) {
    ASSIGN_OR_RETURN(std::string bytes, ReadFile(a.add));
    auto read = sign::ReadContainer(bytes);
    if (!read.ok()) return read.status().WithContext(a.add);
    container = std::move(*read);
    if (target.empty()) target = a.add;
    for (const std::string& path : a.in) {
      if (!container.signatures.empty())
        return FailedPrecondition(a.add + " is signed already: files cannot be added without breaking its signatures");
      ASSIGN_OR_RETURN(std::string content, ReadFile(path));
      std::string name = std::filesystem::path(path).filename().string();
      container.files.push_back(sign::DataFile{name, sign::MediaTypeFor(name), std::move(content)});
    }
  } else {
    if (a.in.empty()) return InvalidArgument("give the files to sign with --in, or a container to co-sign with --add");
    if (target.empty()) return InvalidArgument("give the container to write with --out (e.g. --out document.asice)");
    for (const std::string& path : a.in) {
      ASSIGN_OR_RETURN(std::string content, ReadFile(path));
      std::string name = std::filesystem::path(path).filename().string();
      container.files.push_back(sign::DataFile{name, sign::MediaTypeFor(name), std::move(content)});
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<eid::Token> token, eid::OpenToken(a.token));
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, token->Certificate(trust::EidKey::kSigning));
  ASSIGN_OR_RETURN(std::string root_pem, ReadFile(a.root));
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ParseCertificatePem(root_pem));
  ASSIGN_OR_RETURN(std::string issuer_pem, ReadFile(a.issuer));
  ASSIGN_OR_RETURN(UniquePtr<X509> issuer, ParseCertificatePem(issuer_pem));
  ASSIGN_OR_RETURN(std::string pin2, SecretFromEnv("RIIK_PIN2", "PIN2"));
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, token->PrivateKey(trust::EidKey::kSigning, pin2));

  sign::SignOptions o;
  std::string tsa_url = a.tsa, ocsp_url = a.ocsp;
  o.timestamp = trust::HttpTimestamper([tsa_url] { return tsa_url; });
  o.ocsp = [ocsp_url](std::string_view request) { return trust::PostOcspRequest(ocsp_url, request); };
  o.trust_root = root.get();
  o.roles = a.roles;
  o.place = sign::ProductionPlace{a.city, a.state, a.postal_code, a.country};
  sign::SignerKey signer{key.get(), cert.get(), {issuer.get(), root.get()}};
  ASSIGN_OR_RETURN(std::string added, sign::AddSignature(container, signer, o));
  ASSIGN_OR_RETURN(std::string bytes, sign::WriteContainer(container));
  RETURN_IF_ERROR(WriteFileAtomic(target, bytes, /*secret=*/false));
  return "signed " + std::to_string(container.files.size()) + " file(s) as " + SubjectString(cert.get()) + " -> " +
         target + " (" + added + ", " + std::to_string(container.signatures.size()) + " signature(s) in all)";
}

// "S1" or "META-INF/signatures1.xml" as the signature file's name.
std::string SignatureFileName(const std::string& which) {
  if (which.rfind("META-INF/", 0) == 0) return which;
  if (which.size() > 1 && which[0] == 'S') return "META-INF/signatures" + which.substr(1) + ".xml";
  return which;
}

Result<std::string> ExtendCommand(SignArgs a) {
  RETURN_IF_ERROR(Resolve(a));
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(a.extend));
  auto read = sign::ReadContainer(bytes);
  if (!read.ok()) return read.status().WithContext(a.extend);
  if (read->signatures.empty()) return FailedPrecondition(a.extend + " has no signatures to extend");
  ASSIGN_OR_RETURN(std::string root_pem, ReadFile(a.root));
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ParseCertificatePem(root_pem));
  std::string tsa_url = a.tsa;
  trust::TimestampFn timestamp = trust::HttpTimestamper([tsa_url] { return tsa_url; });
  std::vector<std::string> names;
  for (const sign::SignatureFile& s : read->signatures) names.push_back(s.name);
  for (const std::string& name : names) RETURN_IF_ERROR(sign::ExtendSignature(*read, name, timestamp, root.get()));
  ASSIGN_OR_RETURN(std::string out, sign::WriteContainer(*read));
  std::string target = a.out.empty() ? a.extend : a.out;
  RETURN_IF_ERROR(WriteFileAtomic(target, out, /*secret=*/false));
  return "added an archive timestamp to " + std::to_string(names.size()) + " signature(s) -> " + target +
         " (XAdES-BASELINE-LTA)";
}

Result<std::string> RemoveCommand(const SignArgs& a) {
  if (a.add.empty()) return InvalidArgument("give the container with --add, e.g. --remove S1 --add doc.asice");
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(a.add));
  auto read = sign::ReadContainer(bytes);
  if (!read.ok()) return read.status().WithContext(a.add);
  std::string name = SignatureFileName(a.remove);
  RETURN_IF_ERROR(sign::RemoveSignature(*read, name));
  ASSIGN_OR_RETURN(std::string out, sign::WriteContainer(*read));
  std::string target = a.out.empty() ? a.add : a.out;
  RETURN_IF_ERROR(WriteFileAtomic(target, out, /*secret=*/false));
  return "removed " + name + " -> " + target + " (" + std::to_string(read->signatures.size()) + " signature(s) left)";
}

void AddSign(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<SignArgs>();
  CLI::App* cmd = app.add_subcommand("sign", "Sign files with your eID (PIN2) into an ASiC-E container DigiDoc opens");
  cmd->add_option("--in", a->in, "A file to sign (repeat for several)");
  cmd->add_option("--out", a->out, "The container to write (.asice); with --add, instead of changing it in place");
  cmd->add_option("--add", a->add, "An existing container: co-sign it (add your signature to the others)");
  cmd->add_option("--remove", a->remove, "With --add: remove a signature (S1, or META-INF/signatures1.xml)");
  cmd->add_option("--extend", a->extend,
                  "A signed container: add an archive timestamp to each signature (LTA), so it stays provable "
                  "after its certificates expire");
  cmd->add_option("--token", a->token, "Your eID: a directory or a pkcs11: URI");
  cmd->add_option("--dir", a->dir, "Data directory of `riik up` (the trust role's URLs and the CA files)")
      ->capture_default_str();
  cmd->add_option("--tsa", a->tsa, "The timestamping authority (default: the trust role's /tsa)");
  cmd->add_option("--ocsp", a->ocsp, "The OCSP responder (default: the trust role's /ocsp)");
  cmd->add_option("--root", a->root, "The state root certificate (default DIR/trust/root.pem)");
  cmd->add_option("--issuer", a->issuer, "The eID CA's certificate (default DIR/trust/eid.pem)");
  cmd->add_option("--role", a->roles, "A role you sign in (e.g. \"Board member\"); repeatable");
  cmd->add_option("--city", a->city, "Where you sign: city");
  cmd->add_option("--state", a->state, "Where you sign: county or state");
  cmd->add_option("--postal-code", a->postal_code, "Where you sign: postal code");
  cmd->add_option("--country", a->country, "Where you sign: country");
  cmd->footer(
      "The signature is XAdES-BASELINE-LT in BDOC 2.1's time-stamp profile: your signing\n"
      "key (PIN2, from $RIIK_PIN2 or asked) signs the files; the state's TSA timestamps the\n"
      "signature; the OCSP responder then vouches for your certificate, and its answer is\n"
      "kept inside, so the signature can be checked years later. Details: docs/signatures.md.\n"
      "Examples (riik up's demo citizens; PINs in its banner):\n"
      "  RIIK_PIN2=12345 riik sign --token riik-data/citizens/38001085718 --in contract.pdf --out contract.asice\n"
      "  RIIK_PIN2=12345 riik sign --token riik-data/citizens/48705120278 --add contract.asice\n"
      "  riik sign --remove S1 --add contract.asice\n"
      "  riik sign --extend contract.asice            # an archive timestamp over it all (LTA)\n"
      "  riik verify contract.asice");
  cmd->callback([a, &exit_code] {
    Result<std::string> done = !a->remove.empty()   ? RemoveCommand(*a)
                               : !a->extend.empty() ? ExtendCommand(*a)
                               : a->token.empty()   ? Result<std::string>(InvalidArgument("give your eID with --token"))
                                                    : SignCommand(*a);
    if (!done.ok()) {
      exit_code = Fail("sign", "", done.status());
      return;
    }
    std::printf("%s\n", done->c_str());
  });
}

void AddVerify(CLI::App& app, int& exit_code) {
  auto container = std::make_shared<std::string>();
  auto roots = std::make_shared<std::vector<std::string>>();
  auto tsl = std::make_shared<std::string>();
  auto tsl_signer = std::make_shared<std::string>();
  auto dir = std::make_shared<std::string>("riik-data");
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand("verify", "Check an ASiC-E container's signatures, with reasons in plain words");
  cmd->add_option("container", *container, "The container (.asice, .bdoc)")->required();
  cmd->add_option("--root", *roots, "A trusted root certificate (PEM); repeatable. Default DIR/trust/root.pem");
  cmd->add_option("--dir", *dir, "Data directory of `riik up` (for its root certificate)")->capture_default_str();
  cmd->add_option("--tsl", *tsl,
                  "Trust the services of this trusted list (ETSI TS 119 612 XML) instead of roots, as DigiDoc does");
  cmd->add_option("--tsl-signer", *tsl_signer,
                  "The trusted list's signing certificate (PEM): the list must be signed by it");
  cmd->add_flag("--json", *json, "Print the report as JSON (docs/signatures.md)");
  cmd->footer(
      "Checks what DigiDoc checks: the container's structure, that every file is signed and\n"
      "unchanged, the signature value, the signer's certificate (for signing, from a trusted\n"
      "CA: only the roots given, never the system's), one timestamp from a trusted TSA over\n"
      "the signature, and an OCSP answer produced after it. Each signature is VALID, WARNING,\n"
      "INDETERMINATE or INVALID, with the reason. Exit code 0 when every signature is valid\n"
      "(or valid with warnings), 1 otherwise.\n"
      "Examples:\n"
      "  riik verify contract.asice\n"
      "  riik verify contract.asice --json | jq '.signatures[].verdict'\n"
      "  riik verify contract.asice --root riik-data/trust/root.pem\n"
      "  riik verify contract.asice --tsl riik-data/trust/tsl.xml --tsl-signer riik-data/trust/tsl-org.pem");
  cmd->callback([=, &exit_code] {
    std::vector<std::string> paths = *roots;
    if (paths.empty()) paths.push_back(*dir + "/trust/root.pem");
    if (!tsl->empty() && !roots->empty()) {
      exit_code = Fail("verify", "", InvalidArgument("give either --root or --tsl, not both"));
      return;
    }
    if (!tsl->empty() && tsl_signer->empty()) {
      exit_code = Fail("verify", "",
                       InvalidArgument("--tsl needs --tsl-signer: a list is believed only with its signer pinned"));
      return;
    }
    auto trust =
        tsl->empty() ? sign::TrustFromRootFiles(paths) : sign::TrustFromTrustedListFile(*tsl, *tsl_signer, NowMicros());
    if (!trust.ok()) {
      exit_code = Fail("verify", "", trust.status());
      return;
    }
    auto bytes = ReadInputFile(*container, sign::ZipLimits{}.max_archive_bytes);
    if (!bytes.ok()) {
      exit_code = Fail("verify", "", bytes.status());
      return;
    }
    sign::VerifyOptions o;
    o.trust = trust->anchors;
    sign::VerificationReport report = sign::VerifyContainer(*bytes, o);
    if (*json) {
      std::printf("%s\n", sign::ReportJson(report).dump(2, ' ', false, Json::error_handler_t::replace).c_str());
    } else {
      std::printf("%s", sign::ReportText(report, *container).c_str());
    }
    exit_code = report.verdict == sign::Verdict::kValid || report.verdict == sign::Verdict::kWarning ? 0 : 1;
  });
}

}  // namespace

void AddSignCommands(CLI::App& app, int& exit_code) {
  AddSign(app, exit_code);
  AddVerify(app, exit_code);
}

}  // namespace riik::cli
