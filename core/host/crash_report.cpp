#include "host/crash_report.hpp"

#include "host/device.hpp"
#include "host/host_api.hpp"

#include <signal.h>
#include <string.h>
#include <unistd.h>

namespace nutpp::host {

namespace {

// Only async-signal-safe work below: write(2), strlen, no allocation, no locks.
void put(const char *s) {
    if (!s) return;
    size_t n = strlen(s);
    while (n > 0) {
        const ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0) return;
        s += w;
        n -= size_t(w);
    }
}

CrashScope g_scope = CrashScope::Host;

const char *signal_name(int sig) {
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    }
    return "a fatal signal";
}

void on_fatal_signal(int sig) {
    // The device and plugin live as long as the call that is running: their strings are readable.
    if (const Device *d = CurrentDevice::get()) {
        put("upsdrvd: ");
        put(signal_name(sig));
        put(" in plugin ");
        put(d->plugin().descriptor().name);
        put(" (");
        put(d->plugin().path().c_str());
        put("), device '");
        put(d->name().c_str());
        put("', during ");
        put(d->current_call());
        put(g_scope == CrashScope::Worker ? "(): only this device's worker process stops; upsdrvd restarts it\n"
                                          : "(): every device of this upsdrvd stops with it "
                                            "(isolation: process would keep the others running)\n");
    }
    // SA_RESETHAND restored the default action: raising again ends the process as the signal would.
    raise(sig);
}

} // namespace

void install_crash_report(CrashScope scope) {
    g_scope = scope;
    struct sigaction sa {};
    sa.sa_handler = on_fatal_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND | SA_NODEFER;
    for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigaction(sig, &sa, nullptr);
}

} // namespace nutpp::host
