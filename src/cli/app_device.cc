// The command-line app's device file (app_device.h): {"device_key": PKCS#8 PEM, "binding":
// {certificate, device_key, issuer, expires_at, signature}}, 0600.
#include "cli/app_device.h"

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/terminal.h"
#include "core/clock.h"
#include "core/encoding.h"
#include "core/file.h"
#include "crypto/x509.h"

namespace riik::cli {
namespace {

constexpr int64_t kBindingSeconds = 365 * 86'400;
constexpr int64_t kRebindBeforeSeconds = 7 * 86'400;

Result<AppDevice> Parse(const std::string& text, const std::string& path) {
  auto json = ParseJson(text);
  if (!json.ok() || !json->is_object() || !json->contains("binding") || !(*json)["binding"].is_object()) {
    return DataLoss(path + " is not an app device file (remove it to bind a new device key)");
  }
  // A binding from before bindings named their sign-in service: read the rest as it is
  // (damage is still said), then bound again.
  Json binding_json = (*json)["binding"];
  const bool unnamed = StringOr(binding_json, "issuer").empty();
  if (unnamed) binding_json["issuer"] = "none";
  auto binding = auth::DeviceBindingFromJson(binding_json);
  if (!binding.ok()) {
    return DataLoss(path + ": the binding is damaged (" + binding.status().message() +
                    "); remove the file to bind a new device key");
  }
  AppDevice device;
  auto key = ParsePrivateKeyPem(StringOr(*json, "device_key"));
  if (!key.ok()) {
    return DataLoss(path + ": the device key is damaged (" + key.status().message() +
                    "); remove the file to bind a new device key");
  }
  device.key = std::move(*key);
  device.binding = std::move(*binding);
  if (PublicKeyDer(device.key.get()) != device.binding.device_key_der) {
    return DataLoss(path + ": the binding is not of the device key beside it; remove the file to bind a new one");
  }
  if (unnamed) return FailedPrecondition(path + " names no sign-in service (it was bound before bindings did)");
  return device;
}

Result<AppDevice> Bind(eid::Token& token, const std::string& certificate_der, const std::string& issuer,
                       const std::string& path) {
  AppDevice device;
  ASSIGN_OR_RETURN(device.key, GenerateEcKey("P-256"));
  device.binding.certificate_der = certificate_der;
  device.binding.device_key_der = PublicKeyDer(device.key.get());
  device.binding.issuer = issuer;
  device.binding.expires_at = NowMicros() / 1'000'000 + kBindingSeconds;
  ASSIGN_OR_RETURN(std::string pin, SecretFromEnv("RIIK_PIN1", "PIN1"));
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> auth_key, token.PrivateKey(trust::EidKey::kAuthentication, pin));
  ASSIGN_OR_RETURN(device.binding.signature,
                   auth::SignAppHash(auth_key.get(), auth::DeviceBindingHash(device.binding)));
  ASSIGN_OR_RETURN(std::string key_pem, PrivateKeyPem(device.key.get()));
  Json file = {{"device_key", key_pem}, {"binding", auth::DeviceBindingJson(device.binding)}};
  RETURN_IF_ERROR(WriteFileAtomic(path, file.dump(1) + "\n", /*secret=*/true));
  // On stderr: stdout is for what the command was asked for (--list prints JSON there).
  std::fprintf(stderr, "bound this app's device key to you with PIN1, for %s until %s (%s)\n", issuer.c_str(),
               FormatRfc3339Seconds(device.binding.expires_at * 1'000'000).c_str(), path.c_str());
  return device;
}

}  // namespace

std::string DefaultDeviceFile(const std::string& token) {
  if (token.starts_with("pkcs11:")) return "";
  return (std::filesystem::path(token) / "app-device.json").string();
}

Result<AppDevice> LoadOrBindDevice(eid::Token& token, const std::string& path, const std::string& issuer) {
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, token.Certificate(trust::EidKey::kAuthentication));
  const std::string cert_der = CertificateDer(cert.get());
  auto text = ReadSecretFile(path);
  if (!text.ok() && text.status().code() != Code::kNotFound) return text.status();
  if (text.ok()) {
    Result<AppDevice> parsed = Parse(*text, path);
    if (!parsed.ok() && parsed.status().code() != Code::kFailedPrecondition) return parsed.status();
    const AppDevice* device = parsed.ok() ? &*parsed : nullptr;
    if (!device) {
      std::fprintf(stderr, "%s\n", parsed.status().message().c_str());
    } else if (device->binding.certificate_der != cert_der) {
      std::fprintf(stderr, "%s was bound with another certificate (a renewed card, or another person's eID)\n",
                   path.c_str());
    } else if (device->binding.issuer != issuer) {
      std::fprintf(stderr,
                   "%s was bound to another sign-in service (%s); give each service a --device file of its own\n",
                   path.c_str(), device->binding.issuer.c_str());
    } else if (device->binding.expires_at > NowMicros() / 1'000'000 + kRebindBeforeSeconds) {
      return std::move(*parsed);
    }
  }
  return Bind(token, cert_der, issuer, path);
}

Result<std::string> DevicePollHeader(const AppDevice& device) {
  ASSIGN_OR_RETURN(auth::DevicePoll poll,
                   auth::SignDevicePoll(device.key.get(), NowMicros() / 1'000'000, device.binding.issuer));
  return auth::DeviceAuthorization(poll);
}

Result<std::string> DeviceBindHeader(const AppDevice& device) {
  ASSIGN_OR_RETURN(auth::DevicePoll poll,
                   auth::SignDeviceBind(device.key.get(), NowMicros() / 1'000'000, device.binding));
  return auth::DeviceAuthorization(poll);
}

}  // namespace riik::cli
