#include "common/file_trust.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace nutpp::common {

namespace {

std::string one_problem(const std::string &p, bool is_ancestor) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return is_ancestor ? "" : p + ": " + std::strerror(errno);
    if (st.st_uid != 0)
        return p + " is owned by uid " + std::to_string(st.st_uid) + ", not root; run: chown root " + p;
    const bool sticky_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !sticky_dir)
        return p + " is writable by group/others; run: chmod go-w " + p;
    return {};
}

} // namespace

std::string root_trust_problem(const std::string &path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    // Resolved first, so the directories checked are those that really hold the file.
    fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec) return path + ": " + ec.message();
    if (auto problem = one_problem(p.string(), false); !problem.empty()) return problem;
    while (p.has_parent_path() && p.parent_path() != p) {
        p = p.parent_path();
        if (auto problem = one_problem(p.string(), true); !problem.empty()) return problem;
    }
    return {};
}

bool readable_by_others(const std::string &path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH);
}

} // namespace nutpp::common
