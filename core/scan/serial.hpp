// Serial UPSes for `nutpp scan --serial PORT,...`: each port is asked by the serial plugin's own
// detection (serial_probe() in plugins/serial, library nutpp_serial_core), which writes a query of
// each protocol to it: ports are probed only when named.
#pragma once

#include "scan/nut_servers.hpp"

#include <string>
#include <vector>

namespace nutpp::scan {

struct SerialUps {
    std::string port;
    std::string protocol; // "megatec", "apcsmart"; "" when nothing answered
    std::string how;      // what answered
    std::string error;    // the port could not be opened
};

// One result per port, in the order given; ports are probed in parallel (opt.parallel), each
// within opt.timeout, so a silent port costs about the timeout.
std::vector<SerialUps> scan_serial(const std::vector<std::string> &ports, int baud, const ProbeOptions &opt);

} // namespace nutpp::scan
