// `riik id webeid` and `riik id approve`: a riik eID signing in without a card reader
// or a phone. `webeid` makes the token the Web eID browser extension would (PIN1);
// `approve` is the citizen's app: it shows what waits for this eID at the sign-in
// service, with the verification code, and confirms with PIN1 (or PIN2 for a signature).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "auth/app_confirm.h"
#include "auth/eid_check.h"
#include "auth/webeid.h"
#include "cli/app_device.h"
#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/terminal.h"
#include "core/encoding.h"
#include "crypto/x509.h"
#include "eid/token.h"
#include "net/client.h"

namespace riik::cli {
namespace {

using eid::EidKey;

void AddWebEid(CLI::App* id, int& exit_code) {
  auto where = std::make_shared<std::string>(), origin = std::make_shared<std::string>(),
       nonce = std::make_shared<std::string>();
  CLI::App* cmd = id->add_subcommand("webeid", "Make a Web eID authentication token with the eID's PIN1 key");
  cmd->add_option("--token", *where, "The eID: a directory or a pkcs11: URI")->required();
  cmd->add_option("--origin", *origin, "The site's origin, e.g. https://127.0.0.1:7005")->required();
  cmd->add_option("--nonce", *nonce, "The challenge nonce the site gave (base64)")->required();
  cmd->footer(
      "Prints the token JSON ({unverifiedCertificate, algorithm, signature, format, appVersion})\n"
      "that the Web eID browser extension hands a page, so scripts and tests sign in with a\n"
      "riik eID as with an ID-card. PIN1 comes from $RIIK_PIN1, else it is asked for.\n"
      "Example:\n"
      "  RIIK_PIN1=0090 riik id webeid --token riik-data/citizens/38001085718 \\\n"
      "      --origin https://127.0.0.1:7005 --nonce \"$NONCE\"");
  cmd->callback([=, &exit_code] {
    auto run = [&]() -> Result<std::string> {
      ASSIGN_OR_RETURN(std::unique_ptr<eid::Token> token, eid::OpenToken(*where));
      ASSIGN_OR_RETURN(UniquePtr<X509> cert, token->Certificate(EidKey::kAuthentication));
      ASSIGN_OR_RETURN(std::string pin, SecretFromEnv("RIIK_PIN1", "PIN1"));
      ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, token->PrivateKey(EidKey::kAuthentication, pin));
      return auth::MakeWebEidToken(key.get(), cert.get(), *origin, *nonce);
    };
    auto token = run();
    if (!token.ok()) {
      exit_code = Fail("id", "webeid", token.status());
      return;
    }
    std::printf("%s\n", token->c_str());
  });
}

struct ApproveOptions {
  std::string token, url, ca, device;
  std::string expect_code;
  bool decline = false;
  bool list = false;
  int wait_s = 30;
};

// The service's text as the terminal shows it (ShownText): a service could otherwise
// move the cursor or rewrite what the person reads.
std::string Said(const Json& request, const char* key) { return ShownText(StringOr(request, key)); }

// The "message" of a JSON error answer, else its body.
std::string MessageOf(const net::HttpResponse& r) {
  auto body = ParseJson(r.body);
  return ShownText(body.ok() ? StringOr(*body, "message", r.body) : r.body);
}

// The request's verification code ("" for a signature's first step, which has no hash).
Result<std::string> CodeOf(const Json& request) {
  if (StringOr(request, "purpose") == "signing-certificate") return std::string();
  ASSIGN_OR_RETURN(std::string hash, Base64Decode(StringOr(request, "hash")));
  if (hash.size() != auth::kAppHashBytes) return DataLoss("the service sent a hash of the wrong size");
  return auth::VerificationCode(hash);
}

// Declines request `id` as the person: signed with PIN1 over auth::DeclineHash(id), since
// anyone could otherwise decline a person's requests.
Status Decline(eid::Token& token, net::HttpClient& http, const std::string& id) {
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, token.Certificate(EidKey::kAuthentication));
  ASSIGN_OR_RETURN(std::string pin, SecretFromEnv("RIIK_PIN1", "PIN1"));
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> priv, token.PrivateKey(EidKey::kAuthentication, pin));
  ASSIGN_OR_RETURN(std::string signature, auth::SignAppHash(priv.get(), auth::DeclineHash(id)));
  Json answer = {{"decline", true},
                 {"certificate", Base64Encode(CertificateDer(cert.get()))},
                 {"signature", Base64Encode(signature)}};
  ASSIGN_OR_RETURN(net::HttpResponse r, http.PostJson("/app/v1/requests/" + id, answer));
  if (r.status != 200)
    return FailedPrecondition("the service answered " + std::to_string(r.status) + ": " + ShownText(r.body));
  std::printf("declined\n");
  return OkStatus();
}

// Whether the person confirms that their browser shows `code`: asked on a terminal;
// without one, only --expect-code can say so.
bool CodeConfirmed(const std::string& code, const ApproveOptions& o) {
  if (!o.expect_code.empty()) return o.expect_code == code;
  if (!isatty(STDIN_FILENO)) return false;
  std::printf("Confirm only if the page in your browser shows %s. Does it? [y/N] ", code.c_str());
  std::fflush(stdout);
  char line[16] = {};
  return std::fgets(line, sizeof line, stdin) != nullptr && (line[0] == 'y' || line[0] == 'Y');
}

// Answers one waiting request at the sign-in service `issuer`; prints what the person
// would see on the phone.
Status AnswerRequest(eid::Token& token, net::HttpClient& http, const Json& request, const std::string& issuer,
                     const ApproveOptions& o) {
  std::string id = StringOr(request, "id");
  // The service's id goes into a path and into what PIN1 signs: only in its own form.
  if (id.empty() || id.size() > 64 ||
      id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos) {
    return DataLoss("the service listed a request whose id is not base64url");
  }
  std::string what = Said(request, "description");
  if (StringOr(request, "purpose") == "signing-certificate") {
    // A signature's first step: the signing certificate, so that the service can prepare
    // the document's signature around it. The choice is signed with PIN1: the certificate
    // is public, and only the person may say which of theirs signs.
    std::printf("%s asks for your signing certificate to prepare a signature%s.\n", Said(request, "service").c_str(),
                what.empty() ? "" : (" of " + what).c_str());
    if (o.decline) return Decline(token, http, id);
    ASSIGN_OR_RETURN(UniquePtr<X509> signing, token.Certificate(EidKey::kSigning));
    ASSIGN_OR_RETURN(UniquePtr<X509> auth, token.Certificate(EidKey::kAuthentication));
    ASSIGN_OR_RETURN(std::string pin, SecretFromEnv("RIIK_PIN1", "PIN1"));
    ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> priv, token.PrivateKey(EidKey::kAuthentication, pin));
    const std::string signing_der = CertificateDer(signing.get());
    ASSIGN_OR_RETURN(std::string signature,
                     auth::SignAppHash(priv.get(), auth::SigningCertificateHash(id, signing_der)));
    Json answer = {{"certificate", Base64Encode(CertificateDer(auth.get()))},
                   {"signature", Base64Encode(signature)},
                   {"signing_certificate", Base64Encode(signing_der)}};
    ASSIGN_OR_RETURN(net::HttpResponse r, http.PostJson("/app/v1/requests/" + id, answer));
    if (r.status != 200)
      return FailedPrecondition("the service answered " + std::to_string(r.status) + ": " + ShownText(r.body));
    std::printf("sent the signing certificate\n");
    std::fflush(stdout);
    return OkStatus();
  }
  ASSIGN_OR_RETURN(std::string hash, Base64Decode(StringOr(request, "hash")));
  if (hash.size() != auth::kAppHashBytes) return DataLoss("the service sent a hash of the wrong size");
  std::string code = auth::VerificationCode(hash);
  bool signing = StringOr(request, "purpose") == "signing";
  std::printf("%s asks you to %s.\nVerification code: %s\n", Said(request, "service").c_str(),
              signing ? ("sign " + (what.empty() ? std::string("a document") : what)).c_str() : "sign in",
              code.c_str());
  std::fflush(stdout);
  if (o.decline) return Decline(token, http, id);
  if (!o.expect_code.empty() && o.expect_code != code) {
    return PermissionDenied("the verification code is " + code + ", not " + o.expect_code +
                            ": this request is not yours; not confirmed");
  }
  // A sign-in is confirmed only against the code the browser shows: anyone who knows the
  // personal code can start one, and the first to wait would otherwise be confirmed.
  if (!signing && !CodeConfirmed(code, o)) {
    return PermissionDenied(o.expect_code.empty() && !isatty(STDIN_FILENO)
                                ? "give --expect-code with the code your browser shows: a sign-in is confirmed only "
                                  "against it"
                                : "not confirmed: the browser does not show " + code);
  }
  EidKey key = signing ? EidKey::kSigning : EidKey::kAuthentication;
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, token.Certificate(key));
  ASSIGN_OR_RETURN(std::string pin, SecretFromEnv(signing ? "RIIK_PIN2" : "RIIK_PIN1", signing ? "PIN2" : "PIN1"));
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> priv, token.PrivateKey(key, pin));
  // A signature's digest is signed as it is (PIN2, the signing key); a sign-in's hash as
  // a statement naming this service (app_confirm.h), never as it is.
  ASSIGN_OR_RETURN(std::string signature,
                   auth::SignAppHash(priv.get(), signing ? hash : auth::SignInHash(issuer, hash)));
  Json answer = {{"certificate", Base64Encode(CertificateDer(cert.get()))}, {"signature", Base64Encode(signature)}};
  ASSIGN_OR_RETURN(net::HttpResponse r, http.PostJson("/app/v1/requests/" + id, answer));
  if (r.status != 200) {
    return PermissionDenied("the service refused the confirmation: " + MessageOf(r));
  }
  std::printf("confirmed\n");
  return OkStatus();
}

// The sign-in service's issuer: --auth, scheme, host and port only (auth::CheckIssuer).
Result<std::string> IssuerFromUrl(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (Status st = auth::CheckIssuer(url); !st.ok()) return InvalidArgument("--auth " + url + ": " + st.message());
  return url;
}

// Whether the service's discovery document names it `url` as it is (OpenID Connect
// Discovery 1.0, 4.3). The issuer is what the app's statements name, so a service may not
// claim another's.
Status CheckDiscovery(net::HttpClient& http, const std::string& url) {
  ASSIGN_OR_RETURN(net::HttpResponse r, http.Send("GET", "/.well-known/openid-configuration", net::Headers{}));
  if (r.status != 200) {
    return Unavailable("the sign-in service's discovery document: HTTP " + std::to_string(r.status));
  }
  auto discovery = ParseJson(r.body);
  if (!discovery.ok() || StringOr(*discovery, "issuer") != url) {
    return PermissionDenied("the sign-in service at " + url +
                            " does not name itself so in its discovery document; give --auth its issuer URL");
  }
  return OkStatus();
}

// Shows the sign-in service the device's binding (it keeps bindings in memory only);
// while it is too busy to check one, again every second until `deadline`.
Status PresentBinding(net::HttpClient& http, const AppDevice& device, std::chrono::steady_clock::time_point deadline) {
  while (true) {
    // Signed by the device key: the service takes a binding only from the key's holder.
    net::Headers headers;
    ASSIGN_OR_RETURN(std::string authorization, DeviceBindHeader(device));
    headers.Add("Authorization", authorization);
    headers.Add("Content-Type", "application/json");
    ASSIGN_OR_RETURN(net::HttpResponse r,
                     http.Send("POST", "/app/v1/devices", headers, auth::DeviceBindingJson(device.binding).dump()));
    if (r.status == 200) return OkStatus();
    if (r.status != 503 || std::chrono::steady_clock::now() >= deadline) {
      return PermissionDenied("the sign-in service did not take this device's binding: " + MessageOf(r));
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

Status Approve(const ApproveOptions& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<eid::Token> token, eid::OpenToken(o.token));
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, token->Certificate(EidKey::kAuthentication));
  ASSIGN_OR_RETURN(auth::Person person, auth::PersonFromCertificate(cert.get()));
  ASSIGN_OR_RETURN(std::string issuer, IssuerFromUrl(o.url));
  net::ClientOptions options;
  options.ca_file = o.ca;
  ASSIGN_OR_RETURN(std::unique_ptr<net::HttpClient> http, net::HttpClient::Create(issuer, options));
  std::string device_file = o.device.empty() ? DefaultDeviceFile(o.token) : o.device;
  if (device_file.empty()) return InvalidArgument("give --device: where this app keeps its device key");
  RETURN_IF_ERROR(CheckDiscovery(*http, issuer));
  ASSIGN_OR_RETURN(AppDevice device, LoadOrBindDevice(*token, device_file, issuer));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.wait_s);
  // Whether the service has been shown the binding since it last said it knew the device
  // (it forgets them on a restart and re-checks them hourly): shown once per forgetting.
  bool presented = false;
  while (true) {
    net::Headers headers;
    ASSIGN_OR_RETURN(std::string authorization, DevicePollHeader(device));
    headers.Add("Authorization", authorization);
    ASSIGN_OR_RETURN(net::HttpResponse r, http->Send("GET", "/app/v1/requests", headers));
    if (r.status == 401 && !presented &&
        r.headers.Get("WWW-Authenticate").find("unknown_device") != std::string::npos) {
      RETURN_IF_ERROR(PresentBinding(*http, device, deadline));
      presented = true;
      continue;
    }
    if (r.status != 200) {
      return Unavailable("the sign-in service answered " + std::to_string(r.status) + ": " + MessageOf(r));
    }
    presented = false;
    ASSIGN_OR_RETURN(Json body, ParseJson(r.body));
    if (o.list) {
      if (!body.contains("requests") || !body["requests"].is_array()) return DataLoss("the service sent no list");
      for (const Json& request : body["requests"]) {
        Json shown = request;
        ASSIGN_OR_RETURN(shown["verification_code"], CodeOf(request));
        std::printf("%s\n", shown.dump().c_str());
      }
      return OkStatus();
    }
    if (body.contains("requests") && body["requests"].is_array() && !body["requests"].empty()) {
      const Json& requests = body["requests"];
      // More than one waiting: someone else may have started one in this person's name.
      // Only the code the person's own browser shows picks one; none is taken at random.
      size_t pick = 0;
      if (requests.size() > 1) {
        std::printf("%zu requests wait for you:\n", requests.size());
        std::optional<size_t> match;
        for (size_t i = 0; i < requests.size(); ++i) {
          ASSIGN_OR_RETURN(std::string code, CodeOf(requests[i]));
          std::printf("  %s: %s%s\n", Said(requests[i], "service").c_str(), Said(requests[i], "purpose").c_str(),
                      code.empty() ? "" : (", code " + code).c_str());
          if (!o.expect_code.empty() && code == o.expect_code) {
            // Two with the person's code: someone started many in their name hoping for one
            // with the same four digits. Neither is confirmed.
            if (match) {
              return FailedPrecondition("more than one waiting request shows " + o.expect_code +
                                        ": someone else is starting requests in your name; confirm none, start "
                                        "again");
            }
            match = i;
          }
        }
        if (!match) {
          return FailedPrecondition(
              "more than one request waits and none is picked: give --expect-code with the code your browser "
              "shows (requests you did not start are someone else's; let them expire)");
        }
        pick = *match;
      }
      const Json& request = requests[pick];
      RETURN_IF_ERROR(AnswerRequest(*token, *http, request, issuer, o));
      // After the certificate, the signature itself comes: wait on for it.
      if (StringOr(request, "purpose") != "signing-certificate" || o.decline) return OkStatus();
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.wait_s);
      continue;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return NotFound("nothing waits for " + person.given_name + " " + person.family_name + " at " + o.url);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

void AddApprove(CLI::App* id, int& exit_code) {
  auto o = std::make_shared<ApproveOptions>();
  CLI::App* cmd =
      id->add_subcommand("approve", "The citizen's app: confirm a sign-in (PIN1) or a signature (PIN1, then PIN2)");
  cmd->add_option("--token", o->token, "The eID: a directory or a pkcs11: URI")->required();
  cmd->add_option("--auth", o->url, "The sign-in service (role auth), e.g. https://127.0.0.1:7005")->required();
  cmd->add_option("--ca", o->ca, "The CA its TLS certificate chains to (riik up: DIR/trust/root.pem)");
  cmd->add_option("--expect-code", o->expect_code,
                  "The verification code the browser shows: only that request is confirmed (a sign-in needs it, "
                  "or a terminal to ask on)");
  cmd->add_option("--device", o->device,
                  "The app's device key and its binding (default: app-device.json in the eID's directory; "
                  "needed for a pkcs11: eID)");
  cmd->add_flag("--list", o->list,
                "Print what waits now, one JSON object a line (with its verification code), and answer nothing");
  cmd->add_flag("--decline", o->decline, "Refuse the request, signed with PIN1 (the service hears user_cancel)");
  cmd->add_option("--wait", o->wait_s, "Seconds to wait for a request to arrive")
      ->check(CLI::Range(0, 600))
      ->capture_default_str();
  cmd->footer(
      "Like the app on a phone: waits for a request for this eID's holder, shows the service\n"
      "and the verification code (compare it with the one in the browser), then signs the\n"
      "request's hash with PIN1 (sign-in) or PIN2 (a signature), from $RIIK_PIN1/$RIIK_PIN2 or\n"
      "asked for. A signature comes in two steps: first the signing certificate is sent, the\n"
      "choice signed with PIN1, then the document's digest is signed with PIN2. A sign-in is\n"
      "confirmed only against the code your browser shows (--expect-code, or asked on a\n"
      "terminal); when more than one request waits, only --expect-code picks one.\n"
      "Only this app sees what waits for you: on first use it makes a device key of its own\n"
      "and you bind it to yourself and this sign-in service with PIN1 (for a year); each look\n"
      "is signed with it. --auth is the service's issuer URL, as its discovery document names\n"
      "it; keep one --device file per service.\n"
      "Example:\n"
      "  RIIK_PIN1=0090 riik id approve --token riik-data/citizens/38001085718 \\\n"
      "      --auth https://127.0.0.1:7005 --ca riik-data/trust/root.pem --expect-code 4821");
  cmd->callback([o, &exit_code] {
    if (Status st = Approve(*o); !st.ok()) exit_code = Fail("id", "approve", st);
  });
}

}  // namespace

void AddIdSignInCommands(CLI::App* id, int& exit_code) {
  AddWebEid(id, exit_code);
  AddApprove(id, exit_code);
}

}  // namespace riik::cli
