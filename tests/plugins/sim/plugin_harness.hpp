// Loads a built driver plugin with dlopen (as the host does) and drives one instance of it against a
// FakeHost. Failures to load are reported through `error()` so tests can assert on them.
#pragma once

#include <nutpp/driver.h>

#include <memory>
#include <string>

#include "fake_host.hpp"

namespace nutpp::test {

class LoadedPlugin {
public:
    explicit LoadedPlugin(const std::string &path);
    ~LoadedPlugin();
    LoadedPlugin(const LoadedPlugin &) = delete;
    LoadedPlugin &operator=(const LoadedPlugin &) = delete;

    bool ok() const { return desc_ != nullptr; }
    const std::string &error() const { return error_; }
    const nutpp_driver_descriptor &descriptor() const { return *desc_; }
    const nutpp_driver_ops &ops() const { return *desc_->ops; }
    // dlsym of any other name (to check nothing else is exported).
    void *symbol(const char *name) const;

private:
    void *handle_ = nullptr;
    const nutpp_driver_descriptor *desc_ = nullptr;
    std::string error_;
};

// One device: create() in the constructor, close()+destroy() in the destructor.
class PluginInstance {
public:
    PluginInstance(const LoadedPlugin &plugin, FakeHost &host);
    ~PluginInstance();
    PluginInstance(const PluginInstance &) = delete;
    PluginInstance &operator=(const PluginInstance &) = delete;

    nutpp_status create_status() const { return created_; }
    bool created() const { return self_ != nullptr; }
    nutpp_status open();
    nutpp_status poll(uint32_t why = NUTPP_WAKE_TIMER);
    nutpp_status instcmd(const char *cmd, const char *arg = nullptr);
    nutpp_status setvar(const char *name, const char *value);
    void close();

private:
    const nutpp_driver_ops &ops_;
    FakeHost &host_;
    nutpp_instance *self_ = nullptr;
    nutpp_status created_ = NUTPP_E_STATE;
    bool open_ = false;
};

} // namespace nutpp::test
