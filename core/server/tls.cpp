#include "server/tls.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <vector>

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

// The names of the PEM blocks in a file ("CERTIFICATE", "PRIVATE KEY"...), read without decoding
// them (so no passphrase prompt); nullopt when the file cannot be opened. OpenSSL's loaders only say
// "DECODER routines::unsupported" or "no start line" when a part is missing.
std::optional<std::vector<std::string>> pem_block_names(const std::string &file) {
    BIO *bio = BIO_new_file(file.c_str(), "r");
    if (!bio) return std::nullopt;
    std::vector<std::string> names;
    char *name = nullptr, *header = nullptr;
    unsigned char *data = nullptr;
    long len = 0;
    while (PEM_read_bio(bio, &name, &header, &data, &len) == 1) {
        names.emplace_back(name);
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
    }
    BIO_free(bio);
    ERR_clear_error(); // the loop ends on "no start line"
    return names;
}

bool any_ends_with(const std::vector<std::string> &names, std::string_view tail) {
    return std::any_of(names.begin(), names.end(), [&](const std::string &n) {
        return n.size() >= tail.size() && n.compare(n.size() - tail.size(), tail.size(), tail) == 0;
    });
}

// A key with a passphrase cannot be used by a daemon: fail instead of prompting on the terminal.
int no_passphrase(char *, int, int, void *) { return -1; }

// Loads CERTFILE (certificate chain + key in one PEM file, NUT's format) into ctx, or says which
// part of the file is wrong.
void use_certfile(SSL_CTX *ctx, const std::string &certfile) {
    const std::string where = "certfile " + certfile + ": ";
    const auto names = pem_block_names(certfile);
    if (!names) throw std::runtime_error(where + "cannot open: " + openssl_error());
    // "CERTIFICATE", "TRUSTED CERTIFICATE"; "PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY"...
    if (!any_ends_with(*names, "CERTIFICATE"))
        throw std::runtime_error(where + "no certificate found (the file must hold the certificate and its key, PEM)");
    if (!any_ends_with(*names, "PRIVATE KEY"))
        throw std::runtime_error(where + "no private key found (the file must hold the certificate and its key, PEM)");
    if (SSL_CTX_use_certificate_chain_file(ctx, certfile.c_str()) != 1)
        throw std::runtime_error(where + "cannot use the certificate: " + openssl_error());
    SSL_CTX_set_default_passwd_cb(ctx, no_passphrase);
    const std::string mismatch = where + "the private key does not match the certificate";
    if (SSL_CTX_use_PrivateKey_file(ctx, certfile.c_str(), SSL_FILETYPE_PEM) != 1) {
        // Loading already compares the key with the certificate.
        const unsigned long e = ERR_peek_last_error();
        if (ERR_GET_LIB(e) == ERR_LIB_X509 && ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH) {
            ERR_clear_error();
            throw std::runtime_error(mismatch);
        }
        throw std::runtime_error(where + "cannot use the private key (it must not be encrypted): " + openssl_error());
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
        ERR_clear_error();
        throw std::runtime_error(mismatch);
    }
}

} // namespace

std::string nss_database_in(const std::string &certpath) {
    if (certpath.empty()) return {};
    for (const char *db : {"cert9.db", "cert8.db"}) {
        const std::string f = certpath + "/" + db;
        if (::access(f.c_str(), F_OK) == 0) return f;
    }
    return {};
}

TlsContext::TlsContext(const std::string &certfile, bool disable_weak, config::CertRequest certrequest,
                       const std::string &ca_path) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (!ctx_) throw std::runtime_error("TLS: " + openssl_error());
    SSL_CTX_set_min_proto_version(ctx_, disable_weak ? TLS1_2_VERSION : TLS1_VERSION);
    try {
        use_certfile(ctx_, certfile);
    } catch (...) {
        SSL_CTX_free(ctx_);
        ctx_ = nullptr;
        throw;
    }
    SSL_CTX_set_mode(ctx_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
    // Without a session id context OpenSSL refuses to resume any session once peers are verified
    // (certrequest), and clients that cache sessions (NUT's NSS upsmon) would lose contact.
    static const unsigned char kSessionContext[] = "nutpp-upsd";
    SSL_CTX_set_session_id_context(ctx_, kSessionContext, sizeof kSessionContext - 1);
    if (certrequest == config::CertRequest::No) return;
    auto fail = [&](const std::string &why) {
        SSL_CTX_free(ctx_);
        ctx_ = nullptr;
        throw std::runtime_error(why);
    };
    if (ca_path.empty())
        fail("CERTREQUEST needs CERTPATH: the CA certificate(s) that sign client certificates (PEM file or hashed directory)");
    if (!nss_database_in(ca_path).empty())
        fail("CERTPATH " + ca_path + " is an NSS database (NUT's NSS build); nutpp uses OpenSSL: give the client CA "
             "certificates as a PEM file or a hashed directory");
    struct stat st {};
    const bool dir = ::stat(ca_path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    if (SSL_CTX_load_verify_locations(ctx_, dir ? nullptr : ca_path.c_str(), dir ? ca_path.c_str() : nullptr) != 1)
        fail("cannot use CERTPATH " + ca_path + ": " + openssl_error());
    if (!dir) {
        // Tell clients which CAs we accept, so one holding several certificates picks the right one.
        if (STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(ca_path.c_str())) SSL_CTX_set_client_CA_list(ctx_, names);
    }
    int mode = SSL_VERIFY_PEER;
    if (certrequest == config::CertRequest::Require) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(ctx_, mode, nullptr);
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
        ERR_clear_error(); // SSL_get_error looks at the thread's queue: start it empty
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
        ERR_clear_error();
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
        ERR_clear_error();
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
