// TLS on a client connection after "OK STARTTLS" (OpenSSL), the part of libupsclient that upsc
// and upsmon use against a upsd that has a certificate. The TLS records go over the connection's
// own non-blocking socket, so every read and write keeps the connection's deadline.
#pragma once

#include "client/socket.hpp"

#include <string>
#include <string_view>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace nutpp::client {

struct TlsOptions {
    // Check the server's certificate against the CAs in ca_path (upsmon's CERTVERIFY); without
    // it, like NUT's upsc, any certificate is taken (encryption without authentication).
    bool verify = false;
    std::string ca_path;    // PEM file or hashed directory of CA certificates (CERTPATH); empty: system's
    std::string host;       // name the certificate must carry when verifying (empty: not checked)
};

class TlsClient {
public:
    // Runs the handshake on `sock` (already past "OK STARTTLS"). Throws Error "SSL error: ...".
    // The socket is not owned; every later call is given the same socket (by reference, because
    // the Connection holding both may move).
    TlsClient(const Socket &sock, const TlsOptions &opt, Socket::Clock::time_point deadline);
    ~TlsClient();
    TlsClient(const TlsClient &) = delete;
    TlsClient &operator=(const TlsClient &) = delete;

    void write_all(const Socket &sock, std::string_view data, Socket::Clock::time_point deadline);
    // Decrypted bytes (at most cap); 0 when the server closed the connection.
    size_t read_some(const Socket &sock, char *buf, size_t cap, Socket::Clock::time_point deadline);

private:
    // After an SSL_* call returned `rc`: waits for the socket when OpenSSL needs it (true: retry),
    // throws on errors and timeouts; false = the peer closed cleanly.
    bool retry_after(const Socket &sock, int rc, Socket::Clock::time_point deadline, const char *what);

    SSL_CTX *ctx_ = nullptr;
    SSL *ssl_ = nullptr;
};

} // namespace nutpp::client
