#include "catalog.hpp"

#include "mapping_loader.hpp"

#include <filesystem>

#ifndef NUTPP_SNMP_MIB_DIR
#define NUTPP_SNMP_MIB_DIR "/usr/share/nutpp/snmp"
#endif

namespace nutpp::snmp {
namespace {
MappingList *g_catalog = nullptr; // written in library_init/deinit only ([load-thread])
std::string *g_dir = nullptr;
const MappingList kEmpty;
const std::string kNone;

bool under(const std::string &oid, const std::string &prefix) {
    return oid == prefix || (oid.size() > prefix.size() && oid.compare(0, prefix.size(), prefix) == 0 &&
                             oid[prefix.size()] == '.');
}
} // namespace

void catalog_load(const std::string &dir) {
    auto list = load_mapping_dir(dir);
    catalog_clear();
    g_catalog = new MappingList(std::move(list));
    g_dir = new std::string(dir);
}

void catalog_clear() {
    delete g_catalog;
    delete g_dir;
    g_catalog = nullptr;
    g_dir = nullptr;
}

const MappingList &catalog() { return g_catalog ? *g_catalog : kEmpty; }
const std::string &catalog_dir() { return g_dir ? *g_dir : kNone; }

std::string default_mib_dir(const std::string &plugin_path) {
    const auto beside = std::filesystem::path(plugin_path).parent_path() / "snmp-mibs";
    std::error_code ec;
    if (!plugin_path.empty() && std::filesystem::is_directory(beside, ec)) return beside.string();
    return NUTPP_SNMP_MIB_DIR;
}

Detection detect(const MappingList &candidates, const std::string &sys_object_id,
                 const std::vector<RawValue> &probe_values) {
    if (!sys_object_id.empty())
        for (const auto &m : candidates)
            for (const auto &s : m->sysoid)
                if (under(sys_object_id, s)) return {m, "sysObjectID " + sys_object_id};
    for (size_t i = 0; i < candidates.size() && i < probe_values.size(); ++i)
        if (probe_values[i].kind != RawValue::Kind::Missing)
            return {candidates[i], "probe OID " + candidates[i]->probe};
    return {};
}

} // namespace nutpp::snmp
