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
std::vector<std::string> *g_errors = nullptr; // files that failed to load, with their errors
const MappingList kEmpty;
const std::string kNone;

bool under(const std::string &oid, const std::string &prefix) {
    return oid == prefix || (oid.size() > prefix.size() && oid.compare(0, prefix.size(), prefix) == 0 &&
                             oid[prefix.size()] == '.');
}
} // namespace

std::vector<std::string> catalog_load(const std::string &dir) {
    std::vector<std::string> errors;
    auto list = load_mapping_dir(dir, &errors);
    catalog_clear();
    g_catalog = new MappingList(std::move(list));
    g_dir = new std::string(dir);
    g_errors = new std::vector<std::string>(errors);
    return errors;
}

std::string catalog_error_for(const std::string &name) {
    if (!g_errors) return {};
    // The file stem names the mapping in the shipped set (ietf.yaml holds `name: ietf`).
    for (const auto &e : *g_errors)
        if (e.find("/" + name + ".yaml:") != std::string::npos) return e;
    return {};
}

void catalog_clear() {
    delete g_catalog;
    delete g_dir;
    delete g_errors;
    g_catalog = nullptr;
    g_dir = nullptr;
    g_errors = nullptr;
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
    // A sysObjectID match is confirmed by the probe answering, as NUT confirms it by reading the
    // table's model OID: some sysObjectIDs are shared (net-snmp's generic Linux one, MGE's .705.1
    // on ATS cards too).
    if (!sys_object_id.empty())
        for (size_t i = 0; i < candidates.size() && i < probe_values.size(); ++i)
            for (const auto &s : candidates[i]->sysoid)
                if (under(sys_object_id, s) && probe_values[i].kind != RawValue::Kind::Missing)
                    return {candidates[i], "sysObjectID " + sys_object_id + " and probe OID " + candidates[i]->probe};
    for (size_t i = 0; i < candidates.size() && i < probe_values.size(); ++i)
        if (probe_values[i].kind != RawValue::Kind::Missing)
            return {candidates[i], "probe OID " + candidates[i]->probe};
    return {};
}

} // namespace nutpp::snmp
