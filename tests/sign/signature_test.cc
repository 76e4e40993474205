// Signing with an eID's PIN2 key and verifying: a corpus of riik-made containers, valid
// and broken in each way DigiDoc checks, each with the verdict and the reason expected.
#include "crypto/signature.h"

#include <gtest/gtest.h>
#include <openssl/ocsp.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "sign/archive_timestamp.h"
#include "sign/impl/signature_check.h"
#include "sign/report.h"
#include "sign/signature_xml.h"
#include "sign/zip_archive.h"
#include "sign_fixture.h"
#include "trust/ca.h"
#include "trust/ocsp_client.h"
#include "trust/test_ca.h"

namespace riik::sign {
namespace {

class SignatureTest : public SignFixture {
 protected:
  // A container with two files signed by Mari.
  std::string Signed() {
    Container c = TwoFiles();
    auto name = SignWith(*mari_, c);
    EXPECT_TRUE(name.ok()) << name.status().ToString();
    auto bytes = WriteContainer(c);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    return bytes.ok() ? *bytes : "";
  }

  VerificationReport Verify(const std::string& bytes) { return VerifyContainer(bytes, Trust()); }

  // The container with its first signature's XML edited by `edit`.
  template <typename Edit>
  static std::string EditSignature(const std::string& bytes, Edit edit) {
    auto c = ReadContainer(bytes);
    EXPECT_TRUE(c.ok());
    if (!c.ok()) return "";
    edit(c->signatures[0].xml);
    return *WriteContainer(*c);
  }

  // Replaces the text between `open` and `close` (both kept) in `xml`.
  static void ReplaceBetween(std::string& xml, const std::string& open, const std::string& close,
                             const std::string& with) {
    size_t a = xml.find(open);
    ASSERT_NE(a, std::string::npos) << open;
    a += open.size();
    size_t b = xml.find(close, a);
    ASSERT_NE(b, std::string::npos) << close;
    xml.replace(a, b - a, with);
  }

  static std::string Between(const std::string& xml, const std::string& open, const std::string& close) {
    size_t a = xml.find(open);
    if (a == std::string::npos) return "";
    a += open.size();
    return xml.substr(a, xml.find(close, a) - a);
  }

  // An OCSP answer about Mari's signing certificate from a responder whose clock is
  // `offset_s` from now.
  std::string OcspAnswer(int64_t offset_s) {
    auto responder = trust::OcspResponder::Create(*ca_, 60, [offset_s] { return NowMicros() + offset_s * 1'000'000; });
    EXPECT_TRUE(responder.ok());
    auto cert = mari_->Certificate(trust::EidKey::kSigning);
    auto query = trust::BuildOcspQuery(cert->get(), ca_->eid_certificate(), false);
    return (*responder)->Respond(query->der);
  }

  // An answer about Mari's signing certificate signed now by the eID CA's delegated
  // responder, giving her status as of `this_update_offset_s` from now.
  std::string OcspAnswerAsOf(int64_t this_update_offset_s) {
    auto responder = ca_->ServiceSigner(trust::Profile::kOcspResponder, "eid");
    EXPECT_TRUE(responder.ok());
    auto cert = mari_->Certificate(trust::EidKey::kSigning);
    UniquePtr<OCSP_BASICRESP> basic(OCSP_BASICRESP_new());
    UniquePtr<OCSP_CERTID> id(OCSP_cert_to_id(EVP_sha1(), cert->get(), ca_->eid_certificate()));
    UniquePtr<ASN1_TIME> as_of(X509_gmtime_adj(nullptr, this_update_offset_s));
    EXPECT_NE(OCSP_basic_add1_status(basic.get(), id.get(), V_OCSP_CERTSTATUS_GOOD, 0, nullptr, as_of.get(), nullptr),
              nullptr);
    EXPECT_EQ(OCSP_basic_sign(basic.get(), responder->cert.get(), responder->key.get(), EVP_sha256(), nullptr, 0), 1);
    UniquePtr<OCSP_RESPONSE> response(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    return ToDer(response.get(), i2d_OCSP_RESPONSE);
  }

  static bool Says(const SignatureReport& r, const std::string& words) {
    for (const auto& e : r.errors)
      if (e.find(words) != std::string::npos) return true;
    for (const auto& w : r.warnings)
      if (w.find(words) != std::string::npos) return true;
    return false;
  }

  void ExpectVerdict(const std::string& bytes, Verdict verdict, const std::string& words) {
    VerificationReport r = Verify(bytes);
    ASSERT_EQ(r.signatures.size(), 1u) << ReportText(r, "case") << r.container_error;
    EXPECT_EQ(r.signatures[0].verdict, verdict) << ReportText(r, "case");
    EXPECT_TRUE(Says(r.signatures[0], words)) << "expected \"" << words << "\" in:\n" << ReportText(r, "case");
  }
};

TEST_F(SignatureTest, SignedWithPin2VerifiesWithSignerTimeAndFiles) {
  std::string bytes = Signed();
  VerificationReport r = Verify(bytes);
  ASSERT_EQ(r.signatures.size(), 1u) << r.container_error;
  const SignatureReport& s = r.signatures[0];
  EXPECT_EQ(s.verdict, Verdict::kValid) << ReportText(r, "doc.asice");
  EXPECT_EQ(r.verdict, Verdict::kValid);
  EXPECT_EQ(s.id, "S0");
  EXPECT_EQ(s.file, "META-INF/signatures0.xml");
  EXPECT_EQ(s.signer, "MAASIKAS,MARI,48705120271");
  EXPECT_EQ(s.signer_id, "PNOEE-48705120271");
  // The certificate by its SHA-256: what an election manifest lists its officials by.
  auto cert = mari_->Certificate(trust::EidKey::kSigning);
  ASSERT_TRUE(cert.ok());
  const std::string fingerprint = CertificateSha256Hex(cert->get());
  EXPECT_EQ(s.signer_certificate_sha256, fingerprint);
  EXPECT_EQ(s.profile, "LT");
  EXPECT_GT(s.timestamp_time, 0);
  EXPECT_GE(s.ocsp_time, s.timestamp_time);
  EXPECT_EQ(s.signed_files, (std::vector<std::string>{"tuludeklaratsioon 2026.json", "lisa.txt"}));
  std::string text = ReportText(r, "doc.asice");
  EXPECT_NE(text.find("Validation: OK"), std::string::npos) << text;
  Json json = ReportJson(r);
  EXPECT_EQ(json["signatures"][0]["verdict"], "VALID");
  EXPECT_EQ(json["signatures"][0]["signer_certificate_sha256"], fingerprint);
  EXPECT_NE(text.find("certificate SHA-256 " + fingerprint), std::string::npos) << text;
  // The file name with a space is percent-encoded in its Reference URI.
  auto c = ReadContainer(bytes);
  EXPECT_NE(c->signatures[0].xml.find("URI=\"tuludeklaratsioon%202026.json\""), std::string::npos);
}

TEST_F(SignatureTest, CoSigningAddingLaterAndRemoving) {
  Container c = TwoFiles();
  ASSERT_TRUE(SignWith(*mari_, c).ok());
  auto bytes = WriteContainer(c);
  // Jaan co-signs the same container later, as read from its bytes.
  auto read = ReadContainer(*bytes);
  ASSERT_TRUE(read.ok());
  auto second = SignWith(*jaan_, *read);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, "META-INF/signatures1.xml");
  VerificationReport r = Verify(*WriteContainer(*read));
  ASSERT_EQ(r.signatures.size(), 2u);
  EXPECT_EQ(r.verdict, Verdict::kValid) << ReportText(r, "co-signed");
  EXPECT_EQ(r.signatures[1].signer_id, "PNOEE-38001085718");
  EXPECT_EQ(r.signatures[1].id, "S1");
  ASSERT_TRUE(RemoveSignature(*read, "META-INF/signatures0.xml").ok());
  r = Verify(*WriteContainer(*read));
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(r.signatures[0].signer_id, "PNOEE-38001085718");
  EXPECT_EQ(r.verdict, Verdict::kValid);
  EXPECT_EQ(RemoveSignature(*read, "META-INF/signatures7.xml").code(), Code::kNotFound);
}

// Remote signing (the citizen's app): the signature prepared around the certificate, the
// app signs the digest it is handed as a card would, and the value completes it.
TEST_F(SignatureTest, ADigestSignedElsewhereCompletesAValidSignature) {
  Container c = TwoFiles();
  auto cert = mari_->Certificate(trust::EidKey::kSigning);
  auto prepared = PrepareSignature(c, cert->get(), Options());
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  EXPECT_EQ(prepared->digest.size(), 48u);  // SHA-384, the size the app signs
  EXPECT_TRUE(c.signatures.empty());
  auto key = mari_->PrivateKey(trust::EidKey::kSigning, kPin2);
  ASSERT_TRUE(key.ok());
  auto value = SignDigest(key->get(), EVP_sha384(), prepared->digest, SignatureEncoding::kRaw);
  ASSERT_TRUE(value.ok());
  // A value over anything else, or by another key, is refused; nothing is added.
  auto other = SignDigest(key->get(), EVP_sha384(), std::string(48, 'x'), SignatureEncoding::kRaw);
  std::vector<X509*> issuers = {ca_->eid_certificate(), ca_->root_certificate()};
  EXPECT_EQ(CompleteSignature(c, *prepared, *other, issuers, Options()).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(c.signatures.empty());
  // A container whose files changed meanwhile is refused.
  Container changed = c;
  changed.files[0].content += " ";
  EXPECT_EQ(CompleteSignature(changed, *prepared, *value, issuers, Options()).status().code(),
            Code::kFailedPrecondition);
  auto name = CompleteSignature(c, *prepared, *value, issuers, Options());
  ASSERT_TRUE(name.ok()) << name.status().ToString();
  VerificationReport r = Verify(*WriteContainer(c));
  ASSERT_EQ(r.signatures.size(), 1u) << r.container_error;
  EXPECT_EQ(r.verdict, Verdict::kValid) << ReportText(r, "remote");
  EXPECT_EQ(r.signatures[0].signer_id, "PNOEE-48705120271");
  EXPECT_EQ(r.signatures[0].profile, "LT");
}

TEST_F(SignatureTest, TheAuthenticationKeyCannotSign) {
  Container c = TwoFiles();
  auto refused = SignWith(*mari_, c, trust::EidKey::kAuthentication);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("PIN2"), std::string::npos);
  EXPECT_TRUE(c.signatures.empty());
}

TEST_F(SignatureTest, NothingIsAddedWhenTheTsaOrOcspIsDown) {
  Container c = TwoFiles();
  SignOptions o = Options();
  o.timestamp = [](std::string_view) -> Result<std::string> { return Unavailable("connection refused"); };
  auto r = SignWith(*mari_, c, trust::EidKey::kSigning, o);
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  o = Options();
  o.ocsp = [](std::string_view) -> Result<std::string> { return Unavailable("connection refused"); };
  r = SignWith(*mari_, c, trust::EidKey::kSigning, o);
  EXPECT_EQ(r.status().code(), Code::kUnavailable);
  EXPECT_TRUE(c.signatures.empty());
}

TEST_F(SignatureTest, ARevokedSignerCannotSign) {
  auto cert = mari_->Certificate(trust::EidKey::kSigning);
  ASSERT_TRUE(ca_->Revoke(SerialHex(cert->get()), "keyCompromise").ok());
  Container c = TwoFiles();
  auto r = SignWith(*mari_, c);
  EXPECT_EQ(r.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("revoked (keyCompromise)"), std::string::npos) << r.status().ToString();
}

// An archive timestamp (LTA) over the whole signature; a second covers the first; a
// change to what they cover is caught, even in the unsigned validation data.
TEST_F(SignatureTest, ArchiveTimestampsExtendASignature) {
  auto c = ReadContainer(Signed());
  auto stamp = [this](std::string_view digest) { return tsa_->TimestampDigest(digest); };
  ASSERT_TRUE(ExtendSignature(*c, "META-INF/signatures0.xml", stamp, ca_->root_certificate()).ok());
  VerificationReport r = Verify(*WriteContainer(*c));
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(r.signatures[0].verdict, Verdict::kValid) << ReportText(r, "lta");
  EXPECT_EQ(r.signatures[0].profile, "LTA");
  EXPECT_EQ(r.signatures[0].archive_times.size(), 1u);
  ASSERT_TRUE(ExtendSignature(*c, "META-INF/signatures0.xml", stamp, ca_->root_certificate()).ok());
  std::string twice = *WriteContainer(*c);
  r = Verify(twice);
  EXPECT_EQ(r.signatures[0].verdict, Verdict::kValid) << ReportText(r, "lta");
  EXPECT_EQ(r.signatures[0].archive_times.size(), 2u);
  EXPECT_NE(c->signatures[0].xml.find("Id=\"S0-A1\""), std::string::npos);
  // The CA certificate carried in CertificateValues swapped for another: nothing but the
  // archive timestamps covers it.
  ExpectVerdict(EditSignature(twice,
                              [&](std::string& xml) {
                                ReplaceBetween(xml, "-CERT0\">", "</xades:EncapsulatedX509Certificate>",
                                               Base64Encode(CertificateDer(ca_->org_certificate())));
                              }),
                Verdict::kInvalid, "does not cover the signature as it is");
  EXPECT_EQ(ExtendSignature(*c, "META-INF/signatures9.xml", stamp, ca_->root_certificate()).code(), Code::kNotFound);
}

// What a container can make its check do is bounded by the container: at most 64
// signatures and 4 OCSP answers each are looked at, and archive timestamps hash the data
// at most 16 times in all (each data file's digest is shared by every signature).
TEST_F(SignatureTest, TheWorkOfACheckIsBoundedByTheContainer) {
  auto c = ReadContainer(Signed());
  ASSERT_TRUE(c.ok());
  for (int i = 1; i < 64; ++i)
    c->signatures.push_back({"META-INF/signatures" + std::to_string(i) + ".xml", c->signatures[0].xml});
  VerificationReport r = Verify(*WriteContainer(*c));
  EXPECT_EQ(r.signatures.size(), 64u) << r.container_error;
  EXPECT_EQ(r.verdict, Verdict::kValid) << r.container_error;
  c->signatures.push_back({"META-INF/signatures64.xml", c->signatures[0].xml});
  r = Verify(*WriteContainer(*c));
  EXPECT_EQ(r.verdict, Verdict::kIndeterminate);
  EXPECT_TRUE(r.signatures.empty());
  EXPECT_NE(r.container_error.find("holds 65 signatures; at most 64 are checked"), std::string::npos)
      << r.container_error;

  std::string good = Signed();
  ExpectVerdict(EditSignature(good,
                              [&](std::string& xml) {
                                const std::string open = "<xades:EncapsulatedOCSPValue Id=\"S0-N0\">";
                                const std::string answer = Between(xml, open, "</xades:EncapsulatedOCSPValue>");
                                std::string more;
                                for (int i = 1; i <= 4; ++i) {
                                  more += "<xades:EncapsulatedOCSPValue Id=\"S0-N" + std::to_string(i) + "\">" +
                                          answer + "</xades:EncapsulatedOCSPValue>";
                                }
                                xml.insert(xml.find("</xades:OCSPValues>"), more);
                              }),
                Verdict::kIndeterminate, "carries 5 OCSP answers; at most 4 are looked at");

  auto stamped = ReadContainer(good);
  auto stamp = [this](std::string_view digest) { return tsa_->TimestampDigest(digest); };
  for (size_t i = 0; i < impl::FileDigests::kArchivePasses; ++i) {
    ASSERT_TRUE(ExtendSignature(*stamped, "META-INF/signatures0.xml", stamp, ca_->root_certificate()).ok());
  }
  r = Verify(*WriteContainer(*stamped));
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(r.signatures[0].verdict, Verdict::kValid) << ReportText(r, "lta");
  EXPECT_EQ(r.signatures[0].archive_times.size(), impl::FileDigests::kArchivePasses);
  ASSERT_TRUE(ExtendSignature(*stamped, "META-INF/signatures0.xml", stamp, ca_->root_certificate()).ok());
  ExpectVerdict(*WriteContainer(*stamped), Verdict::kIndeterminate, "would hash its data more than 16 times");
}

// The corpus: one valid container broken in each way, each with its reason.
TEST_F(SignatureTest, ChangedFilesAndSignaturesAreInvalidWithTheReason) {
  std::string good = Signed();
  // A data file changed after signing (the manifest and media type kept).
  auto c = ReadContainer(good);
  c->files[1].content = "Annex: some foreign income.\n";
  ExpectVerdict(*WriteContainer(*c), Verdict::kInvalid, "\"lisa.txt\" has changed since it was signed");
  {
    VerificationReport changed = Verify(*WriteContainer(*c));
    EXPECT_EQ(changed.signatures[0].signed_files, std::vector<std::string>{"tuludeklaratsioon 2026.json"})
        << "a file whose digest does not match is not reported as signed";
  }
  // A file added after signing, in the manifest too.
  c = ReadContainer(good);
  c->files.push_back(DataFile{"extra.txt", "text/plain", "slipped in"});
  ExpectVerdict(*WriteContainer(*c), Verdict::kInvalid, "\"extra.txt\" is in the container but not signed");
  // A signed file removed.
  c = ReadContainer(good);
  c->files.pop_back();
  ExpectVerdict(*WriteContainer(*c), Verdict::kInvalid, "covers \"lisa.txt\", which is not a file of the container");
  // The manifest's media type changed: the signed DataObjectFormat disagrees.
  c = ReadContainer(good);
  c->files[1].media_type = "text/html";
  ExpectVerdict(*WriteContainer(*c), Verdict::kInvalid, "the manifest text/html");
  // The signature value altered.
  ExpectVerdict(EditSignature(good,
                              [](std::string& xml) {
                                std::string v = Between(xml, "-SIG\">", "<");
                                v[10] = v[10] == 'A' ? 'B' : 'A';
                                ReplaceBetween(xml, "-SIG\">", "</ds:SignatureValue>", v);
                              }),
                Verdict::kInvalid, "signature value does not match");
  // The signed properties altered (a different signing time).
  ExpectVerdict(EditSignature(good,
                              [](std::string& xml) {
                                ReplaceBetween(xml, "<xades:SigningTime>", "</xades:SigningTime>",
                                               "2020-01-01T00:00:00Z");
                              }),
                Verdict::kInvalid, "signed properties (signing time, certificate, file types) have been changed");
  // Both file references under one Id: the second file's media type would go unsigned.
  ExpectVerdict(EditSignature(good,
                              [](std::string& xml) {
                                const std::string second_id = "Id=\"S0-RefId1\"";
                                size_t second = xml.find(second_id);
                                ASSERT_NE(second, std::string::npos);
                                xml.replace(second, second_id.size(), "Id=\"S0-RefId0\"");
                              }),
                Verdict::kInvalid, "has no Id of its own");
  // Another certificate in KeyInfo (Jaan's): the signature value is not his.
  auto jaan_cert = jaan_->Certificate(trust::EidKey::kSigning);
  ExpectVerdict(EditSignature(good,
                              [&](std::string& xml) {
                                ReplaceBetween(xml, "<ds:X509Certificate>", "</ds:X509Certificate>",
                                               Base64Encode(CertificateDer(jaan_cert->get())));
                              }),
                Verdict::kInvalid, "name another certificate");
}

TEST_F(SignatureTest, TimestampFaultsAreNamed) {
  std::string good = Signed();
  std::string other = Signed();
  ExpectVerdict(EditSignature(good,
                              [](std::string& xml) {
                                size_t a = xml.find("<xades:UnsignedProperties>");
                                size_t b = xml.find("</xades:UnsignedProperties>") +
                                           std::string("</xades:UnsignedProperties>").size();
                                xml.erase(a, b - a);
                              }),
                Verdict::kInvalid, "has no timestamp");
  ExpectVerdict(EditSignature(good,
                              [](std::string& xml) {
                                std::string ts =
                                    "<xades:SignatureTimeStamp" +
                                    Between(xml, "<xades:SignatureTimeStamp", "</xades:SignatureTimeStamp>") +
                                    "</xades:SignatureTimeStamp>";
                                xml.insert(xml.find("<xades:SignatureTimeStamp"), ts);
                              }),
                Verdict::kInvalid, "2 signature timestamps");
  // A timestamp taken from another signature.
  auto theirs = ReadContainer(other);
  std::string token = Between(theirs->signatures[0].xml, "<xades:EncapsulatedTimeStamp>", "<");
  ExpectVerdict(EditSignature(good,
                              [&](std::string& xml) {
                                ReplaceBetween(xml, "<xades:EncapsulatedTimeStamp>", "</xades:EncapsulatedTimeStamp>",
                                               token);
                              }),
                Verdict::kInvalid, "for another signature value");
}

TEST_F(SignatureTest, OcspFaultsAreNamed) {
  std::string good = Signed();
  auto with_ocsp = [&](const std::string& der) {
    return EditSignature(good, [&](std::string& xml) {
      ReplaceBetween(xml, "-N0\">", "</xades:EncapsulatedOCSPValue>", Base64Encode(der));
    });
  };
  // 30 s early: the responder's chain is judged at producedAt, when the CA (issued a
  // minute back-dated) was already valid.
  ExpectVerdict(with_ocsp(OcspAnswer(-30)), Verdict::kInvalid, "before the timestamp; it must come after it");
  // From before the responder's CA existed: its chain does not hold at producedAt.
  ExpectVerdict(with_ocsp(OcspAnswer(-3600)), Verdict::kIndeterminate, "not valid at");
  ExpectVerdict(with_ocsp(OcspAnswer(20 * 60)), Verdict::kWarning, "minutes after the timestamp");
  ExpectVerdict(with_ocsp(OcspAnswer(3 * 86400)), Verdict::kInvalid, "hours after the timestamp");
  // An answer about somebody else.
  auto jaan_cert = jaan_->Certificate(trust::EidKey::kSigning);
  auto query = trust::BuildOcspQuery(jaan_cert->get(), ca_->eid_certificate(), false);
  ExpectVerdict(with_ocsp(ocsp_->Respond(query->der)), Verdict::kIndeterminate, "says nothing about");
  // Revoked after signing: a fresh answer says so.
  auto cert = mari_->Certificate(trust::EidKey::kSigning);
  ASSERT_TRUE(ca_->Revoke(SerialHex(cert->get()), "keyCompromise").ok());
  ExpectVerdict(with_ocsp(OcspAnswer(1)), Verdict::kInvalid, "was revoked (keyCompromise)");
  EXPECT_EQ(Verify(with_ocsp(OcspAnswer(1))).signatures[0].ocsp_time, 0) << "a revoking answer vouches for nothing";
  // None at all.
  ExpectVerdict(EditSignature(good,
                              [](std::string& xml) {
                                size_t a = xml.find("<xades:RevocationValues>");
                                size_t b = xml.find("</xades:RevocationValues>") +
                                           std::string("</xades:RevocationValues>").size();
                                xml.erase(a, b - a);
                              }),
                Verdict::kIndeterminate, "carries no OCSP answer");
}

// An answer signed after the timestamp about the status as it was known two days before
// shows nothing about the certificate when it signed; one as of an hour before is taken
// with a warning, one as of a minute before without.
TEST_F(SignatureTest, AnOcspAnswerAboutAnEarlierStatusShowsNothing) {
  std::string good = Signed();
  auto with_ocsp = [&](const std::string& der) {
    return EditSignature(good, [&](std::string& xml) {
      ReplaceBetween(xml, "-N0\">", "</xades:EncapsulatedOCSPValue>", Base64Encode(der));
    });
  };
  ExpectVerdict(with_ocsp(OcspAnswerAsOf(-2 * 86400)), Verdict::kIndeterminate, "hours before the timestamp");
  ExpectVerdict(with_ocsp(OcspAnswerAsOf(-3600)), Verdict::kWarning, "minutes before the timestamp");
  VerificationReport r = Verify(with_ocsp(OcspAnswerAsOf(-60)));
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(r.signatures[0].verdict, Verdict::kValid) << ReportText(r, "as of a minute before");
}

// A file of the producer's own under META-INF/ is covered by no signature: the report
// says so (DigiDoc says nothing).
TEST_F(SignatureTest, OtherMetadataGivesAWarning) {
  auto entries = ReadZip(Signed());
  ASSERT_TRUE(entries.ok());
  entries->push_back(ZipEntry{"META-INF/notes.txt", "not signed", false});
  ExpectVerdict(*WriteZip(*entries), Verdict::kWarning, "\"META-INF/notes.txt\", which no signature covers");
}

// An organisation's signing certificate (no QC statements) makes an advanced signature,
// not a qualified one: valid, with the warning DigiDoc gives as "OK (NonQSCD)".
TEST_F(SignatureTest, ANonQualifiedSignerIsValidWithAWarning) {
  auto key = GenerateEcKey("P-256");
  ASSERT_TRUE(key.ok());
  auto issued = trust::IssueMemberSigning(*ca_, key->get(), "Maksu- ja Tolliamet", "Maksu- ja Tolliamet");
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  auto cert = ParseCertificatePem(issued->pem);
  ASSERT_TRUE(cert.ok());
  Container c = TwoFiles();
  SignerKey signer{key->get(), cert->get(), {ca_->org_certificate(), ca_->root_certificate()}};
  ASSERT_TRUE(AddSignature(c, signer, Options()).ok());
  VerificationReport r = Verify(*WriteContainer(c));
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(r.signatures[0].verdict, Verdict::kWarning) << ReportText(r, "x");
  EXPECT_TRUE(Says(r.signatures[0], "not a qualified one")) << ReportText(r, "x");
  // A citizen's eID signing certificate is qualified: no such warning.
  VerificationReport eid = Verify(Signed());
  EXPECT_EQ(eid.signatures[0].verdict, Verdict::kValid) << ReportText(eid, "x");
}

TEST_F(SignatureTest, OnlyTheConfiguredAnchorsAreTrusted) {
  std::string good = Signed();
  riik::testing::TempDir other_dir;
  trust::TestCa other = trust::OpenTestCa(other_dir);
  VerifyOptions o;
  o.trust = TrustAnchors::FromRoots({other.ca->root_certificate()});
  VerificationReport r = VerifyContainer(good, o);
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(r.signatures[0].verdict, Verdict::kIndeterminate) << ReportText(r, "x");
  EXPECT_TRUE(Says(r.signatures[0], "not from a trusted timestamping authority")) << ReportText(r, "x");
  r = VerifyContainer(good, VerifyOptions{});
  EXPECT_EQ(r.signatures[0].verdict, Verdict::kIndeterminate);
}

TEST_F(SignatureTest, HostileSignatureXmlIsRefused) {
  std::string good = Signed();
  ExpectVerdict(EditSignature(good,
                              [](std::string& xml) {
                                xml.insert(xml.find("<asic:"),
                                           "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>");
                              }),
                Verdict::kInvalid, "DTDs and entities are refused");
  // A second element with the signed properties' Id (signature wrapping).
  ExpectVerdict(EditSignature(good,
                              [](std::string& xml) {
                                xml.insert(xml.find("</ds:Signature>"),
                                           "<ds:Object><x Id=\"S0-SignedProperties\"/></ds:Object>");
                              }),
                Verdict::kInvalid, "not found once and only once");
  ExpectVerdict(EditSignature(good, [](std::string& xml) { xml.resize(xml.size() / 2); }), Verdict::kInvalid,
                "cannot be read");
}

// The same signature made on a PKCS#11 token (SoftHSM2, as a smart card would be): the
// key never leaves the token, which signs SignedInfo's digest behind PIN2.
TEST_F(SignatureTest, SignsOnAPkcs11Token) {
  constexpr const char* kSoftHsm = "/usr/lib/softhsm/libsofthsm2.so";
  if (!std::filesystem::exists(kSoftHsm))
    FAIL() << kSoftHsm << " is missing: SoftHSM2 is the PKCS#11 token these tests need (make deps installs it)";
  riik::testing::TempDir hsm;
  std::filesystem::create_directories(hsm / "tokens");
  std::ofstream(hsm / "softhsm2.conf") << "directories.tokendir = " << hsm / "tokens"
                                       << "\nobjectstore.backend = file\nlog.level = ERROR\n";
  setenv("SOFTHSM2_CONF", (hsm / "softhsm2.conf").c_str(), 1);
  auto token = eid::OpenToken(std::string("pkcs11:token=EE37605030299?module-path=") + kSoftHsm);
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto issue = [this](const trust::EidRequest& r) { return ca_->IssueEid(r); };
  auto enrolled = eid::Enroll(**token, issue, {"37605030299", "Peeter", "Kask"}, eid::Pins{"0090", kPin2, "17258403"});
  ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
  Container c = TwoFiles();
  auto name = SignWith(**token, c);
  ASSERT_TRUE(name.ok()) << name.status().ToString();
  VerificationReport r = Verify(*WriteContainer(c));
  ASSERT_EQ(r.signatures.size(), 1u);
  EXPECT_EQ(r.signatures[0].verdict, Verdict::kValid) << ReportText(r, "pkcs11");
  EXPECT_EQ(r.signatures[0].signer_id, "PNOEE-37605030299");
}

// Writes the fuzzers' seeds (a signed container, its manifest, and its signature over the
// one file the signature fuzzer's container holds) to $RIIK_SIGN_SEEDS:
// --gtest_also_run_disabled_tests --gtest_filter='*WriteFuzzCorpus'
TEST_F(SignatureTest, DISABLED_WriteFuzzCorpus) {
  const char* out = std::getenv("RIIK_SIGN_SEEDS");
  ASSERT_NE(out, nullptr);
  Container c;
  c.files.push_back(DataFile{"a.txt", "text/plain", "Fuzzing riik's signatures.\n"});
  ASSERT_TRUE(SignWith(*mari_, c).ok());
  auto bytes = WriteContainer(c);
  std::filesystem::create_directories(out);
  std::ofstream(std::string(out) + "/valid_signed.asice", std::ios::binary) << *bytes;
  std::ofstream(std::string(out) + "/valid_signatures0.xml", std::ios::binary) << c.signatures[0].xml;
  auto entries = ReadZip(*bytes);
  std::ofstream(std::string(out) + "/valid_manifest.xml", std::ios::binary) << (*entries)[1].content;
}

// What a report echoes from hostile input (an entry name in another code page) is made
// valid UTF-8, so its JSON always serialises.
TEST_F(SignatureTest, ReportsOfHostileBytesStillSerialise) {
  std::string bytes = Signed();
  ASSERT_EQ(bytes.substr(30, 8), "mimetype");
  bytes[30] = '\xe9';  // "\xe9imetype": not UTF-8
  VerificationReport r = Verify(bytes);
  EXPECT_EQ(r.verdict, Verdict::kInvalid);
  std::string json = ReportJson(r).dump();
  EXPECT_NE(json.find("\xEF\xBF\xBD"), std::string::npos) << json;
  std::string text = ReportText(r, "bad\x1b[31m.asice");
  EXPECT_EQ(text.find('\x1b'), std::string::npos) << "no terminal escapes pass through";
}

TEST_F(SignatureTest, AContainerWithoutSignaturesIsNotValid) {
  VerificationReport r = Verify(*WriteContainer(TwoFiles()));
  EXPECT_EQ(r.verdict, Verdict::kIndeterminate);
  EXPECT_EQ(r.container_error, "the container has no signatures");
  r = Verify("not a container");
  EXPECT_EQ(r.verdict, Verdict::kInvalid);
  EXPECT_FALSE(r.container_error.empty());
}

}  // namespace
}  // namespace riik::sign
