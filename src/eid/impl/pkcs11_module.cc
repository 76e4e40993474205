// Loading PKCS#11 modules, finding tokens, sessions.
#include "eid/impl/pkcs11_module.h"

#include <dlfcn.h>

#include <map>
#include <mutex>

namespace riik::eid {
namespace {

std::string Trim(const CK_UTF8CHAR* text, size_t size) {
  std::string s(reinterpret_cast<const char*>(text), size);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
  return s;
}

}  // namespace

std::string CkrName(CK_RV rv) {
  switch (rv) {
    case CKR_OK: return "CKR_OK";
    case CKR_PIN_INCORRECT: return "CKR_PIN_INCORRECT";
    case CKR_PIN_LOCKED: return "CKR_PIN_LOCKED";
    case CKR_PIN_LEN_RANGE: return "CKR_PIN_LEN_RANGE";
    case CKR_USER_PIN_NOT_INITIALIZED: return "CKR_USER_PIN_NOT_INITIALIZED";
    case CKR_TOKEN_NOT_PRESENT: return "CKR_TOKEN_NOT_PRESENT";
    case CKR_TOKEN_NOT_RECOGNIZED: return "CKR_TOKEN_NOT_RECOGNIZED";
    case CKR_SLOT_ID_INVALID: return "CKR_SLOT_ID_INVALID";
    case CKR_MECHANISM_INVALID: return "CKR_MECHANISM_INVALID";
    case CKR_USER_NOT_LOGGED_IN: return "CKR_USER_NOT_LOGGED_IN";
    case CKR_DEVICE_ERROR: return "CKR_DEVICE_ERROR";
    case CKR_GENERAL_ERROR: return "CKR_GENERAL_ERROR";
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "CKR 0x%lx", static_cast<unsigned long>(rv));
      return buf;
    }
  }
}

Result<std::shared_ptr<Pkcs11Module>> Pkcs11Module::Load(const std::string& path) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<Pkcs11Module>> loaded;
  std::lock_guard lock(mu);
  if (auto it = loaded.find(path); it != loaded.end()) return it->second;
  void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return NotFound("cannot load the PKCS#11 module " + path + ": " + ::dlerror());
  auto get_list = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
  CK_FUNCTION_LIST* f = nullptr;
  if (!get_list || get_list(&f) != CKR_OK || !f) {
    ::dlclose(handle);
    return InvalidArgument(path + " is not a PKCS#11 module (no C_GetFunctionList)");
  }
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  CK_RV rv = f->C_Initialize(&args);
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    ::dlclose(handle);
    return Unavailable("the PKCS#11 module " + path + " did not initialise: " + CkrName(rv));
  }
  auto module = std::make_shared<Pkcs11Module>(path, handle, f);
  loaded[path] = module;
  return module;
}

Result<std::vector<CK_SLOT_ID>> Pkcs11Module::Slots() {
  CK_ULONG count = 0;
  CK_RV rv = f_->C_GetSlotList(CK_TRUE, nullptr, &count);
  std::vector<CK_SLOT_ID> slots(count);
  if (rv == CKR_OK && count > 0) rv = f_->C_GetSlotList(CK_TRUE, slots.data(), &count);
  if (rv != CKR_OK) return Unavailable("listing the slots of " + path_ + ": " + CkrName(rv));
  slots.resize(count);
  return slots;
}

Result<CK_TOKEN_INFO> Pkcs11Module::TokenInfo(CK_SLOT_ID slot) {
  CK_TOKEN_INFO info{};
  CK_RV rv = f_->C_GetTokenInfo(slot, &info);
  if (rv != CKR_OK) return Unavailable("reading the token in slot " + std::to_string(slot) + ": " + CkrName(rv));
  return info;
}

Result<std::optional<CK_SLOT_ID>> Pkcs11Module::FindToken(std::string_view label) {
  ASSIGN_OR_RETURN(auto slots, Slots());
  for (CK_SLOT_ID slot : slots) {
    auto info = TokenInfo(slot);
    if (!info.ok() || !(info->flags & CKF_TOKEN_INITIALIZED)) continue;
    if (Trim(info->label, sizeof info->label) == label) return std::optional<CK_SLOT_ID>(slot);
  }
  return std::optional<CK_SLOT_ID>();
}

Result<CK_SLOT_ID> Pkcs11Module::FreeSlot() {
  ASSIGN_OR_RETURN(auto slots, Slots());
  for (CK_SLOT_ID slot : slots) {
    auto info = TokenInfo(slot);
    if (info.ok() && !(info->flags & CKF_TOKEN_INITIALIZED)) return slot;
  }
  return ResourceExhausted("the PKCS#11 module " + path_ + " has no free token to enroll on");
}

Result<std::unique_ptr<Pkcs11Session>> Pkcs11Session::Open(std::shared_ptr<Pkcs11Module> module, CK_SLOT_ID slot) {
  CK_SESSION_HANDLE h = 0;
  CK_RV rv = module->f()->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &h);
  if (rv != CKR_OK) return Unavailable("opening a session on slot " + std::to_string(slot) + ": " + CkrName(rv));
  return std::unique_ptr<Pkcs11Session>(new Pkcs11Session(std::move(module), slot, h));
}

Pkcs11Session::~Pkcs11Session() { f()->C_CloseSession(handle_); }

CK_RV Pkcs11Session::Login(CK_USER_TYPE user, std::string_view pin) {
  CK_SESSION_INFO info{};
  if (f()->C_GetSessionInfo(handle_, &info) == CKR_OK &&
      (info.state == CKS_RW_USER_FUNCTIONS || info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_SO_FUNCTIONS)) {
    f()->C_Logout(handle_);
  }
  std::string copy(pin);
  return f()->C_Login(handle_, user, reinterpret_cast<CK_UTF8CHAR*>(copy.data()), copy.size());
}

void Pkcs11Session::Logout() { f()->C_Logout(handle_); }

Result<std::vector<CK_OBJECT_HANDLE>> Pkcs11Session::Find(std::vector<CK_ATTRIBUTE> attrs) {
  CK_RV rv = f()->C_FindObjectsInit(handle_, attrs.data(), attrs.size());
  if (rv != CKR_OK) return Unavailable("searching the token: " + CkrName(rv));
  std::vector<CK_OBJECT_HANDLE> out;
  CK_OBJECT_HANDLE batch[16];
  CK_ULONG n = 0;
  while ((rv = f()->C_FindObjects(handle_, batch, 16, &n)) == CKR_OK && n > 0) out.insert(out.end(), batch, batch + n);
  f()->C_FindObjectsFinal(handle_);
  if (rv != CKR_OK) return Unavailable("searching the token: " + CkrName(rv));
  return out;
}

Result<std::string> Pkcs11Session::Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE a{type, nullptr, 0};
  CK_RV rv = f()->C_GetAttributeValue(handle_, object, &a, 1);
  if (rv != CKR_OK || a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen > (1u << 20)) {
    return Unavailable("reading an attribute from the token: " + CkrName(rv));
  }
  std::string value(a.ulValueLen, '\0');
  a.pValue = value.data();
  rv = f()->C_GetAttributeValue(handle_, object, &a, 1);
  if (rv != CKR_OK) return Unavailable("reading an attribute from the token: " + CkrName(rv));
  value.resize(a.ulValueLen);
  return value;
}

Status Pkcs11Session::Destroy(CK_OBJECT_HANDLE object) {
  CK_RV rv = f()->C_DestroyObject(handle_, object);
  if (rv != CKR_OK) return Unavailable("deleting an object on the token: " + CkrName(rv));
  return OkStatus();
}

}  // namespace riik::eid
