#include "sim_config.hpp"

#include <nutpp/driver.hpp>

#include <nutpp/support/text.hpp>

namespace nutpp::sim {

using support::iequals;
namespace {

bool ends_with(const std::string &s, const char *suffix) {
    const std::string suf(suffix);
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// A NUTPP_TYPE_BOOL key: the host checked it with its one NUT boolean parser and hands it over
// as "true" or "false" (a bare flag too), so there is no spelling to interpret here.
std::optional<bool> canonical_bool(const std::string &v) {
    if (v == "true") return true;
    if (v == "false") return false;
    return std::nullopt;
}

} // namespace

const char *mode_name(SimConfig::Mode m) {
    switch (m) {
    case SimConfig::Mode::DummyOnce: return "dummy-once";
    case SimConfig::Mode::DummyLoop: return "dummy-loop";
    case SimConfig::Mode::Dummy: return "dummy";
    case SimConfig::Mode::Repeater: return "repeater";
    }
    return "dummy";
}

std::string resolve_path(const std::string &port, const char *confdir) {
    if (!port.empty() && port[0] == '/') return port;
    std::string dir = (confdir && *confdir) ? confdir : kDefaultConfDir;
    if (dir.back() != '/') dir += '/';
    return dir + port;
}

SimConfig make_config(const RawConfig &raw, const char *confdir) {
    const auto &port = raw.port;
    const auto &mode = raw.mode;
    const auto &strict_start_off = raw.repeater_disable_strict_start;
    SimConfig c;
    if (!port || port->empty())
        throw Error(NUTPP_E_CONFIG, "sim: 'port' is required (a .dev/.seq file, or ups@host[:port])");
    c.port = *port;

    if (mode) {
        c.mode_from_config = true;
        if (*mode == "dummy-once") c.mode = SimConfig::Mode::DummyOnce;
        else if (*mode == "dummy-loop") c.mode = SimConfig::Mode::DummyLoop;
        else if (*mode == "dummy") c.mode = SimConfig::Mode::Dummy;
        else if (*mode == "repeater") c.mode = SimConfig::Mode::Repeater;
        else
            throw Error(NUTPP_E_CONFIG, "sim: unsupported mode '" + *mode +
                                            "' (expected dummy-once, dummy-loop, dummy or repeater)");
    } else if (c.port.find('@') != std::string::npos) {
        c.mode = SimConfig::Mode::Repeater;
    } else if (ends_with(c.port, ".seq")) {
        c.mode = SimConfig::Mode::DummyLoop;
    } else if (ends_with(c.port, ".dev")) {
        c.mode = SimConfig::Mode::DummyOnce;
    } else {
        c.mode = SimConfig::Mode::Dummy;
    }

    if (strict_start_off) {
        auto b = canonical_bool(*strict_start_off);
        if (!b)
            throw Error(NUTPP_E_CONFIG, "sim: repeater_disable_strict_start must be \"true\" or \"false\" (as the "
                                        "host passes booleans), got '" + *strict_start_off + "'");
        c.strict_start = !*b;
    }

    if (raw.username && !raw.username->empty()) c.username = raw.username;
    if (raw.password) c.password = raw.password;
    if (c.password && !c.username)
        throw Error(NUTPP_E_CONFIG, "sim: 'password' is set but 'username' is not");

    if (c.mode != SimConfig::Mode::Repeater) c.path = resolve_path(c.port, confdir);
    return c;
}

} // namespace nutpp::sim
