// upsc: read-only view of a NUT server, NUT 2.8.0 compatible.
//   upsc <ups>[@<host>[:<port>]] [<var>]   all variables ("name: value"), or one value
//   upsc -l | -L [<host>[:<port>]]         UPS names (-L: with descriptions)
//   upsc -c <ups>[@<host>[:<port>]]        addresses of the clients logged in to <ups>
#include "cli_common.hpp"
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
    std::printf("%s\n\n", version_line("upsc").c_str());
    std::printf("Show the status variables a NUT server (upsd) publishes.\n"
                "\n"
                "usage: upsc <ups> [<variable>]      all variables of <ups>, or just one\n"
                "       upsc -l [<host>[:<port>]]    names of the UPSes a server knows\n"
                "       upsc -L [<host>[:<port>]]    the same, each with its description\n"
                "       upsc -c <ups>                clients currently logged in to <ups>\n"
                "\n"
                "  <ups>       <upsname>[@<host>[:<port>]]; host defaults to localhost, port to 3493\n"
                "  <variable>  e.g. ups.status, battery.charge\n"
                "  -h          this help\n"
                "  -V          version\n");
}

int list_upses(const char *host_spec, bool with_desc) {
    const auto ep = parse_host_operand(host_spec);
    if (!ep) return kExitFailure;
    auto conn = open_connection(*ep, Greeting::UpscStartTls);
    if (!conn) return kExitFailure;
    try {
        for (const auto &[name, desc] : conn->list_ups()) {
            if (with_desc) std::printf("%s: %s\n", name.c_str(), desc.c_str());
            else std::printf("%s\n", name.c_str());
        }
    } catch (const client::Error &e) {
        print_error(e.what());
        return kExitFailure;
    }
    say_goodbye(*conn);
    return kExitOk;
}

int list_clients(const char *ups_spec) {
    const auto ep = parse_ups_operand(ups_spec, SpecWording::upsc);
    if (!ep) return kExitFailure;
    auto conn = open_connection(*ep, Greeting::UpscStartTls);
    if (!conn) return kExitFailure;
    try {
        for (const auto &addr : conn->list_client(ep->ups)) std::printf("%s\n", addr.c_str());
    } catch (const client::Error &e) {
        print_error(e.what());
        return kExitFailure;
    }
    say_goodbye(*conn);
    return kExitOk;
}

int show_vars(const char *ups_spec, const char *var) {
    const auto ep = parse_ups_operand(ups_spec, SpecWording::upsc);
    if (!ep) return kExitFailure;
    auto conn = open_connection(*ep, Greeting::UpscStartTls);
    if (!conn) return kExitFailure;
    try {
        if (var != nullptr) {
            // Pre-1.0 NUT names had no dots ("STATUS"); NUT refuses them before asking the server.
            if (std::string_view(var).find('.') == std::string_view::npos) {
                print_error("old-style variable names are not supported");
                return kExitFailure;
            }
            std::printf("%s\n", conn->get_var(ep->ups, var).c_str());
        } else {
            for (const auto &[name, value] : conn->list_var(ep->ups))
                std::printf("%s: %s\n", name.c_str(), value.c_str());
        }
    } catch (const client::Error &e) {
        print_error(e.what());
        return kExitFailure;
    }
    say_goodbye(*conn);
    return kExitOk;
}

} // namespace

int main(int argc, char **argv) {
    bool list = false, with_desc = false, clients = false;
    int opt;
    // '+': stop at the first operand, as NUT's upsc does (see cli_common.hpp).
    while ((opt = ::getopt(argc, argv, "+hlLcV")) != -1) {
        switch (opt) {
        case 'L': with_desc = true; [[fallthrough]];
        case 'l': list = true; break;
        case 'c': clients = true; break;
        case 'V': print_version("upsc", stderr); return kExitOk;
        case 'h':
        default:  usage(); return kExitOk; // NUT exits 0 after usage, even for a bad option
        }
    }
    const char *first = optind < argc ? argv[optind] : nullptr;
    if (list) return list_upses(first, with_desc);   // -l/-L win over -c, as in NUT
    if (clients) return list_clients(first);
    return show_vars(first, optind + 1 < argc ? argv[optind + 1] : nullptr);
}
