// Reading secrets from the terminal.
#include "cli/terminal.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace riik::cli {

Result<std::string> SecretFromEnv(const char* env, const char* what) {
  if (const char* v = std::getenv(env); v && *v) return std::string(v);
  return AskSecret(what, std::string("in $") + env);
}

Result<std::string> AskSecret(const std::string& what, const std::string& otherwise) {
  if (!::isatty(STDIN_FILENO))
    return InvalidArgument("give " + what + " " + otherwise + " (or run on a terminal to be asked)");
  std::fprintf(stderr, "%s: ", what.c_str());
  termios old{};
  bool have = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (have) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (have) ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::fprintf(stderr, "\n");
  return line;
}

}  // namespace riik::cli
