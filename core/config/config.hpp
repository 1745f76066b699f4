// The one nutpp configuration file (default /etc/nutpp/nutpp.yaml), read by upsdrvd, upsd and upsmon.
// It replaces NUT's ups.conf (devices + driver globals), upsd.conf (server), upsd.users (users) and
// upsmon.conf (monitor); key names are NUT's option names in lower case, defaults are NUT's.
//
// Loading validates everything except plugin-specific device keys: those are declared by the
// plugins. Programs load through validate::load_checked (core/validate), which adds them (via
// check_driver_keys) and root's file checks; upsdrvd checks again when it loads a plugin.
#pragma once

#include "config/error.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nutpp::config {

// One value as written (scalar text, unquoted) and where it was written.
struct Setting {
    std::string value;
    Location where;  // the value (the key, for an empty value)
    Location key_at; // the key
};
using Settings = std::vector<std::pair<std::string, Setting>>; // file order

// Where a device's plugin runs (nutpp). InProcess: a thread of upsdrvd (cheapest; a crash in the
// plugin ends upsdrvd and every device with it). Process: a supervised worker process of its own,
// restarted when it crashes, hangs or runs out of memory (host/process_runner.hpp). Auto: InProcess
// for plugins found in plugin_dir, Process for one named by a path outside it.
enum class Isolation { Auto, InProcess, Process };
const char *to_string(Isolation i);

// ups.conf globals: defaults every device inherits unless it sets its own value.
struct DriverDefaults {
    double pollinterval = 2;     // seconds between polls
    int maxretry = 1;            // failed polls/starts before the device is reconnected
    double retrydelay = 5;       // seconds between retries
    int maxstartdelay = 75;      // seconds a device may take to open
    double poll_timeout = 5;     // seconds a plugin call may block before the host warns (nutpp)
    std::string synchronous = "auto"; // "auto" | "yes" | "no"
    std::string user, group;     // drop privileges to these (empty: keep)
    int debug_min = 0;
    Isolation isolation = Isolation::Auto;
    uint64_t memory_limit = 0;   // bytes a `process`-isolated device's worker may allocate; 0 = none
};

// One device (a ups.conf section).
struct DeviceConfig {
    std::string name;  // [A-Za-z0-9_.-]+, unique case-insensitively
    Location where;    // the device's name key
    std::string driver; // plugin name
    std::string port;   // device path / address, or "auto"
    std::string desc;
    double pollinterval = 2;
    int maxretry = 1;
    double retrydelay = 5;
    double poll_timeout = 5;
    int maxstartdelay = 75;
    bool ignorelb = false;
    int sdorder = 0;                  // shutdown order; -1 = never shut down by upsdrvctl-like tools
    std::vector<std::string> sdcommands; // instant commands used to shut the UPS down, in order
    bool allow_killpower = false;
    bool nolock = false;
    std::string synchronous = "auto"; // "auto" | "yes" | "no"
    std::string user, group;
    int debug_min = 0;
    Isolation isolation = Isolation::Auto;
    uint64_t memory_limit = 0;        // bytes (Process isolation only); 0 = no limit
    Settings overrides;   // "override.ups.mfr: X" -> {"ups.mfr", X}
    Settings defaults;    // "default.ups.mfr: X"  -> {"ups.mfr", X}
    Settings driver_keys; // keys the host does not consume (plugin-specific), checked by check_driver_keys
    Settings all_keys;    // every key as written incl. host ones ("override.x" flattened), values as strings

    // The value of `key` as written (any key, host or plugin), or nullptr.
    const Setting *find(std::string_view key) const;
};

enum class Role { None, Primary, Secondary }; // NUT's master/slave are accepted as aliases

// CERTIDENT <name> <password>: the certificate (NSS nickname) and its database password.
struct CertIdent {
    std::string name;
    std::string password; // secret
    Location password_at; // where `password:` is written; line 0 = not in this file (password_file)
};

// One network of an access list (server.allow / server.deny): an address and a prefix length.
// IPv4-mapped IPv6 networks (::ffff:a.b.c.d/96+n) are stored as the IPv4 network a.b.c.d/n, and
// upsd matches a v4-mapped peer as its IPv4 address, so either spelling covers both.
struct Network {
    bool v6 = false;
    std::array<uint8_t, 16> addr{}; // network byte order; IPv4 uses the first 4 bytes
    int prefix = 0;                 // 0..32 (IPv4) or 0..128 (IPv6)
    std::string text;               // as written
    Location where;
};

// Parses "address" or "address/prefix" (numeric IPv4 or IPv6, no host names). Returns "" on
// success, else what is wrong; `suggestion` gets the network meant when only host bits are set
// ("192.168.1.7/24" -> "192.168.1.0/24").
std::string parse_network(std::string_view text, Network &out, std::string *suggestion = nullptr);

// Who may connect (upsd, checked at accept). A peer matching any `deny` network is refused;
// otherwise, when `allow` is not empty, only a peer matching an `allow` network is accepted.
struct AccessRules {
    std::vector<Network> allow, deny;
    bool configured = false; // allow or deny written: a listener with its own rules ignores the global ones
};

struct Listen {
    std::string host;     // address or host name as written; "*" = every address (IPv4 and IPv6)
    uint16_t port = 3493;
    Location where;
    AccessRules access;   // this listener's own rules (configured = false: the server's apply)
};

enum class CertRequest { No = 0, Request = 1, Require = 2 };

// upsd.conf
struct ServerConfig {
    std::vector<Listen> listen; // 127.0.0.1 and ::1 on 3493 when not configured (set by the loader)
    bool listen_configured = false;
    int maxage = 15;            // seconds without driver updates before data is stale
    int maxconn = 0;            // 0 = the process's file descriptor limit
    int maxconn_per_address = 0; // 0 = maxconn less an eighth (nutpp: one host cannot take every slot)
    int idle_timeout = 60;       // seconds a client may stay silent (NUT's fixed 60; watchers too)
    int trackingdelay = 3600;   // seconds TRACKING results are kept
    std::string certfile;       // PEM with certificate + key; empty = no TLS
    std::string certpath;
    CertIdent certident;
    CertRequest certrequest = CertRequest::No;
    bool disable_weak_ssl = false;
    bool allow_no_device = false;
    bool allow_not_all_listeners = false;
    int debug_min = 0;
    std::string datapath;       // where cmdvartab is read; empty = built-in
    AccessRules access;         // server.allow / server.deny: every listener without rules of its own
};

// upsd.users
struct User {
    std::string name;
    Location where;
    std::string password;       // secret; from `password` or the file named by `password_file`
    Location password_at;       // where `password:` is written; line 0 = not in this file
    std::string password_hash;  // "<scheme>$..." stored verbatim (verification is upsd's business)
    std::vector<std::string> actions;  // lower case: "set", "fsd", "login", "primary"
    std::vector<std::string> instcmds; // as written; "all" grants every command (compare case-insensitively)
    Role upsmon = Role::None;   // primary => login+primary+fsd actions, secondary => login (NUT rule)
};

// One MONITOR line.
struct Monitor {
    std::string system;   // "ups@host:port" as written (NUT's %s in notify messages)
    std::string ups;      // UPS name on that server
    std::string host = "localhost";
    uint16_t port = 3493;
    int power = 1;        // power supplies this UPS feeds here (0 = monitor only)
    std::string user;
    std::string password; // secret
    Location password_at; // where `password:` is written; line 0 = not in this file
    Role role = Role::None; // always Primary or Secondary after loading
    Location where;
};

// NOTIFYFLAG: what to do for one event. NUT's default is SYSLOG+WALL.
struct NotifyFlags {
    bool syslog = true;
    bool wall = true;
    bool exec = false;
    bool ignore = false;
    bool operator==(const NotifyFlags &) const = default;
};

// CERTHOST <hostname> <certname> <certverify> <forcessl>
struct CertHost {
    std::string host;
    std::string name;
    bool certverify = false;
    bool forcessl = false;
};

// upsmon.conf
struct MonitorConfig {
    std::vector<Monitor> monitors;
    int minsupplies = 1;
    int pollfreq = 5;
    int pollfreqalert = 5;
    int deadtime = 15;
    int hostsync = 15;
    int finaldelay = 5;
    int rbwarntime = 43200;
    int nocommwarntime = 300;
    int offduration = 30;     // < 0 disables
    int oblbduration = 0;
    int overduration = -1;    // < 0: OVER alone is never critical
    bool alarmcritical = true;
    int shutdownexit = 0;     // "yes" = 0 (exit at once), "no" = -1 (never exit), N = exit after N seconds
    int pollfail_log_throttle_max = -1;
    std::string powerdownflag; // empty = not configured
    std::string shutdowncmd;
    std::string notifycmd;
    std::string run_as_user;
    std::string certpath;
    std::string certfile;      // PEM with our client certificate + key (nutpp; NUT's NSS build: CERTIDENT)
    CertIdent certident;
    std::vector<CertHost> certhosts;
    bool certverify = false;
    bool forcessl = false;
    int debug_min = 0;
    std::map<std::string, std::string> notifymsg;  // upper-case event type -> message format
    std::map<std::string, NotifyFlags> notifyflag; // upper-case event type -> flags (only configured ones)

    NotifyFlags flags_for(std::string_view type) const; // configured flags, else NUT's default
};

// Every NOTIFY event type (upper case) accepted in notifymsg/notifyflag.
const std::vector<std::string> &notify_types();

// `web:` (nutpp's upsweb): Prometheus metrics, a JSON/HTTP API with live events, a status page and
// MQTT, all fed from upsd as a client. The listeners are off unless their subsection is written.
struct WebHttp {
    bool enabled = false;       // `http:` written
    std::vector<Listen> listen; // default 127.0.0.1:9199 (nut_exporter's port), loopback only
    std::string certfile;       // PEM with certificate + key (like server.certfile); empty = plain HTTP
    bool metrics = true;        // GET /metrics (and /ups_metrics, nut_exporter's path)
    bool api = true;            // /api/v1/...
    bool page = true;           // the status page at /
    int max_event_clients = 32; // concurrent /api/v1/events streams
    size_t max_body = 4096;     // bytes of a request body
    Location where;
};

struct WebMqtt {
    bool enabled = false;       // `mqtt:` written
    std::string host = "127.0.0.1";
    uint16_t port = 1883;
    std::string client_id = "nutpp-upsweb";
    std::string user;
    std::string password;       // secret
    Location password_at;       // line 0 = not in this file
    std::string prefix = "nutpp";                  // <prefix>/<ups>/<variable>
    bool discovery = true;                          // Home Assistant MQTT discovery
    std::string discovery_prefix = "homeassistant";
    bool tls = false;           // TLS to the broker (also implied by cafile)
    std::string cafile, capath; // broker certificate check
    std::string certfile, keyfile; // our client certificate
    int keepalive = 30;         // seconds
    std::string commands_user;  // a `users` entry: enables <prefix>/<ups>/command with its rights; empty = off
    Location where;
};

struct WebConfig {
    bool configured = false;    // the `web:` section is written (nutpp run starts upsweb)
    Location where;
    std::string upsd_host = "localhost"; // the upsd to read (ours: push; NUT's: polling)
    uint16_t upsd_port = 3493;
    std::vector<std::string> ups;       // subset to serve; empty = every UPS upsd lists
    double pollinterval = 5;            // seconds between full reads (push makes status changes immediate)
    std::vector<std::string> variables; // metric subset; empty = every numeric variable
    WebHttp http;
    WebMqtt mqtt;
};

struct Config {
    std::string file;                  // as given to load_file / load_string
    std::string state_dir = "/run/nutpp"; // driver sockets + pid files (NUT's STATEPATH)
    std::string plugin_dir;            // empty = built-in plugin directory
    DriverDefaults driver_defaults;
    std::vector<DeviceConfig> devices; // file order (= LIST UPS order)
    ServerConfig server;
    std::vector<User> users;           // file order
    MonitorConfig monitor;
    WebConfig web;
};

// Throws ConfigError for every problem (unreadable file, YAML syntax, unknown key, bad value, ...).
// Relative password_file paths are resolved against the config file's directory.
Config load_file(const std::string &path);
// As load_file, for text already in memory; relative password_file paths are taken from the
// current directory. `name_for_errors` is the file name used in locations.
Config load_string(const std::string &text, const std::string &name_for_errors);

// A configuration key a plugin declares (converted by the host from the plugin's C descriptor).
struct KeySpec {
    std::string name;
    enum class Type { String, Number, Integer, Bool, Enum } type = Type::String;
    bool required = false;
    std::vector<std::string> enum_values;
    bool secret = false; // value never shown in error messages
    std::optional<std::pair<double, double>> range; // Number/Integer: allowed [min, max]
};

// Validates a device's plugin-specific keys: every key in driver_keys must be declared (else
// "unknown key" with a did-you-mean among declared and host keys), every declared key that is set
// (host keys like `port` included) must have the declared type, every required key must be set.
// Missing keys are reported at the device's location, the others at the key's.
void check_driver_keys(const DeviceConfig &device, const std::string &plugin_name, const std::vector<KeySpec> &keys);

// The text form of a plugin's key list (`upsdrvd --describe NAME --keys`), so a process can learn
// a plugin's keys without loading it. parse_key_specs throws std::runtime_error on malformed text and
// sets `plugin` to the descriptor's name; serialize_key_specs throws on a tab or line break in a name.
std::string serialize_key_specs(const std::string &plugin, const std::vector<KeySpec> &keys);
std::vector<KeySpec> parse_key_specs(const std::string &text, std::string &plugin);

// Keys the host consumes inside a device (exact names; override.<var>/default.<var> come on top).
const std::vector<std::string> &host_device_keys();

} // namespace nutpp::config
