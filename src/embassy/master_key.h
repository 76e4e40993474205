// The state master key's custody directory, as `riik embassy keys split` makes it:
//   share-N.json   one per custodian, sealed under their PIN (custody.h)
//   master.pub     the public half in hex: what nodes wrap their data keys to
// The secret half is made, split and forgotten in one go: it is never written.
#pragma once

#include <span>
#include <string>

#include "core/status.h"
#include "embassy/custody.h"

namespace riik::embassy {

// Makes a new master key and writes its shares (one per PIN, each sealing `root_der`,
// the state root certificate, beside its share) and master.pub into `dir`;
// AlreadyExists if `dir` already holds a master.pub. Returns the public key.
Result<std::string> SplitNewMasterKey(const std::string& dir, int threshold, std::span<const std::string> pins,
                                      std::string_view root_der, PinHardness hardness = PinHardness::kModerate);

// The public key in a master.pub file.
Result<std::string> ReadMasterPublicKey(const std::string& path);

}  // namespace riik::embassy
