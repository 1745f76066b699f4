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
    std::string host;       // name or address the certificate must carry when verifying (empty: not checked)
    std::string cert_file;  // PEM with our own certificate + key, for a upsd with CERTREQUEST (empty: none)
    bool operator==(const TlsOptions &) const = default;
};

class TlsClient {
public:
    // Runs the handshake on `sock` (already past "OK STARTTLS"). Throws Error "SSL error: ...".
    // The socket is not owned; every later call is given the same socket (by reference, because
    // the Connection holding both may move).
    TlsClient(Socket &sock, const TlsOptions &opt, Socket::Clock::time_point deadline);
    ~TlsClient();
    TlsClient(const TlsClient &) = delete;
    TlsClient &operator=(const TlsClient &) = delete;

    void write_all(Socket &sock, std::string_view data, Socket::Clock::time_point deadline);
    // Decrypted bytes (at most cap); 0 when the server closed the connection.
    size_t read_some(Socket &sock, char *buf, size_t cap, Socket::Clock::time_point deadline);

private:
    // After an SSL_* call returned `rc`: sends what OpenSSL wrote, reads more from the socket when
    // it needs that (true: retry), throws on errors and timeouts; false = the peer closed.
    bool retry_after(Socket &sock, int rc, Socket::Clock::time_point deadline, const char *what);
    void flush(Socket &sock, Socket::Clock::time_point deadline); // OpenSSL's output to the socket

    SSL_CTX *ctx_ = nullptr;
    SSL *ssl_ = nullptr;
};

} // namespace nutpp::client
