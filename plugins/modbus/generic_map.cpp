#include "generic_map.hpp"

#include <nutpp/support/numbers.hpp>

#include <cstring>

namespace nutpp::modbus {

// Index order matters: it is the order NUT's driver evaluates them.
const char *const kContactStates[] = {"OL", "OB", "HB", "LB", "RB", "CHRG", "DISCHRG", "FSD"};
const size_t kContactStateCount = sizeof kContactStates / sizeof kContactStates[0];

namespace {

// What an asserted contact publishes (besides its token).
struct ContactMeaning {
    const char *state;
    const char *alarm;   // ups.alarm text
    const char *charger; // battery.charger.status
};
constexpr ContactMeaning kMeanings[] = {
    {"HB", nullptr, "resting"},        {"LB", "Low Battery (Charge)", nullptr}, {"RB", "Replace Battery", nullptr},
    {"CHRG", nullptr, "charging"},     {"DISCHRG", nullptr, "discharging"},
};

constexpr Table kRegTypes[] = {Table::Coil, Table::Discrete, Table::Input, Table::Holding}; // NUT's 0..3

std::string var_of(const char *state) { return std::string("_contact.") + state; }

int64_t integer(const KeyGetter &get, const std::string &key, int64_t lo, int64_t hi, int64_t fallback) {
    const auto v = get(key);
    if (!v) return fallback;
    size_t used = 0;
    long long n = 0;
    try {
        n = std::stoll(*v, &used, 0);
    } catch (const std::logic_error &) {
        used = 0;
    }
    if (used != v->size() || n < lo || n > hi)
        throw MapError("generic map: " + key + " must be an integer " + std::to_string(lo) + ".." + std::to_string(hi) +
                       ", not '" + *v + "'");
    return n;
}

} // namespace

const Contact *GenericContacts::find(const char *state) const {
    for (const auto &c : contacts)
        if (std::strcmp(c.state, state) == 0) return c.mapped ? &c : nullptr;
    return nullptr;
}

RegisterMap generic_map(const KeyGetter &get, GenericContacts &out) {
    RegisterMap m;
    m.name = "generic";
    m.description = "dry contacts behind a Modbus remote I/O (NUT generic_modbus)";
    m.max_gap = 0; // remote I/O boxes often refuse reads across unused points
    m.mfr = m.model = "UNKNOWN"; // NUT's defaults; device_mfr / device_model override
    out.contacts.clear();
    for (const char *state : kContactStates) {
        Contact c;
        c.state = state;
        const std::string s = state;
        const bool fsd = s == "FSD";
        c.table = kRegTypes[integer(get, s + "_regtype", 0, 3, fsd ? 0 : 1)];
        c.noro = static_cast<int>(integer(get, s + "_noro", 0, 1, 0));
        if (get(s + "_addr")) {
            c.mapped = true;
            c.address = static_cast<uint16_t>(integer(get, s + "_addr", 0, 65535, 0));
        }
        out.contacts.push_back(c);
        if (!c.mapped) continue;
        if (fsd) {
            if (c.table != Table::Coil && c.table != Table::Holding)
                throw MapError("generic map: FSD_regtype must be 0 (coil) or 3 (holding register)");
            const int64_t pulse = integer(get, "FSD_pulse_duration", 0, 10000, -1);
            Command off{"load.off", {Write{c.table, c.address, DataType::U16, Order::Big, 1 ^ c.noro, 0}}};
            if (pulse >= 0)
                off.writes.push_back(Write{c.table, c.address, DataType::U16, Order::Big, 0 ^ c.noro, static_cast<unsigned>(pulse)});
            Command stayoff = off;
            stayoff.name = "shutdown.stayoff";
            m.commands = {off, stayoff};
            m.shutdown = {"shutdown.stayoff"};
            continue;
        }
        Point p;
        p.variable = var_of(state);
        p.table = c.table;
        p.address = c.address;
        p.type = DataType::Bitfield;
        p.where = s + "_addr";
        m.points.push_back(p);
    }
    if (m.points.empty()) throw MapError("generic map: no <state>_addr key is set (OL_addr, OB_addr, LB_addr, ...)");
    return m;
}

void apply_contacts(const GenericContacts &g, Reading &r) {
    // NUT compares the low bits of the point with 1 XOR noro (registers: low byte).
    const auto asserted = [&](const char *state) -> std::optional<bool> {
        const Contact *c = g.find(state);
        if (!c) return std::nullopt;
        const auto it = r.vars.find(var_of(state));
        if (it == r.vars.end()) return std::nullopt;
        const auto v = support::to_integer(it->second);
        const int64_t mask = is_bit_table(c->table) ? 0x0F : 0xFF;
        return v && ((*v & mask) == (1 ^ c->noro));
    };
    const auto set = [&](const char *state) {
        r.status.add_token(state);
        for (const auto &m : kMeanings) {
            if (std::strcmp(m.state, state) != 0) continue;
            if (m.alarm) r.status.add_alarm(m.alarm);
            if (m.charger) r.vars["battery.charger.status"] = m.charger;
        }
    };
    std::optional<bool> online;
    if (const auto ol = asserted("OL")) online = *ol;
    else if (const auto ob = asserted("OB")) online = !*ob;
    if (online) {
        set(*online ? "OL" : "OB");
        if (!*online && !g.find("DISCHRG")) set("DISCHRG");
    }
    if (const auto hb = asserted("HB")) {
        if (*hb) set("HB");
        else if (online && *online && !g.find("CHRG")) set("CHRG");
        else if (online && !*online && !g.find("DISCHRG")) set("DISCHRG");
    }
    for (const char *state : {"LB", "RB"})
        if (asserted(state).value_or(false)) set(state);
    if (g.find("CHRG")) {
        if (asserted("CHRG").value_or(false)) set("CHRG");
    } else if (asserted("DISCHRG").value_or(false)) {
        set("DISCHRG");
    }
}

} // namespace nutpp::modbus
