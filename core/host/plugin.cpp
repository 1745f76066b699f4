#include "host/plugin.hpp"

#include "common/file_trust.hpp"
#include "host/status_map.hpp"

#include <spdlog/spdlog.h>

#include <dlfcn.h>
#include <unistd.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <sstream>

#ifndef NUTPP_INSTALLED_PLUGIN_DIR
#define NUTPP_INSTALLED_PLUGIN_DIR "/usr/local/lib/nutpp/drivers"
#endif

namespace nutpp::host {

namespace fs = std::filesystem;

namespace {

// nullptr for a value this host does not know (driver.h UNKNOWN VALUES: the load fails).
const char *type_name(int32_t t) {
    switch (t) {
    case NUTPP_TYPE_STRING: return "string";
    case NUTPP_TYPE_NUMBER: return "number";
    case NUTPP_TYPE_INTEGER: return "integer";
    case NUTPP_TYPE_BOOL: return "bool";
    case NUTPP_TYPE_ENUM: return "enum";
    default: return nullptr;
    }
}

// library_init_ex's host side: the public struct first, so the callbacks find the rest (a cast back
// from the pointer the plugin got, which is the address of `pub`).
struct LibraryHost {
    nutpp_library_host pub;
    std::string error;
};

nutpp_library_host make_library_host(const std::string &path) {
    nutpp_library_host lh{};
    lh.struct_size = sizeof lh;
    lh.abi_major = NUTPP_ABI_MAJOR;
    lh.abi_minor = NUTPP_ABI_MINOR;
    lh.plugin_path = path.c_str();
    lh.log = [](const nutpp_library_host *h, nutpp_log_level level, const char *message) noexcept {
        if (!h || !message) return;
        try {
            const auto lvl = static_cast<int32_t>(level);
            if (lvl == NUTPP_LOG_DEBUG) spdlog::debug("plugin {}: {}", h->plugin_path, message);
            else if (lvl == NUTPP_LOG_INFO) spdlog::info("plugin {}: {}", h->plugin_path, message);
            else if (lvl == NUTPP_LOG_WARNING) spdlog::warn("plugin {}: {}", h->plugin_path, message);
            else if (lvl == NUTPP_LOG_ERROR) spdlog::error("plugin {}: {}", h->plugin_path, message);
            else spdlog::error("plugin {}: (unknown level {}) {}", h->plugin_path, lvl, message);
        } catch (...) {
        }
    };
    lh.set_error = [](const nutpp_library_host *h, const char *message) noexcept {
        if (!h) return;
        try {
            reinterpret_cast<LibraryHost *>(const_cast<nutpp_library_host *>(h))->error = message ? message : "";
        } catch (...) {
        }
    };
    return lh;
}

bool valid_plugin_name(const char *s) {
    if (!s || !*s) return false;
    for (const char *p = s; *p; ++p)
        if (!(std::islower(static_cast<unsigned char>(*p)) || std::isdigit(static_cast<unsigned char>(*p)) ||
              *p == '_' || *p == '-'))
            return false;
    return true;
}

std::string transports_text(uint32_t t) {
    static const std::pair<uint32_t, const char *> names[] = {
        {NUTPP_TRANSPORT_USB, "usb"},       {NUTPP_TRANSPORT_SERIAL, "serial"},   {NUTPP_TRANSPORT_SNMP, "snmp"},
        {NUTPP_TRANSPORT_MODBUS, "modbus"}, {NUTPP_TRANSPORT_NETWORK, "network"}, {NUTPP_TRANSPORT_SIM, "sim"}};
    std::string out;
    for (auto [bit, name] : names)
        if (t & bit) out += (out.empty() ? "" : ", ") + std::string(name);
    return out.empty() ? "none" : out;
}

} // namespace

std::string Plugin::resolve(const std::string &driver, const std::string &plugin_dir) {
    const bool is_path = driver.find('/') != std::string::npos;
    const std::string path = is_path ? driver : (fs::path(plugin_dir) / ("nutpp-" + driver + ".so")).string();
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (ec) throw LoadError("cannot load plugin '" + driver + "': cannot access " + path + ": " + ec.message());
    if (!exists)
        throw LoadError("cannot load plugin '" + driver + "': no such file " + path +
                        (is_path ? "" : " (plugin directory: " + plugin_dir + ")"));
    return path;
}

void Plugin::check_trusted(const std::string &driver, const std::string &path) {
    // dlopen runs the file's code with our privileges: as root, a plugin (or a directory above it)
    // that someone else can write is someone else's code running as root.
    if (::geteuid() != 0) return;
    if (const auto problem = common::root_trust_problem(path); !problem.empty())
        throw LoadError("refusing to load plugin '" + driver + "' as root: " + problem);
}

std::shared_ptr<Plugin> Plugin::load(const std::string &driver, const std::string &plugin_dir) {
    const std::string path = resolve(driver, plugin_dir);
    check_trusted(driver, path);
    return load_from(driver, path, path);
}

std::shared_ptr<Plugin> Plugin::load_from(const std::string &driver, const std::string &path,
                                          const std::string &dlopen_path) {
    std::shared_ptr<Plugin> p(new Plugin());
    p->path_ = path;
    // RTLD_LOCAL: two plugins never see each other's symbols; RTLD_NOW: unresolved symbols fail here.
    p->handle_ = dlopen(dlopen_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!p->handle_) {
        const char *err = dlerror();
        throw LoadError("cannot load plugin '" + driver + "' from " + p->path_ + ": " + (err ? err : "dlopen failed"));
    }
    p->check(driver.find('/') != std::string::npos ? std::string() : driver);
    return p;
}

std::shared_ptr<Plugin> Plugin::from_descriptor(const nutpp_driver_descriptor *descriptor, const std::string &label) {
    std::shared_ptr<Plugin> p(new Plugin());
    p->path_ = label;
    p->desc_ = descriptor;
    p->check({});
    return p;
}

void Plugin::check(const std::string &expected_name) {
    const std::string where = "plugin " + path_ + ": ";
    if (handle_) desc_ = static_cast<const nutpp_driver_descriptor *>(dlsym(handle_, NUTPP_DRIVER_SYMBOL));
    if (!desc_)
        throw LoadError(where + "no entry point '" NUTPP_DRIVER_SYMBOL
                                "' (not a nutpp driver plugin, or built for another ABI major version)");
    const auto &d = *desc_;
    constexpr size_t header = offsetof(nutpp_driver_descriptor, abi_minor) + sizeof(uint16_t);
    if (d.struct_size < header)
        throw LoadError(where + "descriptor struct_size " + std::to_string(d.struct_size) +
                        " is smaller than the v1.0 size " + std::to_string(NUTPP_DESCRIPTOR_V1_0_SIZE));
    if (d.abi_major != NUTPP_ABI_MAJOR)
        throw LoadError(where + "ABI major version " + std::to_string(d.abi_major) +
                        " is not supported (this host supports " + std::to_string(NUTPP_ABI_MAJOR) + ")");
    if (d.struct_size < NUTPP_DESCRIPTOR_V1_0_SIZE)
        throw LoadError(where + "descriptor struct_size " + std::to_string(d.struct_size) +
                        " is smaller than the v1.0 size " + std::to_string(NUTPP_DESCRIPTOR_V1_0_SIZE));
    if (!d.id || !*d.id) throw LoadError(where + "descriptor has no id");
    if (!valid_plugin_name(d.name))
        throw LoadError(where + "descriptor name must match [a-z0-9_-]+, got '" + (d.name ? d.name : "(null)") + "'");
    if (!expected_name.empty() && expected_name != d.name)
        throw LoadError(where + "descriptor name '" + d.name + "' does not match the requested driver '" +
                        expected_name + "'");
    if (!d.version) throw LoadError(where + "descriptor has no version");
    if (d.config_key_count > 0 && !d.config_keys)
        throw LoadError(where + "config_key_count is " + std::to_string(d.config_key_count) + " but config_keys is NULL");
    if (d.config_key_count > 0 && d.config_key_size < NUTPP_CONFIG_KEY_V1_0_SIZE)
        throw LoadError(where + "config_key_size " + std::to_string(d.config_key_size) +
                        " is smaller than the v1.0 size " + std::to_string(NUTPP_CONFIG_KEY_V1_0_SIZE));
    for (const auto *k : config_keys()) {
        if (!k->name || !*k->name) throw LoadError(where + "a config key has no name");
        if (!type_name(k->type))
            throw LoadError(where + "config key '" + k->name + "' has unknown type " + std::to_string(k->type) +
                            " (built for a newer ABI?)");
        if (const auto r = range_of(k)) {
            if (k->type != NUTPP_TYPE_NUMBER && k->type != NUTPP_TYPE_INTEGER)
                throw LoadError(where + "config key '" + k->name + "' has a range but is not a number");
            if (!(r->first <= r->second))
                throw LoadError(where + "config key '" + k->name + "' has an empty range (min > max, or NaN)");
        }
    }
    if (!d.ops) throw LoadError(where + "descriptor has no ops table");
    if (d.ops->struct_size < NUTPP_OPS_V1_0_SIZE)
        throw LoadError(where + "ops struct_size " + std::to_string(d.ops->struct_size) +
                        " is smaller than the v1.0 size " + std::to_string(NUTPP_OPS_V1_0_SIZE));
    const std::pair<const void *, const char *> required[] = {
        {reinterpret_cast<const void *>(d.ops->create), "create"}, {reinterpret_cast<const void *>(d.ops->open), "open"},
        {reinterpret_cast<const void *>(d.ops->poll), "poll"},     {reinterpret_cast<const void *>(d.ops->close), "close"},
        {reinterpret_cast<const void *>(d.ops->destroy), "destroy"}};
    for (auto [fn, name] : required)
        if (!fn) throw LoadError(where + "required op '" + name + "' is NULL");
}

Plugin::~Plugin() {
    if (handle_) dlclose(handle_);
}

std::vector<const nutpp_config_key *> Plugin::config_keys() const {
    std::vector<const nutpp_config_key *> out;
    if (!desc_->config_keys) return out;
    const auto *base = reinterpret_cast<const unsigned char *>(desc_->config_keys);
    for (uint32_t i = 0; i < desc_->config_key_count; ++i)
        out.push_back(reinterpret_cast<const nutpp_config_key *>(base + size_t(i) * desc_->config_key_size));
    return out;
}

std::optional<std::pair<double, double>> Plugin::range_of(const nutpp_config_key *k) const {
    // A v1.0/1.1 row ends before min/max: the flag bit alone must not make us read past it.
    if (desc_->config_key_size < NUTPP_CONFIG_KEY_V1_2_SIZE || !(k->flags & NUTPP_KEY_RANGE)) return std::nullopt;
    return std::pair{k->min, k->max};
}

const nutpp_config_key *Plugin::config_key(const std::string &name) const {
    for (const auto *k : config_keys())
        if (name == k->name) return k;
    return nullptr;
}

std::vector<config::KeySpec> Plugin::key_specs() const {
    std::vector<config::KeySpec> out;
    for (const auto *k : config_keys()) {
        config::KeySpec s;
        s.name = k->name;
        switch (k->type) { // check() rejected unknown types at load
        case NUTPP_TYPE_NUMBER: s.type = config::KeySpec::Type::Number; break;
        case NUTPP_TYPE_INTEGER: s.type = config::KeySpec::Type::Integer; break;
        case NUTPP_TYPE_BOOL: s.type = config::KeySpec::Type::Bool; break;
        case NUTPP_TYPE_ENUM: s.type = config::KeySpec::Type::Enum; break;
        case NUTPP_TYPE_STRING:
        default: s.type = config::KeySpec::Type::String; break;
        }
        s.required = (k->flags & NUTPP_KEY_REQUIRED) != 0;
        s.secret = (k->flags & NUTPP_KEY_SECRET) != 0;
        if (k->enum_values)
            for (const char *const *e = k->enum_values; *e; ++e) s.enum_values.emplace_back(*e);
        s.range = range_of(k);
        out.push_back(std::move(s));
    }
    return out;
}

bool Plugin::has_instcmd() const { return desc_->ops->instcmd != nullptr; }
bool Plugin::has_setvar() const { return desc_->ops->setvar != nullptr; }

void Plugin::acquire() {
    std::lock_guard lk(mu_);
    if (users_ == 0) {
        // library_init_ex (v1.2) is read only when the plugin's descriptor is long enough to have it.
        if (NUTPP_HAS_FIELD(desc_, nutpp_driver_descriptor, library_init_ex) && desc_->library_init_ex) {
            LibraryHost lh{make_library_host(path_), {}};
            const nutpp_status st = desc_->library_init_ex(&lh.pub);
            if (st != NUTPP_OK)
                throw LoadError("plugin " + path_ + ": library_init failed: " + status_info(st).name +
                                (lh.error.empty() ? "" : ": " + lh.error));
        } else if (desc_->library_init && desc_->library_init(path_.c_str()) != 0) {
            throw LoadError("plugin " + path_ + ": library_init failed");
        }
    }
    ++users_;
}

void Plugin::release() {
    std::lock_guard lk(mu_);
    if (users_ > 0 && --users_ == 0 && desc_->library_deinit) desc_->library_deinit();
}

std::string default_plugin_dir() {
    if (const char *env = std::getenv("NUTPP_PLUGIN_DIR"); env && *env) return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const char *libdir : {"lib", "lib64", "lib/x86_64-linux-gnu"}) {
            const fs::path candidate = exe.parent_path().parent_path() / libdir / "nutpp" / "drivers";
            if (fs::is_directory(candidate, ec)) return candidate.lexically_normal().string();
        }
    }
    return NUTPP_INSTALLED_PLUGIN_DIR;
}

std::string describe(const Plugin &p) {
    const auto &d = p.descriptor();
    std::ostringstream o;
    o << "plugin:      " << d.name << "\n"
      << "id:          " << d.id << "\n"
      << "version:     " << d.version << "\n"
      << "vendor:      " << (d.vendor ? d.vendor : "") << "\n"
      << "description: " << (d.description ? d.description : "") << "\n"
      << "abi:         " << d.abi_major << "." << d.abi_minor << "\n"
      << "transports:  " << transports_text(d.transports) << "\n"
      << "file:        " << p.path() << "\n"
      << "config keys:\n";
    for (const auto *k : p.config_keys()) {
        o << "  " << k->name << " (" << type_name(k->type);  // known: check() ran
        if (k->flags & NUTPP_KEY_REQUIRED) o << ", required";
        if (k->flags & NUTPP_KEY_SECRET) o << ", secret";
        if (k->flags & NUTPP_KEY_RELOADABLE) o << ", reloadable";
        if (k->default_value) o << ", default " << k->default_value;
        o << ")";
        if (k->enum_values) {
            o << " one of:";
            for (const char *const *e = k->enum_values; *e; ++e) o << " " << *e;
        }
        o << "\n      " << (k->description ? k->description : "") << "\n";
    }
    auto list = [&](const char *title, const char *const *items) {
        if (!items) return;
        o << title << ":\n";
        for (const char *const *i = items; *i; ++i) o << "  " << *i << "\n";
    };
    list("variables", d.variables);
    list("commands", d.commands);
    return o.str();
}

} // namespace nutpp::host
