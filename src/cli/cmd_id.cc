// `riik id enroll|show|unblock|sign`: citizens' eIDs from the command line.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/ca_access.h"
#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/terminal.h"
#include "core/clock.h"
#include "core/file.h"
#include "crypto/x509.h"
#include "eid/enroll.h"
#include "eid/token.h"

namespace riik::cli {
namespace {

using eid::EidKey;

Result<EidKey> ParseWhich(const std::string& which) {
  if (which == "1" || which == "auth") return EidKey::kAuthentication;
  if (which == "2" || which == "sign") return EidKey::kSigning;
  return InvalidArgument("--pin must be 1 (authentication) or 2 (signing)");
}

void ShowKey(eid::Token& token, EidKey key) {
  std::string pin(eid::PinName(key));
  auto state = token.State(key);
  std::string tries = !state.ok()              ? state.status().message()
                      : state->blocked         ? "BLOCKED (riik id unblock --pin " + pin.substr(3) + ")"
                      : state->tries_left >= 0 ? std::to_string(state->tries_left) + " tries left"
                                               : "tries counted by the token";
  std::printf("%s (%s): %s\n", key == EidKey::kAuthentication ? "authentication" : "signing", pin.c_str(),
              tries.c_str());
  auto cert = token.Certificate(key);
  if (!cert.ok()) {
    std::printf("  no certificate: %s\n", cert.status().message().c_str());
    return;
  }
  auto when = [](const ASN1_TIME* t) {
    std::tm tm{};
    ASN1_TIME_to_tm(t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return std::string(buf);
  };
  std::printf("  subject  %s\n  serial   %s\n  valid    %s to %s\n", SubjectString(cert->get()).c_str(),
              SerialHex(cert->get()).c_str(), when(X509_get0_notBefore(cert->get())).c_str(),
              when(X509_get0_notAfter(cert->get())).c_str());
}

void AddEnroll(CLI::App* id, int& exit_code) {
  auto ca = std::make_shared<CaSelect>();
  auto citizen = std::make_shared<eid::Citizen>();
  auto where = std::make_shared<std::string>();
  auto domain = std::make_shared<std::string>("eesti.ee");
  CLI::App* cmd = id->add_subcommand("enroll", "Issue an eID: keys made on the token, certificates from the eID CA");
  AddCaOptions(cmd, *ca);
  cmd->add_option("--code", citizen->personal_code, "Personal code (isikukood), 11 digits")->required();
  cmd->add_option("--given", citizen->given_name, "Given name(s), as in the population register")->required();
  cmd->add_option("--surname", citizen->surname, "Surname")->required();
  cmd->add_option("--token", *where, "A directory (software token) or pkcs11:token=NAME[?module-path=…]")->required();
  cmd->add_option("--email-domain", *domain, "Domain of the e-mail address in the authentication certificate")
      ->capture_default_str();
  cmd->footer(
      "The police-desk step. PINs come from $RIIK_PIN1 (4-12 digits), $RIIK_PIN2 (5-12) and\n"
      "$RIIK_PUK (8-12); without them new ones are drawn and printed once, as the PIN envelope.\n"
      "Examples:\n"
      "  riik id enroll --code 38001085718 --given Jaak-Kristjan --surname Jõeorg --token ~/eid\n"
      "  riik id enroll --code 49403136526 --given Mari --surname Maasikas \\\n"
      "      --token 'pkcs11:token=EE49403136526?module-path=/usr/lib/softhsm/libsofthsm2.so'");
  cmd->callback([=, &exit_code] {
    bool given = std::getenv("RIIK_PIN1") || std::getenv("RIIK_PIN2") || std::getenv("RIIK_PUK");
    eid::Pins pins = eid::RandomPins();
    if (given) {
      auto p1 = SecretFromEnv("RIIK_PIN1", "PIN1"), p2 = SecretFromEnv("RIIK_PIN2", "PIN2"),
           puk = SecretFromEnv("RIIK_PUK", "PUK");
      for (const auto* r : {&p1, &p2, &puk}) {
        if (!r->ok()) {
          exit_code = Fail("id", "enroll", r->status());
          return;
        }
      }
      pins = eid::Pins{*p1, *p2, *puk};
    }
    auto access = CaAccess::Connect(*ca);
    auto token = access.ok() ? eid::OpenToken(*where) : Result<std::unique_ptr<eid::Token>>(access.status());
    if (!token.ok()) {
      exit_code = Fail("id", "enroll", token.status());
      return;
    }
    auto issue = [&](const trust::EidRequest& r) { return access->IssueEid(r); };
    auto done = eid::Enroll(**token, issue, *citizen, pins, *domain);
    if (!done.ok()) {
      exit_code = Fail("id", "enroll", done.status());
      return;
    }
    std::printf("enrolled %s on %s\n  authentication  %s\n  signing         %s\n", citizen->personal_code.c_str(),
                (*token)->Describe().c_str(), done->authentication.serial.c_str(), done->signing.serial.c_str());
    if (!given) {
      std::printf("PIN envelope (shown once):\n  PIN1 %s\n  PIN2 %s\n  PUK  %s\n", pins.pin1.c_str(), pins.pin2.c_str(),
                  pins.puk.c_str());
    }
  });
}

void AddShow(CLI::App* id, int& exit_code) {
  auto where = std::make_shared<std::string>();
  CLI::App* cmd = id->add_subcommand("show", "Show an eID's certificates and how many PIN tries are left");
  cmd->add_option("--token", *where, "A directory or a pkcs11: URI")->required();
  cmd->callback([=, &exit_code] {
    auto token = eid::OpenToken(*where);
    if (!token.ok()) {
      exit_code = Fail("id", "show", token.status());
      return;
    }
    std::printf("eID on %s\n", (*token)->Describe().c_str());
    for (EidKey key : {EidKey::kAuthentication, EidKey::kSigning}) ShowKey(**token, key);
  });
}

void AddUnblock(CLI::App* id, int& exit_code) {
  auto where = std::make_shared<std::string>();
  auto which = std::make_shared<std::string>();
  CLI::App* cmd = id->add_subcommand("unblock", "Set a new PIN with the PUK (after three wrong tries, or forgotten)");
  cmd->add_option("--token", *where, "A directory or a pkcs11: URI")->required();
  cmd->add_option("--pin", *which, "Which PIN: 1 (authentication) or 2 (signing)")->required();
  cmd->footer(
      "The PUK comes from $RIIK_PUK and the new PIN from $RIIK_NEW_PIN, else they are asked for.\n"
      "Three wrong PUKs block the PUK for good: the eID must then be re-issued.");
  cmd->callback([=, &exit_code] {
    auto key = ParseWhich(*which);
    auto token = key.ok() ? eid::OpenToken(*where) : Result<std::unique_ptr<eid::Token>>(key.status());
    auto puk = token.ok() ? SecretFromEnv("RIIK_PUK", "PUK") : Result<std::string>(token.status());
    auto pin = puk.ok() ? SecretFromEnv("RIIK_NEW_PIN", "new PIN") : Result<std::string>(puk.status());
    Status st = pin.ok() ? (*token)->Unblock(*key, *puk, *pin) : pin.status();
    if (!st.ok()) {
      exit_code = Fail("id", "unblock", st);
      return;
    }
    std::printf("%s on %s has a new PIN and is unblocked\n", std::string(eid::PinName(*key)).c_str(),
                (*token)->Describe().c_str());
  });
}

void AddSign(CLI::App* id, int& exit_code) {
  auto where = std::make_shared<std::string>();
  auto in = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  CLI::App* cmd = id->add_subcommand("sign", "Sign a file with the signing key (PIN2): a detached CMS signature");
  cmd->add_option("--token", *where, "A directory or a pkcs11: URI")->required();
  cmd->add_option("--in", *in, "The file to sign")->required();
  cmd->add_option("--out", *out, "Where to write the signature (DER); default IN.p7s");
  cmd->footer(
      "PIN2 comes from $RIIK_PIN2, else it is asked for. Check the signature with\n"
      "  openssl cms -verify -binary -inform DER -in FILE.p7s -content FILE \\\n"
      "      -CAfile DIR/trust/eid-chain.pem -purpose any");
  cmd->callback([=, &exit_code] {
    auto data = ReadFile(*in);
    auto token = data.ok() ? eid::OpenToken(*where) : Result<std::unique_ptr<eid::Token>>(data.status());
    auto pin = token.ok() ? SecretFromEnv("RIIK_PIN2", "PIN2") : Result<std::string>(token.status());
    auto sig = pin.ok() ? eid::SignDetached(**token, *pin, *data) : Result<std::string>(pin.status());
    std::string path = out->empty() ? *in + ".p7s" : *out;
    Status st = sig.ok() ? WriteFileAtomic(path, *sig, /*secret=*/false) : sig.status();
    if (!st.ok()) {
      exit_code = Fail("id", "sign", st);
      return;
    }
    std::printf("signed %s -> %s\n", in->c_str(), path.c_str());
  });
}

}  // namespace

void AddIdCommand(CLI::App& app, int& exit_code) {
  CLI::App* id = app.add_subcommand("id", "Citizens' eIDs: enroll, show, unblock, sign, sign in (webeid, approve)");
  id->require_subcommand(1);
  id->footer(
      "An eID holds two P-384 keys like the ID card: authentication behind PIN1 and\n"
      "signing behind PIN2; on a software token three wrong tries block a PIN until\n"
      "`riik id unblock` with the PUK (a smart card counts its own tries; SoftHSM2 does\n"
      "not). Tokens: a directory (PKCS#12 files, for tests and demos) or a PKCS#11 token\n"
      "(SoftHSM2, or a smart card through OpenSC). Details: docs/eid.md.\n"
      "Examples (riik up's demo citizens: riik-data/citizens/CODE, PINs in its banner):\n"
      "  riik id show --token riik-data/citizens/38001085718\n"
      "  RIIK_PIN2=… riik id sign --token riik-data/citizens/38001085718 --in doc.txt");
  AddEnroll(id, exit_code);
  AddShow(id, exit_code);
  AddUnblock(id, exit_code);
  AddSign(id, exit_code);
  AddIdSignInCommands(id, exit_code);
}

}  // namespace riik::cli
