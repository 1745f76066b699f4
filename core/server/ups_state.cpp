#include "server/ups_state.hpp"

#include "common/parseconf.hpp"

#include <algorithm>

namespace nutpp::server {

using common::iequals;

std::string wire_value(std::string_view value, size_t max) {
    std::string s = common::encode(value);
    if (s.size() <= max) return s;
    s.resize(max);
    // Count trailing backslashes: an odd count means we cut an escape pair in half.
    size_t n = 0;
    while (n < s.size() && s[s.size() - 1 - n] == '\\') ++n;
    if (n % 2 == 1) s.pop_back();
    return s;
}

void UpsState::set_info(const std::string &name, const std::string &value) {
    auto [it, inserted] = vars_.try_emplace(name);
    if (inserted) index_.emplace(it->first, &it->second);
    VarEntry &v = it->second;
    v.value = value;
    v.wire = wire_value(value);
}

void UpsState::clear() {
    index_.clear();
    vars_.clear();
    cmds_.clear();
    dump_done_ = false;
    data_ok_ = false;
}

const VarEntry *UpsState::find(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : it->second;
}

bool UpsState::apply(const std::vector<std::string> &w, std::vector<TrackingUpdate> &tracking) {
    if (w.empty()) return false;
    const std::string &verb = w[0];
    const size_t n = w.size();
    // Updates of variables that do not exist are dropped, as NUT's state tree does.
    auto var = [&](size_t i) -> VarEntry * {
        auto it = index_.find(w[i]);
        return it == index_.end() ? nullptr : it->second;
    };
    if (iequals(verb, "SETINFO") && n >= 3) {
        set_info(w[1], w[2]);
    } else if (iequals(verb, "DELINFO") && n >= 2) {
        auto it = vars_.find(w[1]);
        if (it != vars_.end()) {
            index_.erase(std::string_view(it->first));
            vars_.erase(it);
        }
    } else if (iequals(verb, "ADDENUM") && n >= 3) {
        if (auto *v = var(1); v && std::find(v->enums.begin(), v->enums.end(), w[2]) == v->enums.end())
            v->enums.push_back(w[2]);
    } else if (iequals(verb, "DELENUM") && n >= 3) {
        if (auto *v = var(1)) std::erase(v->enums, w[2]);
    } else if (iequals(verb, "ADDRANGE") && n >= 4) {
        if (auto *v = var(1)) {
            std::pair<std::string, std::string> r{w[2], w[3]};
            if (std::find(v->ranges.begin(), v->ranges.end(), r) == v->ranges.end()) v->ranges.push_back(r);
        }
    } else if (iequals(verb, "DELRANGE") && n >= 4) {
        if (auto *v = var(1)) std::erase(v->ranges, std::pair<std::string, std::string>{w[2], w[3]});
    } else if (iequals(verb, "SETAUX") && n >= 3) {
        long long a = 0;
        if (auto *v = var(1); v && common::parse_int(w[2], a)) v->aux = static_cast<long>(a);
    } else if (iequals(verb, "SETFLAGS") && n >= 2) {
        if (auto *v = var(1)) {
            v->rw = v->is_string = v->is_number = false;
            for (size_t i = 2; i < n; ++i) {
                if (iequals(w[i], "RW")) v->rw = true;
                else if (iequals(w[i], "STRING")) v->is_string = true;
                else if (iequals(w[i], "NUMBER")) v->is_number = true;
            }
        }
    } else if (iequals(verb, "ADDCMD") && n >= 2) {
        cmds_.insert(w[1]);
    } else if (iequals(verb, "DELCMD") && n >= 2) {
        auto it = cmds_.find(w[1]);
        if (it != cmds_.end()) cmds_.erase(it);
    } else if (iequals(verb, "DATAOK")) {
        data_ok_ = true;
    } else if (iequals(verb, "DATASTALE")) {
        data_ok_ = false;
    } else if (iequals(verb, "DUMPDONE")) {
        dump_done_ = true;
    } else if (iequals(verb, "TRACKING") && n >= 3) {
        long long r = 0;
        if (common::parse_int(w[2], r)) tracking.push_back({w[1], static_cast<int>(r)});
    } else {
        return iequals(verb, "PONG"); // PONG: only a sign of life; anything else is ignored
    }
    return true;
}

} // namespace nutpp::server
