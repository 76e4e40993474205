// Citizens' eIDs on both token kinds, checked with the standard tools: the chain with
// `openssl verify`, the PKCS#12 files with `openssl pkcs12`, signatures with
// `openssl cms -verify`, the SoftHSM2 token with OpenSC's `pkcs11-tool`, and the eID
// CA's OCSP answers with `openssl ocsp`. PINs block after three wrong tries and the
// PUK unblocks them.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "crypto/x509.h"
#include "eid/enroll.h"
#include "eid/pkcs11_token.h"
#include "eid/software_token.h"
#include "support/shell.h"
#include "support/temp_dir.h"
#include "trust/ocsp_responder.h"
#include "trust/test_ca.h"

namespace riik::eid {
namespace {

using riik::testing::Shell;
using trust::CertificateRecord;

constexpr const char* kCode = "38001085718";
const Pins kPins{"0090", "01497", "17258403"};
constexpr const char* kSoftHsm = "/usr/lib/softhsm/libsofthsm2.so";

class EidTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trust::TestCa test_ca = trust::OpenTestCa(dir_);
    ASSERT_TRUE(test_ca.ca);
    store_ = std::move(test_ca.store);
    ca_ = std::move(test_ca.ca);
    issue_ = [this](const trust::EidRequest& r) { return ca_->IssueEid(r); };
    std::ofstream(dir_ / "chain.pem") << CertificatePem(ca_->eid_certificate());
  }

  Enrollment MustEnroll(Token& token) {
    auto e = Enroll(token, issue_, Citizen{kCode, "Jaak-Kristjan", "Jõeorg"}, kPins);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? std::move(*e) : Enrollment{};
  }

  std::string Save(const std::string& name, const std::string& text) {
    std::string path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  std::string Verify(const std::string& cert_path) {
    return Shell("openssl verify -CAfile " + ca_->RootPemPath() + " -untrusted " + dir_ / "chain.pem" + " " +
                 cert_path);
  }

  // Signs a document with PIN2 and checks the signature with `openssl cms`.
  std::string SignAndVerify(Token& token) {
    std::string doc = Save("doc.txt", "I hereby declare my income for 2026.\n");
    auto sig = SignDetached(token, kPins.pin2, "I hereby declare my income for 2026.\n");
    EXPECT_TRUE(sig.ok()) << sig.status().ToString();
    if (!sig.ok()) return "";
    std::string sig_path = Save("doc.p7s", *sig);
    // eid-chain.pem: the eID CA and the root (openssl cms takes no -untrusted).
    return Shell("openssl cms -verify -binary -inform DER -in " + sig_path + " -content " + doc + " -CAfile " +
                 dir_ / "ca/eid-chain.pem" + " -purpose any -out /dev/null");
  }

  riik::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<trust::CertificateAuthority> ca_;
  IssueEidFn issue_;
};

TEST_F(EidTest, CertificatesLookLikeTheIdCardAndVerify) {
  auto token = SoftwareToken::Open(dir_ / "token");
  ASSERT_TRUE(token.ok());
  Enrollment e = MustEnroll(**token);
  std::string auth = Save("auth.pem", e.authentication.pem), sign = Save("sign.pem", e.signing.pem);
  EXPECT_NE(Verify(auth).find(": OK"), std::string::npos) << Verify(auth);
  EXPECT_NE(Verify(sign).find(": OK"), std::string::npos) << Verify(sign);

  std::string a = Shell("openssl x509 -noout -text -nameopt RFC2253,-esc_msb -in " + auth);
  EXPECT_NE(
      a.find("serialNumber=PNOEE-38001085718,GN=JAAK-KRISTJAN,SN=JÕEORG,CN=JÕEORG\\,JAAK-KRISTJAN\\,38001085718,C=EE"),
      std::string::npos)
      << a;
  EXPECT_NE(a.find("TLS Web Client Authentication"), std::string::npos) << a;
  EXPECT_NE(a.find("email:38001085718@eesti.ee"), std::string::npos) << a;
  EXPECT_NE(a.find("Digital Signature"), std::string::npos) << a;
  EXPECT_NE(a.find("ASN1 OID: secp384r1"), std::string::npos) << a;
  EXPECT_NE(a.find("ecdsa-with-SHA384"), std::string::npos) << a;

  std::string s = Shell("openssl x509 -noout -text -in " + sign);
  EXPECT_NE(s.find("Non Repudiation"), std::string::npos) << s;
  EXPECT_EQ(s.find("Digital Signature"), std::string::npos) << s;
  EXPECT_NE(s.find("0.4.0.194112.1.2"), std::string::npos) << s;  // QCP-n-qscd
  // qcStatements: QcCompliance, QcSSCD and QcType esign, as DER under 1.3.6.1.5.5.7.1.3.
  std::string der = Shell("openssl x509 -outform DER -in " + sign + " | od -An -tx1 | tr -d ' \\n'");
  for (const char* oid : {"04008e460101", "04008e460104", "04008e46010601"}) {
    EXPECT_NE(der.find(oid), std::string::npos) << oid;
  }

  auto by_code = ca_->FindByPersonalCode(kCode);
  ASSERT_TRUE(by_code.ok());
  EXPECT_EQ(by_code->size(), 2u);
}

TEST_F(EidTest, BadInputIsRefusedWithTheReason) {
  auto token = SoftwareToken::Open(dir_ / "token");
  ASSERT_TRUE(token.ok());
  auto bad_code = Enroll(**token, issue_, Citizen{"38001085719", "Mari", "Maasikas"}, kPins);
  EXPECT_NE(bad_code.status().message().find("check"), std::string::npos) << bad_code.status().ToString();
  auto short_pin = Enroll(**token, issue_, Citizen{kCode, "Mari", "Maasikas"}, Pins{"12", "01497", "17258403"});
  EXPECT_NE(short_pin.status().message().find("PIN1 must be 4 to 12 digits"), std::string::npos);
  auto comma = Enroll(**token, issue_, Citizen{kCode, "Mari,Liis", "Maasikas"}, kPins);
  EXPECT_NE(comma.status().message().find("commas"), std::string::npos) << comma.status().ToString();
}

TEST_F(EidTest, SoftwareTokenIsPkcs12BlocksAfterThreeWrongPinsAndThePukUnblocks) {
  auto token = SoftwareToken::Open(dir_ / "token");
  ASSERT_TRUE(token.ok());
  MustEnroll(**token);
  // The standard tool reads the token with the PIN.
  std::string p12 = Shell("openssl pkcs12 -in " + dir_ / "token/auth.p12" + " -passin pass:0090 -nokeys");
  EXPECT_NE(p12.find("PNOEE-38001085718"), std::string::npos) << p12;
  EXPECT_NE(
      Shell("openssl pkcs12 -in " + dir_ / "token/auth.p12" + " -passin pass:1111 -nokeys").find("invalid password"),
      std::string::npos);
  std::string verified = SignAndVerify(**token);
  EXPECT_NE(verified.find("Verification successful"), std::string::npos) << verified;
  // The PUK's copy of the key: PBKDF2-HMAC-SHA256 at 100,000 iterations (0x186A0), not
  // OpenSSL's default 2,048.
  std::string puk_copy = Shell("openssl asn1parse -in " + dir_ / "token/auth.puk.key");
  EXPECT_NE(puk_copy.find("INTEGER           :0186A0"), std::string::npos) << puk_copy;
  EXPECT_NE(puk_copy.find("hmacWithSHA256"), std::string::npos) << puk_copy;

  for (int i = 0; i < 2; ++i) {
    auto wrong = (*token)->PrivateKey(EidKey::kAuthentication, "9999");
    EXPECT_EQ(wrong.status().code(), Code::kPermissionDenied);
    EXPECT_NE(wrong.status().message().find(std::to_string(2 - i) + (i == 1 ? " try left" : " tries left")),
              std::string::npos)
        << wrong.status().ToString();
  }
  EXPECT_TRUE((*token)->PrivateKey(EidKey::kAuthentication, "0090").ok());  // a right PIN resets the count
  for (int i = 0; i < 3; ++i) EXPECT_FALSE((*token)->PrivateKey(EidKey::kAuthentication, "9999").ok());
  auto blocked = (*token)->PrivateKey(EidKey::kAuthentication, "0090");
  EXPECT_EQ(blocked.status().code(), Code::kFailedPrecondition) << blocked.status().ToString();
  EXPECT_TRUE((*token)->State(EidKey::kAuthentication)->blocked);
  EXPECT_FALSE((*token)->State(EidKey::kSigning)->blocked);  // PIN2 is separate

  auto bad_puk = (*token)->Unblock(EidKey::kAuthentication, "00000000", "4321");
  EXPECT_EQ(bad_puk.code(), Code::kPermissionDenied);
  EXPECT_NE(bad_puk.message().find("PUK, 2 tries left"), std::string::npos) << bad_puk.ToString();
  ASSERT_TRUE((*token)->Unblock(EidKey::kAuthentication, kPins.puk, "4321").ok());
  EXPECT_TRUE((*token)->PrivateKey(EidKey::kAuthentication, "4321").ok());
  EXPECT_FALSE((*token)->PrivateKey(EidKey::kAuthentication, "0090").ok());
  auto cert = (*token)->Certificate(EidKey::kAuthentication);
  ASSERT_TRUE(cert.ok());
  EXPECT_NE(SubjectString(cert->get()).find("PNOEE-38001085718"), std::string::npos);

  // Three wrong PUKs block the PUK itself: the right one no longer unblocks.
  for (int i = 0; i < 3; ++i) (void)(*token)->PrivateKey(EidKey::kAuthentication, "0000");
  for (int i = 0; i < 3; ++i) EXPECT_FALSE((*token)->Unblock(EidKey::kAuthentication, "00000000", "5555").ok());
  EXPECT_FALSE((*token)->Unblock(EidKey::kAuthentication, kPins.puk, "5555").ok());
  EXPECT_FALSE((*token)->PrivateKey(EidKey::kAuthentication, "4321").ok());
}

TEST_F(EidTest, ATokenWithPublishedPinsSealsAtTheLowerCountAndOpensAnywhere) {
  auto weak = SoftwareToken::Open(dir_ / "token", 1'000);
  EXPECT_EQ(weak.status().code(), Code::kInvalidArgument);
  EXPECT_NE(weak.status().message().find("at least 2048 PBKDF2 iterations, not 1000"), std::string::npos)
      << weak.status().ToString();

  auto demo = SoftwareToken::Open(dir_ / "token", kPublishedPinKdfIterations);
  ASSERT_TRUE(demo.ok());
  MustEnroll(**demo);
  // 2,048 iterations (0x0800) in the PUK's copy, and in the PKCS#12 file's MAC, its
  // certificate bag and its key bag (`openssl pkcs12 -info` names each count).
  auto iterations = [this](const std::string& pin, const std::string& count) {
    std::string info =
        Shell("openssl pkcs12 -in " + dir_ / "token/sign.p12" + " -passin pass:" + pin + " -info -noout");
    int n = 0;
    for (size_t at = info.find("Iteration " + count + ","); at != std::string::npos;
         at = info.find("Iteration " + count + ",", at + 1)) {
      ++n;
    }
    return n + (info.find("MAC: sha256, Iteration " + count + "\n") != std::string::npos ? 1 : 0);
  };
  std::string puk_copy = Shell("openssl asn1parse -in " + dir_ / "token/sign.puk.key");
  EXPECT_NE(puk_copy.find("INTEGER           :0800"), std::string::npos) << puk_copy;
  EXPECT_EQ(iterations("01497", "2048"), 3);
  // The count is in each file: a token opened at the full count reads these, and a
  // file it writes again (here the PUK's new PIN) is sealed at the full count.
  auto full = SoftwareToken::Open(dir_ / "token");
  ASSERT_TRUE(full.ok());
  std::string verified = SignAndVerify(**full);
  EXPECT_NE(verified.find("Verification successful"), std::string::npos) << verified;
  ASSERT_TRUE((*full)->Unblock(EidKey::kSigning, kPins.puk, "54321").ok());
  EXPECT_EQ(iterations("54321", "100000"), 3);
}

TEST_F(EidTest, OcspAnswersForEidCertificatesWithTheEidCasDelegatedSigner) {
  auto token = SoftwareToken::Open(dir_ / "token");
  ASSERT_TRUE(token.ok());
  Enrollment e = MustEnroll(**token);
  UnixMicros now = NowMicros();  // the responder's clock, moved by hand
  auto responder = trust::OcspResponder::Create(*ca_, 60, [&now] { return now; });
  ASSERT_TRUE(responder.ok());
  std::string cert = Save("auth.pem", e.authentication.pem);
  auto ask = [&](const std::string& name) {
    Shell("openssl ocsp -issuer " + ca_->CaPemPath("eid") + " -cert " + cert + " -no_nonce -reqout " +
          dir_ / (name + ".req"));
    std::ifstream in(dir_ / (name + ".req"), std::ios::binary);
    std::string der((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Save(name + ".resp", (*responder)->Respond(der));
    return Shell("openssl ocsp -respin " + dir_ / (name + ".resp") + " -issuer " + ca_->CaPemPath("eid") + " -cert " +
                 cert + " -no_nonce -CAfile " + ca_->RootPemPath() + " -resp_text");
  };
  std::string good = ask("good");
  EXPECT_NE(good.find("Response verify OK"), std::string::npos) << good;
  EXPECT_NE(good.find(cert + ": good"), std::string::npos) << good;
  EXPECT_NE(good.find("eID OCSP responder"), std::string::npos) << good;
  ASSERT_TRUE(ca_->Revoke(e.authentication.serial, "keyCompromise").ok());
  now += trust::OcspResponder::kCacheMicros + 1;  // nonce-less answers are cached ≤ 1 s
  std::string revoked = ask("revoked");
  EXPECT_NE(revoked.find(cert + ": revoked"), std::string::npos) << revoked;
}

// SoftHSM2 in a private token directory: the PKCS#11 path a smart card takes.
class Pkcs11EidTest : public EidTest {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kSoftHsm))
      FAIL() << kSoftHsm << " is missing: SoftHSM2 is the PKCS#11 token these tests need (make deps installs it)";
    EidTest::SetUp();
    setenv("SOFTHSM2_CONF", SharedConf().c_str(), 1);
  }
  // SoftHSM2 reads its configuration once, when the module loads (once per process):
  // every test in a process shares one token directory that lives as long as it.
  static std::string SharedConf() {
    static const std::string path = [] {
      static riik::testing::TempDir shared;
      std::filesystem::create_directories(shared / "tokens");
      std::ofstream(shared / "softhsm2.conf") << "directories.tokendir = " << shared / "tokens"
                                              << "\nobjectstore.backend = file\nlog.level = ERROR\n";
      return shared / "softhsm2.conf";
    }();
    return path;
  }
  std::string Uri(const std::string& name) { return "pkcs11:token=" + name + "?module-path=" + kSoftHsm; }
};

TEST_F(Pkcs11EidTest, EnrollsOnSoftHsmSignsAndOpenScSeesIt) {
  auto token = Pkcs11Token::Open(Uri("EE" + std::string(kCode)));
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  Enrollment e = MustEnroll(**token);
  EXPECT_NE(Verify(Save("auth.pem", e.authentication.pem)).find(": OK"), std::string::npos);
  std::string verified = SignAndVerify(**token);
  EXPECT_NE(verified.find("Verification successful"), std::string::npos) << verified;

  // OpenSC's tool lists the token's objects: the private key is sensitive and never
  // extractable, the certificates are there.
  std::string conf = std::string("SOFTHSM2_CONF=") + getenv("SOFTHSM2_CONF") + " ";
  std::string objects = Shell(conf + "pkcs11-tool --module " + kSoftHsm + " --token-label 'EE38001085718 (PIN2)' " +
                              "--login --pin 01497 --list-objects");
  EXPECT_NE(objects.find("Allkirjastamine"), std::string::npos) << objects;
  EXPECT_NE(objects.find("Certificate Object"), std::string::npos) << objects;
  EXPECT_NE(objects.find("never extractable"), std::string::npos) << objects;

  auto wrong = (*token)->PrivateKey(EidKey::kSigning, "99999");
  EXPECT_EQ(wrong.status().code(), Code::kPermissionDenied) << wrong.status().ToString();
  EXPECT_NE(wrong.status().message().find("wrong PIN2"), std::string::npos);
  ASSERT_TRUE((*token)->Unblock(EidKey::kSigning, kPins.puk, "54321").ok());
  EXPECT_TRUE((*token)->PrivateKey(EidKey::kSigning, "54321").ok());
  EXPECT_FALSE((*token)->PrivateKey(EidKey::kSigning, kPins.pin2).ok());
}

// A card counts wrong PINs in its chip (SoftHSM2 does not: the test module
// support/card_pin_pkcs11.cc counts as a card does): the last try is announced, the third
// wrong PIN2 blocks PIN2 and not PIN1, the right PIN2 is then refused, and the PUK
// unblocks it with a new PIN2.
TEST_F(Pkcs11EidTest, ACardBlocksPin2AfterThreeWrongTriesAndOnlyThePukUnblocksIt) {
  auto token = Pkcs11Token::Open("pkcs11:token=EE" + std::string(kCode) + "?module-path=" + RIIK_CARD_PIN_MODULE);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  MustEnroll(**token);
  auto first = (*token)->PrivateKey(EidKey::kSigning, "99999");
  EXPECT_EQ(first.status().code(), Code::kPermissionDenied) << first.status().ToString();
  auto second = (*token)->PrivateKey(EidKey::kSigning, "99998");
  EXPECT_NE(second.status().message().find("wrong PIN2, one try left"), std::string::npos)
      << second.status().ToString();
  EXPECT_EQ((*token)->State(EidKey::kSigning)->tries_left, 1);
  EXPECT_FALSE((*token)->PrivateKey(EidKey::kSigning, "99997").ok());
  auto blocked = (*token)->PrivateKey(EidKey::kSigning, kPins.pin2);
  EXPECT_EQ(blocked.status().code(), Code::kFailedPrecondition) << blocked.status().ToString();
  EXPECT_NE(blocked.status().message().find("PIN2 is blocked; unblock it with the PUK"), std::string::npos)
      << blocked.status().ToString();
  EXPECT_TRUE((*token)->State(EidKey::kSigning)->blocked);
  EXPECT_TRUE((*token)->PrivateKey(EidKey::kAuthentication, kPins.pin1).ok());  // PIN1 is separate
  EXPECT_FALSE((*token)->Unblock(EidKey::kSigning, "00000000", "54321").ok());
  EXPECT_TRUE((*token)->State(EidKey::kSigning)->blocked);
  ASSERT_TRUE((*token)->Unblock(EidKey::kSigning, kPins.puk, "54321").ok());
  EXPECT_FALSE((*token)->State(EidKey::kSigning)->blocked);
  EXPECT_TRUE((*token)->PrivateKey(EidKey::kSigning, "54321").ok());
}

TEST_F(Pkcs11EidTest, BadUrisAreExplained) {
  EXPECT_NE(Pkcs11Token::Open("pkcs11:object=x").status().message().find("names no token"), std::string::npos);
  EXPECT_NE(Pkcs11Token::Open("pkcs11:token=a%zz").status().message().find("%-escape"), std::string::npos);
  EXPECT_NE(Pkcs11Token::Open("pkcs11:token=a?module-path=/nonexistent.so").status().message().find("cannot load"),
            std::string::npos);
}

}  // namespace
}  // namespace riik::eid
