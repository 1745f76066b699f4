#include "session.hpp"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <cstring>
#include <map>
#include <mutex>
#include <shared_mutex>

namespace nutpp::snmp {
namespace {

// Debian's Net-SNMP is built without NETSNMP_REENTRANT: the single-session API keeps per-session
// state apart, but the USM user list (and the engine-ID cache) are process globals that session
// open/close write and every v3 message reads. Writers take this exclusively, v3 I/O shared.
std::shared_mutex g_usm_lock;

// Net-SNMP keeps ONE key set per (agent engine, user name) in that global list: two devices of this
// process talking to one agent as the same v3 user with different pass phrases would overwrite each
// other's keys and both fail. Such a pair is refused with a clear error instead. Guarded by
// g_usm_lock (exclusive). Key: peer + user; value: the credentials and how many sessions use them.
struct UsmClaim {
    std::string credentials;
    int sessions = 0;
};
std::map<std::string, UsmClaim> g_usm_claims;

std::string claim_key(const SessionConfig &c) { return c.peer + "\n" + c.secname; }
std::string claim_credentials(const SessionConfig &c) {
    return c.seclevel + "\n" + c.authprotocol + "\n" + c.authpassword + "\n" + c.privprotocol + "\n" + c.privpassword;
}

struct AuthProto {
    const char *name;
    const oid *proto;
    size_t len;
};
struct PrivProto {
    const char *name;
    const oid *proto;
    size_t len;
};
// What this Net-SNMP offers (5.9: SHA-2 per RFC 7860, AES-192/256 per the Blumenthal draft).
const AuthProto kAuth[] = {
    {"MD5", usmHMACMD5AuthProtocol, OID_LENGTH(usmHMACMD5AuthProtocol)},
    {"SHA", usmHMACSHA1AuthProtocol, OID_LENGTH(usmHMACSHA1AuthProtocol)},
    {"SHA224", usmHMAC128SHA224AuthProtocol, OID_LENGTH(usmHMAC128SHA224AuthProtocol)},
    {"SHA256", usmHMAC192SHA256AuthProtocol, OID_LENGTH(usmHMAC192SHA256AuthProtocol)},
    {"SHA384", usmHMAC256SHA384AuthProtocol, OID_LENGTH(usmHMAC256SHA384AuthProtocol)},
    {"SHA512", usmHMAC384SHA512AuthProtocol, OID_LENGTH(usmHMAC384SHA512AuthProtocol)},
};
const PrivProto kPriv[] = {
    {"DES", usmDESPrivProtocol, OID_LENGTH(usmDESPrivProtocol)},
    {"AES", usmAESPrivProtocol, OID_LENGTH(usmAESPrivProtocol)},
    {"AES192", usmAES192PrivProtocol, OID_LENGTH(usmAES192PrivProtocol)},
    {"AES256", usmAES256PrivProtocol, OID_LENGTH(usmAES256PrivProtocol)},
};

bool parse_oid(const std::string &text, oid *out, size_t &len) {
    size_t n = 0;
    const char *p = text.c_str();
    if (*p == '.') ++p;
    while (*p) {
        if (n >= MAX_OID_LEN) return false;
        char *end = nullptr;
        unsigned long v = std::strtoul(p, &end, 10);
        if (end == p) return false;
        out[n++] = static_cast<oid>(v);
        p = end;
        if (*p == '.') ++p;
        else if (*p) return false;
    }
    len = n;
    return n > 0;
}

RawValue to_raw(const netsnmp_variable_list *v) {
    RawValue r;
    using K = RawValue::Kind;
    switch (v->type) {
    case ASN_INTEGER:
        r.kind = K::Integer;
        r.integer = *v->val.integer;
        break;
    case ASN_GAUGE: // == ASN_UNSIGNED
    case ASN_COUNTER:
        r.kind = K::Unsigned;
        r.integer = static_cast<int64_t>(static_cast<uint32_t>(*v->val.integer));
        break;
    case ASN_TIMETICKS:
        r.kind = K::TimeTicks;
        r.integer = static_cast<int64_t>(static_cast<uint32_t>(*v->val.integer));
        break;
    case ASN_COUNTER64: {
        const uint64_t u = (uint64_t(v->val.counter64->high) << 32) | v->val.counter64->low;
        r.kind = K::Counter64;
        r.integer = u > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(u);
        break;
    }
    case ASN_OCTET_STR:
    case ASN_OPAQUE:
        r.kind = K::Octets;
        r.octets.assign(reinterpret_cast<const char *>(v->val.string), v->val_len);
        break;
    case ASN_IPADDRESS:
        r.kind = K::IpAddress;
        r.octets.assign(reinterpret_cast<const char *>(v->val.string), v->val_len);
        break;
    case ASN_OBJECT_ID: {
        r.kind = K::Oid;
        const size_t n = v->val_len / sizeof(oid);
        for (size_t i = 0; i < n; ++i) r.octets += "." + std::to_string(v->val.objid[i]);
        break;
    }
    default: // NULL, noSuchObject, noSuchInstance, endOfMibView
        r.kind = K::Missing;
    }
    return r;
}

// A failed request in words, classified. USM reports come back as these library errors.
SnmpOutcome classify(int liberr, const std::string &agent, const std::string &fallback) {
    switch (liberr) {
    case SNMPERR_TIMEOUT:
        return {SnmpResult::Timeout, "agent " + agent +
                                         " does not answer (timeout): agent down, or a wrong community / "
                                         "v3 credentials it silently drops"};
    case SNMPERR_UNKNOWN_USER_NAME:
        return {SnmpResult::AuthError, "agent " + agent + " rejects SNMPv3 user: unknown user name (USM report)"};
    case SNMPERR_AUTHENTICATION_FAILURE:
        return {SnmpResult::AuthError,
                "agent " + agent + " rejects SNMPv3 authentication: wrong digest (wrong authpassword or "
                                   "authprotocol; USM report)"};
    case SNMPERR_DECRYPTION_ERR:
        return {SnmpResult::AuthError, "agent " + agent +
                                           " cannot decrypt our SNMPv3 request: decryption error (wrong "
                                           "privpassword or privprotocol; USM report)"};
    case SNMPERR_UNSUPPORTED_SEC_LEVEL:
        return {SnmpResult::AuthError, "agent " + agent + " rejects SNMPv3 security level (USM report)"};
    case SNMPERR_NOT_IN_TIME_WINDOW:
        return {SnmpResult::AuthError, "agent " + agent + " says our SNMPv3 request is not in its time window"};
    case SNMPERR_UNKNOWN_ENG_ID:
        return {SnmpResult::AuthError, "agent " + agent + ": unknown SNMPv3 engine ID (USM report)"};
    default:
        return {SnmpResult::Error, "agent " + agent + ": " + fallback};
    }
}

SnmpOutcome session_error(void *handle, const std::string &agent) {
    int liberr = 0, syserr = 0;
    char *text = nullptr;
    snmp_sess_error(handle, &syserr, &liberr, &text); // (system errno, library error, text)
    std::string msg = text ? text : "unknown SNMP error";
    free(text);
    return classify(liberr, agent, msg);
}

} // namespace

const char *const kAuthProtocols[] = {"MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512", nullptr};
const char *const kPrivProtocols[] = {"DES", "AES", "AES192", "AES256", nullptr};

void snmp_library_init() {
    // No config files, no persistent state under /var/lib/snmp, no MIB files: we use numeric OIDs
    // only, and a user's ~/.snmp/snmp.conf must not change what the daemon does.
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_set_mib_directory("");
    // Net-SNMP's own log lines (it complains about the empty MIB path, and falls back to stderr
    // when no handler is enabled) are dropped: errors reach the host log through the driver,
    // classified and naming the agent.
    snmp_disable_log();
    netsnmp_register_loghandler(NETSNMP_LOGHANDLER_NONE, LOG_EMERG);
    init_snmp("nutpp-snmp");
}

void snmp_library_deinit() { snmp_shutdown("nutpp-snmp"); }

std::unique_ptr<Session> Session::open(const SessionConfig &cfg, SnmpOutcome &why) {
    netsnmp_session s;
    snmp_sess_init(&s);
    std::string peer = cfg.peer;
    s.peername = peer.data();
    s.version = cfg.version;
    s.retries = cfg.retries;
    s.timeout = static_cast<long>(cfg.timeout_s * 1e6);
    std::string community = cfg.community, secname = cfg.secname;
    const bool v3 = cfg.version == SNMP_VERSION_3;
    if (!v3) {
        s.community = reinterpret_cast<u_char *>(community.data());
        s.community_len = community.size();
    } else {
        s.securityName = secname.data();
        s.securityNameLen = secname.size();
        if (cfg.seclevel == "authPriv") s.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
        else if (cfg.seclevel == "authNoPriv") s.securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
        else s.securityLevel = SNMP_SEC_LEVEL_NOAUTH;
        if (s.securityLevel != SNMP_SEC_LEVEL_NOAUTH) {
            const AuthProto *ap = nullptr;
            for (const auto &a : kAuth)
                if (strcasecmp(a.name, cfg.authprotocol.c_str()) == 0) ap = &a;
            if (!ap) {
                why = {SnmpResult::Error, "unknown authprotocol '" + cfg.authprotocol + "'"};
                return nullptr;
            }
            s.securityAuthProto = const_cast<oid *>(ap->proto);
            s.securityAuthProtoLen = ap->len;
            s.securityAuthKeyLen = USM_AUTH_KU_LEN;
            if (generate_Ku(s.securityAuthProto, s.securityAuthProtoLen,
                            reinterpret_cast<const u_char *>(cfg.authpassword.data()), cfg.authpassword.size(),
                            s.securityAuthKey, &s.securityAuthKeyLen) != SNMPERR_SUCCESS) {
                why = {SnmpResult::Error, "cannot derive the SNMPv3 auth key (authpassword must be >= 8 characters)"};
                return nullptr;
            }
        }
        if (s.securityLevel == SNMP_SEC_LEVEL_AUTHPRIV) {
            const PrivProto *pp = nullptr;
            for (const auto &p : kPriv)
                if (strcasecmp(p.name, cfg.privprotocol.c_str()) == 0) pp = &p;
            if (!pp) {
                why = {SnmpResult::Error, "unknown privprotocol '" + cfg.privprotocol + "'"};
                return nullptr;
            }
            s.securityPrivProto = const_cast<oid *>(pp->proto);
            s.securityPrivProtoLen = pp->len;
            s.securityPrivKeyLen = USM_PRIV_KU_LEN;
            if (generate_Ku(s.securityAuthProto, s.securityAuthProtoLen,
                            reinterpret_cast<const u_char *>(cfg.privpassword.data()), cfg.privpassword.size(),
                            s.securityPrivKey, &s.securityPrivKeyLen) != SNMPERR_SUCCESS) {
                why = {SnmpResult::Error, "cannot derive the SNMPv3 priv key (privpassword must be >= 8 characters)"};
                return nullptr;
            }
        }
    }
    void *handle = nullptr;
    {
        std::unique_lock lock(g_usm_lock, std::defer_lock);
        if (v3) {
            lock.lock();
            auto it = g_usm_claims.find(claim_key(cfg));
            if (it != g_usm_claims.end() && it->second.sessions > 0 &&
                it->second.credentials != claim_credentials(cfg)) {
                why = {SnmpResult::Error,
                       "agent " + cfg.agent + ": another device of this upsdrvd uses SNMPv3 user '" + cfg.secname +
                           "' there with other credentials; Net-SNMP keeps one key set per user and agent, so "
                           "give these devices the same credentials or distinct users"};
                return nullptr;
            }
        }
        handle = snmp_sess_open(&s);
        if (handle && v3) {
            auto &claim = g_usm_claims[claim_key(cfg)];
            claim.credentials = claim_credentials(cfg);
            ++claim.sessions;
        }
    }
    if (!handle) {
        int liberr = 0, syserr = 0;
        char *text = nullptr;
        snmp_error(&s, &syserr, &liberr, &text); // (system errno, library error, text)
        why = classify(liberr, cfg.agent, text ? text : "cannot open the SNMP session");
        free(text);
        return nullptr;
    }
    return std::unique_ptr<Session>(new Session(cfg, handle));
}

Session::~Session() {
    std::unique_lock lock(g_usm_lock, std::defer_lock);
    if (cfg_.version == SNMP_VERSION_3) {
        lock.lock();
        auto it = g_usm_claims.find(claim_key(cfg_));
        if (it != g_usm_claims.end() && --it->second.sessions <= 0) {
            g_usm_claims.erase(it);
            // The last session of this user on this agent: drop Net-SNMP's cached user too. It
            // would otherwise keep the keys of the first session that ever opened (a wrong pass
            // phrase included), and a later open with the right one would fail forever.
            if (netsnmp_session *ss = snmp_sess_session(handle_); ss && ss->securityEngineIDLen > 0) {
                if (struct usmUser *u = usm_get_user(ss->securityEngineID, ss->securityEngineIDLen,
                                                     ss->securityName)) {
                    usm_remove_user(u);
                    usm_free_user(u);
                }
            }
        }
    }
    snmp_sess_close(handle_);
}

SnmpOutcome Session::get(const std::vector<std::string> &oids, std::vector<RawValue> &out) {
    out.assign(oids.size(), RawValue{});
    for (size_t i = 0; i < oids.size(); i += cfg_.max_oids) {
        auto r = get_batch(oids, i, std::min(oids.size(), i + cfg_.max_oids), out);
        if (r.result != SnmpResult::Ok) return r;
    }
    return {};
}

SnmpOutcome Session::get_batch(const std::vector<std::string> &oids, size_t begin, size_t end,
                               std::vector<RawValue> &out) {
    // v1 answers a GET with one unknown OID by failing the whole PDU (noSuchName, error index):
    // drop that OID and ask again, at most once per OID of the batch.
    std::vector<size_t> pending;
    for (size_t i = begin; i < end; ++i) {
        oid buf[MAX_OID_LEN];
        size_t len = 0;
        if (parse_oid(oids[i], buf, len)) pending.push_back(i);
    }
    for (size_t attempt = 0; !pending.empty() && attempt <= end - begin; ++attempt) {
        netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
        for (size_t i : pending) {
            oid buf[MAX_OID_LEN];
            size_t len = 0;
            parse_oid(oids[i], buf, len);
            snmp_add_null_var(pdu, buf, len);
        }
        netsnmp_pdu *resp = nullptr;
        int st;
        {
            std::shared_lock lock(g_usm_lock, std::defer_lock);
            if (cfg_.version == SNMP_VERSION_3) lock.lock();
            st = snmp_sess_synch_response(handle_, pdu, &resp);
        }
        if (st == STAT_TIMEOUT) {
            if (resp) snmp_free_pdu(resp);
            return classify(SNMPERR_TIMEOUT, cfg_.agent, "");
        }
        if (st != STAT_SUCCESS || !resp) {
            if (resp) snmp_free_pdu(resp);
            return session_error(handle_, cfg_.agent);
        }
        if (resp->errstat == SNMP_ERR_NOSUCHNAME && resp->errindex >= 1 &&
            size_t(resp->errindex) <= pending.size()) {
            pending.erase(pending.begin() + (resp->errindex - 1));
            snmp_free_pdu(resp);
            continue;
        }
        if (resp->errstat == SNMP_ERR_TOOBIG && pending.size() > 1) {
            // Halve the batch: ask for each half on its own.
            snmp_free_pdu(resp);
            const size_t half = pending.size() / 2;
            std::vector<size_t> first(pending.begin(), pending.begin() + half), second(pending.begin() + half,
                                                                                       pending.end());
            for (const auto *part : {&first, &second})
                for (size_t i : *part) {
                    auto r = get_batch(oids, i, i + 1, out);
                    if (r.result != SnmpResult::Ok) return r;
                }
            return {};
        }
        if (resp->errstat != SNMP_ERR_NOERROR) {
            SnmpOutcome o{SnmpResult::Refused, "agent " + cfg_.agent + " refused GET: " + snmp_errstring(resp->errstat)};
            snmp_free_pdu(resp);
            return o;
        }
        size_t k = 0;
        for (auto *v = resp->variables; v && k < pending.size(); v = v->next_variable, ++k) out[pending[k]] = to_raw(v);
        snmp_free_pdu(resp);
        return {};
    }
    return {};
}

SnmpOutcome Session::set(const std::string &oid_text, char type, const std::string &value) {
    oid buf[MAX_OID_LEN];
    size_t len = 0;
    if (!parse_oid(oid_text, buf, len)) return {SnmpResult::Error, "bad OID " + oid_text};
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_SET);
    if (snmp_add_var(pdu, buf, len, type, value.c_str()) != 0) {
        snmp_free_pdu(pdu);
        return {SnmpResult::Error, "cannot encode '" + value + "' for " + oid_text};
    }
    netsnmp_pdu *resp = nullptr;
    int st;
    {
        std::shared_lock lock(g_usm_lock, std::defer_lock);
        if (cfg_.version == SNMP_VERSION_3) lock.lock();
        st = snmp_sess_synch_response(handle_, pdu, &resp);
    }
    if (st == STAT_TIMEOUT) {
        if (resp) snmp_free_pdu(resp);
        return classify(SNMPERR_TIMEOUT, cfg_.agent, "");
    }
    if (st != STAT_SUCCESS || !resp) {
        if (resp) snmp_free_pdu(resp);
        return session_error(handle_, cfg_.agent);
    }
    SnmpOutcome o;
    if (resp->errstat != SNMP_ERR_NOERROR)
        o = {SnmpResult::Refused, "agent " + cfg_.agent + " refused SET " + oid_text + ": " +
                                      snmp_errstring(resp->errstat)};
    snmp_free_pdu(resp);
    return o;
}

} // namespace nutpp::snmp
