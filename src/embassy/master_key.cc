// Splitting a new master key into a custody directory.
#include "embassy/master_key.h"

#include <filesystem>

#include "core/encoding.h"
#include "core/file.h"
#include "embassy/custody.h"
#include "embassy/data_key.h"

namespace riik::embassy {

Result<std::string> SplitNewMasterKey(const std::string& dir, int threshold, std::span<const std::string> pins,
                                      std::string_view root_der, PinHardness hardness) {
  if (std::filesystem::exists(dir + "/master.pub")) {
    return AlreadyExists(dir + " already holds a master key's shares (a new split makes a new master key)");
  }
  std::string secret = NewMasterSecret();
  auto pub = MasterPublicKey(secret);
  auto files = pub.ok() ? SealShares(secret, threshold, pins, root_der, hardness)
                        : Result<std::vector<std::string>>(pub.status());
  std::fill(secret.begin(), secret.end(), '\0');
  RETURN_IF_ERROR(files.status());
  RETURN_IF_ERROR(MakePrivateDirectory(dir));
  for (size_t i = 0; i < files->size(); ++i) {
    RETURN_IF_ERROR(WriteFileAtomic(dir + "/share-" + std::to_string(i + 1) + ".json", (*files)[i], /*secret=*/true));
  }
  RETURN_IF_ERROR(WriteFileAtomic(dir + "/master.pub", HexEncode(*pub) + "\n", /*secret=*/false));
  return *pub;
}

Result<std::string> ReadMasterPublicKey(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto key = HexDecode(text.substr(0, text.find('\n')));
  if (!key.ok() || key->size() != kMasterKeyBytes)
    return InvalidArgument(path + " is not a master public key (64 hex digits)");
  return *key;
}

}  // namespace riik::embassy
