// The checks on one signature file of a container (verify.h runs them for each).
#pragma once

#include <string>
#include <vector>

#include "sign/container.h"
#include "sign/verify.h"

namespace riik::sign::impl {

// Fills everything of `report` but `file`, which the caller sets. `file_sha256`, when
// given, holds each data file's SHA-256 (raw bytes, in the container's order), computed
// once for the report and reused for references that use SHA-256.
void CheckSignature(const Container& container, const SignatureFile& signature, const VerifyOptions& options,
                    SignatureReport& report, const std::vector<std::string>* file_sha256 = nullptr);

}  // namespace riik::sign::impl
