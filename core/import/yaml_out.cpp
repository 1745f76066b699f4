#include "import/yaml_out.hpp"

#include "common/strings.hpp"

#include <cstdio>

namespace nutpp::import {

namespace {

bool plain_safe(std::string_view s) {
    if (s.empty()) return false;
    // Words YAML 1.1/1.2 would read as booleans or null.
    for (const char *w : {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"})
        if (common::iequals(s, w)) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '.' || c == '/' || c == '@' || c == '+' || c == '-';
        if (!ok) return false;
    }
    // Indicators that may not start a plain scalar, and "-"/"." alone.
    if (s.front() == '@' || s.front() == '-' || s == ".") return false;
    return true;
}

// A comment ends at the line's end: a control character in it (a device's string in a scan
// comment, say) would let the rest of the text start a YAML line of its own. It becomes '?'.
void append_comment_text(std::string &out, std::string_view text) {
    for (const char c : text) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
}

} // namespace

std::string yaml_scalar(std::string_view s) {
    if (plain_safe(s)) return std::string(s);
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                char buf[8];
                snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += char(c);
            }
        }
    }
    return out + "\"";
}

void YamlOut::end_line(std::string_view note) {
    if (!note.empty()) {
        text_ += "  # ";
        append_comment_text(text_, note);
    }
    text_ += '\n';
}

void YamlOut::comment(int indent, std::string_view text) {
    text_.append(size_t(indent), ' ');
    text_ += "# ";
    append_comment_text(text_, text);
    text_ += '\n';
}

void YamlOut::blank() { text_ += '\n'; }

void YamlOut::open(int indent, std::string_view key, std::string_view note) {
    text_.append(size_t(indent), ' ');
    text_ += yaml_scalar(key);
    text_ += ':';
    end_line(note);
}

void YamlOut::entry(int indent, std::string_view key, std::string_view value, std::string_view note) {
    text_.append(size_t(indent), ' ');
    text_ += yaml_scalar(key);
    text_ += ": ";
    text_ += value;
    end_line(note);
}

void YamlOut::item(int indent, std::string_view value, std::string_view note) {
    text_.append(size_t(indent), ' ');
    text_ += "- ";
    text_ += value;
    end_line(note);
}

} // namespace nutpp::import
