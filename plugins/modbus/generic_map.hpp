// map: generic — NUT generic_modbus's dry-contact mode: each UPS signal (OL, OB, LB, HB, RB, CHRG,
// DISCHRG) is one coil, discrete input or register of a remote-I/O box, configured with NUT's keys
// <state>_addr, <state>_regtype (0 coil, 1 discrete input (default), 2 input register, 3 holding
// register) and <state>_noro (1: the signal is asserted when the point reads 0). FSD_addr (a coil by
// default) is the shutdown output: load.off / shutdown.stayoff write it, FSD_pulse_duration (ms)
// releases it again. The points become an ordinary RegisterMap; apply_contacts() then turns the
// raw contact values into ups.status the way generic_modbus does.
#pragma once

#include "decoder.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace nutpp::modbus {

struct Contact {
    const char *state;     // "OL"
    bool mapped = false;
    Table table = Table::Discrete;
    uint16_t address = 0;
    int noro = 0;
};

struct GenericContacts {
    std::vector<Contact> contacts; // in kContactStates order
    const Contact *find(const char *state) const;
};

// The <state>_* keys the plugin declares (for the descriptor), NULL-terminated per state.
extern const char *const kContactStates[];
extern const size_t kContactStateCount;

using KeyGetter = std::function<std::optional<std::string>(const std::string &)>;
// Builds the map from the keys. Throws MapError naming the key on a bad value.
RegisterMap generic_map(const KeyGetter &get, GenericContacts &out);
// ups.status tokens, ups.alarm texts and battery.charger.status from the contact values.
void apply_contacts(const GenericContacts &g, Reading &r);

} // namespace nutpp::modbus
