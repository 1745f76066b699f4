// The recordings served to the tests: every tests/testdata/snmp/snmprec/*.snmprec (community = file
// name) plus `ietfrw`, a copy of the Eaton 93E walk whose upsOutputSource, upsConfigAudibleStatus
// and upsShutdownAfterDelay are snmpsim `writecache` values (a SET changes what later GETs answer).
// One snmpsimd per test binary, started on first use.
#pragma once

#include "agents.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace nutpp::snmp::testing {

std::vector<std::string> recording_names(); // sorted stems of snmprec/*.snmprec
SnmpSim &shared_snmpsim();

} // namespace nutpp::snmp::testing
