// The sign-in service's own pages, in English and Estonian: choose a method, type a
// personal code, see the verification code and wait for the app, choose whom to act
// for, errors, signed out.
// Plain HTML with labels, landmarks and keyboard-reachable controls; no inline script
// or style (the Content-Security-Policy allows only /static/signin.js and .css). Every
// dynamic text is escaped.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/provider.h"
#include "auth/refusal.h"

namespace riik::auth {

struct LoginPageData {
  std::string request_id;
  std::string csrf;
  std::string client_name;
  std::string lang;
  std::string error;  // a plain message from RefusalMessage, or empty
  bool app_pending = false;
  std::string verification_code;
  bool offer_app = true;  // false when the service asked for a level only the ID-card gives
};

std::string LoginPage(const LoginPageData& d);

// After sign-in, for a service that lets a person act for a company: whom they act for.
struct RepresentPageData {
  std::string request_id;
  std::string csrf;
  std::string lang;
  std::string person_name;
  std::vector<LegalPerson> companies;  // the board seats the business register named
  bool register_unavailable = false;   // it could not be asked: only "myself" is offered
};
std::string RepresentPage(const RepresentPageData& d);
std::string ErrorPage(std::string_view lang, std::string_view message);
std::string SignedOutPage(std::string_view lang);

// What to tell the person, in plain words, for each refusal.
std::string RefusalMessage(Refusal refusal, std::string_view lang);
// The message for an error from the authorization request that cannot go back to the
// service (unknown client, unregistered redirect URI).
std::string RequestErrorMessage(std::string_view lang);

// The pages' static assets by file name ("signin.js": the Web eID message interface and
// the app's long poll; "signin.css"), compiled in from src/auth/assets; empty if none.
std::string_view SignInAsset(std::string_view name);

}  // namespace riik::auth
