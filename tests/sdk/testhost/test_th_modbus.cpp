// The modbus plugin through the SDK's test host against the libmodbus TCP slave of
// tests/plugins/modbus serving the APC SMT750i image, and `upsdrvd --check` against it.
#include "th_support.hpp"

#include "apc_image.hpp"
#include "modbus_slave.hpp"

using namespace th_test;
using namespace nutpp::modbus::testing;

namespace {
std::vector<std::pair<std::string, std::string>> config(const ModbusTcpSlave &s) {
    return {{"port", "127.0.0.1:" + std::to_string(s.port())}, {"map", "apc_modbus"}, {"slaveid", "1"},
            {"response_timeout", "0.3"}, {"retries", "0"}};
}
void load_image(ModbusTcpSlave &s) {
    for (const auto &[addr, words] : smt750i_image()) s.set(1, addr, words);
}
} // namespace

TEST(TestHostModbus, ApcSmt750i) {
    ModbusTcpSlave slave;
    load_image(slave);
    Th th = load("modbus", config(slave));
    TH_START(th.get());
    nutpp_th *t = th.get();
    EXPECT_NE(nutpp_th_status(t), nullptr) << report(t);
    EXPECT_NE(nutpp_th_get(t, "battery.charge"), nullptr) << report(t);
    EXPECT_NE(nutpp_th_get(t, "ups.model"), nullptr) << report(t);
    EXPECT_TRUE(nutpp_th_data_ok(t));
    EXPECT_GT(nutpp_th_command_count(t), 0u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(nutpp_th_poll(t, NUTPP_WAKE_TIMER), NUTPP_OK) << report(t);
    nutpp_th_destroy(t);
    // The APC map's NUT 2.8.1+ names (outlet.group.N.*, battery.date.maintenance) are listed as
    // extensions in the plugin's descriptor. What remains is the status token HE, which NUT 2.8.2's
    // apc_modbus shows and which no descriptor field can declare: exactly that breach is expected,
    // so any other breach still fails this test.
    for (size_t i = 0; i < nutpp_th_breach_count(t); ++i) {
        const std::string b = nutpp_th_breach(t, i);
        EXPECT_NE(b.find("status token 'HE'"), std::string::npos) << b;
    }
}

TEST(TestHostModbus, UpsdrvdCheckReportsTheUnlistedNames) {
    ModbusTcpSlave slave;
    load_image(slave);
    const auto r = check("modbus", config(slave));
    // As above: the listed extensions pass, the status token HE is the one breach reported.
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_EQ(r.out.find("BREACH: variable"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("note: variable 'outlet.group.1.timer.start' is declared as an extension"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("BREACH: status token 'HE'"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("FAIL:"), std::string::npos) << r.out;
}
