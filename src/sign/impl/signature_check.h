// The checks on one signature file of a container (verify.h runs them for each).
#pragma once

#include "sign/container.h"
#include "sign/verify.h"

namespace riik::sign::impl {

// Fills everything of `report` but `file`, which the caller sets.
void CheckSignature(const Container& container, const SignatureFile& signature, const VerifyOptions& options,
                    SignatureReport& report);

}  // namespace riik::sign::impl
