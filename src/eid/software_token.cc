// The software eID token: PKCS#12 files under the PINs, PKCS#8 copies under the PUK,
// and the tries-left counters in token.json.
#include "eid/software_token.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "core/json.h"
#include "crypto/x509.h"

namespace riik::eid {
namespace {

struct Pkcs12Free {
  void operator()(PKCS12* p) const { PKCS12_free(p); }
};
using Pkcs12Ptr = std::unique_ptr<PKCS12, Pkcs12Free>;

// An exclusive lock on the token directory for one operation, so that two processes
// never lose each other's counter updates.
class DirLock {
 public:
  explicit DirLock(const std::string& dir)
      : fd_(::open((dir + "/token.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~DirLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

// token.json: {"auth": {"tries_left": 3}, "sign": {…}, "puk": {…}}
class Counters {
 public:
  static Result<Counters> Load(const std::string& dir) {
    Counters c(dir + "/token.json");
    auto text = ReadFile(c.path_);
    if (!text.ok() && !std::filesystem::exists(c.path_)) return c;  // a new token: every counter full
    if (!text.ok()) return Unavailable("cannot read " + c.path_ + ": " + text.status().message());
    auto json = ParseJson(*text);
    if (!json.ok() || !json->is_object()) return DataLoss(c.path_ + " is damaged: " + json.status().message());
    c.json_ = std::move(*json);
    return c;
  }
  int TriesLeft(std::string_view name) const {
    const auto it = json_.find(std::string(name));
    if (it == json_.end() || !it->is_object() || !it->contains("tries_left")) return kPinTries;
    const auto& v = (*it)["tries_left"];
    return v.is_number_integer() ? std::clamp(v.get<int>(), 0, kPinTries) : 0;
  }
  Status Set(std::string_view name, int tries_left) {
    json_[std::string(name)]["tries_left"] = tries_left;
    return WriteFileAtomic(path_, json_.dump(2) + "\n", /*secret=*/true);
  }

 private:
  explicit Counters(std::string path) : path_(std::move(path)), json_(Json::object()) {}
  std::string path_;
  Json json_;
};

Result<Pkcs12Ptr> ReadPkcs12(const std::string& path) {
  ASSIGN_OR_RETURN(std::string der, ReadFile(path));
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der.size())));
  if (!p12) return DataLoss(path + " is not a PKCS#12 file");
  return p12;
}

// The PUK's copy of a key: PKCS#8 under AES-256-CBC with PBKDF2-HMAC-SHA256 at the
// token's iteration count, a random 16-byte salt and IV.
Result<std::string> PukCopyPem(EVP_PKEY* key, std::string_view puk, int iterations) {
  UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, decltype(&PKCS8_PRIV_KEY_INFO_free)> info(EVP_PKEY2PKCS8(key),
                                                                                 PKCS8_PRIV_KEY_INFO_free);
  X509_ALGOR* pbe = PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), iterations, nullptr, 16, nullptr, NID_hmacWithSHA256);
  // PKCS8_set0_pbe owns `pbe` once it succeeds.
  X509_SIG* sealed = info && pbe ? PKCS8_set0_pbe(puk.data(), static_cast<int>(puk.size()), info.get(), pbe) : nullptr;
  if (sealed == nullptr) X509_ALGOR_free(pbe);
  std::unique_ptr<X509_SIG, decltype(&X509_SIG_free)> owned(sealed, X509_SIG_free);
  if (!owned || PEM_write_bio_PKCS8(bio.get(), owned.get()) != 1) {
    return Internal("sealing the PUK's copy of the key: " + OpenSslErrors());
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Status WritePkcs12(const std::string& path, EVP_PKEY* key, X509* cert, std::string_view pin, int iterations) {
  std::string pass(pin);
  // AES-256-CBC with PBKDF2 for key and certificate bags, SHA-256 MAC.
  Pkcs12Ptr p12(PKCS12_create(pass.c_str(), "eID", key, cert, nullptr, NID_aes_256_cbc, NID_aes_256_cbc, iterations,
                              iterations, 0));
  if (!p12 || PKCS12_set_mac(p12.get(), pass.c_str(), -1, nullptr, 0, iterations, EVP_sha256()) != 1) {
    return Internal("building the PKCS#12 file: " + OpenSslErrors());
  }
  return WriteFileAtomic(path, ToDer(p12.get(), i2d_PKCS12), /*secret=*/true);
}

std::string TriesMessage(std::string_view what, int left) {
  if (left == 0) return "wrong " + std::string(what) + "; it is now blocked";
  return "wrong " + std::string(what) + ", " + std::to_string(left) + (left == 1 ? " try" : " tries") + " left";
}

}  // namespace

struct SoftwareToken::Unlocked {
  UniquePtr<EVP_PKEY> key;
  UniquePtr<X509> cert;  // null before the certificate is stored
};

Result<std::unique_ptr<SoftwareToken>> SoftwareToken::Open(const std::string& dir, int kdf_iterations) {
  if (dir.empty()) return InvalidArgument("a software token needs a directory");
  if (kdf_iterations < kPublishedPinKdfIterations) {
    return InvalidArgument("a software token seals its keys with at least " +
                           std::to_string(kPublishedPinKdfIterations) + " PBKDF2 iterations, not " +
                           std::to_string(kdf_iterations));
  }
  RETURN_IF_ERROR(MakePrivateDirectory(dir).WithContext("the token directory"));
  return std::unique_ptr<SoftwareToken>(new SoftwareToken(dir, kdf_iterations));
}

std::string SoftwareToken::Path(EidKey key, const char* suffix) const {
  return dir_ + "/" + std::string(trust::EidKeyName(key)) + suffix;
}

Result<UniquePtr<EVP_PKEY>> SoftwareToken::GenerateKey(EidKey key, std::string_view pin, std::string_view puk) {
  RETURN_IF_ERROR(CheckPin(key, pin));
  RETURN_IF_ERROR(CheckPuk(puk));
  DirLock lock(dir_);
  if (!lock.ok()) return Unavailable("cannot lock the token " + dir_);
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> pair, GenerateEcKey("P-384"));
  std::filesystem::remove(Path(key, ".pem"));  // the old key's certificate, if any
  RETURN_IF_ERROR(WritePkcs12(Path(key, ".p12"), pair.get(), nullptr, pin, kdf_iterations_));
  ASSIGN_OR_RETURN(std::string puk_copy, PukCopyPem(pair.get(), puk, kdf_iterations_));
  RETURN_IF_ERROR(WriteFileAtomic(Path(key, ".puk.key"), puk_copy, /*secret=*/true));
  ASSIGN_OR_RETURN(Counters counters, Counters::Load(dir_));
  RETURN_IF_ERROR(counters.Set(trust::EidKeyName(key), kPinTries));
  RETURN_IF_ERROR(counters.Set("puk", kPinTries));
  return PublicKeyOf(pair.get());
}

Result<SoftwareToken::Unlocked> SoftwareToken::Unlock(EidKey key, std::string_view pin) {
  std::string_view name = trust::EidKeyName(key);
  ASSIGN_OR_RETURN(Pkcs12Ptr p12, ReadPkcs12(Path(key, ".p12")));
  ASSIGN_OR_RETURN(Counters counters, Counters::Load(dir_));
  int left = counters.TriesLeft(name);
  if (left == 0) {
    return FailedPrecondition(std::string(PinName(key)) + " is blocked after " + std::to_string(kPinTries) +
                              " wrong tries; unblock it with the PUK (riik id unblock)");
  }
  // Count the try first: a crash between here and the check must not give a free guess.
  RETURN_IF_ERROR(counters.Set(name, left - 1));
  std::string pass(pin);
  if (CheckPin(key, pin).ok() && PKCS12_verify_mac(p12.get(), pass.c_str(), -1) == 1) {
    EVP_PKEY* pkey = nullptr;
    X509* cert = nullptr;
    if (PKCS12_parse(p12.get(), pass.c_str(), &pkey, &cert, nullptr) != 1 || !pkey) {
      EVP_PKEY_free(pkey);
      X509_free(cert);
      return DataLoss(Path(key, ".p12") + " opens with the PIN but holds no key: " + OpenSslErrors());
    }
    RETURN_IF_ERROR(counters.Set(name, kPinTries));
    return Unlocked{UniquePtr<EVP_PKEY>(pkey), UniquePtr<X509>(cert)};
  }
  ERR_clear_error();
  return PermissionDenied(TriesMessage(PinName(key), left - 1));
}

Status SoftwareToken::StoreCertificate(EidKey key, std::string_view pin, X509* cert) {
  DirLock lock(dir_);
  if (!lock.ok()) return Unavailable("cannot lock the token " + dir_);
  ASSIGN_OR_RETURN(Unlocked unlocked, Unlock(key, pin));
  if (X509_check_private_key(cert, unlocked.key.get()) != 1) {
    ERR_clear_error();
    return InvalidArgument("the certificate is not for the " + std::string(PinName(key)) + " key on " + dir_);
  }
  RETURN_IF_ERROR(WritePkcs12(Path(key, ".p12"), unlocked.key.get(), cert, pin, kdf_iterations_));
  return WriteFileAtomic(Path(key, ".pem"), CertificatePem(cert), /*secret=*/false);
}

Result<UniquePtr<X509>> SoftwareToken::Certificate(EidKey key) {
  // The certificate sits in the PIN-encrypted PKCS#12 too; a plain copy is kept
  // beside it for readers without the PIN.
  auto pem = ReadFile(Path(key, ".pem"));
  if (!pem.ok()) return NotFound("the token " + dir_ + " has no " + std::string(PinName(key)) + " certificate");
  return ParseCertificatePem(*pem);
}

Result<PinState> SoftwareToken::State(EidKey key) {
  DirLock lock(dir_);
  ASSIGN_OR_RETURN(Counters counters, Counters::Load(dir_));
  int left = counters.TriesLeft(trust::EidKeyName(key));
  return PinState{left, left == 0};
}

Result<UniquePtr<EVP_PKEY>> SoftwareToken::PrivateKey(EidKey key, std::string_view pin) {
  DirLock lock(dir_);
  if (!lock.ok()) return Unavailable("cannot lock the token " + dir_);
  ASSIGN_OR_RETURN(Unlocked unlocked, Unlock(key, pin));
  return std::move(unlocked.key);
}

Status SoftwareToken::Unblock(EidKey key, std::string_view puk, std::string_view new_pin) {
  RETURN_IF_ERROR(CheckPin(key, new_pin));
  DirLock lock(dir_);
  if (!lock.ok()) return Unavailable("cannot lock the token " + dir_);
  ASSIGN_OR_RETURN(Counters counters, Counters::Load(dir_));
  int left = counters.TriesLeft("puk");
  if (left == 0) return FailedPrecondition("the PUK is blocked; the token must be replaced (riik id enroll)");
  RETURN_IF_ERROR(counters.Set("puk", left - 1));
  ASSIGN_OR_RETURN(std::string puk_pem, ReadFile(Path(key, ".puk.key")));
  auto private_key = CheckPuk(puk).ok() ? ParsePrivateKeyPem(puk_pem, std::string(puk))
                                        : Result<UniquePtr<EVP_PKEY>>(PermissionDenied("bad PUK"));
  if (!private_key.ok()) return PermissionDenied(TriesMessage("PUK", left - 1));
  RETURN_IF_ERROR(counters.Set("puk", kPinTries));
  auto cert = Certificate(key);
  RETURN_IF_ERROR(
      WritePkcs12(Path(key, ".p12"), private_key->get(), cert.ok() ? cert->get() : nullptr, new_pin, kdf_iterations_));
  return counters.Set(trust::EidKeyName(key), kPinTries);
}

}  // namespace riik::eid
