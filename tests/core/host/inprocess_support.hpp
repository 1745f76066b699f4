// Helpers for the in-process host tests: a temp dir with a nutpp.yaml, fixture plugin paths, and
// a spdlog sink that keeps every line so a test can look at what the host logged.
#pragma once

#include "config/config.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>
#include <chrono>
#include <string>
#include <vector>

namespace nutpp::testing {

inline std::string fixture(const std::string &name) {
    return std::string(NUTPP_FIXTURE_DIR) + "/nutpp-" + name + ".so";
}

// A private dir holding nutpp.yaml (state_dir: <dir>/run); removed at the end.
struct HostDir {
    std::filesystem::path dir;
    HostDir() {
        char tmpl[] = "/tmp/nutpp-host-XXXXXX";
        dir = mkdtemp(tmpl);
    }
    ~HostDir() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    std::string state_dir() const { return (dir / "run").string(); }
    // `devices` is the body of `devices:` (indented by 2).
    config::Config load(const std::string &devices) const {
        const auto path = (dir / "nutpp.yaml").string();
        std::ofstream(path) << "state_dir: " << state_dir() << "\nplugin_dir: " << NUTPP_PLUGIN_DIR_FOR_TESTS
                            << "\ndevices:\n" << devices;
        return config::load_file(path);
    }
};

// Collects log lines (thread-safe) and installs itself as the default logger for its lifetime.
class LogCapture : public spdlog::sinks::base_sink<std::mutex> {
public:
    static std::shared_ptr<LogCapture> install() {
        auto sink = std::make_shared<LogCapture>();
        auto logger = std::make_shared<spdlog::logger>("test", sink);
        logger->set_level(spdlog::level::debug);
        spdlog::set_default_logger(logger);
        return sink;
    }
    std::vector<std::string> lines() {
        std::lock_guard lk(mutex_);
        return lines_;
    }
    // The first line containing `text`, or "" (waits up to `timeout_ms`).
    std::string wait_for(const std::string &text, int timeout_ms = 5000) {
        for (int waited = 0; waited <= timeout_ms; waited += 10) {
            for (const auto &l : lines())
                if (l.find(text) != std::string::npos) return l;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return "";
    }

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override {
        lines_.emplace_back(msg.payload.data(), msg.payload.size());
    }
    void flush_() override {}

private:
    std::vector<std::string> lines_;
};

} // namespace nutpp::testing
