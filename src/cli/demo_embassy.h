// The data embassy's demo set-up for `riik up`: the master key split among five demo
// custodians (DIR/custody/share-N.json, their PINs beside them in share-N.pin — a demo
// only; real custodians keep their PINs in their heads), the home node's shipping
// identity (DIR/shipping/: TLS client and segment signing certificates), and the
// embassy's own node (DIR/embassy-lu/: certificate, configuration, archive), which
// `riik up` runs as a separate process. Idempotent; runs before the roles start.
#pragma once

#include <string>

#include "cli/ca_access.h"
#include "node/config.h"

namespace riik::cli {

struct DemoEmbassy {
  node::RoleConfig shipping;  // the home node's [shipping]
  std::string dir;            // DIR/embassy-lu
  std::string config_path;    // its node configuration (TOML)
  std::string archive_dir;
  std::string url;
  int port = 0;
};

Result<DemoEmbassy> PrepareDemoEmbassy(CaAccess& ca, const std::string& dir, const std::string& passphrase_file,
                                       int port, bool synchronous);

}  // namespace riik::cli
