// The variable store of one device: NUT's state tree (names compared case-insensitively, listed in
// strcasecmp order), with types, writability, enum/range/length declarations and instant commands.
//
// Every change is turned into the NUT driver-socket protocol line that announces it (SETINFO, DELINFO,
// ADDENUM, ADDCMD, DATAOK, ...) and queued in an outbox; the socket server drains the outbox and
// broadcasts it. So the store is the single source of both the DUMPALL snapshot and the change stream,
// and they cannot disagree. Thread-safe: the device thread writes, the socket thread reads.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/strings.hpp"

namespace nutpp::store {

// NUT's state flags, by their wire names in SETFLAGS.
enum VarFlag : uint32_t { FLAG_RW = 1u << 0, FLAG_STRING = 1u << 1, FLAG_NUMBER = 1u << 2 };

struct Range {
    long long min = 0;
    long long max = 0;
    bool operator==(const Range &) const = default;
};

struct Variable {
    std::string name;  // as first set (NUT keeps the first spelling)
    std::string value; // raw (unescaped)
    uint32_t flags = 0;
    long aux = 0;      // STRING: max length
    std::vector<std::string> enums;
    std::vector<Range> ranges;
    bool immutable = false; // set from override.<var>: later device values are ignored
};

// How a variable may be written, declared by the driver before or after its first value.
struct Declaration {
    std::string name;
    uint32_t flags = 0; // FLAG_*
    long aux = 0;       // STRING max length
    std::vector<std::string> enums;
    std::vector<Range> ranges;
};

// Outcome of validating a SET before the plugin sees it (upsd's check order, reference §1.4).
enum class SetCheck { Ok, NotSupported, ReadOnly, TooLong, InvalidValue, SetFailed };
const char *to_string(SetCheck c);

// NUT's ST_MAX_VALUE_LEN - 1: longest value a state entry may hold.
inline constexpr size_t kMaxValueLength = 255;

// A number as a variable's value (set_var_number): `decimals` clamped to 0..6, and a value that
// rounds to zero prints "0.0", never "-0.0". nullopt for NaN and infinities.
std::optional<std::string> format_number(double v, int decimals);

class VarStore {
public:
    // Called (without the store lock held) whenever lines were queued, e.g. to wake an event loop.
    using Notify = std::function<void()>;

    explicit VarStore(Notify notify = {});

    // --- writes (device thread); each returns true if something changed ---
    bool set(const std::string &name, const std::string &value);
    bool set_immutable(const std::string &name, const std::string &value); // override.<var>
    bool erase(const std::string &name);
    bool set_flags(const std::string &name, uint32_t flags);
    bool set_aux(const std::string &name, long aux);
    bool add_enum(const std::string &name, const std::string &value);
    bool clear_enums(const std::string &name);
    bool add_range(const std::string &name, Range r);
    bool clear_ranges(const std::string &name);
    // Declares (or re-declares) a variable's flags/length/enums/ranges. Applied now if the variable
    // exists, else when it is first set (NUT needs a value before SETFLAGS can be sent).
    void declare(const Declaration &d);
    bool add_cmd(const std::string &name);
    bool del_cmd(const std::string &name);
    void set_data_ok(bool ok);
    // Drops every variable and command (device reconnect / reload); broadcasts the removals.
    void clear();
    // Queues an arbitrary protocol line (e.g. "TRACKING <id> <n>") in order with the changes.
    void emit(const std::string &line);

    // --- reads (any thread) ---
    std::optional<Variable> get(const std::string &name) const;
    std::optional<std::string> value(const std::string &name) const;
    bool has_cmd(const std::string &name) const;
    bool data_ok() const;
    std::vector<Variable> variables() const; // strcasecmp order
    std::vector<std::string> commands() const;

    SetCheck check_set(const std::string &name, const std::string &value) const;

    // The DUMPALL reply (without DUMPDONE): optional DATASTALE, per var SETINFO/ADDENUM/ADDRANGE/
    // SETAUX/SETFLAGS, ADDCMDs, DATAOK if fresh. Also returns (and empties) the outbox, atomically,
    // so a new client's snapshot and the change stream line up exactly.
    struct Snapshot {
        std::vector<std::string> pending; // queued changes not yet broadcast
        std::vector<std::string> dump;
    };
    Snapshot snapshot_and_drain();
    std::vector<std::string> drain();

    // The lines describing one variable (SETINFO + declarations), as in a dump.
    static void describe(const Variable &v, std::vector<std::string> &out);

private:
    Variable *find(const std::string &name);
    const Variable *find(const std::string &name) const;
    void queue(std::string line);
    void apply_declaration(Variable &var, const Declaration &d);
    void flush_notify(bool queued);

    mutable std::mutex mu_;
    std::map<std::string, Variable, common::ILess> vars_;
    std::map<std::string, Declaration, common::ILess> decls_;
    std::set<std::string, common::ILess> cmds_;
    bool data_ok_ = false;
    std::vector<std::string> outbox_;
    Notify notify_;
};

} // namespace nutpp::store
