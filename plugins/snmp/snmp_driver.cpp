#include "snmp_driver.hpp"

#include "mapping_loader.hpp"
#include "trap_receiver.hpp"

#include <nutpp/support/numbers.hpp>
#include <nutpp/support/status_bits.hpp>
#include <nutpp/support/text.hpp>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <netdb.h>
#include <arpa/inet.h>

#include <algorithm>
#include <set>

namespace nutpp::snmp {
namespace {

const char *kSysObjectId = ".1.3.6.1.2.1.1.2.0";
// MIB-II system group -> device.*, for every mapping (NUT snmp-ups does this itself too).
struct SysVar {
    const char *oid;
    const char *var;
};
constexpr SysVar kSystemVars[] = {{".1.3.6.1.2.1.1.1.0", "device.description"},
                                  {".1.3.6.1.2.1.1.4.0", "device.contact"},
                                  {".1.3.6.1.2.1.1.6.0", "device.location"}};

// Which instant command stands in for shutdown.default (upsdrvd -k), in NUT snmp-ups' order.
const char *const kShutdownOrder[] = {"shutdown.return", "shutdown.reboot", "load.off.delay", "load.off"};

nutpp_type decl_type(const VarSpec &v) {
    if (v.type == VarType::Enum) return NUTPP_TYPE_ENUM;
    if (v.writable && v.writable->set_type == SetType::Integer && v.type != VarType::String) return NUTPP_TYPE_INTEGER;
    return NUTPP_TYPE_STRING;
}

bool is_status_kind(VarType t) { return t == VarType::Status || t == VarType::Alarm || t == VarType::Bits; }

} // namespace

SnmpDriver::SnmpDriver(const nutpp_host_api *api, nutpp_host_ctx *h) : Driver(api, h), api_(api), h_(h) {
    const Host &hst = host();
    const std::string port = hst.config_or("port", "");
    std::string hostname, udp;
    if (!split_host_port(port, hostname, udp, "161"))
        throw Error(NUTPP_E_CONFIG, "port '" + port + "': expected host, host:port or [ipv6]:port");
    const bool v6 = hostname.find(':') != std::string::npos;
    scfg_.peer = (v6 ? "udp6:[" + hostname + "]:" : "udp:" + hostname + ":") + udp;
    scfg_.agent = v6 ? "[" + hostname + "]:" + udp : hostname + ":" + udp;

    const std::string version = hst.config_or("snmp_version", "v1");
    if (version == "v1") scfg_.version = SNMP_VERSION_1;
    else if (version == "v2c") scfg_.version = SNMP_VERSION_2c;
    else if (version == "v3") scfg_.version = SNMP_VERSION_3;
    else throw Error(NUTPP_E_CONFIG, "snmp_version '" + version + "': use v1, v2c or v3");
    scfg_.community = hst.config_or("community", "public");
    if (scfg_.version == SNMP_VERSION_3) {
        scfg_.seclevel = hst.config_or("seclevel", "noAuthNoPriv");
        scfg_.secname = hst.config_or("secname", "");
        scfg_.authprotocol = hst.config_or("authprotocol", "MD5");
        scfg_.privprotocol = hst.config_or("privprotocol", "DES");
        scfg_.authpassword = hst.config_or("authpassword", "");
        scfg_.privpassword = hst.config_or("privpassword", "");
        if (scfg_.secname.empty()) throw Error(NUTPP_E_CONFIG, "snmp_version v3 needs secname");
        if (scfg_.seclevel != "noAuthNoPriv" && scfg_.authpassword.empty())
            throw Error(NUTPP_E_CONFIG, "seclevel " + scfg_.seclevel + " needs authpassword");
        if (scfg_.seclevel == "authPriv" && scfg_.privpassword.empty())
            throw Error(NUTPP_E_CONFIG, "seclevel authPriv needs privpassword");
    }
    if (auto r = hst.config_number("snmp_retries")) scfg_.retries = static_cast<int>(*r);
    if (auto t = hst.config_number("snmp_timeout")) scfg_.timeout_s = *t;
    if (auto m = hst.config_number("max_oids_per_request")) scfg_.max_oids = static_cast<size_t>(*m);
    if (auto p = hst.config_number("pollfreq")) pollfreq_s_ = *p;
    trap_listen_ = hst.config_or("trap_listen", "");

    // A user's mapping file comes first: it may add a MIB or replace a shipped one of the same name.
    if (auto file = hst.config("mibfile")) {
        try {
            candidates_.push_back(load_mapping_file(*file));
        } catch (const MappingError &e) {
            throw Error(NUTPP_E_CONFIG, std::string("mibfile: ") + e.what());
        }
    }
    for (const auto &m : catalog())
        if (candidates_.empty() || candidates_.front()->name != m->name) candidates_.push_back(m);
    std::stable_sort(candidates_.begin(), candidates_.end(),
                     [](const auto &a, const auto &b) { return a->detect_order < b->detect_order; });
    mibs_ = hst.config_or("mibs", "auto");
    if (mibs_ != "auto" &&
        std::none_of(candidates_.begin(), candidates_.end(), [&](const auto &m) { return m->name == mibs_; })) {
        if (auto err = catalog_error_for(mibs_); !err.empty())
            throw Error(NUTPP_E_CONFIG, "mibs '" + mibs_ + "': its mapping file did not load: " + err);
        std::string names;
        for (const auto &m : candidates_) names += (names.empty() ? "" : ", ") + m->name;
        throw Error(NUTPP_E_CONFIG, "mibs '" + mibs_ + "': no such mapping (have: auto, " + names + "; from " +
                                        catalog_dir() + ")");
    }
    if (candidates_.empty())
        throw Error(NUTPP_E_CONFIG, "no SNMP mapping files found in '" + catalog_dir() + "' and no mibfile set");
}

SnmpDriver::~SnmpDriver() {
    if (auto *r = trap_receiver()) r->remove(h_);
}

nutpp_status SnmpDriver::failed(const SnmpOutcome &o) {
    switch (o.result) {
    case SnmpResult::Timeout: return host().fail(NUTPP_E_TIMEOUT, o.detail);
    case SnmpResult::AuthError: return host().fail(NUTPP_E_PERMISSION, o.detail);
    case SnmpResult::Refused: return host().fail(NUTPP_E_REJECTED, o.detail);
    default: return host().fail(NUTPP_E_IO, o.detail);
    }
}

nutpp_status SnmpDriver::open() {
    SnmpOutcome why;
    session_ = Session::open(scfg_, why);
    if (!session_) return failed(why);

    // Detection: sysObjectID and every candidate's probe OID in one request.
    std::vector<std::string> oids{kSysObjectId};
    for (const auto &sv : kSystemVars) oids.push_back(sv.oid);
    const size_t first_probe = oids.size();
    MappingList pool;
    for (const auto &m : candidates_)
        if (mibs_ == "auto" || m->name == mibs_) pool.push_back(m);
    for (const auto &m : pool) oids.push_back(m->probe);
    std::vector<RawValue> values;
    if (auto r = session_->get(oids, values); r.result != SnmpResult::Ok) {
        // The v3 engine-ID discovery (in Session::open) is unencrypted; an agent that answered it
        // but ignores our first encrypted request could not decrypt it (Net-SNMP's snmpd drops
        // such a request without a report).
        if (r.result == SnmpResult::Timeout && scfg_.version == SNMP_VERSION_3 && scfg_.seclevel == "authPriv")
            r.detail = "agent " + scfg_.agent +
                       " answered SNMPv3 discovery but not our encrypted request: decryption error at the agent "
                       "(wrong privpassword or privprotocol), or the agent went silent";
        return failed(r);
    }
    const std::string sysoid = values[0].kind == RawValue::Kind::Oid ? values[0].octets : "";
    Detection d;
    if (mibs_ != "auto") d = {pool.front(), "mibs setting"};
    else d = detect(pool, sysoid, std::vector<RawValue>(values.begin() + first_probe, values.end()));
    if (!d.mapping)
        return host().fail(NUTPP_E_NO_DEVICE, "agent " + scfg_.agent + ": no mapping fits (sysObjectID " +
                                                  (sysoid.empty() ? "absent" : sysoid) +
                                                  ", no probe OID answered); set mibs or add a mibfile");
    mapping_ = d.mapping;
    host().info("agent " + scfg_.agent + ": using mapping '" + mapping_->name + "' " + mapping_->version + " (by " +
                d.how + ", file " + mapping_->file + ")");
    // As NUT: the parameter is what was configured ("auto"); the mapping in use is driver.version.data.
    host().set("driver.parameter.mibs", mibs_);
    host().set("driver.version.data", mapping_->name + " MIB " + mapping_->version);

    // Commands exist where their OID answers (NUT adds only those).
    std::vector<std::string> cmd_oids;
    for (const auto &c : mapping_->commands) cmd_oids.push_back(c.oid);
    std::vector<RawValue> cmd_values;
    if (!cmd_oids.empty())
        if (auto r = session_->get(cmd_oids, cmd_values); r.result != SnmpResult::Ok) return failed(r);
    last_.clear();
    for (size_t i = 0; i < std::size(kSystemVars); ++i) {
        VarSpec text;
        support::StatusSet unused;
        auto c = convert_value(text, values[1 + i], unused);
        if (c.usable) host().set(kSystemVars[i].var, c.text);
    }
    if (auto r = refresh(true, true); r.result != SnmpResult::Ok) return failed(r);
    declare_writables_and_commands(cmd_values);

    if (!trap_listen_.empty()) {
        std::string err;
        if (!trap_receiver() || !trap_receiver()->start(trap_listen_, err))
            return host().fail(NUTPP_E_CONFIG, err.empty() ? "no trap receiver" : err);
        // The agent's addresses, numeric, as the receiver sees trap senders.
        std::string hostname, udp;
        split_host_port(host().config_or("port", ""), hostname, udp, "161");
        std::vector<std::string> ips;
        addrinfo hints{}, *res = nullptr;
        hints.ai_socktype = SOCK_DGRAM;
        if (getaddrinfo(hostname.c_str(), nullptr, &hints, &res) == 0) {
            for (auto *a = res; a; a = a->ai_next) {
                char ip[INET6_ADDRSTRLEN] = "";
                if (a->ai_family == AF_INET)
                    inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in *>(a->ai_addr)->sin_addr, ip, sizeof ip);
                else if (a->ai_family == AF_INET6)
                    inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6 *>(a->ai_addr)->sin6_addr, ip, sizeof ip);
                if (*ip) ips.push_back(ip);
            }
            freeaddrinfo(res);
        }
        trap_receiver()->add(h_, api_, ips);
        registered_trap_ = true;
    }
    return NUTPP_OK;
}

void SnmpDriver::declare_writables_and_commands(const std::vector<RawValue> &cmd_values) {
    std::set<std::string> declared;
    for (const auto &v : mapping_->vars) {
        if (!v.writable || declared.count(v.name) || !last_.count(v.name)) continue;
        declared.insert(v.name);
        std::vector<nutpp_range> ranges;
        if (v.writable->min || v.writable->max)
            ranges.push_back({v.writable->min.value_or(INT64_MIN), v.writable->max.value_or(INT64_MAX)});
        std::vector<std::string> enums;
        if (v.type == VarType::Enum && v.table)
            for (const auto &[k, t] : v.table->by_key)
                if (!t.empty()) enums.push_back(t);
        host().declare(v.name.c_str(), decl_type(v), true, v.writable->maxlen ? v.writable->maxlen : 0, ranges, enums);
    }
    published_cmds_.clear();
    for (size_t i = 0; i < mapping_->commands.size() && i < cmd_values.size(); ++i) {
        const auto &c = mapping_->commands[i];
        if (cmd_values[i].kind == RawValue::Kind::Missing) continue;
        if (std::find(published_cmds_.begin(), published_cmds_.end(), c.name) != published_cmds_.end()) continue;
        host().command(c.name.c_str());
        published_cmds_.push_back(c.name);
    }
    for (const char *sd : kShutdownOrder)
        if (std::find(published_cmds_.begin(), published_cmds_.end(), sd) != published_cmds_.end()) {
            host().command("shutdown.default");
            break;
        }
}

SnmpOutcome SnmpDriver::refresh(bool include_static, bool include_slow) {
    // The OIDs to read: each distinct OID once.
    std::vector<char> selected(mapping_->vars.size(), 0); // by position in mapping_->vars
    std::vector<std::string> oids;
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < mapping_->vars.size(); ++i) {
        const VarSpec &v = mapping_->vars[i];
        if (v.oid.empty()) continue;
        if (v.is_static && !include_static) continue;
        if (!is_status_kind(v.type) && !include_slow && !v.writable) continue;
        // An OID the agent did not have when the device was opened is not asked again until the
        // next open: an SNMP v1 agent fails a whole GET for one unknown OID, and every retry
        // without it costs a round trip (NUT's snmp-ups disables such entries too). Status and
        // alarm entries stay: alarm table rows appear while an alarm is present.
        if (!include_static && !is_status_kind(v.type) && absent_.count(v.oid)) continue;
        selected[i] = 1;
        if (index.emplace(v.oid, oids.size()).second) oids.push_back(v.oid);
    }
    std::vector<RawValue> values;
    if (!oids.empty())
        if (auto r = session_->get(oids, values); r.result != SnmpResult::Ok) return r;
    if (include_static) {
        absent_.clear();
        for (size_t i = 0; i < oids.size(); ++i)
            if (values[i].kind == RawValue::Kind::Missing) absent_.insert(oids[i]);
    }

    support::StatusSet status;
    bool status_seen = false;
    std::set<std::string> done; // variables that already have their value this pass
    auto publish = [&](const std::string &name, const std::string &value) {
        done.insert(name);
        auto it = last_.find(name);
        if (it != last_.end() && it->second == value) return;
        last_[name] = value;
        host().set(name.c_str(), value);
    };
    // Phase-bound entries go last, once this pass has published the phase counts they depend on.
    auto phases_of = [&](const std::string &of) {
        auto it = last_.find(of == "bypass" ? "input.bypass.phases" : of + ".phases");
        const auto n = it == last_.end() ? std::nullopt : support::to_integer(it->second);
        return n ? static_cast<int>(*n) : 1;
    };
    for (size_t k = 0; k < 2 * mapping_->vars.size(); ++k) {
        const size_t i = k % mapping_->vars.size();
        const VarSpec &v = mapping_->vars[i];
        if (v.phases.has_value() != (k >= mapping_->vars.size())) continue;
        if (v.phases && phases_of(v.phases->of) != v.phases->count) continue;
        const bool read = selected[i] != 0;
        if (is_status_kind(v.type)) {
            if (!read) continue;
            if (convert_value(v, values[index[v.oid]], status).usable) status_seen = true;
            continue;
        }
        if (done.count(v.name)) continue;
        if (read) {
            support::StatusSet unused;
            auto c = convert_value(v, values[index[v.oid]], unused);
            if (c.usable) {
                publish(v.name, c.text);
                continue;
            }
        } else if (!v.oid.empty()) {
            continue; // not read this pass: keep what was published
        }
        if (v.dflt && !last_.count(v.name)) publish(v.name, *v.dflt);
    }
    if (status_seen) {
        std::string key;
        for (const auto &t : status.tokens()) key += t + " ";
        key += "|" + status.alarm();
        if (last_["\x01status"] != key) { // a key no NUT variable can have
            last_["\x01status"] = key;
            host().status(status.tokens(), status.alarm());
        }
    }
    return {};
}

nutpp_status SnmpDriver::poll(uint32_t why) {
    (void)why;
    if (!session_ || !mapping_) return host().fail(NUTPP_E_STATE, "not open");
    const auto now = std::chrono::steady_clock::now();
    const bool full = now - last_full_ >= std::chrono::duration<double>(pollfreq_s_);
    if (auto r = refresh(false, full); r.result != SnmpResult::Ok) return failed(r);
    if (full) last_full_ = now;
    return NUTPP_OK;
}

const Command *SnmpDriver::command(const std::string &name) const {
    for (const auto &c : mapping_->commands)
        if (c.name == name) return &c;
    return nullptr;
}

nutpp_status SnmpDriver::instcmd(const char *cmd, const char *arg) {
    (void)arg;
    std::string name = cmd;
    if (name == "shutdown.default") {
        for (const char *sd : kShutdownOrder)
            if (std::find(published_cmds_.begin(), published_cmds_.end(), sd) != published_cmds_.end()) {
                name = sd;
                break;
            }
    }
    if (std::find(published_cmds_.begin(), published_cmds_.end(), name) == published_cmds_.end())
        return host().fail(NUTPP_E_UNSUPPORTED, "command " + std::string(cmd) + " not offered by this agent");
    const Command *c = command(name);
    auto r = session_->set(c->oid, c->set_type == SetType::Integer ? 'i' : 's', c->value);
    if (r.result != SnmpResult::Ok) return failed(r);
    host().info("agent " + scfg_.agent + ": " + cmd + (name != cmd ? " (" + name + ")" : std::string()) + " sent (SET " +
                c->oid + " = " + c->value + ")");
    return NUTPP_OK;
}

nutpp_status SnmpDriver::setvar(const char *name, const char *value) {
    const VarSpec *spec = nullptr;
    for (const auto &v : mapping_->vars)
        if (v.name == name && v.writable) {
            spec = &v;
            break;
        }
    if (!spec) return host().fail(NUTPP_E_UNSUPPORTED, std::string("variable not writable: ") + name);
    std::string why;
    auto payload = set_payload(*spec, value, why);
    if (!payload) return host().fail(NUTPP_E_CONVERSION, why);
    auto r = session_->set(spec->oid, spec->writable->set_type == SetType::Integer ? 'i' : 's', *payload);
    if (r.result != SnmpResult::Ok) return failed(r);
    // Publish what the agent now says (it may round or refuse silently).
    std::vector<RawValue> after;
    if (session_->get({spec->oid}, after).result == SnmpResult::Ok) {
        support::StatusSet unused;
        auto c = convert_value(*spec, after[0], unused);
        if (c.usable) {
            last_[spec->name] = c.text;
            host().set(spec->name.c_str(), c.text);
        }
    }
    return NUTPP_OK;
}

void SnmpDriver::close() {
    if (registered_trap_ && trap_receiver()) trap_receiver()->remove(h_);
    registered_trap_ = false;
    session_.reset();
    mapping_.reset();
}

} // namespace nutpp::snmp
