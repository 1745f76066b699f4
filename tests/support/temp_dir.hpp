// A private directory under /tmp for one test, removed with all it holds when the test ends.
#pragma once

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

namespace nutpp::testing {

struct TempDir {
    std::string path; // absolute, no trailing slash

    // `tag` names the directory (/tmp/nutpp-TAG-XXXXXX) so a leftover tells which test made it.
    explicit TempDir(const std::string &tag = "test") {
        std::string tmpl = "/tmp/nutpp-" + tag + "-XXXXXX";
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp " + tmpl + " failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;

    std::filesystem::path operator/(const std::string &name) const { return std::filesystem::path(path) / name; }

    // Writes `text` to PATH/name (replacing it) with `mode`, and returns the file's path.
    std::string write(const std::string &name, const std::string &text, mode_t mode = 0644) const {
        const std::string file = path + "/" + name;
        std::ofstream(file, std::ios::binary) << text;
        ::chmod(file.c_str(), mode);
        return file;
    }
};

} // namespace nutpp::testing
