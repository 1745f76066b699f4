// upsd refuses configurations it cannot serve, with a message that names the problem: a CERTFILE
// without its private key (or with a key of another certificate), and a nutpp file without devices
// unless server.allow_no_device is set (NUT's ALLOW_NO_DEVICE rule; the drop-in variant is in
// yaml_mode_test.cpp, DropIn.NutStartupRules).
#include "upsd_fixture.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

namespace {

class UpsdStartup : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/nutpp-startup-XXXXXX";
        ASSERT_TRUE(mkdtemp(tmpl));
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    // A self-signed certificate and its key, in two files.
    void make_cert(const std::string &name) {
        const auto r = run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                                    "-nodes", "-keyout", dir_ + "/" + name + "-key.pem", "-out",
                                    dir_ + "/" + name + "-cert.pem", "-subj", "/CN=localhost", "-days", "2"});
        ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    std::string config(const std::string &server_extra, bool with_device) {
        std::string y = "state_dir: " + dir_ + "\nserver:\n  listen: [\"127.0.0.1:" + std::to_string(port_) + "\"]\n" +
                        server_extra;
        if (with_device) y += "devices:\n  demo:\n    driver: sim\n    port: none\n";
        write_file(dir_ + "/nutpp.yaml", y);
        return dir_ + "/nutpp.yaml";
    }
    CommandResult run_upsd(const std::string &cfg) { return run_command({UPSD_BIN, "-F", "-f", cfg}, {}, 10s); }

    std::string dir_;
    uint16_t port_ = free_tcp_port();
};

} // namespace

TEST_F(UpsdStartup, CertfileWithoutKeyNamesTheFile) {
    make_cert("a");
    const std::string certfile = dir_ + "/a-cert.pem";
    const auto r = run_upsd(config("  certfile: " + certfile + "\n", true));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("certfile " + certfile + ": no private key found (the file must hold the certificate and its key, PEM)"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("DECODER"), std::string::npos) << r.err;
}

TEST_F(UpsdStartup, CertfileWithAnotherCertificatesKeySaysSo) {
    make_cert("a");
    make_cert("b");
    const std::string certfile = dir_ + "/mixed.pem";
    write_file(certfile, read_file(dir_ + "/a-cert.pem") + read_file(dir_ + "/b-key.pem"));
    const auto r = run_upsd(config("  certfile: " + certfile + "\n", true));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("certfile " + certfile + ": the private key does not match the certificate"), std::string::npos)
        << r.err;
}

TEST_F(UpsdStartup, CertfileWithoutCertificateSaysSo) {
    make_cert("a");
    const std::string certfile = dir_ + "/a-key.pem";
    const auto r = run_upsd(config("  certfile: " + certfile + "\n", true));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("certfile " + certfile + ": no certificate found"), std::string::npos) << r.err;
}

TEST_F(UpsdStartup, CertfileWithCertificateAndKeyStarts) {
    make_cert("a");
    const std::string certfile = dir_ + "/both.pem";
    write_file(certfile, read_file(dir_ + "/a-cert.pem") + read_file(dir_ + "/a-key.pem"));
    Daemon d({UPSD_BIN, "-F", "-f", config("  certfile: " + certfile + "\n", true)}, {}, dir_ + "/log");
    std::string got;
    for (int i = 0; i < 100 && got.empty(); ++i, std::this_thread::sleep_for(100ms)) {
        RawConn c(port_);
        if (c.ok()) got = c.ask("STARTTLS");
    }
    EXPECT_EQ(got, "OK STARTTLS") << read_file(dir_ + "/log");
    d.stop();
}

TEST_F(UpsdStartup, NoDevicesIsRefusedUnlessAllowed) {
    const auto r = run_upsd(config("", false));
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("no devices defined"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("allow_no_device"), std::string::npos) << r.err;

    Daemon d({UPSD_BIN, "-F", "-f", config("  allow_no_device: true\n", false)}, {}, dir_ + "/log");
    std::string got;
    for (int i = 0; i < 100 && got.empty(); ++i, std::this_thread::sleep_for(100ms)) {
        RawConn c(port_);
        if (c.ok() && c.send("LIST UPS\n")) got = c.read_lines(2);
    }
    EXPECT_EQ(got, "BEGIN LIST UPS\nEND LIST UPS\n") << read_file(dir_ + "/log");
    d.stop();
}
