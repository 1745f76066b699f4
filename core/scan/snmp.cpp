#include "scan/snmp.hpp"

#include "scan/address_range.hpp"
#include "scan/parallel.hpp"

#include "catalog.hpp"
#include "session.hpp"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

namespace nutpp::scan {

namespace {

constexpr const char *kSysObjectId = ".1.3.6.1.2.1.1.2.0";

std::optional<SnmpAgent> probe(const std::string &host, const SnmpOptions &opt, const snmp::MappingList &pool) {
    const bool v6 = host.find(':') != std::string::npos;
    snmp::SessionConfig cfg;
    cfg.agent = host_port(host, opt.port);
    cfg.peer = (v6 ? "udp6:" : "udp:") + cfg.agent;
    cfg.version = opt.version == "v3" ? SNMP_VERSION_3 : opt.version == "v2c" ? SNMP_VERSION_2c : SNMP_VERSION_1;
    cfg.community = opt.community;
    cfg.secname = opt.secname;
    cfg.seclevel = opt.seclevel;
    cfg.authprotocol = opt.authprotocol;
    cfg.privprotocol = opt.privprotocol;
    cfg.authpassword = opt.authpassword;
    cfg.privpassword = opt.privpassword;
    cfg.retries = 0; // a scan asks once; the timeout is the user's
    cfg.timeout_s = double(opt.probe.timeout.count()) / 1000.0;
    snmp::SnmpOutcome why;
    auto session = snmp::Session::open(cfg, why);
    if (!session) return std::nullopt;
    std::vector<std::string> oids{kSysObjectId};
    for (const auto &m : pool) oids.push_back(m->probe);
    std::vector<snmp::RawValue> values;
    if (session->get(oids, values).result != snmp::SnmpResult::Ok || values.empty()) return std::nullopt;
    SnmpAgent a{host, opt.port, {}, {}, values[0].kind == snmp::RawValue::Kind::Oid ? values[0].octets : ""};
    const auto d = snmp::detect(pool, a.sysoid, std::vector<snmp::RawValue>(values.begin() + 1, values.end()));
    if (d.mapping) {
        a.mapping = d.mapping->name;
        a.how = d.how;
    }
    return a;
}

} // namespace

std::vector<SnmpAgent> scan_snmp(const std::vector<std::string> &hosts, const SnmpOptions &opt,
                                 const std::string &plugin_path) {
    const auto errors = snmp::catalog_load(snmp::default_mib_dir(plugin_path)); // throws when unreadable
    snmp::MappingList pool = snmp::catalog();
    if (pool.empty()) throw std::runtime_error("no SNMP mappings in " + snmp::catalog_dir());
    // The plugin tries candidates in detect_order (snmp_driver.cpp): the same order here.
    std::stable_sort(pool.begin(), pool.end(), [](const auto &a, const auto &b) { return a->detect_order < b->detect_order; });
    snmp::snmp_library_init();
    std::vector<std::optional<SnmpAgent>> found(hosts.size());
    parallel_for(
        hosts.size(), opt.probe.parallel, [&](size_t i) { found[i] = probe(hosts[i], opt, pool); }, opt.probe.progress);
    snmp::snmp_library_deinit();
    std::vector<SnmpAgent> out;
    for (auto &f : found)
        if (f) out.push_back(std::move(*f));
    return out;
}

} // namespace nutpp::scan
