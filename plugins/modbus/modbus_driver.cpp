#include "modbus_driver.hpp"

#include "device_id.hpp"

#include <nutpp/support/numbers.hpp>
#include <nutpp/support/text.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

namespace nutpp::modbus {

namespace {

// NUT publishes the ups.* identity under device.* too.
struct Alias {
    const char *from;
    const char *to;
};
constexpr Alias kDeviceAliases[] = {
    {"ups.mfr", "device.mfr"}, {"ups.model", "device.model"}, {"ups.serial", "device.serial"}};

int integer_key(const Host &h, const char *key, int fallback) {
    const auto v = h.config_number(key);
    return v ? static_cast<int>(*v) : fallback;
}

} // namespace

ModbusDriver::ModbusDriver(const nutpp_host_api *api, nutpp_host_ctx *ctx) : Driver(api, ctx) {
    const Host &h = host();
    link_cfg_.port = h.config_or("port", "");
    if (link_cfg_.port.empty()) throw Error(NUTPP_E_CONFIG, "port is required (/dev/ttyUSB0 or host[:502])");
    if (!is_serial_port(link_cfg_.port)) {
        try {
            (void)split_tcp(link_cfg_.port);
        } catch (const std::invalid_argument &e) {
            throw Error(NUTPP_E_CONFIG, std::string("port: ") + e.what());
        }
    }
    try {
        const std::string map = h.config_or("map", "");
        if (map == "generic") {
            generic_ = std::make_unique<GenericContacts>();
            map_ = generic_map([&](const std::string &k) { return h.config(k.c_str()); }, *generic_);
        } else {
            map_ = resolve_map(map);
        }
    } catch (const MapError &e) {
        throw Error(NUTPP_E_CONFIG, e.what());
    }
    // NUT's generic_modbus calls the slave id rio_slave_id; slaveid wins when both are set.
    link_cfg_.slave = integer_key(h, "rio_slave_id", generic_ ? 5 : map_.slaveid); // NUT 2.8.0 generic_modbus: 5
    link_cfg_.slave = integer_key(h, "slaveid", link_cfg_.slave);
    link_cfg_.baud = integer_key(h, "ser_baud_rate", 9600);
    link_cfg_.parity = h.config_or("ser_parity", "N")[0];
    link_cfg_.data_bits = integer_key(h, "ser_data_bit", 8);
    link_cfg_.stop_bits = integer_key(h, "ser_stop_bit", 1);
    link_cfg_.rs485 = h.config_or("rs485", "false") == "true";
    link_cfg_.retries = integer_key(h, "retries", 1);
    if (const auto t = h.config_number("response_timeout"))
        link_cfg_.response_timeout = std::chrono::milliseconds(static_cast<long>(*t * 1000 + 0.5));
    mfr_ = h.config_or("device_mfr", map_.mfr);
    model_ = h.config_or("device_model", map_.model);
    poll_blocks_ = plan_blocks(map_, false);
    once_blocks_ = plan_blocks(map_, true);
}

nutpp_status ModbusDriver::failed(const std::string &where) {
    const std::string why = where + ": " + link_->error();
    if (!failing_) host().error("modbus " + link_cfg_.port + " " + why); // one line per outage
    failing_ = true;
    host().data_stale(why);
    const nutpp_status s = link_->error_kind() == LinkError::Timeout ? NUTPP_E_TIMEOUT : NUTPP_E_IO;
    return host().fail(s, why);
}

bool ModbusDriver::read_blocks(const std::vector<Block> &blocks, Reading &out) {
    std::vector<uint16_t> words;
    for (const auto &b : blocks) {
        if (!link_->read(b.table, b.start, b.count, words)) return false;
        decode_block(map_, b, words, out);
    }
    return true;
}

nutpp_status ModbusDriver::open() {
    link_ = std::make_unique<Link>(link_cfg_);
    link_->open();
    static_ = Reading{};
    if (!read_blocks(once_blocks_, static_)) return failed("reading the identity at open");
    for (const auto &[k, v] : map_.constants) static_.vars[k] = v;
    if (map_.identification) read_identification(*map_.identification);
    if (!mfr_.empty()) static_.vars["ups.mfr"] = mfr_;
    if (!model_.empty() && !static_.vars.count("ups.model")) static_.vars["ups.model"] = model_;
    const Host &h = host();
    h.set("device.type", "ups");
    h.set("driver.parameter.map", map_.name);
    for (const auto &p : map_.points) {
        if (!p.writable) continue;
        if (p.type == DataType::String) {
            h.declare(p.variable.c_str(), NUTPP_TYPE_STRING, true, p.count * 2u);
        } else if (!p.enums.empty()) {
            std::vector<std::string> texts;
            for (const auto &e : p.enums) texts.push_back(e.text);
            h.declare(p.variable.c_str(), NUTPP_TYPE_ENUM, true, 0, {}, texts);
        } else {
            std::vector<nutpp_range> ranges;
            if (p.min && p.max) ranges.push_back({*p.min, *p.max});
            h.declare(p.variable.c_str(), NUTPP_TYPE_INTEGER, true, 0, ranges);
        }
    }
    for (const auto &c : map_.commands) h.command(c.name.c_str());
    if (!map_.shutdown.empty()) h.command("shutdown.default");
    return poll(NUTPP_WAKE_FIRST);
}

// Identity from function 0x2B. A device that does not answer it is still monitored: its
// identity is then the map's (device_model / device_mfr), and the log says why.
void ModbusDriver::read_identification(const Identification &id) {
    std::map<uint8_t, std::string> objects;
    if (!link_->read_device_id(id.read_code, id.object, objects)) {
        host().warn("modbus " + link_cfg_.port + ": no device identification: " + link_->error());
        return;
    }
    for (const auto &v : id.values) {
        const auto obj = objects.find(v.object);
        if (obj == objects.end()) continue;
        std::string value = obj->second;
        if (!v.field.empty()) {
            const auto fields = split_id_fields(value);
            const auto f = fields.find(v.field);
            if (f == fields.end()) continue;
            value = f->second;
        }
        value = std::string(support::trim(value));
        if (value.empty()) continue;
        for (const auto &name : v.variables) static_.vars[name] = value;
    }
}

void ModbusDriver::publish(const Reading &r) {
    const Host &h = host();
    std::set<std::string> now;
    auto set = [&](const std::string &name, const std::string &value) {
        if (name.empty() || name[0] == '_') return; // internal values only feed `derived`
        h.set(name.c_str(), value);
        now.insert(name);
        for (const auto &a : kDeviceAliases)
            if (name == a.from) {
                h.set(a.to, value);
                now.insert(a.to);
            }
    };
    for (const auto &[name, value] : static_.vars) set(name, value);
    for (const auto &[name, value] : r.vars) set(name, value);
    // A value that went "not available" (invalid raw value, enum miss, when/unless no longer true)
    // is removed rather than left at its last reading.
    for (const auto &name : published_)
        if (!now.count(name)) h.remove(name.c_str());
    published_ = std::move(now);
    h.status(r.status.tokens(), r.status.alarm());
}

nutpp_status ModbusDriver::poll(uint32_t) {
    if (!link_ || !link_->is_open()) return host().fail(NUTPP_E_STATE, "poll without an open device");
    Reading r;
    r.numbers = static_.numbers; // ratings read at open feed `derived` values
    if (!read_blocks(poll_blocks_, r)) return failed("poll");
    finish(map_, r);
    if (generic_) apply_contacts(*generic_, r);
    if (failing_) host().info("modbus " + link_cfg_.port + " slave " + std::to_string(link_cfg_.slave) + " answers again");
    failing_ = false;
    publish(r);
    return NUTPP_OK;
}

nutpp_status ModbusDriver::run_command(const Command &c) {
    for (const auto &w : c.writes) {
        if (w.pause_ms) std::this_thread::sleep_for(std::chrono::milliseconds(w.pause_ms));
        const bool ok = w.table == Table::Coil ? link_->write_coil(w.address, w.value != 0)
                                               : link_->write_registers(w.address, encode_integer(w.type, w.word_order, w.value));
        if (!ok) {
            host().error("modbus " + link_cfg_.port + " command " + c.name + ": " + link_->error());
            return host().fail(link_->error_kind() == LinkError::Exception ? NUTPP_E_REJECTED : NUTPP_E_IO,
                               c.name + ": " + link_->error());
        }
    }
    host().info("modbus " + link_cfg_.port + " slave " + std::to_string(link_cfg_.slave) + ": " + c.name + " sent");
    return NUTPP_OK;
}

nutpp_status ModbusDriver::instcmd(const char *cmd, const char *) {
    if (!link_ || !link_->is_open()) return host().fail(NUTPP_E_STATE, "device not open");
    const std::string name = cmd;
    if (support::iequals(name, "shutdown.default") && !map_.shutdown.empty()) {
        for (const auto &s : map_.shutdown) {
            const auto it = std::find_if(map_.commands.begin(), map_.commands.end(), [&](const Command &c) { return c.name == s; });
            if (const nutpp_status st = run_command(*it); st != NUTPP_OK) return st;
        }
        return NUTPP_OK;
    }
    for (const auto &c : map_.commands)
        if (support::iequals(c.name, name)) return run_command(c);
    return host().fail(NUTPP_E_UNSUPPORTED, "the " + map_.name + " map has no command " + name);
}

nutpp_status ModbusDriver::setvar(const char *name, const char *value) {
    if (!link_ || !link_->is_open()) return host().fail(NUTPP_E_STATE, "device not open");
    const auto it = std::find_if(map_.points.begin(), map_.points.end(),
                                 [&](const Point &p) { return p.writable && support::iequals(p.variable, name); });
    if (it == map_.points.end()) return host().fail(NUTPP_E_UNSUPPORTED, std::string("not writable: ") + name);
    const Point &p = *it;
    std::vector<uint16_t> words;
    if (p.type == DataType::String) {
        words = encode_string(p, value);
    } else {
        std::optional<int64_t> raw;
        for (const auto &e : p.enums)
            if (e.text == value) raw = e.value;
        if (!raw) {
            const auto n = support::to_number(value);
            if (!n) return host().fail(NUTPP_E_CONVERSION, std::string("not a number: ") + value);
            raw = static_cast<int64_t>(std::llround((*n - p.offset) / p.scale));
        }
        words = encode_integer(p.type, p.word_order, *raw);
    }
    const bool ok = p.table == Table::Coil ? link_->write_coil(p.address, words[0] != 0)
                                           : link_->write_registers(p.address, words);
    if (!ok) {
        host().error("modbus " + link_cfg_.port + " set " + p.variable + ": " + link_->error());
        return host().fail(link_->error_kind() == LinkError::Exception ? NUTPP_E_REJECTED : NUTPP_E_IO, link_->error());
    }
    if (p.once) {
        // Static values are not read again by poll(): read this one back now.
        Reading r;
        std::vector<uint16_t> back;
        if (link_->read(p.table, p.address, static_cast<uint16_t>(point_width(p)), back)) {
            decode_point(p, back, r);
            for (const auto &[k, v] : r.vars) static_.vars[k] = v;
        }
    }
    host().set(p.variable.c_str(), p.type == DataType::String ? std::string(value) : std::string(value));
    return NUTPP_OK;
}

void ModbusDriver::close() {
    if (link_) link_->close();
    link_.reset();
    published_.clear();
}

} // namespace nutpp::modbus
