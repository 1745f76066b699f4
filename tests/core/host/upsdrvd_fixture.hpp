// Runs the real upsdrvd binary as a child process on a config written by the test, in a private temp
// dir; captures its stderr; stops exactly the PID it started.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

#include "driver_socket/dump_client.hpp"

namespace nutpp::testing {

class UpsdrvdProcess {
public:
    UpsdrvdProcess();  // makes the temp dir
    ~UpsdrvdProcess(); // stops the process, removes the temp dir

    const std::filesystem::path &dir() const { return dir_; }
    std::string state_dir() const { return (dir_ / "run").string(); }
    std::string config_path() const { return (dir_ / "nutpp.yaml").string(); }
    // Writes the config; `devices_yaml` is the body of `devices:` (indented by 2).
    void write_config(const std::string &devices_yaml, const std::string &extra_top = "");

    void start(const std::string &extra_args = "");
    // Sends a signal to the child; `wait_exit` reaps it and returns the exit code (-1 if still running).
    void signal(int sig);
    int wait_exit(std::chrono::milliseconds timeout);
    bool running();
    int pid() const { return pid_; } // -1 before start()
    std::string log() const; // stderr so far
    // Waits until `text` appears in the log.
    bool wait_log(const std::string &text, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    std::string socket(const std::string &driver, const std::string &device) const;
    // Dumps a device once its socket exists (retries until timeout).
    driver_socket::DriverState dump(const std::string &driver, const std::string &device,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
    // Dumps a device once it has published its first data (ups.status): after a (re)start the socket
    // is served before the first poll has run, and a plain dump() may see no variables yet.
    driver_socket::DriverState dump_data(const std::string &driver, const std::string &device,
                                         std::chrono::milliseconds timeout = std::chrono::seconds(10)) const {
        return dump_data_at(socket(driver, device), timeout);
    }
    static driver_socket::DriverState dump_data_at(const std::string &socket_path,
                                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Runs upsdrvd with args synchronously (e.g. --describe); returns exit code, output in out.
    static int run_sync(const std::string &args, std::string &out);

private:
    std::filesystem::path dir_;
    int pid_ = -1;
};

} // namespace nutpp::testing
