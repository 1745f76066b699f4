// Repeater mode (port = ups@host[:port]): mirrors a UPS served by a remote NUT upsd, as dummy-ups'
// repeater does, through the plugin-support NUT client (nutpp/support/nut_client.hpp).
//
// open():  connects (in clear text, see connect()), then mirrors everything. With repeater_disable_strict_start an unreachable server does
//          not fail open(): poll() keeps trying and reports the data as unavailable meanwhile.
// poll():  LIST VAR every time; variables are set, changed and removed to match the remote; driver.*
//          ones stay the host's. LIST RW + GET TYPE (+ LIST ENUM / LIST RANGE) and LIST CMD are
//          re-read when connecting and whenever the set of variable names changes, so writable
//          variables keep the remote's type, length, enums and ranges, and the instant commands are
//          the remote's (minus driver.*). A remote ERR DATA-STALE / DRIVER-NOT-CONNECTED makes the
//          poll fail (our copy goes stale too); a broken connection is re-opened on the next poll.
// setvar / instcmd: forwarded (SET VAR / INSTCMD), after USERNAME/PASSWORD when configured; the new
//          value arrives with the next poll. Remote errors map to nutpp statuses (see repeater.cpp).
#pragma once

#include <nutpp/driver.hpp>
#include <nutpp/support/nut_client.hpp>

#include <map>
#include <optional>
#include <set>
#include <string>

#include "publisher.hpp"
#include "sim_config.hpp"
#include "sim_mode.hpp"

namespace nutpp::sim {

class Repeater : public SimMode {
public:
    // Parses the endpoint (no I/O); throws nutpp::Error(NUTPP_E_CONFIG) if `port` is not ups@host[:port].
    Repeater(Host host, SimConfig config);

    nutpp_status open() override;
    nutpp_status poll(uint32_t wake_reasons) override;
    nutpp_status instcmd(const char *cmd, const char *arg) override;
    nutpp_status setvar(const char *name, const char *value) override;
    void close() override;

    // "RW ENUM STRING:8" words (after the variable name) -> declaration (exposed for tests).
    static VarDecl decl_from_type(const std::vector<std::string> &type_words);
    // A remote ERR code -> the nutpp status the host reports.
    static nutpp_status status_for(const support::NutClientError &e);

private:
    void connect();                 // throws support::NutClientError
    void refresh(bool full);        // throws support::NutClientError
    void refresh_types();
    void refresh_commands();
    void login_if_needed();
    nutpp_status failed(const support::NutClientError &e, const std::string &what);

    Host host_;
    SimConfig config_;
    support::NutEndpoint ep_;
    std::optional<support::NutClient> conn_;
    bool credentials_sent_ = false;
    Publisher pub_;
    std::map<std::string, VarDecl, support::ILess> rw_;   // remote writable variables
    std::set<std::string, support::ILess> names_;         // remote variable names at the last refresh
    std::set<std::string, support::ILess> cmds_;          // commands declared to the host
    bool outage_logged_ = false;
};

} // namespace nutpp::sim
