// An eID as two PKCS#11 tokens ("<name> (PIN1)", "<name> (PIN2)").
#include "eid/pkcs11_token.h"

#include <cstdlib>
#include <cstring>

#include "crypto/x509.h"
#include "eid/impl/pkcs11_module.h"
#include "eid/impl/token_key.h"

namespace riik::eid {
namespace {

constexpr const char* kDefaultModule = "/usr/lib/softhsm/libsofthsm2.so";
constexpr size_t kMaxUriBytes = 4096;
// DER of the secp384r1 OID: the curve of every citizen's key.
const std::string kSecp384r1 = std::string("\x06\x05\x2b\x81\x04\x00\x22", 7);
constexpr size_t kP384PointBytes = 97;  // 04 || X || Y

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return InvalidArgument("a bad %-escape in the pkcs11: URI");
    auto hex = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) return InvalidArgument("a bad %-escape in the pkcs11: URI");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

// pkcs11:token=NAME[;…][?module-path=PATH[&…]] (RFC 7512).
Result<Pkcs11Uri> ParsePkcs11Uri(std::string_view uri) {
  if (uri.size() > kMaxUriBytes) return InvalidArgument("the pkcs11: URI is longer than 4096 bytes");
  if (uri.substr(0, 7) != "pkcs11:") return InvalidArgument("a PKCS#11 token is named by a pkcs11: URI");
  std::string_view rest = uri.substr(7);
  std::string_view path = rest.substr(0, rest.find('?'));
  std::string_view query = rest.size() > path.size() ? rest.substr(path.size() + 1) : std::string_view();
  Pkcs11Uri out;
  auto each = [](std::string_view list, char sep, auto fn) -> Status {
    while (!list.empty()) {
      std::string_view item = list.substr(0, list.find(sep));
      list.remove_prefix(std::min(list.size(), item.size() + 1));
      size_t eq = item.find('=');
      if (eq == std::string_view::npos) continue;
      ASSIGN_OR_RETURN(std::string value, PercentDecode(item.substr(eq + 1)));
      fn(item.substr(0, eq), std::move(value));
    }
    return OkStatus();
  };
  RETURN_IF_ERROR(each(path, ';', [&](std::string_view k, std::string v) {
    if (k == "token") out.token = std::move(v);
  }));
  RETURN_IF_ERROR(each(query, '&', [&](std::string_view k, std::string v) {
    if (k == "module-path") out.module_path = std::move(v);
  }));
  if (out.token.empty()) return InvalidArgument("the pkcs11: URI names no token (pkcs11:token=NAME)");
  if (out.token.size() > 24) return InvalidArgument("the token name must be at most 24 bytes (labels are 32)");
  if (out.module_path.empty()) {
    const char* env = std::getenv("RIIK_PKCS11_MODULE");
    out.module_path = env && *env ? env : kDefaultModule;
  }
  return out;
}

namespace {

CK_BYTE KeyId(EidKey key) { return key == EidKey::kAuthentication ? 1 : 2; }
// Object labels as on the Estonian card: "identification" and "signing".
std::string KeyLabel(EidKey key) { return key == EidKey::kAuthentication ? "Isikutuvastus" : "Allkirjastamine"; }

// A PIN the token refused, in words.
Status PinError(std::string_view what, CK_RV rv, const CK_TOKEN_INFO* info) {
  if (rv == CKR_PIN_LOCKED) {
    return FailedPrecondition(std::string(what) + " is blocked; unblock it with the PUK (riik id unblock)");
  }
  if (rv == CKR_PIN_INCORRECT) {
    std::string left = info && (info->flags & CKF_USER_PIN_FINAL_TRY) ? ", one try left" : "";
    return PermissionDenied("wrong " + std::string(what) + left);
  }
  if (rv == CKR_PIN_LEN_RANGE) return InvalidArgument(std::string(what) + " has a length the token does not accept");
  return Unavailable("the token refused " + std::string(what) + ": " + CkrName(rv));
}

// Logs in as the security officer with the PUK and sets the user PIN (C_InitPIN).
Status SetPinWithPuk(Pkcs11Session& session, EidKey key, std::string_view puk, std::string_view pin) {
  CK_RV rv = session.Login(CKU_SO, puk);
  if (rv != CKR_OK) return PinError("PUK", rv, nullptr);
  std::string copy(pin);
  rv = session.f()->C_InitPIN(session.handle(), reinterpret_cast<CK_UTF8CHAR*>(copy.data()), copy.size());
  session.Logout();
  if (rv != CKR_OK) return Unavailable("setting " + std::string(PinName(key)) + ": " + CkrName(rv));
  return OkStatus();
}

}  // namespace

Pkcs11Token::Pkcs11Token(std::string uri, std::string name, std::shared_ptr<Pkcs11Module> module)
    : uri_(std::move(uri)), name_(std::move(name)), module_(std::move(module)) {}
Pkcs11Token::~Pkcs11Token() = default;

Result<std::unique_ptr<Pkcs11Token>> Pkcs11Token::Open(std::string_view uri) {
  ASSIGN_OR_RETURN(Pkcs11Uri parsed, ParsePkcs11Uri(uri));
  ASSIGN_OR_RETURN(auto module, Pkcs11Module::Load(parsed.module_path));
  return std::unique_ptr<Pkcs11Token>(new Pkcs11Token(std::string(uri), parsed.token, std::move(module)));
}

std::string Pkcs11Token::Label(EidKey key) const { return name_ + " (" + std::string(PinName(key)) + ")"; }

Result<UniquePtr<EVP_PKEY>> Pkcs11Token::GenerateKey(EidKey key, std::string_view pin, std::string_view puk) {
  RETURN_IF_ERROR(CheckPin(key, pin));
  RETURN_IF_ERROR(CheckPuk(puk));
  std::string label = Label(key);
  ASSIGN_OR_RETURN(auto slot, module_->FindToken(label));
  if (!slot) {
    // A blank token: initialise it with the PUK as the security officer's PIN.
    ASSIGN_OR_RETURN(CK_SLOT_ID free, module_->FreeSlot());
    CK_UTF8CHAR padded[32];
    std::memset(padded, ' ', sizeof padded);
    std::memcpy(padded, label.data(), label.size());
    std::string so(puk);
    CK_RV rv = module_->f()->C_InitToken(free, reinterpret_cast<CK_UTF8CHAR*>(so.data()), so.size(), padded);
    if (rv != CKR_OK) return Unavailable("initialising the token " + label + ": " + CkrName(rv));
    ASSIGN_OR_RETURN(slot, module_->FindToken(label));  // slots may be renumbered
    if (!slot) return Internal("the token " + label + " vanished after initialisation");
  }
  ASSIGN_OR_RETURN(auto session, Pkcs11Session::Open(module_, *slot));
  // The PUK sets the user PIN (a new token has none; a re-enrolled one gets the new PIN).
  RETURN_IF_ERROR(SetPinWithPuk(*session, key, puk, pin));
  CK_RV rv = session->Login(CKU_USER, pin);
  if (rv != CKR_OK) return PinError(PinName(key), rv, nullptr);

  CK_BYTE id = KeyId(key);
  ASSIGN_OR_RETURN(auto old, session->Find({Attr(CKA_ID, id)}));
  for (CK_OBJECT_HANDLE o : old) RETURN_IF_ERROR(session->Destroy(o));

  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_OBJECT_CLASS pub_class = CKO_PUBLIC_KEY, priv_class = CKO_PRIVATE_KEY;
  CK_KEY_TYPE ec = CKK_EC;
  std::string params = kSecp384r1;
  std::string key_label = KeyLabel(key);
  std::vector<CK_ATTRIBUTE> pub_tmpl = {Attr(CKA_CLASS, pub_class), Attr(CKA_KEY_TYPE, ec),  Attr(CKA_TOKEN, yes),
                                        Attr(CKA_VERIFY, yes),      Attr(CKA_EC_PARAMS, params), Attr(CKA_ID, id),
                                        Attr(CKA_LABEL, key_label)};
  std::vector<CK_ATTRIBUTE> priv_tmpl = {Attr(CKA_CLASS, priv_class), Attr(CKA_KEY_TYPE, ec), Attr(CKA_TOKEN, yes),
                                         Attr(CKA_PRIVATE, yes),      Attr(CKA_SENSITIVE, yes), Attr(CKA_EXTRACTABLE, no),
                                         Attr(CKA_SIGN, yes),         Attr(CKA_ID, id),        Attr(CKA_LABEL, key_label)};
  CK_MECHANISM mech{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  CK_OBJECT_HANDLE pub = 0, priv = 0;
  rv = session->f()->C_GenerateKeyPair(session->handle(), &mech, pub_tmpl.data(), pub_tmpl.size(), priv_tmpl.data(),
                                       priv_tmpl.size(), &pub, &priv);
  if (rv != CKR_OK) return Unavailable("generating a P-384 key on " + label + ": " + CkrName(rv));
  ASSIGN_OR_RETURN(std::string point, session->Attribute(pub, CKA_EC_POINT));
  // CKA_EC_POINT is a DER OCTET STRING around the point (some modules give it bare).
  if (point.size() == kP384PointBytes + 2 && point[0] == 0x04 && static_cast<unsigned char>(point[1]) == kP384PointBytes) {
    point = point.substr(2);
  }
  return EcPublicKey("P-384", point);
}

Status Pkcs11Token::StoreCertificate(EidKey key, std::string_view pin, X509* cert) {
  std::string label = Label(key);
  ASSIGN_OR_RETURN(auto slot, module_->FindToken(label));
  if (!slot) return NotFound("no token " + label + " on " + module_->path());
  ASSIGN_OR_RETURN(auto session, Pkcs11Session::Open(module_, *slot));
  CK_RV rv = session->Login(CKU_USER, pin);
  if (rv != CKR_OK) return PinError(PinName(key), rv, nullptr);
  CK_BYTE id = KeyId(key);
  CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
  ASSIGN_OR_RETURN(auto old, session->Find({Attr(CKA_CLASS, cert_class), Attr(CKA_ID, id)}));
  for (CK_OBJECT_HANDLE o : old) RETURN_IF_ERROR(session->Destroy(o));
  std::string der = CertificateDer(cert);
  std::string subject = ToDer(X509_get_subject_name(cert), i2d_X509_NAME);
  std::string cert_label = KeyLabel(key);
  CK_CERTIFICATE_TYPE x509 = CKC_X_509;
  CK_BBOOL yes = CK_TRUE;
  std::vector<CK_ATTRIBUTE> tmpl = {Attr(CKA_CLASS, cert_class), Attr(CKA_CERTIFICATE_TYPE, x509),
                                    Attr(CKA_TOKEN, yes),        Attr(CKA_ID, id),
                                    Attr(CKA_LABEL, cert_label), Attr(CKA_SUBJECT, subject),
                                    Attr(CKA_VALUE, der)};
  CK_OBJECT_HANDLE handle = 0;
  rv = session->f()->C_CreateObject(session->handle(), tmpl.data(), tmpl.size(), &handle);
  if (rv != CKR_OK) return Unavailable("storing the certificate on " + label + ": " + CkrName(rv));
  return OkStatus();
}

Result<UniquePtr<X509>> Pkcs11Token::Certificate(EidKey key) {
  std::string label = Label(key);
  ASSIGN_OR_RETURN(auto slot, module_->FindToken(label));
  if (!slot) return NotFound("no token " + label + " on " + module_->path());
  ASSIGN_OR_RETURN(auto session, Pkcs11Session::Open(module_, *slot));
  CK_BYTE id = KeyId(key);
  CK_OBJECT_CLASS cert_class = CKO_CERTIFICATE;
  ASSIGN_OR_RETURN(auto found, session->Find({Attr(CKA_CLASS, cert_class), Attr(CKA_ID, id)}));
  if (found.empty()) return NotFound("the token " + label + " holds no certificate");
  ASSIGN_OR_RETURN(std::string der, session->Attribute(found.front(), CKA_VALUE));
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  UniquePtr<X509> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return DataLoss("the certificate on " + label + " does not parse");
  return cert;
}

Result<PinState> Pkcs11Token::State(EidKey key) {
  ASSIGN_OR_RETURN(auto slot, module_->FindToken(Label(key)));
  if (!slot) return NotFound("no token " + Label(key) + " on " + module_->path());
  ASSIGN_OR_RETURN(CK_TOKEN_INFO info, module_->TokenInfo(*slot));
  if (info.flags & CKF_USER_PIN_LOCKED) return PinState{0, true};
  if (info.flags & CKF_USER_PIN_FINAL_TRY) return PinState{1, false};
  return PinState{-1, false};
}

Result<UniquePtr<EVP_PKEY>> Pkcs11Token::PrivateKey(EidKey key, std::string_view pin) {
  ASSIGN_OR_RETURN(UniquePtr<X509> cert, Certificate(key));
  ASSIGN_OR_RETURN(auto slot, module_->FindToken(Label(key)));
  if (!slot) return NotFound("no token " + Label(key));
  ASSIGN_OR_RETURN(auto session, Pkcs11Session::Open(module_, *slot));
  CK_RV rv = session->Login(CKU_USER, pin);
  if (rv != CKR_OK) {
    auto info = module_->TokenInfo(*slot);
    return PinError(PinName(key), rv, info.ok() ? &*info : nullptr);
  }
  CK_BYTE id = KeyId(key);
  CK_OBJECT_CLASS priv_class = CKO_PRIVATE_KEY;
  ASSIGN_OR_RETURN(auto found, session->Find({Attr(CKA_CLASS, priv_class), Attr(CKA_ID, id)}));
  if (found.empty()) return NotFound("the token " + Label(key) + " holds no private key");
  return TokenKey(X509_get0_pubkey(cert.get()), std::move(session), found.front());
}

Status Pkcs11Token::Unblock(EidKey key, std::string_view puk, std::string_view new_pin) {
  RETURN_IF_ERROR(CheckPin(key, new_pin));
  ASSIGN_OR_RETURN(auto slot, module_->FindToken(Label(key)));
  if (!slot) return NotFound("no token " + Label(key) + " on " + module_->path());
  ASSIGN_OR_RETURN(auto session, Pkcs11Session::Open(module_, *slot));
  return SetPinWithPuk(*session, key, puk, new_pin);
}

}  // namespace riik::eid
