// upsweb's HTTPS listener (web.http.certfile: one PEM with certificate and key, like
// server.certfile), and a clear refusal when the certificate cannot be loaded.
#include "web_fixture.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace std::chrono_literals;
using namespace nutpp::testing;
using nlohmann::json;

TEST(WebTls, ServesHttpsWithTheConfiguredCertificate) {
    if (!have_program("openssl")) GTEST_SKIP() << "openssl command not installed: cannot make a test certificate";
    WebStack s;
    const std::string dir = s.dir() + "/tls";
    std::filesystem::create_directories(dir);
    const auto gen = run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                                  "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem"});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    write_file(dir + "/web.pem", read_file(dir + "/cert.pem") + read_file(dir + "/key.pem"));
    const uint16_t port = free_tcp_port();
    const auto yaml = [&](const std::string &cert) {
        return "state_dir: " + dir + "/run\nweb:\n  upsd: 127.0.0.1:" + std::to_string(s.upsd_port()) +
               "\n  http: { listen: '127.0.0.1:" + std::to_string(port) + "', certfile: " + cert + " }\n";
    };
    // A certificate that cannot be loaded: upsweb says so and exits, it does not serve plain HTTP.
    write_file(dir + "/bad.yaml", yaml(dir + "/missing.pem"));
    const auto bad = run_command({std::string(NUTPP_BIN_DIR) + "/upsweb", "-F", "-f", dir + "/bad.yaml"}, {}, 20s);
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.err.find("cannot load certificate"), std::string::npos) << bad.err;

    write_file(dir + "/web.yaml", yaml(dir + "/web.pem"));
    Daemon web({std::string(NUTPP_BIN_DIR) + "/upsweb", "-F", "-f", dir + "/web.yaml"}, {}, dir + "/upsweb.log");
    httplib::SSLClient cli("127.0.0.1", port);
    cli.set_ca_cert_path((dir + "/cert.pem").c_str());
    cli.enable_server_certificate_verification(true);
    cli.set_read_timeout(10, 0);
    std::string body;
    ASSERT_TRUE(wait_until(
        [&] {
            auto r = cli.Get("/api/v1/ups/demo");
            if (!r || r->status != 200) return false;
            body = r->body;
            return true;
        },
        30s))
        << read_file(dir + "/upsweb.log");
    EXPECT_EQ(json::parse(body)["variables"]["ups.status"], "OL");
    // Plain HTTP on the TLS port gets nothing useful.
    httplib::Client plain("127.0.0.1", port);
    plain.set_read_timeout(3, 0);
    auto r = plain.Get("/api/v1/ups");
    EXPECT_TRUE(!r || r->status != 200);
}
