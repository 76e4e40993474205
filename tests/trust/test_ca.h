// A trust store and CA in a test's temporary directory, shared by the trust tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "support/temp_dir.h"
#include "trust/ca.h"

namespace riik::trust {

struct TestCa {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<CertificateAuthority> ca;
};

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
