// A loaded driver plugin (.so): found by name in the plugin directory, its descriptor checked field by
// field before any plugin function runs, library_init/deinit refcounted across its instances.
#pragma once

#include <nutpp/driver.h>

#include <memory>
#include <optional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace nutpp::host {

// One clear message per failure; the device that needed the plugin is skipped, others run.
class LoadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Plugin {
public:
    // `driver` is a plugin name ("sim" -> <dir>/nutpp-sim.so) or a path containing '/'.
    // As root, refuses a plugin that someone other than root can change (check_trusted).
    static std::shared_ptr<Plugin> load(const std::string &driver, const std::string &plugin_dir);
    // Loads `path` (resolved and checked by the caller) through `dlopen_path`, e.g. /proc/self/fd/N
    // for a file opened before dropping privileges. No trust check: the caller made it.
    static std::shared_ptr<Plugin> load_from(const std::string &driver, const std::string &path,
                                             const std::string &dlopen_path);
    // A descriptor linked into the caller (the SDK's test host): the same checks, no dlopen.
    // `label` stands for the path in messages.
    static std::shared_ptr<Plugin> from_descriptor(const nutpp_driver_descriptor *descriptor, const std::string &label);
    // The file `driver` names (LoadError when there is none); loads nothing.
    static std::string resolve(const std::string &driver, const std::string &plugin_dir);
    // When running as root: LoadError unless `path` and the directories above it are root's alone.
    static void check_trusted(const std::string &driver, const std::string &path);
    ~Plugin();
    Plugin(const Plugin &) = delete;
    Plugin &operator=(const Plugin &) = delete;

    const nutpp_driver_descriptor &descriptor() const { return *desc_; }
    const nutpp_driver_ops &ops() const { return *desc_->ops; }
    const std::string &path() const { return path_; }
    std::string name() const { return desc_->name; }

    // Config keys in declaration order (rows read with the plugin's own stride).
    std::vector<const nutpp_config_key *> config_keys() const;
    const nutpp_config_key *config_key(const std::string &name) const;
    // A key's [min, max] (ABI 1.2, NUTPP_KEY_RANGE), read only from rows long enough to hold it.
    std::optional<std::pair<double, double>> range_of(const nutpp_config_key *k) const;
    std::vector<config::KeySpec> key_specs() const;
    // Plugin's op table has this op (size-checked and non-NULL).
    bool has_instcmd() const;
    bool has_setvar() const;

    // library_init on first use, library_deinit when the last user releases. Throws LoadError.
    void acquire();
    void release();

private:
    Plugin() = default;
    void check(const std::string &driver);

    std::string path_;
    void *handle_ = nullptr;
    const nutpp_driver_descriptor *desc_ = nullptr;
    std::mutex mu_;
    int users_ = 0;
};

// Where plugins are looked up when the config sets no plugin_dir: $NUTPP_PLUGIN_DIR, else
// <dir of this executable>/../lib/nutpp/drivers when it exists (build tree and relocated installs),
// else the compiled-in install path.
std::string default_plugin_dir();

// Human-readable descriptor and config keys, for `upsdrvd --describe`.
std::string describe(const Plugin &p);

} // namespace nutpp::host
