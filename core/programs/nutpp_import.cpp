#include "nutpp_import.hpp"

#include "config/config.hpp"
#include "import/importer.hpp"
#include "validate/validate.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace nutpp::programs {

namespace {

// Writes `text` to `path` (mode 0600: it holds passwords) through a temporary file and a rename,
// so an existing file is never left half written. Returns "" or why it failed.
std::string write_file(const std::string &path, const std::string &text) {
    const std::string tmp = path + ".nutpp-import.tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
    size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const std::string why = std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return "cannot write " + tmp + ": " + why;
        }
        done += size_t(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return "cannot write " + path + ": " + why;
    }
    return {};
}

// Loads `path` the way the daemons do. Returns false (after printing why) when it is refused.
bool check(const std::string &path, const std::string &shown_as) {
    validate::Options opts;
    opts.warn = [](const std::string &w) { std::cerr << "nutpp import --check: warning: " << w << "\n"; };
    try {
        validate::load_checked(path, opts);
    } catch (const config::ConfigError &e) {
        std::cerr << "nutpp import --check: the imported configuration does not load: " << e.what() << "\n";
        return false;
    } catch (const std::exception &e) {
        std::cerr << "nutpp import --check: " << shown_as << ": " << e.what() << "\n";
        return false;
    }
    std::cerr << "nutpp import --check: " << shown_as << " loads\n";
    return true;
}

} // namespace

int run_import(const ImportCommand &cmd) {
    import::ImportResult r;
    try {
        r = import::import_nut(cmd.dir, [](const std::string &plugin) {
            return validate::probe_plugin(plugin, "").keys;
        });
    } catch (const std::exception &e) {
        std::cerr << "nutpp import: " << e.what() << "\n";
        return 2;
    }
    for (const auto &p : r.not_carried)
        std::cerr << cmd.dir << "/" << p.str() << " [not carried]\n";
    for (const auto &h : r.hints) std::cerr << "nutpp import: hint: " << h << "\n";

    bool ok = true;
    if (!cmd.output.empty()) {
        if (const auto why = write_file(cmd.output, r.yaml); !why.empty()) {
            std::cerr << "nutpp import: " << why << "\n";
            return 2;
        }
        if (cmd.check) ok = check(cmd.output, cmd.output);
    } else {
        if (cmd.check) {
            // The loader reads files: check a private copy, then print it.
            char tmpl[] = "/tmp/nutpp-import-XXXXXX";
            const int fd = ::mkstemp(tmpl);
            if (fd < 0) {
                std::cerr << "nutpp import: cannot create a temporary file: " << std::strerror(errno) << "\n";
                return 2;
            }
            ::close(fd);
            const std::string tmp = tmpl;
            // Relative names (sim files) resolve against the file's directory: the result lives in
            // the NUT directory's place only once written with -o, so check it from there.
            const std::string why = write_file(tmp, r.yaml);
            ok = why.empty() && check(tmp, "the imported configuration");
            if (!why.empty()) std::cerr << "nutpp import: " << why << "\n";
            ::unlink(tmp.c_str());
        }
        std::cout << r.yaml << std::flush;
    }
    std::cerr << "nutpp import: read " << r.files.size() << " NUT file(s); "
              << (r.complete() ? std::string("everything was carried over")
                               : std::to_string(r.not_carried.size()) + " item(s) not carried over (listed above)")
              << "\n";
    if (!ok) return config::kExitConfigError;
    return r.complete() ? 0 : 1;
}

} // namespace nutpp::programs
