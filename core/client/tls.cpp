#include "client/tls.hpp"

#include "client/error.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <poll.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace nutpp::client {

namespace {

std::string openssl_reason() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0) return {};
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return buf;
}

[[noreturn]] void fail(const std::string &what) { throw Error("SSL error: " + what); }

} // namespace

TlsClient::TlsClient(const Socket &sock, const TlsOptions &opt, Socket::Clock::time_point deadline) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) fail(openssl_reason());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_VERSION); // what NUT 2.8.0's upsd may offer
    if (opt.verify) {
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
        int ok = 0;
        if (opt.ca_path.empty()) {
            ok = SSL_CTX_set_default_verify_paths(ctx_);
        } else {
            struct stat st {};
            const bool dir = ::stat(opt.ca_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
            ok = SSL_CTX_load_verify_locations(ctx_, dir ? nullptr : opt.ca_path.c_str(),
                                               dir ? opt.ca_path.c_str() : nullptr);
        }
        if (!ok) {
            const std::string why = openssl_reason();
            SSL_CTX_free(ctx_);
            fail("cannot load CA certificates from " + (opt.ca_path.empty() ? "the system store" : opt.ca_path) +
                 (why.empty() ? "" : ": " + why));
        }
    } else {
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    }
    ssl_ = SSL_new(ctx_);
    if (!ssl_ || !SSL_set_fd(ssl_, sock.fd())) {
        const std::string why = openssl_reason();
        if (ssl_) SSL_free(ssl_);
        SSL_CTX_free(ctx_);
        fail(why);
    }
    if (opt.verify && !opt.host.empty()) {
        SSL_set_tlsext_host_name(ssl_, opt.host.c_str());
        SSL_set1_host(ssl_, opt.host.c_str());
    }
    try {
        for (;;) {
            const int rc = SSL_connect(ssl_);
            if (rc == 1) break;
            if (!retry_after(sock, rc, deadline, "handshake")) fail("the server closed the connection during the handshake");
        }
    } catch (...) {
        SSL_free(ssl_);
        SSL_CTX_free(ctx_);
        throw;
    }
}

TlsClient::~TlsClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
}

bool TlsClient::retry_after(const Socket &sock, int rc, Socket::Clock::time_point deadline, const char *what) {
    const int err = SSL_get_error(ssl_, rc);
    short events = 0;
    if (err == SSL_ERROR_WANT_READ) events = POLLIN;
    else if (err == SSL_ERROR_WANT_WRITE) events = POLLOUT;
    else if (err == SSL_ERROR_ZERO_RETURN) return false;
    else if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0 && (rc == 0 || errno == 0)) return false; // EOF
    if (events == 0) {
        std::string why = openssl_reason();
        if (why.empty()) why = err == SSL_ERROR_SYSCALL ? std::strerror(errno) : "error " + std::to_string(err);
        const long vr = SSL_get_verify_result(ssl_);
        if (vr != X509_V_OK) why = std::string("certificate verification failed: ") + X509_verify_cert_error_string(vr);
        fail(std::string(what) + ": " + why);
    }
    if (!sock.wait(events, deadline)) fail(std::string(what) + ": Connection timed out");
    return true;
}

void TlsClient::write_all(const Socket &sock, std::string_view data, Socket::Clock::time_point deadline) {
    while (!data.empty()) {
        const int chunk = data.size() > size_t(INT_MAX) ? INT_MAX : static_cast<int>(data.size());
        const int rc = SSL_write(ssl_, data.data(), chunk);
        if (rc > 0) {
            data.remove_prefix(size_t(rc));
            continue;
        }
        if (!retry_after(sock, rc, deadline, "write")) throw write_error(EPIPE);
    }
}

size_t TlsClient::read_some(const Socket &sock, char *buf, size_t cap, Socket::Clock::time_point deadline) {
    const int want = cap > size_t(INT_MAX) ? INT_MAX : static_cast<int>(cap);
    for (;;) {
        const int rc = SSL_read(ssl_, buf, want);
        if (rc > 0) return size_t(rc);
        if (!retry_after(sock, rc, deadline, "read")) return 0;
    }
}

} // namespace nutpp::client
