#include "sim_driver.hpp"

#include <cstdlib>

#include "file_sim.hpp"
#include "repeater.hpp"

namespace nutpp::sim {

SimDriver::SimDriver(const nutpp_host_api *api, nutpp_host_ctx *ctx)
    : Driver(api, ctx),
      config_(make_config({host().config("port"), host().config("mode"),
                           host().config("repeater_disable_strict_start"), host().config("username"),
                           host().config("password")},
                          std::getenv("NUTPP_CONFDIR"))) {
    if (config_.mode == SimConfig::Mode::Repeater) {
        mode_ = std::make_unique<Repeater>(host(), config_);
    } else {
        // The base interval is the one in effect, a global `pollinterval` included (ABI 1.2).
        mode_ = std::make_unique<FileSim>(host(), config_, host().poll_interval());
    }
}

nutpp_status SimDriver::open() {
    // NUT publishes the mode it chose; the host publishes configured keys only, so fill the gap.
    if (!config_.mode_from_config) host().set("driver.parameter.mode", mode_name(config_.mode));
    return mode_->open();
}

nutpp_status SimDriver::poll(uint32_t wake_reasons) { return mode_->poll(wake_reasons); }

nutpp_status SimDriver::instcmd(const char *cmd, const char *arg) { return mode_->instcmd(cmd, arg); }

nutpp_status SimDriver::setvar(const char *name, const char *value) { return mode_->setvar(name, value); }

void SimDriver::close() { mode_->close(); }

} // namespace nutpp::sim
