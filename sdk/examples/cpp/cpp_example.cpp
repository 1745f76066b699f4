// cpp_example.cpp: a small driver plugin written in C++ with <nutpp/driver.hpp>.
//
// A simulated UPS whose battery test actually drains the battery: `test.battery.start` switches to
// battery (OB DISCHRG) and loses `drain` percent per poll until the charge reaches
// battery.charge.low (then LB and the test ends) or `test.battery.stop`; back on line it recharges
// (OL CHRG) to 100 %.
//
// What driver.hpp does for you compared with the C example (../minimal/minimal.c):
//   - nutpp::driver_ops<ExampleDriver> generates the C ops table; the constructor is create(), the
//     destructor destroy(), and every call is wrapped so no exception crosses the C ABI:
//     nutpp::Error(status, text) becomes that status with its text, std::bad_alloc NUTPP_E_NO_MEMORY,
//     any other exception NUTPP_E_IO with what() as the detail.
//   - host() is a typed view of the host services (set, declare, command, status, config...).
// Build: see CMakeLists.txt next to this file (C++17 or later).
#include <nutpp/driver.hpp>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

// Rows of the config key table, positionally (designated initializers are C++20 only).
const nutpp_config_key kKeys[] = {
    // name, type, default, description, flags, enum values, min, max (min/max: v1.2, with NUTPP_KEY_RANGE)
    {"drain", NUTPP_TYPE_NUMBER, "5", "Battery percent lost per poll during a battery test (0.1..50)", 0, nullptr,
     0, 0},
    {"model", NUTPP_TYPE_STRING, "Example C++ UPS", "Reported as device.model and ups.model", 0, nullptr, 0, 0},
};

const char *const kVariables[] = {"device.model", "device.type",    "ups.model",          "ups.status",
                                  "ups.load",     "battery.charge", "battery.charge.low", nullptr};
const char *const kCommands[] = {"test.battery.start", "test.battery.stop", nullptr};

class ExampleDriver final : public nutpp::Driver {
public:
    // Runs inside create(): read and check config, no I/O. Throwing here fails create() cleanly.
    ExampleDriver(const nutpp_host_api *api, nutpp_host_ctx *h) : Driver(api, h) {
        drain_ = host().config_number("drain").value_or(5.0); // the default makes it always set
        if (drain_ < 0.1 || drain_ > 50)
            throw nutpp::Error(NUTPP_E_CONFIG, "drain must be between 0.1 and 50, got " + std::to_string(drain_));
        model_ = host().config_or("model", "Example C++ UPS");
    }

    nutpp_status open() override {
        // battery.charge.low: writable, whole number 5..50 (the host rejects anything else).
        nutpp_status st = host().declare("battery.charge.low", NUTPP_TYPE_INTEGER, true, 0, {{5, 50}});
        if (st != NUTPP_OK) return st;
        for (const char *cmd : {"test.battery.start", "test.battery.stop"})
            if ((st = host().command(cmd)) != NUTPP_OK) return st;
        host().set("device.model", model_);
        host().set("ups.model", model_);
        host().set("device.type", std::string("ups"));
        host().set("battery.charge.low", low_, 0);
        return NUTPP_OK;
    }

    nutpp_status poll(uint32_t /*wake_reasons*/) override {
        if (testing_) {
            charge_ = std::max(0.0, charge_ - drain_);
            if (charge_ <= low_) {
                testing_ = false;
                host().info("battery test ended: charge reached battery.charge.low");
            }
        } else {
            charge_ = std::min(100.0, charge_ + 2 * drain_);
        }
        host().set("battery.charge", charge_, 0);
        host().set("ups.load", 23.0, 0);

        std::vector<std::string> status;
        if (testing_) {
            status = {"OB", "DISCHRG"};
        } else {
            status = {"OL"};
            if (charge_ < 100) status.emplace_back("CHRG");
        }
        if (charge_ <= low_) status.emplace_back("LB");
        host().status(status);
        return NUTPP_OK;
    }

    nutpp_status instcmd(const char *cmd, const char *arg) override {
        (void)arg;
        if (std::strcmp(cmd, "test.battery.start") == 0) {
            if (charge_ <= low_) return host().fail(NUTPP_E_REJECTED, "battery too low for a test");
            testing_ = true;
            return NUTPP_OK;
        }
        if (std::strcmp(cmd, "test.battery.stop") == 0) {
            testing_ = false;
            return NUTPP_OK;
        }
        return Driver::instcmd(cmd, arg); // the base class answers NUTPP_E_UNSUPPORTED
    }

    nutpp_status setvar(const char *name, const char *value) override {
        if (std::strcmp(name, "battery.charge.low") != 0) return Driver::setvar(name, value);
        low_ = std::stoi(value); // already checked against the declared range; stoi throws otherwise
        return host().set("battery.charge.low", low_, 0);
    }

private:
    double drain_ = 5;
    std::string model_;
    double charge_ = 100;
    int low_ = 20;
    bool testing_ = false;
};

} // namespace

extern "C" NUTPP_EXPORT const nutpp_driver_descriptor nutpp_driver_v1 = {
    sizeof(nutpp_driver_descriptor),
    NUTPP_ABI_MAJOR,
    NUTPP_ABI_MINOR,
    "org.nutpp.example.cpp",                              // id
    "cpp_example",                                        // name: file nutpp-cpp_example.so
    "1.0.0",                                              // version
    "nutpp examples",                                     // vendor
    "C++ example driver: a UPS whose battery test drains the battery",
    NUTPP_TRANSPORT_SIM,
    kKeys,
    static_cast<uint32_t>(sizeof kKeys / sizeof kKeys[0]),
    sizeof(nutpp_config_key),
    kVariables,
    kCommands,
    nullptr, // library_init
    nullptr, // library_deinit
    &nutpp::driver_ops<ExampleDriver>,
    nullptr, // library_init_ex (ABI 1.2): none
};
