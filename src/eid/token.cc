// PIN rules, opening a token by its description, and detached CMS signatures.
#include "eid/token.h"

#include <openssl/cms.h>

#include "eid/pkcs11_token.h"
#include "eid/software_token.h"

namespace riik::eid {
namespace {

Status CheckDigits(std::string_view what, std::string_view pin, size_t min, size_t max) {
  if (pin.size() < min || pin.size() > max) {
    return InvalidArgument(std::string(what) + " must be " + std::to_string(min) + " to " + std::to_string(max) +
                           " digits");
  }
  for (char c : pin) {
    if (c < '0' || c > '9') return InvalidArgument(std::string(what) + " must be digits only");
  }
  return OkStatus();
}

}  // namespace

std::string_view PinName(EidKey key) { return key == EidKey::kAuthentication ? "PIN1" : "PIN2"; }

Status CheckPin(EidKey key, std::string_view pin) {
  return key == EidKey::kAuthentication ? CheckDigits("PIN1", pin, 4, 12) : CheckDigits("PIN2", pin, 5, 12);
}

Status CheckPuk(std::string_view puk) { return CheckDigits("the PUK", puk, 8, 12); }

Result<std::unique_ptr<Token>> OpenToken(std::string_view where) {
  if (where.substr(0, 7) == "pkcs11:") {
    ASSIGN_OR_RETURN(auto token, Pkcs11Token::Open(where));
    return std::unique_ptr<Token>(std::move(token));
  }
  ASSIGN_OR_RETURN(auto token, SoftwareToken::Open(std::string(where)));
  return std::unique_ptr<Token>(std::move(token));
}

Result<std::string> SignDetached(Token& token, std::string_view pin2, std::string_view data) {
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, token.Certificate(EidKey::kSigning));
  ASSIGN_OR_RETURN(UniquePtr<EVP_PKEY> key, token.PrivateKey(EidKey::kSigning, pin2));
  UniquePtr<BIO> in(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  // CMS_CADES adds ESS signingCertificateV2: the signature names the certificate it
  // was made with (CAdES-BES).
  CMS_ContentInfo* cms = CMS_sign(cert.get(), key.get(), nullptr, in.get(),
                                  CMS_DETACHED | CMS_BINARY | CMS_CADES | CMS_NOSMIMECAP);
  if (!cms) return Internal("signing on " + token.Describe() + ": " + OpenSslErrors());
  std::string der = ToDer(cms, i2d_CMS_ContentInfo);
  CMS_ContentInfo_free(cms);
  if (der.empty()) return Internal("encoding the signature failed");
  return der;
}

}  // namespace riik::eid
