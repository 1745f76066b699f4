// STARTTLS with OpenSSL. NUT's OpenSSL build takes CERTFILE = one PEM file holding the server
// certificate (chain) and its private key; we accept the same file.
//
// The TLS engine works on memory BIOs: the network layer keeps doing plain non-blocking
// read()/write() on the socket and passes bytes through a TlsStream. That keeps one I/O path for
// clear and TLS connections and lets bytes that arrive right after "STARTTLS\n" in the same read
// go into the handshake instead of being lost.
#pragma once

#include "config/config.hpp"

#include <memory>
#include <string>
#include <string_view>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace nutpp::server {

class TlsContext {
public:
    // Throws std::runtime_error (with OpenSSL's reason) if the file cannot be used.
    // disable_weak: TLS 1.2 or newer only (DISABLE_WEAK_SSL); otherwise TLS 1.0+ like NUT 2.8.
    // certrequest (NUT's CERTREQUEST): ask TLS clients for a certificate (Request: checked when
    // given) or insist on one (Require), verified against the CAs in `ca_path` (a PEM file or a
    // hashed directory; NUT's NSS build keeps them in the CERTPATH database instead).
    TlsContext(const std::string &certfile, bool disable_weak, config::CertRequest certrequest = config::CertRequest::No,
               const std::string &ca_path = {});
    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;
    SSL_CTX *get() const { return ctx_; }

private:
    SSL_CTX *ctx_ = nullptr;
};

// What an upsd.conf written for NUT's NSS build looks like to us: CERTPATH naming an NSS
// database directory (cert9.db / cert8.db). Empty when `certpath` is not one.
std::string nss_database_in(const std::string &certpath);

class TlsStream {
public:
    explicit TlsStream(const TlsContext &ctx);
    ~TlsStream();
    TlsStream(const TlsStream &) = delete;
    TlsStream &operator=(const TlsStream &) = delete;

    // Ciphertext from the peer in; decrypted application bytes appended to `plain`.
    // false: fatal TLS error (the connection must be closed).
    bool feed(std::string_view cipher, std::string &plain);
    // Encrypts application bytes (queued until the handshake is done).
    bool write(std::string_view plain);
    // Ciphertext to send to the peer (handshake records and encrypted data), appended to `out`.
    void take_output(std::string &out);
    bool handshake_done() const { return done_; }
    std::string last_error() const { return error_; }

private:
    bool step(std::string &plain);
    SSL *ssl_ = nullptr;
    bool done_ = false;
    std::string queued_; // application data written before the handshake finished
    std::string error_;
};

} // namespace nutpp::server
