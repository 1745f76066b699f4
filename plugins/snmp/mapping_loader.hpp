// Loads mapping files (YAML, one MIB each) into Mapping data. Every mistake is a MappingError whose
// text starts "file:line:column: " and names the key, like the errors of our nutpp.yaml.
#pragma once

#include "mapping.hpp"

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace nutpp::snmp {

class MappingError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One file. `display_name` is what errors call it (the path by default).
std::shared_ptr<const Mapping> load_mapping_file(const std::string &path);
// From text (tests, fuzzing); `file` only names it in errors.
std::shared_ptr<const Mapping> load_mapping_text(const std::string &text, const std::string &file);
// Every *.yaml of a directory, sorted by detect_order then name. A broken file throws, or, with
// `errors`, is left out and its error appended there.
std::vector<std::shared_ptr<const Mapping>> load_mapping_dir(const std::string &dir,
                                                             std::vector<std::string> *errors = nullptr);

// True for a numeric OID with a leading dot (".1.3.6.1.2.1.33.1.2.4.0").
bool valid_oid(const std::string &oid);

} // namespace nutpp::snmp
