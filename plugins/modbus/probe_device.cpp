#include "probe_device.hpp"

#include "map_probe.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>

namespace nutpp::modbus {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds until(Clock::time_point t) {
    return std::chrono::duration_cast<milliseconds>(t - Clock::now());
}

// Maps grouped by the slave id they are asked at, in the order each id first appears. The time
// left is split between the ids not yet tried, so a silent id 1 (nothing at that address of an
// RS-485 bus behind a gateway) cannot eat the budget of id 192; within a group, between the maps
// not yet tried, so a device that ignores one map's register is still asked the next map's.
// Identification (0x2B) probes go last in their group: many devices and gateways never answer it.
std::vector<std::pair<int, std::vector<const RegisterMap *>>> by_slave(const ProbeRequest &req,
                                                                       const std::vector<RegisterMap> &maps) {
    std::vector<std::pair<int, std::vector<const RegisterMap *>>> groups;
    for (const auto &m : maps) {
        if (!m.probe) continue;
        const int slave = req.fixed_slave ? req.link.slave : m.slaveid;
        auto it = std::find_if(groups.begin(), groups.end(), [&](const auto &g) { return g.first == slave; });
        if (it == groups.end()) it = groups.insert(groups.end(), {slave, {}});
        it->second.push_back(&m);
    }
    for (auto &g : groups)
        std::stable_partition(g.second.begin(), g.second.end(), [](const RegisterMap *m) { return !m->probe->device_id; });
    return groups;
}

} // namespace

const std::vector<RegisterMap> &builtin_probe_maps() {
    static const std::vector<RegisterMap> maps = [] {
        std::vector<RegisterMap> out;
        for (const auto &b : builtin_maps()) {
            RegisterMap m = resolve_map(b.name);
            if (m.probe) out.push_back(std::move(m));
        }
        return out;
    }();
    return maps;
}

ProbeOutcome probe_device(const ProbeRequest &req, const std::vector<RegisterMap> &maps) {
    const auto deadline = Clock::now() + req.timeout;
    ProbeOutcome out;
    const auto groups = by_slave(req, maps);
    if (groups.empty()) {
        out.error = "no map has a probe";
        return out;
    }
    LinkConfig cfg = req.link;
    cfg.retries = 0;                  // the budget is the caller's: no second attempts
    cfg.response_timeout = req.timeout; // libmodbus also bounds the TCP connect with it
    cfg.deadline = deadline;            // and nothing in the link runs past the probe's end
    cfg.slave = groups.front().first;
    Link link(cfg);
    try {
        link.open();
    } catch (const std::exception &e) {
        out.error = e.what();
        return out;
    }
    out.connected = true;
    for (size_t gi = 0; gi < groups.size(); ++gi) {
        const auto &[slave, group] = groups[gi];
        const milliseconds left = until(deadline);
        if (left.count() <= 0) break;
        const auto group_deadline = Clock::now() + left / static_cast<long>(groups.size() - gi);
        link.set_slave(slave);
        for (size_t mi = 0; mi < group.size(); ++mi) {
            const RegisterMap *m = group[mi];
            const milliseconds budget = until(group_deadline) / static_cast<long>(group.size() - mi);
            if (budget.count() <= 0) break;
            link.set_response_timeout(budget);
            const Probe &p = *m->probe;
            std::optional<ProbeValue> value;
            bool ok;
            if (p.device_id) {
                std::map<uint8_t, std::string> objects;
                ok = link.read_device_id(m->identification->read_code, m->identification->object, objects);
                if (ok) value = probe_value(p, objects);
            } else {
                std::vector<uint16_t> words;
                ok = link.read(p.table, p.address, p.count, words);
                if (ok) value = probe_value(p, words);
            }
            if (ok) {
                out.answered = true;
                if (value && probe_fits(p, *value)) {
                    out.map = m->name;
                    out.slave = slave;
                    out.how = probe_describe(p, *value);
                    out.error.clear();
                    return out;
                }
                continue;
            }
            out.error = link.error();
            switch (link.error_kind()) {
            case LinkError::Exception: // it answered: not this map's register
            case LinkError::BadReply:  // something is there, not speaking this map's request
                out.answered = true;
                continue;
            case LinkError::Timeout: // silent to this request (or at this id): the next map has its share
                continue;
            default:
                return out; // the connection is gone
            }
        }
    }
    return out;
}

} // namespace nutpp::modbus
