#include "rw_listing.hpp"

#include <algorithm>
#include <cstdlib>

namespace nutpp::clients {

namespace {

bool has_word(const std::vector<std::string> &words, std::string_view w) {
    return std::find(words.begin(), words.end(), w) != words.end();
}

// The storage word: "STRING:<n>" (n returned in max_len) or "NUMBER"; "" if upsd sent neither.
std::string storage_kind(const std::vector<std::string> &type, std::string &max_len) {
    for (const auto &w : type) {
        if (w.starts_with("STRING:")) {
            max_len = w.substr(7);
            return "STRING";
        }
        if (w == "STRING" || w == "NUMBER") return w;
    }
    return {};
}

// A range option is marked when the current value (read as an integer, as upsd compares them) lies in it.
bool in_range(const std::string &value, const std::pair<std::string, std::string> &r) {
    const long v = std::strtol(value.c_str(), nullptr, 10);
    return v >= std::strtol(r.first.c_str(), nullptr, 10) && v <= std::strtol(r.second.c_str(), nullptr, 10);
}

} // namespace

std::string format_rw_var(const RwVar &v) {
    std::string out = "[" + v.name + "]\n" + v.desc + "\n";
    std::string max_len;
    const std::string kind = storage_kind(v.type, max_len);

    if (has_word(v.type, "ENUM")) {
        out += "Type: ENUM " + kind + "\n";
        if (!max_len.empty()) out += "Maximum length: " + max_len + "\n";
        for (const auto &e : v.enums)
            out += "Option: \"" + e + "\"" + (e == v.value ? " SELECTED" : "") + "\n";
    } else if (has_word(v.type, "RANGE")) {
        // Ranges are integer bounds, so upsrw calls them NUMBER whatever the storage type says.
        out += "Type: RANGE NUMBER\n";
        for (const auto &r : v.ranges)
            out += "Option: \"" + r.first + "-" + r.second + "\"" + (in_range(v.value, r) ? " SELECTED" : "") + "\n";
    } else if (kind == "STRING") {
        out += "Type: STRING\n";
        if (!max_len.empty()) out += "Maximum length: " + max_len + "\n";
        out += "Value: " + v.value + "\n";
    } else {
        out += "Type: " + (kind.empty() ? std::string("NUMBER") : kind) + "\n";
        out += "Value: " + v.value + "\n";
    }
    out += "\n";
    return out;
}

RwVar fetch_rw_var(client::Connection &conn, const std::string &ups, const std::string &name) {
    RwVar v;
    v.name = name;
    v.desc = conn.get_desc(ups, name);
    v.type = conn.get_type(ups, name);
    v.value = conn.get_var(ups, name);
    if (has_word(v.type, "ENUM")) v.enums = conn.list_enum(ups, name);
    else if (has_word(v.type, "RANGE")) v.ranges = conn.list_range(ups, name);
    return v;
}

} // namespace nutpp::clients
