// The nutpp driver instance for one serial UPS: owns the port, picks the protocol (configured or
// detected), and hands the work to the protocol engine. Re-opening after the device vanished is the
// host's loop: a failed poll past maxretry -> close() -> open() with backoff.
#pragma once

#include "apc_engine.hpp"
#include "megatec_engine.hpp"
#include "serial_port.hpp"
#include "serial_probe.hpp"
#include "sink.hpp"

#include <nutpp/driver.hpp>

#include <memory>
#include <string>

namespace nutpp::serial {

class SerialDriver final : public nutpp::Driver, private Sink {
public:
    SerialDriver(const nutpp_host_api *api, nutpp_host_ctx *ctx);

    nutpp_status open() override;
    nutpp_status poll(uint32_t wake_reasons) override;
    nutpp_status instcmd(const char *cmd, const char *arg) override;
    nutpp_status setvar(const char *name, const char *value) override;
    void close() override;

private:
    // Sink over the host services.
    void set(const std::string &name, const std::string &value) override;
    void remove(const std::string &name) override;
    void status(const std::vector<std::string> &tokens, const std::string &alarm) override;
    void command(const std::string &name) override;
    void writable(const std::string &name, const std::vector<std::string> &choices, unsigned max_length) override;
    void log_info(const std::string &message) override;
    void log_debug(const std::string &message) override;

    Protocol detect();
    void read_battery_settings();
    void read_apc_settings();
    LineSettings line_settings(Protocol p) const;

    std::string port_path_;
    Protocol configured_ = Protocol::Auto;
    int baud_ = 2400;
    std::string cablepower_;
    std::string cable_;
    std::chrono::milliseconds reply_timeout_{1000};
    megatec::Options megatec_options_;
    apc::Options apc_options_;

    SerialPort port_;
    bool watching_ = false;
    std::unique_ptr<megatec::Engine> megatec_;
    megatec::BatteryMemory megatec_battery_; // survives close/open (megatec_engine.hpp)
    std::unique_ptr<apc::Engine> apc_;
};

} // namespace nutpp::serial
