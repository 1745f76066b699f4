// Publishes simulated variables to the host with dummy-ups' rules, shared by the file modes and the
// repeater:
//   - `driver.*` names are never imported (the host publishes its own driver.name, parameters...);
//   - an empty value deletes the variable;
//   - `ups.status` (split on whitespace) and `ups.alarm` go through the host's status batch
//     (status_begin/status_set/alarm_set/status_commit), which composes them in NUT's order;
//   - a variable is declared (type, writability, length) right after its first value, with the
//     declaration `shape_for(name)` gives (none when it returns nullopt: the host's default, which
//     NUT reports as a read-only NUMBER); `declare()` replaces it later (repeater type changes);
//   - unchanged values are not sent again, so re-applying a whole file costs no host calls.
#pragma once

#include <nutpp/driver.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nutpp/support/text.hpp>

namespace nutpp::sim {

struct VarDecl {
    nutpp_type type = NUTPP_TYPE_STRING;
    bool writable = true;
    uint32_t max_length = 0; // STRING only
    std::vector<std::string> enums;
    std::vector<nutpp_range> ranges;
    bool operator==(const VarDecl &o) const;
};

class Publisher {
public:
    using ShapeFn = std::function<std::optional<VarDecl>(const std::string &name)>;

    Publisher(Host host, ShapeFn shape_for);

    // Applies `value` to `name` (see the rules above). Status changes wait for flush().
    // Returns false if the host refused the value (logged).
    bool set(const std::string &name, const std::string &value);
    // Replaces the status tokens / the alarm text; flush() publishes them.
    void set_status(const std::vector<std::string> &tokens);
    void set_alarm(const std::string &text);
    void add_alarm(const std::string &text); // NUT's alarm_set(): appended with a space
    // Removes a variable published earlier (no-op if it is not published).
    void remove(const std::string &name);
    // Declares (or re-declares when different) `name` now.
    void declare(const std::string &name, const VarDecl &decl);
    // Commits the status batch if tokens or alarm changed since the last commit.
    void flush();
    // Forgets everything published (after close(): the host drops the device's data).
    void reset();

    // Values published so far (without ups.status / ups.alarm), by NUT name.
    const std::map<std::string, std::string, support::ILess> &values() const { return values_; }
    const std::vector<std::string> &status_tokens() const { return status_; }
    const std::string &alarm() const { return alarm_; }

    static bool is_driver_var(const std::string &name) { return support::istarts_with(name, "driver."); }

private:
    void ensure_declared(const std::string &name);

    Host host_;
    ShapeFn shape_for_;
    std::map<std::string, std::string, support::ILess> values_;
    std::map<std::string, VarDecl, support::ILess> declared_;
    std::vector<std::string> status_;
    std::string alarm_;
    bool status_dirty_ = false;
    std::optional<std::pair<std::vector<std::string>, std::string>> committed_;
};

} // namespace nutpp::sim
