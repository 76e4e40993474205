// The citizen's app's device key (Smart-ID's model): the app holds a P-256 key of its
// own, and the person binds it to themselves once, by signing with PIN1 a statement
// naming the key, the sign-in service it is for and when the binding ends. From then on
// the app proves itself on every look at what waits for the person by signing the moment
// of asking with the device key, and no PIN is needed for that: only someone holding the
// person's device sees the person's requests (which service, for what, the service's
// words).
//
// The sign-in service keeps nothing on disk: the app keeps its binding and presents it
// again when the service does not know the device (after a restart, or an hour after the
// binding was last checked, so that a revoked or expired eID certificate cuts its devices
// off within the hour). Protocol: docs/signin.md ("The app's device key").
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/app_confirm.h"
#include "core/clock.h"
#include "core/json.h"

namespace riik::auth {

// How long a binding may last at most, how far a poll's time may be from the service's
// clock, how long a checked binding is trusted before the eID checks run again, and how
// many devices a person may have known at once.
inline constexpr int64_t kMaxDeviceBindingSeconds = 366 * 86'400;
inline constexpr int64_t kDevicePollSkewSeconds = 120;
inline constexpr int64_t kDeviceRecheckSeconds = 3'600;
inline constexpr size_t kMaxDevicesPerPerson = 8;

// The person's statement, signed with PIN1: "this P-256 key is my app's, for that sign-in
// service, until then".
struct DeviceBinding {
  std::string certificate_der;  // the person's authentication certificate
  std::string device_key_der;   // the device's public key, SubjectPublicKeyInfo (P-256)
  std::string issuer;           // the sign-in service's issuer (its discovery document's)
  int64_t expires_at = 0;       // Unix seconds
  std::string signature;        // r‖s over DeviceBindingHash by the authentication key
};

// The binding as the app posts it to /app/v1/devices and keeps it: {"certificate",
// "device_key", "signature" (base64), "issuer" (at most 255 bytes), "expires_at"
// (integer)}. InvalidArgument naming what is missing or not base64.
Json DeviceBindingJson(const DeviceBinding& binding);
Result<DeviceBinding> DeviceBindingFromJson(const Json& json);

// What PIN1 signs: SHA-384 of "riik-app-device:", the device key's DER, ":",
// `expires_at` in decimal, ":" and the issuer.
std::string DeviceBindingHash(const DeviceBinding& binding);

// The device's name on the wire: base64url (no padding) of SHA-256 of its key's DER.
std::string DeviceId(std::string_view device_key_der);

// A look at the person's requests, signed by the device key: the message is
// "riik-app-poll:" ‖ device id ‖ ":" ‖ time (Unix seconds, decimal) ‖ ":" ‖ the sign-in
// service's issuer, ECDSA with SHA-256, r‖s. It travels as the header
//   Authorization: RiikDevice id="<device id>", time="<seconds>", signature="<base64>"
// Presenting a binding carries the same header over "riik-app-bind:" ‖ device id ‖ ":" ‖
// time ‖ ":" ‖ hex SHA-256 of the binding's signature: a look's header cannot present a
// binding, nor one binding's header another.
struct DevicePoll {
  std::string device_id;
  int64_t time = 0;
  std::string signature;
};
std::string DevicePollMessage(std::string_view device_id, int64_t time, std::string_view issuer);
std::string DeviceBindMessage(std::string_view device_id, int64_t time, const DeviceBinding& binding);
std::string DeviceAuthorization(const DevicePoll& poll);
// InvalidArgument (saying which part is wrong) for anything but the form above.
Result<DevicePoll> ParseDeviceAuthorization(std::string_view header);

// The app's side: a look at `issuer`'s list, or the presentation of `binding`, at `time`
// signed by `device_key`.
Result<DevicePoll> SignDevicePoll(EVP_PKEY* device_key, int64_t time, std::string_view issuer);
Result<DevicePoll> SignDeviceBind(EVP_PKEY* device_key, int64_t time, const DeviceBinding& binding);

// The sign-in service's side (`issuer` is its own): the bindings it has checked, in
// memory, bounded. Thread-safe.
class AppDevices {
 public:
  AppDevices(const EidTrust& trust, std::string issuer, Clock clock, size_t max_devices = 100'000);

  // Checks a binding (blocks on OCSP): it names this service, the certificate passes the
  // eID checks for authentication, the signature is its key's, the device key is P-256
  // and the binding has not ended nor lasts longer than kMaxDeviceBindingSeconds.
  // Returns the device id.
  // A device known for another person and not yet due is refused; so is a person's
  // ninth device while their eight are known (the soonest is due within the hour).
  Checked<std::string> Register(const DeviceBinding& binding);

  // Without blocking: a binding of a device known and not yet due is answered from
  // memory (its id, or refused as another person's), as presenting a binding again needs
  // no PIN and must cost the service nothing; nullopt when Register must check it. A
  // binding for another service is refused here too.
  std::optional<Checked<std::string>> Known(const DeviceBinding& binding) const;

  // Whether `authorization` is signed now by the key the binding names, over the
  // binding's message (above): the app proves it holds that key, so no one can present a
  // binding of a key that is not theirs. Unauthenticated if not.
  Status CheckPossession(const DeviceBinding& binding, std::string_view authorization) const;

  // The personal code of the person whose device signed `authorization`. NotFound when
  // the device is not known (present the binding again), Unauthenticated when the
  // header is malformed, its time is off or its signature does not verify.
  Result<std::string> Authenticate(std::string_view authorization);

  // Forgets the bindings due for their checks again.
  void Sweep();
  size_t size() const;

 private:
  struct Device {
    std::string person_code;
    std::string key_der;
    UnixMicros until = 0;  // the binding's end or its next check, whichever comes first
  };
  using Devices = std::map<std::string, Device, std::less<>>;
  // Stores a checked device, making room in the whole memory if it is full. Under mu_.
  void Keep(const std::string& id, Device device);
  void Forget(Devices::iterator it);
  // OK while `person` has fewer than kMaxDevicesPerPerson devices not yet due.
  Status RoomFor(const std::string& person, UnixMicros now);
  Status RoomForLocked(const std::string& person, UnixMicros now);  // under mu_
  // A binding refused by its checks (not for want of an OCSP answer) is refused again
  // from memory until its hour is up: presenting it needs no PIN, so it must not cost
  // an OCSP request each time. By the SHA-256 of the whole binding; bounded as devices_.
  struct RefusedBinding {
    Refused refused;
    UnixMicros until = 0;
  };
  std::optional<Refused> RefusedBefore(const std::string& binding_hash, UnixMicros now);
  void RememberRefusal(const std::string& binding_hash, Refused refused, UnixMicros now);
  void SweepLocked(UnixMicros now);  // under mu_
  const EidTrust& trust_;
  const std::string issuer_;
  Clock clock_;
  size_t max_;
  mutable std::mutex mu_;
  Devices devices_;
  std::map<std::string, RefusedBinding> refused_;
  std::map<std::string, size_t, std::less<>> per_person_;  // how many of devices_ each person has
};

}  // namespace riik::auth
