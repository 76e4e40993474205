// A loaded PKCS#11 module and RAII sessions on its tokens. Internal to src/eid.
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace riik::eid {

// Plain words for a PKCS#11 return value, e.g. "CKR_PIN_INCORRECT".
std::string CkrName(CK_RV rv);

class Pkcs11Module {
 public:
  // Loads and initialises the module at `path` once per process; later calls with the
  // same path share it.
  static Result<std::shared_ptr<Pkcs11Module>> Load(const std::string& path);

  CK_FUNCTION_LIST* f() const { return f_; }
  const std::string& path() const { return path_; }

  // The slot whose token carries `label`, if any.
  Result<std::optional<CK_SLOT_ID>> FindToken(std::string_view label);
  // A slot with a token that is not initialised yet (SoftHSM2 always offers one).
  Result<CK_SLOT_ID> FreeSlot();
  Result<CK_TOKEN_INFO> TokenInfo(CK_SLOT_ID slot);

  Pkcs11Module(std::string path, void* handle, CK_FUNCTION_LIST* f) : path_(std::move(path)), handle_(handle), f_(f) {}
  Pkcs11Module(const Pkcs11Module&) = delete;
  Pkcs11Module& operator=(const Pkcs11Module&) = delete;

 private:
  Result<std::vector<CK_SLOT_ID>> Slots();
  std::string path_;
  [[maybe_unused]] void* handle_;  // from dlopen; modules stay loaded for the life of the process
  CK_FUNCTION_LIST* f_;
};

// A read-write session, closed on destruction (closing the application's last session
// on a token also logs it out).
class Pkcs11Session {
 public:
  static Result<std::unique_ptr<Pkcs11Session>> Open(std::shared_ptr<Pkcs11Module> module, CK_SLOT_ID slot);
  ~Pkcs11Session();
  Pkcs11Session(const Pkcs11Session&) = delete;
  Pkcs11Session& operator=(const Pkcs11Session&) = delete;

  // Logs in as `user` (CKU_USER or CKU_SO), logging out first so that the PIN is
  // always checked. Returns the module's CK_RV for the caller to explain.
  CK_RV Login(CK_USER_TYPE user, std::string_view pin);
  void Logout();

  // Handles of the objects matching `attrs`.
  Result<std::vector<CK_OBJECT_HANDLE>> Find(std::vector<CK_ATTRIBUTE> attrs);
  Result<std::string> Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  Status Destroy(CK_OBJECT_HANDLE object);

  CK_FUNCTION_LIST* f() const { return module_->f(); }
  CK_SESSION_HANDLE handle() const { return handle_; }
  CK_SLOT_ID slot() const { return slot_; }

 private:
  Pkcs11Session(std::shared_ptr<Pkcs11Module> module, CK_SLOT_ID slot, CK_SESSION_HANDLE h)
      : module_(std::move(module)), slot_(slot), handle_(h) {}
  std::shared_ptr<Pkcs11Module> module_;
  CK_SLOT_ID slot_;
  CK_SESSION_HANDLE handle_;
};

// A CK_ATTRIBUTE pointing at `value` (which must outlive the call that uses it).
template <typename T>
CK_ATTRIBUTE Attr(CK_ATTRIBUTE_TYPE type, T& value) {
  return CK_ATTRIBUTE{type, &value, sizeof(T)};
}
inline CK_ATTRIBUTE Attr(CK_ATTRIBUTE_TYPE type, std::string& bytes) {
  return CK_ATTRIBUTE{type, bytes.data(), bytes.size()};
}

}  // namespace riik::eid
