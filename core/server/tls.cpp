#include "server/tls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace nutpp::server {

namespace {

std::string openssl_error() {
    const unsigned long e = ERR_get_error();
    if (!e) return "unknown OpenSSL error";
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

} // namespace

TlsContext::TlsContext(const std::string &certfile, bool disable_weak) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (!ctx_) throw std::runtime_error("TLS: " + openssl_error());
    SSL_CTX_set_min_proto_version(ctx_, disable_weak ? TLS1_2_VERSION : TLS1_VERSION);
    if (SSL_CTX_use_certificate_chain_file(ctx_, certfile.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, certfile.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx_) != 1) {
        const std::string why = openssl_error();
        SSL_CTX_free(ctx_);
        throw std::runtime_error("cannot use CERTFILE " + certfile + ": " + why);
    }
    SSL_CTX_set_mode(ctx_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsStream::TlsStream(const TlsContext &ctx) {
    ssl_ = SSL_new(ctx.get());
    if (!ssl_) throw std::runtime_error("TLS: " + openssl_error());
    BIO *rbio = BIO_new(BIO_s_mem());
    BIO *wbio = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, rbio, wbio); // ssl_ owns both now
    SSL_set_accept_state(ssl_);
}

TlsStream::~TlsStream() { SSL_free(ssl_); }

bool TlsStream::step(std::string &plain) {
    if (!done_) {
        const int r = SSL_do_handshake(ssl_);
        if (r != 1) {
            const int e = SSL_get_error(ssl_, r);
            if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
            error_ = "handshake failed: " + openssl_error();
            return false;
        }
        done_ = true;
        if (!queued_.empty()) {
            std::string q;
            q.swap(queued_);
            if (!write(q)) return false;
        }
    }
    char buf[16384];
    for (;;) {
        const int n = SSL_read(ssl_, buf, sizeof buf);
        if (n > 0) {
            plain.append(buf, size_t(n));
            continue;
        }
        const int e = SSL_get_error(ssl_, n);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return true;
        if (e == SSL_ERROR_ZERO_RETURN) return false; // close_notify: the peer is done
        error_ = "read failed: " + openssl_error();
        return false;
    }
}

bool TlsStream::feed(std::string_view cipher, std::string &plain) {
    if (!cipher.empty() && BIO_write(SSL_get_rbio(ssl_), cipher.data(), int(cipher.size())) != int(cipher.size())) {
        error_ = "buffer write failed";
        return false;
    }
    return step(plain);
}

bool TlsStream::write(std::string_view plain) {
    if (!done_) {
        queued_.append(plain);
        return true;
    }
    while (!plain.empty()) {
        const int n = SSL_write(ssl_, plain.data(), int(plain.size()));
        if (n <= 0) {
            error_ = "write failed: " + openssl_error();
            return false;
        }
        plain.remove_prefix(size_t(n));
    }
    return true;
}

void TlsStream::take_output(std::string &out) {
    BIO *w = SSL_get_wbio(ssl_);
    char buf[16384];
    int n;
    while ((n = BIO_read(w, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
}

} // namespace nutpp::server
