// A crypt(3) hash made with libxcrypt for tests that configure `password_hash` (link `crypt`).
#pragma once

#include <crypt.h>

#include <string>

namespace nutpp::testing {

// `method` "$y$" (yescrypt, Debian's default), "$6$" (SHA-512) ...; `cost` 0: the method's default.
// Empty when libxcrypt cannot make one.
inline std::string crypt_hash(const std::string &password, const char *method = "$y$", unsigned long cost = 0) {
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (!crypt_gensalt_rn(method, cost, nullptr, 0, salt, sizeof salt)) return "";
    crypt_data data{};
    const char *out = crypt_r(password.c_str(), salt, &data);
    return out && out[0] == '$' ? out : "";
}

} // namespace nutpp::testing
