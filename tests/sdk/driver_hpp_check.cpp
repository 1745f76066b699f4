// driver.hpp must compile on its own as C++17 and C++20, warning-free under -Wall -Wextra -pedantic
// -Werror. Templates are only checked when instantiated, so this defines a driver using every Host
// helper and instantiates nutpp::driver_ops for it, as a plugin would.
#include <nutpp/driver.hpp>
#include <nutpp/driver.hpp>

namespace {

class CheckDriver final : public nutpp::Driver {
public:
    using Driver::Driver;
    nutpp_status open() override {
        const nutpp::Host &h = host();
        h.declare("ups.delay.shutdown", NUTPP_TYPE_INTEGER, true, 0, {{0, 600}});
        h.declare("ups.beeper.status", NUTPP_TYPE_ENUM, true, 0, {}, {"enabled", "disabled"});
        h.command("test.battery.start.quick");
        h.command("load.off.delay", true);
        h.set("ups.mfr", std::string("x"));
        h.set("input.voltage", 230.0, 1);
        h.remove("ups.id");
        h.watch(0);
        h.unwatch(0);
        h.poll_interval_ms(1000);
        h.request_poll();
        h.debug(h.config_or("port", "none"));
        if (h.config_number("voltage")) h.info("voltage set");
        if (h.config("missing")) h.warn("unexpected");
        h.error("e");
        return NUTPP_OK;
    }
    nutpp_status poll(uint32_t) override {
        host().status({"OL", "CHRG"});
        host().status(std::vector<std::string>{"OB"}, "alarm text");
        host().data_ok();
        host().data_stale("why");
        throw nutpp::Error(NUTPP_E_TIMEOUT, "no answer");
    }
};

} // namespace

extern "C" NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
    sizeof(nutpp_driver_descriptor),
    NUTPP_ABI_MAJOR,
    NUTPP_ABI_MINOR,
    "org.nutpp.test.header_check",
    "header_check",
    "0",
    "nutpp tests",
    "driver.hpp compile check",
    0,
    nullptr,
    0,
    sizeof(nutpp_config_key),
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    &nutpp::driver_ops<CheckDriver>,
    nullptr, // library_init_ex (ABI 1.2): none
};
