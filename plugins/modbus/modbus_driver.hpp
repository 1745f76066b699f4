// The nutpp driver instance for one Modbus UPS: its map, its link, and what the last poll found.
// Reconnecting is the host's loop (poll error -> close() -> open() with backoff).
#pragma once

#include "decoder.hpp"
#include "generic_map.hpp"
#include "modbus_link.hpp"
#include "register_map.hpp"

#include <nutpp/driver.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace nutpp::modbus {

class ModbusDriver final : public nutpp::Driver {
public:
    ModbusDriver(const nutpp_host_api *api, nutpp_host_ctx *ctx);

    nutpp_status open() override;
    nutpp_status poll(uint32_t wake_reasons) override;
    nutpp_status instcmd(const char *cmd, const char *arg) override;
    nutpp_status setvar(const char *name, const char *value) override;
    void close() override;

private:
    bool read_blocks(const std::vector<Block> &blocks, Reading &out);
    void publish(const Reading &r);
    nutpp_status run_command(const Command &c);
    nutpp_status failed(const std::string &where);
    void read_identification(const Identification &id);

    RegisterMap map_;
    LinkConfig link_cfg_;
    std::unique_ptr<Link> link_;
    std::vector<Block> poll_blocks_, once_blocks_;
    Reading static_;          // what the once-blocks gave at open()
    std::set<std::string> published_; // variables the last poll set (one missing now is removed)
    bool failing_ = false;    // a failure was logged; the next success logs the recovery
    std::string mfr_, model_; // device_mfr / device_model keys
    std::unique_ptr<GenericContacts> generic_; // map: generic
};

} // namespace nutpp::modbus
