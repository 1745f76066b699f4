// The sim plugin's device configuration: NUT dummy-ups' options, checked in create().
//
//   port  (required)  a simulation file, or `ups@host[:port]` of a NUT server to repeat.
//                     Absolute file paths are used as is; relative ones are resolved against the
//                     directory in the environment variable NUTPP_CONFDIR, else /etc/nutpp (dummy-ups
//                     resolves them against NUT's CONFPATH the same way).
//   mode              dummy-once | dummy-loop | dummy | repeater. Default from `port`, like
//                     dummy-ups: contains '@' -> repeater, *.seq -> dummy-loop, *.dev -> dummy-once,
//                     anything else -> dummy (which loops, like dummy-loop).
//   repeater_disable_strict_start
//                     repeater only: when the remote server cannot be reached at open(), open
//                     anyway and keep trying from poll() (data stays stale meanwhile), instead of
//                     failing open() (the host then retries it with backoff).
//   username, password
//                     repeater only, a nutpp extension: the account used to forward SET VAR and
//                     INSTCMD to the remote server (upsd requires a login for both). NUT 2.8.0's
//                     repeater does not forward at all; later NUT reads credentials from an
//                     "authconf" file instead. The password is a secret key (never published).
#pragma once

#include <optional>
#include <string>

namespace nutpp::sim {

inline constexpr const char *kDefaultConfDir = "/etc/nutpp";

struct SimConfig {
    enum class Mode { DummyOnce, DummyLoop, Dummy, Repeater };
    Mode mode = Mode::Dummy;
    bool mode_from_config = false; // false: guessed from `port`
    std::string port;              // as configured
    std::string path;              // file modes: resolved path
    bool strict_start = true;      // repeater
    std::optional<std::string> username, password; // repeater: for forwarded SET VAR / INSTCMD
};

// Raw key values as the host hands them over (nullopt = unset).
struct RawConfig {
    std::optional<std::string> port, mode, repeater_disable_strict_start, username, password;
};

// NUT's name for a mode ("dummy-once", ...).
const char *mode_name(SimConfig::Mode m);

// Builds the config. Throws nutpp::Error(NUTPP_E_CONFIG) with a message naming the key on bad input.
// `confdir` is NUTPP_CONFDIR's value (nullptr if unset).
SimConfig make_config(const RawConfig &raw, const char *confdir);

// Resolves a relative simulation file path (see above).
std::string resolve_path(const std::string &port, const char *confdir);

} // namespace nutpp::sim
