// A PKCS#11 module for tests that counts PIN tries as the Estonian ID card does, over
// SoftHSM2 (which does not count them): three wrong user PINs in a row block the PIN
// (CKR_PIN_LOCKED, CKF_USER_PIN_LOCKED), the last try is flagged (CKF_USER_PIN_FINAL_TRY)
// and fewer than three left CKF_USER_PIN_COUNT_LOW; a right PIN resets the count, and the
// security officer setting a new PIN with the PUK (C_InitPIN) unblocks it. Everything
// else is SoftHSM2's (RIIK_CARD_WRAPPED_MODULE, or its Debian path). Counts live in
// memory, per slot: what the card's chip keeps.
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>

#include <cstdlib>
#include <map>
#include <mutex>

namespace {

constexpr int kTries = 3;

CK_FUNCTION_LIST* real = nullptr;
CK_FUNCTION_LIST ours;
std::mutex mu;
std::map<CK_SLOT_ID, int> tries_left;                  // absent: kTries
std::map<CK_SESSION_HANDLE, CK_SLOT_ID> session_slot;  // which token a session is on

int& TriesLeft(CK_SLOT_ID slot) { return tries_left.try_emplace(slot, kTries).first->second; }

CK_RV OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, void* app, CK_NOTIFY notify, CK_SESSION_HANDLE_PTR session) {
  CK_RV rv = real->C_OpenSession(slot, flags, app, notify, session);
  if (rv == CKR_OK) {
    std::lock_guard lock(mu);
    session_slot[*session] = slot;
  }
  return rv;
}

CK_RV CloseSession(CK_SESSION_HANDLE session) {
  {
    std::lock_guard lock(mu);
    session_slot.erase(session);
  }
  return real->C_CloseSession(session);
}

CK_RV Login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  if (user != CKU_USER) return real->C_Login(session, user, pin, len);
  std::lock_guard lock(mu);
  int& left = TriesLeft(session_slot[session]);
  if (left == 0) return CKR_PIN_LOCKED;
  CK_RV rv = real->C_Login(session, user, pin, len);
  if (rv == CKR_PIN_INCORRECT) --left;
  if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) left = kTries;
  return rv;
}

CK_RV InitPin(CK_SESSION_HANDLE session, CK_UTF8CHAR_PTR pin, CK_ULONG len) {
  CK_RV rv = real->C_InitPIN(session, pin, len);
  if (rv == CKR_OK) {
    std::lock_guard lock(mu);
    TriesLeft(session_slot[session]) = kTries;
  }
  return rv;
}

CK_RV GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  CK_RV rv = real->C_GetTokenInfo(slot, info);
  if (rv != CKR_OK) return rv;
  std::lock_guard lock(mu);
  int left = TriesLeft(slot);
  info->flags &= ~(CKF_USER_PIN_LOCKED | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW);
  if (left == 0) info->flags |= CKF_USER_PIN_LOCKED;
  if (left == 1) info->flags |= CKF_USER_PIN_FINAL_TRY;
  if (left < kTries) info->flags |= CKF_USER_PIN_COUNT_LOW;
  return rv;
}

}  // namespace

extern "C" CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (real == nullptr) {
    const char* path = std::getenv("RIIK_CARD_WRAPPED_MODULE");
    void* handle = ::dlopen(path && *path ? path : "/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return CKR_GENERAL_ERROR;
    auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(handle, "C_GetFunctionList"));
    if (get == nullptr || get(&real) != CKR_OK) return CKR_GENERAL_ERROR;
    ours = *real;
    ours.C_OpenSession = OpenSession;
    ours.C_CloseSession = CloseSession;
    ours.C_Login = Login;
    ours.C_InitPIN = InitPin;
    ours.C_GetTokenInfo = GetTokenInfo;
  }
  *list = &ours;
  return CKR_OK;
}
