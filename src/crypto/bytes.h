// Bytes held in a std::string as C cryptography libraries (OpenSSL, libsodium) take them.
#pragma once

#include <string_view>

namespace riik {

inline const unsigned char* Uchars(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

}  // namespace riik
