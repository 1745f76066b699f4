// Where a protocol engine puts what it learned. The plugin implements it over the host services;
// unit tests implement it with maps. Keeps the engines free of the C ABI.
#pragma once

#include <string>
#include <vector>

namespace nutpp::serial {

class Sink {
public:
    virtual ~Sink() = default;
    virtual void set(const std::string &name, const std::string &value) = 0;
    virtual void remove(const std::string &name) = 0;
    // Replaces ups.status (tokens in any order; the host orders them) and ups.alarm (empty: none).
    virtual void status(const std::vector<std::string> &tokens, const std::string &alarm) = 0;
    virtual void command(const std::string &name) = 0;
    // A writable variable: an enum when `choices` is non-empty, a string of at most max_length when
    // max_length > 0, else a number.
    virtual void writable(const std::string &name, const std::vector<std::string> &choices, unsigned max_length) = 0;
    virtual void log_info(const std::string &message) = 0;
    virtual void log_debug(const std::string &message) = 0;
};

} // namespace nutpp::serial
