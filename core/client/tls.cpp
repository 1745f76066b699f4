#include "client/tls.hpp"

#include "client/error.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
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

TlsClient::TlsClient(Socket &sock, const TlsOptions &opt, Socket::Clock::time_point deadline) {
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
    if (!opt.cert_file.empty() && (SSL_CTX_use_certificate_chain_file(ctx_, opt.cert_file.c_str()) != 1 ||
                                   SSL_CTX_use_PrivateKey_file(ctx_, opt.cert_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
                                   SSL_CTX_check_private_key(ctx_) != 1)) {
        const std::string why = openssl_reason();
        SSL_CTX_free(ctx_);
        fail("cannot use client certificate " + opt.cert_file + (why.empty() ? "" : ": " + why));
    }
    ssl_ = SSL_new(ctx_);
    if (!ssl_) {
        const std::string why = openssl_reason();
        SSL_CTX_free(ctx_);
        fail(why);
    }
    // Memory BIOs: the bytes go through Socket (send with MSG_NOSIGNAL, deadlines), so a server
    // that hangs up mid-write is an error here, not a SIGPIPE that kills the program.
    SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem())); // ssl_ owns both
    SSL_set_connect_state(ssl_);
    if (opt.verify && !opt.host.empty()) {
        // An address is checked against the certificate's IP entries; a name against its DNS
        // names (and sent as SNI, which must not carry an address).
        in6_addr ip{};
        const bool is_ip = ::inet_pton(AF_INET, opt.host.c_str(), &ip) == 1 || ::inet_pton(AF_INET6, opt.host.c_str(), &ip) == 1;
        if (is_ip) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), opt.host.c_str());
        } else {
            SSL_set_tlsext_host_name(ssl_, opt.host.c_str());
            SSL_set1_host(ssl_, opt.host.c_str());
        }
    }
    try {
        for (;;) {
            ERR_clear_error(); // SSL_get_error looks at the thread's whole queue
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

void TlsClient::flush(Socket &sock, Socket::Clock::time_point deadline) {
    BIO *out = SSL_get_wbio(ssl_);
    char buf[16384];
    for (int n; (n = BIO_read(out, buf, sizeof buf)) > 0;) sock.write_all(std::string_view(buf, size_t(n)), deadline);
}

bool TlsClient::retry_after(Socket &sock, int rc, Socket::Clock::time_point deadline, const char *what) {
    const int err = SSL_get_error(ssl_, rc);
    flush(sock, deadline); // whatever OpenSSL produced (handshake records, alerts) goes out first
    if (err == SSL_ERROR_ZERO_RETURN) return false;
    if (err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
        std::string why = openssl_reason();
        if (why.empty()) why = "error " + std::to_string(err);
        const long vr = SSL_get_verify_result(ssl_);
        if (vr != X509_V_OK) why = std::string("certificate verification failed: ") + X509_verify_cert_error_string(vr);
        fail(std::string(what) + ": " + why);
    }
    if (err == SSL_ERROR_WANT_WRITE) return true; // memory BIO: flushed above, try again
    char buf[16384];
    size_t n = 0;
    try {
        n = sock.read_some(buf, sizeof buf, deadline);
    } catch (const Error &e) {
        fail(std::string(what) + ": " + e.what());
    }
    if (n == 0) return false; // the server closed the connection
    BIO_write(SSL_get_rbio(ssl_), buf, static_cast<int>(n));
    return true;
}

void TlsClient::write_all(Socket &sock, std::string_view data, Socket::Clock::time_point deadline) {
    while (!data.empty()) {
        const int chunk = data.size() > size_t(INT_MAX) ? INT_MAX : static_cast<int>(data.size());
        ERR_clear_error();
        const int rc = SSL_write(ssl_, data.data(), chunk);
        if (rc > 0) {
            data.remove_prefix(size_t(rc));
            flush(sock, deadline);
            continue;
        }
        if (!retry_after(sock, rc, deadline, "write")) throw write_error(EPIPE);
    }
}

size_t TlsClient::read_some(Socket &sock, char *buf, size_t cap, Socket::Clock::time_point deadline) {
    const int want = cap > size_t(INT_MAX) ? INT_MAX : static_cast<int>(cap);
    for (;;) {
        ERR_clear_error();
        const int rc = SSL_read(ssl_, buf, want);
        if (rc > 0) return size_t(rc);
        if (!retry_after(sock, rc, deadline, "read")) return 0;
    }
}

} // namespace nutpp::client
