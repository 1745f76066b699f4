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
    EXPECT_EQ(nutpp_th_breach_count(t), 0u) << report(t);
}

TEST(TestHostModbus, UpsdrvdCheckPasses) {
    ModbusTcpSlave slave;
    load_image(slave);
    const auto r = check("modbus", config(slave));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}
