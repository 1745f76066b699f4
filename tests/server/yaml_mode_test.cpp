// upsd on a nutpp YAML file serving our own upsdrvd (sim plugin on cp1000avrlcd.dev): the users
// section (plain and crypt(3)-hashed passwords), STARTTLS with OpenSSL, -c reload|stop, and NUT
// drop-in start-up rules.
#include "upsd_fixture.hpp"
#include "upsdrvd_fixture.hpp"

#include "client/connection.hpp"

#include <gtest/gtest.h>

#include <openssl/ssl.h>

#include <algorithm>
#include <filesystem>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

namespace {

std::string shell_out(const std::string &cmd) {
    const auto r = run_command({"/bin/sh", "-c", cmd});
    std::string s = r.out;
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    return s;
}

class YamlMode : public ::testing::Test {
protected:
    void SetUp() override {
        hash_ = shell_out("openssl passwd -6 -salt nutppsalt hashedpass");
        ASSERT_EQ(hash_.rfind("$6$", 0), 0u) << hash_;
        top_ = "server:\n  listen: [\"127.0.0.1:{PORT}\"]\n  maxage: 15\n" + extra_server() +
               "users:\n"
               "  admin: { password: adminpass, actions: [set, fsd], instcmds: [all] }\n"
               "  hashed: { password_hash: \"" + hash_ + "\", actions: [set] }\n"
               "  mon: { password: monpass, upsmon: secondary }\n";
        devices_ = "  demo:\n    driver: sim\n    port: " + std::string(NUTPP_SIM_DATA_DIR) +
                   "/cp1000avrlcd.dev\n    desc: \"nutpp sim\"\n";
        drivers_.write_config(devices_, no_port(top_));
        drivers_.start();
        drivers_.dump("sim", "demo");
        const std::string dir = drivers_.dir().string() + "/upsd";
        std::filesystem::create_directories(dir);
        upsd_ = std::make_unique<YamlUpsd>(dir, "state_dir: " + drivers_.state_dir() + "\n" + top_ + "devices:\n" + devices_);
        ASSERT_TRUE(upsd_->wait_value("demo", "ups.status", 10s)) << upsd_->log();
    }
    virtual std::string extra_server() const { return ""; }
    static std::string no_port(std::string s) {
        for (size_t p; (p = s.find("{PORT}")) != std::string::npos;) s.replace(p, 6, "1");
        return s;
    }
    UpsdrvdProcess drivers_;
    std::unique_ptr<YamlUpsd> upsd_;
    std::string hash_, top_, devices_;
};

} // namespace

TEST_F(YamlMode, ServesUpsdrvdDevice) {
    RawConn c(upsd_->port());
    EXPECT_EQ(c.ask("GET VAR demo ups.status"), "VAR demo ups.status \"OL\"");
    EXPECT_EQ(c.ask("GET VAR demo battery.charge"), "VAR demo battery.charge \"100\"");
    EXPECT_EQ(c.ask("GET UPSDESC demo"), "UPSDESC demo \"nutpp sim\"");
    ASSERT_TRUE(c.send("LIST UPS\n"));
    EXPECT_EQ(c.read_lines(3), "BEGIN LIST UPS\nUPS demo \"nutpp sim\"\nEND LIST UPS\n");
    if (access("/usr/bin/upsc", X_OK) == 0) {
        const auto r = run_command({"upsc", "demo@127.0.0.1:" + std::to_string(upsd_->port())});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_NE(r.out.find("device.model: CP1000AVRLCD\n"), std::string::npos) << r.out;
    }
}

// The whole nutpp stack: our upsc/upscmd/upsrw against our upsd against our upsdrvd. upsc's output
// must equal NUT's own upsc's against the same server.
TEST_F(YamlMode, OurClientsDriveTheWholeStack) {
    const std::string spec = "demo@127.0.0.1:" + std::to_string(upsd_->port());
    const auto ours = run_command({UPSC_BIN, spec});
    EXPECT_EQ(ours.exit_code, 0) << ours.err;
    EXPECT_NE(ours.out.find("ups.status: OL\n"), std::string::npos) << ours.out;
    if (access("/usr/bin/upsc", X_OK) == 0) {
        EXPECT_EQ(run_command({"/usr/bin/upsc", spec}).out, ours.out);
    }
    const auto cmds = run_command({UPSCMD_BIN, "-l", spec});
    EXPECT_EQ(cmds.exit_code, 0) << cmds.err;
    EXPECT_NE(cmds.out.find("load.off"), std::string::npos) << cmds.out;
    const auto set = run_command({UPSRW_BIN, "-s", "ups.delay.shutdown=45", "-u", "admin", "-p", "adminpass", "-w", spec});
    EXPECT_EQ(set.exit_code, 0) << set.out << set.err;
    EXPECT_EQ(run_command({UPSC_BIN, spec, "ups.delay.shutdown"}).out, "45\n");
}

TEST_F(YamlMode, HashedAndPlainPasswords) {
    {
        RawConn c(upsd_->port());
        c.ask("USERNAME hashed");
        c.ask("PASSWORD hashedpass");
        // The hash verified and the SET right was granted (the sim publishes ups.load writable).
        EXPECT_EQ(c.ask("SET VAR demo ups.load 1"), "OK");
        EXPECT_EQ(c.ask("SET VAR demo no.such.var 1"), "ERR VAR-NOT-SUPPORTED");
        EXPECT_EQ(c.ask("FSD demo"), "ERR ACCESS-DENIED"); // no fsd action
    }
    {
        RawConn c(upsd_->port());
        c.ask("USERNAME hashed");
        c.ask("PASSWORD wrong");
        EXPECT_EQ(c.ask("SET VAR demo ups.load 1"), "ERR ACCESS-DENIED");
    }
    {
        RawConn c(upsd_->port());
        c.ask("USERNAME mon");
        c.ask("PASSWORD monpass");
        EXPECT_EQ(c.ask("LOGIN demo"), "OK");
        EXPECT_EQ(c.ask("PRIMARY demo"), "ERR ACCESS-DENIED"); // secondary role
        EXPECT_EQ(c.ask("GET NUMLOGINS demo"), "NUMLOGINS demo 1");
    }
}

TEST_F(YamlMode, ReloadAndStopViaPidFile) {
    // Add a user, reload with -c reload, the user can act.
    const std::string cfg = upsd_->config();
    std::string text = read_file(cfg);
    text.replace(text.find("users:\n"), 7, "users:\n  late: { password: latepass, upsmon: primary }\n");
    write_file(cfg, text);
    auto r = run_command({UPSD_BIN, "-f", cfg, "-c", "reload"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string ans;
    for (int i = 0; i < 30 && ans != "OK"; ++i, std::this_thread::sleep_for(100ms)) {
        RawConn c(upsd_->port());
        c.ask("USERNAME late");
        c.ask("PASSWORD latepass");
        ans = c.ask("LOGIN demo");
    }
    EXPECT_EQ(ans, "OK") << upsd_->log();
    r = run_command({UPSD_BIN, "-f", cfg, "-c", "stop"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (int i = 0; i < 50 && upsd_->process().running(); ++i) std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(upsd_->process().running());
}

TEST_F(YamlMode, StarttlsWithoutCertificateIsNotConfigured) {
    RawConn c(upsd_->port());
    EXPECT_EQ(c.ask("STARTTLS"), "ERR FEATURE-NOT-CONFIGURED");
    EXPECT_EQ(c.ask("GET VAR demo ups.status"), "VAR demo ups.status \"OL\"");
}

namespace {

class YamlTls : public YamlMode {
protected:
    std::string extra_server() const override {
        // A throw-away self-signed certificate + key in one PEM, as NUT's CERTFILE.
        const std::string dir = cert_dir();
        shell_out("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/k.pem -out " + dir +
                  "/c.pem -subj /CN=localhost -days 2 2>/dev/null && cat " + dir + "/c.pem " + dir + "/k.pem > " +
                  dir + "/upsd.pem");
        return "  certfile: " + dir + "/upsd.pem\n";
    }
    std::string cert_dir() const { return drivers_.dir().string(); }
};

} // namespace

TEST_F(YamlTls, StarttlsThenQueriesOverTls) {
    RawConn c(upsd_->port());
    ASSERT_EQ(c.ask("STARTTLS"), "OK STARTTLS");
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, c.fd());
    ASSERT_EQ(SSL_connect(ssl), 1);
    const std::string req = "GET VAR demo ups.status\nSTARTTLS\n";
    ASSERT_EQ(SSL_write(ssl, req.data(), int(req.size())), int(req.size()));
    std::string got;
    char buf[512];
    while (std::count(got.begin(), got.end(), '\n') < 2) {
        const int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        got.append(buf, size_t(n));
    }
    EXPECT_EQ(got, "VAR demo ups.status \"OL\"\nERR ALREADY-SSL-MODE\n");
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    // Plain clients keep working next to TLS ones.
    RawConn plain(upsd_->port());
    EXPECT_EQ(plain.ask("GET VAR demo ups.status"), "VAR demo ups.status \"OL\"");
}

// Garbage right behind STARTTLS in the same packet: the client still gets "OK STARTTLS" and a TLS
// alert before upsd closes, rather than a silent hang-up.
TEST_F(YamlTls, JunkAfterStarttlsInOnePacketGetsTheReplyAndAnAlert) {
    RawConn c(upsd_->port());
    // A handshake record holding an empty ClientHello: well framed, so OpenSSL answers with an alert.
    ASSERT_TRUE(c.send(std::string("STARTTLS\n") + std::string("\x16\x03\x01\x00\x04\x01\x00\x00\x00", 9)));
    const std::string got = c.read_quiet();
    ASSERT_EQ(got.rfind("OK STARTTLS\n", 0), 0u) << got;
    ASSERT_GT(got.size(), 12u) << "no alert after OK STARTTLS";
    EXPECT_EQ(got[12], '\x15') << "a TLS alert record follows";
    EXPECT_TRUE(c.closed_by_peer());
}

// Our client library and upsc: STARTTLS accepted, the session goes on encrypted.
TEST_F(YamlTls, OurClientsTalkTls) {
    auto c = nutpp::client::Connection::tcp("127.0.0.1", upsd_->port());
    EXPECT_TRUE(c.try_starttls());
    EXPECT_TRUE(c.is_tls());
    EXPECT_EQ(c.get_var("demo", "ups.status"), "OL");
    auto plain = nutpp::client::Connection::tcp("127.0.0.1", upsd_->port());
    const auto want = plain.list_var("demo");
    EXPECT_GT(want.size(), 30u);
    EXPECT_EQ(c.list_var("demo"), want); // the same LIST VAR, encrypted
    EXPECT_FALSE(c.try_starttls() && !c.is_tls()); // already in TLS: nothing sent again
    c.logout();
    // Before, upsc gave up with "SSL is not available" against any upsd holding a certificate.
    const auto r = run_command({UPSC_BIN, "demo@127.0.0.1:" + std::to_string(upsd_->port()), "ups.status"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "OL\n");
}

// Debian's NUT 2.8.0 upsc is built with NSS; it must negotiate TLS with our OpenSSL upsd too.
TEST_F(YamlTls, RealNutUpscTalksTlsToUs) {
    if (!std::filesystem::exists("/usr/bin/upsc")) GTEST_SKIP() << "NUT's upsc is not installed (nut-client)";
    const auto r = run_command({"/usr/bin/upsc", "demo@127.0.0.1:" + std::to_string(upsd_->port()), "ups.status"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "OL\n");
}

// upsmon's CERTVERIFY: the right CA and host name pass; another CA or another name fail, and a
// failed check never falls back to clear text.
TEST_F(YamlTls, CertificateVerification) {
    const std::string dir = cert_dir();
    auto attempt = [&](const nutpp::client::TlsOptions &o) -> std::string {
        auto c = nutpp::client::Connection::tcp("127.0.0.1", upsd_->port());
        try {
            c.try_starttls(o);
            return c.get_var("demo", "ups.status");
        } catch (const nutpp::client::Error &e) {
            EXPECT_FALSE(c.is_open());
            return e.what();
        }
    };
    EXPECT_EQ(attempt({true, dir + "/c.pem", "localhost", ""}), "OL");
    EXPECT_EQ(attempt({true, dir + "/c.pem", "", ""}), "OL"); // library level: no name given, none checked
    // An address is checked against the certificate's IP entries: CN=localhost has none.
    const std::string by_ip = attempt({true, dir + "/c.pem", "127.0.0.1", ""});
    EXPECT_EQ(by_ip.rfind("SSL error: handshake: certificate verification failed", 0), 0u) << by_ip;
    const std::string wrong_name = attempt({true, dir + "/c.pem", "ups.example.org", ""});
    EXPECT_EQ(wrong_name.rfind("SSL error: handshake: certificate verification failed", 0), 0u) << wrong_name;
    shell_out("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/other-k.pem -out " + dir +
              "/other.pem -subj /CN=localhost -days 2 2>/dev/null");
    const std::string wrong_ca = attempt({true, dir + "/other.pem", "localhost", ""});
    EXPECT_EQ(wrong_ca.rfind("SSL error: handshake: certificate verification failed", 0), 0u) << wrong_ca;
    const std::string no_ca = attempt({true, dir + "/missing.pem", "", ""});
    EXPECT_EQ(no_ca.rfind("SSL error: cannot load CA certificates from " + dir + "/missing.pem", 0), 0u) << no_ca;
}

namespace {

// CERTREQUEST: a CA signs one client certificate; another client certificate is self-signed.
class YamlTlsClientCert : public YamlTls {
protected:
    std::string extra_server() const override {
        const std::string d = cert_dir();
        const std::string req = "openssl req -newkey rsa:2048 -nodes -days 2 2>/dev/null ";
        shell_out(req + "-x509 -keyout " + d + "/ca-k.pem -out " + d + "/ca.pem -subj /CN=nutpp-test-ca");
        shell_out(req + "-keyout " + d + "/mon-k.pem -out " + d + "/mon.csr -subj /CN=upsmon && "
                  "openssl x509 -req -in " + d + "/mon.csr -CA " + d + "/ca.pem -CAkey " + d + "/ca-k.pem "
                  "-CAcreateserial -days 2 -out " + d + "/mon-c.pem 2>/dev/null && cat " + d + "/mon-c.pem " + d +
                  "/mon-k.pem > " + d + "/mon.pem");
        shell_out(req + "-x509 -keyout " + d + "/rogue-k.pem -out " + d + "/rogue-c.pem -subj /CN=upsmon && cat " + d +
                  "/rogue-c.pem " + d + "/rogue-k.pem > " + d + "/rogue.pem");
        return YamlTls::extra_server() + "  certrequest: " + level() + "\n  certpath: " + d + "/ca.pem\n";
    }
    virtual std::string level() const { return "require"; }
    // STARTTLS with `cert_file`, then one query: the reply, or the error.
    std::string query_with(const std::string &cert_file) {
        auto c = nutpp::client::Connection::tcp("127.0.0.1", upsd_->port());
        try {
            nutpp::client::TlsOptions o;
            o.cert_file = cert_file;
            c.try_starttls(o);
            return c.get_var("demo", "ups.status");
        } catch (const nutpp::client::Error &e) {
            return e.what();
        }
    }
};

class YamlTlsClientCertRequested : public YamlTlsClientCert {
protected:
    std::string level() const override { return "request"; }
};

bool is_ssl_error(const std::string &s) { return s.rfind("SSL error: ", 0) == 0; }

} // namespace

TEST_F(YamlTlsClientCert, RequireTakesOnlyCertificatesOfTheCa) {
    EXPECT_EQ(query_with(cert_dir() + "/mon.pem"), "OL");
    const std::string none = query_with("");
    EXPECT_TRUE(is_ssl_error(none)) << none;
    const std::string rogue = query_with(cert_dir() + "/rogue.pem");
    EXPECT_TRUE(is_ssl_error(rogue)) << rogue;
    // Clear-text clients are not affected (as NUT: CERTREQUEST is about TLS sessions only).
    RawConn plain(upsd_->port());
    EXPECT_EQ(plain.ask("GET VAR demo ups.status"), "VAR demo ups.status \"OL\"");
}

// Clients that cache sessions (NUT's NSS upsmon) resume them on reconnect; with certrequest set,
// OpenSSL refuses that unless the server names a session id context.
TEST_F(YamlTlsClientCertRequested, SessionsResume) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION); // the session is there right after the handshake
    SSL_SESSION *session = nullptr;
    for (int round = 0; round < 2; ++round) {
        RawConn c(upsd_->port());
        ASSERT_EQ(c.ask("STARTTLS"), "OK STARTTLS");
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, c.fd());
        if (session) SSL_set_session(ssl, session);
        ASSERT_EQ(SSL_connect(ssl), 1) << "round " << round << "\n" << upsd_->log();
        const std::string req = "GET VAR demo ups.status\n";
        ASSERT_EQ(SSL_write(ssl, req.data(), int(req.size())), int(req.size()));
        char buf[256];
        const int n = SSL_read(ssl, buf, sizeof buf);
        EXPECT_EQ(std::string(buf, size_t(std::max(n, 0))), "VAR demo ups.status \"OL\"\n") << round;
        if (round == 0) session = SSL_get1_session(ssl);
        else EXPECT_EQ(SSL_session_reused(ssl), 1) << upsd_->log();
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    SSL_SESSION_free(session);
    SSL_CTX_free(ctx);
}

TEST_F(YamlTlsClientCertRequested, RequestTakesClientsWithoutACertificate) {
    EXPECT_EQ(query_with(""), "OL");
    EXPECT_EQ(query_with(cert_dir() + "/mon.pem"), "OL");
    const std::string rogue = query_with(cert_dir() + "/rogue.pem"); // given, so it must verify
    EXPECT_TRUE(is_ssl_error(rogue)) << rogue;
}

namespace {

// An upsd.conf from Debian's NSS-built NUT: CERTPATH is an NSS database, no CERTFILE.
class YamlNssSettings : public YamlMode {
protected:
    std::string extra_server() const override {
        const std::string db = drivers_.dir().string() + "/nssdb";
        std::filesystem::create_directories(db);
        write_file(db + "/cert9.db", "");
        return "  certpath: " + db + "\n  certident: { name: upsd, password: secret }\n";
    }
};

} // namespace

TEST_F(YamlNssSettings, SaysWhyTlsIsOff) {
    RawConn c(upsd_->port());
    EXPECT_EQ(c.ask("STARTTLS"), "ERR FEATURE-NOT-CONFIGURED");
    const std::string log = upsd_->log();
    EXPECT_NE(log.find("TLS is off: CERTPATH/CERTIDENT name an NSS certificate database"), std::string::npos) << log;
    EXPECT_NE(log.find("set CERTFILE"), std::string::npos) << log;
}

TEST(DropIn, NutStartupRules) {
    char tmpl[] = "/tmp/nutpp-dropin-XXXXXX";
    ASSERT_TRUE(mkdtemp(tmpl));
    const std::string dir = tmpl;
    const std::vector<std::string> env{"NUT_CONFPATH=" + dir, "NUT_STATEPATH=" + dir, "NUT_ALTPIDPATH=" + dir};
    auto r = run_command({UPSD_BIN, "-F"}, env, 5s);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("upsd.conf"), std::string::npos) << r.err; // missing upsd.conf is fatal
    write_file(dir + "/upsd.conf", "LISTEN 127.0.0.1 " + std::to_string(free_tcp_port()) + "\n");
    write_file(dir + "/ups.conf", "# no UPS\n");
    write_file(dir + "/upsd.users", "# nobody\n");
    r = run_command({UPSD_BIN, "-F"}, env, 5s);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("at least one UPS must be defined in ups.conf"), std::string::npos) << r.err;
    // ALLOW_NO_DEVICE lets it start (and it answers an empty LIST UPS).
    const uint16_t port = free_tcp_port();
    write_file(dir + "/upsd.conf", "LISTEN 127.0.0.1 " + std::to_string(port) + "\nALLOW_NO_DEVICE true\n");
    Daemon d({UPSD_BIN, "-F"}, env, dir + "/log");
    std::string got;
    for (int i = 0; i < 50 && got.empty(); ++i, std::this_thread::sleep_for(100ms)) {
        RawConn c(port);
        if (c.ok() && c.send("LIST UPS\n")) got = c.read_lines(2);
    }
    EXPECT_EQ(got, "BEGIN LIST UPS\nEND LIST UPS\n");
    d.stop();
    std::filesystem::remove_all(dir);
}
