#include "publisher.hpp"

namespace nutpp::sim {

using support::iequals;
using support::split_words;
namespace {

// NUT's ST_MAX_VALUE_LEN - 1; the host refuses longer values, so they are cut (dummy-ups cuts at 127).
constexpr size_t kMaxValue = 255;

bool is_status(const std::string &n) { return iequals(n, "ups.status"); }
bool is_alarm(const std::string &n) { return iequals(n, "ups.alarm"); }

} // namespace

bool VarDecl::operator==(const VarDecl &o) const {
    if (type != o.type || writable != o.writable || max_length != o.max_length || enums != o.enums ||
        ranges.size() != o.ranges.size())
        return false;
    for (size_t i = 0; i < ranges.size(); ++i)
        if (ranges[i].min != o.ranges[i].min || ranges[i].max != o.ranges[i].max) return false;
    return true;
}

Publisher::Publisher(Host host, ShapeFn shape_for) : host_(host), shape_for_(std::move(shape_for)) {}

void Publisher::declare(const std::string &name, const VarDecl &decl) {
    auto it = declared_.find(name);
    if (it != declared_.end() && it->second == decl) return;
    std::vector<std::string> enums = decl.enums;
    const nutpp_status st =
        host_.declare(name.c_str(), decl.type, decl.writable, decl.max_length, decl.ranges, enums);
    if (st != NUTPP_OK) {
        host_.warn("sim: host refused the declaration of " + name);
        return;
    }
    declared_[name] = decl;
}

void Publisher::ensure_declared(const std::string &name) {
    if (declared_.count(name)) return;
    if (auto d = shape_for_(name)) declare(name, *d);
}

bool Publisher::set(const std::string &name, const std::string &value) {
    if (is_driver_var(name)) return true; // the host's own collection
    if (is_status(name)) {
        ensure_declared("ups.status");
        set_status(split_words(value));
        return true;
    }
    if (is_alarm(name)) {
        set_alarm(value);
        return true;
    }
    if (value.empty()) {
        remove(name);
        return true;
    }
    std::string v = value;
    if (v.size() > kMaxValue) {
        host_.warn("sim: value of " + name + " cut to " + std::to_string(kMaxValue) + " bytes");
        v.resize(kMaxValue);
    }
    auto it = values_.find(name);
    if (it != values_.end() && it->second == v) return true;
    // Set first, then declare: NUT's order (dstate_setinfo, then setflags/setaux).
    if (host_.set(name.c_str(), v) != NUTPP_OK) {
        host_.warn("sim: host refused " + name + " = '" + v + "'");
        return false;
    }
    values_[name] = v;
    ensure_declared(name);
    return true;
}

void Publisher::set_status(const std::vector<std::string> &tokens) {
    if (tokens != status_) {
        status_ = tokens;
        status_dirty_ = true;
    }
}

void Publisher::set_alarm(const std::string &text) {
    if (text != alarm_) {
        alarm_ = text;
        status_dirty_ = true;
    }
}

void Publisher::add_alarm(const std::string &text) {
    if (text.empty()) return;
    set_alarm(alarm_.empty() ? text : alarm_ + " " + text);
}

void Publisher::remove(const std::string &name) {
    if (is_status(name)) return set_status({});
    if (is_alarm(name)) return set_alarm("");
    auto it = values_.find(name);
    if (it == values_.end()) return;
    host_.remove(it->first.c_str());
    values_.erase(it);
    declared_.erase(name); // NUT drops a deleted variable's flags with it
}

void Publisher::flush() {
    if (!status_dirty_) return;
    status_dirty_ = false;
    if (committed_ && committed_->first == status_ && committed_->second == alarm_) return;
    if (!alarm_.empty()) ensure_declared("ups.alarm");
    const auto *api = host_.api();
    api->status_begin(host_.ctx());
    for (const auto &t : status_) api->status_set(host_.ctx(), t.c_str());
    if (!alarm_.empty()) api->alarm_set(host_.ctx(), alarm_.c_str());
    api->status_commit(host_.ctx());
    if (alarm_.empty()) declared_.erase("ups.alarm"); // the host deleted ups.alarm with its flags
    committed_.emplace(status_, alarm_);
}

void Publisher::reset() {
    values_.clear();
    declared_.clear();
    status_.clear();
    alarm_.clear();
    status_dirty_ = false;
    committed_.reset();
}

} // namespace nutpp::sim
