// What upsd knows about one UPS: the driver's variables, flags, enums, ranges and commands, rebuilt
// from the driver socket stream (DUMPALL + later updates). Pure data: no sockets here.
#pragma once

#include "common/strings.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace nutpp::server {

struct VarEntry {
    std::string value;   // as the driver sent it (unescaped)
    std::string wire;    // value escaped for "..." replies, capped like NUT (255 bytes)
    bool rw = false, is_string = false, is_number = false;
    long aux = 0;        // STRING: maximum length
    std::vector<std::string> enums;                          // driver order
    std::vector<std::pair<std::string, std::string>> ranges; // min, max (driver order)
};

// A TRACKING <id> <result> line reported by the driver.
struct TrackingUpdate {
    std::string id;
    int result = 0;
};

class UpsState {
public:
    UpsState() = default;
    UpsState(const UpsState &) = delete; // index_ points into vars_
    UpsState &operator=(const UpsState &) = delete;

    // Escaped values longer than this are cut (NUT keeps them in a 256-byte buffer).
    static constexpr size_t kMaxWireValue = 255;

    // Applies one driver line. Returns true if it was a known message (the caller counts any
    // parsed line as a sign of life anyway). A TRACKING line fills `tracking`.
    bool apply(const std::vector<std::string> &words, std::vector<TrackingUpdate> &tracking);
    void clear(); // driver gone: NUT forgets everything about the UPS

    const VarEntry *find(std::string_view name) const;
    const std::map<std::string, VarEntry, common::ILess> &vars() const { return vars_; }
    const std::set<std::string, common::ILess> &commands() const { return cmds_; }
    bool has_command(std::string_view cmd) const { return cmds_.count(cmd) != 0; }

    bool dump_done() const { return dump_done_; }
    bool data_ok() const { return data_ok_; }
    void set_info(const std::string &name, const std::string &value); // also used for WAIT

private:
    std::map<std::string, VarEntry, common::ILess> vars_; // NUT's order, for LIST VAR
    // Hashed view of vars_ for GET (keys view the map's node keys, which never move).
    std::unordered_map<std::string_view, VarEntry *, common::IHash, common::IEqual> index_;
    std::set<std::string, common::ILess> cmds_;
    bool dump_done_ = false;
    bool data_ok_ = false;
};

// pconf_encode, capped to `max` bytes without leaving a dangling backslash.
std::string wire_value(std::string_view value, size_t max = UpsState::kMaxWireValue);

} // namespace nutpp::server
