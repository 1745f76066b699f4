// upscmd: list or run a UPS's instant commands, NUT 2.8.0 compatible.
//   upscmd -l <ups>[@<host>[:<port>]]
//   upscmd [-u user] [-p pass] [-w] [-t secs] <ups>[@<host>[:<port>]] <command> [<value>]
#include "cli_common.hpp"
#include "credentials.hpp"
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
    std::printf("%s\n\n", version_line("upscmd").c_str());
    std::printf("Run an instant command (test the battery, switch the load off...) on a UPS.\n"
                "\n"
                "usage: upscmd -l <ups>\n"
                "       upscmd [-u <user>] [-p <password>] [-w] [-t <seconds>] <ups> <command> [<value>]\n"
                "\n"
                "  -l <ups>      list the commands <ups> supports, with descriptions\n"
                "  -u <user>     user from upsd.users (asked for when missing)\n"
                "  -p <password> that user's password (asked for when missing)\n"
                "  -w            wait until the driver reports the result, and print it\n"
                "  -t <seconds>  how long -w waits (default %u)\n"
                "  -h            this help\n"
                "  -V            version\n"
                "\n"
                "  <ups>         <upsname>[@<host>[:<port>]]\n"
                "  <command>     e.g. test.battery.start, load.off\n"
                "  <value>       optional argument of the command\n",
                kDefaultTrackingTimeoutS);
}

int list_commands(const char *ups_spec) {
    const auto ep = parse_ups_operand(ups_spec, SpecWording::admin);
    if (!ep) return kExitFailure;
    auto conn = open_connection(*ep, Greeting::Plain);
    if (!conn) return kExitFailure;
    try {
        const auto cmds = conn->list_cmd(ep->ups);
        std::printf("Instant commands supported on UPS [%s]:\n\n", ep->ups.c_str());
        for (const auto &cmd : cmds) std::printf("%s - %s\n", cmd.c_str(), conn->get_cmddesc(ep->ups, cmd).c_str());
    } catch (const client::Error &e) {
        print_error(e.what());
        return kExitFailure;
    }
    say_goodbye(*conn);
    return kExitOk;
}

struct Options {
    std::optional<std::string> user, pass;
    bool wait = false;
    unsigned timeout = kDefaultTrackingTimeoutS;
};

int run_command(const Options &o, const char *ups_spec, const std::string &cmd, const std::optional<std::string> &arg) {
    const auto ep = parse_ups_operand(ups_spec, SpecWording::admin);
    if (!ep) return kExitFailure;
    auto conn = open_connection(*ep, Greeting::Plain); // connect before prompting, like NUT: no questions for an unreachable host
    if (!conn) return kExitFailure;

    std::string user = o.user.value_or("");
    if (!o.user) {
        auto answer = prompt_username();
        if (!answer) {
            std::fputs("Error reading from stdin!\n", stderr);
            return kExitFailure;
        }
        user = *answer;
    }
    const std::string pass = o.pass ? *o.pass : prompt_password();

    return run_authenticated_action(*conn, user, pass, o.wait, std::chrono::seconds(o.timeout),
                                    [&] { return conn->instcmd(ep->ups, cmd, arg); });
}

} // namespace

int main(int argc, char **argv) {
    Options o;
    const char *list_ups = nullptr;
    int opt;
    // getopt, not CLI11, for NUT's exact option behaviour (see cli_common.hpp).
    while ((opt = ::getopt(argc, argv, "+hl:u:p:wt:V")) != -1) {
        switch (opt) {
        case 'l': list_ups = optarg; break;
        case 'u': o.user = optarg; break;
        case 'p': o.pass = optarg; break;
        case 'w': o.wait = true; break;
        case 't':
            if (!parse_timeout_option(optarg, o.timeout)) return kExitFailure;
            break;
        case 'V': print_version("upscmd", stderr); return kExitOk;
        case 'h':
        default:  usage(); return kExitOk;
        }
    }
    if (list_ups != nullptr) return list_commands(list_ups);
    if (argc - optind < 2) {
        usage();
        return kExitOk;
    }
    std::optional<std::string> arg;
    if (argc - optind >= 3) arg = argv[optind + 2];
    return run_command(o, argv[optind], argv[optind + 1], arg);
}
