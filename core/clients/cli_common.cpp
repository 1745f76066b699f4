#include "cli_common.hpp"

#include <iostream>

namespace nutpp::clients {

std::string version_line(std::string_view prog) {
    return "Network UPS Tools " + std::string(prog) + " 2.8.0 (nutpp " NUTPP_VERSION ")";
}

void print_version(std::string_view prog, std::FILE *to) { std::fprintf(to, "%s\n", version_line(prog).c_str()); }

void print_error(std::string_view message) {
    std::fflush(stdout); // keep stdout lines that were already produced ahead of the error
    std::fprintf(stderr, "Error: %.*s\n", static_cast<int>(message.size()), message.data());
}

void print_unexpected(const client::Error &e) {
    if (e.reply.empty()) {
        print_error(e.what());
        return;
    }
    std::fprintf(stderr, "Unexpected response from upsd: %s\n", e.reply.c_str());
}

bool read_line_from_stdin(std::string_view prompt, std::string &out) {
    std::fwrite(prompt.data(), 1, prompt.size(), stdout);
    std::fflush(stdout); // a prompt without newline would otherwise sit in the buffer on a terminal
    out.clear();
    if (!std::getline(std::cin, out)) return false;
    if (!out.empty() && out.back() == '\r') out.pop_back();
    return true;
}

} // namespace nutpp::clients
