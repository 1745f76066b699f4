// Shared helpers for the config tests.
#pragma once

#include "config/config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace nutpp::config::test {

// Raw-string YAML in tests starts on the line after R"( -- drop that first newline so line 1 is
// the first line shown in the test.
inline std::string yaml(std::string s) {
    if (!s.empty() && s.front() == '\n') s.erase(0, 1);
    return s;
}

// The error loading `text` raises (as file "t.yaml"); a test failure if it loads.
inline ConfigError error_of(const std::string &text) {
    try {
        load_string(text, "t.yaml");
    } catch (const ConfigError &e) {
        return e;
    }
    ADD_FAILURE() << "expected a ConfigError for:\n" << text;
    return ConfigError(Location{}, "", "no error");
}

// A scratch directory removed at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "nutpp-config-XXXXXX").string();
        path_ = ::mkdtemp(tmpl.data()) ? tmpl : std::string{};
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    const std::string &path() const { return path_; }
    std::string write(const std::string &name, const std::string &content) const {
        const std::string p = path_ + "/" + name;
        std::ofstream(p, std::ios::binary) << content;
        return p;
    }

private:
    std::string path_;
};

} // namespace nutpp::config::test
