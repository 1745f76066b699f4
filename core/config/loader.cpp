// Reading the file, YAML syntax errors, and the top level of the document.
#include "config/config.hpp"
#include "config/sections.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

namespace nutpp::config {

namespace {

using namespace detail;

constexpr size_t max_file_size = 4 * 1024 * 1024; // a config file, not a data dump

std::string absolute_path(const Entry &e) {
    const std::string s = text(e, "an absolute path");
    if (s.front() != '/') fail(e, "is a relative path", "an absolute path");
    return s;
}

Location syntax_location(const std::string &file, const YAML::Mark &m) {
    if (m.is_null() || m.line < 0) return Location{file, 0, 0};
    return Location{file, m.line + 1, m.column + 1};
}

Config parse_document(const YAML::Node &root, const Reader &r) {
    Config cfg;
    cfg.file = r.file;
    const Location top{r.file, 1, 1};
    if (root.IsDefined() && !root.IsNull() && !root.IsMap())
        throw ConfigError(r.at(root, top), "", "the top level is not a map",
                          "a map of settings and sections (devices, server, users, monitor, web)");

    std::vector<Field> fields = {
        {"state_dir", [&](const Entry &e) { cfg.state_dir = absolute_path(e); }},
        {"plugin_dir", [&](const Entry &e) { cfg.plugin_dir = absolute_path(e); }},
    };
    for (auto &f : driver_default_fields(cfg.driver_defaults)) fields.push_back(std::move(f));
    // Devices inherit the globals, which may be written after them: parse devices last.
    std::optional<Entry> devices;
    fields.push_back({"devices", [&](const Entry &e) { devices = e; }});
    fields.push_back({"server", [&](const Entry &e) { cfg.server = parse_server(r, e); }});
    fields.push_back({"users", [&](const Entry &e) { cfg.users = parse_users(r, e); }});
    fields.push_back({"monitor", [&](const Entry &e) { cfg.monitor = parse_monitor(r, e); }});
    fields.push_back({"web", [&](const Entry &e) { cfg.web = parse_web(r, e); }});

    // Renamed NUT keys get a pointer to their nutpp name.
    static const struct {
        const char *nut, *nutpp;
    } renamed[] = {{"statepath", "state_dir"}, {"driverpath", "plugin_dir"}, {"ups", "devices"},
                   {"upsd", "server"},         {"upsmon", "monitor"}};
    for (const auto &e : entries(r, root, "", top)) {
        for (const auto &rn : renamed)
            if (e.key == rn.nut)
                fail_at(e.key_at, e.path, "unknown key",
                        "'" + std::string(rn.nutpp) + "' (nutpp's name for NUT's '" + rn.nut + "')", rn.nutpp);
        apply_fields({e}, fields, "the top level");
    }
    if (devices) cfg.devices = parse_devices(r, *devices, cfg.driver_defaults);
    if (const auto &cu = cfg.web.mqtt.commands_user; !cu.empty()) {
        const bool known = std::any_of(cfg.users.begin(), cfg.users.end(), [&](const User &u) { return u.name == cu; });
        if (!known)
            fail_at(cfg.web.mqtt.where, "web.mqtt.commands_user", "'" + cu + "' is not a user of section 'users'",
                    "a user name from section 'users'");
    }
    if (!cfg.server.listen_configured) {
        // NUT's default: loopback only, both address families.
        const Location nowhere{r.file, 0, 0};
        cfg.server.listen = {Listen{"127.0.0.1", 3493, nowhere, {}}, Listen{"::1", 3493, nowhere, {}}};
    }
    return cfg;
}

Config parse(const std::string &text, const Reader &r) {
    try {
        std::vector<YAML::Node> docs;
        try {
            docs = YAML::LoadAll(text);
        } catch (const YAML::Exception &ex) {
            throw ConfigError(syntax_location(r.file, ex.mark), "", "YAML syntax error: " + ex.msg);
        }
        if (docs.size() > 1)
            throw ConfigError(r.at(docs[1], Location{r.file, 0, 0}), "", "a second YAML document",
                              "one document (remove the '---' separator)");
        return parse_document(docs.empty() ? YAML::Node() : docs.front(), r);
    } catch (const ConfigError &) {
        throw;
    } catch (const YAML::Exception &ex) {
        // A yaml-cpp accessor refused a node we did not expect (should not happen; never crash on it).
        throw ConfigError(syntax_location(r.file, ex.mark), "", "cannot read value: " + ex.msg);
    } catch (const std::exception &ex) {
        throw ConfigError(Location{r.file, 0, 0}, "", std::string("cannot load: ") + ex.what());
    }
}

} // namespace

Config load_string(const std::string &text, const std::string &name_for_errors) {
    return parse(text, Reader{name_for_errors, ""});
}

Config load_file(const std::string &path) {
    const Location whole{path, 0, 0};
    const auto fail_file = [&](const std::string &why) {
        throw ConfigError(whole, "", why, "a readable YAML file");
    };
    // O_NONBLOCK: a FIFO given by mistake must not hang; only regular files are read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) fail_file(std::string("cannot open: ") + std::strerror(errno));
    std::string data;
    struct stat st {};
    std::string problem;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        problem = "not a regular file";
    } else {
        char buf[16384];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                problem = std::string("cannot read: ") + std::strerror(errno);
                break;
            }
            if (n == 0) break;
            data.append(buf, size_t(n));
            if (data.size() > max_file_size) {
                problem = "larger than 4 MiB";
                break;
            }
        }
    }
    ::close(fd);
    if (!problem.empty()) fail_file(problem);
    const std::string dir = std::filesystem::path(path).parent_path().string();
    return parse(data, Reader{path, dir});
}

} // namespace nutpp::config
