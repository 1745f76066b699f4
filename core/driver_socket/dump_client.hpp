// Reads a driver's whole state over its Unix socket (DUMPALL ... DUMPDONE), the way upsd does on
// connect. Used by `upsdrvd --dump` and by tests; upsd keeps its own long-lived connection.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "common/strings.hpp"

namespace nutpp::driver_socket {

struct DriverState {
    std::map<std::string, std::string, common::ILess> vars;
    std::map<std::string, std::vector<std::string>, common::ILess> flags;
    std::map<std::string, long, common::ILess> aux;
    std::map<std::string, std::vector<std::string>, common::ILess> enums;
    std::vector<std::string> commands;
    bool data_ok = false;
    std::vector<std::string> raw; // every line received, in order
};

// Throws std::runtime_error (connect failure, timeout, EOF before DUMPDONE).
DriverState dump(const std::string &socket_path, std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Sends one request line and collects lines until `until` matches a line's first word (or timeout).
std::vector<std::string> exchange(const std::string &socket_path, const std::string &request,
                                  const std::string &until_prefix, std::chrono::milliseconds timeout);

} // namespace nutpp::driver_socket
