#include "store/var_store.hpp"

#include "common/parseconf.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nutpp::store {

std::optional<std::string> format_number(double v, int decimals) {
    if (!std::isfinite(v)) return std::nullopt;
    decimals = std::clamp(decimals, 0, 6);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    if (s.rfind("-0", 0) == 0 && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
    return s;
}

using common::quote;

const char *to_string(SetCheck c) {
    switch (c) {
    case SetCheck::Ok: return "OK";
    case SetCheck::NotSupported: return "VAR-NOT-SUPPORTED";
    case SetCheck::ReadOnly: return "READONLY";
    case SetCheck::TooLong: return "TOO-LONG";
    case SetCheck::InvalidValue: return "INVALID-VALUE";
    case SetCheck::SetFailed: return "SET-FAILED";
    }
    return "SET-FAILED";
}

namespace {

std::string flags_line(const Variable &v) {
    std::string line = "SETFLAGS " + v.name;
    if (v.flags & FLAG_RW) line += " RW";
    if (v.flags & FLAG_STRING) line += " STRING";
    if (v.flags & FLAG_NUMBER) line += " NUMBER";
    return line;
}

std::string range_line(const char *verb, const std::string &name, Range r) {
    return std::string(verb) + " " + name + " " + std::to_string(r.min) + " " + std::to_string(r.max);
}

} // namespace

VarStore::VarStore(Notify notify) : notify_(std::move(notify)) {}

Variable *VarStore::find(const std::string &name) {
    auto it = vars_.find(name);
    return it == vars_.end() ? nullptr : &it->second;
}
const Variable *VarStore::find(const std::string &name) const {
    auto it = vars_.find(name);
    return it == vars_.end() ? nullptr : &it->second;
}

void VarStore::queue(std::string line) { outbox_.push_back(std::move(line)); }

void VarStore::flush_notify(bool queued) {
    if (queued && notify_) notify_();
}

bool VarStore::set(const std::string &name, const std::string &value) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        std::string v = value.size() > kMaxValueLength ? value.substr(0, kMaxValueLength) : value;
        Variable *var = find(name);
        if (!var) {
            Variable nv;
            nv.name = name;
            nv.value = std::move(v);
            queue("SETINFO " + nv.name + " " + quote(nv.value));
            Variable &created = vars_.emplace(name, std::move(nv)).first->second;
            if (auto d = decls_.find(name); d != decls_.end()) apply_declaration(created, d->second);
            changed = true;
        } else if (!var->immutable && var->value != v) {
            var->value = std::move(v);
            queue("SETINFO " + var->name + " " + quote(var->value));
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

bool VarStore::set_immutable(const std::string &name, const std::string &value) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        const std::string v = value.substr(0, kMaxValueLength);
        Variable *var = find(name);
        if (!var) {
            Variable nv;
            nv.name = name;
            nv.value = v;
            var = &vars_.emplace(name, std::move(nv)).first->second;
            queue("SETINFO " + var->name + " " + quote(var->value));
            if (auto d = decls_.find(name); d != decls_.end()) apply_declaration(*var, d->second);
            var->immutable = true;
            flush_notify(true);
            return true;
        } else if (var->value != v) {
            var->value = v;
            changed = true;
        }
        var->immutable = true;
        if (changed) queue("SETINFO " + var->name + " " + quote(var->value));
    }
    flush_notify(changed);
    return changed;
}

void VarStore::apply_declaration(Variable &var, const Declaration &d) {
    if (var.enums != d.enums) {
        for (const auto &e : var.enums) queue("DELENUM " + var.name + " " + quote(e));
        var.enums = d.enums;
        for (const auto &e : var.enums) queue("ADDENUM " + var.name + " " + quote(e));
    }
    if (var.ranges != d.ranges) {
        for (const auto &r : var.ranges) queue(range_line("DELRANGE", var.name, r));
        var.ranges = d.ranges;
        for (const auto &r : var.ranges) queue(range_line("ADDRANGE", var.name, r));
    }
    if (var.aux != d.aux) {
        var.aux = d.aux;
        queue("SETAUX " + var.name + " " + std::to_string(var.aux));
    }
    if (var.flags != d.flags) {
        var.flags = d.flags;
        queue(flags_line(var));
    }
}

void VarStore::declare(const Declaration &d) {
    bool queued = false;
    {
        std::lock_guard lk(mu_);
        decls_[d.name] = d;
        if (Variable *var = find(d.name)) {
            const size_t before = outbox_.size();
            apply_declaration(*var, d);
            queued = outbox_.size() != before;
        }
    }
    flush_notify(queued);
}

bool VarStore::erase(const std::string &name) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        auto it = vars_.find(name);
        if (it != vars_.end() && !it->second.immutable) {
            queue("DELINFO " + it->second.name);
            vars_.erase(it);
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

bool VarStore::set_flags(const std::string &name, uint32_t flags) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        Variable *var = find(name);
        if (var && var->flags != flags) {
            var->flags = flags;
            queue(flags_line(*var));
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

bool VarStore::set_aux(const std::string &name, long aux) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        Variable *var = find(name);
        if (var && var->aux != aux) {
            var->aux = aux;
            queue("SETAUX " + var->name + " " + std::to_string(aux));
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

bool VarStore::add_enum(const std::string &name, const std::string &value) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        Variable *var = find(name);
        if (var && std::find(var->enums.begin(), var->enums.end(), value) == var->enums.end()) {
            var->enums.push_back(value);
            queue("ADDENUM " + var->name + " " + quote(value));
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

bool VarStore::clear_enums(const std::string &name) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        Variable *var = find(name);
        if (var && !var->enums.empty()) {
            for (const auto &e : var->enums) queue("DELENUM " + var->name + " " + quote(e));
            var->enums.clear();
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

bool VarStore::add_range(const std::string &name, Range r) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        Variable *var = find(name);
        if (var && std::find(var->ranges.begin(), var->ranges.end(), r) == var->ranges.end()) {
            var->ranges.push_back(r);
            queue(range_line("ADDRANGE", var->name, r));
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

bool VarStore::clear_ranges(const std::string &name) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        Variable *var = find(name);
        if (var && !var->ranges.empty()) {
            for (const auto &r : var->ranges) queue(range_line("DELRANGE", var->name, r));
            var->ranges.clear();
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

bool VarStore::add_cmd(const std::string &name) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        if (cmds_.insert(name).second) {
            queue("ADDCMD " + name);
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

bool VarStore::del_cmd(const std::string &name) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        auto it = cmds_.find(name);
        if (it != cmds_.end()) {
            queue("DELCMD " + *it);
            cmds_.erase(it);
            changed = true;
        }
    }
    flush_notify(changed);
    return changed;
}

void VarStore::set_data_ok(bool ok) {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        if (data_ok_ != ok) {
            data_ok_ = ok;
            queue(ok ? "DATAOK" : "DATASTALE");
            changed = true;
        }
    }
    flush_notify(changed);
}

void VarStore::clear() {
    bool changed = false;
    {
        std::lock_guard lk(mu_);
        for (const auto &[k, v] : vars_) queue("DELINFO " + v.name);
        for (const auto &c : cmds_) queue("DELCMD " + c);
        changed = !vars_.empty() || !cmds_.empty();
        vars_.clear();
        cmds_.clear();
        decls_.clear();
    }
    flush_notify(changed);
}

void VarStore::emit(const std::string &line) {
    {
        std::lock_guard lk(mu_);
        queue(line);
    }
    flush_notify(true);
}

std::optional<Variable> VarStore::get(const std::string &name) const {
    std::lock_guard lk(mu_);
    const Variable *v = find(name);
    return v ? std::optional<Variable>(*v) : std::nullopt;
}

std::optional<std::string> VarStore::value(const std::string &name) const {
    std::lock_guard lk(mu_);
    const Variable *v = find(name);
    return v ? std::optional<std::string>(v->value) : std::nullopt;
}

bool VarStore::has_cmd(const std::string &name) const {
    std::lock_guard lk(mu_);
    return cmds_.count(name) != 0;
}

bool VarStore::data_ok() const {
    std::lock_guard lk(mu_);
    return data_ok_;
}

std::vector<Variable> VarStore::variables() const {
    std::lock_guard lk(mu_);
    std::vector<Variable> out;
    out.reserve(vars_.size());
    for (const auto &[k, v] : vars_) out.push_back(v);
    return out;
}

std::vector<std::string> VarStore::commands() const {
    std::lock_guard lk(mu_);
    return {cmds_.begin(), cmds_.end()};
}

SetCheck VarStore::check_set(const std::string &name, const std::string &value) const {
    std::lock_guard lk(mu_);
    const Variable *v = find(name);
    if (!v) return SetCheck::NotSupported;
    if (!(v->flags & FLAG_RW)) return SetCheck::ReadOnly;
    if (v->flags & FLAG_STRING) {
        if (v->aux < 1) return SetCheck::SetFailed;
        if (static_cast<long>(value.size()) > v->aux) return SetCheck::TooLong;
    }
    if (!v->enums.empty() && std::find(v->enums.begin(), v->enums.end(), value) == v->enums.end())
        return SetCheck::InvalidValue;
    if (!v->ranges.empty()) {
        // upsd uses atoi(): leading integer part, 0 for non-numbers.
        const long long n = std::atoll(value.c_str());
        const bool inside = std::any_of(v->ranges.begin(), v->ranges.end(),
                                        [n](const Range &r) { return n >= r.min && n <= r.max; });
        if (!inside) return SetCheck::InvalidValue;
    }
    return SetCheck::Ok;
}

void VarStore::describe(const Variable &v, std::vector<std::string> &out) {
    out.push_back("SETINFO " + v.name + " " + quote(v.value));
    for (const auto &e : v.enums) out.push_back("ADDENUM " + v.name + " " + quote(e));
    for (const auto &r : v.ranges) out.push_back(range_line("ADDRANGE", v.name, r));
    if (v.aux != 0) out.push_back("SETAUX " + v.name + " " + std::to_string(v.aux));
    if (v.flags != 0) out.push_back(flags_line(v));
}

VarStore::Snapshot VarStore::snapshot_and_drain() {
    std::lock_guard lk(mu_);
    Snapshot s;
    s.pending.swap(outbox_);
    if (!data_ok_) s.dump.emplace_back("DATASTALE");
    for (const auto &[k, v] : vars_) describe(v, s.dump);
    for (const auto &c : cmds_) s.dump.push_back("ADDCMD " + c);
    if (data_ok_) s.dump.emplace_back("DATAOK");
    return s;
}

std::vector<std::string> VarStore::drain() {
    std::lock_guard lk(mu_);
    std::vector<std::string> out;
    out.swap(outbox_);
    return out;
}

} // namespace nutpp::store
