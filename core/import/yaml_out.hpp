// Writing the imported configuration: YAML text with a comment on each entry naming the NUT file
// and line it came from (yaml-cpp's emitter cannot put comments where we need them).
#pragma once

#include <string>
#include <string_view>

namespace nutpp::import {

// A scalar as YAML: plain when that reads back as the same text, else double-quoted with escapes.
std::string yaml_scalar(std::string_view s);

class YamlOut {
public:
    void comment(int indent, std::string_view text);
    void blank();
    // "key:" opening a nested map or list.
    void open(int indent, std::string_view key, std::string_view note = {});
    // "key: value" with `value` already rendered (yaml_scalar, or a number/bool/flow list).
    void entry(int indent, std::string_view key, std::string_view value, std::string_view note = {});
    // "- value" (a rendered flow map or scalar) in a list.
    void item(int indent, std::string_view value, std::string_view note = {});
    const std::string &text() const { return text_; }
    bool empty() const { return text_.empty(); }

private:
    void end_line(std::string_view note);
    std::string text_;
};

} // namespace nutpp::import
