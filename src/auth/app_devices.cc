// The app's device key: its binding, its signed polls, and the service's memory of the
// bindings it has checked (app_devices.h).
#include "auth/app_devices.h"

#include <algorithm>
#include <charconv>

#include "core/big_endian.h"
#include "core/encoding.h"
#include "crypto/sha256.h"
#include "crypto/signature.h"
#include "crypto/x509.h"

namespace riik::auth {
namespace {

constexpr std::string_view kScheme = "RiikDevice ";
constexpr size_t kMaxAuthorization = 512;
constexpr size_t kMaxDeviceKeyDer = 256;  // a P-256 SubjectPublicKeyInfo is 91 bytes

// The public key `der` encodes, if it is a P-256 SubjectPublicKeyInfo and nothing else.
Result<UniquePtr<EVP_PKEY>> P256Key(std::string_view der) {
  if (der.empty() || der.size() > kMaxDeviceKeyDer) return InvalidArgument("the device key is not a P-256 key");
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  UniquePtr<EVP_PKEY> key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  OpenSslErrors();
  if (!key || p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return InvalidArgument("the device key is not a SubjectPublicKeyInfo");
  }
  char group[64] = {};
  size_t len = 0;
  if (!EVP_PKEY_is_a(key.get(), "EC") ||
      EVP_PKEY_get_utf8_string_param(key.get(), "group", group, sizeof group, &len) != 1 ||
      std::string_view(group, len) != "prime256v1") {
    OpenSslErrors();
    return InvalidArgument("the device key is not a P-256 key");
  }
  return key;
}

// "name=\"value\"" pairs separated by ", ", as RFC 9110's auth-params.
Result<std::map<std::string, std::string, std::less<>>> AuthParams(std::string_view text) {
  std::map<std::string, std::string, std::less<>> out;
  while (!text.empty()) {
    size_t eq = text.find("=\"");
    if (eq == std::string_view::npos) return InvalidArgument("expected name=\"value\"");
    size_t close = text.find('"', eq + 2);
    if (close == std::string_view::npos) return InvalidArgument("a value is not closed");
    std::string name(text.substr(0, eq));
    if (!out.emplace(name, std::string(text.substr(eq + 2, close - eq - 2))).second) {
      return InvalidArgument("\"" + name + "\" is given twice");
    }
    text.remove_prefix(close + 1);
    if (text.starts_with(", ")) {
      text.remove_prefix(2);
    } else if (!text.empty()) {
      return InvalidArgument("parameters are separated by \", \"");
    }
  }
  return out;
}

}  // namespace

Json DeviceBindingJson(const DeviceBinding& b) {
  return Json{{"certificate", Base64Encode(b.certificate_der)},
              {"device_key", Base64Encode(b.device_key_der)},
              {"issuer", b.issuer},
              {"expires_at", b.expires_at},
              {"signature", Base64Encode(b.signature)}};
}

Result<DeviceBinding> DeviceBindingFromJson(const Json& json) {
  if (!json.is_object()) return InvalidArgument("the binding is a JSON object");
  auto cert = Base64Decode(StringOr(json, "certificate"));
  auto key = Base64Decode(StringOr(json, "device_key"));
  auto sig = Base64Decode(StringOr(json, "signature"));
  auto expires = json.find("expires_at");
  if (!cert.ok() || !key.ok() || !sig.ok() || expires == json.end() || !expires->is_number_integer()) {
    return InvalidArgument("give certificate, device_key and signature (base64) and expires_at (Unix seconds)");
  }
  std::string issuer = StringOr(json, "issuer");
  if (issuer.empty() || issuer.size() > kMaxIssuerBytes) {
    return InvalidArgument("give issuer: the sign-in service the binding is for (at most 255 bytes)");
  }
  return DeviceBinding{*cert, *key, std::move(issuer), expires->get<int64_t>(), *sig};
}

std::string DeviceBindingHash(const DeviceBinding& b) {
  return AppHashOf("riik-app-device:" + b.device_key_der + ":" + std::to_string(b.expires_at) + ":" + b.issuer);
}

std::string DeviceId(std::string_view device_key_der) {
  Digest d = Sha256(device_key_der);
  return Base64UrlEncode(DigestBytes(d));
}

std::string DevicePollMessage(std::string_view device_id, int64_t time, std::string_view issuer) {
  return "riik-app-poll:" + std::string(device_id) + ":" + std::to_string(time) + ":" + std::string(issuer);
}

std::string DeviceAuthorization(const DevicePoll& poll) {
  return std::string(kScheme) + "id=\"" + poll.device_id + "\", time=\"" + std::to_string(poll.time) +
         "\", signature=\"" + Base64Encode(poll.signature) + "\"";
}

Result<DevicePoll> ParseDeviceAuthorization(std::string_view header) {
  if (header.size() > kMaxAuthorization) return InvalidArgument("the Authorization header is too long");
  if (!header.starts_with(kScheme)) return InvalidArgument("the Authorization header's scheme is not RiikDevice");
  auto params = AuthParams(header.substr(kScheme.size()));
  if (!params.ok()) return InvalidArgument("the RiikDevice credentials: " + params.status().message());
  if (params->size() != 3 || !params->contains("id") || !params->contains("time") || !params->contains("signature")) {
    return InvalidArgument("the RiikDevice credentials are id, time and signature, each once");
  }
  DevicePoll poll;
  poll.device_id = params->at("id");
  auto id = Base64UrlDecode(poll.device_id);
  if (!id.ok() || id->size() != kSha256Size) return InvalidArgument("the device id is not a base64url SHA-256");
  const std::string& time = params->at("time");
  auto [end, ec] = std::from_chars(time.data(), time.data() + time.size(), poll.time);
  if (ec != std::errc() || end != time.data() + time.size() || time.empty() || time.size() > 12) {
    return InvalidArgument("the RiikDevice time is not Unix seconds");
  }
  auto signature = Base64Decode(params->at("signature"));
  if (!signature.ok() || signature->size() != 64) return InvalidArgument("the RiikDevice signature is not P-256 r||s");
  poll.signature = std::move(*signature);
  return poll;
}

std::string DeviceBindMessage(std::string_view device_id, int64_t time, const DeviceBinding& binding) {
  return "riik-app-bind:" + std::string(device_id) + ":" + std::to_string(time) + ":" +
         DigestHex(Sha256(binding.signature));
}

namespace {

// Signs the presentation of `binding`, or without one a look at `issuer`'s list.
Result<DevicePoll> SignAs(EVP_PKEY* device_key, int64_t time, const DeviceBinding* binding, std::string_view issuer) {
  DevicePoll poll;
  poll.device_id = DeviceId(PublicKeyDer(device_key));
  poll.time = time;
  const std::string message =
      binding ? DeviceBindMessage(poll.device_id, time, *binding) : DevicePollMessage(poll.device_id, time, issuer);
  ASSIGN_OR_RETURN(poll.signature, SignWith(device_key, EVP_sha256(), message, SignatureEncoding::kRaw));
  return poll;
}

}  // namespace

Result<DevicePoll> SignDevicePoll(EVP_PKEY* device_key, int64_t time, std::string_view issuer) {
  return SignAs(device_key, time, nullptr, issuer);
}

Result<DevicePoll> SignDeviceBind(EVP_PKEY* device_key, int64_t time, const DeviceBinding& binding) {
  return SignAs(device_key, time, &binding, "");
}

AppDevices::AppDevices(const EidTrust& trust, std::string issuer, Clock clock, size_t max_devices)
    : trust_(trust), issuer_(std::move(issuer)), clock_(std::move(clock)), max_(max_devices) {}

namespace {

// SHA-256 of every field of `binding`, each after its length: what a refusal is
// remembered by.
std::string BindingHash(const DeviceBinding& binding) {
  std::string all;
  for (std::string_view field : {std::string_view(binding.certificate_der), std::string_view(binding.device_key_der),
                                 std::string_view(binding.issuer), std::string_view(binding.signature)}) {
    AppendBigEndian(all, field.size());
    all.append(field);
  }
  AppendBigEndian(all, static_cast<uint64_t>(binding.expires_at));
  return DigestBytes(Sha256(all));
}

// A binding for another sign-in service: the person's PIN1 statement is not about this
// one. (Its issuer is the sender's text: not repeated back, nor into the log.)
Refused ForAnotherService(const std::string& ours) {
  return Refused{Refusal::kDeviceBinding,
                 "the binding names another sign-in service, not " + ours + ": bind the device to this one"};
}

}  // namespace

Checked<std::string> AppDevices::Register(const DeviceBinding& binding) {
  if (binding.issuer != issuer_) return ForAnotherService(issuer_);
  if (auto key = P256Key(binding.device_key_der); !key.ok()) {
    return Refused{Refusal::kDeviceBinding, key.status().message()};
  }
  auto cert = trust_.ParseCertificate(binding.certificate_der);
  if (!cert.ok()) return Refused{Refusal::kDeviceBinding, "the binding's certificate: " + cert.status().message()};
  auto person = PersonFromCertificate(cert->get());
  if (!person.ok()) return Refused{Refusal::kWrongCertificate, "the binding's certificate names no person"};
  if (auto known = Known(binding)) return *known;
  std::string id = DeviceId(binding.device_key_der);
  const UnixMicros now = clock_();
  const int64_t now_s = now / 1'000'000;
  if (binding.expires_at <= now_s) return Refused{Refusal::kDeviceBinding, "the device's binding has ended"};
  if (binding.expires_at > now_s + kMaxDeviceBindingSeconds) {
    return Refused{Refusal::kDeviceBinding, "a device's binding lasts at most 366 days"};
  }
  // Before any check: a person's ninth device waits until one of their eight is due
  // (within the hour). Replacing one instead would let a person's nine bindings,
  // presented in turn, each cost a full check.
  if (Status room = RoomFor(person->code, now); !room.ok()) return Refused{Refusal::kDeviceBinding, room.message()};
  const std::string binding_hash = BindingHash(binding);
  if (auto refused = RefusedBefore(binding_hash, now)) return *refused;
  // The signature first, then the chain and OCSP (VerifyAppAnswer's order).
  bool key_signed = false;
  Checked<Person> checked =
      VerifyAppAnswer({binding.certificate_der, binding.signature, ""}, person->code, DeviceBindingHash(binding),
                      CertPurpose::kAuthentication, trust_, &key_signed);
  if (!Passed(checked)) {
    const Refused& refused = std::get<Refused>(checked);
    // Only a revocation (or suspension) of a card whose key signed the binding: one that
    // does not verify costs no OCSP request, and anyone could make them by the thousand
    // to push the remembered ones out; another refusal may be of the moment (a card the
    // responder does not know yet, a certificate not yet valid, a clock off).
    if (key_signed && refused.why == Refusal::kCertificateRevoked) {
      RememberRefusal(binding_hash, refused, clock_());  // asked again only once its hour is up
    }
    return refused;
  }
  // Until the binding ends or its check is due (a revoked or expired certificate is
  // noticed then), whichever comes first.
  const UnixMicros until = std::min(binding.expires_at * 1'000'000, clock_() + kDeviceRecheckSeconds * 1'000'000);
  const UnixMicros after = clock_();
  std::lock_guard lock(mu_);
  if (auto it = devices_.find(id); it != devices_.end()) {
    // Checked meanwhile by another presentation, or due: the newest check stands.
    if (it->second.person_code != person->code && it->second.until > after) {
      return Refused{Refusal::kDeviceBinding, "the device's key is bound to someone else"};
    }
    Forget(it);
  }
  if (Status room = RoomForLocked(person->code, after); !room.ok()) {
    return Refused{Refusal::kDeviceBinding, room.message()};
  }
  Keep(id, Device{person->code, binding.device_key_der, until});
  return id;
}

Status AppDevices::RoomFor(const std::string& person, UnixMicros now) {
  std::lock_guard lock(mu_);
  return RoomForLocked(person, now);
}

Status AppDevices::RoomForLocked(const std::string& person, UnixMicros now) {
  auto n = per_person_.find(person);
  if (n == per_person_.end() || n->second < kMaxDevicesPerPerson) return OkStatus();
  SweepLocked(now);  // rare: only a person at the limit pays for it
  n = per_person_.find(person);
  if (n == per_person_.end() || n->second < kMaxDevicesPerPerson) return OkStatus();
  return ResourceExhausted("8 devices are bound to this person just now; try again within the hour");
}

std::optional<Checked<std::string>> AppDevices::Known(const DeviceBinding& binding) const {
  if (binding.issuer != issuer_) return ForAnotherService(issuer_);
  std::string id = DeviceId(binding.device_key_der);
  auto cert = trust_.ParseCertificate(binding.certificate_der);
  if (!cert.ok()) return std::nullopt;
  auto person = PersonFromCertificate(cert->get());
  if (!person.ok()) return std::nullopt;
  const UnixMicros now = clock_();
  std::lock_guard lock(mu_);
  auto it = devices_.find(id);
  if (it == devices_.end() || it->second.until <= now) return std::nullopt;
  if (it->second.person_code != person->code) {
    return Refused{Refusal::kDeviceBinding, "the device's key is bound to someone else"};
  }
  return id;  // known and not due: nothing to check again
}

std::optional<Refused> AppDevices::RefusedBefore(const std::string& binding_hash, UnixMicros now) {
  std::lock_guard lock(mu_);
  auto it = refused_.find(binding_hash);
  if (it == refused_.end()) return std::nullopt;
  if (it->second.until <= now) {
    refused_.erase(it);
    return std::nullopt;
  }
  return it->second.refused;
}

void AppDevices::RememberRefusal(const std::string& binding_hash, Refused refused, UnixMicros now) {
  std::lock_guard lock(mu_);
  if (refused_.size() >= max_) {
    std::erase_if(refused_, [&](const auto& r) { return r.second.until <= now; });
    if (refused_.size() >= max_) refused_.erase(refused_.begin());  // full of fresh ones: any goes
  }
  refused_[binding_hash] = RefusedBinding{std::move(refused), now + kDeviceRecheckSeconds * 1'000'000};
}

void AppDevices::Keep(const std::string& id, Device device) {
  if (devices_.size() >= max_ && !devices_.empty()) {
    // Full: the one due for its check soonest makes room (its app presents its binding
    // again when it next looks).
    auto soonest = std::min_element(devices_.begin(), devices_.end(),
                                    [](const auto& a, const auto& b) { return a.second.until < b.second.until; });
    Forget(soonest);
  }
  const std::string person = device.person_code;
  if (devices_.emplace(id, std::move(device)).second) ++per_person_[person];
}

void AppDevices::Forget(Devices::iterator it) {
  if (it == devices_.end()) return;
  auto n = per_person_.find(it->second.person_code);
  if (n != per_person_.end() && --n->second == 0) per_person_.erase(n);
  devices_.erase(it);
}

namespace {

// `poll`'s time is within the window around `now`, and `key_der`'s key signed `message`.
Status CheckPoll(const DevicePoll& poll, std::string_view key_der, UnixMicros now, const std::string& message) {
  const int64_t now_s = now / 1'000'000;
  if (poll.time < now_s - kDevicePollSkewSeconds || poll.time > now_s + kDevicePollSkewSeconds) {
    return Unauthenticated("the RiikDevice time is more than 2 minutes from the service's clock");
  }
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, P256Key(key_der));
  ASSIGN_OR_RETURN(bool ok, VerifyWith(key.get(), EVP_sha256(), message, poll.signature, SignatureEncoding::kRaw));
  if (!ok) return Unauthenticated("the RiikDevice signature is not the device key's over this request");
  return OkStatus();
}

Result<DevicePoll> ParsePoll(std::string_view authorization) {
  auto parsed = ParseDeviceAuthorization(authorization);
  if (!parsed.ok()) return Unauthenticated(parsed.status().message());
  return parsed;
}

}  // namespace

Status AppDevices::CheckPossession(const DeviceBinding& binding, std::string_view authorization) const {
  ASSIGN_OR_RETURN(DevicePoll poll, ParsePoll(authorization));
  if (poll.device_id != DeviceId(binding.device_key_der)) {
    return Unauthenticated("the Authorization header is not signed by the binding's device key");
  }
  return CheckPoll(poll, binding.device_key_der, clock_(), DeviceBindMessage(poll.device_id, poll.time, binding));
}

Result<std::string> AppDevices::Authenticate(std::string_view authorization) {
  ASSIGN_OR_RETURN(DevicePoll poll, ParsePoll(authorization));
  const UnixMicros now = clock_();
  Device device;
  {
    std::lock_guard lock(mu_);
    auto it = devices_.find(poll.device_id);
    if (it == devices_.end() || it->second.until <= now) {
      return NotFound("the device is not registered: present its binding at /app/v1/devices");
    }
    device = it->second;
  }
  RETURN_IF_ERROR(CheckPoll(poll, device.key_der, now, DevicePollMessage(poll.device_id, poll.time, issuer_)));
  return device.person_code;
}

void AppDevices::Sweep() {
  const UnixMicros now = clock_();
  std::lock_guard lock(mu_);
  SweepLocked(now);
}

void AppDevices::SweepLocked(UnixMicros now) {
  std::erase_if(refused_, [&](const auto& r) { return r.second.until <= now; });
  for (auto it = devices_.begin(); it != devices_.end();) {
    auto next = std::next(it);
    if (it->second.until <= now) Forget(it);
    it = next;
  }
}

size_t AppDevices::size() const {
  std::lock_guard lock(mu_);
  return devices_.size();
}

}  // namespace riik::auth
