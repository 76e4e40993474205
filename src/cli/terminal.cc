// Reading secrets from the terminal.
#include "cli/terminal.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace riik::cli {

std::string ForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const auto next = [&](size_t k) { return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0; };
    if (c < 0x20 || c == 0x7f) {  // C0 and DEL
      out.push_back('?');
    } else if (c == 0xc2 && next(1) >= 0x80 && next(1) <= 0x9f) {  // C1: U+0080–U+009F
      out.push_back('?');
      i += 1;
    } else if (c == 0xe2 && next(1) == 0x80 && next(2) >= 0xaa && next(2) <= 0xae) {  // U+202A–U+202E
      out.push_back('?');
      i += 2;
    } else if (c == 0xe2 && next(1) == 0x81 && next(2) >= 0xa6 && next(2) <= 0xa9) {  // U+2066–U+2069
      out.push_back('?');
      i += 2;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

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
