// The app's device key: only a binding the person signed with PIN1 lets a device look at
// what waits for them, and only a poll signed by that device, now, is let through.
#include "auth/app_devices.h"

#include "auth/auth_fixture.h"
#include "crypto/signature.h"

namespace riik::auth {
namespace {

constexpr int64_t kDay = 86'400;
constexpr const char* kService = "https://signin.riik.test";

class AppDevicesTest : public AuthFixture {
 protected:
  void SetUp() override {
    AuthFixture::SetUp();
    trust_ = Trust();
    devices_ = std::make_unique<AppDevices>(trust_, kService, TestClock(), 3);
    device_key_ = std::move(GenerateEcKey("P-256").value());
  }

  int64_t NowSeconds() const { return now_ / 1'000'000; }

  // `token`'s holder binding `device` until `expires_at`, with PIN1.
  DeviceBinding Bind(eid::Token& token, EVP_PKEY* device, int64_t expires_at) {
    auto cert = token.Certificate(trust::EidKey::kAuthentication);
    DeviceBinding b{CertificateDer(cert->get()), PublicKeyDer(device), kService, expires_at, ""};
    b.signature = SignAppHash(AuthKey(token), DeviceBindingHash(b)).value();
    return b;
  }

  std::string Poll(EVP_PKEY* device, int64_t time, std::string_view issuer = kService) {
    return DeviceAuthorization(SignDevicePoll(device, time, issuer).value());
  }
  std::string BindHeader(EVP_PKEY* device, int64_t time, const DeviceBinding& b) {
    return DeviceAuthorization(SignDeviceBind(device, time, b).value());
  }

  Refusal RefusalOf(const DeviceBinding& b) {
    auto out = devices_->Register(b);
    EXPECT_FALSE(Passed(out));
    return Passed(out) ? Refusal::kInternal : std::get<Refused>(out).why;
  }

  EidTrust trust_;
  std::unique_ptr<AppDevices> devices_;
  UniquePtr<EVP_PKEY> device_key_;
};

TEST_F(AppDevicesTest, ABoundDeviceLooksAtItsPersonsRequestsOnly) {
  // Unknown until the binding is presented: the app knows to present it.
  auto before = devices_->Authenticate(Poll(device_key_.get(), NowSeconds()));
  EXPECT_EQ(before.status().code(), Code::kNotFound);

  auto id = devices_->Register(Bind(*jaan_, device_key_.get(), NowSeconds() + 365 * kDay));
  ASSERT_TRUE(Passed(id)) << std::get<Refused>(id).detail;
  EXPECT_EQ(std::get<std::string>(id), DeviceId(PublicKeyDer(device_key_.get())));
  auto who = devices_->Authenticate(Poll(device_key_.get(), NowSeconds()));
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(*who, "38001085718");
  // Within the skew either way; not beyond it: a header seen once (it travels over TLS)
  // opens the list for 2 minutes at most.
  EXPECT_TRUE(devices_->Authenticate(Poll(device_key_.get(), NowSeconds() - 100)).ok());
  EXPECT_EQ(devices_->Authenticate(Poll(device_key_.get(), NowSeconds() - 200)).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(devices_->Authenticate(Poll(device_key_.get(), NowSeconds() + 200)).status().code(),
            Code::kUnauthenticated);
}

TEST_F(AppDevicesTest, AStrangerCannotPollWithTheDevicesIdOrBindTheirKeyToThePerson) {
  ASSERT_TRUE(Passed(devices_->Register(Bind(*jaan_, device_key_.get(), NowSeconds() + kDay))));
  // Another key's signature under the device's id.
  auto stranger = GenerateEcKey("P-256").value();
  DevicePoll poll = SignDevicePoll(stranger.get(), NowSeconds(), kService).value();
  poll.device_id = DeviceId(PublicKeyDer(device_key_.get()));
  EXPECT_EQ(devices_->Authenticate(DeviceAuthorization(poll)).status().code(), Code::kUnauthenticated);
  // The device's signature over another time than the one named.
  poll = SignDevicePoll(device_key_.get(), NowSeconds(), kService).value();
  poll.time += 1;
  EXPECT_EQ(devices_->Authenticate(DeviceAuthorization(poll)).status().code(), Code::kUnauthenticated);

  // A binding of the stranger's key to Jaan, signed by the stranger's own forged certificates.
  Forgery forged = ForgeFor("38001085718");
  for (const std::string& der : forged.certificates) {
    DeviceBinding b{der, PublicKeyDer(stranger.get()), kService, NowSeconds() + kDay, ""};
    b.signature = SignAppHash(forged.key.get(), DeviceBindingHash(b)).value();
    EXPECT_EQ(RefusalOf(b), Refusal::kUntrustedCertificate);
  }
  // Jaan's binding of his device, with the stranger's key put in its place.
  DeviceBinding swapped = Bind(*jaan_, device_key_.get(), NowSeconds() + kDay);
  swapped.device_key_der = PublicKeyDer(stranger.get());
  EXPECT_EQ(RefusalOf(swapped), Refusal::kBadSignature);
  // Or, for a device not yet known, its end moved.
  auto other = GenerateEcKey("P-256").value();
  DeviceBinding longer = Bind(*jaan_, other.get(), NowSeconds() + kDay);
  longer.expires_at += kDay;
  EXPECT_EQ(RefusalOf(longer), Refusal::kBadSignature);
  EXPECT_EQ(devices_->Authenticate(Poll(stranger.get(), NowSeconds())).status().code(), Code::kNotFound);
}

TEST_F(AppDevicesTest, ABindingAndALookAreForTheOneSignInServiceTheyName) {
  // Bound, with PIN1, to another sign-in service (a test system's, say): refused before
  // any check, and not answered from memory either.
  DeviceBinding elsewhere = Bind(*jaan_, device_key_.get(), NowSeconds() + kDay);
  elsewhere.issuer = "https://signin.elsewhere.test";
  elsewhere.signature = SignAppHash(AuthKey(*jaan_), DeviceBindingHash(elsewhere)).value();
  ocsp_up_ = false;
  EXPECT_EQ(RefusalOf(elsewhere), Refusal::kDeviceBinding);
  ocsp_up_ = true;
  // Before the signature too: a bad one is not looked at.
  DeviceBinding unsigned_elsewhere = elsewhere;
  unsigned_elsewhere.signature = std::string(96, 'x');
  EXPECT_EQ(RefusalOf(unsigned_elsewhere), Refusal::kDeviceBinding);
  // Nor can this service's name be put on it afterwards: PIN1 signed the other.
  DeviceBinding renamed = elsewhere;
  renamed.issuer = kService;
  EXPECT_EQ(RefusalOf(renamed), Refusal::kBadSignature);

  const DeviceBinding here = Bind(*jaan_, device_key_.get(), NowSeconds() + kDay);
  ASSERT_TRUE(Passed(devices_->Register(here)));
  auto known = devices_->Known(elsewhere);
  ASSERT_TRUE(known.has_value());
  ASSERT_FALSE(Passed(*known));
  EXPECT_EQ(std::get<Refused>(*known).why, Refusal::kDeviceBinding);
  EXPECT_NE(std::get<Refused>(*known).detail.find("names another sign-in service"), std::string::npos);
  // A look signed for another service (and sent there) does not open this one's list.
  EXPECT_EQ(
      devices_->Authenticate(Poll(device_key_.get(), NowSeconds(), "https://signin.elsewhere.test")).status().code(),
      Code::kUnauthenticated);
  EXPECT_TRUE(devices_->Authenticate(Poll(device_key_.get(), NowSeconds())).ok());
  // The binding's JSON carries its service, and one without it is named as incomplete.
  auto back = DeviceBindingFromJson(DeviceBindingJson(here));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->issuer, kService);
  Json old = DeviceBindingJson(here);
  old.erase("issuer");
  EXPECT_NE(DeviceBindingFromJson(old).status().message().find("give issuer"), std::string::npos);
}

TEST_F(AppDevicesTest, ABindingIsRefusedEndedTooLongOrForAKeyThatIsNotP256) {
  EXPECT_EQ(RefusalOf(Bind(*jaan_, device_key_.get(), NowSeconds())), Refusal::kDeviceBinding);
  EXPECT_EQ(RefusalOf(Bind(*jaan_, device_key_.get(), NowSeconds() + kMaxDeviceBindingSeconds + 1)),
            Refusal::kDeviceBinding);
  auto p384 = GenerateEcKey("P-384").value();
  EXPECT_EQ(RefusalOf(Bind(*jaan_, p384.get(), NowSeconds() + kDay)), Refusal::kDeviceBinding);
  DeviceBinding garbage = Bind(*jaan_, device_key_.get(), NowSeconds() + kDay);
  garbage.device_key_der += '\0';  // a key with bytes after it
  EXPECT_EQ(RefusalOf(garbage), Refusal::kDeviceBinding);
  // The signing certificate binds nothing: the binding is PIN1's.
  auto signing = jaan_->Certificate(trust::EidKey::kSigning);
  auto signing_key = jaan_->PrivateKey(trust::EidKey::kSigning, "01497");
  ASSERT_TRUE(signing_key.ok());
  DeviceBinding pin2{CertificateDer(signing->get()), PublicKeyDer(device_key_.get()), kService, NowSeconds() + kDay,
                     ""};
  pin2.signature = SignAppHash(signing_key->get(), DeviceBindingHash(pin2)).value();
  EXPECT_EQ(RefusalOf(pin2), Refusal::kWrongCertificate);
}

TEST_F(AppDevicesTest, ARevokedCertificateCutsItsDevicesOffAtTheHourlyCheck) {
  ASSERT_TRUE(Passed(devices_->Register(Bind(*jaan_, device_key_.get(), NowSeconds() + 30 * kDay))));
  ASSERT_TRUE(ca_->RevokePerson("38001085718", "keyCompromise").ok());
  // Trusted until the binding's next check, an hour after the last.
  now_ += (kDeviceRecheckSeconds - 60) * 1'000'000;
  EXPECT_TRUE(devices_->Authenticate(Poll(device_key_.get(), NowSeconds())).ok());
  now_ += 120 * 1'000'000;
  devices_->Sweep();
  EXPECT_EQ(devices_->size(), 0u);
  EXPECT_EQ(devices_->Authenticate(Poll(device_key_.get(), NowSeconds())).status().code(), Code::kNotFound);
  // Presented again, the binding meets the revocation.
  EXPECT_EQ(RefusalOf(Bind(*jaan_, device_key_.get(), NowSeconds() + 29 * kDay)), Refusal::kCertificateRevoked);
}

// A binding presented again needs no PIN: one refused by its checks (a revoked card's) is
// refused again from memory, without an OCSP request, until its hour is up.
TEST_F(AppDevicesTest, ARefusedBindingPresentedAgainCostsNoCheckUntilItsHourIsUp) {
  ASSERT_TRUE(ca_->RevokePerson("38001085718", "keyCompromise").ok());
  const DeviceBinding b = Bind(*jaan_, device_key_.get(), NowSeconds() + kDay);
  EXPECT_EQ(RefusalOf(b), Refusal::kCertificateRevoked);
  ocsp_up_ = false;
  EXPECT_EQ(RefusalOf(b), Refusal::kCertificateRevoked) << "the responder was asked again";
  now_ += (kDeviceRecheckSeconds + 1) * 1'000'000;
  EXPECT_EQ(RefusalOf(b), Refusal::kStatusUnavailable) << "the refusal outlived its hour";
  // Not for want of an answer: that one is not remembered.
  ocsp_up_ = true;
  EXPECT_EQ(RefusalOf(b), Refusal::kCertificateRevoked);
}

TEST_F(AppDevicesTest, ABindingEndsWhenItSaysEvenBetweenChecks) {
  ASSERT_TRUE(Passed(devices_->Register(Bind(*jaan_, device_key_.get(), NowSeconds() + 600))));
  now_ += 601 * 1'000'000;
  EXPECT_EQ(devices_->Authenticate(Poll(device_key_.get(), NowSeconds())).status().code(), Code::kNotFound);
}

TEST_F(AppDevicesTest, TheMemoryIsBoundedAndTheSoonestDueMakesRoom) {
  std::vector<UniquePtr<EVP_PKEY>> keys;
  for (int i = 0; i < 4; ++i) {
    keys.push_back(std::move(GenerateEcKey("P-256").value()));
    now_ += 1'000'000;  // each checked a second after the last: the first is due soonest
    ASSERT_TRUE(Passed(devices_->Register(Bind(*jaan_, keys.back().get(), NowSeconds() + kDay))));
  }
  EXPECT_EQ(devices_->size(), 3u);
  EXPECT_EQ(devices_->Authenticate(Poll(keys[0].get(), NowSeconds())).status().code(), Code::kNotFound);
  for (int i = 1; i < 4; ++i) EXPECT_TRUE(devices_->Authenticate(Poll(keys[i].get(), NowSeconds())).ok());
}

TEST_F(AppDevicesTest, ABindingIsTakenOnlyFromTheHolderOfItsKey) {
  const DeviceBinding b = Bind(*jaan_, device_key_.get(), NowSeconds() + kDay);
  EXPECT_TRUE(devices_->CheckPossession(b, BindHeader(device_key_.get(), NowSeconds(), b)).ok());
  // Someone who learnt the binding (or the key's public half) signs with a key of theirs.
  auto stranger = GenerateEcKey("P-256").value();
  EXPECT_EQ(devices_->CheckPossession(b, BindHeader(stranger.get(), NowSeconds(), b)).code(), Code::kUnauthenticated);
  DevicePoll forged = SignDeviceBind(stranger.get(), NowSeconds(), b).value();
  forged.device_id = DeviceId(b.device_key_der);
  EXPECT_EQ(devices_->CheckPossession(b, DeviceAuthorization(forged)).code(), Code::kUnauthenticated);
  // A look's header, seen on the wire, presents nothing; nor does one made for another
  // binding of the same key (Mari's, of the key she learnt).
  EXPECT_EQ(devices_->CheckPossession(b, Poll(device_key_.get(), NowSeconds())).code(), Code::kUnauthenticated);
  const DeviceBinding maris = Bind(Mari(), device_key_.get(), NowSeconds() + kDay);
  EXPECT_EQ(devices_->CheckPossession(maris, BindHeader(device_key_.get(), NowSeconds(), b)).code(),
            Code::kUnauthenticated);
  // The holder's signature from long ago, or none.
  EXPECT_EQ(devices_->CheckPossession(b, BindHeader(device_key_.get(), NowSeconds() - 600, b)).code(),
            Code::kUnauthenticated);
  EXPECT_EQ(devices_->CheckPossession(b, "").code(), Code::kUnauthenticated);
}

TEST_F(AppDevicesTest, PresentingAKnownBindingAgainCostsNoCheckAndAKeyBelongsToOnePerson) {
  const DeviceBinding jaan = Bind(*jaan_, device_key_.get(), NowSeconds() + kDay);
  ASSERT_TRUE(Passed(devices_->Register(jaan)));
  // Presented again (it needs no PIN): answered from memory, not with an OCSP request.
  ocsp_up_ = false;
  EXPECT_TRUE(Passed(devices_->Register(jaan)));
  ocsp_up_ = true;
  // Mari binding the same device key to herself (she learnt its public half) is refused:
  // Jaan's app would otherwise list her requests.
  EXPECT_EQ(RefusalOf(Bind(Mari(), device_key_.get(), NowSeconds() + kDay)), Refusal::kDeviceBinding);
  auto who = devices_->Authenticate(Poll(device_key_.get(), NowSeconds()));
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(*who, "38001085718");
  // Once the device is due for its check, presenting the binding runs every check again.
  now_ += (kDeviceRecheckSeconds + 1) * 1'000'000;
  ocsp_up_ = false;
  EXPECT_EQ(RefusalOf(jaan), Refusal::kStatusUnavailable);
}

TEST_F(AppDevicesTest, APersonsNinthDeviceWaitsForOneOfTheirEightToBeDue) {
  devices_ = std::make_unique<AppDevices>(trust_, kService, TestClock(), 100);
  std::vector<UniquePtr<EVP_PKEY>> keys;
  auto bind_next = [&] {
    keys.push_back(std::move(GenerateEcKey("P-256").value()));
    return devices_->Register(Bind(*jaan_, keys.back().get(), NowSeconds() + 30 * kDay));
  };
  const UnixMicros start = now_;
  for (size_t i = 0; i < kMaxDevicesPerPerson; ++i) {
    now_ += 1'000'000;
    ASSERT_TRUE(Passed(bind_next()));
  }
  // The ninth is refused before any check (no OCSP request: the responder is down), so
  // nine bindings presented in turn cannot each cost one.
  ocsp_up_ = false;
  auto ninth = bind_next();
  ASSERT_FALSE(Passed(ninth));
  EXPECT_EQ(std::get<Refused>(ninth).why, Refusal::kDeviceBinding);
  ocsp_up_ = true;
  // Others are not held up by Jaan's eight.
  auto mari_key = GenerateEcKey("P-256").value();
  EXPECT_TRUE(Passed(devices_->Register(Bind(Mari(), mari_key.get(), NowSeconds() + kDay))));
  // Once the first is due, the ninth is taken, and the others stay.
  now_ = start + (kDeviceRecheckSeconds + 1) * 1'000'000;
  ASSERT_TRUE(Passed(devices_->Register(Bind(*jaan_, keys.back().get(), NowSeconds() + 30 * kDay))));
  EXPECT_EQ(devices_->Authenticate(Poll(keys[0].get(), NowSeconds())).status().code(), Code::kNotFound);
  for (size_t i = 1; i < keys.size(); ++i) EXPECT_TRUE(devices_->Authenticate(Poll(keys[i].get(), NowSeconds())).ok());
  // After all are due and swept, eight again: the counts did not drift.
  now_ += (kDeviceRecheckSeconds + 60) * 1'000'000;
  devices_->Sweep();
  EXPECT_EQ(devices_->size(), 0u);
  keys.clear();
  for (size_t i = 0; i < kMaxDevicesPerPerson; ++i) ASSERT_TRUE(Passed(bind_next()));
  EXPECT_FALSE(Passed(bind_next()));
}

TEST_F(AppDevicesTest, ADueDeviceIsTakenByTheNewestCheckedBinding) {
  ASSERT_TRUE(Passed(devices_->Register(Bind(*jaan_, device_key_.get(), NowSeconds() + kDay))));
  now_ += (kDeviceRecheckSeconds + 1) * 1'000'000;
  // Only the key's holder can present a binding (CheckPossession, at the route): here
  // the holder binds it to Mari now, and the key lists hers.
  ASSERT_TRUE(Passed(devices_->Register(Bind(Mari(), device_key_.get(), NowSeconds() + kDay))));
  auto who = devices_->Authenticate(Poll(device_key_.get(), NowSeconds()));
  ASSERT_TRUE(who.ok());
  EXPECT_EQ(*who, "48705120271");
}

TEST(CheckIssuerTest, AnIssuerIsSchemeHostAndPortOnly) {
  for (const char* good :
       {"https://signin.riik.ee", "https://127.0.0.1:7023", "http://[::1]:8080", "http://signin.riik.ee:443"}) {
    EXPECT_TRUE(CheckIssuer(good).ok()) << good << ": " << CheckIssuer(good).ToString();
  }
  for (const std::string& bad : std::vector<std::string>{"",
                                                         "signin.riik.ee",
                                                         "ftp://signin.riik.ee",
                                                         "HTTPS://signin.riik.ee",
                                                         "https://signin.riik.ee/",
                                                         "https://signin.riik.ee/tenant",
                                                         "https://signin.riik.ee?x=1",
                                                         "https://signin.riik.ee#x",
                                                         "https://user@signin.riik.ee",
                                                         "https://signin.riik.ee:",
                                                         "https://signin.riik.ee:0",
                                                         "https://signin.riik.ee:0443",
                                                         "http://::1:8080",
                                                         "http://[::1]junk",
                                                         "https://sign in.riik.ee",
                                                         "https://signin.riik.ee:443",
                                                         "http://signin.riik.ee:80",
                                                         "https://Signin.riik.ee",
                                                         "https://signin..riik.ee",
                                                         "https://-",
                                                         "http://[:]",
                                                         "https://" + std::string(250, 'a') + ".ee"}) {
    EXPECT_EQ(CheckIssuer(bad).code(), Code::kInvalidArgument) << bad;
  }
}

TEST(DeviceAuthorizationTest, OnlyTheWholeFormIsRead) {
  auto key = GenerateEcKey("P-256").value();
  DevicePoll poll = SignDevicePoll(key.get(), 1'767'225'600, kService).value();
  auto back = ParseDeviceAuthorization(DeviceAuthorization(poll));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->device_id, poll.device_id);
  EXPECT_EQ(back->time, poll.time);
  EXPECT_EQ(back->signature, poll.signature);
  const std::string id = poll.device_id, sig = Base64Encode(poll.signature);
  for (const std::string& bad : {
           std::string("Bearer x"),
           "RiikDevice id=\"" + id + "\", time=\"1767225600\"",
           "RiikDevice id=\"" + id + "\", time=\"1767225600\", signature=\"" + sig + "\", extra=\"1\"",
           "RiikDevice id=\"" + id + "\", id=\"" + id + "\", signature=\"" + sig + "\"",
           "RiikDevice id=\"abc\", time=\"1767225600\", signature=\"" + sig + "\"",
           "RiikDevice id=\"" + id + "\", time=\"-5x\", signature=\"" + sig + "\"",
           "RiikDevice id=\"" + id + "\", time=\"1767225600\", signature=\"AAAA\"",
           "RiikDevice id=\"" + id + "\",time=\"1767225600\", signature=\"" + sig + "\"",
           "RiikDevice id=\"" + id + "\", time=\"1767225600\", signature=\"" + sig,
           "RiikDevice id=\"" + id + "\", time=\"1767225600\", signature=\"" + sig + "\"" + std::string(600, ' '),
       }) {
    EXPECT_FALSE(ParseDeviceAuthorization(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace riik::auth
