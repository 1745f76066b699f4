// The text form of a plugin's declared config keys, written by `upsdrvd --describe NAME --keys` in
// a short-lived unprivileged process and read back by the validator (core/validate), which never
// loads plugin code itself. One line per key, tab-separated; writer and reader live together here.
#include "config/config.hpp"

#include "common/strings.hpp"

#include <fmt/format.h>

#include <sstream>
#include <stdexcept>

namespace nutpp::config {

namespace {

constexpr const char *kMagic = "nutpp-keys 1";

const char *type_word(KeySpec::Type t) {
    switch (t) {
    case KeySpec::Type::Number: return "number";
    case KeySpec::Type::Integer: return "integer";
    case KeySpec::Type::Bool: return "bool";
    case KeySpec::Type::Enum: return "enum";
    case KeySpec::Type::String: break;
    }
    return "string";
}

void check_field(const std::string &s, const std::string &plugin) {
    for (char c : s)
        if (c == '\t' || c == '\n' || c == '\r')
            throw std::runtime_error("plugin '" + plugin + "' declares a key name or value with a tab or line break");
}

std::vector<std::string> split_tabs(const std::string &line) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        const size_t tab = line.find('\t', start);
        out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return out;
        start = tab + 1;
    }
}

} // namespace

std::string serialize_key_specs(const std::string &plugin, const std::vector<KeySpec> &keys) {
    check_field(plugin, plugin);
    std::string out = std::string(kMagic) + "\nplugin\t" + plugin + "\n";
    for (const auto &k : keys) {
        check_field(k.name, plugin);
        out += "key\t" + k.name + "\t" + type_word(k.type) + "\t" + (k.required ? "1" : "0") + "\t" +
               (k.secret ? "1" : "0");
        for (const auto &e : k.enum_values) {
            check_field(e, plugin);
            out += "\t" + e;
        }
        out += "\n";
        // Exact doubles: the reader must judge a value as the plugin's own table would.
        if (k.range) out += fmt::format("range\t{}\t{:.17g}\t{:.17g}\n", k.name, k.range->first, k.range->second);
    }
    return out;
}

std::vector<KeySpec> parse_key_specs(const std::string &text, std::string &plugin) {
    std::istringstream in(text);
    std::string line;
    if (!std::getline(in, line) || line != kMagic) throw std::runtime_error("not a key list (no '" + std::string(kMagic) + "' line)");
    std::vector<KeySpec> keys;
    while (std::getline(in, line)) {
        const auto f = split_tabs(line);
        if (f[0] == "plugin" && f.size() == 2) {
            plugin = f[1];
            continue;
        }
        if (f[0] == "range" && f.size() == 4 && !keys.empty() && keys.back().name == f[1]) {
            double lo = 0, hi = 0;
            if (!common::parse_double(f[2], lo) || !common::parse_double(f[3], hi))
                throw std::runtime_error("malformed range line '" + line + "'");
            keys.back().range = std::pair{lo, hi};
            continue;
        }
        if (f[0] != "key" || f.size() < 5 || f[1].empty()) throw std::runtime_error("malformed key line '" + line + "'");
        KeySpec k;
        k.name = f[1];
        bool known = false;
        for (auto t : {KeySpec::Type::String, KeySpec::Type::Number, KeySpec::Type::Integer, KeySpec::Type::Bool,
                       KeySpec::Type::Enum})
            if (f[2] == type_word(t)) k.type = t, known = true;
        if (!known) throw std::runtime_error("unknown key type '" + f[2] + "'");
        k.required = f[3] == "1";
        k.secret = f[4] == "1";
        k.enum_values.assign(f.begin() + 5, f.end());
        keys.push_back(std::move(k));
    }
    if (plugin.empty()) throw std::runtime_error("key list names no plugin");
    return keys;
}

} // namespace nutpp::config
