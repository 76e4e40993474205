// The command-line app's device key (auth/app_devices.h): a P-256 key of the app's own and
// the person's binding of it, signed once with PIN1, kept together in one secret file.
#pragma once

#include <string>

#include "auth/app_devices.h"
#include "crypto/handles.h"
#include "eid/token.h"

namespace riik::cli {

struct AppDevice {
  UniquePtr<EVP_PKEY> key;
  auth::DeviceBinding binding;
};

// Where the device file of `token` lives by default: app-device.json in a software eID's
// directory; "" for a pkcs11: token (give --device).
std::string DefaultDeviceFile(const std::string& token);

// The device in `path` (0600), or a new one bound with PIN1 ($RIIK_PIN1 or asked for) to
// the sign-in service `issuer` when there is none, its binding ends within a week, the
// eID's authentication certificate is not the one it was bound with (a renewed card), or
// it was bound to another sign-in service (or before bindings named one).
Result<AppDevice> LoadOrBindDevice(eid::Token& token, const std::string& path, const std::string& issuer);

// The Authorization header for a look at the person's requests now (at the service its
// binding names), and for presenting the device's binding now.
Result<std::string> DevicePollHeader(const AppDevice& device);
Result<std::string> DeviceBindHeader(const AppDevice& device);

}  // namespace riik::cli
