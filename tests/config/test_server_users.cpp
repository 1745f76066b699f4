// `server:` and `users:`.
#include "helpers.hpp"

using namespace nutpp::config;
using nutpp::config::test::error_of;
using nutpp::config::test::TempDir;
using nutpp::config::test::yaml;

TEST(ConfigServer, AllKeys) {
    const Config c = load_string(yaml(R"(
server:
  listen: 0.0.0.0
  maxage: 25
  maxconn: 99
  trackingdelay: 0
  certfile: /etc/nutpp/upsd.pem
  certpath: /etc/nutpp/certs
  certident: { name: "My cert", password: pw }
  certrequest: REQUIRE
  disable_weak_ssl: on
  allow_no_device: yes
  allow_not_all_listeners: 1
  debug_min: 3
  datapath: /usr/share/nutpp
)"),
                                 "t.yaml");
    const auto &s = c.server;
    ASSERT_EQ(s.listen.size(), 1u); // a single scalar is a one-element list
    EXPECT_EQ(s.listen[0].host, "0.0.0.0");
    EXPECT_EQ(s.listen[0].port, 3493);
    EXPECT_EQ(s.listen[0].where.str(), "t.yaml:2:11");
    EXPECT_TRUE(s.listen_configured);
    EXPECT_EQ(s.maxage, 25);
    EXPECT_EQ(s.maxconn, 99);
    EXPECT_EQ(s.trackingdelay, 0);
    EXPECT_EQ(s.certpath, "/etc/nutpp/certs");
    EXPECT_EQ(s.certident.name, "My cert");
    EXPECT_EQ(s.certident.password, "pw");
    EXPECT_EQ(s.certrequest, CertRequest::Require);
    EXPECT_TRUE(s.disable_weak_ssl);
    EXPECT_TRUE(s.allow_no_device);
    EXPECT_TRUE(s.allow_not_all_listeners);
    EXPECT_EQ(s.debug_min, 3);
    EXPECT_EQ(s.datapath, "/usr/share/nutpp");
    EXPECT_EQ(load_string("server: { certrequest: 1 }", "t").server.certrequest, CertRequest::Request);
}

TEST(ConfigServer, ListenForms) {
    const Config c = load_string(
        "server:\n  listen: ['127.0.0.1:1', '[::1]:65535', '[fe80::1%eth0]', '::', 'host.example', '*', '*:80']\n", "t");
    const auto &l = c.server.listen;
    ASSERT_EQ(l.size(), 7u);
    EXPECT_EQ(l[0].host, "127.0.0.1");
    EXPECT_EQ(l[0].port, 1);
    EXPECT_EQ(l[1].host, "::1");
    EXPECT_EQ(l[1].port, 65535);
    EXPECT_EQ(l[2].host, "fe80::1%eth0");
    EXPECT_EQ(l[3].host, "::"); // bare IPv6, default port
    EXPECT_EQ(l[3].port, 3493);
    EXPECT_EQ(l[4].host, "host.example");
    EXPECT_EQ(l[5].host, "*");
    EXPECT_EQ(l[6].port, 80);
}

TEST(ConfigServer, BadListen) {
    struct Case {
        const char *value;
        const char *problem;
    } cases[] = {
        {"'127.0.0.1:0'", "invalid listen address: port out of range"},
        {"'127.0.0.1:65536'", "invalid listen address: port out of range"},
        {"'127.0.0.1:http'", "invalid listen address: port is not a number"},
        {"'127.0.0.1:'", "invalid listen address: empty port"},
        {"':3493'", "invalid listen address: empty host"},
        {"'[::1'", "invalid listen address: '[' without ']'"},
        {"'[::1]x'", "invalid listen address: junk after ']'"},
        {"'[]:1'", "invalid listen address: empty host"},
        {"'a b:1'", "invalid listen address: invalid host"},
    };
    for (const auto &c : cases) {
        const auto e = error_of(std::string("server:\n  listen: [ok, ") + c.value + "]\n");
        EXPECT_EQ(e.where.str(), "t.yaml:2:16") << c.value;
        EXPECT_EQ(e.key, "server.listen[1]") << c.value;
        EXPECT_EQ(e.problem, c.problem) << c.value;
    }
    auto e = error_of("server:\n  listen: []\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:11");
    EXPECT_EQ(e.problem, "is empty");
    e = error_of("server:\n  listen:\n    - localhost:3493\n    - LOCALHOST\n");
    EXPECT_EQ(e.where.str(), "t.yaml:4:7");
    EXPECT_EQ(e.problem, "duplicate listen address (first written at t.yaml:3:7)");
    e = error_of("server:\n  listen: {a: 1}\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:11");
    EXPECT_EQ(e.problem, "is a map");
}

TEST(ConfigServer, UnknownAndBadKeys) {
    auto e = error_of("server:\n  maxconn: 5\n  max_age: 3\n");
    EXPECT_EQ(e.where.str(), "t.yaml:3:3");
    EXPECT_EQ(e.key, "server.max_age");
    EXPECT_EQ(e.suggestion, "maxage");
    EXPECT_NE(e.expected.find("listen, maxage, maxconn"), std::string::npos) << e.expected; // known keys listed
    e = error_of("server:\n  allow_no_device: perhaps\n");
    EXPECT_STREQ(e.what(), "t.yaml:2:20: server.allow_no_device: 'perhaps' is not a boolean; expected "
                           "true/yes/on/1 or false/no/off/0");
    e = error_of("server:\n  certrequest: maybe\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:16");
    e = error_of("server:\n  certident: { name: x }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:14");
    EXPECT_EQ(e.key, "server.certident.password");
    EXPECT_EQ(e.problem, "missing");
    e = error_of("server: 5\n");
    EXPECT_EQ(e.where.str(), "t.yaml:1:9");
    EXPECT_EQ(e.problem, "is a single value");
}

TEST(ConfigUsers, ActionsInstcmdsRoles) {
    const Config c = load_string(yaml(R"(
users:
  a: { password: x, actions: "SET fsd", instcmds: "beeper.toggle, ALL" }
  b: { password: y, actions: [Master], upsmon: MASTER }
  c: { password: z, upsmon: secondary }
  A: { password: w }
)"),
                                 "t.yaml");
    ASSERT_EQ(c.users.size(), 4u);
    EXPECT_EQ(c.users[0].actions, (std::vector<std::string>{"set", "fsd"}));
    EXPECT_EQ(c.users[0].instcmds, (std::vector<std::string>{"beeper.toggle", "all"}));
    EXPECT_EQ(c.users[0].where.str(), "t.yaml:2:3");
    EXPECT_EQ(c.users[1].actions, (std::vector<std::string>{"primary"}));
    EXPECT_EQ(c.users[1].upsmon, Role::Primary);
    EXPECT_EQ(c.users[2].upsmon, Role::Secondary);
    EXPECT_EQ(c.users[3].name, "A"); // usernames are case-sensitive in NUT
}

TEST(ConfigUsers, Errors) {
    auto e = error_of("users:\n  admin: { actions: [set] }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:3");
    EXPECT_EQ(e.key, "users.admin");
    EXPECT_EQ(e.problem, "no password");
    e = error_of("users:\n  admin: { password: a, password_file: /x }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:25");
    EXPECT_EQ(e.problem, "conflicts with 'password'");
    e = error_of("users:\n  admin:\n    password: x\n    actions: [set, fsd, shutdown]\n");
    EXPECT_EQ(e.where.str(), "t.yaml:4:25");
    EXPECT_EQ(e.key, "users.admin.actions[2]");
    e = error_of("users:\n  admin: { password: x, instcmds: [\"bad cmd\"] }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:36");
    EXPECT_EQ(e.problem, "invalid command name");
    e = error_of("users:\n  admin: { password: x, upsmon: boss }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:33");
    e = error_of("users:\n  admin: { pasword: x }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:12");
    EXPECT_EQ(e.suggestion, "password");
    e = error_of("users:\n  admin: { password_hash: plain }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:27");
    EXPECT_EQ(e.problem, "is not a password hash");
    e = error_of("users:\n  \"two words\": { password: x }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:3");
    EXPECT_EQ(e.problem, "invalid user name");
    e = error_of("users:\n  admin: { password: x }\n  admin: { password: y }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:3:3");
    e = error_of("users:\n  admin: { password: }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:12");
    EXPECT_EQ(e.problem, "has no value");
}

TEST(ConfigUsers, PasswordFile) {
    TempDir dir;
    dir.write("crlf.secret", "s3cret\r\n\n");
    dir.write("nonl.secret", "no newline");
    dir.write("inner.secret", "two\nlines\n");
    dir.write("empty.secret", "\n");
    dir.write("big.secret", std::string(70000, 'x'));
    const std::string cfg = dir.write("nutpp.yaml", yaml(R"(
users:
  a: { password_file: crlf.secret }
  b: { password_file: nonl.secret }
)"));
    const Config c = load_file(cfg);
    EXPECT_EQ(c.users[0].password, "s3cret"); // trailing line ends removed
    EXPECT_EQ(c.users[1].password, "no newline");

    // Absolute paths work from load_string too.
    EXPECT_EQ(load_string("users:\n  a: { password_file: " + dir.path() + "/nonl.secret }\n", "t")
                  .users[0]
                  .password,
              "no newline");

    auto expect = [&](const std::string &file, const std::string &problem) {
        const std::string p = dir.write("bad.yaml", "users:\n  a:\n    password_file: " + file + "\n");
        try {
            load_file(p);
            ADD_FAILURE() << file;
        } catch (const ConfigError &e) {
            EXPECT_EQ(e.where.str(), p + ":3:20") << file;
            EXPECT_EQ(e.key, "users.a.password_file");
            EXPECT_EQ(e.problem, problem) << file;
        }
    };
    expect("missing.secret", "cannot open " + dir.path() + "/missing.secret: No such file or directory");
    expect("empty.secret", dir.path() + "/empty.secret is empty");
    expect("big.secret", dir.path() + "/big.secret is larger than 64 KiB");
    expect("inner.secret", dir.path() + "/inner.secret contains a control character"); // a password is one line
    expect(dir.path(), dir.path() + " is not a regular file");
}

TEST(ConfigUsers, ControlCharactersRefused) {
    auto e = error_of("users:\n  a: { password: \"x\\ny\" }\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:18");
    EXPECT_EQ(e.problem, "contains a control character (line break, tab, ...)");
    e = error_of("monitor:\n  monitors: [{ ups: a, user: \"u\\tv\", password: p, role: primary }]\n");
    EXPECT_EQ(e.where.str(), "t.yaml:2:30");
    EXPECT_EQ(e.key, "monitor.monitors[0].user");
}

// Passwords never appear in messages, whatever goes wrong around them.
TEST(ConfigUsers, SecretsNeverInMessages) {
    const std::string secret = "Hunter2Secret";
    const std::vector<std::string> texts = {
        "users:\n  a: { password: [" + secret + "] }\n",
        "users:\n  a: { password: {" + secret + ": 1} }\n",
        "users:\n  a: { password: " + secret + ", password: " + secret + " }\n",
        "users:\n  a: { password: " + secret + ", password_hash: x }\n",
        "users:\n  a: { password: " + secret + ", upsmon: x }\n",
        "users:\n  a: { password " + secret + " }\n",
        "users:\n  a: password = " + secret + "\n",
        "monitor:\n  monitors: [{ ups: u, user: x, password: [" + secret + "], role: primary }]\n",
        "monitor:\n  monitors: [{ ups: u, user: x, password: " + secret + ", role: boss }]\n",
        "server:\n  certident: { name: n, password: [" + secret + "] }\n",
    };
    for (const auto &t : texts) {
        const auto e = error_of(t);
        EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
        EXPECT_EQ(e.key.find(secret), std::string::npos) << e.key;
    }
}
