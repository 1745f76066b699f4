#include "scan/modbus.hpp"

#include "scan/address_range.hpp"
#include "scan/parallel.hpp"

#include "probe_device.hpp"

namespace nutpp::scan {

std::vector<ModbusSlave> scan_modbus(const std::vector<std::string> &hosts, const ModbusOptions &opt) {
    (void)modbus::builtin_probe_maps(); // load the maps once, before the threads
    std::vector<std::optional<ModbusSlave>> found(hosts.size());
    parallel_for(
        hosts.size(), opt.probe.parallel,
        [&](size_t i) {
            modbus::ProbeRequest req;
            req.link.port = host_port(hosts[i], opt.port);
            req.fixed_slave = opt.slave.has_value();
            req.link.slave = opt.slave.value_or(1);
            req.timeout = opt.probe.timeout;
            const modbus::ProbeOutcome o = modbus::probe_device(req);
            if (!o.map.empty() || o.answered) found[i] = ModbusSlave{hosts[i], opt.port, o.map, o.slave, o.how};
        },
        opt.probe.progress);
    std::vector<ModbusSlave> out;
    for (auto &f : found)
        if (f) out.push_back(std::move(*f));
    return out;
}

} // namespace nutpp::scan
