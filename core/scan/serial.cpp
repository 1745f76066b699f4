#include "scan/serial.hpp"

#include "scan/parallel.hpp"

#include "serial_probe.hpp"

namespace nutpp::scan {

std::vector<SerialUps> scan_serial(const std::vector<std::string> &ports, int baud, const ProbeOptions &opt) {
    std::vector<SerialUps> out(ports.size());
    parallel_for(
        ports.size(), opt.parallel,
        [&](size_t i) {
            const serial::SerialProbe p = serial::serial_probe(ports[i], baud, opt.timeout);
            out[i] = {ports[i], p.protocol ? serial::protocol_key(*p.protocol) : "", p.how, p.error};
        },
        opt.progress);
    return out;
}

} // namespace nutpp::scan
