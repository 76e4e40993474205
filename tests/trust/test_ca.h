// A trust store and CA in a test's temporary directory, shared by the trust tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/temp_dir.h"
#include "trust/ca.h"

namespace riik::trust {

struct TestCa {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<CertificateAuthority> ca;
};

// A member signing certificate of the test CA for `key` (a signed log's signer, an
// organisation's seal), naming the organisation (O= and its NTREE- identifier) if given.
inline Result<CertificateRecord> IssueMemberSigning(CertificateAuthority& ca, EVP_PKEY* key, std::string common_name,
                                                    std::string organization = "",
                                                    std::string organization_identifier = "") {
  IssueRequest req;
  req.profile = Profile::kMemberSigning;
  req.common_name = std::move(common_name);
  req.organization = std::move(organization);
  req.organization_identifier = std::move(organization_identifier);
  req.public_key = key;
  return ca.Issue(req);
}

// Opens (creating) the store DIR/trust.db and the CA in DIR/ca. Fails the test on error.
inline TestCa OpenTestCa(const riik::testing::TempDir& dir) {
  TestCa out;
  auto s = store::Store::Open(store::StoreOptions{"sqlite:" + dir / "trust.db", "trust"});
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return out;
  out.store = std::move(*s);
  CaOptions o;
  o.dir = dir / "ca";
  o.passphrase = "correct horse battery";
  auto ca = CertificateAuthority::Open(*out.store, o);
  EXPECT_TRUE(ca.ok()) << ca.status().ToString();
  if (ca.ok()) out.ca = std::move(*ca);
  return out;
}

}  // namespace riik::trust
