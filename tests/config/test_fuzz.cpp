// Random mutations of a valid file must give a Config or a ConfigError: never a crash, a hang or
// another exception type.
#include "helpers.hpp"

#include <chrono>
#include <random>

using namespace nutpp::config;
using nutpp::config::test::TempDir;
using nutpp::config::test::yaml;

namespace {

const std::string base = yaml(R"(
state_dir: /run/nutpp
pollinterval: 2
devices:
  demo: { driver: sim, port: /etc/nutpp/x.dev, desc: "Demo UPS", pollinterval: 2, override.ups.mfr: A }
  u2:
    driver: usbhid-ups
    port: auto
    vendorid: "0764"
    default: { battery.charge.low: 20 }
    sdcommands: [shutdown.return]
server:
  listen: ["127.0.0.1:3493", "[::1]:3493"]
  maxage: 15
  certident: { name: n, password: p }
users:
  admin: { password: "x", actions: [set, fsd], instcmds: [all] }
  mon: { password_file: SECRET, upsmon: primary }
monitor:
  monitors: [{ ups: demo@localhost, power: 1, user: mon, password: p, role: primary }]
  notifymsg: { ONBATT: "UPS %s on battery" }
  notifyflag: { ONBATT: [syslog, wall, exec] }
  certhost: [{ host: h, name: n }]
  shutdownexit: no
)");

// YAML's structural characters are the interesting ones to insert.
const std::string alphabet = ":-[]{},\"'#&*!|>%@` \n\t\\?~0123456789abcxyz.\x01\xff";

std::string mutate(std::string s, std::mt19937 &rng) {
    const int edits = 1 + int(rng() % 4);
    for (int i = 0; i < edits && !s.empty(); ++i) {
        const size_t pos = rng() % s.size();
        switch (rng() % 6) {
        case 0: s[pos] = alphabet[rng() % alphabet.size()]; break;
        case 1: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        case 2: s.erase(pos, 1 + rng() % 8); break;
        case 3: { // duplicate a line somewhere else
            const size_t b = s.rfind('\n', pos);
            const size_t e = s.find('\n', pos);
            const std::string line = s.substr(b == std::string::npos ? 0 : b + 1, e == std::string::npos ? s.npos : e - b);
            s.insert(rng() % s.size(), line + "\n");
            break;
        }
        case 4: s.insert(pos, std::string(1 + rng() % 200, "[{"[rng() % 2])); break; // deep nesting
        case 5: s.insert(pos, " &a [*a, *a] "); break;                                 // aliases
        }
    }
    return s;
}

} // namespace

TEST(ConfigFuzz, MutationsGiveConfigOrConfigError) {
    TempDir dir;
    const std::string secret = dir.write("mon.secret", "pw\n");
    std::string valid = base;
    valid.replace(valid.find("SECRET"), 6, secret);
    ASSERT_NO_THROW(load_string(valid, "fuzz.yaml")); // the seed itself is valid

    std::mt19937 rng(20240611);
    int loaded = 0, rejected = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 3000; ++i) {
        const std::string text = mutate(valid, rng);
        try {
            load_string(text, "fuzz.yaml");
            ++loaded;
        } catch (const ConfigError &e) {
            ++rejected;
            EXPECT_EQ(e.where.file, "fuzz.yaml");
            EXPECT_GE(e.where.line, 0);
            EXPECT_FALSE(std::string(e.what()).empty());
        } catch (const std::exception &e) {
            FAIL() << "iteration " << i << ": unexpected exception " << e.what() << " for:\n" << text;
        }
    }
    // Both outcomes must actually occur, or the mutations are not exercising anything.
    EXPECT_GT(loaded, 50);
    EXPECT_GT(rejected, 500);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
}

TEST(ConfigFuzz, HostileInputs) {
    const std::vector<std::string> inputs = {
        std::string(100000, '['),
        std::string(100000, '{'),
        std::string("a: ") + std::string(50000, '-') + "\n",
        "devices: &d { x: *d }\n",
        "a: &a [*a]\n",
        "? [a, b]\n: c\n",
        "devices:\n  ? { a: 1 }\n  : { driver: x, port: y }\n",
        "devices: !!binary aGVsbG8=\n",
        std::string("state_dir: /run/\0x\n", 19),
        "\xef\xbb\xbfstate_dir: /run/x\n",
        "\xff\xfe\x00\x00",
        "users:\n  a: { password_file: /dev/zero }\n",
        "users:\n  a: { password_file: /dev/null }\n",
        "users:\n  a: { password_file: /proc/self/mem }\n",
        "%YAML 9.9\n---\na: 1\n",
        "*undefined\n",
        "devices:\n" + [] {
            std::string s;
            for (int i = 0; i < 2000; ++i) s += "  d" + std::to_string(i) + ": { driver: sim, port: x }\n";
            return s;
        }(),
    };
    for (const auto &text : inputs) {
        try {
            load_string(text, "h.yaml");
        } catch (const ConfigError &) {
        } catch (const std::exception &e) {
            ADD_FAILURE() << "unexpected exception " << e.what();
        }
    }
    // The 2000-device file is valid and keeps its order.
    const Config c = load_string(inputs.back(), "h.yaml");
    ASSERT_EQ(c.devices.size(), 2000u);
    EXPECT_EQ(c.devices[1999].name, "d1999");
}
