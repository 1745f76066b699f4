#include "test_util.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace nutpp::test {

TempDir::TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "nutpp-sim-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string &name, const std::string &content) const {
    const auto p = path_ / name;
    // Write to a new file then rename, so a reader never sees a half-written file and the inode
    // changes (as editors that save atomically do).
    const auto tmp = path_ / (name + ".tmp");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
    }
    std::filesystem::rename(tmp, p);
    return p.string();
}

std::vector<DdlEntry> read_ddl_index(const std::string &ddl_dir) {
    std::ifstream in(ddl_dir + "/index.csv");
    if (!in) throw std::runtime_error("cannot open " + ddl_dir + "/index.csv");
    std::vector<DdlEntry> rows;
    std::string line;
    std::getline(in, line); // header: file,manufacturer,model,driver,nut_version,num_variables,...
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        std::string col;
        while (std::getline(ss, col, ',')) cols.push_back(col);
        if (cols.size() < 8) throw std::runtime_error("bad index row: " + line);
        rows.push_back({cols[0], std::stoul(cols[5]), cols[7]});
    }
    return rows;
}

std::string read_text(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace nutpp::test
