// The shipped mappings, loaded once per process in library_init (read-only afterwards, so every
// device thread may read them without locks), and the detection rule shared by all devices.
#pragma once

#include "convert.hpp"
#include "mapping.hpp"

#include <memory>
#include <string>
#include <vector>

namespace nutpp::snmp {

using MappingList = std::vector<std::shared_ptr<const Mapping>>;

// Loads every mapping of `dir`. A broken file is left out (one bad file must not stop every SNMP
// UPS of the host); its file:line:column error is returned for the log. Throws MappingError
// only when the directory cannot be read.
std::vector<std::string> catalog_load(const std::string &dir);
// The load error of the shipped mapping `name`, or "".
std::string catalog_error_for(const std::string &name);
void catalog_clear();
const MappingList &catalog();
const std::string &catalog_dir();

// Where the shipped mappings are for a plugin at `plugin_path`: <its dir>/snmp-mibs when present
// (build tree), else the install directory compiled in.
std::string default_mib_dir(const std::string &plugin_path);

// NUT's detection: the first candidate (by detect_order) whose sysoid is equal to or above
// `sys_object_id` and whose probe answers, else the first whose probe OID answered
// (probe_values[i] for candidates[i]).
struct Detection {
    std::shared_ptr<const Mapping> mapping;
    std::string how; // "sysObjectID .1.3..." or "probe OID .1.3..."
};
Detection detect(const MappingList &candidates, const std::string &sys_object_id,
                 const std::vector<RawValue> &probe_values);

} // namespace nutpp::snmp
