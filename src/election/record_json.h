// The JSON spellings the election record shares: group elements and scalars (standard
// base64 of their 32 bytes, canonical), decryption parts, and the key ceremony's
// published commitments (docs/formats/election-record.md).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/json.h"
#include "election/decryption.h"
#include "election/key_ceremony.h"

namespace riik {
class JsonFields;
}

namespace riik::election {

// An element (not the identity unless allowed) or a scalar under `key`; InvalidArgument
// naming the field.
Result<Point> ElementFromJson(const JsonFields& f, std::string_view key, bool allow_identity = false);
Result<Scalar> ScalarFromJson(const JsonFields& f, std::string_view key);

Json DecryptionPartToJson(const DecryptionPart& part);
Result<DecryptionPart> DecryptionPartFromJson(const Json& j, const std::string& what);

// ceremony.json: every trustee's commitments and proofs, trustees 1 … n in order.
std::string CeremonyToJson(std::span<const TrusteeCommitments> ceremony);
Result<std::vector<TrusteeCommitments>> ParseCeremony(std::string_view json);
// One trustee's commitments-I.json during the ceremony.
std::string CommitmentsFileJson(const TrusteeCommitments& commitments);
Result<TrusteeCommitments> ParseCommitmentsFile(std::string_view json);

}  // namespace riik::election
