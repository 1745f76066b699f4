// upsrw: list or change a UPS's settable variables, NUT 2.8.0 compatible.
//   upsrw [-l] <ups>[@<host>[:<port>]]                                   list RW variables
//   upsrw -s <var>[=<value>] [-u user] [-p pass] [-w] [-t secs] <ups>   set one
#include "cli_common.hpp"
#include "credentials.hpp"
#include "rw_listing.hpp"
#include "session.hpp"
#include "ups_spec.hpp"

#include "client/connection.hpp"

#include <unistd.h>

#include <cstdio>
#include <optional>
#include <string>

using namespace nutpp;
using namespace nutpp::clients;

namespace {

void usage() {
    std::printf("%s\n\n", version_line("upsrw").c_str());
    std::printf("Show or change the settable variables of a UPS.\n"
                "\n"
                "usage: upsrw [-l] <ups>\n"
                "       upsrw -s <variable>[=<value>] [-u <user>] [-p <password>] [-w] [-t <seconds>] <ups>\n"
                "\n"
                "  -l              list every settable variable with its type and value (the default)\n"
                "  -s <var>=<val>  set <var>; without =<val> the new value is asked for\n"
                "  -u <user>       user from upsd.users (asked for when missing)\n"
                "  -p <password>   that user's password (asked for when missing)\n"
                "  -w              wait until the driver reports the result, and print it\n"
                "  -t <seconds>    how long -w waits (default %u)\n"
                "  -h              this help\n"
                "  -V              version\n"
                "\n"
                "  <ups>           <upsname>[@<host>[:<port>]]\n",
                kDefaultTrackingTimeoutS);
}

int list_rw(const client::Endpoint &ep) {
    auto conn = open_connection(ep, Greeting::Plain);
    if (!conn) return kExitFailure;
    try {
        for (const auto &[name, value] : conn->list_rw(ep.ups))
            std::fputs(format_rw_var(fetch_rw_var(*conn, ep.ups, name)).c_str(), stdout);
    } catch (const client::Error &e) {
        print_error(e.what());
        return kExitFailure;
    }
    say_goodbye(*conn);
    return kExitOk;
}

struct Options {
    std::optional<std::string> setting; // -s operand, "var" or "var=value"
    std::optional<std::string> user, pass;
    bool wait = false;
    unsigned timeout = kDefaultTrackingTimeoutS;
};

int set_var(const Options &o, const client::Endpoint &ep) {
    auto conn = open_connection(ep, Greeting::Plain); // connect before prompting, like NUT
    if (!conn) return kExitFailure;

    // NUT asks in this order: username, password, then the value.
    // Unlike upscmd, upsrw takes end of input at the username prompt as "use the default".
    const std::string user = o.user ? *o.user : prompt_username().value_or(default_username());
    const std::string pass = o.pass ? *o.pass : prompt_password();

    const auto eq = o.setting->find('=');
    const std::string var = o.setting->substr(0, eq);
    std::string value;
    if (eq != std::string::npos) value = o.setting->substr(eq + 1);
    else read_line_from_stdin("Enter new value for " + var + ": ", value); // end of input: empty value

    return run_authenticated_action(*conn, user, pass, o.wait, std::chrono::seconds(o.timeout),
                                    [&] { return conn->set_var(ep.ups, var, value); });
}

} // namespace

int main(int argc, char **argv) {
    Options o;
    int opt;
    // getopt, not CLI11, for NUT's exact option behaviour (see cli_common.hpp).
    while ((opt = ::getopt(argc, argv, "+hls:u:p:wt:V")) != -1) {
        switch (opt) {
        case 'l': break; // listing is what happens without -s anyway
        case 's': o.setting = optarg; break;
        case 'u': o.user = optarg; break;
        case 'p': o.pass = optarg; break;
        case 'w': o.wait = true; break;
        case 't':
            if (!parse_timeout_option(optarg, o.timeout)) return kExitFailure;
            break;
        case 'V': print_version("upsrw", stdout); return kExitOk; // upsrw's goes to stdout, unlike the others
        case 'h':
        default:  usage(); return kExitOk;
        }
    }
    if (optind >= argc) {
        usage();
        return kExitOk;
    }
    const auto ep = parse_ups_operand(argv[optind], SpecWording::admin);
    if (!ep) return kExitFailure;
    return o.setting ? set_var(o, *ep) : list_rw(*ep);
}
