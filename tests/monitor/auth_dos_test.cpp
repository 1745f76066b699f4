// The way a network packet used to shut a machine down: the UPS on battery at 80 % (not low), the
// upsmon user's password hashed with yescrypt, and someone sending packets of USERNAME, PASSWORD and
// hundreds of FSD lines. upsd hashed the password once per line on its one thread, upsmon's polls
// timed out, it declared the UPS dead while on battery and ran shutdowncmd. Now: no shutdown.
#include "crypt_hash.hpp"
#include "monitor_fixture.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace std::chrono_literals;
using namespace nutpp::testing;

TEST(MonitorAuthDos, FsdFloodWhileOnBatteryShutsNothingDown) {
    const std::string dir = make_temp_dir("upsmon-dos");
    const std::string seq = dir + "/ob.seq";
    write_file(seq, "ups.status: OB DISCHRG\nbattery.charge: 80\nTIMER 600\n");
    const std::string hash = crypt_hash("pp");
    ASSERT_FALSE(hash.empty());
    OurStack stack("  demo:\n    driver: sim\n    port: " + seq + "\n    mode: dummy-once\n    pollinterval: 0.5\n",
                   "  monp: { password_hash: \"" + hash + "\", upsmon: primary }\n");
    Recorder rec(dir);
    UpsmonOptions o{"primary",
                    {"{ ups: demo@127.0.0.1:" + std::to_string(stack.port()) +
                     ", power: 1, user: monp, password: pp, role: primary }"},
                    1, 8, 0, /*deadtime*/ 3};
    UpsmonProcess up(o, rec, dir + "/p");
    ASSERT_TRUE(rec.wait_event("primary", "ONBATT", 15s)) << up.log();

    // 8 s of attack: a 4 KB-ish packet every 0.4 s (the old upsd needed ~20 s for each one).
    std::string packet = "USERNAME monp\nPASSWORD x\n";
    for (int i = 0; i < 450; ++i) packet += "FSD demo\n";
    const auto end = std::chrono::steady_clock::now() + 8s;
    int sent = 0;
    while (std::chrono::steady_clock::now() < end && sent < 40) {
        RawConn c(stack.port());
        if (c.ok() && c.send(packet)) ++sent;
        c.close();
        std::this_thread::sleep_for(400ms);
    }
    std::this_thread::sleep_for(3s); // past deadtime once more
    EXPECT_GT(sent, 10);
    EXPECT_TRUE(rec.shutdowns().empty()) << "upsmon shut down:\n" << up.log();
    for (const auto &e : rec.events_of("primary"))
        EXPECT_NE(e.type, "COMMBAD") << "upsmon lost upsd during the attack:\n" << up.log();
    EXPECT_FALSE(std::filesystem::exists(up.flag()));
    EXPECT_EQ(stack.query("GET VAR demo ups.status"), "VAR demo ups.status \"OB DISCHRG\"");
    std::filesystem::remove_all(dir);
}
