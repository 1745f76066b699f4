#include "ups_spec.hpp"

#include "cli_common.hpp"
#include "client/error.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace nutpp::clients {

namespace {

// NUT prints one diagnostic line of its address splitter before the "invalid ..." error for port and
// bracket problems. client::Endpoint reports them in its own words; we map those two reasons back.
void print_splitter_reason(const std::invalid_argument &e) {
    const std::string why = e.what();
    if (why.find("port must be") != std::string::npos)
        std::fputs("upscli_splitaddr: no port specified after ':' separator\n", stderr);
    else if (why.find("missing ']'") != std::string::npos)
        std::fputs("upscli_splitaddr: missing closing bracket in [domain literal]\n", stderr);
}

void print_bad_ups(SpecWording wording) {
    if (wording == SpecWording::upsc)
        print_error("invalid UPS definition.\nRequired format: upsname[@hostname[:port]]");
    else
        print_error("invalid UPS definition.  Required format: upsname[@hostname[:port]]");
}

} // namespace

std::optional<client::Endpoint> parse_ups_operand(const char *spec, SpecWording wording) {
    if (spec == nullptr) {
        print_bad_ups(wording);
        return std::nullopt;
    }
    try {
        return client::Endpoint::parse(spec);
    } catch (const std::invalid_argument &e) {
        print_splitter_reason(e);
        print_bad_ups(wording);
        return std::nullopt;
    }
}

std::optional<client::Endpoint> parse_host_operand(const char *spec) {
    const std::string_view text = spec ? spec : "";
    if (text.find('@') != std::string_view::npos) {
        print_error(client::msg::no_such_host);
        return std::nullopt;
    }
    try {
        return client::Endpoint::parse_host(text);
    } catch (const std::invalid_argument &e) {
        print_splitter_reason(e);
        print_error("invalid hostname.\nRequired format: [hostname[:port]]");
        return std::nullopt;
    }
}

} // namespace nutpp::clients
