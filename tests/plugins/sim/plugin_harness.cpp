#include "plugin_harness.hpp"

#include <dlfcn.h>

namespace nutpp::test {

LoadedPlugin::LoadedPlugin(const std::string &path) {
    handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
        const char *e = ::dlerror();
        error_ = e ? e : "dlopen failed";
        return;
    }
    auto *d = static_cast<const nutpp_driver_descriptor *>(::dlsym(handle_, NUTPP_DRIVER_SYMBOL));
    if (!d) {
        error_ = "no symbol " NUTPP_DRIVER_SYMBOL;
        return;
    }
    if (d->abi_major != NUTPP_ABI_MAJOR || d->struct_size < NUTPP_DESCRIPTOR_V1_0_SIZE || !d->ops ||
        d->ops->struct_size < NUTPP_OPS_V1_0_SIZE) {
        error_ = "descriptor rejected";
        return;
    }
    desc_ = d;
}

LoadedPlugin::~LoadedPlugin() {
    if (handle_) ::dlclose(handle_);
}

void *LoadedPlugin::symbol(const char *name) const { return handle_ ? ::dlsym(handle_, name) : nullptr; }

PluginInstance::PluginInstance(const LoadedPlugin &plugin, FakeHost &host) : ops_(plugin.ops()), host_(host) {
    created_ = ops_.create(host_.api(), host_.ctx(), &self_);
    if (created_ != NUTPP_OK) self_ = nullptr;
}

PluginInstance::~PluginInstance() {
    if (!self_) return;
    close();
    ops_.destroy(self_);
}

nutpp_status PluginInstance::open() {
    const nutpp_status st = ops_.open(self_);
    open_ = st == NUTPP_OK;
    return st;
}

nutpp_status PluginInstance::poll(uint32_t why) { return ops_.poll(self_, why); }

nutpp_status PluginInstance::instcmd(const char *cmd, const char *arg) { return ops_.instcmd(self_, cmd, arg); }

nutpp_status PluginInstance::setvar(const char *name, const char *value) { return ops_.setvar(self_, name, value); }

void PluginInstance::close() {
    if (open_) ops_.close(self_);
    open_ = false;
}

} // namespace nutpp::test
