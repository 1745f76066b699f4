#include "web/store.hpp"

#include "common/strings.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nutpp::web {

const std::string *UpsData::find(std::string_view var) const {
    for (const auto &[k, v] : vars)
        if (k == var) return &v;
    return nullptr;
}

std::string UpsData::status() const {
    const auto *s = find("ups.status");
    return s ? *s : std::string();
}

const char *to_string(Event::Kind k) {
    switch (k) {
    case Event::Kind::Variable: return "variable";
    case Event::Kind::Status: return "status";
    case Event::Kind::Comm: return "comm";
    case Event::Kind::Removed: return "removed";
    }
    return "?";
}

double unix_now() {
    return std::chrono::duration<double>(WallClock::now().time_since_epoch()).count();
}

Sample sample_of(const std::vector<std::pair<std::string, std::string>> &vars, double t) {
    const auto num = [&](std::string_view name) {
        for (const auto &[k, v] : vars) {
            if (k != name) continue;
            double d = 0;
            if (common::parse_double(v, d)) return d;
        }
        return std::numeric_limits<double>::quiet_NaN();
    };
    return Sample{t, num("battery.charge"), num("ups.load"), num("battery.runtime"), num("input.voltage")};
}

namespace {
// Readers of the current state do not need the chart's hour of samples (a scrape must stay cheap).
UpsData without_history(const UpsData &u) {
    UpsData c;
    c.name = u.name;
    c.desc = u.desc;
    c.vars = u.vars;
    c.error = u.error;
    c.ever_read = u.ever_read;
    c.updated = u.updated;
    c.updated_wall = u.updated_wall;
    return c;
}
} // namespace

void Store::subscribe(Listener l) {
    std::lock_guard lk(emit_mu_);
    listeners_.push_back(std::move(l));
}

Event Store::make(Event::Kind k, const std::string &ups, std::string name, std::string value, std::string old) {
    Event e;
    e.kind = k;
    e.seq = ++seq_;
    e.ups = ups;
    e.name = std::move(name);
    e.value = std::move(value);
    e.old = std::move(old);
    e.time = unix_now();
    return e;
}

void Store::emit(std::vector<Event> evs) {
    if (evs.empty()) return;
    for (const auto &l : listeners_) l(evs);
}

void Store::update(const std::string &ups, const std::string &desc,
                   std::vector<std::pair<std::string, std::string>> vars) {
    std::lock_guard ek(emit_mu_);
    std::vector<Event> evs;
    {
        std::lock_guard lk(mu_);
        UpsData &u = ups_[ups];
        u.name = ups;
        u.desc = desc;
        if (!u.error.empty() || !u.ever_read) evs.push_back(make(Event::Kind::Comm, ups, "", "", u.error));
        u.error.clear();
        std::map<std::string, std::string> before(u.vars.begin(), u.vars.end());
        for (const auto &[k, v] : vars) {
            const auto it = before.find(k);
            const bool changed = it == before.end() || it->second != v;
            const std::string old = it == before.end() ? std::string() : it->second;
            if (changed) {
                if (k == "ups.status") evs.push_back(make(Event::Kind::Status, ups, k, v, old));
                evs.push_back(make(Event::Kind::Variable, ups, k, v, old));
            }
            if (it != before.end()) before.erase(it);
        }
        for (const auto &[k, v] : before) evs.push_back(make(Event::Kind::Variable, ups, k, "", v)); // gone
        u.vars = std::move(vars);
        u.ever_read = true;
        u.updated = SteadyClock::now();
        u.updated_wall = WallClock::now();
        const double t = unix_now();
        // One sample per 5 s at most keeps an hour in kHistoryMax whatever the poll interval.
        if (u.history.empty() || t - u.history.back().t >= 5) u.history.push_back(sample_of(u.vars, t));
        else u.history.back() = sample_of(u.vars, u.history.back().t);
        while (!u.history.empty() &&
               (u.history.size() > kHistoryMax || t - u.history.front().t > double(kHistorySpan.count())))
            u.history.pop_front();
    }
    emit(std::move(evs));
}

void Store::set_error(const std::string &ups, const std::string &error) {
    std::lock_guard ek(emit_mu_);
    std::vector<Event> evs;
    {
        std::lock_guard lk(mu_);
        UpsData &u = ups_[ups];
        u.name = ups;
        if (u.error != error) evs.push_back(make(Event::Kind::Comm, ups, "", error, u.error));
        u.error = error;
    }
    emit(std::move(evs));
}

void Store::retain(const std::vector<std::string> &names) {
    std::lock_guard ek(emit_mu_);
    std::vector<Event> evs;
    {
        std::lock_guard lk(mu_);
        for (auto it = ups_.begin(); it != ups_.end();) {
            if (std::find(names.begin(), names.end(), it->first) != names.end()) {
                ++it;
                continue;
            }
            evs.push_back(make(Event::Kind::Removed, it->first, "", "", ""));
            it = ups_.erase(it);
        }
    }
    emit(std::move(evs));
}

std::vector<UpsData> Store::snapshot() const {
    std::lock_guard lk(mu_);
    std::vector<UpsData> out;
    out.reserve(ups_.size());
    for (const auto &[_, u] : ups_) out.push_back(without_history(u));
    return out;
}

std::optional<UpsData> Store::get(const std::string &ups) const {
    std::lock_guard lk(mu_);
    const auto it = ups_.find(ups);
    if (it == ups_.end()) return std::nullopt;
    return without_history(it->second);
}

std::deque<Sample> Store::history(const std::string &ups) const {
    std::lock_guard lk(mu_);
    const auto it = ups_.find(ups);
    return it == ups_.end() ? std::deque<Sample>{} : it->second.history;
}

std::vector<std::string> Store::names() const {
    std::lock_guard lk(mu_);
    std::vector<std::string> out;
    for (const auto &[k, _] : ups_) out.push_back(k);
    return out;
}

uint64_t Store::last_seq() const {
    std::lock_guard lk(mu_);
    return seq_;
}

void Store::count_scrape_error() {
    std::lock_guard lk(mu_);
    ++scrape_errors_;
}

uint64_t Store::scrape_errors() const {
    std::lock_guard lk(mu_);
    return scrape_errors_;
}

} // namespace nutpp::web
