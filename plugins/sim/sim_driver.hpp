// The sim plugin's driver class: reads the config in create() (no I/O) and hands every op to the mode
// it selected (FileSim for dummy-once/dummy-loop/dummy, Repeater for repeater).
#pragma once

#include <nutpp/driver.hpp>

#include <memory>

#include "sim_config.hpp"
#include "sim_mode.hpp"

namespace nutpp::sim {

class SimDriver : public Driver {
public:
    SimDriver(const nutpp_host_api *api, nutpp_host_ctx *ctx);

    nutpp_status open() override;
    nutpp_status poll(uint32_t wake_reasons) override;
    nutpp_status instcmd(const char *cmd, const char *arg) override;
    nutpp_status setvar(const char *name, const char *value) override;
    void close() override;

private:
    SimConfig config_;
    std::unique_ptr<SimMode> mode_;
};

} // namespace nutpp::sim
