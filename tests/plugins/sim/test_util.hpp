// Small helpers shared by the sim tests: a temporary directory, file writing, and the DDL index.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nutpp::test {

// A fresh directory under the system temp dir, removed with its content on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const std::filesystem::path &path() const { return path_; }
    // Writes `content` to <dir>/<name> (replacing it) and returns the full path.
    std::string write(const std::string &name, const std::string &content) const;

private:
    std::filesystem::path path_;
};

// Rows of testdata/ddl/index.csv that matter here.
struct DdlEntry {
    std::string file;
    size_t num_variables = 0;
    std::string ups_status;
};
std::vector<DdlEntry> read_ddl_index(const std::string &ddl_dir);

std::string read_text(const std::string &path);

} // namespace nutpp::test
